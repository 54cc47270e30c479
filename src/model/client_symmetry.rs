//! Client symmetry (docs/performance.md): tabs or devices with the same
//! configuration are interchangeable, so two states that differ only by a
//! permutation of such clients have the same futures up to that
//! permutation. [`canonicalize`] sorts the clients of each class into a
//! canonical order in the dedup key (the explorers keep the real states).
//!
//! A permutation σ of clients is applied to everything that names a client:
//! request ids, proactive refreshers, logouts, client timers, the order of
//! `World::clients`, and — when each client of a class has its own store,
//! device or single-flight scope — those stores, `refreshed` devices and
//! flights. The pending script entries are renamed too: entry `i` naming a
//! moved client becomes the pending entry `j` with the same `at` whose step
//! is σ(step `i`); when no such bijection exists the clients stay put.
//!
//! Which clients may trade places depends on the semantics the key is for
//! (see `classes`): the windowed search (which passes [`Ranks`]) also
//! moves clients with proactive timers, the untimed search does not.
//!
//! Like the request renaming (`symmetry.rs`), every renaming function
//! destructures its type exhaustively, so a new field or variant does not
//! compile until it says how client indexes move.

use super::client::ClientState;
use super::client_rename::{
    rename_client_state, rename_flight, rename_msg, rename_step, rename_timer, rename_world,
    step_client,
};
use super::config::ClientConfig;
use super::msg::{ClientIx, Msg, RequestId, Timer};
use super::symmetry::Ranks;
use super::{Model, World};
use crate::engine::Millis;
use crate::scenario::Step;

/// The placeholder a signature uses for any client it names.
const ANY: ClientIx = ClientIx::MAX;

/// Renames interchangeable clients into canonical order (see the module
/// doc). Leaves the state alone when no class has two members. `ranks`
/// (one per message and timer) come from the windowed search only: they
/// select its classes ([`Semantics::Windowed`]) and break ties between
/// clients in the same state, the one named by the item of lowest rank
/// first (any order among equal signatures is a renaming: ranks change
/// how much is merged, never soundness).
pub fn canonicalize(
    m: &Model,
    w: &mut World,
    msgs: &mut [Msg],
    timers: &mut [Timer],
    ranks: Option<&Ranks<'_>>,
) {
    let semantics = match ranks {
        Some(_) => Semantics::Windowed,
        None => Semantics::Untimed,
    };
    let classes = classes(m, semantics);
    if classes.is_empty() {
        return;
    }
    let pending: Vec<u16> = timers
        .iter()
        .filter_map(|t| match t {
            Timer::Script(i) => Some(*i),
            _ => None,
        })
        .collect();
    let script = script_signatures(m, &pending);
    let state = state_signatures(m, w, msgs, timers);
    let least = ranks.map(|r| least_ranks(m, msgs, timers, r));
    let tie = |c: usize| least.as_ref().map_or(0, |l| l[c]);
    let mut perm: Vec<ClientIx> = (0..m.clients.len() as ClientIx).collect();
    for class in classes {
        // Only clients with the same pending script can trade places.
        let mut members = class.clone();
        members.sort_by_key(|&c| (script[c], c));
        for group in members.chunk_by(|a, b| script[*a] == script[*b]) {
            let mut slots = group.to_vec();
            slots.sort_unstable();
            let mut order = group.to_vec();
            order.sort_by_key(|&c| (state[c], tie(c), c));
            for (&slot, &old) in slots.iter().zip(&order) {
                perm[old] = slot as ClientIx;
            }
        }
    }
    if perm.iter().enumerate().all(|(i, &p)| i == p as usize) {
        return;
    }
    let Some(script_map) = script_permutation(m, &pending, &perm) else {
        return; // a digest collision: the scripts did not match after all
    };
    apply(m, w, msgs, timers, &perm, &script_map);
}

/// The semantics a key is for: they differ in how timers due at one
/// instant are ordered, hence in which clients are interchangeable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Semantics {
    /// Untimed search: timers due at one instant fire in a fixed order
    /// (deadlines by `Timer` order, then arming order).
    Untimed,
    /// Windowed search: ordinary timers that are not script entries tie
    /// both ways with everything at their instant; deadlines still fire in
    /// `Timer` order.
    Windowed,
}

/// The clients client symmetry may move in the untimed search (members of
/// a class of two or more).
pub fn movable(m: &Model) -> Vec<usize> {
    classes(m, Semantics::Untimed)
        .iter()
        .flatten()
        .copied()
        .collect()
}

/// Whether two clients have the same settings, apart from the name and the
/// shared resources (store, device, scope) that [`classes`] compares.
fn same_settings(a: &ClientConfig, b: &ClientConfig) -> bool {
    let ClientConfig {
        name: _,
        store: _,
        device: _,
        scope: _,
        strategy,
        proactive,
        retries,
        recheck_store,
        newest_wins,
        readable,
        reads_rt,
        on_refresh_failure,
        timeout,
        refresh_retries,
        after_logout,
        preflight,
    } = a;
    *strategy == b.strategy
        && *proactive == b.proactive
        && *retries == b.retries
        && *recheck_store == b.recheck_store
        && *newest_wins == b.newest_wins
        && *readable == b.readable
        && *reads_rt == b.reads_rt
        && *on_refresh_failure == b.on_refresh_failure
        && *timeout == b.timeout
        && *refresh_retries == b.refresh_retries
        && *after_logout == b.after_logout
        && *preflight == b.preflight
}

