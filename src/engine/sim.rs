//! Concrete time: one execution with every event at a known millisecond. It
//! owns the concrete step (run a handler, place what it armed) shared by
//! the seeded simulator ([`Sim`], docs/semantics.md "Time and the orders explored") and by path replay
//! ([`super::path::execute`]). It does not decide which event goes next in
//! replay (the path does) and knows nothing about symbolic windows.

use super::pending::{concrete_order, Kind, Pending, Place};
use super::rng::SimRng;
use super::{Effects, Event, EventId, Fault, Millis, Protocol, StepRecord, When};
use std::collections::BTreeMap;

/// How a concrete step places the messages it sends.
pub enum Latency<'a> {
    /// Draw each copy's latency now (simulation): the event gets one time.
    Draw(&'a mut SimRng),
    /// Keep the whole window (replay): the path says when it arrives.
    Window,
}

/// A concrete execution in progress. Pending times are absolute
/// (`base == 0`); simulated messages have `lo == hi`.
#[derive(Clone, Debug)]
pub struct Concrete<P: Protocol> {
    /// The model.
    pub state: P::State,
    /// Pending events, absolute times.
    pub pending: Pending<P::Msg, P::Timer>,
    /// Named moments timers may be set from.
    pub marks: BTreeMap<P::Mark, Millis>,
    /// Time of the last step.
    pub now: Millis,
    /// Drops plus duplicates so far.
    pub faults: u32,
    /// The horizon step was taken.
    pub ended: bool,
}

impl<P: Protocol> Concrete<P> {
    /// The state after `init` at time 0; init's sends are never faulted
    /// (init is not a choice). Returns init's facts too.
    pub fn init(p: &P, lat: Latency<'_>) -> (Concrete<P>, Vec<P::Fact>) {
        let mut fx = Effects::default();
        let state = p.init(&mut fx);
        let mut c = Concrete {
            state,
            pending: Pending::default(),
            marks: BTreeMap::new(),
            now: 0,
            faults: 0,
            ended: false,
        };
        let facts = std::mem::take(&mut fx.facts);
        c.place(p, &fx, &[], lat);
        (c, facts)
    }

    /// Runs the handler of pending event `index` (or the horizon, `None`) at
    /// time `at`; the caller then decides faults and calls [`Self::commit`].
    pub fn begin(
        &mut self,
        p: &P,
        index: Option<usize>,
        at: Millis,
    ) -> (EventId, Event<P>, Effects<P>) {
        assert!(at >= self.now, "time went backwards");
        self.now = at;
        let mut fx = Effects::default();
        let Some(index) = index else {
            self.ended = true;
            self.pending.events.clear();
            return (EventId::HORIZON, Event::Horizon, fx);
        };
        let entry = self.pending.take(index);
        let event = match entry.kind {
            Kind::Msg(m) => {
                p.deliver(&mut self.state, &m, &mut fx);
                Event::Deliver(m)
            }
            Kind::Timer { timer, .. } => {
                p.fire(&mut self.state, &timer, &mut fx);
                Event::Fire(timer)
            }
        };
        (entry.id, event, fx)
    }

    /// Applies a step's effects with the given faults (one per send, or
    /// empty for all delivered) and returns its record.
    pub fn commit(
        &mut self,
        p: &P,
        (id, event, mut fx): (EventId, Event<P>, Effects<P>),
        faults: &[Fault],
        lat: Latency<'_>,
    ) -> StepRecord<P> {
        self.faults += faults.iter().filter(|f| **f != Fault::Deliver).count() as u32;
        self.place(p, &fx, faults, lat);
        let sent = fx
            .sends
            .drain(..)
            .enumerate()
            .map(|(i, m)| (m, faults.get(i).copied().unwrap_or(Fault::Deliver)))
            .collect();
        StepRecord {
            at: self.now,
            id,
            event,
            sent,
            facts: fx.facts,
        }
    }

    /// Cancels, marks, sends, timers, then unmarks (a timer may refer to a
    /// mark set by its own step).
    fn place(&mut self, p: &P, fx: &Effects<P>, faults: &[Fault], mut lat: Latency<'_>) {
        let now = self.now;
        for m in &fx.marks {
            self.marks.insert(m.clone(), now);
        }
        let marks = &self.marks;
        let msg_place = |m: &P::Msg| {
            let w = p.link(m).latency;
            let (lo, hi) = match &mut lat {
                Latency::Draw(rng) => {
                    let t = (now + rng.window(w)) as i64;
                    (t, t)
                }
                Latency::Window => ((now + w.min) as i64, (now + w.max) as i64),
            };
            Place {
                base: 0,
                lo,
                hi,
                absolute: false,
            }
        };
        let timer_place = |i: usize| {
            let (t, absolute) = resolve(&fx.timers[i].1, now, marks);
            Place {
                base: 0,
                lo: t as i64,
                hi: t as i64,
                absolute,
            }
        };
        self.pending
            .arm(fx, faults, msg_place, timer_place, |_| Vec::new());
        for m in &fx.unmarks {
            self.marks.remove(m);
        }
    }
}

