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
use super::msg_code;
use super::refresh::Flight;
use super::request_ids::RequestIds;
use super::{Model, World};
use std::hash::{Hash, Hasher};

/// The placeholder a signature uses for the request it describes.
const SELF: u16 = 0;

/// Renames the requests of every client into canonical order, in the model
/// state and in the pending messages and timers (see the module doc).
pub fn canonicalize(m: &Model, w: &mut World, msgs: &mut [Msg], timers: &mut [Timer]) {
    canonicalize_with(m, w, msgs, timers, None, None);
}

/// Tie-breaks of the windowed search, one per pending message and timer
/// (see `Protocol::canonicalize_ranked`): among requests with equal
/// signatures, the one an item of lowest rank names goes first.
pub struct Ranks<'a> {
    pub msgs: &'a [u32],
    pub timers: &'a [u32],
}

/// [`canonicalize`] with [`Ranks`] breaking ties between requests.
pub fn canonicalize_ranked(
    m: &Model,
    w: &mut World,
    msgs: &mut [Msg],
    timers: &mut [Timer],
    ranks: &Ranks<'_>,
) {
    canonicalize_with(m, w, msgs, timers, Some(ranks), None);
}

/// [`canonicalize`], and with `orbit` the renamed messages' orbit keys
/// (docs/performance.md, "One move per orbit"): each message naming a
/// request names the first request of its class instead — the requests
/// with the same state and the same signature, which the canonical order
/// numbers consecutively. Any permutation within a class maps the state to
/// itself, so two messages with equal orbit keys are swapped by an
/// automorphism and delivering either leads to states with one key.
/// Clients that client symmetry may move, or whose requests are not
/// interchangeable, keep their messages as they are (every message its own
/// orbit there).
pub fn canonicalize_orbits(
    m: &Model,
    w: &mut World,
    msgs: &mut [Msg],
    timers: &mut [Timer],
    orbit: &mut Vec<Msg>,
) {
    canonicalize_with(m, w, msgs, timers, None, Some(orbit));
}

/// The one canonicalization behind [`canonicalize`],
/// [`canonicalize_ranked`] and [`canonicalize_orbits`].
fn canonicalize_with(
    m: &Model,
    w: &mut World,
    msgs: &mut [Msg],
    timers: &mut [Timer],
    ranks: Option<&Ranks<'_>>,
    mut orbit: Option<&mut Vec<Msg>>,
) {
    if let Some(o) = orbit.as_deref_mut() {
        o.clear();
    }
    if !m.symmetry {
        if let Some(o) = orbit {
            o.extend_from_slice(msgs);
        }
        return;
    }
    // Client symmetry moves clients of a class of two or more only.
    if m.clients.len() > 1 {
        super::client_symmetry::canonicalize(m, w, msgs, timers, ranks);
    }
    let mut classes: Vec<(usize, Vec<u16>)> = Vec::new();
    let movable = match orbit {
        Some(_) if m.clients.len() > 1 => super::client_symmetry::movable(m),
        _ => Vec::new(),
    };
    for client in 0..w.clients.len() {
        if w.clients[client].requests.len() < 2 || !interchangeable(m, client) {
            continue;
        }
        let (signature, least) = signatures(
            &w.clients[client].requests,
            &w.flights,
            u8::try_from(client).expect("validated: at most 255 clients"),
            msgs,
            timers,
            ranks,
        );
        let order = canonical_order(&signature, &least);
        let state = &w.clients[client];
        if orbit.is_some() && !movable.contains(&client) && !awaits_request(state) {
            classes.push((client, first_of_class(&state.requests, &order, &signature)));
        }
        if !order.iter().enumerate().all(|(new, old)| new == *old) {
            renumber(w, client, &order, msgs, timers);
        }
    }
    if let Some(o) = orbit {
        o.extend_from_slice(msgs);
        for (client, first) in classes {
            let collapse = |id: RequestId| -> RequestId {
                if id.client as usize != client || id.number == 0 {
                    return id;
                }
                RequestId {
                    client: id.client,
                    number: first[id.number as usize - 1] + 1,
                }
            };
            o.iter_mut().for_each(|msg| rename_msg(msg, &collapse));
        }
    }
}

