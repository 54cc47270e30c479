//! Invariants (docs/invariants.md) and the verdicts built from explorations: this module
//! turns the model's facts into property hits ([`crate::explore::Monitor`]),
//! runs the requested search, and reports per invariant `holds`, `violated`
//! (with a replayable trace) or `unknown`.
//!
//! Entry points used by the CLI and by library users: [`run`], [`explore`],
//! [`expectations`], [`replay()`].

pub mod bless;
pub mod bounds;
pub mod explain;
pub mod judge;
pub mod matrix;
mod one_run;
mod query;
pub mod reductions;
pub mod replay;
pub mod tracing;
pub mod vacuity;
pub mod verdict;

pub use reductions::ReductionsOff;
pub use vacuity::Vacuity;

use crate::scenario::{Expectation, Invariant, Scenario};
use crate::trace::Trace;
use serde::Serialize;

/// The verdict on one invariant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Holds,
    Violated,
    Unknown,
}

/// How to search, as chosen on the command line or in `explore`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    /// The scenario's own `explore` (exhaustive, then random if a bound hit).
    Default,
    Bfs,
    Dfs,
    Random,
    /// PCT runs at the scenario's `pct_depth` (cannot prove `holds`).
    Pct,
}

/// Overrides of the scenario's `explore` block.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExploreOptions {
    pub strategy: Option<Strategy>,
    pub runs: Option<u64>,
    pub max_depth: Option<u64>,
    pub max_states: Option<u64>,
    pub seed: Option<u64>,
    /// Worker threads of exhaustive search (output never depends on it).
    pub threads: Option<usize>,
    /// Wall-clock budget of exhaustive search, in milliseconds (`unknown` when hit).
    pub time_ms: Option<u64>,
    /// Memory budget of exhaustive search, in bytes (`unknown` when hit).
    pub max_memory: Option<u64>,
    /// Turns symmetry reduction off (to cross-check or measure it).
    pub no_symmetry: bool,
    /// Turns partial-order reduction off (to cross-check or measure it).
    pub no_partial_order: bool,
    /// A stop flag (Ctrl-C) and a progress observer: never part of a result.
    pub hooks: crate::explore::budget::Hooks,
    /// Turns orbit reduction (one move per symmetry orbit, untimed search)
    /// off (to cross-check or measure it).
    pub no_orbits: bool,
    /// Turns zone subsumption (windowed search) off (to cross-check or
    /// measure it).
    pub no_subsumption: bool,
    /// Turns active clocks (windowed search: events surely after the
    /// horizon dropped) off.
    pub no_active_clocks: bool,
    /// Turns LU extrapolation in the subsumption test off.
    pub no_extrapolation: bool,
    /// Turns the hull pre-pass (windowed search: an over-approximation
    /// explored first to prove `holds`) off.
    pub no_hull: bool,
    /// Turns dead-data forgetting (`model::dead`: a finished request's
    /// data is reset) off (to cross-check or measure it).
    pub no_forget: bool,
}

/// The search that decided a verdict (`decided_by`, the report's "by").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DecidedBy {
    /// Exhaustive windowed search, breadth first.
    Bfs,
    /// Exhaustive windowed search, depth first.
    Dfs,
    /// Exhaustive untimed search, breadth first.
    UntimedBfs,
    /// Exhaustive untimed search, depth first.
    UntimedDfs,
    /// The hull pre-pass of the windowed search: proved `holds` on its
    /// over-approximation (its own states and transitions).
    Hull,
    /// Seeded random runs.
    Random,
    /// Probabilistic concurrency testing runs.
    Pct,
    /// One seeded execution (`tokenrace run`).
    Run,
}

impl DecidedBy {
    /// Its name in every report: `bfs`, `untimed-bfs`, `hull`, `random` …
    pub fn name(self) -> &'static str {
        match self {
            DecidedBy::Bfs => "bfs",
            DecidedBy::Dfs => "dfs",
            DecidedBy::UntimedBfs => "untimed-bfs",
            DecidedBy::UntimedDfs => "untimed-dfs",
            DecidedBy::Hull => "hull",
            DecidedBy::Random => "random",
            DecidedBy::Pct => "pct",
            DecidedBy::Run => "run",
        }
    }

    /// An untimed search (its traces are orders, not times).
    pub fn is_untimed(self) -> bool {
        matches!(self, DecidedBy::UntimedBfs | DecidedBy::UntimedDfs)
    }
}

