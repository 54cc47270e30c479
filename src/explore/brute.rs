//! A brute-force reference for the window semantics, written independently
//! of the engine: every latency value of every message, then at each instant
//! every tie order the rules allow. Tests compare it with the symbolic
//! explorer (exactness) and the simulator (soundness). Only for tiny toys.

use super::testing::{Ev, Out, Toy};
use crate::engine::{Millis, Protocol, Urgency};
use std::collections::BTreeMap;

/// A pending event of the brute-force reference: concrete time, urgency
/// (`None` for messages), whether armed by `At`, and arming order.
#[derive(Clone, Debug)]
struct Brute {
    at: Millis,
    ev: Ev,
    urgency: Option<Urgency>,
    absolute: bool,
    seq: u32,
}

/// A brute-force state between steps.
#[derive(Clone)]
struct World {
    log: Vec<Ev>,
    pending: Vec<Brute>,
    marks: BTreeMap<u8, Millis>,
    seq: u32,
}

type Logs = std::collections::BTreeSet<Vec<Ev>>;

/// Every final log of `toy` (the state when the horizon step is taken).
pub fn brute_logs(toy: &Toy) -> Logs {
    let mut out = Logs::new();
    let w = World {
        log: Vec::new(),
        pending: Vec::new(),
        marks: BTreeMap::new(),
        seq: 0,
    };
    react_all(toy, &toy.init, 0, w, &mut out);
    out
}

/// A step's reactions in the engine's order: cancels, marks, sends (each
/// latency value a branch), timers, then on to the next step.
fn react_all(toy: &Toy, outs: &[Out], now: Millis, mut w: World, out: &mut Logs) {
    for o in outs {
        match *o {
            Out::Cancel(t) => w.pending.retain(|b| b.ev != Ev::T(t)),
            Out::Mark(k) => drop(w.marks.insert(k, now)),
            _ => {}
        }
    }
    let sends: Vec<u8> = outs
        .iter()
        .filter_map(|o| if let Out::Send(m) = o { Some(*m) } else { None })
        .collect();
    send_all(toy, outs, &sends, now, w, out);
}

fn send_all(toy: &Toy, outs: &[Out], sends: &[u8], now: Millis, mut w: World, out: &mut Logs) {
    if let Some((m, rest)) = sends.split_first() {
        let win = toy.link(m).latency;
        for d in win.min..=win.max {
            let mut w = w.clone();
            w.seq += 1;
            w.pending.push(Brute {
                at: now + d,
                ev: Ev::M(*m),
                urgency: None,
                absolute: false,
                seq: w.seq,
            });
            send_all(toy, outs, rest, now, w, out);
        }
        return;
    }
    for o in outs {
        let (t, at, u, absolute) = match *o {
            Out::After(t, d, u) => (t, now + d, u, false),
            Out::At(t, at, u) => (t, at.max(now), u, at >= now),
            Out::FromMark(t, k, off) => {
                let at = w
                    .marks
                    .get(&k)
                    .map_or(now as i64, |m| *m as i64 + off)
                    .max(now as i64);
                (t, at as Millis, Urgency::Ordinary, false)
            }
            _ => continue,
        };
        w.seq += 1;
        w.pending.push(Brute {
            at,
            ev: Ev::T(t),
            urgency: Some(u),
            absolute,
            seq: w.seq,
        });
    }
    brute(toy, w, out);
}

/// Takes every allowed next event at the earliest pending instant.
fn brute(toy: &Toy, w: World, out: &mut Logs) {
    let Some(t) = w
        .pending
        .iter()
        .map(|b| b.at)
        .min()
        .filter(|t| *t <= toy.horizon)
    else {
        out.insert(w.log);
        return;
    };
    let due: Vec<usize> = (0..w.pending.len())
        .filter(|&i| w.pending[i].at == t)
        .collect();
    let deadline = due
        .iter()
        .copied()
        .filter(|&i| w.pending[i].urgency == Some(Urgency::Deadline))
        .min_by_key(|&i| (w.pending[i].ev, w.pending[i].seq));
    let at_ordinary = |o: &Brute| o.absolute && o.urgency == Some(Urgency::Ordinary);
    let allowed: Vec<usize> = match deadline {
        Some(d) => vec![d],
        None => due
            .iter()
            .copied()
            .filter(|&i| {
                let b = &w.pending[i];
                !(at_ordinary(b)
                    && due
                        .iter()
                        .any(|&j| at_ordinary(&w.pending[j]) && w.pending[j].seq < b.seq))
            })
            .collect(),
    };
    for i in allowed {
        let mut next = w.clone();
        let b = next.pending.remove(i);
        next.log.push(b.ev);
        let outs = toy.rules.get(&b.ev).cloned().unwrap_or_default();
        react_all(toy, &outs, t, next, out);
    }
}

#[cfg(test)]
mod tests {
    use super::brute_logs;
    use crate::engine::path::execute;
    use crate::engine::Urgency;
    use crate::explore::testing::{random_toy, Ev, Logs, Out, Prop, Props, Toy};
    use crate::explore::{exhaustive, random, Limits, Order};
    use Ev::{M, T};

    fn limits() -> Limits {
        Limits {
            max_states: 100_000,
            max_depth: 100,
            max_faults: 1,
        }
    }