/// Renumbers a client's requests so that old index `order[k]` becomes
/// request `k + 1`, everywhere in the state, messages and timers.
fn renumber(w: &mut World, client: usize, order: &[usize], msgs: &mut [Msg], timers: &mut [Timer]) {
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
    w.clients[client].requests = order.iter().map(|&i| old[i]).collect();
    let mut renumber = renumber;
    msgs.iter_mut()
        .for_each(|msg| msg.map_requests(&mut renumber));
    timers
        .iter_mut()
        .for_each(|t| t.map_requests(&mut renumber));
}

/// The canonical order of a client's requests: by signature, ties by
/// least rank, then by index (what a stable sort would keep).
pub(super) fn canonical_order(signature: &[u64], least: &[u32]) -> Vec<usize> {
    // (signature, least, index) packed into one integer: one comparison.
    let mut keys: Vec<u128> = signature
        .iter()
        .zip(least)
        .enumerate()
        .map(|(i, (&s, &l))| u128::from(s) << 64 | u128::from(l) << 32 | i as u128)
        .collect();
    keys.sort_unstable();
    keys.into_iter().map(|k| k as u32 as usize).collect()
}

/// [`canonical_order`] without ranks (every least rank `u32::MAX`), into
/// reused buffers: `keys` is scratch, `order` the result.
pub(super) fn canonical_order_into(
    signature: &[u64],
    keys: &mut Vec<u128>,
    order: &mut Vec<usize>,
) {
    keys.clear();
    keys.extend(
        signature
            .iter()
            .enumerate()
            .map(|(i, &s)| u128::from(s) << 64 | u128::from(u32::MAX) << 32 | i as u128),
    );
    keys.sort_unstable();
    order.clear();
    order.extend(keys.iter().map(|&k| k as u32 as usize));
}

/// In canonical numbering (0-based), the first request of each request's
/// class: consecutive requests with equal signatures and equal states.
/// `requests` are in the old numbering: the canonical request `k` is old
/// index `order[k]`, with its signature.
pub(super) fn first_of_class(requests: &[Request], order: &[usize], signature: &[u64]) -> Vec<u16> {
    let keys: Vec<u128> = order
        .iter()
        .map(|&i| u128::from(signature[i]) << 64 | i as u128)
        .collect();
    let coded: Vec<u128> = requests.iter().map(msg_code::request_code).collect();
    let mut first = Vec::new();
    first_of_class_into(&coded, &keys, &mut first);
    first
}

