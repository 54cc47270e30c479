//! Exhaustive search in symbolic time: every execution the window semantics
//! allow, with visited-state dedup on [`SymState::key`]. One loop serves BFS
//! (queue: shortest counterexamples) and DFS (stack: low memory). It owns the
//! frontier, the parent-pointer arena that rebuilds paths, the limits and
//! the schedule check; it does not decide enabledness (`engine::symbolic`)
//! or times (`engine::path`).
//!
//! With a schedule, only executions that respect its pins are explored. A
//! property broken by a step is reported even if the pins are not all
//! consumed yet (the prefix follows the schedule so far); how an execution
//! ended (`at_end`) is judged only if it consumed every pin. If no
//! execution consumes them all, the result is a [`ScheduleError`] naming
//! the first pin none got past; if a bound cut the search first, it is the
//! outcome with that bound (verdicts `unknown`).

use super::budget::{state_bytes, table_bytes, vec_bytes, Budget, Snapshot};
use super::{BoundHit, Limits, Monitor, Order, Outcome, Path, Schedule, ScheduleError};
use crate::engine::path::{concretize, execute};
use crate::engine::symbolic::{Ctx, Succ, SymState, SymStep};
use crate::engine::Protocol;
use rustc_hash::FxHashSet;
use std::collections::VecDeque;

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
    explore_within(p, m, order, limits, schedule, &Budget::default())
}

/// [`explore`] within a wall-clock and memory [`Budget`] (its thread count
/// is not used: the windowed search is sequential).
pub fn explore_within<P: Protocol, M: Monitor<P>>(
    p: &P,
    m: &M,
    order: Order,
    limits: &Limits,
    schedule: &Schedule,
    budget: &Budget,
) -> Result<Outcome, ScheduleError> {
    let ctx = Ctx {
        p,
        pins: schedule,
        max_faults: limits.max_faults,
    };
    let found = search_within(&ctx, m, order, limits, None, budget);
    // Cut by a bound before any execution followed the schedule: not an
    // error in the schedule, an `unknown` naming the bound.
    if found.consumed < schedule.len() && found.bound_hit.is_none() {
        return Err(ScheduleError::stuck(schedule, found.consumed, None));
    }
    let violations = found
        .violations
        .iter()
        .map(|v| v.as_ref().map(|s| concrete(&ctx, s)))
        .collect();
    Ok(Outcome {
        violations,
        states: found.states,
        transitions: found.transitions,
        runs: 0,
        bound_hit: found.bound_hit,
    })
}

/// Concrete, self-checked times for a symbolic path.
pub(crate) fn concrete<P: Protocol>(ctx: &Ctx<'_, P>, steps: &[SymStep]) -> Path {
    let path = concretize(ctx, steps);
    if let Err(e) = execute(ctx.p, &path, ctx.max_faults) {
        panic!("engine bug: a symbolic counterexample does not replay: {e}");
    }
    path
}

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

/// The search loop. With `target`, stops at the first hit of that property.
pub(crate) fn search<P: Protocol, M: Monitor<P>>(
    ctx: &Ctx<'_, P>,
    m: &M,
    order: Order,
    limits: &Limits,
    target: Option<usize>,
) -> Found {
    search_within(ctx, m, order, limits, target, &Budget::default())
}

/// [`search`] within a budget, checked every [`BUDGET_EVERY`] new states.
fn search_within<P: Protocol, M: Monitor<P>>(
    ctx: &Ctx<'_, P>,
    m: &M,
    order: Order,
    limits: &Limits,
    target: Option<usize>,
    budget: &Budget,
) -> Found {
    let mut s = Search::new(ctx, m, limits);
    s.budget = Some(budget);
    let (init, facts) = SymState::init(ctx);
    let mut hits = Vec::new();
    for f in &facts {
        m.observe(&init.model, f, &mut hits);
    }
    s.record(&hits, u32::MAX, None);
    let (key, size) = init.fingerprint_sized(ctx);
    s.visited.insert(key);
    s.arena.push(Node {
        parent: u32::MAX,
        step: None,
    });
    s.push(0, init, size);
    let mut succs = Vec::new();
    while !s.finished(target) {
        let next = match order {
            Order::Bfs => s.frontier.pop_front(),
            Order::Dfs => s.frontier.pop_back(),
        };
        let Some((node, state, bytes)) = next else {
            break;
        };
        s.frontier_bytes -= bytes;
        if state.depth as u64 >= limits.max_depth {
            s.found.bound_hit.get_or_insert(BoundHit::MaxDepth);
            continue;
        }
        state.successors(ctx, &mut succs);
        for succ in succs.drain(..) {
            if !s.visit(node, succ) {
                break;
            }
        }
    }
    s.found.states = s.visited.len() as u64;
    s.found
}

