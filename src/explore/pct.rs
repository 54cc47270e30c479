//! PCT exploration (Probabilistic Concurrency Testing, Burckhardt et al.,
//! ASPLOS 2010) as a scheduling policy over the windowed semantics: each
//! run walks the symbolic successors (so every step is one the windows
//! allow) and, at each step, takes an enabled event of the highest-priority
//! "thread". Run `i` draws everything from `SimRng::derive(seed, i)`, its
//! symbolic path is made concrete (times inside every window), and the
//! result is a concrete path that replays and shrinks like a random run's.
//!
//! Threads (see `docs/semantics.md`): a message belongs to its channel,
//! the (sender, receiver) pair, so two requests racing to the same server
//! are two threads; a timer is a thread of its own (the engine does not
//! know which actor owns a timer). Within a thread events go in creation
//! order, as a thread's instructions go in program order. The horizon has
//! the lowest priority: it is taken only when nothing else may go.

use super::budget::Budget;
use super::random::{collect, Judge, Run};
use super::{BoundHit, Limits, Monitor, Outcome, Path, Schedule, ScheduleError};
use crate::engine::path::execute_with;
use crate::engine::rng::SimRng;
use crate::engine::symbolic::{Ctx, Succ, SymState, SymStep};
use crate::engine::{Event, EventId, Protocol};

/// PCT priorities: threads get a uniformly random rank when first seen;
/// at the `j`-th change point (in drawing order) the running thread drops
/// to level `j`, below every thread not yet demoted and below threads
/// demoted at later-drawn points with higher `j` (as in the paper, where
/// change point `j` sets the priority to `j`).
struct Priorities {
    /// Threads not demoted, highest priority first.
    ranked: Vec<String>,
    /// Demoted threads and their level (higher = higher priority).
    demoted: Vec<(String, usize)>,
    /// Change points: (step index, level), as drawn.
    changes: Vec<(u64, usize)>,
}

impl Priorities {
    /// `depth - 1` distinct change points among steps `0..steps`.
    fn new(rng: &mut SimRng, depth: u32, steps: u64) -> Priorities {
        let mut changes: Vec<(u64, usize)> = Vec::new();
        let wanted = (depth.saturating_sub(1) as u64).min(steps);
        while (changes.len() as u64) < wanted {
            let at = rng.below(steps as usize) as u64;
            if changes.iter().all(|&(c, _)| c != at) {
                changes.push((at, changes.len() + 1));
            }
        }
        Priorities {
            ranked: Vec::new(),
            demoted: Vec::new(),
            changes,
        }
    }

    /// Rank of `thread` (0 = highest); a new thread gets a random place
    /// among the threads not demoted.
    fn rank(&mut self, rng: &mut SimRng, thread: &str) -> usize {
        if let Some(i) = self.ranked.iter().position(|t| t == thread) {
            return i;
        }
        if let Some(level) = self.level(thread) {
            let above = self.demoted.iter().filter(|(_, l)| *l > level).count();
            return self.ranked.len() + above;
        }
        let at = rng.below(self.ranked.len() + 1);
        self.ranked.insert(at, thread.to_string());
        at
    }

    fn level(&self, thread: &str) -> Option<usize> {
        self.demoted
            .iter()
            .find(|(t, _)| t == thread)
            .map(|&(_, l)| l)
    }

    /// At a change point, `thread` (the one that just ran) drops.
    fn after_step(&mut self, step: u64, thread: &str) {
        let Some(&(_, level)) = self.changes.iter().find(|&&(c, _)| c == step) else {
            return;
        };
        self.ranked.retain(|t| t != thread);
        self.demoted.retain(|(t, _)| t != thread);
        self.demoted.push((thread.to_string(), level));
    }
}

/// The thread an event belongs to; `None` for the horizon.
fn thread_of<P: Protocol>(p: &P, state: &SymState<P>, id: EventId) -> Option<String> {
    match state.event_of(id)? {
        Event::Deliver(m) => {
            let (from, to) = p.endpoints(&m);
            Some(format!("{from} -> {to}"))
        }
        Event::Fire(t) => Some(format!("timer {t:?}")),
        Event::Horizon => None,
    }
}

/// One PCT walk: the symbolic steps taken. `steps` bounds the change
/// points; `bound_hit` is set when `max_depth` cut the walk.
fn walk<P: Protocol>(
    ctx: &Ctx<'_, P>,
    rng: &mut SimRng,
    prio: &mut Priorities,
    limits: &Limits,
) -> (Vec<SymStep>, Option<BoundHit>) {
    let (mut state, _) = SymState::init(ctx);
    let mut taken = Vec::new();
    let mut succs: Vec<Succ<P>> = Vec::new();
    while !state.ended {
        if taken.len() as u64 >= limits.max_depth {
            return (taken, Some(BoundHit::MaxDepth));
        }
        succs.clear();
        state.successors(ctx, &mut succs);
        let Some((event, thread)) = pick(ctx.p, &state, &succs, rng, prio) else {
            // A schedule pin this order cannot follow: the run ends here.
            break;
        };
        let options: Vec<usize> = (0..succs.len())
            .filter(|&k| succs[k].step.event == event)
            .collect();
        let chosen = options[rng.below(options.len())];
        let next = succs.swap_remove(chosen);
        if let Some(t) = &thread {
            prio.after_step(taken.len() as u64, t);
        }
        taken.push(next.step);
        state = next.state;
    }
    (taken, None)
}

