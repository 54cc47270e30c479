//! The untimed key's symmetry renaming without a copy of the world
//! (`Protocol::encode_canonical`): the same canonical order as
//! [`symmetry::canonicalize_orbits`](super::symmetry::canonicalize_orbits),
//! the messages and timers renamed in place (they are the key's own
//! copies), and the renamed world written straight into the byte sink:
//! requests in canonical order, request ids through the renumbering. The
//! bytes are those `ByteSink::put` writes for the renamed world (the
//! derived `Hash` stream, field by field in declaration order), which
//! `symmetry_encode_tests::streamed_worlds_encode_as_renamed_copies_do`
//! checks against the copy-and-rename path on explored states, codes
//! included.
//!
//! States whose clients client symmetry may move take the copy path
//! (`false`): the client renaming is `client_symmetry`'s.

use super::client::ClientState;
use super::msg::{Msg, RequestId, Timer};
use super::msg_code;
use super::refresh::Flight;
use super::request_ids::RequestIds;
use super::symmetry::{
    awaits_request, canonical_order_into, first_of_class_into, interchangeable, signatures_into,
};
use super::{Model, World};
use crate::engine::encode::ByteSink;
use crate::engine::MsgCodes;
use std::hash::{Hash, Hasher};

/// Renames `msgs` and `timers`, writes the renamed `w` into `sink` and
/// fills `codes` (see `Protocol::encode_canonical`); false, with nothing
/// done, when client symmetry may move a client.
pub fn encode_canonical(
    m: &Model,
    w: &World,
    msgs: &mut [Msg],
    timers: &mut [Timer],
    orbits: bool,
    codes: &mut MsgCodes,
    sink: &mut ByteSink,
) -> bool {
    if !m.symmetry {
        sink.put(w);
        codes.clear();
        for (i, msg) in msgs.iter().enumerate() {
            let code = msg_code::code(msg);
            codes.push(i, code, code);
        }
        return true;
    }
    // Client symmetry moves clients of a class of two or more only.
    if m.clients.len() > 1 && !super::client_symmetry::movable(m).is_empty() {
        return false;
    }
    BUFFERS.with(|b| {
        let mut b = b.borrow_mut();
        let b = &mut *b;
        b.reset(w.clients.len());
        rename_requests(m, w, msgs, timers, orbits, b);
        relabel(b, orbits);
        code_renamed(b, codes);
        let renamed = Renamed {
            numbers: &b.numbers,
            orders: &b.orders,
        };
        let flights = b.flights.as_deref().unwrap_or(&w.flights);
        put_world(w, &renamed, flights, sink);
    });
    true
}

/// Per-thread buffers of the renaming, reused from key to key (the key is
/// computed for every transition; fresh vectors cost an allocation each).
#[derive(Default)]
struct Buffers {
    /// Per client: the new number of each old request (empty: unchanged).
    numbers: Vec<Vec<u16>>,
    /// Per client: the canonical order (empty: unchanged).
    orders: Vec<Vec<usize>>,
    /// The renamed flights, when some were renamed.
    flights: Option<Vec<Option<Flight>>>,
    /// Clients whose orbit keys collapse, and per such client (same
    /// index) the first request of each request's class.
    classes: Vec<usize>,
    firsts: Vec<Vec<u16>>,
    signature: Vec<u64>,
    keys: Vec<u128>,
    /// Each message's code, under its old request numbers.
    coded: Vec<u128>,
    /// The requests' codes of the client being renamed, by old index.
    request_codes: Vec<u128>,
    /// Per client, per old request number: its new number and its orbit
    /// key's (`relabel`).
    relabel: Vec<Vec<(u16, u16)>>,
}

impl Buffers {
    fn reset(&mut self, clients: usize) {
        self.numbers.resize_with(clients, Vec::new);
        self.orders.resize_with(clients, Vec::new);
        self.numbers.truncate(clients);
        self.orders.truncate(clients);
        self.numbers.iter_mut().for_each(Vec::clear);
        self.orders.iter_mut().for_each(Vec::clear);
        self.flights = None;
        self.classes.clear();
    }
}

thread_local! {
    static BUFFERS: std::cell::RefCell<Buffers> = std::cell::RefCell::default();
}

/// Renames the requests of every interchangeable client into canonical
/// order in `msgs`, `timers` and `b.flights`, keeping each client's order
/// and numbering in `b`, and with `orbits` the first of each class.
fn rename_requests(
    m: &Model,
    w: &World,
    msgs: &mut [Msg],
    timers: &mut [Timer],
    orbits: bool,
    b: &mut Buffers,
) {
    b.coded.clear();
    b.coded.extend(msgs.iter().map(msg_code::code));
    for (client, state) in w.clients.iter().enumerate() {
        if state.requests.len() < 2 || !interchangeable(m, client) {
            continue;
        }
        let flights = b.flights.as_deref().unwrap_or(&w.flights);
        let id = u8::try_from(client).expect("validated: at most 255 clients");
        let (coded, requests) = (&b.coded, &mut b.request_codes);
        signatures_into(
            &state.requests,
            flights,
            id,
            coded,
            timers,
            requests,
            &mut b.signature,
        );
        let order = &mut b.orders[client];
        canonical_order_into(&b.signature, &mut b.keys, order);
        if orbits && !awaits_request(state) {
            let k = b.classes.len();
            b.classes.push(client);
            if b.firsts.len() <= k {
                b.firsts.push(Vec::new());
            }
            first_of_class_into(&b.request_codes, &b.keys, &mut b.firsts[k]);
        }
        if order.iter().enumerate().all(|(new, old)| new == *old) {
            order.clear();
            continue;
        }
        let number = &mut b.numbers[client];
        number.resize(order.len(), 0);
        for (new, &old) in order.iter().enumerate() {
            number[old] = u16::try_from(new + 1).expect("a request number");
        }
        let mut renumber = |id: RequestId| -> RequestId {
            if id.client as usize != client || id.number == 0 {
                return id;
            }
            RequestId {
                client: id.client,
                number: number[id.number as usize - 1],
            }
        };
        msgs.iter_mut()
            .for_each(|msg| msg.map_requests(&mut renumber));
        timers
            .iter_mut()
            .for_each(|t| t.map_requests(&mut renumber));
        if w.flights.iter().any(Option::is_some) {
            let f = b.flights.get_or_insert_with(|| w.flights.to_vec());
            f.iter_mut()
                .flatten()
                .for_each(|x| x.map_requests(&mut renumber));
        }
    }
}

