//! Symbolic time (docs/semantics.md "Time and the orders explored"): a state holds the model, the pending
//! events with windows relative to zone variables, and the [`Zone`] of every
//! choice of latencies that is still possible. It owns which events are
//! enabled (exactly: some latencies allow them), successor generation
//! (faults, and both cases of a timer anchored at a moment that may or may
//! not have passed), and the canonical dedup key. It does not search (that
//! is `explore`) and never picks concrete times (that is [`super::path`]).
//!
//! Variables: the origin (time 0), `now` (the last step's time) and one per
//! earlier step still referenced by a pending event or a mark; the others
//! are projected away after every step.

mod successors;

use super::pending::{blocked_by_arming_order, overtake_bound, Gate, Kind, Pending, PinState};
use super::zone::{Zone, ORIGIN};
use super::{Effects, Event, EventId, Fault, Pin, Protocol, When};

/// What a search needs besides the state: the protocol, schedule and
/// fault bound.
pub struct Ctx<'a, P: Protocol> {
    /// The protocol explored.
    pub p: &'a P,
    /// Schedule pins every explored execution follows.
    pub pins: &'a [Pin],
    /// Drops plus duplicates allowed per path.
    pub max_faults: u32,
    /// Active events only: drop pending events that surely go after the
    /// horizon (and then the zone variables only they used). They can
    /// never go and never constrain another event, so this changes no
    /// verdict; off (`--no-active-clocks`) to cross-check it.
    pub active_only: bool,
}

/// A symbolic state. `var_step[v]` is the index of the step whose time
/// variable `v` is (0 = init); it only serves to turn paths into times.
#[derive(Clone, Debug)]
pub struct SymState<P: Protocol> {
    /// The model.
    pub model: P::State,
    /// Pending events; `base` is a zone variable.
    pub pending: Pending<P::Msg, P::Timer>,
    pub(crate) zone: Zone,
    pub(crate) now: u32,
    pub(crate) marks: Vec<(P::Mark, u32)>,
    pub(crate) var_step: Vec<u32>,
    /// Steps taken since init.
    pub depth: u32,
    /// Drops plus duplicates so far.
    pub faults: u32,
    /// Schedule progress.
    pub pins: PinState,
    /// The horizon step was taken.
    pub ended: bool,
}

/// One symbolic step: the event (or horizon), the faults of its sends (empty
/// = all delivered), and per timer it armed, bit `i` set when timer `i`'s
/// anchor had already passed (it fires at once).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SymStep {
    /// The event taken, or `EventId::HORIZON`.
    pub event: EventId,
    /// One per message sent, or empty when all were delivered.
    pub faults: Vec<Fault>,
    /// Timer cases: bit `i` set when timer `i` fired at once.
    pub branches: u64,
}

/// A successor with the facts its step produced.
pub struct Succ<P: Protocol> {
    /// How it was reached.
    pub step: SymStep,
    /// The state after the step.
    pub state: SymState<P>,
    /// The facts the step produced.
    pub facts: Vec<P::Fact>,
}

/// Difference constraints `T_i - T_j <= c` over step indexes, collected
/// while replaying a path (see [`super::path::concretize`]).
pub type Record = Vec<(u32, u32, i64)>;

/// A step found enabled: the zone with its new time variable `var`.
struct Enabled {
    zone: Zone,
    var: u32,
    gate: Gate,
}

/// Adds one constraint to the zone and, when replaying, to the record.
fn add(zone: &mut Zone, rec: &mut Option<(&mut Record, &[u32])>, i: u32, j: u32, c: i64) -> bool {
    if let Some((r, steps)) = rec {
        r.push((steps[i as usize], steps[j as usize], c));
    }
    zone.constrain(i, j, c)
}

impl<P: Protocol> SymState<P> {
    /// The state after `init`, at time 0 (init's sends are never faulted).
    pub fn init(ctx: &Ctx<'_, P>) -> (SymState<P>, Vec<P::Fact>) {
        let mut fx = Effects::default();
        let model = ctx.p.init(&mut fx);
        let mut zone = Zone::new();
        let now = zone.add_var();
        assert!(zone.constrain(now, ORIGIN, 0) && zone.constrain(ORIGIN, now, 0));
        let s = SymState {
            model,
            pending: Pending::default(),
            zone: Zone::new(),
            now: ORIGIN,
            marks: Vec::new(),
            var_step: vec![0],
            depth: 0,
            faults: 0,
            pins: PinState::new(ctx.pins),
            ended: false,
        };
        let en = Enabled {
            zone,
            var: now,
            gate: Gate::Free,
        };
        let facts = std::mem::take(&mut fx.facts);
        let bits = s.forced_bits(&en, &fx);
        let out = s.build(ctx, en, &fx, &[], bits, 0, &mut None);
        (out.expect("init is consistent"), facts)
    }

