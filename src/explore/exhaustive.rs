//! Exhaustive search in symbolic time: every execution the window semantics
//! allow, with visited-state dedup on `SymState::key`. One loop serves BFS
//! (queue: shortest counterexamples) and DFS (stack: low memory). It owns the
//! frontier, the parent-pointer arena that rebuilds paths, the limits and
//! the schedule check; it does not decide enabledness (`engine::symbolic`)
//! or times (`engine::path`).
//!
//! Memory: frontier states are kept compact (`compact`, `frontier`: a
//! varint string per state and an interned shared part) and rebuilt
//! exactly when expanded; arena nodes take 12 bytes (`arena`), and DFS
//! keeps only the stack's ancestors in it.
//!
//! The passed list (`explore::passed`) stores, per discrete state, the
//! maximal zones seen (zone subsumption, `--no-subsumption` turns it off).
//! BFS expands the frontier a block at a time: workers
//! (`expand`) compute successors, facts and keys; the merge
//! (`search`) judges and stores them in frontier order, so the output
//! is the same for every thread count. DFS expands one state at a time.
//!
//! With a schedule, only executions that respect its pins are explored. A
//! property broken by a step is reported even if the pins are not all
//! consumed yet (the prefix follows the schedule so far); how an execution
//! ended (`at_end`) is judged only if it consumed every pin. If no
//! execution consumes them all, the result is a [`ScheduleError`] naming
//! the first pin none got past; if a bound cut the search first, it is the
//! outcome with that bound (verdicts `unknown`).

mod arena;
mod compact;
mod expand;
mod frontier;
mod search;

use super::budget::{Budget, SearchStats};
use super::untimed::Shareable;
use super::{Limits, Monitor, Order, Outcome, Path, Prepass, Schedule, ScheduleError};
use crate::engine::path::{concretize, execute};
use crate::engine::symbolic::{Ctx, SymStep};
use crate::engine::Protocol;
pub(crate) use search::search;

/// Every execution the window semantics allow (symbolic time), with
/// visited-state dedup. BFS: per property the shortest counterexample
/// (fewest steps); ties go to the first found in canonical successor
/// order. Returns concrete paths that `path::execute` accepts.
pub fn explore<P: Protocol, M: Monitor<P>>(
    p: &P,
    m: &M,
    order: Order,
    limits: &Limits,
    schedule: &Schedule,
) -> Result<Outcome, ScheduleError> {
    let budget = Budget::default();
    let ctx = context(p, schedule, limits, &budget);
    let expand = |block: &[expand::Queued<P>]| expand::expand_sequential(&ctx, m, block);
    let (found, stats) = search::search_with(&ctx, m, order, limits, None, &budget, expand);
    finish(&ctx, found, stats).map(|(o, _)| o)
}

/// [`explore`] within a wall-clock and memory [`Budget`], on its threads.
pub fn explore_within<P: Shareable, M: Monitor<P> + Sync>(
    p: &P,
    m: &M,
    order: Order,
    limits: &Limits,
    schedule: &Schedule,
    budget: &Budget,
) -> Result<Outcome, ScheduleError> {
    explore_with_stats(p, m, order, limits, schedule, budget).map(|(o, _)| o)
}

/// [`explore_within`] with what the search reports about its size.
pub fn explore_with_stats<P: Shareable, M: Monitor<P> + Sync>(
    p: &P,
    m: &M,
    order: Order,
    limits: &Limits,
    schedule: &Schedule,
    budget: &Budget,
) -> Result<(Outcome, SearchStats), ScheduleError> {
    explore_windowed(p, m, order, limits, schedule, budget).map(|w| (w.outcome, w.stats))
}

/// A windowed search's results: the outcome and figures of the search
/// that ran last, and what the hull pre-pass established first.
pub struct Windowed {
    /// Per property, the exact search's counterexample; its states and
    /// bound (the pre-pass's, when it proved every property).
    pub outcome: Outcome,
    pub stats: SearchStats,
    /// A property it proves holds even if `outcome` has a bound.
    pub prepass: Prepass,
}

