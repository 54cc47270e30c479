//! Exhaustive search in untimed semantics (`engine::untimed`): BFS for
//! shortest counterexamples (in steps), DFS for low memory. The visited set
//! holds 128-bit fingerprints of canonical states (symmetry applied by the
//! protocol); the frontier keeps the real states and the arena keeps parent
//! pointers, so every reported path is a real execution, replayed by
//! `engine::untimed::execute` before it is returned.
//!
//! BFS is level-synchronous and processes each level in blocks: a block's
//! successors (handlers, canonical forms, fingerprints) are computed by
//! `threads` workers on contiguous slices, then merged one by one in
//! frontier order. The merge is the sequential search's own order, so the
//! result is identical for every thread count.
//!
//! With `budget.partial_order`, sleep sets (`explore::sleep`) skip moves
//! whose order against independent steps is covered elsewhere; the visited
//! set then also keeps, for stored states with a non-empty sleep set, the
//! ranks still asleep, and a state reached again with fewer asleep is
//! re-expanded with the difference.

mod arena;
mod expand;
mod pipeline;
#[cfg(test)]
mod pipeline_tests;
mod visited;

pub use expand::Shareable;
pub(crate) use expand::{expand_one, pool, Expanded};

use super::budget::{state_bytes, vec_bytes, Budget, SearchStats, Snapshot};
use super::sleep::Sleep;
use super::{BoundHit, Limits, Monitor, Order, Outcome, Path};
use crate::engine::untimed::{execute, Move, Scratch, UState};
use crate::engine::{Choice, EventId, Protocol};
use arena::Arena;
use expand::{expand, Expansion, Frontier};
use std::collections::VecDeque;
use visited::{Visit, Visited};

/// States expanded between two merges (and two budget checks).
const BLOCK: usize = 4096;

/// The BFS level being merged, and what of the next it has found.
struct Level {
    len: usize,
    /// What the level's states take, by count (`frontier_bytes`).
    bytes: u64,
    merged: usize,
    next_len: usize,
    next_bytes: u64,
}

impl Level {
    fn new(len: usize, bytes: u64) -> Self {
        Level {
            len,
            bytes,
            merged: 0,
            next_len: 0,
            next_bytes: 0,
        }
    }
}

/// A stored state: its parent and the step that reached it.
#[derive(Clone, Copy)]
struct Node {
    parent: u32,
    event: u32,
    fault_ix: u16,
}

/// Every untimed execution, deduplicated on canonical fingerprints. BFS
/// returns per property a shortest counterexample (fewest steps), ties
/// broken by canonical move order, whatever `budget.threads` is.
pub fn explore<P, M>(
    p: &P,
    m: &M,
    order: Order,
    limits: &Limits,
    budget: &Budget,
) -> (Outcome, SearchStats)
where
    P: Shareable,
    M: Monitor<P> + Sync,
{
    let mut s = Search::new(p, m, limits, budget);
    let (init, facts) = UState::init(p);
    let hits = m.hits(&init.model, &facts, false);
    s.record(&hits, u32::MAX, None);
    let mut ranks = Vec::new();
    let wanted = (budget.partial_order || budget.orbits).then_some(&mut ranks);
    let (key, size) = init.key_ranked(p, &mut Scratch::default(), wanted, budget.orbits);
    s.visited.visit(key, 0);
    s.stats.encoded_bytes += size as u64;
    s.arena.push(Node {
        parent: u32::MAX,
        event: u32::MAX,
        fault_ix: 0,
    });
    let root = Frontier {
        node: 0,
        state: init,
        sleep: Sleep::successor(Vec::new(), ranks),
    };
    let root_bytes = frontier_bytes::<P>(size);
    match order {
        Order::Bfs => s.bfs(root, root_bytes),
        Order::Dfs => s.dfs(root, root_bytes),
    }
    s.finish()
}

/// Search bookkeeping.
struct Search<'a, P: Protocol, M> {
    p: &'a P,
    m: &'a M,
    limits: &'a Limits,
    budget: &'a Budget,
    visited: Visited,
    arena: Arena<Node>,
    violations: Vec<Option<Vec<(EventId, u16)>>>,
    transitions: u64,
    bound_hit: Option<BoundHit>,
    stats: SearchStats,
    stop: bool,
}