    /// This state with its zone replaced by `dbm`, a zone in the split form
    /// of [`Self::hull_key`] (`order`: the pending index of each row)
    /// that includes this state's own: every event gets its own variable,
    /// marks theirs after them, `now` is variable 1. Used by the hull
    /// pre-pass, which explores over-approximations.
    pub fn with_hull(&self, order: &[usize], dbm: Vec<i64>) -> SymState<P> {
        let rows = order.len();
        let k = 2 + rows + self.marks.len();
        let mut next = SymState {
            model: self.model.clone(),
            pending: self.pending.clone(),
            zone: Zone::new(),
            now: 1,
            marks: self.marks.clone(),
            var_step: Vec::new(),
            depth: self.depth,
            faults: self.faults,
            pins: self.pins.clone(),
            ended: self.ended,
        };
        let mut var_step = Vec::with_capacity(k);
        var_step.push(self.var_step[ORIGIN as usize]);
        var_step.push(self.var_step[self.now as usize]);
        for (row, &i) in order.iter().enumerate() {
            var_step.push(self.var_step[self.pending.events[i].base as usize]);
            next.pending.events[i].base = 2 + row as u32;
        }
        for (j, (_, v)) in next.marks.iter_mut().enumerate() {
            var_step.push(self.var_step[*v as usize]);
            *v = (2 + rows + j) as u32;
        }
        next.var_step = var_step;
        next.now = 1;
        next.zone = Zone::from_matrix(k, dbm);
        next
    }

    /// Zone variable of a mark, if set.
    fn mark_var(marks: &[(P::Mark, u32)], k: &P::Mark) -> Option<u32> {
        marks
            .binary_search_by(|(m, _)| m.cmp(k))
            .ok()
            .map(|i| marks[i].1)
    }

    /// Checks whether pending event `index` (or the horizon) may go next and
    /// returns the zone constrained to its new time.
    fn enable(
        &self,
        ctx: &Ctx<'_, P>,
        index: Option<usize>,
        rec: &mut Option<(&mut Record, &[u32])>,
    ) -> Option<Enabled> {
        let events = &self.pending.events;
        let mut gate = Gate::Free;
        if let Some(i) = index {
            let e = &events[i];
            if events.iter().any(|o| blocked_by_arming_order(e, o)) {
                return None;
            }
            if matches!(e.kind, Kind::Msg(_)) && !self.pins.done(ctx.pins) {
                gate = self.pins.gate(events, i);
                if gate == Gate::Blocked {
                    return None;
                }
            }
        }
        let h = ctx.p.horizon() as i64;
        if !self.pairwise_possible(index, h) {
            return None;
        }
        let v = self.zone.len() as u32;
        let (upper, lower) = self.step_bounds(index, h);
        if let Some((r, steps)) = rec {
            let (sv, step) = (steps[v as usize], |j: u32| steps[j as usize]);
            r.extend(upper.iter().map(|&(j, c)| (sv, step(j), c)));
            r.extend(lower.iter().map(|&(j, c)| (step(j), sv, c)));
        }
        let mut zone = self.zone.with_new_var(&upper, &lower)?;
        if index.is_none() {
            // The horizon: everything still pending can be later than `H`.
            let events = &self.pending.events;
            if !events
                .iter()
                .all(|o| add(&mut zone, rec, ORIGIN, o.base, o.hi - h - 1))
            {
                return None;
            }
        }
        Some(Enabled { zone, var: v, gate })
    }

    /// The constraints on the time of the step taking event `index` (or
    /// the horizon): `(a, c)` in the first list is `T - x_a <= c`, in the
    /// second `x_a - T <= c`. Not before `now`, not after `H`; the event's
    /// window; nothing else overtaken past its latest time. The horizon
    /// goes at `H`.
    #[allow(clippy::type_complexity)]
    fn step_bounds(&self, index: Option<usize>, h: i64) -> (Vec<(u32, i64)>, Vec<(u32, i64)>) {
        let events = &self.pending.events;
        let mut upper = Vec::with_capacity(events.len() + 2);
        let mut lower = Vec::with_capacity(3);
        upper.push((ORIGIN, h));
        lower.push((self.now, 0));
        match index {
            None => lower.push((ORIGIN, -h)),
            Some(i) => {
                let e = &events[i];
                upper.push((e.base, e.hi));
                lower.push((e.base, -e.lo));
                for (j, o) in events.iter().enumerate() {
                    if j != i {
                        upper.push((o.base, overtake_bound(e, o)));
                    }
                }
            }
        }
        (upper, lower)
    }