    fn two_messages(a: (u64, u64), b: (u64, u64)) -> Toy {
        Toy::new(1_000)
            .msg(1, a.0, a.1)
            .msg(2, b.0, b.1)
            .on_init(vec![Out::Send(1), Out::Send(2)])
    }

    /// Pairwise order properties on a random toy: every counterexample the
    /// explorer returns (concretized, so self-checked by `execute`) really
    /// ends with the pair in that order.
    fn check_counterexamples(toy: &Toy, limits: &Limits) {
        let evs: Vec<Ev> = (1..=5).map(M).chain((10..=13).map(T)).collect();
        let pairs: Vec<(Ev, Ev)> = evs
            .iter()
            .flat_map(|a| evs.iter().map(move |b| (*a, *b)))
            .collect();
        let props = Props(pairs.iter().map(|(a, b)| Prop::After(*a, *b)).collect());
        let out = exhaustive::explore(toy, &props, Order::Bfs, limits, &[]).unwrap();
        let ends_with_pair = |path: &[crate::engine::Choice], (a, b): &(Ev, Ev)| {
            let log = execute(toy, path, limits.max_faults).unwrap().state;
            log.last() == Some(b) && log[..log.len() - 1].contains(a)
        };
        for (path, pair) in out.violations.iter().zip(&pairs) {
            if let Some(path) = path {
                assert!(ends_with_pair(path, pair));
            }
        }
        // Random search, shrunk: as short as the BFS counterexample.
        let shrunk = random::explore(toy, &props, 3, 4, limits, &[]).unwrap();
        for ((path, bfs), pair) in shrunk.violations.iter().zip(&out.violations).zip(&pairs) {
            if let Some(path) = path {
                assert!(ends_with_pair(path, pair));
                assert_eq!(path.len(), bfs.as_ref().expect("BFS finds it too").len());
            }
        }
    }

    fn assert_exact(toy: &Toy) {
        let logs = Logs::default();
        let out = exhaustive::explore(toy, &logs, Order::Bfs, &limits(), &[]).unwrap();
        assert_eq!(out.bound_hit, None);
        let want = brute_logs(toy);
        assert!(want.len() > 1, "a test with one order proves little");
        assert_eq!(logs.0.into_inner(), want);
    }

    /// The symbolic explorer reaches exactly the final logs that some choice
    /// of latencies and tie orders gives (brute force over every latency).
    #[test]
    fn symbolic_orders_equal_brute_force_over_latencies() {
        use Urgency::{Deadline, Ordinary};
        assert_exact(
            &two_messages((0, 3), (1, 4))
                .msg(11, 0, 2)
                .on(M(1), vec![Out::Send(11)]),
        );
        let chain = Toy::new(100)
            .msg(1, 0, 6)
            .msg(2, 0, 6)
            .msg(3, 3, 3)
            .msg(4, 4, 4)
            .msg(5, 0, 2)
            .on_init(vec![Out::Send(1), Out::Send(2)])
            .on(M(1), vec![Out::Send(3), Out::Send(4)])
            .on(M(2), vec![Out::Send(5)]);
        assert_exact(&chain);
        let timers = Toy::new(9)
            .msg(1, 2, 5)
            .msg(2, 3, 12)
            .msg(3, 0, 3)
            .on_init(vec![
                Out::Send(1),
                Out::Send(2),
                Out::At(7, 4, Deadline),
                Out::At(8, 4, Ordinary),
                Out::At(6, 4, Ordinary),
            ])
            .on(M(1), vec![Out::Send(3), Out::After(9, 2, Deadline)])
            .on(T(8), vec![Out::Cancel(9)]);
        assert_exact(&timers);
    }

    /// Random small toys (marks, anchored timers, cancels, deadlines): the
    /// symbolic explorer and the brute force agree on every final log.
    #[test]
    fn symbolic_orders_equal_brute_force_on_random_toys() {
        let mut compared = 0;
        for seed in 0..500 {
            let toy = random_toy(seed);
            let logs = Logs::default();
            let small = Limits {
                max_states: 20_000,
                ..limits()
            };
            let out = exhaustive::explore(&toy, &logs, Order::Bfs, &small, &[]).unwrap();
            if out.bound_hit.is_some() {
                continue; // too big for the brute force as well
            }
            let want = brute_logs(&toy);
            compared += usize::from(want.len() > 1);
            for run_seed in 0..3 {
                let run = random::run_once(&toy, &Props(vec![]), run_seed, &limits(), &[]).unwrap();
                let ex = execute(&toy, &run.path, 1).expect("a simulated run replays");
                assert!(
                    want.contains(&ex.state),
                    "seed {seed}: simulated log {:?} is impossible",
                    ex.state
                );
            }
            assert_eq!(logs.0.into_inner(), want, "seed {seed}: {toy:?}");
            check_counterexamples(&toy, &small);
            let dfs = Logs::default();
            exhaustive::explore(&toy, &dfs, Order::Dfs, &small, &[]).unwrap();
            assert_eq!(dfs.0.into_inner(), want, "seed {seed}: depth-first");
        }
        assert!(
            compared > 200,
            "only {compared} toys had more than one order"
        );
    }
}
