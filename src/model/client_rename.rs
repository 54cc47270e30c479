//! The client renaming of `client_symmetry.rs`: one function per type that
//! carries a client index, each destructuring its type exhaustively so that
//! a new field or variant does not compile until it says how it moves.

use super::client::ClientState;
use super::msg::{Caller, ClientIx, Msg, Refresher, RequestId, Timer};
use super::refresh::Flight;
use super::World;
use crate::scenario::Step;

/// Moves a list's items: item `i` goes to `map[i]`.
pub(super) fn permute<T: Clone>(items: &mut [T], map: &[u8]) {
    let old = items.to_vec();
    for (i, item) in old.into_iter().enumerate() {
        items[map[i] as usize] = item;
    }
}

pub(super) type ClientFn<'a> = &'a dyn Fn(ClientIx) -> ClientIx;
pub(super) type RequestFn<'a> = &'a dyn Fn(RequestId) -> RequestId;

pub(super) fn rename_world(
    w: &mut World,
    f: ClientFn,
    g: RequestFn,
    store_map: &[u8],
    scope_map: &[u8],
    device_map: &[u8],
    perm: &[ClientIx],
) {
    let World {
        stores,      // token pairs and families only; moved with private stores
        clients,     // moved, and their refreshers renamed
        flights,     // moved with private scopes, owners renamed
        auth: _,     // token records only
        denylist: _, // AT ids only
        attacker: _, // thefts, calls and replays only
        refreshed,   // (device, AT) pairs: devices renamed
    } = w;
    permute(stores, store_map);
    clients.iter_mut().for_each(|c| rename_client_state(c, f));
    permute(clients, perm);
    flights
        .iter_mut()
        .flatten()
        .for_each(|x| rename_flight(x, f, g));
    permute(flights, scope_map);
    for (device, _) in refreshed.iter_mut() {
        *device = device_map[*device as usize];
    }
    refreshed.sort_unstable();
}

pub(super) fn rename_client_state(c: &mut ClientState, f: ClientFn) {
    let ClientState {
        requests: _, // phases, retries and tokens: no client index
        skew_ms: _,
        proactive_armed: _,
        proactive_fired: _,
        proactive_sent: _,
        proactive_awaited, // proactive refreshers name their client
        preflight_armed: _,
        preflight_expired: _,
    } = c;
    let g = |id: RequestId| RequestId {
        client: f(id.client),
        number: id.number,
    };
    proactive_awaited
        .iter_mut()
        .for_each(|(r, _)| rename_refresher(r, f, &g));
}

pub(super) fn rename_flight(x: &mut Flight, f: ClientFn, g: RequestFn) {
    let Flight { owner } = x;
    rename_refresher(owner, f, g);
}

fn rename_caller(c: &mut Caller, g: RequestFn) {
    match c {
        Caller::Request(id) => *id = g(*id),
        Caller::Attacker(_) => {}
    }
}

pub(super) fn rename_refresher(r: &mut Refresher, f: ClientFn, g: RequestFn) {
    match r {
        Refresher::Request(id) | Refresher::RequestResend(id, _) => *id = g(*id),
        Refresher::Proactive(c, _) | Refresher::ProactiveResend(c, _, _) => *c = f(*c),
        Refresher::Attacker(_) => {}
    }
}

pub(super) fn rename_msg(msg: &mut Msg, f: ClientFn, g: RequestFn) {
    match msg {
        Msg::Api { from, at: _ } => rename_caller(from, g),
        Msg::ApiReply { to, at: _, ok: _ } => rename_caller(to, g),
        Msg::DenyCheck { caller, at: _ } => rename_caller(caller, g),
        Msg::DenyReply {
            caller,
            at: _,
            revoked: _,
        } => rename_caller(caller, g),
        Msg::Refresh { from, rt: _ } => rename_refresher(from, f, g),
        Msg::RefreshOk {
            to,
            presented: _,
            at: _,
            rt: _,
        } => rename_refresher(to, f, g),
        Msg::RefreshErr { to, rt: _ } => rename_refresher(to, f, g),
        Msg::Commit {
            to,
            rt: _,
            grace: _,
        } => rename_refresher(to, f, g),
        Msg::Logout { client, rt: _ } => *client = f(*client),
        Msg::Deny { at: _ } => {}
    }
}

/// Renames a timer's client; `Script(i)` becomes the entry `script` maps
/// `i` to (unchanged when `script` does not list it).
pub(super) fn rename_timer(timer: &mut Timer, f: ClientFn, g: RequestFn, script: &[(u16, u16)]) {
    match timer {
        Timer::CallTimeout(id) => *id = g(*id),
        Timer::RefreshTimeout(r) => rename_refresher(r, f, g),
        Timer::Proactive(c) | Timer::PreflightExpiry(c, _) => *c = f(*c),
        Timer::Script(i) => {
            if let Some(&(_, to)) = script.iter().find(|(from, _)| from == i) {
                *i = to;
            }
        }
        Timer::AtExpiry(_)
        | Timer::AtResourceExpiry(_)
        | Timer::RtExpiry(_)
        | Timer::FamilyExpiry(_)
        | Timer::GraceEnd(_)
        | Timer::AttackerWindow(_) => {}
    }
}

/// The step with its client renamed.
pub(super) fn rename_step(step: Step, f: &dyn Fn(ClientIx) -> ClientIx) -> Step {
    let g = |c: usize| f(c as ClientIx) as usize;
    match step {
        Step::Login { client } => Step::Login { client: g(client) },
        Step::Request { client, count } => Step::Request {
            client: g(client),
            count,
        },
        Step::Logout { client } => Step::Logout { client: g(client) },
        Step::Steal { client, token } => Step::Steal {
            client: g(client),
            token,
        },
        Step::Skew { client, by_ms } => Step::Skew {
            client: g(client),
            by_ms,
        },
        Step::RevokeAll | Step::Attack { .. } => step,
    }
}

/// The client a script step acts on, if any.
pub(super) fn step_client(step: Step) -> Option<usize> {
    match step {
        Step::Login { client }
        | Step::Request { client, .. }
        | Step::Logout { client }
        | Step::Steal { client, .. }
        | Step::Skew { client, .. } => Some(client),
        Step::RevokeAll | Step::Attack { .. } => None,
    }
}
