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
//! a time valuation the hull added (a spurious order), so a property the
//! pre-pass hit is decided by the exact search, which then judges only
//! those (its counterexamples and their lengths are what it finds without
//! the pre-pass; it stops as soon as they are all violated). It gives up
//! too at any bound (states, depth, time, memory) and with a schedule; the
//! exact search then runs within what is left of the budget.
//!
//! *Threads:* one. A version that took the queue 256 states at a time and
//! expanded them on the workers gave the same results, but the hull grows
//! within a block: most of a block's successors were of states their part
//! outgrew meanwhile, or tested against a hull already stale, and the
//! workers' allocations were freed on the merging thread. The windowed
//! single-flight family at N = 30 took 14.8 s on 2 threads where one
//! thread takes 8.7 s (docs/performance.md "Hull pre-pass"). The exact
//! search after it uses `--threads`.

mod only;

use super::budget::{Budget, SearchStats};
use super::{BoundHit, Limits, Monitor, Outcome, Prepass};
use crate::engine::canon::HullKey;
use crate::engine::symbolic::{Ctx, Succ, SymState};
use crate::engine::Protocol;
pub(crate) use only::Only;
use rustc_hash::FxHashMap;
use std::collections::VecDeque;
use std::time::Instant;

/// States between two deadline and memory checks (a stop request is
/// checked at every state).
const CHECK_EVERY: u64 = 4096;

/// Bytes counted per queued state for its model, pending list and marks
/// (besides its inline size and zone).
const QUEUED_EXTRA: usize = 512;

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
    /// What it takes, by the pre-pass's own count.
    bytes: u64,
}

/// A successor computed by a worker, waiting for the merge.
struct Reached<P: Protocol> {
    /// Properties the step broke (facts, and how the run ended).
    hits: Vec<usize>,
    fate: Fate<P>,
}

/// What the merge does with a successor.
enum Fate<P: Protocol> {
    /// An ended execution: never stored.
    Ended,
    /// Its zone is within its part's hull as the block found it: covered
    /// at the merge too (hulls only grow), so the worker drops the state.
    Covered,
    /// Offered to its part's hull at the merge.
    Open(Box<(SymState<P>, HullKey)>),
}

/// What the pre-pass established: per property, whether it holds (no
/// step of the over-approximation hit it).
pub(crate) struct Proof {
    pub holds: Vec<bool>,
    pub outcome: Outcome,
    pub stats: SearchStats,
}

/// Explores the hull over-approximation to its end, on one thread: which
/// properties hold (hence hold in the exact semantics), or
/// why it proves nothing (skipped, every property hit, or a bound).
pub(crate) fn prove<P: Protocol, M: Monitor<P>>(
    ctx: &Ctx<'_, P>,
    m: &M,
    limits: &Limits,
    budget: &Budget,
) -> Result<Proof, Prepass> {
    if !ctx.pins.is_empty() || budget.hooks.stopped() || m.count() == 0 {
        return Err(Prepass::Skipped);
    }
    let mut search = Hull::new(m, limits, budget);
    let (init, facts) = SymState::init(ctx);
    let mut hits = m.hits(&init.model, &facts, false);
    let key = init.hull_key(ctx);
    if !search.judge(&mut hits) || !search.offer(init, key) {
        return Err(search.why());
    }
    let mut succs = Vec::new();
    while let Some(q) = search.queue.pop_front() {
        search.queue_bytes -= q.bytes;
        if !search.current(&q) {
            continue; // its part grew since it was queued
        }
        let reached = expand(ctx, m, &search.parts, &q.state, &mut succs);
        if !search.merge(reached, &mut hits) {
            return Err(search.why());
        }
    }
    Ok(search.proof())
}

/// The successors of a hull state, judged and keyed.
fn expand<P: Protocol, M: Monitor<P>>(
    ctx: &Ctx<'_, P>,
    m: &M,
    parts: &FxHashMap<u128, Part>,
    state: &SymState<P>,
    succs: &mut Vec<Succ<P>>,
) -> Vec<Reached<P>> {
    state.successors(ctx, succs);
    succs
        .drain(..)
        .map(|Succ { state, facts, .. }| {
            let hits = m.hits(&state.model, &facts, state.ended);
            let fate = if state.ended {
                Fate::Ended
            } else {
                let key = state.hull_key(ctx);
                match parts.get(&key.discrete) {
                    Some(part) if within(&key.dbm, &part.dbm) => Fate::Covered,
                    _ => Fate::Open(Box::new((state, key))),
                }
            };
            Reached { hits, fate }
        })
        .collect()
}

