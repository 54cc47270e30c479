//! Reading a scenario file: JSON syntax, types, unknown fields, then semantic
//! validation, every problem located at file:line:column and field path.

use super::{validate, Problem, Scenario, ScenarioError};
use std::path::Path;

/// A scenario that passed validation, with the warnings it drew.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub scenario: Scenario,
    pub warnings: Vec<Problem>,
}

/// Reads and validates a scenario file.
pub fn load(path: &Path) -> Result<Loaded, ScenarioError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| ScenarioError::Io {
        file: file.clone(),
        message: e.to_string(),
    })?;
    parse(&text, &file)
}

/// Parses and validates scenario text; `file` names it in messages.
pub fn parse(text: &str, file: &str) -> Result<Loaded, ScenarioError> {
    let scenario: Scenario = serde_json::from_str(text).map_err(|e| ScenarioError::Invalid {
        file: file.to_string(),
        problems: vec![Problem {
            line: Some(e.line()),
            column: Some(e.column()),
            ..Problem::error("", e.to_string())
        }],
    })?;
    let problems = validate(&scenario);
    let (errors, warnings): (Vec<_>, Vec<_>) = problems
        .into_iter()
        .partition(|p| p.severity == super::error::Severity::Error);
    if !errors.is_empty() {
        return Err(ScenarioError::Invalid {
            file: file.to_string(),
            problems: errors,
        });
    }
    Ok(Loaded { scenario, warnings })
}
