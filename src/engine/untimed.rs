//! Untimed semantics (docs/semantics.md "Untimed exploration"): the asynchronous
//! network of classic model checkers. Latencies are ignored; any message in
//! flight may be delivered next and delivery takes no virtual time; the
//! clock moves only by a move of its own (a *tick*: advance to the next
//! timer, which fires). Nothing fires after the horizon. A step is one
//! delivery (or one timer) plus the receiver's whole reaction.
//!
//! It owns the untimed state, its moves, its canonical fingerprint (with the
//! protocol's symmetry applied) and [`execute`], the checker every untimed
//! path and replay goes through. It does not search (`explore::untimed`).
//!
//! Timers keep their exact times (`After(d)` is `now + d`, marks are the
//! times of the steps that set them), so a tick fires them in the concrete
//! simulator's order: time, deadlines first, deadlines by `Timer` order,
//! then arming order. A timer due at `now` fires only by a tick: messages
//! may still be delivered before it, as they take no time.

use super::encode::{fingerprint, ByteSink};
use super::path::{check_faults, Execution, PathError};
use super::pending::fault_vectors;
use super::{
    Choice, Effects, Event, EventId, Fault, Millis, MsgCodes, Protocol, StepRecord, Urgency, When,
};
use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

/// A timer at its exact time.
#[derive(Clone, Debug)]
pub struct Armed<T> {
    /// Creation sequence number (shared with messages).
    pub id: EventId,
    /// When it fires.
    pub at: Millis,
    /// Deadlines fire before ordinary timers at one instant.
    pub urgency: Urgency,
    /// What fires.
    pub timer: T,
}

/// Firing order without the arming rank: time, deadlines first, deadlines
/// by `Timer` order. Ties keep arming order.
fn due_order<T: Ord>(a: (Millis, Urgency, &T), b: (Millis, Urgency, &T)) -> Ordering {
    let deadline = |u: Urgency, t| (u == Urgency::Deadline).then_some(t);
    a.0.cmp(&b.0)
        .then(a.1.cmp(&b.1))
        .then_with(|| deadline(a.1, a.2).cmp(&deadline(b.1, b.2)))
}

/// An untimed state: the model, messages in flight in creation order,
/// timers in firing order, marks, the clock and the fault budget used.
#[derive(Debug)]
pub struct UState<P: Protocol> {
    /// The model.
    pub model: P::State,
    /// Messages in flight, in creation order.
    pub msgs: Vec<(EventId, P::Msg)>,
    /// Timers, in the order they will fire.
    pub timers: Vec<Armed<P::Timer>>,
    /// Named moments, sorted by mark.
    pub marks: Vec<(P::Mark, Millis)>,
    /// The clock.
    pub now: Millis,
    /// The id the next event gets.
    pub next_id: u32,
    /// Drops plus duplicates so far.
    pub faults: u32,
}

impl<P: Protocol> Clone for UState<P> {
    fn clone(&self) -> Self {
        UState {
            model: self.model.clone(),
            msgs: self.msgs.clone(),
            timers: self.timers.clone(),
            marks: self.marks.clone(),
            now: self.now,
            next_id: self.next_id,
            faults: self.faults,
        }
    }
}

/// What may happen next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move {
    /// Deliver the message at this index of `msgs`.
    Deliver(usize),
    /// Advance the clock to the first timer and fire it.
    Tick,
}

/// A step whose handler ran; its faults are not chosen yet.
pub struct Begun<P: Protocol> {
    /// The event's id.
    pub id: EventId,
    /// What happened.
    pub event: Event<P>,
    /// What the handler asked for.
    pub fx: Effects<P>,
}

/// Scratch buffers for fingerprints, one per worker thread.
pub struct Scratch<P: Protocol> {
    sink: ByteSink,
    msgs: Vec<P::Msg>,
    timers: Vec<P::Timer>,
    order: Vec<u32>,
    orbit: Vec<P::Msg>,
    digests: Vec<(u64, u64)>,
    codes: MsgCodes,
}

impl<P: Protocol> Default for Scratch<P> {
    fn default() -> Self {
        Scratch {
            sink: ByteSink::default(),
            msgs: Vec::new(),
            timers: Vec::new(),
            order: Vec::new(),
            orbit: Vec::new(),
            digests: Vec::new(),
            codes: MsgCodes::default(),
        }
    }
}

