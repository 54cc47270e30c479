//! Symmetry reduction (docs/performance.md): the requests of one client are
//! interchangeable — the model never treats `tab1.req2` differently from
//! `tab1.req1` except by name — so two states that differ only by a
//! renumbering of one client's requests have the same futures up to that
//! renumbering, and every invariant judges them alike. [`canonicalize`]
//! renumbers each client's requests into a canonical order, so such states
//! get one dedup key. Explorers keep the real states; only the key is
//! renamed, so every reported path is a real one.
//!
//! The canonical order sorts requests by a signature: a digest of the
//! request's own state plus every pending message, timer and flight that
//! names it (with its own id replaced by a placeholder). Requests with equal
//! signatures are interchangeable, so any order among them gives the same
//! key. Whatever order is chosen, the key is the state under *some*
//! renaming, so a poor order only costs dedup, never soundness.
//!
//! Renaming goes through one function per type ([`rename_msg`],
//! [`rename_timer`], [`rename_world`], …) and each destructures its type
//! exhaustively: a new variant or field does not compile until its request
//! ids are renamed (or it is stated that it has none).

use super::client::{ClientState, Request};
use super::client_rename;
use super::msg::{ClientIx, Msg, RequestId, Timer};
use super::refresh::Flight;
use super::{Model, World};
use std::hash::{Hash, Hasher};

/// The placeholder a signature uses for the request it describes.
const SELF: u16 = 0;
/// The placeholder for another request of the same client.
const OTHER: u16 = u16::MAX;

/// Renames the requests of every client into canonical order, in the model
/// state and in the pending messages and timers (see the module doc).
pub fn canonicalize(m: &Model, w: &mut World, msgs: &mut [Msg], timers: &mut [Timer]) {
    if !m.symmetry {
        return;
    }
    super::client_symmetry::canonicalize(m, w, msgs, timers);
    for client in 0..w.clients.len() {
        if w.clients[client].requests.len() < 2 || !interchangeable(m, client) {
            continue;
        }
        let order = canonical_order(
            w,
            u8::try_from(client).expect("validated: at most 255 clients"),
            msgs,
            timers,
        );
        if order.iter().enumerate().all(|(new, old)| new == *old) {
            continue;
        }
        let mut number = vec![0u16; order.len()];
        for (new, &old) in order.iter().enumerate() {
            number[old] = u16::try_from(new + 1).expect("a request number");
        }
        let renumber = |id: RequestId| -> RequestId {
            if id.client as usize != client || id.number == 0 {
                return id;
            }
            RequestId {
                client: id.client,
                number: number[id.number as usize - 1],
            }
        };
        rename_world(w, &renumber);
        let old = std::mem::take(&mut w.clients[client].requests);
        w.clients[client].requests = order.iter().map(|&i| old[i].clone()).collect();
        msgs.iter_mut().for_each(|msg| rename_msg(msg, &renumber));
        timers.iter_mut().for_each(|t| rename_timer(t, &renumber));
    }
}

/// Whether the requests of a client are interchangeable at all. A client
/// with a `timeout` arms one deadline per outstanding call, and deadlines
/// due at one instant fire in a fixed order that follows the request number
/// (`Timer`'s order). In untimed exploration every timeout armed before the
/// clock moves is due at the same instant, so which request times out first
/// depends on its number, now or after a later retry: renumbering would
/// merge states with different futures. The property test
/// `states_merged_by_symmetry_have_the_same_futures` (tests/reductions.rs)
/// found this; such clients keep their own numbering (less dedup, never a
/// wrong merge).
fn interchangeable(m: &Model, client: usize) -> bool {
    m.clients[client].timeout.is_none()
}

