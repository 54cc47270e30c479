//! What partial-order reduction removes on the corpus: every scenario below
//! a folder (schedules excepted: untimed search cannot follow one) explored
//! exhaustively in untimed timing, BFS, with sleep sets off and on in the
//! same run. Sleep sets skip transitions, never states, so the two runs must
//! store the same states and reach the same verdicts and shortest
//! counterexample lengths; a row where they do not is an engine bug and
//! fails the benchmark.

use super::super::Code;
use super::corpus::files;
use super::family::Settings;
use crate::check::{self, ExploreOptions, Report, Strategy, Verdict};
use crate::scenario::{self, Timing};
use std::path::Path;
use std::time::Instant;

/// One scenario, explored untimed with sleep sets off and on.
pub struct Row {
    pub file: String,
    pub states: u64,
    pub transitions_off: u64,
    pub transitions_on: u64,
    pub secs_off: f64,
    pub secs_on: f64,
    /// Same states, verdicts and shortest counterexample lengths.
    pub same: bool,
    /// A bound cut either search (then nothing is compared).
    pub bounded: bool,
}

/// What both runs must agree on.
fn outcome(r: &Report) -> Vec<(Verdict, u64, Option<usize>)> {
    let len = |i: &check::InvariantReport| i.trace.as_ref().map(|t| t.choices.len());
    r.invariants
        .iter()
        .map(|i| (i.verdict, i.states, len(i)))
        .collect()
}

fn timed(s: &scenario::Scenario, options: &ExploreOptions) -> Result<(Report, f64), String> {
    let started = Instant::now();
    let report = check::explore(s, options).map_err(|e| e.to_string())?;
    Ok((report, started.elapsed().as_secs_f64()))
}

/// Explores every scenario below `dir` in untimed timing, both ways.
pub fn run(dir: &Path, settings: &Settings, max_states: u64) -> Result<Vec<Row>, String> {
    let mut found = Vec::new();
    files(dir, &mut found).map_err(|e| format!("{}: {e}", dir.display()))?;
    let off = ExploreOptions {
        strategy: Some(Strategy::Bfs),
        no_partial_order: true,
        max_states: Some(max_states),
        ..settings.options()
    };
    let on = ExploreOptions {
        no_partial_order: false,
        ..off.clone()
    };
    let mut rows = Vec::new();
    for file in found {
        let mut s = scenario::load(&file).map_err(|e| e.to_string())?.scenario;
        if !s.schedule.is_empty() {
            continue;
        }
        s.explore.timing = Timing::Untimed;
        let failed = |e: String| format!("{}: {e}", file.display());
        let (without, secs_off) = timed(&s, &off).map_err(failed)?;
        let (with, secs_on) = timed(&s, &on).map_err(failed)?;
        let transitions = |r: &Report| r.invariants.first().map_or(0, |i| i.transitions);
        let bounded = |r: &Report| r.invariants.iter().any(|i| i.bound_hit.is_some());
        rows.push(Row {
            file: file.display().to_string(),
            states: with.invariants.first().map_or(0, |i| i.states),
            transitions_off: transitions(&without),
            transitions_on: transitions(&with),
            secs_off,
            secs_on,
            same: outcome(&without) == outcome(&with),
            bounded: bounded(&without) || bounded(&with),
        });
    }
    Ok(rows)
}

/// 1 when a complete pair of runs disagreed (an engine bug).
pub fn code(rows: &[Row]) -> Code {
    if rows.iter().any(|r| !r.bounded && !r.same) {
        Code::Violation
    } else {
        Code::Clean
    }
}