impl<P: Protocol> UState<P> {
    /// The state after `init` at time 0 (init's sends are never faulted),
    /// with init's facts.
    pub fn init(p: &P) -> (UState<P>, Vec<P::Fact>) {
        let mut fx = Effects::default();
        let model = p.init(&mut fx);
        let mut s = UState {
            model,
            msgs: Vec::new(),
            timers: Vec::new(),
            marks: Vec::new(),
            now: 0,
            next_id: 0,
            faults: 0,
        };
        s.commit(&fx, &[]);
        (s, std::mem::take(&mut fx.facts))
    }

    /// Every move, in canonical order: messages by creation, then the tick
    /// (when a timer is due by the horizon).
    pub fn moves(&self, p: &P, out: &mut Vec<Move>) {
        out.extend((0..self.msgs.len()).map(Move::Deliver));
        if self.timers.first().is_some_and(|t| t.at <= p.horizon()) {
            out.push(Move::Tick);
        }
    }

    /// Takes the move's event out and runs its handler.
    pub fn begin(&mut self, p: &P, mv: Move) -> Begun<P> {
        let mut fx = Effects::default();
        match mv {
            Move::Deliver(i) => {
                let (id, msg) = self.msgs.remove(i);
                p.deliver(&mut self.model, &msg, &mut fx);
                Begun {
                    id,
                    event: Event::Deliver(msg),
                    fx,
                }
            }
            Move::Tick => {
                let armed = self.timers.remove(0);
                self.now = armed.at;
                p.fire(&mut self.model, &armed.timer, &mut fx);
                Begun {
                    id: armed.id,
                    event: Event::Fire(armed.timer),
                    fx,
                }
            }
        }
    }

    /// Fault vectors the step may take, all-delivered first.
    pub fn fault_options(&self, p: &P, b: &Begun<P>, max_faults: u32) -> Vec<Vec<Fault>> {
        fault_vectors(p, &b.fx, self.faults, max_faults)
    }

    fn fresh_id(&mut self) -> EventId {
        let id = EventId(self.next_id);
        self.next_id += 1;
        id
    }

    /// Applies a step's effects: cancels, marks, sends (with faults; a
    /// duplicate is two copies), timers at their exact times, unmarks.
    pub fn commit(&mut self, fx: &Effects<P>, faults: &[Fault]) {
        self.faults += faults.iter().filter(|f| **f != Fault::Deliver).count() as u32;
        if !fx.cancels.is_empty() {
            self.timers.retain(|t| !fx.cancels.contains(&t.timer));
        }
        for k in &fx.marks {
            match self.marks.binary_search_by(|(m, _)| m.cmp(k)) {
                Ok(i) => self.marks[i].1 = self.now,
                Err(i) => self.marks.insert(i, (k.clone(), self.now)),
            }
        }
        for (i, msg) in fx.sends.iter().enumerate() {
            let copies = match faults.get(i).copied().unwrap_or(Fault::Deliver) {
                Fault::Deliver => 1,
                Fault::Drop => 0,
                Fault::Duplicate => 2,
            };
            for _ in 0..copies {
                let id = self.fresh_id();
                self.msgs.push((id, msg.clone()));
            }
        }
        for (timer, when, urgency) in &fx.timers {
            let at = self.time_of(when);
            let id = self.fresh_id();
            let key = (at, *urgency, timer);
            let pos = self.timers.partition_point(|t| {
                due_order((t.at, t.urgency, &t.timer), key) != Ordering::Greater
            });
            let armed = Armed {
                id,
                at,
                urgency: *urgency,
                timer: timer.clone(),
            };
            self.timers.insert(pos, armed);
        }
        self.marks.retain(|(k, _)| !fx.unmarks.contains(k));
    }

    /// The exact time of a timer armed now; a moment already passed (or an
    /// unknown mark) means at once.
    fn time_of(&self, when: &When<P::Mark>) -> Millis {
        match when {
            When::After(d) => self.now + d,
            When::At(t) => (*t).max(self.now),
            When::FromMark(k, off) => match self.marks.binary_search_by(|(m, _)| m.cmp(k)) {
                Ok(i) => (self.marks[i].1 as i64 + off).max(self.now as i64) as Millis,
                Err(_) => self.now,
            },
        }
    }

    /// The dedup fingerprint and encoded size: the model, the multiset of
    /// messages in flight and the timer sequence (ids left out), after the
    /// protocol's symmetry renaming; marks, clock and faults used.
    pub fn key(&self, p: &P, scratch: &mut Scratch<P>) -> (u128, usize) {
        self.key_ranked(p, scratch, None, false)
    }

