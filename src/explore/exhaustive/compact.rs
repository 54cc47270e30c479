//! Compact frontier states of the windowed search. A [`SymState`] is split
//! in two: its discrete values that frontier states often share (the model,
//! the kinds of its pending events, the names of its marks), kept once in
//! a [`Shared`] value the frontier interns, and everything else — event
//! ids, bases and windows, schedule progress, the path's step indexes and
//! the zone — written as LEB128 varints into a byte string. A zone bound
//! is one to three bytes instead of eight, "no bound" one.
//!
//! [`join`] is the exact inverse of [`split`] (tested on every state of
//! random toys): the search expands the state it stored, bit for bit, so
//! compaction changes no successor, key, verdict or counterexample.

use crate::engine::pending::{Entry, Kind, Pending, PinState};
use crate::engine::symbolic::SymState;
use crate::engine::zone::{Zone, INF};
use crate::engine::{EventId, Protocol};
use std::hash::{Hash, Hasher};
use std::sync::atomic::AtomicU32;

/// The part of a frontier state that many frontier states share.
pub(super) struct Shared<P: Protocol> {
    model: P::State,
    kinds: Vec<Kind<P::Msg, P::Timer>>,
    marks: Vec<P::Mark>,
    /// Frontier entries that refer to it (only the merge counts them; the
    /// frontier forgets the value when none is left).
    pub refs: AtomicU32,
    /// Its heap, estimated from its encoding (`budget::state_bytes`).
    pub bytes: u64,
}

impl<P: Protocol> PartialEq for Shared<P> {
    fn eq(&self, other: &Self) -> bool {
        self.model == other.model && self.kinds == other.kinds && self.marks == other.marks
    }
}

impl<P: Protocol> Eq for Shared<P> {}

impl<P: Protocol> Hash for Shared<P> {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.model.hash(h);
        self.kinds.hash(h);
        self.marks.hash(h);
    }
}

/// Splits a state: returns its shared part and appends the rest to `out`.
pub(super) fn split<P: Protocol>(state: SymState<P>, out: &mut Vec<u8>) -> Shared<P> {
    let mut w = Writer(out);
    let SymState {
        model,
        pending,
        zone,
        now,
        marks,
        var_step,
        depth,
        faults,
        pins,
        ended,
    } = state;
    w.u(pending.next_id as u64);
    let mut kinds = Vec::with_capacity(pending.events.len());
    for e in pending.events {
        w.u(e.id.0 as u64);
        w.u(e.base as u64);
        w.i(e.lo);
        w.i(e.hi);
        w.seq(&e.pins);
        kinds.push(e.kind);
    }
    w.u(now as u64);
    let mut names = Vec::with_capacity(marks.len());
    for (name, var) in marks {
        w.u(var as u64);
        names.push(name);
    }
    w.seq(&var_step);
    w.u(depth as u64);
    w.u(faults as u64);
    w.u(pins.consumed as u64);
    w.seq(&pins.counts);
    w.u(ended as u64);
    let n = zone.len();
    w.u(n as u64);
    for i in 0..n as u32 {
        for j in 0..n as u32 {
            w.bound(zone.bound(i, j));
        }
    }
    let bytes = crate::engine::encode::encode(&(&model, &kinds, &names)).len();
    Shared {
        model,
        kinds,
        marks: names,
        refs: AtomicU32::new(0),
        bytes: super::super::budget::state_bytes(
            std::mem::size_of::<Shared<P>>() + P::SHARED_PART_BYTES,
            bytes,
        ),
    }
}

