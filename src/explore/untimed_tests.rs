//! Cross-checks of untimed exploration against an independent brute-force
//! enumeration of the untimed semantics on random toys: the same reachable
//! states (logs), the same shortest counterexample lengths, replayable
//! paths, identical results for every thread count, and bounds that end
//! in `unknown`.

use super::budget::Budget;
use super::testing::{random_toy, Ev, Out, Prop, Props, Toy};
use super::{untimed, BoundHit, Limits, Monitor, Order};
use crate::engine::{untimed::execute, Millis, Protocol, Urgency};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

/// A brute-force untimed state: log, messages in flight, timers
/// `(at, deadline-rank, timer, seq)`, marks, clock.
#[derive(Clone)]
struct Brute {
    log: Vec<Ev>,
    msgs: Vec<u8>,
    timers: Vec<(Millis, u8, u8, u32)>,
    marks: BTreeMap<u8, Millis>,
    now: Millis,
    seq: u32,
}

impl Brute {
    fn react(&mut self, outs: &[Out]) {
        for o in outs {
            match *o {
                Out::Cancel(t) => self.timers.retain(|x| x.2 != t),
                Out::Mark(k) => drop(self.marks.insert(k, self.now)),
                _ => {}
            }
        }
        for o in outs {
            if let Out::Send(m) = *o {
                self.msgs.push(m);
            }
        }
        for o in outs {
            let (t, at, u) = match *o {
                Out::After(t, d, u) => (t, self.now + d, u),
                Out::At(t, at, u) => (t, at.max(self.now), u),
                Out::FromMark(t, k, off) => {
                    let at = self.marks.get(&k).map_or(self.now, |m| {
                        (*m as i64 + off).max(self.now as i64) as Millis
                    });
                    (t, at, Urgency::Ordinary)
                }
                _ => continue,
            };
            self.seq += 1;
            let rank = if u == Urgency::Deadline { 0 } else { 1 };
            self.timers.push((at, rank, t, self.seq));
        }
    }

    /// The timer a tick fires: earliest, deadlines first (by timer), then
    /// arming order.
    fn next_timer(&self) -> Option<usize> {
        let key = |x: &(Millis, u8, u8, u32)| (x.0, x.1, if x.1 == 0 { x.2 } else { 0 }, x.3);
        (0..self.timers.len()).min_by_key(|&i| key(&self.timers[i]))
    }

    fn successors(&self, toy: &Toy) -> Vec<Brute> {
        let mut out = Vec::new();
        for i in 0..self.msgs.len() {
            let mut next = self.clone();
            let m = next.msgs.remove(i);
            next.happen(toy, Ev::M(m));
            out.push(next);
        }
        if let Some(i) = self
            .next_timer()
            .filter(|&i| self.timers[i].0 <= toy.horizon())
        {
            let mut next = self.clone();
            let (at, _, t, _) = next.timers.remove(i);
            next.now = at;
            next.happen(toy, Ev::T(t));
            out.push(next);
        }
        out
    }

    fn happen(&mut self, toy: &Toy, ev: Ev) {
        self.log.push(ev);
        let outs = toy.rules.get(&ev).cloned().unwrap_or_default();
        self.react(&outs);
    }
}

/// A brute-force state's identity: everything but arming numbers (kept
/// as ranks through the sort).
type Identity = (
    Vec<Ev>,
    Vec<u8>,
    Vec<(Millis, u8, u8)>,
    Vec<(u8, Millis)>,
    Millis,
);

impl Brute {
    fn identity(&self) -> Identity {
        let mut msgs = self.msgs.clone();
        msgs.sort_unstable();
        let mut timers = self.timers.clone();
        timers.sort_by_key(|x| (x.0, x.1, if x.1 == 0 { x.2 } else { 0 }, x.3));
        let timers = timers.iter().map(|x| (x.0, x.1, x.2)).collect();
        let marks = self.marks.iter().map(|(k, v)| (*k, *v)).collect();
        (self.log.clone(), msgs, timers, marks, self.now)
    }
}

/// Toys whose untimed space is larger are skipped (the brute force keeps
/// every state).
const BRUTE_MAX: usize = 20_000;

/// Every reachable log (init excluded) with its least depth; `None` when
/// the space has more than [`BRUTE_MAX`] states.
fn brute(toy: &Toy) -> Option<BTreeMap<Vec<Ev>, usize>> {
    let mut init = Brute {
        log: Vec::new(),
        msgs: Vec::new(),
        timers: Vec::new(),
        marks: BTreeMap::new(),
        now: 0,
        seq: 0,
    };
    init.react(&toy.init);
    let mut seen = BTreeMap::new();
    let mut visited = BTreeSet::from([init.identity()]);
    let mut level = vec![init];
    let mut depth = 0;
    while !level.is_empty() {
        depth += 1;
        let mut next = Vec::new();
        for s in &level {
            for t in s.successors(toy) {
                seen.entry(t.log.clone()).or_insert(depth);
                if visited.insert(t.identity()) {
                    next.push(t);
                }
            }
        }
        if visited.len() > BRUTE_MAX {
            return None;
        }
        level = next;
    }
    Some(seen)
}

