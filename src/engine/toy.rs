//! A tiny data-driven protocol for engine and explorer tests: numbered
//! messages and timers, each with a table of reactions. The state is the
//! log of what happened, so different orders are different states.

use super::{Effects, Link, Millis, Protocol, Urgency, When, Window};
use crate::explore::Monitor;
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

/// Every final log of `toy` by brute force, written independently of the
/// engine: every latency value of every message, then at each instant
/// every tie order the rules allow. Only for tiny windows; no marks.
pub fn brute_logs(toy: &Toy) -> std::collections::BTreeSet<Vec<Ev>> {
    let mut out = std::collections::BTreeSet::new();
    arm(toy, &toy.init, 0, Vec::new(), &mut |pending| {
        brute(toy, Vec::new(), pending, 0, &mut out)
    });
    out
}

/// Arms reactions, branching over each send's latency; calls `k` per case.
fn arm(toy: &Toy, outs: &[Out], now: Millis, pending: Vec<Brute>, k: &mut dyn FnMut(Vec<Brute>)) {
    let Some((first, rest)) = outs.split_first() else {
        return k(pending);
    };
    let mut with = |mut pending: Vec<Brute>, b: Brute| {
        pending.push(b);
        arm(toy, rest, now, pending, k)
    };
    let s = 0;
    match *first {
        Out::Send(m) => {
            let w = toy.link(&m).latency;
            for d in w.min..=w.max {
                with(
                    pending.clone(),
                    Brute {
                        at: now + d,
                        ev: Ev::M(m),
                        urgency: None,
                        absolute: false,
                        seq: s,
                    },
                );
            }
        }
        Out::After(t, d, u) => with(
            pending,
            Brute {
                at: now + d,
                ev: Ev::T(t),
                urgency: Some(u),
                absolute: false,
                seq: s,
            },
        ),
        Out::At(t, at, u) => with(
            pending,
            Brute {
                at: at.max(now),
                ev: Ev::T(t),
                urgency: Some(u),
                absolute: at >= now,
                seq: s,
            },
        ),
        Out::Cancel(t) => {
            let kept = pending.into_iter().filter(|b| b.ev != Ev::T(t)).collect();
            arm(toy, rest, now, kept, k)
        }
        Out::Mark(_) | Out::FromMark(..) => panic!("brute force has no marks"),
    }
}

fn brute(
    toy: &Toy,
    log: Vec<Ev>,
    mut pending: Vec<Brute>,
    _now: Millis,
    out: &mut std::collections::BTreeSet<Vec<Ev>>,
) {
    for (i, b) in pending.iter_mut().enumerate() {
        if b.seq == 0 {
            // Armed by the step that made the log this long, in order.
            b.seq = log.len() as u32 * 1000 + i as u32 + 1;
        }
    }
    let t = pending.iter().map(|b| b.at).min();
    let Some(t) = t.filter(|t| *t <= toy.horizon) else {
        out.insert(log);
        return;
    };
    let due: Vec<usize> = (0..pending.len()).filter(|&i| pending[i].at == t).collect();
    let deadline = due
        .iter()
        .copied()
        .filter(|&i| pending[i].urgency == Some(Urgency::Deadline))
        .min_by_key(|&i| (pending[i].ev, pending[i].seq));
    let allowed: Vec<usize> = match deadline {
        Some(d) => vec![d],
        None => due
            .iter()
            .copied()
            .filter(|&i| {
                let b = &pending[i];
                let at_ordinary = |o: &Brute| o.absolute && o.urgency == Some(Urgency::Ordinary);
                !(at_ordinary(b)
                    && due
                        .iter()
                        .any(|&j| at_ordinary(&pending[j]) && pending[j].seq < b.seq))
            })
            .collect(),
    };
    for i in allowed {
        let mut rest = pending.clone();
        let b = rest.remove(i);
        let mut log = log.clone();
        log.push(b.ev);
        let outs = toy.rules.get(&b.ev).cloned().unwrap_or_default();
        arm(toy, &outs, t, rest, &mut |p| {
            brute(toy, log.clone(), p, t, out)
        });
    }
}