    /// [`UState::key`], and with `ranks` each message's rank among the
    /// distinct renamed messages in flight (equal messages share a rank).
    /// States with one key rank corresponding messages alike, so ranks name
    /// moves across symmetric states (partial-order reduction stores sleep
    /// sets by rank). With `orbits`, ranks are of the messages' orbit keys
    /// (`Protocol::orbit_keys`): messages an automorphism of the state
    /// swaps share a rank, so explorers take one move per orbit.
    pub fn key_ranked(
        &self,
        p: &P,
        scratch: &mut Scratch<P>,
        ranks: Option<&mut Vec<u16>>,
        orbits: bool,
    ) -> (u128, usize) {
        scratch.msgs.clear();
        scratch
            .msgs
            .extend(self.msgs.iter().map(|(_, m)| m.clone()));
        scratch.timers.clear();
        scratch
            .timers
            .extend(self.timers.iter().map(|t| t.timer.clone()));
        scratch.sink.clear();
        let with_orbits = ranks.is_some() && orbits;
        let Scratch {
            sink,
            msgs,
            timers,
            codes,
            order,
            ..
        } = scratch;
        if p.encode_canonical(&self.model, msgs, timers, with_orbits, codes, sink) {
            rank_by_code(codes, order, ranks);
        } else {
            self.put_renamed_copy(p, scratch, with_orbits);
            if !with_orbits {
                scratch.orbit.clear();
            }
            self.order_msgs(p, scratch, ranks, with_orbits);
        }
        let Scratch {
            sink,
            msgs,
            timers,
            order,
            ..
        } = scratch;
        // The messages as a sorted `Vec` would be written: length, items.
        sink.write_usize(msgs.len());
        for &i in order.iter() {
            msgs[i as usize].hash(sink);
        }
        self.put_timers(timers, order, sink);
        sink.put(&self.marks);
        sink.put(&self.now);
        sink.put(&self.faults);
        (fingerprint(&sink.bytes), sink.bytes.len())
    }

    /// Renames a copy of the model and the key's copies of the messages
    /// and timers, fills the orbit keys (with `orbits`) and writes the
    /// renamed model: the key's path when the protocol cannot stream it
    /// (`Protocol::encode_canonical`).
    fn put_renamed_copy(&self, p: &P, scratch: &mut Scratch<P>, orbits: bool) {
        let Scratch {
            sink,
            msgs,
            timers,
            orbit,
            ..
        } = scratch;
        let mut model = self.model.clone();
        if orbits {
            p.canonicalize_orbits(&mut model, msgs, timers, orbit);
        } else {
            p.canonicalize(&mut model, msgs, timers);
        }
        sink.put(&model);
    }

    /// The key's message order in `scratch.order` (a function of the
    /// renamed messages' values) and, with `ranks`, each message's rank
    /// (see [`UState::key_ranked`]).
    fn order_msgs(
        &self,
        p: &P,
        scratch: &mut Scratch<P>,
        ranks: Option<&mut Vec<u16>>,
        orbits: bool,
    ) {
        let Scratch {
            msgs,
            orbit,
            order,
            codes,
            digests,
            ..
        } = scratch;
        let keys: &[P::Msg] = if orbits { orbit } else { msgs };
        if code_all(p, keys, msgs, codes) {
            rank_by_code(codes, order, ranks);
            return;
        }
        match ranks {
            Some(ranks) if orbits => rank_by_digest(orbit, msgs, digests, order, ranks),
            Some(ranks) => rank(orbit, msgs, order, ranks),
            None => {
                order.clear();
                order.extend(0..msgs.len() as u32);
                order.sort_unstable_by(|&a, &b| msgs[a as usize].cmp(&msgs[b as usize]));
            }
        }
    }

    /// The timer sequence (renamed timers at their times) in firing order,
    /// as a `Vec` of `(at, urgency, timer)` rows would be written.
    fn put_timers(&self, renamed: &[P::Timer], order: &mut Vec<u32>, sink: &mut ByteSink) {
        sink.write_usize(self.timers.len());
        if self.timers.is_empty() {
            return;
        }
        let row = |i: u32| {
            let t = &self.timers[i as usize];
            (t.at, t.urgency, &renamed[i as usize])
        };
        order.clear();
        order.extend(0..self.timers.len() as u32);
        // Stable: ties keep the arming order, as the rows' sort did.
        let sorted = order
            .windows(2)
            .all(|w| due_order(row(w[0]), row(w[1])) != Ordering::Greater);
        if !sorted {
            order.sort_by(|&a, &b| due_order(row(a), row(b)));
        }
        for &i in order.iter() {
            row(i).hash(sink);
        }
    }

