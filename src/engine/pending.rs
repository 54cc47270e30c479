//! Pending events and the rules that say which may go next (docs/semantics.md).
//! Owns the event list shared by concrete simulation, symbolic exploration
//! and path replay, the "may not overtake" and deadline/arming-order rules,
//! and schedule pins. It does not own time itself: an event's time is
//! `base + [lo, hi]` where `base` is whatever the caller uses (a zone
//! variable, a step index, or 0 for absolute concrete times).

use super::{Effects, EventId, Fault, Pin, Protocol, Urgency};

/// What a pending event does when it goes.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind<M, T> {
    /// A message in flight.
    Msg(M),
    /// `absolute`: armed by `When::At` (at a time not yet passed); such
    /// timers at one instant fire in arming order (script file order).
    /// A timer.
    Timer {
        timer: T,
        urgency: Urgency,
        absolute: bool,
    },
}

/// One pending event: its time lies in `base + [lo, hi]` (timers: lo == hi).
#[derive(Clone, Debug)]
pub struct Entry<M, T> {
    /// Creation sequence number.
    pub id: EventId,
    /// What happens when it goes.
    pub kind: Kind<M, T>,
    /// Time reference: zone variable, step index or 0 (absolute).
    pub base: u32,
    /// Earliest offset from `base`.
    pub lo: i64,
    /// Latest offset from `base`.
    pub hi: i64,
    /// Schedule pins (indexes) this message is bound by; empty for timers.
    pub pins: Vec<u32>,
}

impl<M, T: Ord> Entry<M, T> {
    fn deadline(&self) -> Option<&T> {
        match &self.kind {
            Kind::Timer {
                timer,
                urgency: Urgency::Deadline,
                ..
            } => Some(timer),
            _ => None,
        }
    }

    fn absolute_ordinary(&self) -> bool {
        matches!(
            self.kind,
            Kind::Timer {
                urgency: Urgency::Ordinary,
                absolute: true,
                ..
            }
        )
    }
}

/// Latest allowed `T' - base(other)` when `fired` goes at `T'` while `other`
/// is pending: nothing may be overtaken past its latest time, and a deadline
/// goes before anything else at its instant — except an earlier deadline
/// (by `Timer` order, then arming order) due at that same instant.
pub fn overtake_bound<M, T: Ord>(fired: &Entry<M, T>, other: &Entry<M, T>) -> i64 {
    match (fired.deadline(), other.deadline()) {
        (_, None) => other.hi,
        (Some(f), Some(o)) if (f, fired.id) < (o, other.id) => other.hi,
        (_, Some(_)) => other.hi - 1,
    }
}

/// Whether `other` being pending forbids `fired` outright: two absolute
/// Ordinary timers at one instant fire in the order they were armed. Their
/// times are constants, so this needs no zone.
pub fn blocked_by_arming_order<M, T: Ord>(fired: &Entry<M, T>, other: &Entry<M, T>) -> bool {
    fired.absolute_ordinary()
        && other.absolute_ordinary()
        && other.lo == fired.lo
        && other.id < fired.id
}

/// The concrete simulator's total order: time, then deadlines first, then
/// deadlines by `Timer` order, then creation order. Entries must be absolute
/// (`base == 0`, `lo == hi`).
pub fn concrete_order<M, T: Ord>(a: &Entry<M, T>, b: &Entry<M, T>) -> std::cmp::Ordering {
    let rank = |e: &Entry<M, T>| if e.deadline().is_some() { 0 } else { 1 };
    a.lo.cmp(&b.lo)
        .then(rank(a).cmp(&rank(b)))
        .then_with(|| a.deadline().cmp(&b.deadline()))
        .then(a.id.cmp(&b.id))
}

/// Pending events in creation order, plus the next id to hand out.
#[derive(Clone, Debug)]
pub struct Pending<M, T> {
    /// Sorted by id (creation order).
    pub events: Vec<Entry<M, T>>,
    /// The id the next event gets.
    pub next_id: u32,
}