/// Search bookkeeping: visited keys, arena, frontier and what was found.
struct Search<'a, 'p, P: Protocol, M> {
    ctx: &'a Ctx<'p, P>,
    m: &'a M,
    limits: &'a Limits,
    visited: FxHashSet<u128>,
    arena: Vec<Node>,
    /// States to expand, each with what it takes ([`state_bytes`]).
    frontier: VecDeque<(u32, SymState<P>, u64)>,
    frontier_bytes: u64,
    found: Found,
    hits: Vec<usize>,
    stop: bool,
    budget: Option<&'a Budget>,
}

/// New states between two budget checks.
const BUDGET_EVERY: usize = 4096;

impl<'a, 'p, P: Protocol, M: Monitor<P>> Search<'a, 'p, P, M> {
    fn new(ctx: &'a Ctx<'p, P>, m: &'a M, limits: &'a Limits) -> Self {
        let found = Found {
            violations: vec![None; m.count()],
            states: 0,
            transitions: 0,
            bound_hit: None,
            consumed: 0,
        };
        Search {
            ctx,
            m,
            limits,
            visited: FxHashSet::default(),
            arena: Vec::new(),
            frontier: VecDeque::new(),
            frontier_bytes: 0,
            found,
            hits: Vec::new(),
            stop: false,
            budget: None,
        }
    }

    /// Done: a limit stopped us, the target was hit, or every property has
    /// a counterexample and the schedule has been followed to its end.
    fn finished(&mut self, target: Option<usize>) -> bool {
        self.found.states = self.visited.len() as u64;
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

    /// Judges one transition and stores its target if new. Returns false
    /// when the search must stop (state limit).
    fn visit(&mut self, parent: u32, succ: Succ<P>) -> bool {
        let Succ { step, state, facts } = succ;
        self.found.transitions += 1;
        self.found.consumed = self.found.consumed.max(state.pins.consumed as usize);
        let mut hits = std::mem::take(&mut self.hits);
        hits.clear();
        for f in &facts {
            self.m.observe(&state.model, f, &mut hits);
        }
        // An execution that ends before its schedule is consumed does not
        // follow the schedule: how it ended is not judged.
        if state.ended && state.pins.done(self.ctx.pins) {
            self.m.at_end(&state.model, &mut hits);
        }
        self.record(&hits, parent, Some(&step));
        self.hits = hits;
        if state.ended {
            return true;
        }
        let (key, size) = state.fingerprint_sized(self.ctx);
        if !self.visited.insert(key) {
            return true;
        }
        self.arena.push(Node {
            parent,
            step: Some(step),
        });
        self.push(self.arena.len() as u32 - 1, state, size);
        if self.visited.len() as u64 >= self.limits.max_states {
            self.found.bound_hit = Some(BoundHit::MaxStates);
            self.stop = true;
            return false;
        }
        if self.visited.len() % BUDGET_EVERY == 0 {
            let depth = self.frontier.back().map_or(0, |f| f.1.depth as u64);
            let snapshot = Snapshot::of(
                self.visited.len(),
                depth,
                self.frontier.len(),
                self.stored_bytes(),
            );
            self.budget.inspect(|b| b.observe(snapshot));
            let hit = self.budget.and_then(|b| b.exceeded(self.stored_bytes()));
            if let Some(hit) = hit {
                self.found.bound_hit = Some(hit);
                self.stop = true;
                return false;
            }
        }
        true
    }

    /// Queues a new state whose encoding takes `encoded` bytes.
    fn push(&mut self, node: u32, state: SymState<P>, encoded: usize) {
        let inline = std::mem::size_of::<(u32, SymState<P>, u64)>();
        let bytes = state_bytes(inline, encoded);
        self.frontier_bytes += bytes;
        self.frontier.push_back((node, state, bytes));
    }

    /// What the search stores, by its own count: checked every
    /// [`BUDGET_EVERY`] new states, so a memory bound stops it at the same
    /// state on every run.
    fn stored_bytes(&self) -> u64 {
        table_bytes(self.visited.capacity(), 16)
            + vec_bytes(self.arena.capacity(), std::mem::size_of::<Node>())
            + self.frontier_bytes
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