/// The client's request indexes (0-based) sorted by signature; ties keep
/// their current order. A signature is a 64-bit digest of the request's
/// state and of the multiset of items naming it: two requests with equal
/// signatures are interchangeable except on a digest collision, which only
/// costs dedup (the key is still the state under some renaming).
fn canonical_order(w: &World, client: u8, msgs: &[Msg], timers: &[Timer]) -> Vec<usize> {
    let requests = &w.clients[client as usize].requests;
    let mut signature: Vec<u64> = requests.iter().map(digest).collect();
    let mut note = |named: Option<usize>, d: u64| {
        if let Some(i) = named {
            // A sum of digests is a digest of the multiset.
            signature[i] = signature[i].wrapping_add(mix(d));
        }
    };
    for msg in msgs {
        note_item(client, msg, |m, f| rename_msg(m, f), &mut note);
    }
    for timer in timers {
        note_item(client, timer, |t, f| rename_timer(t, f), &mut note);
    }
    for flight in w.flights.iter().flatten() {
        note_item(client, flight, |x, f| rename_flight(x, f), &mut note);
    }
    let mut order: Vec<usize> = (0..requests.len()).collect();
    order.sort_by_key(|&i| signature[i]);
    order
}

/// A fast digest (FxHash of the value's `Hash` stream): a collision only
/// costs dedup.
pub(super) fn digest<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    value.hash(&mut h);
    h.finish()
}

/// A bijective mixer, so that sums of digests do not cancel.
pub(super) fn mix(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

/// Digests an item relative to the request of `client` it names (at most
/// one per item, as in every message and timer of the model): that
/// request becomes [`SELF`], the client's other requests [`OTHER`].
fn note_item<T: Clone + Hash>(
    client: u8,
    item: &T,
    rename: impl Fn(&mut T, &dyn Fn(RequestId) -> RequestId),
    note: &mut impl FnMut(Option<usize>, u64),
) {
    let named = std::cell::Cell::new(None);
    let mut copy = item.clone();
    rename(&mut copy, &|id| {
        if id.client != client {
            return id;
        }
        if named.get().is_none() {
            named.set(Some(id.number));
        }
        let placeholder = if named.get() == Some(id.number) {
            SELF
        } else {
            OTHER
        };
        RequestId {
            client,
            number: placeholder,
        }
    });
    let Some(number) = named.get() else {
        return;
    };
    note(Some(number as usize - 1), digest(&copy));
}

/// Renames the request ids in the model state (not the order of the
/// `requests` lists: the caller moves those).
pub fn rename_world(w: &mut World, f: &dyn Fn(RequestId) -> RequestId) {
    let World {
        stores: _,    // token pairs and families only
        clients,      // requests hold no ids; see rename_client
        flights,      // owners
        auth: _,      // token records only
        denylist: _,  // AT ids only
        attacker: _,  // attacker calls and replays only
        refreshed: _, // (device, AT) pairs only
    } = w;
    clients.iter_mut().for_each(|c| rename_client(c, f));
    flights
        .iter_mut()
        .flatten()
        .for_each(|x| rename_flight(x, f));
}

fn rename_client(c: &mut ClientState, f: &dyn Fn(RequestId) -> RequestId) {
    let ClientState {
        requests,
        skew_ms: _,
        proactive_armed: _,
        proactive_fired: _,
        proactive_sent: _,
        proactive_awaited,    // proactive refreshes and their resends
        preflight_armed: _,   // an AT
        preflight_expired: _, // an AT
    } = c;
    requests.iter_mut().for_each(|r| rename_request(r, f));
    proactive_awaited
        .iter_mut()
        .for_each(|(refresher, _)| client_rename::rename_refresher(refresher, &same_client, f));
}

fn rename_request(r: &mut Request, _f: &dyn Fn(RequestId) -> RequestId) {
    // Phase, retries, the last AT and the held RT name tokens, not requests.
    let Request {
        phase: _,
        retries_left: _,
        last_at: _,
        held_rt: _,
        preflight_pending: _,
    } = r;
}

/// Request renaming is client renaming that keeps every client in place,
/// so both go through `client_rename`'s one function per type.
fn same_client(c: ClientIx) -> ClientIx {
    c
}

fn rename_flight(x: &mut Flight, f: &dyn Fn(RequestId) -> RequestId) {
    client_rename::rename_flight(x, &same_client, f);
}

/// Renames the request ids a message carries.
pub fn rename_msg(msg: &mut Msg, f: &dyn Fn(RequestId) -> RequestId) {
    client_rename::rename_msg(msg, &same_client, f);
}

/// Renames the request ids a timer carries (the timeouts of a request's
/// call and refresh); scripts, clients and tokens stay.
pub fn rename_timer(timer: &mut Timer, f: &dyn Fn(RequestId) -> RequestId) {
    client_rename::rename_timer(timer, &same_client, f, &[]);
}
