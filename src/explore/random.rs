//! Seeded random runs: `run --seed` ([`run_once`]) and random exploration
//! ([`explore`]: run `i` uses `SimRng::derive(seed, i)`). Without a schedule
//! a run is one concrete simulation. With one, a seeded depth-first search
//! in symbolic time finds an execution that follows every pin, then the run
//! goes on concretely. It owns run bookkeeping and picking the reported run;
//! shrinking is `shrink`, time rules are `engine`.

use super::budget::{Budget, Snapshot};
use super::exhaustive::concrete;
use super::{shrink, BoundHit, Limits, Monitor, Outcome, Path, Schedule, ScheduleError};
use crate::engine::path::{choice_of, execute_with};
use crate::engine::rng::SimRng;
use crate::engine::sim::Sim;
use crate::engine::symbolic::{Ctx, Succ, SymState, SymStep};
use crate::engine::{Protocol, StepRecord};
use rustc_hash::FxHashSet;

/// One seeded execution and the properties it broke.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    /// Every choice, with concrete times; replays with `path::execute`.
    pub path: Path,
    /// (property, 0-based step index where first hit), by property. A hit
    /// by init's own facts counts as step 0.
    pub hits: Vec<(usize, usize)>,
    /// Steps taken (the horizon step included).
    pub steps: u64,
    /// `MaxDepth` when the run was cut before the horizon.
    pub bound_hit: Option<BoundHit>,
}

/// Collects first hits per property while steps go by.
pub(super) struct Judge<'m, M> {
    m: &'m M,
    first: Vec<Option<usize>>,
    buf: Vec<usize>,
}

impl<'m, M> Judge<'m, M> {
    pub(super) fn new<P: Protocol>(m: &'m M) -> Self
    where
        M: Monitor<P>,
    {
        Judge {
            m,
            first: vec![None; m.count()],
            buf: Vec::new(),
        }
    }

    pub(super) fn step<P: Protocol>(&mut self, index: usize, state: &P::State, rec: &StepRecord<P>)
    where
        M: Monitor<P>,
    {
        self.buf.clear();
        for f in &rec.facts {
            self.m.observe(state, f, &mut self.buf);
        }
        if rec.id == crate::engine::EventId::HORIZON {
            self.m.at_end(state, &mut self.buf);
        }
        for &q in &self.buf {
            self.first[q].get_or_insert(index);
        }
    }

    /// Facts of `init` itself: a property they break counts as hit at step 0.
    pub(super) fn init<P: Protocol>(&mut self, state: &P::State, facts: &[P::Fact])
    where
        M: Monitor<P>,
    {
        self.buf.clear();
        for f in facts {
            self.m.observe(state, f, &mut self.buf);
        }
        for &q in &self.buf {
            self.first[q] = Some(0);
        }
    }

    pub(super) fn hits(&self) -> Vec<(usize, usize)> {
        self.first
            .iter()
            .enumerate()
            .filter_map(|(q, s)| s.map(|s| (q, s)))
            .collect()
    }
}

/// One seeded execution = the `run --seed` command. Without pins: concrete
/// simulation. With pins: a seeded search for an execution that follows
/// them, then seeded simulation to the horizon.
pub fn run_once<P: Protocol, M: Monitor<P>>(
    p: &P,
    m: &M,
    seed: u64,
    limits: &Limits,
    schedule: &Schedule,
) -> Result<Run, ScheduleError> {
    let mut judge = Judge::new(m);
    let (sim, path) = if schedule.is_empty() {
        let (sim, facts) = Sim::new(p, seed, limits.max_faults);
        judge.init(&sim.run.state, &facts);
        (sim, Vec::new())
    } else {
        pinned_prefix(p, &mut judge, seed, limits, schedule)?
    };
    Ok(finish(sim, path, judge, limits))
}

/// Simulates to the horizon (or `max_depth` steps) after `path`.
fn finish<P: Protocol, M: Monitor<P>>(
    mut sim: Sim<'_, P>,
    mut path: Path,
    mut judge: Judge<'_, M>,
    limits: &Limits,
) -> Run {
    let mut bound_hit = None;
    while !sim.run.ended {
        if path.len() as u64 >= limits.max_depth {
            bound_hit = Some(BoundHit::MaxDepth);
            break;
        }
        let Some(rec) = sim.step() else { break };
        judge.step(path.len(), &sim.run.state, &rec);
        path.push(choice_of(&rec));
    }
    Run {
        steps: path.len() as u64,
        hits: judge.hits(),
        path,
        bound_hit,
    }
}

/// Finds, by seeded depth-first search, a path that consumes every pin;
/// returns it replayed concretely (judged) and a simulator to go on with.
fn pinned_prefix<'p, P: Protocol, M: Monitor<P>>(
    p: &'p P,
    judge: &mut Judge<'_, M>,
    seed: u64,
    limits: &Limits,
    schedule: &Schedule,
) -> Result<(Sim<'p, P>, Path), ScheduleError> {
    let ctx = Ctx {
        p,
        pins: schedule,
        max_faults: limits.max_faults,
        active_only: true,
    };
    let mut rng = SimRng::new(seed);
    let steps = seeded_search(&ctx, &mut rng, limits)?;
    let path = concrete(&ctx, &steps);
    let mut index = 0;
    let (run, _) = execute_with(p, &path, limits.max_faults, |s, rec| {
        judge.step(index, s, rec);
        index += 1;
    })
    .expect("a concretized path replays");
    Ok((Sim::resume(p, run, rng, limits.max_faults), path))
}