/// Records the log of every state a search reaches.
#[derive(Default)]
struct Reached(Mutex<BTreeSet<Vec<Ev>>>);

impl Monitor<Toy> for Reached {
    fn count(&self) -> usize {
        0
    }
    fn observe(&self, state: &Vec<Ev>, _: &Ev, _: &mut Vec<usize>) {
        self.0.lock().expect("not poisoned").insert(state.clone());
    }
    fn at_end(&self, _: &Vec<Ev>, _: &mut Vec<usize>) {}
}

fn limits() -> Limits {
    Limits {
        max_states: 1_000_000,
        max_depth: 100,
        max_faults: 1,
    }
}

fn budget(threads: usize) -> Budget {
    Budget {
        threads,
        ..Budget::default()
    }
}

#[test]
fn untimed_search_reaches_exactly_the_brute_force_states() {
    let mut compared = 0;
    for seed in 0..150 {
        let toy = random_toy(seed);
        let Some(expected) = brute(&toy) else {
            continue;
        };
        compared += 1;
        let reached = Reached::default();
        let (out, _) = untimed::explore(&toy, &reached, Order::Bfs, &limits(), &budget(1));
        assert_eq!(out.bound_hit, None, "seed {seed}");
        let expected: BTreeSet<Vec<Ev>> = expected.into_keys().collect();
        assert_eq!(reached.0.into_inner().unwrap(), expected, "seed {seed}");
    }
    assert!(compared >= 100, "only {compared} toys were small enough");
}

#[test]
fn untimed_bfs_counterexamples_are_shortest_and_replay() {
    for seed in 0..150 {
        let toy = random_toy(seed);
        let Some(depths) = brute(&toy) else {
            continue;
        };
        for (target, _) in depths.iter().filter(|(log, _)| log.len() >= 2).take(3) {
            let prop = Prop::Seq(target.clone(), None);
            let props = Props(vec![prop]);
            let (out, _) = untimed::explore(&toy, &props, Order::Bfs, &limits(), &budget(1));
            let path = out.violations[0]
                .as_ref()
                .expect("a reachable log is found");
            let shortest = depths
                .iter()
                .filter(|(log, _)| is_hit(target, log))
                .map(|(_, d)| *d)
                .min()
                .expect("the target itself");
            assert_eq!(path.len(), shortest, "seed {seed} target {target:?}");
            let ex = execute(&toy, path, 1).expect("the counterexample replays");
            assert!(is_hit(target, &ex.state), "seed {seed}");
            let (dfs, _) = untimed::explore(&toy, &props, Order::Dfs, &limits(), &budget(1));
            let long = dfs.violations[0].as_ref().expect("DFS finds it too");
            assert!(long.len() >= shortest);
            execute(&toy, long, 1).expect("a DFS counterexample replays");
        }
    }
}

/// `Prop::Seq(seq, None)` is hit by the step that completes `seq` as a
/// subsequence; a log reaches a hit when it ends that way.
fn is_hit(seq: &[Ev], log: &[Ev]) -> bool {
    let (last, rest) = seq.split_last().expect("non-empty");
    if log.last() != Some(last) {
        return false;
    }
    let mut it = log[..log.len() - 1].iter();
    rest.iter().all(|e| it.any(|l| l == e))
}

#[test]
fn untimed_results_do_not_depend_on_the_thread_count() {
    for seed in 0..60 {
        let toy = random_toy(seed);
        if brute(&toy).is_none() {
            continue;
        }
        let props = Props(vec![
            Prop::Seq(vec![Ev::M(2), Ev::M(3)], None),
            Prop::After(Ev::T(11), Ev::M(4)),
        ]);
        let (one, _) = untimed::explore(&toy, &props, Order::Bfs, &limits(), &budget(1));
        for threads in [2, 4] {
            let (many, _) = untimed::explore(&toy, &props, Order::Bfs, &limits(), &budget(threads));
            assert_eq!(one.violations, many.violations, "seed {seed}");
            assert_eq!(
                (one.states, one.transitions),
                (many.states, many.transitions)
            );
        }
    }
}

#[test]
fn untimed_bounds_end_in_unknown_with_the_figures_reached() {
    let toy = random_toy(3);
    let props = Props(vec![]);
    let small = Limits {
        max_states: 3,
        ..limits()
    };
    let (out, _) = untimed::explore(&toy, &props, Order::Bfs, &small, &budget(1));
    assert_eq!(out.bound_hit, Some(BoundHit::MaxStates));
    assert_eq!(out.states, 3);
    let past = Budget {
        deadline: Some(std::time::Instant::now()),
        ..Budget::default()
    };
    let (out, _) = untimed::explore(&toy, &props, Order::Bfs, &limits(), &past);
    assert_eq!(out.bound_hit, Some(BoundHit::Time));
    let tiny = Budget {
        max_memory: Some(1),
        ..Budget::default()
    };
    let (out, _) = untimed::explore(&toy, &props, Order::Bfs, &limits(), &tiny);
    if crate::explore::budget::resident_bytes().is_some() {
        assert_eq!(out.bound_hit, Some(BoundHit::MaxMemory));
    }
}