impl std::fmt::Display for DecidedBy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What was established about one invariant.
#[derive(Clone, Debug, Serialize)]
pub struct InvariantReport {
    pub invariant: Invariant,
    pub verdict: Verdict,
    /// The search that decided it.
    pub decided_by: DecidedBy,
    pub states: u64,
    pub runs: u64,
    pub transitions: u64,
    /// `max_states`, `max_depth`, `runs` (random cannot prove `holds`) …
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bound_hit: Option<String>,
    /// Why an invariant holds trivially, or what a bound covered.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// For `holds`: what never happened on any explored path, when nothing
    /// the invariant talks about did (`check --strict` fails on it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vacuous: Option<Vacuity>,
    /// The counterexample, for `violated`.
    #[serde(skip)]
    pub trace: Option<Trace>,
}

/// Everything a run or exploration established about one scenario.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub scenario: String,
    pub seed: u64,
    pub invariants: Vec<InvariantReport>,
}

/// One expectation compared with its verdict.
#[derive(Clone, Debug, Serialize)]
pub struct ExpectationResult {
    pub invariant: Invariant,
    pub expected: Expectation,
    pub got: Verdict,
    pub met: bool,
}

/// A scenario that loaded but cannot be executed as written.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// No execution can follow the pinned schedule; `step` is 1-based.
    #[error("schedule step {step} ({selector}) cannot be taken: {why}")]
    Schedule {
        step: usize,
        selector: String,
        why: String,
    },
}

/// Why a saved trace could not be reproduced.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error("trace was written by {found}, this is {expected}")]
    Version { found: String, expected: String },
    #[error("step {step}: {why}")]
    Diverged { step: usize, why: String },
    #[error("the replay reached other verdicts: {why}")]
    Verdicts { why: String },
}

/// One seeded execution (`tokenrace run`): verdicts are `violated` or `unknown`.
pub fn run(scenario: &Scenario, seed: u64) -> Result<(Report, Trace), RunError> {
    one_run::run(scenario, seed)
}

/// Explores a scenario (`tokenrace explore`, `tokenrace check`).
pub fn explore(scenario: &Scenario, options: &ExploreOptions) -> Result<Report, RunError> {
    verdict::explore(scenario, options).map(|(report, _)| report)
}

/// [`explore`], with the size figures of its exhaustive search (for stderr
/// and benchmarks: never part of a report).
pub fn explore_with_stats(
    scenario: &Scenario,
    options: &ExploreOptions,
) -> Result<(Report, Option<crate::explore::budget::SearchStats>), RunError> {
    verdict::explore(scenario, options)
}

/// Compares a report with the scenario's `expect` (docs/invariants.md "Verdicts": only the same
/// verdict meets an expectation; `allow_unknown` lets `unknown` meet `holds`).
pub fn expectations(
    scenario: &Scenario,
    report: &Report,
    allow_unknown: bool,
) -> Vec<ExpectationResult> {
    scenario
        .expect
        .iter()
        .map(|(&invariant, &expected)| {
            let got = report
                .invariants
                .iter()
                .find(|r| r.invariant == invariant)
                .map(|r| r.verdict)
                .unwrap_or(Verdict::Unknown);
            let met = matches!(
                (expected, got),
                (Expectation::Holds, Verdict::Holds) | (Expectation::Violated, Verdict::Violated)
            ) || (allow_unknown
                && expected == Expectation::Holds
                && got == Verdict::Unknown);
            ExpectationResult {
                invariant,
                expected,
                got,
                met,
            }
        })
        .collect()
}

/// Re-executes a saved trace; returns the re-built trace when it reproduces
/// the same steps and verdicts.
pub fn replay(trace: &Trace) -> Result<Trace, ReplayError> {
    replay::replay(trace)
}

#[cfg(test)]
mod client_tests;
#[cfg(test)]
mod preflight_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_auth;