    /// The move that takes pending event `id`, checked against the untimed
    /// rules at time `at`.
    fn move_of(&self, p: &P, k: usize, c: &Choice) -> Result<Move, PathError> {
        let bad = |why: &str| PathError::Time {
            step: k,
            at: c.at,
            why: why.to_string(),
        };
        if let Some(i) = self.msgs.iter().position(|(id, _)| *id == c.event) {
            return if c.at == self.now {
                Ok(Move::Deliver(i))
            } else {
                Err(bad("untimed: a delivery takes no time"))
            };
        }
        let Some(pos) = self.timers.iter().position(|t| t.id == c.event) else {
            return Err(PathError::NotPending {
                step: k,
                event: c.event.0,
            });
        };
        if pos > 0 {
            return Err(PathError::Overtakes {
                step: k,
                other: self.timers[0].id.0,
            });
        }
        let due = self.timers[0].at;
        if due > p.horizon() {
            return Err(bad("after the horizon"));
        }
        if c.at != due {
            return Err(bad("untimed: a timer fires at its exact time"));
        }
        Ok(Move::Tick)
    }
}

/// The protocol's integer codes (`Protocol::msg_code`) of each message and
/// its rank key (its orbit key, or itself); false when the protocol has
/// none.
fn code_all<P: Protocol>(p: &P, keys: &[P::Msg], msgs: &[P::Msg], codes: &mut MsgCodes) -> bool {
    codes.clear();
    let same = std::ptr::eq(keys, msgs);
    for (i, (k, m)) in keys.iter().zip(msgs).enumerate() {
        let Some(m) = p.msg_code(m) else {
            return false;
        };
        // Orbit keys mostly differ from their messages (a request
        // renamed to the first of its class): no comparison first.
        let k = if same { Some(m) } else { p.msg_code(k) };
        let Some(k) = k else {
            return false;
        };
        codes.push(i, k, m);
    }
    true
}

/// [`rank`] on integer codes that order as the values do: the index sorted
/// by rank key then message, and dense ranks of the rank keys.
fn rank_by_code(codes: &mut MsgCodes, order: &mut Vec<u32>, mut ranks: Option<&mut Vec<u16>>) {
    let MsgCodes { keys: codes, own } = codes;
    codes.sort_unstable();
    let key = |c: u128| c >> 32;
    let ix = |c: u128| c as u32 as usize;
    order.clear();
    if let Some(ranks) = ranks.as_deref_mut() {
        ranks.clear();
        ranks.resize(codes.len(), 0);
    }
    // Runs of one rank key, each one rank; in a run, by the messages' own
    // codes (mostly all equal), ties by index: the own code with the index
    // in its 32 low bits, sorted as integers.
    let (mut k, mut r) = (0, 0u16);
    while k < codes.len() {
        let mut j = k + 1;
        while j < codes.len() && key(codes[j]) == key(codes[k]) {
            j += 1;
        }
        let run = &mut codes[k..j];
        let first = own[ix(run[0])];
        if run.iter().any(|&c| own[ix(c)] != first) {
            run.iter_mut()
                .for_each(|c| *c = own[ix(*c)] | ix(*c) as u128);
            run.sort_unstable();
        }
        for &c in run.iter() {
            order.push(ix(c) as u32);
            if let Some(ranks) = ranks.as_deref_mut() {
                ranks[ix(c)] = r;
            }
        }
        r += 1;
        k = j;
    }
}

/// Sorts an index of `msgs` by their orbit keys `orbit` (with an empty
/// `orbit`, every message is its own orbit), ties by message, and gives
/// each message the dense rank of its orbit key in that order (equal keys
/// share one).
fn rank<M: Ord>(orbit: &[M], msgs: &[M], order: &mut Vec<u32>, ranks: &mut Vec<u16>) {
    let keys = if orbit.is_empty() { msgs } else { orbit };
    order.clear();
    order.extend(0..msgs.len() as u32);
    order.sort_unstable_by(|&a, &b| {
        let (a, b) = (a as usize, b as usize);
        keys[a].cmp(&keys[b]).then_with(|| {
            if orbit.is_empty() {
                Ordering::Equal
            } else {
                msgs[a].cmp(&msgs[b])
            }
        })
    });
    ranks.clear();
    ranks.resize(msgs.len(), 0);
    let mut r = 0u16;
    for k in 0..order.len() {
        let i = order[k] as usize;
        if k > 0 && keys[order[k - 1] as usize] != keys[i] {
            r += 1;
        }
        ranks[i] = r;
    }
}