/// The codes of the renamed messages and of their rank keys, from each
/// message's code under its old numbers (`b.coded`): one substitution of
/// the request number each (`b.relabel`).
fn code_renamed(b: &Buffers, codes: &mut MsgCodes) {
    codes.clear();
    codes.reserve(b.coded.len());
    for (i, &code) in b.coded.iter().enumerate() {
        let relabelled = msg_code::named(code).and_then(|named| {
            let table = b.relabel.get(named.id.client as usize)?;
            let &(own, key) = table.get((named.id.number as usize).checked_sub(1)?)?;
            Some((named.with_number(code, own), named.with_number(code, key)))
        });
        let (own, key) = relabelled.unwrap_or((code, code));
        codes.push(i, key, own);
    }
}

/// Per client, per old request number (1-based, at index number − 1): its
/// new number and the number its messages' orbit keys name (the first of
/// its class with `orbits`, else the new number). Empty for a client that
/// keeps its numbers and collapses no orbit.
fn relabel(b: &mut Buffers, orbits: bool) {
    let Buffers {
        numbers,
        classes,
        firsts,
        relabel,
        ..
    } = b;
    relabel.resize_with(numbers.len(), Vec::new);
    relabel.truncate(numbers.len());
    for (client, table) in relabel.iter_mut().enumerate() {
        table.clear();
        let class = classes.iter().position(|&c| c == client);
        let first = class.filter(|_| orbits).map(|k| &firsts[k]);
        let number = &numbers[client];
        let old_count = number.len().max(first.map_or(0, |f| f.len()));
        table.extend((0..old_count).map(|old| {
            let new = number.get(old).copied().unwrap_or(old as u16 + 1);
            let key = first.map_or(new, |f| f[new as usize - 1] + 1);
            (new, key)
        }));
    }
}

/// The renumbering of every client: new numbers and the canonical order.
struct Renamed<'a> {
    numbers: &'a [Vec<u16>],
    orders: &'a [Vec<usize>],
}

impl Renamed<'_> {
    fn id(&self, id: RequestId) -> RequestId {
        match self.numbers.get(id.client as usize) {
            Some(number) if !number.is_empty() && id.number != 0 => RequestId {
                client: id.client,
                number: number[id.number as usize - 1],
            },
            _ => id,
        }
    }
}

/// The derived `Hash` stream of the renamed world, field by field.
fn put_world(w: &World, renamed: &Renamed<'_>, flights: &[Option<Flight>], sink: &mut ByteSink) {
    let World {
        stores,
        clients,
        flights: _, // renamed copy (or the original when nothing moved)
        auth,
        denylist,
        attacker,
        refreshed,
    } = w;
    stores.hash(sink);
    // A `Vec`'s stream: its length, then its items.
    sink.write_usize(clients.len());
    for (c, state) in clients.iter().enumerate() {
        put_client(state, &renamed.orders[c], renamed, sink);
    }
    flights.hash(sink);
    auth.hash(sink);
    denylist.hash(sink);
    attacker.hash(sink);
    refreshed.hash(sink);
}

/// The derived `Hash` stream of a renamed client: its requests in
/// canonical order (`order` empty: as they are), its awaited refreshers
/// renamed.
fn put_client(c: &ClientState, order: &[usize], renamed: &Renamed<'_>, sink: &mut ByteSink) {
    let ClientState {
        requests,
        skew_ms,
        proactive_armed,
        proactive_fired,
        proactive_sent,
        proactive_awaited,
        preflight_armed,
        preflight_expired,
    } = c;
    if order.is_empty() {
        requests.hash(sink);
    } else {
        sink.write_usize(requests.len());
        order.iter().for_each(|&i| requests[i].hash(sink));
    }
    skew_ms.hash(sink);
    proactive_armed.hash(sink);
    proactive_fired.hash(sink);
    proactive_sent.hash(sink);
    if proactive_awaited.is_empty() || renamed.numbers.iter().all(Vec::is_empty) {
        proactive_awaited.hash(sink);
    } else {
        let mut awaited = proactive_awaited.clone();
        let f = |id: RequestId| renamed.id(id);
        for (refresher, _) in &mut awaited {
            super::client_rename::rename_refresher(refresher, &|c| c, &f);
        }
        awaited.hash(sink);
    }
    preflight_armed.hash(sink);
    preflight_expired.hash(sink);
}
