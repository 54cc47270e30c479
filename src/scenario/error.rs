//! Located scenario problems: what the CLI renders as `file:line:col: path: expected …`.

use std::fmt;

/// How bad a problem is: errors stop the scenario (exit 2), warnings are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One thing wrong with a scenario, located as precisely as the input allows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub severity: Severity,
    /// Field path such as `clients[1].refresh` or `script[3].client`; empty
    /// for the whole document.
    pub path: String,
    /// What was expected, in the user's terms.
    pub expected: String,
    /// 1-based position of the offending value, when known.
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl Problem {
    /// An error at a field path; the loader fills in line and column.
    pub fn error(path: impl Into<String>, expected: impl Into<String>) -> Problem {
        Problem {
            severity: Severity::Error,
            path: path.into(),
            expected: expected.into(),
            line: None,
            column: None,
        }
    }

    /// A warning at a field path.
    pub fn warning(path: impl Into<String>, expected: impl Into<String>) -> Problem {
        Problem {
            severity: Severity::Warning,
            ..Problem::error(path, expected)
        }
    }
}

/// Why a scenario file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("{file}: cannot read: {message}")]
    Io { file: String, message: String },
    #[error("{}", render_problems(file, problems))]
    Invalid {
        file: String,
        problems: Vec<Problem>,
    },
}

/// `file:line:col: error: path: expected …`, one line per problem.
pub fn render_problems(file: &str, problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| {
            let place = match (p.line, p.column) {
                (Some(l), Some(c)) => format!("{file}:{l}:{c}"),
                (Some(l), None) => format!("{file}:{l}"),
                _ => file.to_string(),
            };
            let kind = match p.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let path = if p.path.is_empty() {
                "(document)"
            } else {
                &p.path
            };
            format!("{place}: {kind}: {path}: expected {}", p.expected)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}",
            render_problems("<scenario>", std::slice::from_ref(self))
        )
    }
}