/// [`rank`] for orbit keys, faster. The key's message order sorts the
/// index by the digests of each orbit key and message first (integer
/// comparisons), by the values only on equal digests: still a function of
/// the values, so a key's bytes depend only on the canonical state. The
/// ranks are [`rank`]'s — dense ranks of the orbit keys in value order —
/// found by sorting only the distinct orbit keys (one per run of equal
/// keys in that order; on a digest collision one key may have two runs,
/// which share its rank). Value-order ranks keep the order in which sleep
/// sets take moves, hence every counterexample shown, as it was.
fn rank_by_digest<M: Ord + std::hash::Hash>(
    orbit: &[M],
    msgs: &[M],
    digests: &mut Vec<(u64, u64)>,
    order: &mut Vec<u32>,
    ranks: &mut Vec<u16>,
) {
    let digest = |m: &M| {
        use std::hash::{BuildHasher, BuildHasherDefault};
        BuildHasherDefault::<rustc_hash::FxHasher>::default().hash_one(m)
    };
    digests.clear();
    digests.extend(orbit.iter().zip(msgs).map(|(o, m)| (digest(o), digest(m))));
    order.clear();
    order.extend(0..msgs.len() as u32);
    order.sort_unstable_by(|&a, &b| {
        let (a, b) = (a as usize, b as usize);
        digests[a]
            .cmp(&digests[b])
            .then_with(|| orbit[a].cmp(&orbit[b]))
            .then_with(|| msgs[a].cmp(&msgs[b]))
    });
    // Runs of equal orbit keys along the order: (first index, run number).
    ranks.clear();
    ranks.resize(msgs.len(), 0);
    let mut runs: Vec<u32> = Vec::new();
    for k in 0..order.len() {
        let i = order[k] as usize;
        if k == 0 || orbit[order[k - 1] as usize] != orbit[i] {
            runs.push(i as u32);
        }
        ranks[i] = runs.len() as u16 - 1;
    }
    let mut by_value: Vec<u16> = (0..runs.len() as u16).collect();
    by_value.sort_unstable_by(|&a, &b| {
        orbit[runs[a as usize] as usize].cmp(&orbit[runs[b as usize] as usize])
    });
    let mut dense = vec![0u16; runs.len()];
    let mut r = 0u16;
    for k in 0..by_value.len() {
        let (run, prev) = (
            by_value[k] as usize,
            k.checked_sub(1).map(|p| by_value[p] as usize),
        );
        if prev.is_some_and(|p| orbit[runs[p] as usize] != orbit[runs[run] as usize]) {
            r += 1;
        }
        dense[run] = r;
    }
    ranks.iter_mut().for_each(|x| *x = dense[*x as usize]);
}

/// Re-executes an untimed path, checking every choice against the untimed
/// rules (a delivery at the current time, a tick to the first timer, faults
/// allowed). This is the replay of untimed traces and the self-check of
/// every untimed counterexample.
pub fn execute<P: Protocol>(
    p: &P,
    path: &[Choice],
    max_faults: u32,
) -> Result<Execution<P>, PathError> {
    let (mut s, _) = UState::init(p);
    let mut steps = Vec::with_capacity(path.len());
    for (k, c) in path.iter().enumerate() {
        let mv = s.move_of(p, k, c)?;
        let mut begun = s.begin(p, mv);
        check_faults(p, &begun.fx, s.faults, max_faults, k, &c.faults)?;
        s.commit(&begun.fx, &c.faults);
        let sent = begun
            .fx
            .sends
            .drain(..)
            .enumerate()
            .map(|(i, m)| (m, c.faults.get(i).copied().unwrap_or(Fault::Deliver)))
            .collect();
        steps.push(StepRecord {
            at: s.now,
            id: begun.id,
            event: begun.event,
            sent,
            facts: std::mem::take(&mut begun.fx.facts),
        });
    }
    Ok(Execution {
        steps,
        state: s.model,
        ended: false,
    })
}
