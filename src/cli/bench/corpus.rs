//! The windowed corpus: every `*.json` below a folder whose `timing` is
//! `windows`, explored as `tokenrace check` does (its own `explore` block),
//! timed one by one.

use super::super::Code;
use super::family::Settings;
use crate::check::{self, Verdict};
use crate::scenario::{self, Timing};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// One corpus scenario, measured.
pub struct Row {
    pub file: String,
    pub states: u64,
    pub secs: f64,
    /// Expectations met / set.
    pub met: usize,
    pub expected: usize,
    /// Some invariant's search hit a bound.
    pub bounded: bool,
}

pub(super) fn files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
    Ok(())
}

/// Explores every windowed scenario below `dir`.
pub fn run(dir: &Path, settings: &Settings) -> Result<Vec<Row>, String> {
    let mut found = Vec::new();
    files(dir, &mut found).map_err(|e| format!("{}: {e}", dir.display()))?;
    let options = settings.options();
    let mut rows = Vec::new();
    for file in found {
        let loaded = scenario::load(&file).map_err(|e| e.to_string())?;
        let s = loaded.scenario;
        if s.explore.timing != Timing::Windows {
            continue;
        }
        let started = Instant::now();
        let report =
            check::explore(&s, &options).map_err(|e| format!("{}: {e}", file.display()))?;
        let secs = started.elapsed().as_secs_f64();
        let results = check::expectations(&s, &report, false);
        rows.push(Row {
            file: file.display().to_string(),
            states: report
                .invariants
                .iter()
                .map(|r| r.states)
                .max()
                .unwrap_or(0),
            secs,
            met: results.iter().filter(|r| r.met).count(),
            expected: results.len(),
            bounded: report
                .invariants
                .iter()
                .any(|r| r.verdict == Verdict::Unknown && r.bound_hit.is_some()),
        });
    }
    Ok(rows)
}

/// 1 when an expectation was not met.
pub fn code(rows: &[Row]) -> Code {
    if rows.iter().any(|r| r.met < r.expected) {
        Code::Violation
    } else {
        Code::Clean
    }
}
