//! Shrinking a random counterexample (docs/semantics.md "Traces and reports": a shown counterexample is
//! shrunk). It owns the policy only: a bounded BFS for a strictly shorter
//! path that breaks the same property. The search itself is `exhaustive`.

use super::exhaustive::{concrete, search};
use super::{Limits, Monitor, Order, Path, Schedule};
use crate::engine::symbolic::Ctx;
use crate::engine::Protocol;

/// Most states one shrink may store: shrinking must stay cheap next to the
/// runs that found the violation.
pub const SHRINK_STATES: u64 = 200_000;

/// Given a failing path for property `q`, the shortest path (BFS, at most
/// `len - 1` steps, at most [`SHRINK_STATES`] states) that still violates
/// it, or the original path if none is found. Deterministic.
pub fn shrink<P: Protocol, M: Monitor<P>>(
    p: &P,
    m: &M,
    q: usize,
    path: Path,
    limits: &Limits,
    schedule: &Schedule,
) -> Path {
    if path.len() <= 1 {
        return path;
    }
    let ctx = Ctx {
        p,
        pins: schedule,
        max_faults: limits.max_faults,
        active_only: true,
    };
    let bounded = Limits {
        max_states: limits.max_states.min(SHRINK_STATES),
        max_depth: path.len() as u64 - 1,
        max_faults: limits.max_faults,
    };
    let found = search(&ctx, m, Order::Bfs, &bounded, Some(q));
    match &found.violations[q] {
        Some(steps) if steps.len() < path.len() => concrete(&ctx, steps),
        _ => path,
    }
}