impl<M, T> Default for Pending<M, T> {
    fn default() -> Self {
        Pending {
            events: Vec::new(),
            next_id: 0,
        }
    }
}

/// Where a new event's time lies: `base + [lo, hi]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Place {
    /// Time reference (see [`Entry::base`]).
    pub base: u32,
    /// Earliest offset.
    pub lo: i64,
    /// Latest offset.
    pub hi: i64,
    /// Armed by `When::At` at a time not yet passed.
    pub absolute: bool,
}

impl Place {
    /// A timer at exactly `base + off`.
    pub fn timer(base: u32, off: i64, absolute: bool) -> Place {
        Place {
            base,
            lo: off,
            hi: off,
            absolute,
        }
    }

    /// A message arriving within `base + [lo, hi]`.
    pub fn window(base: u32, lo: i64, hi: i64) -> Place {
        Place {
            base,
            lo,
            hi,
            absolute: false,
        }
    }
}

impl<M: Clone, T: Clone + Eq> Pending<M, T> {
    /// Position of a pending event by id.
    pub fn position(&self, id: EventId) -> Option<usize> {
        self.events.binary_search_by(|e| e.id.cmp(&id)).ok()
    }

    /// Removes and returns the event at `index`.
    pub fn take(&mut self, index: usize) -> Entry<M, T> {
        self.events.remove(index)
    }

    fn push(&mut self, kind: Kind<M, T>, place: Place, pins: Vec<u32>) {
        let id = EventId(self.next_id);
        self.next_id += 1;
        let Place { base, lo, hi, .. } = place;
        self.events.push(Entry {
            id,
            kind,
            base,
            lo,
            hi,
            pins,
        });
    }

    /// Applies a step's cancels, sends (with faults, duplicates as two
    /// consecutive copies) and timers, in that order. `msg_place` places a
    /// message copy, `timer_place` the `i`-th timer of `fx`; `pins` gives
    /// each sent message's pin bindings.
    pub fn arm<P>(
        &mut self,
        fx: &Effects<P>,
        faults: &[Fault],
        mut msg_place: impl FnMut(&M) -> Place,
        mut timer_place: impl FnMut(usize) -> Place,
        mut pins: impl FnMut(&M) -> Vec<u32>,
    ) where
        P: Protocol<Msg = M, Timer = T> + ?Sized,
    {
        if !fx.cancels.is_empty() {
            self.events.retain(|e| match &e.kind {
                Kind::Timer { timer, .. } => !fx.cancels.contains(timer),
                Kind::Msg(_) => true,
            });
        }
        for (i, msg) in fx.sends.iter().enumerate() {
            let fault = faults.get(i).copied().unwrap_or(Fault::Deliver);
            let bound = pins(msg);
            if fault == Fault::Drop {
                continue;
            }
            if fault == Fault::Duplicate {
                let place = msg_place(msg);
                self.push(Kind::Msg(msg.clone()), place, bound.clone());
            }
            let place = msg_place(msg);
            self.push(Kind::Msg(msg.clone()), place, bound);
        }
        for (i, (timer, _, urgency)) in fx.timers.iter().enumerate() {
            let place = timer_place(i);
            let kind = Kind::Timer {
                timer: timer.clone(),
                urgency: *urgency,
                absolute: place.absolute,
            };
            self.push(kind, place, Vec::new());
        }
    }
}

/// Progress through a schedule: pins consumed so far, and per pin how many
/// matching messages were sent (for `nth`, capped at `nth`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct PinState {
    /// Pins consumed, in schedule order.
    pub consumed: u32,
    /// Per pin, matching messages sent so far (capped at its `nth`).
    pub counts: Vec<u32>,
}

