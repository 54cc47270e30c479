//! Re-executes a saved trace and checks it reproduces itself: same steps,
//! same verdicts (docs/cli.md `replay`).

use super::judge::InvariantMonitor;
use super::{tracing, ReplayError};
use crate::model::Model;
use crate::trace::{Trace, FORMAT_VERSION};

/// Re-builds the trace from its scenario and choices; any difference is an error.
pub fn replay(saved: &Trace) -> Result<Trace, ReplayError> {
    let expected = tracing::tool_version();
    if saved.format != FORMAT_VERSION || saved.tool != expected {
        return Err(ReplayError::Version {
            found: format!("{} (format {})", saved.tool, saved.format),
            expected: format!("{expected} (format {FORMAT_VERSION})"),
        });
    }
    let problems = crate::scenario::validate(&saved.scenario);
    if let Some(p) = problems
        .iter()
        .find(|p| p.severity == crate::scenario::error::Severity::Error)
    {
        return Err(ReplayError::Diverged {
            step: 0,
            why: format!(
                "the trace's scenario is invalid: {}: {}",
                p.path, p.expected
            ),
        });
    }
    let model = Model::build(&saved.scenario);
    let monitor = InvariantMonitor::new(saved.scenario.checked());
    let rebuilt = tracing::build(
        &model,
        &monitor,
        saved.seed,
        &saved.found_by,
        &saved.choices,
    )
    .map_err(|e| ReplayError::Diverged {
        step: 0,
        why: e.to_string(),
    })?;
    if let Some(i) = (0..saved.steps.len().max(rebuilt.steps.len()))
        .find(|&i| saved.steps.get(i) != rebuilt.steps.get(i))
    {
        return Err(ReplayError::Diverged {
            step: i + 1,
            why: "the re-executed step differs from the saved one".into(),
        });
    }
    if saved.verdicts != rebuilt.verdicts {
        return Err(ReplayError::Verdicts {
            why: "the saved verdicts differ from the re-executed ones".into(),
        });
    }
    Ok(rebuilt)
}
