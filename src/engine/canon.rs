//! Canonical dedup keys of symbolic states. Owns what "the same state"
//! means for the visited set: the model, the pending events sorted by
//! payload, the zone renumbered in that order, marks, faults used and
//! schedule progress. Creation sequence numbers are left out; only the
//! ranks that change the future (arming order of `At` timers at one
//! instant, send order while pins remain) are kept.
//!
//! Soundness rule: equal keys mean isomorphic states, hence equal futures;
//! a tie the sort cannot break only costs dedup, never soundness.

use super::encode::fingerprint_sized;
use super::pending::{blocked_by_arming_order, Kind, PinState};
use super::symbolic::{Ctx, SymState};
use super::zone::{INF, ORIGIN};
use super::Protocol;

/// The canonical dedup key: everything that decides the future, with zone
/// variables renumbered by first use in a payload-sorted event list.
/// Creation sequence numbers are absent: only ranks that matter are kept.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Key<S, M, T, K> {
    model: S,
    events: Vec<Row<M, T>>,
    marks: Vec<(K, u32)>,
    dbm: Vec<i64>,
    faults: u32,
    pins: PinState,
}

/// A key split for zone subsumption ([`SymState::split_key`]).
#[derive(Clone, Debug)]
pub struct SplitKey {
    /// Fingerprint of everything but the zone.
    pub discrete: u128,
    /// The zone, `n × n` in canonical numbering (0 origin, 1 now).
    pub dbm: Vec<i64>,
    /// Per canonical variable, the largest lower and upper constant a
    /// pending event based at it compares its clock with (`INF` for the
    /// origin and marks: never extrapolated); `(INF, INF)` rows have no
    /// events. Decided by the discrete part alone.
    pub lu: Vec<(i64, i64)>,
    /// Size of the whole key's encoding.
    pub size: usize,
}

/// The LU bounds of a key's variables (see [`SplitKey::lu`]).
fn lu_bounds<S, M, T, K>(key: &Key<S, M, T, K>, n: usize) -> Vec<(i64, i64)> {
    let mut lu = vec![(i64::MIN, i64::MIN); n];
    lu[ORIGIN as usize] = (INF, INF);
    for (_, v) in &key.marks {
        lu[*v as usize] = (INF, INF);
    }
    for row in &key.events {
        let b = &mut lu[row.1 as usize];
        *b = (b.0.max(row.2), b.1.max(row.3));
    }
    for b in &mut lu {
        if b.0 == i64::MIN {
            *b = (INF, INF);
        }
    }
    lu
}

/// One pending event in a key: payload, canonical base variable, window,
/// rank (arming order or, while pins remain, send order) and live pins.
type Row<M, T> = (Kind<M, T>, u32, i64, i64, u32, Vec<u32>);

/// The dedup key type of a protocol.
pub type KeyOf<P> = Key<
    <P as Protocol>::State,
    <P as Protocol>::Msg,
    <P as Protocol>::Timer,
    <P as Protocol>::Mark,
>;

impl<P: Protocol> SymState<P> {
    /// The 128-bit fingerprint of the canonical key's encoding (what the
    /// visited set stores; see `engine::encode`).
    pub fn fingerprint(&self, ctx: &Ctx<'_, P>) -> u128 {
        self.fingerprint_sized(ctx).0
    }

    /// [`Self::fingerprint`] and the size of the encoding it hashes (what a
    /// search counts for the state's memory).
    pub fn fingerprint_sized(&self, ctx: &Ctx<'_, P>) -> (u128, usize) {
        fingerprint_sized(&self.key(ctx))
    }

    /// The key split for zone subsumption: the fingerprint of everything
    /// but the zone (the discrete part, which fixes what each canonical
    /// zone variable means), the zone in canonical numbering, and the size
    /// of the whole key's encoding.
    pub fn split_key(&self, ctx: &Ctx<'_, P>) -> SplitKey {
        let mut key = self.key(ctx);
        let dbm = std::mem::take(&mut key.dbm);
        let (discrete, bytes) = fingerprint_sized(&key);
        let size = bytes + dbm.len() * 3;
        SplitKey {
            discrete,
            lu: lu_bounds(&key, self.zone.len()),
            dbm,
            size,
        }
    }

    /// The canonical dedup key (see [`Key`]). Without a schedule the
    /// protocol's symmetry renaming is applied first (pins name actors, so
    /// with a schedule nothing is renamed).
    pub fn key(&self, ctx: &Ctx<'_, P>) -> KeyOf<P> {
        let (model, mut rows, _) = self.sorted_rows(ctx);
        let n = self.zone.len();
        let mut map = vec![u32::MAX; n];
        map[ORIGIN as usize] = 0;
        map[self.now as usize] = 1;
        let mut next = 2;
        let mut number = |v: u32, map: &mut Vec<u32>| {
            if map[v as usize] == u32::MAX {
                map[v as usize] = next;
                next += 1;
            }
            map[v as usize]
        };
        for row in &mut rows {
            row.1 = number(row.1, &mut map);
        }
        let marks = self
            .marks
            .iter()
            .map(|(k, v)| (k.clone(), number(*v, &mut map)))
            .collect();
        Key {
            model,
            events: rows,
            marks,
            dbm: self.zone.renumbered(&map, n),
            faults: self.faults,
            pins: self.pin_key(),
        }
    }