impl PinState {
    /// Fresh progress for a schedule.
    pub fn new(pins: &[Pin]) -> PinState {
        PinState {
            consumed: 0,
            counts: vec![0; pins.len()],
        }
    }

    /// Whether every pin was consumed (the rest of the run is free).
    pub fn done(&self, pins: &[Pin]) -> bool {
        self.consumed as usize >= pins.len()
    }

    /// Pins (not yet consumed) that bind a message just sent: its endpoints
    /// match and, for `nth: Some(k)`, it is the k-th matching message ever
    /// sent (1-based). Updates the counts.
    pub fn bind(&mut self, pins: &[Pin], from: &str, to: &str) -> Vec<u32> {
        let mut bound = Vec::new();
        for (j, pin) in pins.iter().enumerate().skip(self.consumed as usize) {
            if !Pin::covers(&pin.from, from) || !Pin::covers(&pin.to, to) {
                continue;
            }
            match pin.nth {
                None => bound.push(j as u32),
                Some(k) => {
                    let k = k.max(1);
                    if self.counts[j] < k {
                        self.counts[j] += 1;
                        if self.counts[j] == k {
                            bound.push(j as u32);
                        }
                    }
                }
            }
        }
        bound
    }

    /// Whether delivering pending message `at` is allowed, and if it consumes
    /// the next pin. Allowed when it is bound by the next pin and is the
    /// earliest-sent pending message so bound, or when no unconsumed pin
    /// binds it.
    pub fn gate<M, T>(&self, pending: &[Entry<M, T>], at: usize) -> Gate {
        let next = self.consumed;
        let live = |e: &Entry<M, T>| e.pins.iter().any(|&j| j >= next);
        let e = &pending[at];
        if !live(e) {
            return Gate::Free;
        }
        if !e.pins.contains(&next) {
            return Gate::Blocked;
        }
        let earliest = pending
            .iter()
            .position(|o| matches!(o.kind, Kind::Msg(_)) && o.pins.contains(&next));
        if earliest == Some(at) {
            Gate::Consumes
        } else {
            Gate::Blocked
        }
    }
}

/// A schedule's verdict on one delivery.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gate {
    /// No unconsumed pin binds it.
    Free,
    /// It is the message the next pin names: delivering it consumes it.
    Consumes,
    /// A later pin binds it, or an earlier-sent message must go first.
    Blocked,
}

/// Fault vectors for a step's sends in lexicographic order, all-delivered
/// (empty) first; a fault needs odds above zero and budget left.
pub fn fault_vectors<P: Protocol>(
    p: &P,
    fx: &Effects<P>,
    used: u32,
    max_faults: u32,
) -> Vec<Vec<Fault>> {
    let mut out = vec![Vec::new()];
    let faulty = |m: &P::Msg| {
        let link = p.link(m);
        link.drop > 0.0 || link.duplicate > 0.0
    };
    if used >= max_faults || !fx.sends.iter().any(faulty) {
        return out;
    }
    let options: Vec<Vec<Fault>> = fx
        .sends
        .iter()
        .map(|m| {
            let link = p.link(m);
            let mut o = vec![Fault::Deliver];
            if link.drop > 0.0 {
                o.push(Fault::Drop);
            }
            if link.duplicate > 0.0 {
                o.push(Fault::Duplicate);
            }
            o
        })
        .collect();
    if options.iter().all(|o| o.len() == 1) {
        return out;
    }
    let budget = (max_faults - used) as usize;
    let mut digits = vec![0usize; options.len()];
    loop {
        // Odometer: the last send varies fastest.
        let mut k = digits.len();
        loop {
            if k == 0 {
                return out;
            }
            k -= 1;
            digits[k] += 1;
            if digits[k] < options[k].len() {
                break;
            }
            digits[k] = 0;
        }
        if digits.iter().filter(|d| **d != 0).count() <= budget {
            out.push(digits.iter().zip(&options).map(|(d, o)| o[*d]).collect());
        }
    }
}
