//! Symbolic time (SPEC §2 "exhaustive"): a state holds the model, the pending
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

use super::pending::{
    blocked_by_arming_order, fault_vectors, overtake_bound, Gate, Kind, Pending, PinState, Place,
};
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
    var_step: Vec<u32>,
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
        let mut zone = self.zone.clone();
        let v = zone.add_var();
        let ok = add(&mut zone, rec, self.now, v, 0) && add(&mut zone, rec, v, ORIGIN, h);
        if !ok || !self.constrain_event(&mut zone, v, index, h, rec) {
            return None;
        }
        Some(Enabled { zone, var: v, gate })
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

    /// The window of the fired event and "nothing overtaken past its latest
    /// time" for every other; for the horizon, `T = H` and everything still
    /// pending can be later than `H`.
    fn constrain_event(
        &self,
        zone: &mut Zone,
        v: u32,
        index: Option<usize>,
        h: i64,
        rec: &mut Option<(&mut Record, &[u32])>,
    ) -> bool {
        let events = &self.pending.events;
        let Some(i) = index else {
            return add(zone, rec, ORIGIN, v, -h)
                && events
                    .iter()
                    .all(|o| add(zone, rec, ORIGIN, o.base, o.hi - h - 1));
        };
        let e = &events[i];
        if !add(zone, rec, v, e.base, e.hi) || !add(zone, rec, e.base, v, -e.lo) {
            return false;
        }
        events
            .iter()
            .enumerate()
            .all(|(j, o)| j == i || add(zone, rec, v, o.base, overtake_bound(e, o)))
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

impl<P: Protocol> SymState<P> {
    /// Every successor, in canonical order: pending events by creation, then
    /// the horizon; per event, fault vectors in lexicographic order
    /// (Deliver < Drop < Duplicate), then the open timer cases.
    pub fn successors(&self, ctx: &Ctx<'_, P>, out: &mut Vec<Succ<P>>) {
        if self.ended {
            return;
        }
        for i in 0..self.pending.events.len() {
            self.expand(ctx, Some(i), out);
        }
        self.expand(ctx, None, out);
    }

    fn expand(&self, ctx: &Ctx<'_, P>, index: Option<usize>, out: &mut Vec<Succ<P>>) {
        let Some(en) = self.enable(ctx, index, &mut None) else {
            return;
        };
        let (event, model, mut fx) = self.run(ctx.p, index);
        let facts = std::mem::take(&mut fx.facts);
        let (passed, open) = self.branch_bits(&en, &fx);
        let vectors = fault_vectors(ctx.p, &fx, self.faults, ctx.max_faults);
        if vectors.len() == 1 && open == 0 {
            // The common case: one successor, nothing to copy.
            let next = self.with_model(model, index);
            let faults = Vec::new();
            if let Some(state) =
                next.build(ctx, en, &fx, &faults, passed, self.depth + 1, &mut None)
            {
                let step = SymStep {
                    event,
                    faults,
                    branches: passed,
                };
                out.push(Succ { step, state, facts });
            }
            return;
        }
        for faults in vectors {
            let mut sub = 0u64;
            loop {
                let bits = passed | sub;
                let en2 = Enabled {
                    zone: en.zone.clone(),
                    var: en.var,
                    gate: en.gate,
                };
                let next = self.with_model(model.clone(), index);
                if let Some(state) =
                    next.build(ctx, en2, &fx, &faults, bits, self.depth + 1, &mut None)
                {
                    let step = SymStep {
                        event,
                        faults: faults.clone(),
                        branches: bits,
                    };
                    out.push(Succ {
                        step,
                        state,
                        facts: facts.clone(),
                    });
                }
                // Next subset of `open` (Gosper-free subset walk).
                sub = sub.wrapping_sub(open) & open;
                if sub == 0 {
                    break;
                }
            }
        }
    }

    /// Re-takes a recorded step, adding every constraint it implies to `rec`
    /// over step indexes. `None` if the step is not allowed here.
    pub fn replay(
        &self,
        ctx: &Ctx<'_, P>,
        step: &SymStep,
        rec: &mut Record,
    ) -> Option<(SymState<P>, Event<P>, Effects<P>)> {
        let index = match step.event {
            EventId::HORIZON => None,
            id => Some(self.pending.position(id)?),
        };
        let event = self.event_of(step.event)?;
        let mut steps = self.var_step.clone();
        steps.push(self.depth + 1);
        let mut r = Some((rec, steps.as_slice()));
        let en = self.enable(ctx, index, &mut r)?;
        let (_, model, fx) = self.run(ctx.p, index);
        let next = self.with_model(model, index);
        let state = next.build(
            ctx,
            en,
            &fx,
            &step.faults,
            step.branches,
            self.depth + 1,
            &mut r,
        )?;
        Some((state, event, fx))
    }

    /// A copy with a new model and the fired event removed.
    fn with_model(&self, model: P::State, index: Option<usize>) -> SymState<P> {
        let mut next = SymState {
            model,
            pending: self.pending.clone(),
            zone: Zone::new(),
            now: self.now,
            marks: self.marks.clone(),
            var_step: self.var_step.clone(),
            depth: self.depth,
            faults: self.faults,
            pins: self.pins.clone(),
            ended: index.is_none(),
        };
        if let Some(i) = index {
            next.pending.take(i);
        }
        next
    }

    /// Applies a step's effects at the new time variable: timer cases
    /// (`bits`), marks, cancels, sends with faults, timers, unmarks, pins;
    /// then projects unused variables away. `None` if the cases contradict.
    #[allow(clippy::too_many_arguments)]
    fn build(
        mut self,
        ctx: &Ctx<'_, P>,
        mut en: Enabled,
        fx: &Effects<P>,
        faults: &[Fault],
        bits: u64,
        step_index: u32,
        rec: &mut Option<(&mut Record, &[u32])>,
    ) -> Option<SymState<P>> {
        let v = en.var;
        let marks = self.marks_with(fx, v);
        let places = self.place_timers(&mut en, &marks, fx, bits, rec)?;
        if en.gate == Gate::Consumes {
            self.pins.consumed += 1;
        }
        self.faults += faults.iter().filter(|f| **f != Fault::Deliver).count() as u32;
        let (p, pins) = (ctx.p, ctx.pins);
        let pin_state = &mut self.pins;
        let msg_place = |m: &P::Msg| {
            let w = p.link(m).latency;
            Place::window(v, w.min as i64, w.max as i64)
        };
        let bind = |m: &P::Msg| {
            if pin_state.done(pins) {
                return Vec::new();
            }
            let (from, to) = p.endpoints(m);
            pin_state.bind(pins, &from, &to)
        };
        self.pending.arm(fx, faults, msg_place, |i| places[i], bind);
        self.marks = marks;
        self.marks.retain(|(k, _)| !fx.unmarks.contains(k));
        self.zone = en.zone;
        self.now = v;
        self.depth = step_index;
        self.var_step.push(step_index);
        self.collect();
        Some(self)
    }

    /// Where each timer of the step goes: anchored timers follow their case
    /// bit (not passed: at the anchor; passed: now), adding that case's
    /// constraint; `None` if a case contradicts the zone.
    fn place_timers(
        &self,
        en: &mut Enabled,
        marks: &[(P::Mark, u32)],
        fx: &Effects<P>,
        bits: u64,
        rec: &mut Option<(&mut Record, &[u32])>,
    ) -> Option<Vec<Place>> {
        let v = en.var;
        let mut places = Vec::with_capacity(fx.timers.len());
        for (i, (_, when, _)) in fx.timers.iter().enumerate() {
            let bit = if i < 64 { bits >> i & 1 } else { 0 };
            let place = match (self.anchor(marks, when), bit, when) {
                (Some((a, off)), 0, _) => {
                    add(&mut en.zone, rec, v, a, off).then_some(())?;
                    Place::timer(a, off, matches!(when, When::At(_)))
                }
                (Some((a, off)), _, _) => {
                    add(&mut en.zone, rec, a, v, -off - 1).then_some(())?;
                    Place::timer(v, 0, false)
                }
                (None, _, When::After(d)) => Place::timer(v, *d as i64, false),
                (None, _, _) => Place::timer(v, 0, false),
            };
            places.push(place);
        }
        Some(places)
    }

    /// Projects away variables nothing refers to any more.
    fn collect(&mut self) {
        let mut keep = vec![false; self.zone.len()];
        keep[ORIGIN as usize] = true;
        keep[self.now as usize] = true;
        for e in &self.pending.events {
            keep[e.base as usize] = true;
        }
        for (_, v) in &self.marks {
            keep[*v as usize] = true;
        }
        if keep.iter().all(|k| *k) {
            return;
        }
        let map = self.zone.retain(&keep);
        for e in &mut self.pending.events {
            e.base = map[e.base as usize];
        }
        for (_, v) in &mut self.marks {
            *v = map[*v as usize];
        }
        self.now = map[self.now as usize];
        let mut i = 0;
        self.var_step.retain(|_| {
            i += 1;
            keep[i - 1]
        });
    }
}
