//! Reading a scenario file: bytes → UTF-8 → JSON syntax → types (unknown
//! fields, enum values, durations) → semantic validation, every problem
//! located at file:line:column and field path (docs/cli.md "Exit codes").
//!
//! Nothing here panics on any input: serde_json bounds nesting at 128 levels,
//! and the locator (`load/walk.rs`) keeps its own stack.

pub(crate) mod locate;
pub(crate) mod translate;
pub(crate) mod walk;

use super::kind::{sniff, Kind};
use super::{validate, Problem, Scenario, ScenarioError};
use std::path::Path;

/// A scenario that passed validation, with the warnings it drew.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub scenario: Scenario,
    pub warnings: Vec<Problem>,
    /// Line and column of each `schedule` step in the file, in order, so an
    /// error found only when the schedule runs can point at its step.
    pub schedule_at: Vec<Option<(usize, usize)>>,
}

impl Loaded {
    /// Where schedule step `step` (1-based, as errors count) is written.
    pub fn step_position(&self, step: usize) -> Option<(usize, usize)> {
        self.schedule_at
            .get(step.checked_sub(1)?)
            .copied()
            .flatten()
    }
}

/// Reads and validates a scenario file.
pub fn load(path: &Path) -> Result<Loaded, ScenarioError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| ScenarioError::Io {
        file: file.clone(),
        source,
    })?;
    parse_bytes(&bytes, &file)
}

/// Parses and validates raw file content; invalid UTF-8 is a located error.
pub fn parse_bytes(bytes: &[u8], file: &str) -> Result<Loaded, ScenarioError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => parse(text, file),
        Err(e) => {
            let valid = &bytes[..e.valid_up_to()];
            let valid = std::str::from_utf8(valid).unwrap_or_default();
            let (line, column) = locate::position_of(valid, valid.len());
            let bad = bytes.get(e.valid_up_to()).copied().unwrap_or(0);
            let binary = e.valid_up_to() == 0 || bytes.contains(&0);
            let note = if binary {
                "is this a binary file?"
            } else {
                "save the file as UTF-8"
            };
            let problem = Problem::error("", "UTF-8 text (a JSON scenario)")
                .found(format!("the byte 0x{bad:02x}, which is not UTF-8"))
                .note(note)
                .at(line, column);
            Err(invalid(file, vec![problem]))
        }
    }
}

/// Parses and validates scenario text; `file` names it in messages.
///
/// On error, `ScenarioError::Invalid` lists every error and warning in field
/// order; on success the warnings come back in [`Loaded`].
pub fn parse(text: &str, file: &str) -> Result<Loaded, ScenarioError> {
    // Editors on Windows may write a byte-order mark; it is not content.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Some(problem) = wrong_kind(text, file) {
        return Err(invalid(file, vec![problem]));
    }
    let scenario = translate::decode(text).map_err(|p| invalid(file, vec![*p]))?;
    let mut problems = validate(&scenario);
    for problem in &mut problems {
        place(text, problem);
        if let Some(preset) = scenario.auth.preset {
            note_preset_origin(text, problem, preset);
        }
    }
    if problems.iter().any(Problem::is_error) {
        return Err(invalid(file, problems));
    }
    let schedule_at = (0..scenario.schedule.len())
        .map(|i| {
            let path = format!("schedule[{i}]");
            let found = locate::locate(text, &path).filter(|f| f.path == path)?;
            Some((found.value.line, found.value.column))
        })
        .collect();
    Ok(Loaded {
        scenario,
        warnings: problems,
        schedule_at,
    })
}

/// A trace, YAML or a package.json: one problem saying what the file looks
/// like, at its first character, instead of the first field serde trips on.
fn wrong_kind(text: &str, file: &str) -> Option<Problem> {
    let kind = sniff(text);
    let found = match kind {
        Kind::Trace => "a tokenrace trace",
        Kind::Yaml => "YAML",
        Kind::PackageJson => "an npm package.json",
        Kind::Scenario | Kind::Other(_) => return None,
    };
    let start = text.len() - text.trim_start().len();
    let (line, column) = locate::position_of(text, start);
    let problem = Problem::error("", "a JSON object { … } holding one scenario")
        .found(found)
        .at(line, column);
    Some(match kind.why_not_a_scenario(file) {
        Some(why) if kind != Kind::PackageJson => problem.note(why),
        _ => problem,
    })
}

fn invalid(file: &str, problems: Vec<Problem>) -> ScenarioError {
    ScenarioError::Invalid {
        file: file.to_string(),
        problems,
    }
}

