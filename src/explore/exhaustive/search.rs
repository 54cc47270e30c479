//! The merge half of the windowed search: the loop that takes blocks off
//! the frontier, hands them to an expander, and judges and stores the
//! successors in order — the passed list, the parent-pointer arena, the
//! frontier, the limits and the counterexamples.

use super::super::budget::{state_bytes, vec_bytes, Budget, SearchStats, Snapshot};
use super::super::passed::Passed;
use super::super::{BoundHit, Limits, Monitor, Order};
use super::expand::{expand_sequential, Expanded, Queued};
use crate::engine::symbolic::{Ctx, SymState, SymStep};
use crate::engine::Protocol;
use std::collections::VecDeque;

/// What a search found, before times are made concrete.
pub(crate) struct Found {
    pub violations: Vec<Option<Vec<SymStep>>>,
    pub states: u64,
    pub transitions: u64,
    pub bound_hit: Option<BoundHit>,
    /// Most schedule pins any explored execution consumed.
    pub consumed: usize,
}

/// A stored state: its parent and the step that reached it.
struct Node {
    parent: u32,
    step: Option<SymStep>,
}

/// States a BFS takes off the frontier at once (expanded in parallel,
/// merged in order). Fixed, so results never depend on the thread count.
const BLOCK: usize = 512;

/// New states between two budget checks.
const BUDGET_EVERY: u64 = 4096;

/// The search loop, sequential. With `target`, stops at the first hit of
/// that property.
pub(crate) fn search<P: Protocol, M: Monitor<P>>(
    ctx: &Ctx<'_, P>,
    m: &M,
    order: Order,
    limits: &Limits,
    target: Option<usize>,
) -> Found {
    let expand = |block: &[Queued<P>]| expand_sequential(ctx, m, block);
    search_with(ctx, m, order, limits, target, &Budget::default(), expand).0
}

/// The search loop with an expander (sequential or on worker threads:
/// both return the same successors in the same order).
pub(super) fn search_with<P: Protocol, M: Monitor<P>>(
    ctx: &Ctx<'_, P>,
    m: &M,
    order: Order,
    limits: &Limits,
    target: Option<usize>,
    budget: &Budget,
    mut expand: impl FnMut(&[Queued<P>]) -> Vec<Expanded<P>>,
) -> (Found, SearchStats) {
    let mut s = Search::new(ctx, m, limits, budget);
    let (init, facts) = SymState::init(ctx);
    let mut hits = Vec::new();
    for f in &facts {
        m.observe(&init.model, f, &mut hits);
    }
    s.record(&hits, u32::MAX, None);
    let key = init.split_key(ctx);
    let size = key.size;
    s.passed.insert(&key);
    s.arena.push(Node {
        parent: u32::MAX,
        step: None,
    });
    s.push(0, init, size);
    let block_size = if order == Order::Bfs { BLOCK } else { 1 };
    while !s.finished(target) {
        let block = s.take_block(order, block_size);
        if block.is_empty() {
            if s.frontier.is_empty() {
                break;
            }
            continue;
        }
        for e in expand(&block) {
            if !s.visit(e) || s.finished(target) {
                break;
            }
        }
    }
    s.found.states = s.passed.stored();
    let stats = s.stats();
    (s.found, stats)
}

/// Search bookkeeping: passed list, arena, frontier and what was found.
struct Search<'a, 'p, P: Protocol, M> {
    ctx: &'a Ctx<'p, P>,
    m: std::marker::PhantomData<&'a M>,
    limits: &'a Limits,
    budget: &'a Budget,
    passed: Passed,
    arena: Vec<Node>,
    frontier: VecDeque<Queued<P>>,
    frontier_bytes: u64,
    peak_frontier: u64,
    peak_frontier_bytes: u64,
    encoded_bytes: u64,
    depth: u64,
    found: Found,
    stop: bool,
}

impl<'a, 'p, P: Protocol, M: Monitor<P>> Search<'a, 'p, P, M> {
    fn new(ctx: &'a Ctx<'p, P>, m: &M, limits: &'a Limits, budget: &'a Budget) -> Self {
        let found = Found {
            violations: vec![None; m.count()],
            states: 0,
            transitions: 0,
            bound_hit: None,
            consumed: 0,
        };
        Search {
            ctx,
            m: std::marker::PhantomData,
            limits,
            budget,
            passed: Passed::new(budget.subsumption, budget.extrapolation),
            arena: Vec::new(),
            frontier: VecDeque::new(),
            frontier_bytes: 0,
            peak_frontier: 0,
            peak_frontier_bytes: 0,
            encoded_bytes: 0,
            depth: 0,
            found,
            stop: false,
        }
    }