impl<'a, P, M> Search<'a, P, M>
where
    P: Shareable,
    M: Monitor<P> + Sync,
{
    fn new(p: &'a P, m: &'a M, limits: &'a Limits, budget: &'a Budget) -> Self {
        Search {
            p,
            m,
            limits,
            budget,
            visited: Visited::new(budget.partial_order),
            arena: Arena::new(),
            violations: vec![None; m.count()],
            transitions: 0,
            bound_hit: None,
            stats: SearchStats::default(),
            stop: false,
        }
    }

    /// Every property has a counterexample, or a bound stopped the search.
    fn finished(&self) -> bool {
        self.stop || (!self.violations.is_empty() && self.violations.iter().all(Option::is_some))
    }

    /// Breadth-first: a first-in first-out queue, each state's successors
    /// merged in queue order (`merge_state`), expanded on this thread or,
    /// with `budget.threads` above one, by workers (`pipeline`) in the same
    /// order, so every thread count gives the same search.
    fn bfs(&mut self, root: Frontier<P>, root_bytes: u64) {
        if self.finished() {
            return;
        }
        if self.limits.max_depth == 0 {
            self.bound_hit.get_or_insert(BoundHit::MaxDepth);
            return;
        }
        self.stats.peak_frontier = 1;
        let mut level = Level::new(1, root_bytes);
        if self.budget.threads > 1 {
            let (p, m, limits, budget) = (self.p, self.m, self.limits, self.budget);
            pipeline::run_queue(p, m, limits, budget, root, |e, fresh| {
                self.merge_state(&mut level, e, fresh)
            });
            return;
        }
        // One level after the other, as two vectors: each state is freed
        // as it is expanded, and the next level grows on its own (one
        // queue of both would copy both whenever it grows).
        let mut states = vec![root];
        let mut scratch = Scratch::default();
        while !states.is_empty() {
            let mut next = Vec::new();
            for f in states {
                let e = expand(self.p, self.m, self.limits, &f, self.budget, &mut scratch);
                drop(f);
                if self.merge_state(&mut level, e, &mut next) {
                    return;
                }
            }
            states = next;
        }
    }

    /// Merges the expansion of the next queued state, its new successors
    /// into `fresh`; checks the budget after every `BLOCK` states of a
    /// level and at its end, against what the level and the next one hold
    /// by count (never by when states were freed), and at a level's end
    /// starts the next or stops at `max_depth`. True once the search is
    /// finished (or the queue is empty).
    fn merge_state(
        &mut self,
        level: &mut Level,
        e: Expansion<P>,
        fresh: &mut Vec<Frontier<P>>,
    ) -> bool {
        self.stats.asleep += e.skipped;
        let before = fresh.len();
        if self.merge_into(e.succs, fresh, &mut level.next_bytes) {
            return true;
        }
        level.next_len += fresh.len() - before;
        level.merged += 1;
        if level.merged % BLOCK == 0 || level.merged == level.len {
            self.check_budget(level.bytes + level.next_bytes);
            if self.finished() {
                return true;
            }
        }
        if level.merged < level.len {
            return false;
        }
        self.stats.depth += 1;
        if level.next_len == 0 {
            return true;
        }
        if self.stats.depth >= self.limits.max_depth {
            self.bound_hit.get_or_insert(BoundHit::MaxDepth);
            return true;
        }
        self.stats.peak_frontier = self.stats.peak_frontier.max(level.next_len as u64);
        *level = Level::new(level.next_len, level.next_bytes);
        false
    }

    /// Merges successors in order, keeping the new ones for the next
    /// level; true once the search is finished.
    fn merge_into(
        &mut self,
        succs: Vec<Expanded<P>>,
        next: &mut Vec<Frontier<P>>,
        next_bytes: &mut u64,
    ) -> bool {
        for e in succs {
            let size = e.size;
            if let Some(state) = self.merge(e) {
                next.push(state);
                *next_bytes += frontier_bytes::<P>(size);
            }
            if self.finished() {
                return true;
            }
        }
        false
    }

    fn dfs(&mut self, root: Frontier<P>, root_bytes: u64) {
        let mut stack: VecDeque<(u32, Frontier<P>, u64)> = VecDeque::from([(0, root, root_bytes)]);
        let mut stack_bytes = root_bytes;
        let mut scratch = Scratch::default();
        let mut since_check = 0;
        while let Some((depth, f, bytes)) = stack.pop_back() {
            stack_bytes -= bytes;
            if self.finished() {
                return;
            }
            if depth as u64 >= self.limits.max_depth {
                self.bound_hit.get_or_insert(BoundHit::MaxDepth);
                continue;
            }
            self.stats.depth = self.stats.depth.max(depth as u64 + 1);
            let expansion = expand(self.p, self.m, self.limits, &f, self.budget, &mut scratch);
            self.stats.asleep += expansion.skipped;
            let mut fresh = Vec::new();
            for e in expansion.succs {
                let bytes = frontier_bytes::<P>(e.size);
                if let Some(s) = self.merge(e) {
                    fresh.push((depth + 1, s, bytes));
                    stack_bytes += bytes;
                }
                if self.finished() {
                    return;
                }
            }
            stack.extend(fresh.into_iter().rev());
            self.stats.peak_frontier = self.stats.peak_frontier.max(stack.len() as u64);
            since_check += 1;
            if since_check == BLOCK {
                since_check = 0;
                self.check_budget(stack_bytes);
            }
        }
    }

    /// Judges one transition (in canonical order) and stores its target if
    /// new; returns it for expansion if new, or if it wakes moves asleep at
    /// every earlier visit (then only those are to be taken).
    fn merge(&mut self, e: Expanded<P>) -> Option<Frontier<P>> {
        self.transitions += 1;
        self.record(&e.hits, e.parent, Some((e.event, e.fault_ix)));
        let mut sleep = e.sleep;
        let mask = sleep.mask();
        match self.visited.visit(e.key, mask) {
            Visit::New => {
                self.stats.encoded_bytes += e.size as u64;
                if self.visited.len() as u64 >= self.limits.max_states {
                    self.bound_hit = Some(BoundHit::MaxStates);
                    self.stop = true;
                }
            }
            Visit::Again { woken: 0 } => return None,
            Visit::Again { woken } => {
                self.stats.reexpanded += 1;
                sleep.only = Some(woken);
            }
        }
        self.arena.push(Node {
            parent: e.parent,
            event: e.event.0,
            fault_ix: e.fault_ix,
        });
        Some(Frontier {
            node: self.arena.len() as u32 - 1,
            state: e.state,
            sleep,
        })
    }

    /// Checked between blocks of a fixed size, merged in canonical order,
    /// against counts of what is stored: where a memory bound stops the
    /// search never depends on the thread count.
    fn check_budget(&mut self, frontier_bytes: u64) {
        let stored = self.visited.bytes()
            + vec_bytes(self.arena.counted_capacity(), std::mem::size_of::<Node>())
            + frontier_bytes;
        let frontier = self.stats.peak_frontier as usize;
        let snapshot = Snapshot::of(self.visited.len(), self.stats.depth, frontier, stored);
        self.budget.observe(snapshot);
        if let Some(hit) = self.budget.exceeded(stored) {
            self.bound_hit = Some(hit);
            self.stop = true;
        }
    }

    /// Keeps the first counterexample of each property hit.
    fn record(&mut self, hits: &[usize], parent: u32, last: Option<(EventId, u16)>) {
        for &q in hits {
            if self.violations[q].is_some() {
                continue;
            }
            let mut path: Vec<(EventId, u16)> = last.into_iter().collect();
            let mut at = parent;
            while at != u32::MAX && at != 0 {
                let node = self.arena.get(at as usize);
                path.push((EventId(node.event), node.fault_ix));
                at = node.parent;
            }
            path.reverse();
            self.violations[q] = Some(path);
        }
    }

    fn finish(self) -> (Outcome, SearchStats) {
        let p = self.p;
        let max_faults = self.limits.max_faults;
        let violations = self
            .violations
            .iter()
            .map(|v| v.as_ref().map(|steps| choices(p, steps, max_faults)))
            .collect();
        let states = self.visited.len() as u64;
        let mut stats = self.stats;
        stats.states = states;
        stats.table_bytes = self.visited.slot_bytes() + self.arena.counted_capacity() as u64 * 12;
        let outcome = Outcome {
            violations,
            states,
            transitions: self.transitions,
            runs: 0,
            bound_hit: self.bound_hit,
        };
        (outcome, stats)
    }
}

/// What a state waiting in the frontier takes, from its encoding's size.
fn frontier_bytes<P: Protocol>(encoded: usize) -> u64 {
    state_bytes(
        std::mem::size_of::<Frontier<P>>() + P::SHARED_PART_BYTES,
        encoded,
    )
}

/// Re-executes a stored path to recover each step's time and faults; the
/// result is checked by `engine::untimed::execute`, so it replays.
fn choices<P: Protocol>(p: &P, steps: &[(EventId, u16)], max_faults: u32) -> Path {
    let (mut state, _) = UState::init(p);
    let mut path: Vec<Choice> = Vec::with_capacity(steps.len());
    for &(event, fault_ix) in steps {
        let mv = match state.msgs.iter().position(|(id, _)| *id == event) {
            Some(i) => Move::Deliver(i),
            None => Move::Tick,
        };
        let begun = state.begin(p, mv);
        let options = state.fault_options(p, &begun, max_faults);
        let faults = options[fault_ix as usize].clone();
        state.commit(&begun.fx, &faults);
        path.push(Choice {
            event,
            at: state.now,
            faults,
        });
    }
    if let Err(e) = execute(p, &path, max_faults) {
        panic!("engine bug: an untimed counterexample does not replay: {e}");
    }
    path
}