/// The enabled event of the highest-priority thread (the horizon last).
fn pick<P: Protocol>(
    p: &P,
    state: &SymState<P>,
    succs: &[Succ<P>],
    rng: &mut SimRng,
    prio: &mut Priorities,
) -> Option<(EventId, Option<String>)> {
    let mut events: Vec<EventId> = succs.iter().map(|s| s.step.event).collect();
    events.dedup();
    let threads: Vec<Option<String>> = events.iter().map(|&id| thread_of(p, state, id)).collect();
    // Every new thread gets its place first: an insertion shifts ranks.
    for t in threads.iter().flatten() {
        prio.rank(rng, t);
    }
    let mut best: Option<(usize, EventId, Option<String>)> = None;
    for (id, thread) in events.into_iter().zip(threads) {
        let rank = match &thread {
            Some(t) => prio.rank(rng, t),
            None => usize::MAX,
        };
        if best.as_ref().map_or(true, |(r, _, _)| rank < *r) {
            best = Some((rank, id, thread));
        }
    }
    best.map(|(_, id, t)| (id, t))
}

/// One PCT run from `seed` with `depth` (the bug depth `d`): `d - 1`
/// change points among the steps of the same run without change points.
pub fn run_pct<P: Protocol, M: Monitor<P>>(
    p: &P,
    m: &M,
    seed: u64,
    depth: u32,
    limits: &Limits,
    schedule: &Schedule,
) -> Run {
    let ctx = Ctx {
        p,
        pins: schedule,
        max_faults: limits.max_faults,
        active_only: true,
    };
    let mut rng = SimRng::new(seed);
    // The paper draws change points among the run's k steps; k is
    // estimated by the same run without change points.
    let mut probe = rng.clone();
    let mut plain = Priorities::new(&mut probe, 1, 0);
    let (baseline, _) = walk(&ctx, &mut probe, &mut plain, limits);
    let mut prio = Priorities::new(&mut rng, depth, baseline.len().max(1) as u64);
    let (steps, bound_hit) = walk(&ctx, &mut rng, &mut prio, limits);
    let path: Path = super::exhaustive::concrete(&ctx, &steps);
    let mut judge = Judge::new(m);
    let (init, facts) = SymState::init(&ctx);
    judge.init(&init.model, &facts);
    let mut index = 0;
    execute_with(p, &path, limits.max_faults, |s, rec| {
        judge.step(index, s, rec);
        index += 1;
    })
    .expect("a concretized path replays");
    Run {
        steps: path.len() as u64,
        hits: judge.hits(),
        path,
        bound_hit,
    }
}

/// `runs` PCT runs; run `i` is [`run_pct`] with `SimRng::derive(seed, i)`.
/// Counterexamples are picked and shrunk exactly as for random runs; PCT
/// never proves a property.
pub fn explore<P: Protocol, M: Monitor<P>>(
    p: &P,
    m: &M,
    seed: u64,
    (runs, depth): (u64, u32),
    limits: &Limits,
    schedule: &Schedule,
) -> Result<Outcome, ScheduleError> {
    explore_within(
        p,
        m,
        seed,
        (runs, depth),
        limits,
        schedule,
        &Budget::default(),
    )
}

/// [`explore`], stopping between runs once `budget`'s time is up.
pub fn explore_within<P: Protocol, M: Monitor<P>>(
    p: &P,
    m: &M,
    seed: u64,
    (runs, depth): (u64, u32),
    limits: &Limits,
    schedule: &Schedule,
    budget: &Budget,
) -> Result<Outcome, ScheduleError> {
    collect(p, m, (runs, budget), limits, schedule, |i| {
        Ok(run_pct(
            p,
            m,
            SimRng::derive(seed, i),
            depth,
            limits,
            schedule,
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::Priorities;
    use crate::engine::rng::SimRng;

    #[test]
    fn depth_d_draws_d_minus_one_distinct_change_points() {
        let mut rng = SimRng::new(5);
        let prio = Priorities::new(&mut rng, 4, 10);
        let mut points: Vec<u64> = prio.changes.iter().map(|&(at, _)| at).collect();
        points.sort_unstable();
        points.dedup();
        assert_eq!(points.len(), 3);
        assert!(points.iter().all(|&at| at < 10));
        let levels: Vec<usize> = prio.changes.iter().map(|&(_, l)| l).collect();
        assert_eq!(levels, [1, 2, 3]);
        assert!(
            Priorities::new(&mut rng, 5, 2).changes.len() == 2,
            "at most one per step"
        );
    }

    #[test]
    fn a_change_point_drops_the_running_thread_below_all_others() {
        let mut rng = SimRng::new(1);
        let mut prio = Priorities::new(&mut rng, 1, 0);
        prio.changes = vec![(0, 2), (1, 1)];
        for t in ["a", "b", "c"] {
            prio.rank(&mut rng, t);
        }
        let top = prio.ranked[0].clone();
        prio.after_step(0, &top);
        assert_eq!(prio.rank(&mut rng, &top), 2);
        prio.rank(&mut rng, "d");
        assert_eq!(
            prio.rank(&mut rng, &top),
            3,
            "new threads rank above demoted ones"
        );
        let next = prio.ranked[0].clone();
        prio.after_step(1, &next);
        assert_eq!(prio.rank(&mut rng, &next), 3, "level 1 is below level 2");
        assert_eq!(prio.rank(&mut rng, &top), 2);
    }
}
