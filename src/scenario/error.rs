//! Located scenario problems: what the CLI renders as
//! `file:line:col: error: path: expected …, found …; note`.
//!
//! A [`Problem`] is data (severity, field path, position, expectation) so
//! tests and tools can inspect it; the one-line rendering lives here so every
//! command prints problems the same way (docs/cli.md "Exit codes").

use std::fmt;

/// How bad a problem is: errors stop the scenario (exit 2), warnings are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// One thing wrong with a scenario, located as precisely as the input allows.
///
/// Displays as `line:col: error: path: expected …, found …; note` (without
/// the file name, which the [`ScenarioError`] holding it adds).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.render(None))]
pub struct Problem {
    pub severity: Severity,
    /// Field path such as `clients[1].refresh` or `script[3].client`; empty
    /// for the whole document.
    pub path: String,
    /// What was expected, in the user's terms (never empty).
    pub expected: String,
    /// What the file holds instead, when showing it helps (`"15min"`, `0`).
    pub found: Option<String>,
    /// Why, or a hint such as `did you mean "grace"?`.
    pub note: Option<String>,
    /// 1-based line of the offending value, when known.
    pub line: Option<usize>,
    /// 1-based column (in characters) of the offending value, when known.
    pub column: Option<usize>,
}

impl Problem {
    /// An error at a field path; the loader fills in line and column.
    pub fn error(path: impl Into<String>, expected: impl Into<String>) -> Problem {
        Problem {
            severity: Severity::Error,
            path: path.into(),
            expected: expected.into(),
            found: None,
            note: None,
            line: None,
            column: None,
        }
    }

    /// A warning at a field path: the scenario still runs.
    pub fn warning(path: impl Into<String>, expected: impl Into<String>) -> Problem {
        Problem {
            severity: Severity::Warning,
            ..Problem::error(path, expected)
        }
    }

    /// Adds what the file holds instead of the expected value.
    pub fn found(mut self, found: impl Into<String>) -> Problem {
        self.found = Some(found.into());
        self
    }

    /// Adds the reason or a hint.
    pub fn note(mut self, note: impl Into<String>) -> Problem {
        self.note = Some(note.into());
        self
    }

    /// Sets the 1-based position.
    pub fn at(mut self, line: usize, column: usize) -> Problem {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    /// True for problems that stop the scenario.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The one-line message, prefixed by `file:` when a file is given.
    pub fn render(&self, file: Option<&str>) -> String {
        let mut place = file.map(str::to_string).unwrap_or_default();
        if let Some(line) = self.line {
            if !place.is_empty() {
                place.push(':');
            }
            place.push_str(&line.to_string());
            if let Some(column) = self.column {
                place.push_str(&format!(":{column}"));
            }
        }
        let path = if self.path.is_empty() {
            "(document)"
        } else {
            &self.path
        };
        let mut text = if place.is_empty() {
            format!("{}: {path}: expected {}", self.severity, self.expected)
        } else {
            format!(
                "{place}: {}: {path}: expected {}",
                self.severity, self.expected
            )
        };
        if let Some(found) = &self.found {
            text.push_str(&format!(", found {found}"));
        }
        if let Some(note) = &self.note {
            text.push_str(&format!("; {note}"));
        }
        text
    }
}

/// Longest text a message echoes from the file, in characters.
pub const CLIP: usize = 60;

/// A value from the file, quoted as JSON would, and cut to [`CLIP`]
/// characters with its full size when longer: a 5 MB name must not become
/// a 5 MB message.
pub fn clip(text: &str) -> String {
    if text.chars().count() <= CLIP {
        return format!("{text:?}");
    }
    let head: String = text.chars().take(CLIP).collect();
    let quoted = format!("{head:?}");
    format!("{}…({} bytes)\"", &quoted[..quoted.len() - 1], text.len())
}

/// A list of choices this long or shorter is shown whole (every field of
/// an object, every invariant); a longer one is cut to [`MAX_CHOICES`].
pub const WHOLE_CHOICES: usize = 16;

/// How many choices a cut list shows; the rest are counted.
pub const MAX_CHOICES: usize = 10;

/// `a, b, c` or `a, b, … and 990 more`.
pub fn list_choices(items: &[String]) -> String {
    if items.len() <= WHOLE_CHOICES {
        return items.join(", ");
    }
    format!(
        "{} and {} more",
        items[..MAX_CHOICES].join(", "),
        items.len() - MAX_CHOICES
    )
}

/// Why a scenario file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read at all (missing, a directory, no permission).
    #[error("{file}: error: cannot read the file: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    /// The file was read but is not a valid scenario; `problems` holds every
    /// error found and the warnings that came with them, in field order.
    #[error("{}", render_problems(file, problems))]
    Invalid {
        file: String,
        problems: Vec<Problem>,
    },
}