    /// The key in *split* form, for the hull pre-pass
    /// (`explore::hull`): one canonical zone variable per pending event
    /// (in sorted row order, from 2) and per mark (after them), copies of
    /// the state's variables where events share one. Which events share a
    /// base time is then a zone fact (an equality), not a discrete one, so
    /// states that differ only in that have one discrete part.
    pub fn hull_key(&self, ctx: &Ctx<'_, P>) -> HullKey {
        let (model, mut rows, order) = self.sorted_rows(ctx);
        let mut src: Vec<u32> = vec![ORIGIN, self.now];
        for row in &mut rows {
            src.push(row.1);
            row.1 = src.len() as u32 - 1;
        }
        let marks = self
            .marks
            .iter()
            .map(|(k, v)| {
                src.push(*v);
                (k.clone(), src.len() as u32 - 1)
            })
            .collect();
        let key = Key {
            model,
            events: rows,
            marks,
            dbm: Vec::new(),
            faults: self.faults,
            pins: self.pin_key(),
        };
        HullKey {
            discrete: fingerprint_sized(&key).0,
            dbm: self.zone.gathered(&src),
            order,
        }
    }

    /// Schedule progress as the key keeps it (counts of consumed pins
    /// cleared).
    fn pin_key(&self) -> PinState {
        let consumed = self.pins.consumed;
        let mut pin_state = self.pins.clone();
        pin_state
            .counts
            .iter_mut()
            .take(consumed as usize)
            .for_each(|c| *c = 0);
        pin_state
    }

    /// The model (renamed without a schedule) and the pending events as key
    /// rows, sorted by payload, window, rank and pins (bases still the
    /// state's variables), with the pending index of each row.
    #[allow(clippy::type_complexity)]
    fn sorted_rows(&self, ctx: &Ctx<'_, P>) -> (P::State, Vec<Row<P::Msg, P::Timer>>, Vec<usize>) {
        let pins = ctx.pins;
        let events = &self.pending.events;
        let pins_left = !self.pins.done(pins);
        let consumed = self.pins.consumed;
        let mut model = self.model.clone();
        let renamed = if pins.is_empty() {
            Some(self.renamed(ctx.p, &mut model))
        } else {
            None
        };
        let mut rows: Vec<(Row<P::Msg, P::Timer>, usize)> = Vec::with_capacity(events.len());
        let mut msg_rank = 0;
        for (i, e) in events.iter().enumerate() {
            let rank = match e.kind {
                Kind::Msg(_) if pins_left => {
                    msg_rank += 1;
                    msg_rank
                }
                _ => events
                    .iter()
                    .filter(|o| blocked_by_arming_order(e, o))
                    .count() as u32,
            };
            let bound = e.pins.iter().copied().filter(|j| *j >= consumed).collect();
            let kind = match &renamed {
                Some(kinds) => kinds[i].clone(),
                None => e.kind.clone(),
            };
            rows.push(((kind, e.base, e.lo, e.hi, rank, bound), i));
        }
        rows.sort_by(|(a, _), (b, _)| {
            (&a.0, a.2, a.3, a.4, &a.5).cmp(&(&b.0, b.2, b.3, b.4, &b.5))
        });
        let order = rows.iter().map(|(_, i)| *i).collect();
        (model, rows.into_iter().map(|(r, _)| r).collect(), order)
    }
}

/// A state's key in split form ([`SymState::hull_key`]).
#[derive(Clone, Debug)]
pub struct HullKey {
    /// Fingerprint of everything but the zone.
    pub discrete: u128,
    /// The zone over origin, now, one variable per row, one per mark
    /// (closed).
    pub dbm: Vec<i64>,
    /// Per row, the index of its event in the state's pending list.
    pub order: Vec<usize>,
}

impl<P: Protocol> SymState<P> {
    /// The pending events' payloads after the protocol's symmetry renaming
    /// (applied to `model` too), in pending order.
    fn renamed(&self, p: &P, model: &mut P::State) -> Vec<Kind<P::Msg, P::Timer>> {
        let events = &self.pending.events;
        let mut msgs: Vec<P::Msg> = Vec::new();
        let mut timers: Vec<P::Timer> = Vec::new();
        let (mut msg_ranks, mut timer_ranks) = (Vec::new(), Vec::new());
        for e in events {
            // Zone variables are numbered in creation order, which is time
            // order: the rank permutes the zone with the actors.
            match &e.kind {
                Kind::Msg(m) => {
                    msgs.push(m.clone());
                    msg_ranks.push(e.base);
                }
                Kind::Timer { timer, .. } => {
                    timers.push(timer.clone());
                    timer_ranks.push(e.base);
                }
            }
        }
        p.canonicalize_ranked(model, &mut msgs, &mut timers, &msg_ranks, &timer_ranks);
        let (mut msgs, mut timers) = (msgs.into_iter(), timers.into_iter());
        events
            .iter()
            .map(|e| match &e.kind {
                Kind::Msg(_) => Kind::Msg(msgs.next().expect("one renamed message per message")),
                Kind::Timer {
                    urgency, absolute, ..
                } => Kind::Timer {
                    timer: timers.next().expect("one renamed timer per timer"),
                    urgency: *urgency,
                    absolute: *absolute,
                },
            })
            .collect()
    }
}