/// The state [`split`] made `shared` and `bytes` of.
pub(super) fn join<P: Protocol>(shared: &Shared<P>, bytes: &[u8]) -> SymState<P> {
    let mut r = Reader { bytes, at: 0 };
    let next_id = r.u() as u32;
    let events = shared
        .kinds
        .iter()
        .map(|kind| Entry {
            id: EventId(r.u() as u32),
            base: r.u() as u32,
            lo: r.i(),
            hi: r.i(),
            pins: r.seq(),
            kind: kind.clone(),
        })
        .collect();
    let now = r.u() as u32;
    let marks = shared
        .marks
        .iter()
        .map(|name| (name.clone(), r.u() as u32))
        .collect();
    let var_step = r.seq();
    let (depth, faults) = (r.u() as u32, r.u() as u32);
    let pins = PinState {
        consumed: r.u() as u32,
        counts: r.seq(),
    };
    let ended = r.u() != 0;
    let n = r.u() as usize;
    let m = (0..n * n).map(|_| r.bound()).collect();
    debug_assert_eq!(r.at, bytes.len(), "a compact state is read whole");
    SymState {
        model: shared.model.clone(),
        pending: Pending { events, next_id },
        zone: Zone::from_closed(n, m),
        now,
        marks,
        var_step,
        depth,
        faults,
        pins,
        ended,
    }
}

/// Appends varints.
struct Writer<'a>(&'a mut Vec<u8>);

impl Writer<'_> {
    fn u(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.0.push(v as u8 | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }

    /// Zig-zag, so small negative values stay small.
    fn i(&mut self, v: i64) {
        self.u(((v << 1) ^ (v >> 63)) as u64);
    }

    /// A zone bound: 0 for "no bound", else its zig-zag code plus one.
    fn bound(&mut self, v: i64) {
        if v == INF {
            self.u(0);
        } else {
            debug_assert!(v.abs() < INF, "zone bounds stay below INF");
            self.u((((v << 1) ^ (v >> 63)) as u64) + 1);
        }
    }

    fn seq(&mut self, values: &[u32]) {
        self.u(values.len() as u64);
        for &v in values {
            self.u(v as u64);
        }
    }
}

/// Reads what a [`Writer`] wrote, in the same order.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn u(&mut self) -> u64 {
        let (mut v, mut shift) = (0u64, 0);
        loop {
            let b = self.bytes[self.at];
            self.at += 1;
            v |= ((b & 0x7f) as u64) << shift;
            if b < 0x80 {
                return v;
            }
            shift += 7;
        }
    }

    fn i(&mut self) -> i64 {
        let z = self.u();
        (z >> 1) as i64 ^ -((z & 1) as i64)
    }

    fn bound(&mut self) -> i64 {
        match self.u() {
            0 => INF,
            z => {
                let z = z - 1;
                (z >> 1) as i64 ^ -((z & 1) as i64)
            }
        }
    }

    fn seq(&mut self) -> Vec<u32> {
        let len = self.u() as usize;
        (0..len).map(|_| self.u() as u32).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::symbolic::{Ctx, Succ};
    use crate::explore::testing::random_toy;

    /// Every state a bounded walk of random toys reaches comes back whole.
    #[test]
    fn join_inverts_split_on_every_state_of_random_toys() {
        for seed in 0..40 {
            let toy = random_toy(seed);
            let ctx = Ctx {
                p: &toy,
                pins: &[],
                max_faults: 1,
                active_only: seed % 2 == 0,
            };
            let mut todo = vec![SymState::init(&ctx).0];
            let (mut seen, mut succs) = (0, Vec::new());
            while let Some(s) = todo.pop() {
                let before = format!("{s:?}");
                let mut bytes = Vec::new();
                let shared = split(s, &mut bytes);
                let back = join(&shared, &bytes);
                assert_eq!(format!("{back:?}"), before, "seed {seed}");
                seen += 1;
                if seen < 300 {
                    back.successors(&ctx, &mut succs);
                    todo.extend(succs.drain(..).map(|Succ { state, .. }| state));
                }
            }
        }
    }

    #[test]
    fn bounds_round_trip_at_the_extremes() {
        for v in [INF, 0, 1, -1, INF - 1, 1 - INF, 960_000, -80] {
            let mut out = Vec::new();
            Writer(&mut out).bound(v);
            assert_eq!(Reader { bytes: &out, at: 0 }.bound(), v);
        }
        let mut out = Vec::new();
        Writer(&mut out).bound(INF);
        assert_eq!(out, [0], "no bound takes one byte");
    }
}
