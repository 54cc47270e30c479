//! The merge half of the windowed search: the loop that takes blocks off
//! the frontier, hands them to an expander, and judges and stores the
//! successors in order — the passed list, the parent-pointer arena, the
//! frontier, the limits and the counterexamples.

use super::super::budget::{Budget, SearchStats, Snapshot};
use super::super::passed::Passed;
use super::super::{BoundHit, Limits, Monitor, Order};
use super::arena::Arena;
use super::expand::{expand_sequential, Expanded, Queued};
use super::frontier::Frontier;
use crate::engine::symbolic::{Ctx, SymState, SymStep};
use crate::engine::Protocol;

/// What a search found, before times are made concrete.
pub(crate) struct Found {
    pub violations: Vec<Option<Vec<SymStep>>>,
    pub states: u64,
    pub transitions: u64,
    pub bound_hit: Option<BoundHit>,
    /// Most schedule pins any explored execution consumed.
    pub consumed: usize,
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
    let hits = m.hits(&init.model, &facts, false);
    s.record(&hits, u32::MAX, None);
    let key = init.split_key(ctx);
    s.encoded_bytes += key.size as u64;
    s.passed.insert(&key);
    let root = s.arena.push(u32::MAX, None);
    s.frontier.push(root, init);
    let block_size = if order == Order::Bfs { BLOCK } else { 1 };
    while !s.finished(target) {
        // A stop request (Ctrl-C) is an atomic load: checked every block,
        // so a batch of searches (a matrix) stops at once, not after
        // 4096 more states in each.
        if budget.hooks.stopped() {
            s.found.bound_hit = Some(BoundHit::Interrupted);
            break;
        }
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
    arena: Arena,
    frontier: Frontier<P>,
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
            arena: Arena::default(),
            frontier: Frontier::new(),
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
            let Some(q) = self.frontier.pop(order) else {
                break;
            };
            if order == Order::Dfs {
                self.arena.truncate(q.node as usize + 1);
            }
            if q.depth as u64 >= self.limits.max_depth {
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
        self.encoded_bytes += key.size as u64;
        self.depth = self.depth.max(state.depth as u64);
        let node = self.arena.push(parent, Some(step));
        self.frontier.push(node, state);
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

    /// The passed list and the arena, by the search's own count.
    fn table_bytes(&self) -> u64 {
        self.passed.bytes() + self.arena_bytes()
    }

    fn arena_bytes(&self) -> u64 {
        self.arena.bytes()
    }

    /// What the search stores, by its own count: checked every
    /// [`BUDGET_EVERY`] new states, so a memory bound stops it at the same
    /// state on every run.
    fn stored_bytes(&self) -> u64 {
        self.table_bytes() + self.frontier.bytes()
    }

    fn stats(&self) -> SearchStats {
        SearchStats {
            states: self.passed.stored(),
            depth: self.depth,
            peak_frontier: self.frontier.peak_len(),
            encoded_bytes: self.encoded_bytes,
            table_bytes: self.table_bytes(),
            covered: self.passed.covered(),
            peak_frontier_bytes: self.frontier.peak_bytes(),
            passed_bytes: self.passed.bytes(),
            arena_bytes: self.arena_bytes(),
            ..SearchStats::default()
        }
    }

    /// Keeps the first counterexample of each property hit.
    fn record(&mut self, hits: &[usize], parent: u32, last: Option<&SymStep>) {
        for &q in hits {
            if self.found.violations[q].is_some() {
                continue;
            }
            let mut path = if parent == u32::MAX {
                Vec::new()
            } else {
                self.arena.path(parent)
            };
            path.extend(last.cloned());
            self.found.violations[q] = Some(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::testing::{limits, random_toy, Ev, Prop, Props};
    use super::super::{explore, Order};
    use crate::engine::path::execute;

    /// Depth-first search keeps only the stack's ancestors in its arena:
    /// every counterexample it rebuilds must still be a real path that
    /// ends with the property's event after its cause, and it must find
    /// exactly the properties breadth-first search finds.
    #[test]
    fn dfs_counterexamples_from_the_stack_arena_are_real_paths() {
        let props: Vec<Prop> = (1..=5u8)
            .flat_map(|a| (1..=5u8).map(move |b| Prop::After(Ev::M(a), Ev::M(b))))
            .chain((10..=13u8).map(|t| Prop::After(Ev::M(1), Ev::T(t))))
            .collect();
        let monitor = Props(props.clone());
        let mut checked = 0;
        for seed in 0..60 {
            let toy = random_toy(seed);
            let dfs = explore(&toy, &monitor, Order::Dfs, &limits(), &[]).unwrap();
            let bfs = explore(&toy, &monitor, Order::Bfs, &limits(), &[]).unwrap();
            assert_eq!(dfs.bound_hit, None, "seed {seed}");
            let found = |o: &super::super::Outcome| -> Vec<bool> {
                o.violations.iter().map(Option::is_some).collect()
            };
            assert_eq!(found(&dfs), found(&bfs), "seed {seed}");
            for (q, path) in dfs.violations.iter().enumerate() {
                let Some(path) = path else { continue };
                let log = execute(&toy, path, limits().max_faults).unwrap().state;
                let Prop::After(a, b) = props[q] else {
                    unreachable!()
                };
                let (last, earlier) = log.split_last().expect("a step");
                assert!(*last == b && earlier.contains(&a), "seed {seed}: {log:?}");
                checked += 1;
            }
        }
        assert!(checked > 20, "only {checked} counterexamples");
    }
}
