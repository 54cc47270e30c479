//! Successor generation of symbolic states: each enabled event with its
//! fault vectors and open timer cases, the zone constrained to the choice,
//! and the state rebuilt around the new step (projecting away variables no
//! pending event or mark needs). Also the replay of a chosen step.

use super::super::pending::{fault_vectors, Gate, Place};
use super::super::zone::{Zone, ORIGIN};
use super::super::{Effects, Event, EventId, Fault, Protocol, When};
use super::{add, Ctx, Enabled, Record, Succ, SymState, SymStep};

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
    pub(super) fn build(
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
        if ctx.active_only {
            self.drop_dead(ctx);
        }
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

    /// Removes the pending events whose earliest time is surely after the
    /// horizon `H`, unless a live schedule pin binds them (a pin's gate
    /// looks at every message it binds). Such an event can never go (a
    /// step's time is at most `H`) and constrains nothing: "not overtaken
    /// past its latest time" and the horizon's "everything pending can be
    /// later than `H`" are implied for it; cancelling it changes nothing.
    fn drop_dead(&mut self, ctx: &Ctx<'_, P>) {
        let h = ctx.p.horizon() as i64;
        let consumed = self.pins.consumed;
        let zone = &self.zone;
        self.pending.events.retain(|e| {
            let earliest = e.lo - zone.bound(ORIGIN, e.base);
            earliest <= h || e.pins.iter().any(|&j| j >= consumed)
        });
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