/// Whether a client may trade places at all. Clients with deadlines of
/// their own are left out: deadlines due at one instant fire in `Timer`
/// order, which follows the client index (`PreflightExpiry(c, _)`,
/// `CallTimeout`, `RefreshTimeout`). Clients with a proactive timer are
/// left out of the untimed search only: there ordinary timers due at one
/// instant fire in arming order, and the proactive timers of the clients on
/// one store are armed in index order (`proactive::arm_proactive`). In the
/// windowed search a proactive timer (`Ordinary`, armed from a mark, never
/// `When::At`) ties both ways with every event at its instant, so neither
/// its index nor its arming order decides anything (docs/performance.md
/// "Client symmetry"). Swapping excluded clients could merge states whose
/// futures differ: `audit_symmetry` and `audit_windowed_symmetry` fail at
/// once without this exclusion.
fn timerless(c: &ClientConfig, semantics: Semantics) -> bool {
    let proactive_ok = semantics == Semantics::Windowed || c.proactive.is_none();
    proactive_ok && !c.preflight && c.timeout.is_none()
}

/// A shared resource as a class compares it: a private one (used by this
/// client alone) is permuted with the client, a shared one must be the same.
fn resource(index: Option<u8>, users: usize) -> Option<Option<u8>> {
    match index {
        Some(_) if users == 1 => None,
        other => Some(other),
    }
}

/// The classes of interchangeable clients with at least two members, each
/// in ascending index order: same settings, no timers of their own that
/// `semantics` orders by index, and the same or private store, device and
/// scope.
fn classes(m: &Model, semantics: Semantics) -> &[Vec<usize>] {
    let slot = match semantics {
        Semantics::Untimed => 0,
        Semantics::Windowed => 1,
    };
    m.client_classes[slot].get_or_init(|| find_classes(m, semantics))
}

/// Clients grouped by settings and by how they share resources.
fn find_classes(m: &Model, semantics: Semantics) -> Vec<Vec<usize>> {
    let users = |f: &dyn Fn(&ClientConfig) -> Option<u8>, v: Option<u8>| {
        m.clients.iter().filter(|c| f(c) == v).count()
    };
    let key = |c: &ClientConfig| {
        let store = resource(Some(c.store), users(&|x| Some(x.store), Some(c.store)));
        let device = resource(Some(c.device), users(&|x| Some(x.device), Some(c.device)));
        let scope = resource(c.scope, users(&|x| x.scope, c.scope));
        (store, device, scope)
    };
    let mut classes: Vec<Vec<usize>> = Vec::new();
    for (i, c) in m.clients.iter().enumerate() {
        if !timerless(c, semantics) {
            continue;
        }
        let found = classes.iter_mut().find(|class| {
            let first = &m.clients[class[0]];
            same_settings(first, c) && key(first) == key(c)
        });
        match found {
            Some(class) => class.push(i),
            None => classes.push(vec![i]),
        }
    }
    classes.retain(|class| class.len() > 1);
    classes
}

/// Per client: a digest of the multiset of pending script entries naming
/// it, with its index erased.
fn script_signatures(m: &Model, pending: &[u16]) -> Vec<u64> {
    let mut out = vec![0u64; m.clients.len()];
    for &i in pending {
        let (at, step) = m.script[i as usize];
        if let Some(c) = step_client(step) {
            let erased = rename_step(step, &|_| ANY);
            out[c] =
                out[c].wrapping_add(super::symmetry::mix(super::symmetry::digest(&(at, erased))));
        }
    }
    out
}

/// The renaming of pending script entries that goes with `perm`: entry `i`
/// maps to the first unused pending entry with the same `at` and the step
/// σ(step `i`). `None` when the pending script is not invariant under σ.
fn script_permutation(m: &Model, pending: &[u16], perm: &[ClientIx]) -> Option<Vec<(u16, u16)>> {
    let sigma = |c: ClientIx| perm[c as usize];
    let mut used = vec![false; pending.len()];
    let mut map = Vec::with_capacity(pending.len());
    for &i in pending {
        let (at, step): (Millis, Step) = m.script[i as usize];
        let want = (at, rename_step(step, &sigma));
        let k = (0..pending.len()).find(|&k| !used[k] && m.script[pending[k] as usize] == want)?;
        used[k] = true;
        map.push((i, pending[k]));
    }
    Some(map)
}

