//! The untimed key's symmetry renaming without a copy of the world
//! (`Protocol::encode_canonical`): the same canonical order as
//! [`symmetry::canonicalize_orbits`](super::symmetry::canonicalize_orbits),
//! the messages and timers renamed in place (they are the key's own
//! copies), and the renamed world written straight into the byte sink:
//! requests in canonical order, request ids through the renumbering. The
//! bytes are those `ByteSink::put` writes for the renamed world (the
//! derived `Hash` stream, field by field in declaration order), which
//! `tests::streamed_worlds_encode_as_renamed_copies_do` checks against the
//! copy-and-rename path on explored states.
//!
//! States whose clients client symmetry may move take the copy path
//! (`false`): the client renaming is `client_symmetry`'s.

use super::client::ClientState;
use super::msg::{Msg, RequestId, Timer};
use super::refresh::Flight;
use super::request_ids::RequestIds;
use super::symmetry::{
    awaits_request, canonical_order_into, first_of_class_into, interchangeable, signatures_into,
};
use super::{Model, World};
use crate::engine::encode::ByteSink;
use std::hash::{Hash, Hasher};

/// Renames `msgs` and `timers`, fills `orbit` (when given) and writes the
/// renamed `w` into `sink`; false, with nothing done, when client symmetry
/// may move a client.
pub fn encode_canonical(
    m: &Model,
    w: &World,
    msgs: &mut [Msg],
    timers: &mut [Timer],
    mut orbit: Option<&mut Vec<Msg>>,
    sink: &mut ByteSink,
) -> bool {
    if let Some(o) = orbit.as_deref_mut() {
        o.clear();
    }
    if !m.symmetry {
        if let Some(o) = orbit {
            o.extend_from_slice(msgs);
        }
        sink.put(w);
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
        rename_requests(m, w, msgs, timers, orbit.is_some(), b);
        if let Some(o) = orbit {
            collapse_orbits(msgs, &b.classes, &b.firsts, o);
        }
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
    for (client, state) in w.clients.iter().enumerate() {
        if state.requests.len() < 2 || !interchangeable(m, client) {
            continue;
        }
        let flights = b.flights.as_deref().unwrap_or(&w.flights);
        let id = u8::try_from(client).expect("validated: at most 255 clients");
        signatures_into(&state.requests, flights, id, msgs, timers, &mut b.signature);
        let order = &mut b.orders[client];
        canonical_order_into(&b.signature, &mut b.keys, order);
        if orbits && !awaits_request(state) {
            let k = b.classes.len();
            b.classes.push(client);
            if b.firsts.len() <= k {
                b.firsts.push(Vec::new());
            }
            first_of_class_into(&state.requests, &b.keys, &mut b.firsts[k]);
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

/// The orbit keys of the renamed `msgs`: each request named becomes the
/// first of its class (as `symmetry::canonicalize_orbits` does).
fn collapse_orbits(msgs: &[Msg], classes: &[usize], firsts: &[Vec<u16>], orbit: &mut Vec<Msg>) {
    orbit.extend_from_slice(msgs);
    for (client, first) in classes.iter().zip(firsts) {
        let mut collapse = |id: RequestId| -> RequestId {
            if id.client as usize != *client || id.number == 0 {
                return id;
            }
            RequestId {
                client: id.client,
                number: first[id.number as usize - 1] + 1,
            }
        };
        orbit
            .iter_mut()
            .for_each(|msg| msg.map_requests(&mut collapse));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::untimed::UState;
    use crate::engine::Protocol;
    use std::path::{Path, PathBuf};

    fn scenarios(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .expect("scenarios/ reads")
            .map(|e| e.expect("an entry").path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                scenarios(&path, out);
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
    }

    /// The streamed encoding and renamed items of one state against the
    /// copy path (`symmetry::canonicalize_orbits` on a copy, then `put`).
    fn check(m: &Model, s: &UState<Model>) -> bool {
        let msgs: Vec<Msg> = s.msgs.iter().map(|(_, msg)| *msg).collect();
        let timers: Vec<Timer> = s.timers.iter().map(|t| t.timer).collect();
        for orbits in [false, true] {
            let (mut m1, mut t1, mut o1) = (msgs.clone(), timers.clone(), Vec::new());
            let mut sink = ByteSink::default();
            let wanted = orbits.then_some(&mut o1);
            if !encode_canonical(m, &s.model, &mut m1, &mut t1, wanted, &mut sink) {
                return false;
            }
            let (mut w2, mut m2, mut t2, mut o2) =
                (s.model.clone(), msgs.clone(), timers.clone(), Vec::new());
            if orbits {
                m.canonicalize_orbits(&mut w2, &mut m2, &mut t2, &mut o2);
            } else {
                m.canonicalize(&mut w2, &mut m2, &mut t2);
            }
            let mut copy = ByteSink::default();
            copy.put(&w2);
            assert_eq!(sink.bytes, copy.bytes, "world encoding of {:?}", s.model);
            assert_eq!((m1, t1, o1), (m2, t2, o2), "renamed items of {:?}", s.model);
        }
        true
    }

    #[test]
    fn streamed_worlds_encode_as_renamed_copies_do() {
        let mut files = Vec::new();
        scenarios(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios"),
            &mut files,
        );
        let mut streamed = 0;
        for file in files {
            let Ok(loaded) = crate::scenario::load(&file) else {
                continue;
            };
            let m = Model::build(&loaded.scenario);
            let mut frontier = vec![UState::init(&m).0];
            let mut seen = 0;
            while let Some(s) = frontier.pop() {
                streamed += usize::from(check(&m, &s));
                seen += 1;
                if seen > 300 {
                    break;
                }
                let mut moves = Vec::new();
                s.moves(&m, &mut moves);
                for mv in moves.into_iter().rev() {
                    let mut next = s.clone();
                    let b = next.begin(&m, mv);
                    next.commit(&b.fx, &[]);
                    frontier.push(next);
                }
            }
        }
        assert!(streamed > 1000, "only {streamed} states streamed");
    }
}