struct Hull<'a, P: Protocol, M> {
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
    /// The queued states' inline size, zones and a share for model and
    /// pending list.
    queue_bytes: u64,
    peak_queue_bytes: u64,
    /// Per property: hit by some step of the over-approximation.
    hit: Vec<bool>,
    /// The bound that stopped it, if one did.
    gave_up: Option<BoundHit>,
}

impl<'a, P: Protocol, M: Monitor<P>> Hull<'a, P, M> {
    fn new(m: &'a M, limits: &'a Limits, budget: &'a Budget) -> Self {
        Hull {
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
            queue_bytes: 0,
            peak_queue_bytes: 0,
            hit: vec![false; m.count()],
            gave_up: None,
        }
    }

    /// Whether a queued state is its part's current hull (not stale).
    fn current(&self, q: &Queued<P>) -> bool {
        self.parts.get(&q.part).map(|p| p.version) == Some(q.version)
    }

    /// States waiting to be expanded.
    fn queued(&self) -> u64 {
        self.queue.len() as u64
    }

    /// Judges and offers a current state's successors in order; false
    /// when the pre-pass must give up (every property hit, or a bound).
    fn merge(&mut self, reached: Vec<Reached<P>>, hits: &mut Vec<usize>) -> bool {
        for Reached { hits: h, fate } in reached {
            self.transitions += 1;
            hits.extend(h);
            if !self.judge(hits) {
                return false;
            }
            match fate {
                Fate::Ended => {}
                Fate::Covered => self.covered += 1,
                Fate::Open(open) => {
                    let (state, key) = *open;
                    if !self.offer(state, key) {
                        return false;
                    }
                }
            }
        }
        true
    }

    /// Notes the properties hit (drained); false when every one is.
    fn judge(&mut self, hits: &mut Vec<usize>) -> bool {
        for h in hits.drain(..) {
            self.hit[h] = true;
        }
        !self.hit.iter().all(|h| *h)
    }

    /// Covers or stores (joining the hull) a reached state; false when a
    /// bound says give up.
    fn offer(&mut self, state: SymState<P>, key: HullKey) -> bool {
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
        let inline = std::mem::size_of::<Queued<P>>() + P::SHARED_PART_BYTES;
        let bytes = (inline + dbm.len() * 8 + QUEUED_EXTRA) as u64;
        let hull = state.with_hull(&key.order, dbm);
        self.queue_bytes += bytes;
        self.peak_queue_bytes = self.peak_queue_bytes.max(self.queue_bytes);
        self.queue.push_back(Queued {
            state: hull,
            part: key.discrete,
            version,
            bytes,
        });
        self.peak_queue = self.peak_queue.max(self.queued());
        self.stored += 1;
        self.gave_up = self.bound_hit();
        self.gave_up.is_none()
    }

    /// The bound that says give up, if one does.
    fn bound_hit(&self) -> Option<BoundHit> {
        if self.stored > self.limits.max_states {
            return Some(BoundHit::MaxStates);
        }
        if self.depth > self.limits.max_depth {
            return Some(BoundHit::MaxDepth);
        }
        if self.budget.hooks.stopped() {
            return Some(BoundHit::Interrupted);
        }
        if self.stored % CHECK_EVERY != 0 {
            return None;
        }
        let bytes = self.zone_bytes + self.queue_bytes;
        self.budget.observe(super::budget::Snapshot {
            states: self.stored,
            depth: self.depth,
            frontier: self.queued(),
            stored_bytes: bytes,
            runs: 0,
        });
        if self.budget.deadline.is_some_and(|d| Instant::now() >= d) {
            return Some(BoundHit::Time);
        }
        let over = self.budget.max_memory.is_some_and(|max| bytes > max);
        over.then_some(BoundHit::MaxMemory)
    }

    /// Why it stopped before its end: a bound, else every property hit.
    fn why(&self) -> Prepass {
        match self.gave_up {
            Some(bound) => Prepass::GaveUp {
                bound,
                states: self.stored,
            },
            None => Prepass::AllHit {
                states: self.stored,
                transitions: self.transitions,
            },
        }
    }

    fn proof(&self) -> Proof {
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
            // The hulls are its passed list; it keeps no parent arena.
            passed_bytes: self.zone_bytes,
            covered: self.covered,
            peak_frontier_bytes: self.peak_queue_bytes,
            ..SearchStats::default()
        };
        Proof {
            holds: self.hit.iter().map(|h| !h).collect(),
            outcome,
            stats,
        }
    }
}

/// Entrywise inclusion of two closed matrices over the same variables.
fn within(a: &[i64], b: &[i64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x <= y)
}