/// [`first_of_class`] from the requests' codes (`msg_code::request_code`,
/// by old index) and the sorted keys of [`canonical_order_into`]
/// (signature in the top 64 bits, old index in the low 32), into a reused
/// buffer: neighbours compare on the keys themselves, and their requests
/// only when the signatures agree.
pub(super) fn first_of_class_into(requests: &[u128], keys: &[u128], first: &mut Vec<u16>) {
    first.clear();
    let Some((&head, rest)) = keys.split_first() else {
        return;
    };
    first.push(0);
    let (mut prev, mut class) = (head, 0u16);
    for (k, &key) in (1u16..).zip(rest) {
        let same = key >> 64 == prev >> 64
            && requests[key as u32 as usize] == requests[prev as u32 as usize];
        if !same {
            class = k;
        }
        first.push(class);
        prev = key;
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
pub(super) fn interchangeable(m: &Model, client: usize) -> bool {
    m.clients[client].timeout.is_none()
}

/// Each request's signature: the digest of its own state plus the sum of
/// the mixed digests of the items naming it; and, with `ranks`, the least
/// rank of the items naming it (a tie-break only: any order among equal
/// signatures is some renaming, so ranks change how much is merged, never
/// soundness).
pub(super) fn signatures(
    requests: &[Request],
    flights: &[Option<Flight>],
    client: u8,
    msgs: &[Msg],
    timers: &[Timer],
    ranks: Option<&Ranks<'_>>,
) -> (Vec<u64>, Vec<u32>) {
    let codes: Vec<u128> = msgs.iter().map(msg_code::code).collect();
    let (mut coded, mut signature) = (Vec::new(), Vec::new());
    signatures_into(
        requests,
        flights,
        client,
        &codes,
        timers,
        &mut coded,
        &mut signature,
    );
    let mut least = vec![u32::MAX; requests.len()];
    if let Some(ranks) = ranks {
        // The items naming each request, as the signatures found them.
        for (&code, &rank) in codes.iter().zip(ranks.msgs) {
            note_msg(client, code, &mut |i, _| least[i] = least[i].min(rank));
        }
        for (timer, &rank) in timers.iter().zip(ranks.timers) {
            note_item(client, timer, &mut |i, _| least[i] = least[i].min(rank));
        }
    }
    (signature, least)
}

/// [`signatures`] without ranks, into reused buffers, from the messages'
/// codes (`msg_code::code`, which the key needs anyway); `coded` gets the
/// requests' codes, which [`first_of_class_into`] compares.
pub(super) fn signatures_into(
    requests: &[Request],
    flights: &[Option<Flight>],
    client: u8,
    msgs: &[u128],
    timers: &[Timer],
    coded: &mut Vec<u128>,
    signature: &mut Vec<u64>,
) {
    coded.clear();
    coded.extend(requests.iter().map(msg_code::request_code));
    signature.clear();
    signature.extend(coded.iter().map(|&c| fold(c)));
    let mut note = |i: usize, d: u64| {
        signature[i] = signature[i].wrapping_add(mix(d));
    };
    for &msg in msgs {
        note_msg(client, msg, &mut note);
    }
    for timer in timers {
        note_item(client, timer, &mut note);
    }
    for flight in flights.iter().flatten() {
        note_item(client, flight, &mut note);
    }
}

/// A fast digest (FxHash of the value's `Hash` stream) of the items
/// without an exact code (timers, flights): a collision only costs dedup
/// (see docs/performance.md, "One move per symmetry orbit", for classes).
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

/// Digests a message relative to the request of `client` it names: its
/// code with that request's number replaced by [`SELF`], folded to 64 bits
/// (the top half against the mixed bottom half, so both count). The code
/// is exact, so unlike a digest of the value's `Hash` stream it costs no
/// hashing of its own: the key has it already.
#[inline]
fn note_msg(client: u8, code: u128, note: &mut impl FnMut(usize, u64)) {
    let Some(named) = msg_code::named(code).filter(|n| n.id.client == client) else {
        return;
    };
    note(
        named.id.number as usize - 1,
        fold(named.with_number(code, SELF)),
    );
}

/// A digest of an exact code (a message's or a request's): its top half
/// against its mixed bottom half, so both count.
#[inline]
fn fold(code: u128) -> u64 {
    (code >> 64) as u64 ^ mix(code as u64)
}

/// Digests an item relative to the request of `client` it names (at most
/// one per item, as in every message, timer and flight of the model): that
/// request becomes [`SELF`]. Items naming no request of `client` note
/// nothing.
#[inline]
fn note_item<T: Copy + Hash + RequestIds>(client: u8, item: &T, note: &mut impl FnMut(usize, u64)) {
    let mut copy = *item;
    let Some(id) = copy.request_mut() else {
        return;
    };
    if id.client != client {
        return;
    }
    let number = std::mem::replace(&mut id.number, SELF);
    note(number as usize - 1, digest(&copy));
}

/// Whether a proactive refresh the client awaits names one of its
/// requests (signatures leave those out, so its requests are not known to
/// be interchangeable).
pub(super) fn awaits_request(c: &ClientState) -> bool {
    c.proactive_awaited.iter().any(|(r, _)| {
        matches!(
            r,
            super::msg::Refresher::Request(_) | super::msg::Refresher::RequestResend(..)
        )
    })
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

pub(super) fn rename_flight(x: &mut Flight, f: &dyn Fn(RequestId) -> RequestId) {
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