/// A timer's concrete time and whether it keeps `When::At` arming order:
/// a moment already passed means "as soon as possible" (now). A timer set
/// from a mark that does not exist also fires as soon as possible.
pub fn resolve<K: Ord>(when: &When<K>, now: Millis, marks: &BTreeMap<K, Millis>) -> (Millis, bool) {
    let (anchor, absolute) = match when {
        When::After(d) => return (now + d, false),
        When::At(t) => (*t as i64, true),
        When::FromMark(k, off) => match marks.get(k) {
            Some(t) => (*t as i64 + off, false),
            None => return (now, false),
        },
    };
    if anchor >= now as i64 {
        (anchor as Millis, absolute)
    } else {
        (now, false)
    }
}

/// The seeded concrete simulator: latencies and faults drawn from one
/// [`SimRng`], events taken in (time, deadlines first, `Timer` order among
/// deadlines, creation) order, which every rule of docs/semantics.md allows.
pub struct Sim<'p, P: Protocol> {
    p: &'p P,
    /// The run so far.
    pub run: Concrete<P>,
    rng: SimRng,
    max_faults: u32,
}

impl<'p, P: Protocol> Sim<'p, P> {
    /// Starts a run; returns init's facts too.
    pub fn new(p: &'p P, seed: u64, max_faults: u32) -> (Sim<'p, P>, Vec<P::Fact>) {
        let mut rng = SimRng::new(seed);
        let (run, facts) = Concrete::init(p, Latency::Draw(&mut rng));
        (
            Sim {
                p,
                run,
                rng,
                max_faults,
            },
            facts,
        )
    }

    /// Continues a concrete run whose pending messages still have windows
    /// (a replayed prefix): each gets a time drawn in what is left of its
    /// window, then simulation goes on as usual.
    pub fn resume(p: &'p P, mut run: Concrete<P>, mut rng: SimRng, max_faults: u32) -> Sim<'p, P> {
        let now = run.now as i64;
        for e in &mut run.pending.events {
            if matches!(e.kind, Kind::Msg(_)) {
                let lo = e.lo.max(now);
                assert!(lo <= e.hi, "a pending message's window already passed");
                let t = lo
                    + rng.window(super::Window {
                        min: 0,
                        max: (e.hi - lo) as Millis,
                    }) as i64;
                (e.lo, e.hi) = (t, t);
            }
        }
        Sim {
            p,
            run,
            rng,
            max_faults,
        }
    }

    /// The next step, or `None` once the horizon step was taken.
    pub fn step(&mut self) -> Option<StepRecord<P>> {
        if self.run.ended {
            return None;
        }
        let h = self.p.horizon();
        let next = (0..self.run.pending.events.len())
            .min_by(|&a, &b| {
                concrete_order(&self.run.pending.events[a], &self.run.pending.events[b])
            })
            .filter(|&i| self.run.pending.events[i].lo <= h as i64);
        let at = next.map_or(h, |i| self.run.pending.events[i].lo as Millis);
        let begun = self.run.begin(self.p, next, at);
        let faults = self.draw_faults(&begun.2);
        Some(
            self.run
                .commit(self.p, begun, &faults, Latency::Draw(&mut self.rng)),
        )
    }

    /// Per send, in order: a drop with the link's odds, else a duplicate,
    /// while the fault budget lasts. Empty when every message is delivered.
    fn draw_faults(&mut self, fx: &Effects<P>) -> Vec<Fault> {
        let mut used = self.run.faults;
        let mut faults = Vec::new();
        for (i, m) in fx.sends.iter().enumerate() {
            let link = self.p.link(m);
            let mut f = Fault::Deliver;
            if used < self.max_faults && self.rng.chance(link.drop) {
                f = Fault::Drop;
            } else if used < self.max_faults && self.rng.chance(link.duplicate) {
                f = Fault::Duplicate;
            }
            if f != Fault::Deliver {
                used += 1;
                faults.resize(i, Fault::Deliver);
                faults.push(f);
            }
        }
        if !faults.is_empty() {
            faults.resize(fx.sends.len(), Fault::Deliver);
        }
        faults
    }
}