/// Depth-first search whose successor order at each state is a seeded
/// shuffle of the enabled events (faults: all delivered first). Backtracks
/// on dead ends; visited states are not revisited.
fn seeded_search<P: Protocol>(
    ctx: &Ctx<'_, P>,
    rng: &mut SimRng,
    limits: &Limits,
) -> Result<Vec<SymStep>, ScheduleError> {
    let (init, _) = SymState::init(ctx);
    let mut arena: Vec<(u32, Option<SymStep>)> = vec![(u32::MAX, None)];
    let mut visited = FxHashSet::default();
    visited.insert(init.fingerprint(ctx));
    let mut stack = vec![(0u32, init)];
    let (mut best, mut bounded) = (0usize, None);
    let mut succs = Vec::new();
    while let Some((node, state)) = stack.pop() {
        best = best.max(state.pins.consumed as usize);
        if state.pins.done(ctx.pins) {
            return Ok(unwind(&arena, node));
        }
        if state.depth as u64 >= limits.max_depth {
            bounded = Some(BoundHit::MaxDepth);
            continue;
        }
        if visited.len() as u64 >= limits.max_states {
            bounded = Some(BoundHit::MaxStates);
            continue;
        }
        state.successors(ctx, &mut succs);
        shuffle_events(&mut succs, rng);
        for Succ { step, state, .. } in succs.drain(..).rev() {
            if !state.ended && visited.insert(state.fingerprint(ctx)) {
                arena.push((node, Some(step)));
                stack.push((arena.len() as u32 - 1, state));
            }
        }
    }
    Err(ScheduleError::stuck(ctx.pins, best, bounded))
}

/// Reorders successors by a seeded shuffle of their events, keeping each
/// event's successors in canonical order.
fn shuffle_events<P: Protocol>(succs: &mut [Succ<P>], rng: &mut SimRng) {
    let mut events: Vec<_> = succs.iter().map(|s| s.step.event).collect();
    events.dedup();
    for i in (1..events.len()).rev() {
        let j = rng.below(i + 1);
        events.swap(i, j);
    }
    succs.sort_by_key(|s| events.iter().position(|e| *e == s.step.event));
}

/// The symbolic steps from the root to `node`.
fn unwind(arena: &[(u32, Option<SymStep>)], mut node: u32) -> Vec<SymStep> {
    let mut steps = Vec::new();
    while node != u32::MAX {
        let (parent, step) = &arena[node as usize];
        steps.extend(step.iter().cloned());
        node = *parent;
    }
    steps.reverse();
    steps
}

/// `runs` seeded runs; run `i` is exactly `run_once` with
/// `SimRng::derive(seed, i)`. Per property the lowest failing run index
/// wins; its path (cut after the hit) is then shrunk. `bound_hit` is
/// `MaxDepth` when some run was cut; random search never proves a
/// property, whatever it says.
pub fn explore<P: Protocol, M: Monitor<P>>(
    p: &P,
    m: &M,
    seed: u64,
    runs: u64,
    limits: &Limits,
    schedule: &Schedule,
) -> Result<Outcome, ScheduleError> {
    explore_within(p, m, seed, runs, limits, schedule, &Budget::default())
}

/// [`explore`], stopping between runs once `budget`'s time is up
/// (`bound_hit` is then `Time`).
pub fn explore_within<P: Protocol, M: Monitor<P>>(
    p: &P,
    m: &M,
    seed: u64,
    runs: u64,
    limits: &Limits,
    schedule: &Schedule,
    budget: &Budget,
) -> Result<Outcome, ScheduleError> {
    collect(p, m, (runs, budget), limits, schedule, |i| {
        run_once(p, m, SimRng::derive(seed, i), limits, schedule)
    })
}

/// Runs `run(i)` for `i` in `0..runs` (stopping once every property is
/// hit, or the budget's time is up); per property the lowest failing run index wins, and its path (cut
/// after the hit) is shrunk. Shared by random and PCT exploration.
pub(super) fn collect<P: Protocol, M: Monitor<P>>(
    p: &P,
    m: &M,
    (runs, budget): (u64, &Budget),
    limits: &Limits,
    schedule: &Schedule,
    mut run: impl FnMut(u64) -> Result<Run, ScheduleError>,
) -> Result<Outcome, ScheduleError> {
    let mut out = Outcome {
        violations: vec![None; m.count()],
        states: 0,
        transitions: 0,
        runs: 0,
        bound_hit: None,
    };
    for i in 0..runs {
        if let Some(hit) = budget.stopped() {
            out.bound_hit = Some(hit);
            break;
        }
        if i % 256 == 0 {
            budget.observe(Snapshot::runs(out.runs, out.states));
        }
        let run = run(i)?;
        out.runs += 1;
        out.states += run.steps;
        out.transitions += run.steps;
        out.bound_hit = out.bound_hit.or(run.bound_hit);
        for &(q, at) in &run.hits {
            out.violations[q]
                .get_or_insert_with(|| run.path[..(at + 1).min(run.path.len())].to_vec());
        }
        if out.violations.iter().all(Option::is_some) {
            break;
        }
    }
    for q in 0..out.violations.len() {
        if let Some(path) = out.violations[q].take() {
            out.violations[q] = Some(shrink::shrink(p, m, q, path, limits, schedule));
        }
    }
    Ok(out)
}
