//! The hull pre-pass of the windowed search (docs/performance.md "Hull
//! pre-pass"): an over-approximation explored first, to prove `holds`
//! fast. Per discrete part of the split key (`SymState::hull_key`: one
//! zone variable per pending event, so which events share a base time is a
//! zone fact), it keeps one zone, the convex hull (DBM join) of every zone
//! reached there, and explores the state with that hull instead of the
//! exact zone. A state whose zone the hull of its part includes is
//! covered.
//!
//! *Soundness for `holds`:* successor generation is exact on any zone and
//! monotone for inclusion, so the successors of a hull state include those
//! of every state it covers; by induction on paths every reachable state is
//! covered by an explored one, every fact a real step produces is produced
//! by an explored step, and every ended execution is judged. If no checked
//! property is hit, each holds. *Never for `violated`:* a hit may come from
//! a time valuation the hull added (a spurious order), so the pre-pass
//! gives up at the first hit, and the exact search runs as without it (its
//! counterexamples and their lengths are the exact search's). It gives up
//! too at any bound (states, depth, time, memory) and with a schedule; the
//! exact search then runs within what is left of the budget.

use super::budget::{Budget, SearchStats};
use super::{Limits, Monitor, Outcome};
use crate::engine::symbolic::{Ctx, Succ, SymState};
use crate::engine::Protocol;
use rustc_hash::FxHashMap;
use std::collections::VecDeque;
use std::time::Instant;

/// States between two deadline and memory checks.
const CHECK_EVERY: u64 = 4096;

/// A part's hull and how many times it grew (queued states of an older
/// version are stale: the newer hull state covers them and is queued).
struct Part {
    dbm: Vec<i64>,
    version: u32,
}

/// A queued hull state.
struct Queued<P: Protocol> {
    state: SymState<P>,
    part: u128,
    version: u32,
}

/// Explores the hull over-approximation; `Some` only when every property
/// holds in it (hence in the exact semantics), `None` when the exact search
/// must decide.
pub(crate) fn prove<P: Protocol, M: Monitor<P>>(
    ctx: &Ctx<'_, P>,
    m: &M,
    limits: &Limits,
    budget: &Budget,
) -> Option<(Outcome, SearchStats)> {
    if !ctx.pins.is_empty() || budget.hooks.stopped() {
        return None;
    }
    let mut search = Hull::new(ctx, m, limits, budget);
    let (init, facts) = SymState::init(ctx);
    let mut hits = Vec::new();
    for f in &facts {
        m.observe(&init.model, f, &mut hits);
    }
    if !hits.is_empty() || !search.offer(init) {
        return None;
    }
    let mut succs = Vec::new();
    while let Some(q) = search.queue.pop_front() {
        if search.parts.get(&q.part).map(|p| p.version) != Some(q.version) {
            continue;
        }
        q.state.successors(ctx, &mut succs);
        for Succ { state, facts, .. } in succs.drain(..) {
            search.transitions += 1;
            for f in &facts {
                m.observe(&state.model, f, &mut hits);
            }
            if state.ended {
                m.at_end(&state.model, &mut hits);
            }
            if !hits.is_empty() || (!state.ended && !search.offer(state)) {
                return None;
            }
        }
    }
    Some(search.outcome())
}

struct Hull<'a, 'p, P: Protocol, M> {
    ctx: &'a Ctx<'p, P>,
    m: &'a M,
    limits: &'a Limits,
    budget: &'a Budget,
    parts: FxHashMap<u128, Part>,
    queue: VecDeque<Queued<P>>,
    stored: u64,
    covered: u64,
    transitions: u64,
    depth: u64,
    peak_queue: u64,
    zone_bytes: u64,
}

impl<'a, 'p, P: Protocol, M: Monitor<P>> Hull<'a, 'p, P, M> {
    fn new(ctx: &'a Ctx<'p, P>, m: &'a M, limits: &'a Limits, budget: &'a Budget) -> Self {
        Hull {
            ctx,
            m,
            limits,
            budget,
            parts: FxHashMap::default(),
            queue: VecDeque::new(),
            stored: 0,
            covered: 0,
            transitions: 0,
            depth: 0,
            peak_queue: 0,
            zone_bytes: 0,
        }
    }

    /// Covers or stores (joining the hull) a reached state; false when a
    /// bound says give up.
    fn offer(&mut self, state: SymState<P>) -> bool {
        let key = state.hull_key(self.ctx);
        let (dbm, version) = match self.parts.get_mut(&key.discrete) {
            Some(part) if within(&key.dbm, &part.dbm) => {
                self.covered += 1;
                return true;
            }
            Some(part) => {
                for (h, v) in part.dbm.iter_mut().zip(&key.dbm) {
                    *h = (*h).max(*v);
                }
                part.version += 1;
                (part.dbm.clone(), part.version)
            }
            None => {
                self.zone_bytes += key.dbm.len() as u64 * 8 + 64;
                let part = Part {
                    dbm: key.dbm.clone(),
                    version: 0,
                };
                self.parts.insert(key.discrete, part);
                (key.dbm, 0)
            }
        };
        self.depth = self.depth.max(u64::from(state.depth));
        let hull = state.with_hull(&key.order, dbm);
        self.queue.push_back(Queued {
            state: hull,
            part: key.discrete,
            version,
        });
        self.peak_queue = self.peak_queue.max(self.queue.len() as u64);
        self.stored += 1;
        self.within_bounds()
    }

    fn within_bounds(&self) -> bool {
        if self.stored > self.limits.max_states || self.depth > self.limits.max_depth {
            return false;
        }
        if self.stored % CHECK_EVERY != 0 {
            return true;
        }
        if self.budget.hooks.stopped() {
            return false;
        }
        if self.budget.deadline.is_some_and(|d| Instant::now() >= d) {
            return false;
        }
        let state = std::mem::size_of::<Queued<P>>() as u64 + 512;
        let bytes = self.zone_bytes + self.queue.len() as u64 * state;
        self.budget.max_memory.map_or(true, |max| bytes <= max)
    }

    fn outcome(&self) -> (Outcome, SearchStats) {
        let outcome = Outcome {
            violations: vec![None; self.m.count()],
            states: self.stored,
            transitions: self.transitions,
            runs: 0,
            bound_hit: None,
        };
        let stats = SearchStats {
            states: self.stored,
            depth: self.depth,
            peak_frontier: self.peak_queue,
            table_bytes: self.zone_bytes,
            covered: self.covered,
            ..SearchStats::default()
        };
        (outcome, stats)
    }
}

/// Entrywise inclusion of two closed matrices over the same variables.
fn within(a: &[i64], b: &[i64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x <= y)
}