/// A problem at an `auth` field the file does not write: its value came
/// from the preset, which the message must say (the user never typed it).
fn note_preset_origin(text: &str, problem: &mut Problem, preset: crate::scenario::PresetName) {
    let written = locate::locate(text, &problem.path).is_some_and(|f| f.path == problem.path);
    if written || !problem.path.starts_with("auth.") {
        return;
    }
    let origin = format!("the value comes from preset \"{preset}\" (docs/presets.md)");
    problem.note = Some(match problem.note.take() {
        Some(note) => format!("{note}; {origin}"),
        None => origin,
    });
}

/// Fills in line and column from the problem's path (or its nearest parent).
fn place(text: &str, problem: &mut Problem) {
    if let Some(found) = locate::locate(text, &problem.path) {
        problem.line = Some(found.value.line);
        problem.column = Some(found.value.column);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"{"name": "x", "clients": [{"name": "tab1"}], "script": []}"#;

    fn problems(text: &str) -> Vec<Problem> {
        match parse(text, "t.json") {
            Ok(loaded) => loaded.warnings,
            Err(e) => e.problems().to_vec(),
        }
    }

    #[test]
    fn accepts_a_minimal_scenario() {
        let loaded = parse(MINIMAL, "t.json").unwrap();
        assert_eq!(loaded.scenario.clients[0].name, "tab1");
    }

    #[test]
    fn accepts_a_byte_order_mark() {
        assert!(parse(&format!("\u{feff}{MINIMAL}"), "t.json").is_ok());
    }

    #[test]
    fn locates_semantic_problems_at_the_value() {
        let text = "{\"name\": \"x\",\n \"clients\": [{\"name\": \"tab1\"}],\n \"script\": [{\"at\": \"0s\", \"do\": \"login\", \"client\": \"tab9\"}]}";
        let p = &problems(text)[0];
        assert_eq!(p.path, "script[0].client");
        assert_eq!((p.line, p.column), (Some(3), Some(51)));
    }

    #[test]
    fn a_problem_at_an_auth_field_the_preset_set_says_so() {
        let text = r#"{"name": "x", "auth": {"preset": "hydra", "grace": "1s"}}"#;
        let hydra = crate::scenario::PresetName::Hydra;
        let mut unwritten = Problem::error("auth.grace_uses", "null").note("v1.1");
        note_preset_origin(text, &mut unwritten, hydra);
        assert_eq!(
            unwritten.note.as_deref(),
            Some("v1.1; the value comes from preset \"hydra\" (docs/presets.md)")
        );
        let mut written = Problem::error("auth.grace", "0s");
        note_preset_origin(text, &mut written, hydra);
        assert_eq!(written.note, None);
        let mut elsewhere = Problem::error("clients[0].proactive", "shorter");
        note_preset_origin(text, &mut elsewhere, hydra);
        assert_eq!(elsewhere.note, None);
    }

    #[test]
    fn refuses_invalid_utf8_with_a_position() {
        let err = parse_bytes(b"{\n  \"name\": \"a\xff\"}", "t.json").unwrap_err();
        let p = &err.problems()[0];
        assert_eq!((p.line, p.column), (Some(2), Some(13)));
    }

    #[test]
    fn refuses_200000_levels_of_nesting_without_overflowing_the_stack() {
        for (open, close) in [("[", "]"), ("{\"a\":", "}")] {
            let depth = 200_000;
            let text = format!("{}0{}", open.repeat(depth), close.repeat(depth));
            let nested = format!("{{\"name\": \"x\", \"clients\": {text}}}");
            let deep_description = format!("{{\"name\": \"x\", \"description\": {text}}}");
            for text in [text, nested, deep_description] {
                assert!(!problems(&text).is_empty());
            }
        }
    }

    #[test]
    fn serde_errors_read_in_user_terms() {
        let cases = [
            (
                r#""expect": {"nope": "holds"}"#,
                "1:55: error: expect.nope: expected one of",
            ),
            (r#""expect": {"nope": "holds"}"#, "found \"nope\""),
            (
                r#""expect": {"requests_complete": 1}"#,
                "expected \"holds\" or \"violated\", found 1",
            ),
            (
                r#""seed": "7""#,
                "seed: expected a whole number in 0..=18446744073709551615, found \"7\"",
            ),
            (
                r#""description": "\ud800""#,
                "description: expected a valid \\u escape",
            ),
            (
                r#""check": [1]"#,
                "check[0]: expected one of \"no_error_while_refresh_valid\"",
            ),
            (
                r#""auth": {"grace": null}"#,
                "auth.grace: expected a duration like",
            ),
            (
                r#""schedule": [{"from": "a"}]"#,
                "schedule[0].to: expected the required field \"to\"",
            ),
        ];
        for (extra, wanted) in cases {
            let text = format!("{{\"name\": \"x\", \"clients\": [], \"script\": [], {extra}}}");
            let err = parse(&text, "t").unwrap_err().to_string();
            assert!(
                err.contains(wanted),
                "{extra}:\n{err}\nshould contain {wanted}"
            );
        }
    }
}