    /// Done: a limit stopped us, the target was hit, or every property has
    /// a counterexample and the schedule has been followed to its end.
    fn finished(&self, target: Option<usize>) -> bool {
        if self.stop {
            return true;
        }
        let v = &self.found.violations;
        match target {
            Some(q) => v[q].is_some(),
            None => {
                !v.is_empty()
                    && v.iter().all(Option::is_some)
                    && self.found.consumed >= self.ctx.pins.len()
            }
        }
    }

    /// Up to `size` states off the frontier (BFS: its front, in order;
    /// DFS: its back), without those at the depth limit.
    fn take_block(&mut self, order: Order, size: usize) -> Vec<Queued<P>> {
        let mut block = Vec::with_capacity(size.min(self.frontier.len()));
        while block.len() < size {
            let next = match order {
                Order::Bfs => self.frontier.pop_front(),
                Order::Dfs => self.frontier.pop_back(),
            };
            let Some(q) = next else { break };
            self.frontier_bytes -= q.bytes;
            if q.state.depth as u64 >= self.limits.max_depth {
                self.found.bound_hit.get_or_insert(BoundHit::MaxDepth);
                continue;
            }
            block.push(q);
        }
        block
    }

    /// Judges one transition and stores its target if new. Returns false
    /// when the search must stop (a bound).
    fn visit(&mut self, e: Expanded<P>) -> bool {
        let Expanded {
            parent,
            step,
            state,
            hits,
            key,
        } = e;
        self.found.transitions += 1;
        self.found.consumed = self.found.consumed.max(state.pins.consumed as usize);
        self.record(&hits, parent, Some(&step));
        let Some(key) = key else {
            return true;
        };
        if !self.passed.insert(&key) {
            return true;
        }
        let size = key.size;
        self.encoded_bytes += size as u64;
        self.depth = self.depth.max(state.depth as u64);
        self.arena.push(Node {
            parent,
            step: Some(step),
        });
        self.push(self.arena.len() as u32 - 1, state, size);
        let stored = self.passed.stored();
        if stored >= self.limits.max_states {
            self.found.bound_hit = Some(BoundHit::MaxStates);
            self.stop = true;
            return false;
        }
        if stored % BUDGET_EVERY == 0 {
            self.budget.observe(Snapshot {
                states: stored,
                depth: self.depth,
                frontier: self.frontier.len() as u64,
                stored_bytes: self.stored_bytes(),
                runs: 0,
            });
            if let Some(hit) = self.budget.exceeded(self.stored_bytes()) {
                self.found.bound_hit = Some(hit);
                self.stop = true;
                return false;
            }
        }
        true
    }

    /// Queues a new state whose encoding takes `encoded` bytes.
    fn push(&mut self, node: u32, state: SymState<P>, encoded: usize) {
        let inline = std::mem::size_of::<Queued<P>>();
        let bytes = state_bytes(inline, encoded);
        self.frontier_bytes += bytes;
        self.frontier.push_back(Queued { node, state, bytes });
        self.peak_frontier = self.peak_frontier.max(self.frontier.len() as u64);
        self.peak_frontier_bytes = self.peak_frontier_bytes.max(self.frontier_bytes);
    }

    /// The passed list and the arena, by the search's own count.
    fn table_bytes(&self) -> u64 {
        self.passed.bytes() + vec_bytes(self.arena.capacity(), std::mem::size_of::<Node>())
    }

    /// What the search stores, by its own count: checked every
    /// [`BUDGET_EVERY`] new states, so a memory bound stops it at the same
    /// state on every run.
    fn stored_bytes(&self) -> u64 {
        self.table_bytes() + self.frontier_bytes
    }

    fn stats(&self) -> SearchStats {
        SearchStats {
            states: self.passed.stored(),
            depth: self.depth,
            peak_frontier: self.peak_frontier,
            encoded_bytes: self.encoded_bytes,
            table_bytes: self.table_bytes(),
            covered: self.passed.covered(),
            peak_frontier_bytes: self.peak_frontier_bytes,
            ..SearchStats::default()
        }
    }

    /// Keeps the first counterexample of each property hit.
    fn record(&mut self, hits: &[usize], parent: u32, last: Option<&SymStep>) {
        for &q in hits {
            if self.found.violations[q].is_some() {
                continue;
            }
            let mut path: Vec<SymStep> = last.into_iter().cloned().collect();
            let mut at = parent;
            while at != u32::MAX {
                let node = &self.arena[at as usize];
                path.extend(node.step.iter().cloned());
                at = node.parent;
            }
            path.reverse();
            self.found.violations[q] = Some(path);
        }
    }
}
