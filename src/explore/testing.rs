//! A tiny data-driven protocol for engine and explorer tests: numbered
//! messages and timers, each with a table of reactions. The state is the
//! log of what happened, so different orders are different states.

use super::{exhaustive, Limits, Monitor, Order, Outcome};
use crate::engine::path::execute;
use crate::engine::rng::SimRng;
use crate::engine::Pin;
use crate::engine::{Effects, Link, Millis, Protocol, Urgency, When, Window};
use std::collections::BTreeMap;

/// Something that happened: a message (id) delivered or a timer fired.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ev {
    M(u8),
    T(u8),
}

/// A reaction to an event.
#[derive(Clone, Debug)]
pub enum Out {
    Send(u8),
    After(u8, Millis, Urgency),
    At(u8, Millis, Urgency),
    Mark(u8),
    FromMark(u8, u8, i64),
    Cancel(u8),
}

/// The protocol: `init` reactions, per-event reactions, links per message.
#[derive(Clone, Debug, Default)]
pub struct Toy {
    pub horizon: Millis,
    pub init: Vec<Out>,
    pub rules: BTreeMap<Ev, Vec<Out>>,
    pub links: BTreeMap<u8, Link>,
    pub ends: BTreeMap<u8, (&'static str, &'static str)>,
}

/// A link with a latency window and no faults.
pub fn link(min: Millis, max: Millis) -> Link {
    Link {
        latency: Window { min, max },
        drop: 0.0,
        duplicate: 0.0,
    }
}

impl Toy {
    pub fn new(horizon: Millis) -> Toy {
        Toy {
            horizon,
            ..Toy::default()
        }
    }
    /// Message `m` travels with latency `[min, max]`.
    pub fn msg(mut self, m: u8, min: Millis, max: Millis) -> Toy {
        self.links.insert(m, link(min, max));
        self
    }
    pub fn on_init(mut self, outs: Vec<Out>) -> Toy {
        self.init = outs;
        self
    }
    pub fn on(mut self, ev: Ev, outs: Vec<Out>) -> Toy {
        self.rules.insert(ev, outs);
        self
    }

    fn react(&self, outs: &[Out], fx: &mut Effects<Toy>) {
        for o in outs {
            match *o {
                Out::Send(m) => fx.send(m),
                Out::After(t, d, u) => fx.timer(t, When::After(d), u),
                Out::At(t, at, u) => fx.timer(t, When::At(at), u),
                Out::Mark(k) => fx.mark(k),
                Out::FromMark(t, k, off) => fx.timer(t, When::FromMark(k, off), Urgency::Ordinary),
                Out::Cancel(t) => fx.cancel(t),
            }
        }
    }

    fn happen(&self, state: &mut Vec<Ev>, ev: Ev, fx: &mut Effects<Toy>) {
        state.push(ev);
        fx.fact(ev);
        if let Some(outs) = self.rules.get(&ev) {
            self.react(outs, fx);
        }
    }
}

impl Protocol for Toy {
    type State = Vec<Ev>;
    type Msg = u8;
    type Timer = u8;
    type Mark = u8;
    type Fact = Ev;

    fn init(&self, out: &mut Effects<Self>) -> Vec<Ev> {
        self.react(&self.init, out);
        Vec::new()
    }
    fn deliver(&self, state: &mut Vec<Ev>, msg: &u8, out: &mut Effects<Self>) {
        self.happen(state, Ev::M(*msg), out);
    }
    fn fire(&self, state: &mut Vec<Ev>, timer: &u8, out: &mut Effects<Self>) {
        self.happen(state, Ev::T(*timer), out);
    }
    fn link(&self, msg: &u8) -> Link {
        self.links.get(msg).copied().unwrap_or(link(0, 0))
    }
    fn endpoints(&self, msg: &u8) -> (String, String) {
        let (a, b) = self.ends.get(msg).copied().unwrap_or(("x", "y"));
        (a.to_string(), b.to_string())
    }
    fn horizon(&self) -> Millis {
        self.horizon
    }
}

/// Properties: `After(a, b)` is hit when `b` happens after `a` did;
/// `Missing(e)` is hit at the end when `e` never happened.
#[derive(Clone, Debug)]
pub enum Prop {
    After(Ev, Ev),
    Missing(Ev),
    /// Hit when the events happened in this order (others may come
    /// between) and, if given, the second event has not happened yet.
    Seq(Vec<Ev>, Option<Ev>),
}

/// Whether `seq` is a subsequence of `log`.
fn subsequence(seq: &[Ev], log: &[Ev]) -> bool {
    let mut it = log.iter();
    seq.iter().all(|e| it.any(|l| l == e))
}

/// A monitor over [`Prop`]s.
pub struct Props(pub Vec<Prop>);