/// Per client: a digest of its state, its store, flight and `refreshed`
/// entries, and of every pending message and timer naming it, all with
/// client indexes and request numbers erased (so the digest does not
/// depend on how clients or requests are numbered). Equal digests mean
/// interchangeable except on a collision, which only costs dedup.
fn state_signatures(m: &Model, w: &World, msgs: &[Msg], timers: &[Timer]) -> Vec<u64> {
    use super::symmetry::{digest, mix};
    let erase = |_: ClientIx| ANY;
    let erase_id = |id: RequestId| RequestId {
        client: ANY,
        number: if id.number == 0 { 0 } else { 1 },
    };
    let mut out: Vec<u64> = Vec::with_capacity(m.clients.len());
    for (c, config) in m.clients.iter().enumerate() {
        // The state without its requests (they name no client), digested
        // as it was with them taken out: no copy of the requests.
        let source = &w.clients[c];
        let mut state = ClientState {
            requests: Vec::new(),
            proactive_awaited: source.proactive_awaited.clone(),
            ..*source
        };
        rename_client_state(&mut state, &erase);
        let mut sig = digest(&state);
        for r in &source.requests {
            sig = sig.wrapping_add(mix(digest(r)));
        }
        sig = sig.wrapping_add(mix(digest(&w.stores[config.store as usize])));
        if let Some(scope) = config.scope {
            let mut flight = w.flights[scope as usize];
            if let Some(x) = flight.as_mut() {
                rename_flight(x, &erase, &erase_id);
            }
            sig = sig.wrapping_add(mix(digest(&flight)));
        }
        for (device, at) in w.refreshed.iter() {
            if *device == config.device {
                sig = sig.wrapping_add(mix(digest(at)));
            }
        }
        out.push(sig);
    }
    let mut note = |named: &[bool], d: u64| {
        for (c, _) in named.iter().enumerate().filter(|(_, n)| **n) {
            out[c] = out[c].wrapping_add(mix(d));
        }
    };
    let named = std::cell::RefCell::new(vec![false; m.clients.len()]);
    let record = |c: ClientIx| {
        named.borrow_mut()[c as usize] = true;
        ANY
    };
    let record_id = |id: RequestId| RequestId {
        client: record(id.client),
        number: if id.number == 0 { 0 } else { 1 },
    };
    for msg in msgs {
        let mut copy = *msg;
        rename_msg(&mut copy, &record, &record_id);
        note(&named.borrow(), digest(&copy));
        named.borrow_mut().fill(false);
    }
    for timer in timers {
        if let Timer::Script(_) = timer {
            continue; // compared by `script_signatures`
        }
        let mut copy = *timer;
        rename_timer(&mut copy, &record, &record_id, &[]);
        note(&named.borrow(), digest(&copy));
        named.borrow_mut().fill(false);
    }
    out
}

/// Per client: the least rank of the pending messages and timers naming
/// it (`u32::MAX` when none does), a tie-break between equal signatures.
fn least_ranks(m: &Model, msgs: &[Msg], timers: &[Timer], ranks: &Ranks<'_>) -> Vec<u32> {
    let least = std::cell::RefCell::new(vec![u32::MAX; m.clients.len()]);
    let rank = std::cell::Cell::new(u32::MAX);
    let record = |c: ClientIx| {
        let mut l = least.borrow_mut();
        l[c as usize] = l[c as usize].min(rank.get());
        c
    };
    let record_id = |id: RequestId| RequestId {
        client: record(id.client),
        number: id.number,
    };
    for (k, msg) in msgs.iter().enumerate() {
        rank.set(ranks.msgs[k]);
        rename_msg(&mut msg.clone(), &record, &record_id);
    }
    for (k, timer) in timers.iter().enumerate() {
        rank.set(ranks.timers[k]);
        rename_timer(&mut timer.clone(), &record, &record_id, &[]);
    }
    least.into_inner()
}

/// Applies the client permutation `perm` (old index → new index) and the
/// matching script renaming to the state and the pending events.
fn apply(
    m: &Model,
    w: &mut World,
    msgs: &mut [Msg],
    timers: &mut [Timer],
    perm: &[ClientIx],
    script: &[(u16, u16)],
) {
    let f = |c: ClientIx| perm[c as usize];
    let g = |id: RequestId| RequestId {
        client: perm[id.client as usize],
        number: id.number,
    };
    let resource_map = |count: usize, of: &dyn Fn(&ClientConfig) -> Option<u8>| {
        let mut map: Vec<u8> =
            (0..u8::try_from(count).expect("validated: at most 255 clients")).collect();
        for (old, config) in m.clients.iter().enumerate() {
            if let (Some(from), Some(to)) = (of(config), of(&m.clients[perm[old] as usize])) {
                map[from as usize] = to;
            }
        }
        map
    };
    let stores = resource_map(m.store_count, &|c| Some(c.store));
    let scopes = resource_map(m.scope_count, &|c| c.scope);
    let devices_used = m
        .clients
        .iter()
        .map(|c| c.device as usize + 1)
        .max()
        .unwrap_or(0);
    let devices = resource_map(devices_used, &|c| Some(c.device));
    rename_world(w, &f, &g, &stores, &scopes, &devices, perm);
    msgs.iter_mut().for_each(|msg| rename_msg(msg, &f, &g));
    timers
        .iter_mut()
        .for_each(|t| rename_timer(t, &f, &g, script));
}