impl ScenarioError {
    /// The file the error is about, as given to `load` or `parse`.
    pub fn file(&self) -> &str {
        match self {
            ScenarioError::Io { file, .. } | ScenarioError::Invalid { file, .. } => file,
        }
    }

    /// The located problems (empty for an unreadable file).
    pub fn problems(&self) -> &[Problem] {
        match self {
            ScenarioError::Io { .. } => &[],
            ScenarioError::Invalid { problems, .. } => problems,
        }
    }
}

/// At most this many problems are printed: a scenario with one mistake
/// repeated in a 300-element array gets a readable message, not 40 KB.
pub const MAX_RENDERED_PROBLEMS: usize = 20;

/// `file:line:col: error: path: expected …`, one line per problem; past
/// [`MAX_RENDERED_PROBLEMS`], one closing line counts the rest.
pub fn render_problems(file: &str, problems: &[Problem]) -> String {
    let mut lines: Vec<String> = problems
        .iter()
        .take(MAX_RENDERED_PROBLEMS)
        .map(|p| p.render(Some(file)))
        .collect();
    if problems.len() > MAX_RENDERED_PROBLEMS {
        let rest = problems.len() - MAX_RENDERED_PROBLEMS;
        lines.push(format!(
            "{file}: note: and {rest} more problems (the first {MAX_RENDERED_PROBLEMS} are shown; fix them and run again)"
        ));
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_at_most_the_first_problems_and_counts_the_rest() {
        let many: Vec<Problem> = (0..300)
            .map(|i| Problem::error(format!("clients[{i}].refresh"), "a strategy"))
            .collect();
        let text = render_problems("a.json", &many);
        assert_eq!(text.lines().count(), MAX_RENDERED_PROBLEMS + 1);
        assert!(text
            .ends_with("and 280 more problems (the first 20 are shown; fix them and run again)"));
    }

    #[test]
    fn renders_position_path_expected_found_and_note() {
        let p = Problem::error("auth.grace", "a duration like \"250ms\"")
            .found("\"5x\"")
            .note("did you mean \"5s\"?")
            .at(3, 14);
        assert_eq!(
            render_problems("a.json", &[p]),
            "a.json:3:14: error: auth.grace: expected a duration like \"250ms\", found \"5x\"; did you mean \"5s\"?"
        );
    }

    #[test]
    fn renders_unlocated_document_problems() {
        let p = Problem::warning("", "something");
        assert_eq!(
            p.render(Some("f")),
            "f: warning: (document): expected something"
        );
        assert_eq!(p.to_string(), "warning: (document): expected something");
    }

    #[test]
    fn long_values_and_lists_are_cut() {
        assert_eq!(clip("tab1"), "\"tab1\"");
        let long = "é".repeat(100);
        let cut = clip(&long);
        assert!(cut.starts_with(&format!("\"{}", "é".repeat(60))));
        assert!(cut.ends_with("…(200 bytes)\""), "{cut}");
        let many: Vec<String> = (0..1000).map(|i| i.to_string()).collect();
        assert_eq!(list_choices(&many[..3]), "0, 1, 2");
        assert_eq!(list_choices(&many[..16]).matches(", ").count(), 15);
        assert_eq!(
            list_choices(&many),
            "0, 1, 2, 3, 4, 5, 6, 7, 8, 9 and 990 more"
        );
    }

    #[test]
    fn io_errors_keep_their_source() {
        let e = ScenarioError::Io {
            file: "x.json".into(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "gone"),
        };
        assert!(std::error::Error::source(&e).is_some());
        assert_eq!(e.to_string(), "x.json: error: cannot read the file: gone");
        assert!(e.problems().is_empty());
    }
}