    /// A necessary condition checked pair by pair on the current zone, so
    /// most disabled events cost no zone copy: the event can still be due
    /// after `now` and before every other event's latest time; for the
    /// horizon, every pending event can still be after `H`.
    fn pairwise_possible(&self, index: Option<usize>, h: i64) -> bool {
        let (events, z) = (&self.pending.events, &self.zone);
        let Some(i) = index else {
            return events.iter().all(|o| z.bound(o.base, ORIGIN) + o.hi > h);
        };
        let e = &events[i];
        if -z.bound(e.base, self.now) > e.hi || -z.bound(ORIGIN, e.base) + e.lo > h {
            return false;
        }
        events
            .iter()
            .enumerate()
            .all(|(j, o)| j == i || -z.bound(o.base, e.base) <= overtake_bound(e, o) - e.lo)
    }

    /// Runs the handler of an enabled event on a copy of the model.
    fn run(&self, p: &P, index: Option<usize>) -> (EventId, P::State, Effects<P>) {
        let mut model = self.model.clone();
        let mut fx = Effects::default();
        let Some(i) = index else {
            return (EventId::HORIZON, model, fx);
        };
        let e = &self.pending.events[i];
        match &e.kind {
            Kind::Msg(m) => p.deliver(&mut model, m, &mut fx),
            Kind::Timer { timer, .. } => p.fire(&mut model, timer, &mut fx),
        }
        (e.id, model, fx)
    }

    /// The event a pending id (or the horizon) stands for, for records.
    pub fn event_of(&self, id: EventId) -> Option<Event<P>> {
        if id == EventId::HORIZON {
            return Some(Event::Horizon);
        }
        let e = &self.pending.events[self.pending.position(id)?];
        Some(match &e.kind {
            Kind::Msg(m) => Event::Deliver(m.clone()),
            Kind::Timer { timer, .. } => Event::Fire(timer.clone()),
        })
    }

    /// Anchor (variable, offset) of timer `i` when its moment may already
    /// have passed; `None` for `After` and for unknown marks (at once).
    fn anchor(&self, marks: &[(P::Mark, u32)], when: &When<P::Mark>) -> Option<(u32, i64)> {
        match when {
            When::After(_) => None,
            When::At(t) => Some((ORIGIN, *t as i64)),
            When::FromMark(k, off) => Self::mark_var(marks, k).map(|a| (a, *off)),
        }
    }

    /// Marks after this step's `mark`s (set to the new time variable).
    fn marks_with(&self, fx: &Effects<P>, v: u32) -> Vec<(P::Mark, u32)> {
        let mut marks = self.marks.clone();
        for k in &fx.marks {
            match marks.binary_search_by(|(m, _)| m.cmp(k)) {
                Ok(i) => marks[i].1 = v,
                Err(i) => marks.insert(i, (k.clone(), v)),
            }
        }
        marks
    }

    /// Bits of the anchored timers whose case the zone already decides
    /// (set = passed), and the mask of those it leaves open. Timers that
    /// surely have not passed need no bit, so a step may arm any number of
    /// them (init arms every script entry); only the first 64 timers of a
    /// step may have passed or be open.
    fn branch_bits(&self, en: &Enabled, fx: &Effects<P>) -> (u64, u64) {
        let marks = self.marks_with(fx, en.var);
        let (mut passed, mut open) = (0u64, 0u64);
        for (i, (_, when, _)) in fx.timers.iter().enumerate() {
            let Some((a, off)) = self.anchor(&marks, when) else {
                continue;
            };
            if en.zone.bound(en.var, a) <= off {
                continue;
            }
            assert!(
                i < 64,
                "timer {i} of one step may have passed: at most 64 such"
            );
            if en.zone.bound(a, en.var) < -off {
                passed |= 1 << i;
            } else {
                open |= 1 << i;
            }
        }
        (passed, open)
    }

    fn forced_bits(&self, en: &Enabled, fx: &Effects<P>) -> u64 {
        let (passed, open) = self.branch_bits(en, fx);
        assert_eq!(open, 0, "init cannot branch");
        passed
    }
}