impl Monitor<Toy> for Props {
    fn count(&self) -> usize {
        self.0.len()
    }
    fn observe(&self, state: &Vec<Ev>, fact: &Ev, hits: &mut Vec<usize>) {
        for (q, p) in self.0.iter().enumerate() {
            let earlier = &state[..state.len() - 1];
            let hit = match p {
                Prop::After(a, b) => b == fact && earlier.contains(a),
                Prop::Missing(_) => false,
                Prop::Seq(seq, not_yet) => {
                    seq.last() == Some(fact)
                        && subsequence(&seq[..seq.len() - 1], earlier)
                        && not_yet.map_or(true, |n| !earlier.contains(&n))
                }
            };
            if hit {
                hits.push(q);
            }
        }
    }
    fn at_end(&self, state: &Vec<Ev>, hits: &mut Vec<usize>) {
        for (q, p) in self.0.iter().enumerate() {
            if let Prop::Missing(e) = p {
                if !state.contains(e) {
                    hits.push(q);
                }
            }
        }
    }
}

/// A random small toy for cross-checks: messages `1..=5` only send higher
/// numbers and timers `10..=13` only arm higher ones, so runs are finite.
pub fn random_toy(seed: u64) -> Toy {
    let mut rng = SimRng::new(seed);
    let mut toy = Toy::new(4 + rng.below(10) as Millis);
    for m in 1..=5u8 {
        let min = rng.below(4) as Millis;
        toy = toy.msg(m, min, min + rng.below(3) as Millis);
    }
    let urgency = |rng: &mut SimRng| {
        if rng.chance(0.5) {
            Urgency::Deadline
        } else {
            Urgency::Ordinary
        }
    };
    let outs = |rng: &mut SimRng, above_m: u8, above_t: u8, n: usize| {
        let mut v = Vec::new();
        for _ in 0..n {
            let (m, t) = (
                above_m + 1 + rng.below(2) as u8,
                above_t + 1 + rng.below(2) as u8,
            );
            let o = match rng.below(7) {
                0 | 1 if m <= 5 => Out::Send(m),
                2 if t <= 13 => Out::After(t, rng.below(4) as Millis, urgency(rng)),
                3 if t <= 13 => Out::At(t, rng.below(8) as Millis, urgency(rng)),
                4 => Out::Mark(rng.below(2) as u8),
                5 if t <= 13 => Out::FromMark(t, rng.below(2) as u8, rng.below(7) as i64 - 3),
                6 => Out::Cancel(10 + rng.below(4) as u8),
                _ => continue,
            };
            v.push(o);
        }
        v
    };
    let n = 2 + rng.below(4);
    toy.init = outs(&mut rng, 0, 9, n);
    for m in 1..=5u8 {
        let n = rng.below(3);
        let o = outs(&mut rng, m, 9 + m.min(4), n);
        toy.rules.insert(Ev::M(m), o);
    }
    for t in 10..=13u8 {
        let n = rng.below(2);
        let o = outs(&mut rng, 2, t, n);
        toy.rules.insert(Ev::T(t), o);
    }
    toy
}

/// Collects every final log the explorer reaches (a monitor with no
/// properties).
#[derive(Default)]
pub struct Logs(pub std::cell::RefCell<std::collections::BTreeSet<Vec<Ev>>>);

impl Monitor<Toy> for Logs {
    fn count(&self) -> usize {
        0
    }
    fn observe(&self, _: &Vec<Ev>, _: &Ev, _: &mut Vec<usize>) {}
    fn at_end(&self, state: &Vec<Ev>, _: &mut Vec<usize>) {
        self.0.borrow_mut().insert(state.clone());
    }
}

pub fn limits() -> Limits {
    Limits {
        max_states: 100_000,
        max_depth: 100,
        max_faults: 1,
    }
}

/// Exhaustive BFS, checking every counterexample replays concretely.
pub fn bfs_with(toy: &Toy, props: Vec<Prop>, limits: &Limits, pins: &[Pin]) -> Outcome {
    let out =
        exhaustive::explore(toy, &Props(props), Order::Bfs, limits, pins).expect("schedule ok");
    for path in out.violations.iter().flatten() {
        execute(toy, path, limits.max_faults).expect("counterexample replays");
    }
    out
}

pub fn bfs(toy: &Toy, props: Vec<Prop>) -> Outcome {
    bfs_with(toy, props, &limits(), &[])
}

pub fn found(out: &Outcome) -> Vec<bool> {
    out.violations.iter().map(Option::is_some).collect()
}

pub fn two_messages(a: (u64, u64), b: (u64, u64)) -> Toy {
    Toy::new(1_000)
        .msg(1, a.0, a.1)
        .msg(2, b.0, b.1)
        .on_init(vec![Out::Send(1), Out::Send(2)])
}

pub fn faulty(drop: f64, duplicate: f64) -> Toy {
    let mut toy = Toy::new(100)
        .on_init(vec![Out::At(0, 0, Urgency::Ordinary)])
        .on(Ev::T(0), vec![Out::Send(1)]);
    toy.links.insert(
        1,
        crate::engine::Link {
            drop,
            duplicate,
            ..link(1, 5)
        },
    );
    toy
}

pub fn pinned_pair(a: (u64, u64), b: (u64, u64)) -> Toy {
    let mut toy = two_messages(a, b);
    toy.ends.insert(1, ("tab1.req1", "srv"));
    toy.ends.insert(2, ("tab2.req1", "srv"));
    toy
}

pub fn pin(from: &str, to: &str) -> Pin {
    Pin {
        from: from.into(),
        to: to.into(),
        nth: None,
    }
}
