//! Search strategies over a [`Protocol`]'s executions: exhaustive (BFS for
//! shortest counterexamples, DFS for low memory), seeded random runs, and the
//! single seeded `run`. Strategies know only `engine`; what counts as a
//! violation comes in through a [`Monitor`] supplied by `check/`.
//!
//! Architecture Invariant: the result of a search never depends on the number
//! of threads or on hash order; ties between counterexamples of equal length
//! break on the lexicographically smallest choice sequence.

use crate::engine::{Choice, Pin, Protocol};

pub mod audit;
#[cfg(test)]
mod brute;
pub mod budget;
pub mod exhaustive;
mod extrapolate;
mod hull;
#[cfg(test)]
mod hull_tests;
pub mod large_search;
mod passed;
pub mod pct;
#[cfg(test)]
mod pct_tests;
pub mod random;
#[cfg(test)]
mod search_tests;
pub mod shrink;
mod sleep;
#[cfg(test)]
mod sleep_tests;
#[cfg(test)]
mod testing;
#[cfg(test)]
mod tests;
pub mod untimed;
#[cfg(test)]
mod untimed_tests;

/// Judges what happens in steps. Property indexes are `0..count()`.
pub trait Monitor<P: Protocol> {
    /// How many properties this monitor judges.
    fn count(&self) -> usize;
    /// Properties a fact breaks, given the state right after its step.
    /// With partial-order reduction (untimed search) a step may be judged
    /// before, instead of after, steps independent of it, so the judgement
    /// must depend only on the fact and on parts of the state the step's
    /// footprint covers (tokenrace's invariants judge the fact alone).
    fn observe(&self, state: &P::State, fact: &P::Fact, hits: &mut Vec<usize>);
    /// Properties broken by how the run ended (the horizon fired, or nothing
    /// was left pending).
    fn at_end(&self, state: &P::State, hits: &mut Vec<usize>);

    /// Properties one step breaks: its facts, then how the run ended when
    /// `ended` (every explorer judges a step this way).
    fn hits(&self, state: &P::State, facts: &[P::Fact], ended: bool) -> Vec<usize> {
        let mut hits = Vec::new();
        for f in facts {
            self.observe(state, f, &mut hits);
        }
        if ended {
            self.at_end(state, &mut hits);
        }
        hits
    }
}

/// Limits that keep a search finite; hitting one makes unviolated
/// properties `unknown`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    pub max_states: u64,
    pub max_depth: u64,
    /// Drops plus duplicates per path; verdicts hold relative to it.
    pub max_faults: u32,
}

/// A replayable execution: the choices from the initial state.
pub type Path = Vec<Choice>;

/// Which bound stopped a search before it covered every execution.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BoundHit {
    MaxStates,
    MaxDepth,
    /// The wall-clock budget (`--time`) ran out.
    Time,
    /// The memory budget (`--max-memory`) would have been exceeded.
    MaxMemory,
    /// A stop was requested from outside (Ctrl-C).
    Interrupted,
}

/// What a search established about each property.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// Per property: the counterexample found (shortest, for BFS), if any.
    pub violations: Vec<Option<Path>>,
    /// Distinct states stored (exhaustive) or steps executed (random).
    pub states: u64,
    /// Transitions taken.
    pub transitions: u64,
    /// Completed runs (random) or 0.
    pub runs: u64,
    /// `None` when every execution allowed by the semantics (and the fault
    /// bound) was covered: then unviolated properties hold.
    pub bound_hit: Option<BoundHit>,
}

/// What the hull pre-pass of a windowed search (docs/performance.md "Hull
/// pre-pass") established before the exact search ran.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Prepass {
    /// It did not run: `--no-hull`, a schedule, or nothing to check.
    Skipped,
    /// It covered the whole over-approximation: the properties it proves
    /// hold (`holds[i]`), whatever the exact search finds or where it stops.
    Proved {
        holds: Vec<bool>,
        /// Hulls it stored and transitions it took.
        states: u64,
        transitions: u64,
    },
    /// It hit every property: the exact search judges them all.
    AllHit { states: u64, transitions: u64 },
    /// A bound stopped it: it proves nothing (a property it did not hit
    /// may be hit by what it did not explore), the exact search judges
    /// everything within what is left of the budget.
    GaveUp { bound: BoundHit, states: u64 },
}

impl Prepass {
    /// Whether it proved property `i` holds.
    pub fn proves(&self, i: usize) -> bool {
        matches!(self, Prepass::Proved { holds, .. } if holds[i])
    }
}

/// Order of exhaustive search.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    Bfs,
    Dfs,
}

/// Schedule pins shared by every strategy.
pub type Schedule = [Pin];

/// A schedule no execution can follow (docs/semantics.md "Schedules": exit 2, naming the step).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("schedule step {step} cannot be taken: {why}")]
pub struct ScheduleError {
    /// 1-based index of the first selector no execution could consume.
    pub step: usize,
    /// What could not happen, in the schedule's own names.
    pub why: String,
    /// A bound cut the search for an execution that follows the schedule:
    /// the verdicts are then `unknown`, not the input wrong.
    pub bounded: Option<BoundHit>,
}

impl ScheduleError {
    /// The error for pin `consumed` (0-based) when no explored execution got
    /// past it; `bounded` names the limit that cut the search, if one did.
    pub fn stuck(schedule: &Schedule, consumed: usize, bounded: Option<BoundHit>) -> ScheduleError {
        let pin = &schedule[consumed];
        let nth = pin
            .nth
            .map(|k| format!(" (message #{k})"))
            .unwrap_or_default();
        let after = if consumed == 0 {
            String::new()
        } else {
            format!(" after step {consumed}")
        };
        let within = if bounded.is_some() {
            " within the search bounds"
        } else {
            ""
        };
        ScheduleError {
            bounded,
            step: consumed + 1,
            why: format!(
                "no execution delivers a message from {} to {}{nth}{after}{within}",
                pin.from, pin.to
            ),
        }
    }
}