/// [`explore_with_stats`], with what the hull pre-pass proved
/// (`budget.hull`): properties it proves hold; the exact search judges the
/// others (all of them when it proved nothing).
pub fn explore_windowed<P: Shareable, M: Monitor<P> + Sync>(
    p: &P,
    m: &M,
    order: Order,
    limits: &Limits,
    schedule: &Schedule,
    budget: &Budget,
) -> Result<Windowed, ScheduleError> {
    let ctx = context(p, schedule, limits, budget);
    let prepass = match budget.hull {
        true => match super::hull::prove(&ctx, m, limits, budget) {
            Ok(proof) => return exact_for_the_rest(&ctx, m, order, limits, budget, proof),
            Err(why) => why,
        },
        false => Prepass::Skipped,
    };
    let threads = budget.threads;
    let expand = |block: &[expand::Queued<P>]| expand::expand_parallel(&ctx, m, threads, block);
    let (found, stats) = search::search_with(&ctx, m, order, limits, None, budget, expand);
    let (outcome, stats) = finish(&ctx, found, stats)?;
    Ok(Windowed {
        outcome,
        stats,
        prepass,
    })
}

/// After a hull pre-pass that proved some properties: the exact search
/// judges the others (none left: the pre-pass's result). If it hits a
/// bound, its outcome has that bound; the proved properties hold anyway
/// (`Windowed::prepass`).
fn exact_for_the_rest<P: Shareable, M: Monitor<P> + Sync>(
    ctx: &Ctx<'_, P>,
    m: &M,
    order: Order,
    limits: &Limits,
    budget: &Budget,
    proof: super::hull::Proof,
) -> Result<Windowed, ScheduleError> {
    let prepass = Prepass::Proved {
        holds: proof.holds.clone(),
        states: proof.outcome.states,
        transitions: proof.outcome.transitions,
    };
    if proof.holds.iter().all(|h| *h) {
        return Ok(Windowed {
            outcome: proof.outcome,
            stats: proof.stats,
            prepass,
        });
    }
    let open: Vec<bool> = proof.holds.iter().map(|h| !h).collect();
    let only = super::hull::Only::new(m, &open);
    let threads = budget.threads;
    let expand = |block: &[expand::Queued<P>]| expand::expand_parallel(ctx, &only, threads, block);
    let (found, stats) = search::search_with(ctx, &only, order, limits, None, budget, expand);
    let (mut outcome, stats) = finish(ctx, found, stats)?;
    let mut sub = std::mem::take(&mut outcome.violations);
    outcome.violations = (0..proof.holds.len())
        .map(|i| only.index(i).and_then(|j| sub[j].take()))
        .collect();
    Ok(Windowed {
        outcome,
        stats,
        prepass,
    })
}

fn context<'a, P: Protocol>(
    p: &'a P,
    schedule: &'a Schedule,
    limits: &Limits,
    budget: &Budget,
) -> Ctx<'a, P> {
    Ctx {
        p,
        pins: schedule,
        max_faults: limits.max_faults,
        active_only: budget.active_clocks,
    }
}

/// The outcome of a search: concrete counterexamples, or the schedule
/// error when no execution followed the schedule.
fn finish<P: Protocol>(
    ctx: &Ctx<'_, P>,
    found: search::Found,
    stats: SearchStats,
) -> Result<(Outcome, SearchStats), ScheduleError> {
    let schedule = ctx.pins;
    // Cut by a bound before any execution followed the schedule: not an
    // error in the schedule, an `unknown` naming the bound.
    if found.consumed < schedule.len() && found.bound_hit.is_none() {
        return Err(ScheduleError::stuck(schedule, found.consumed, None));
    }
    let violations = found
        .violations
        .iter()
        .map(|v| v.as_ref().map(|s| concrete(ctx, s)))
        .collect();
    let outcome = Outcome {
        violations,
        states: found.states,
        transitions: found.transitions,
        runs: 0,
        bound_hit: found.bound_hit,
    };
    Ok((outcome, stats))
}

/// Concrete, self-checked times for a symbolic path.
pub(crate) fn concrete<P: Protocol>(ctx: &Ctx<'_, P>, steps: &[SymStep]) -> Path {
    let path = concretize(ctx, steps);
    if let Err(e) = execute(ctx.p, &path, ctx.max_faults) {
        panic!("engine bug: a symbolic counterexample does not replay: {e}");
    }
    path
}
