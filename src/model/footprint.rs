//! What each delivery reads and writes, for partial-order reduction
//! (`engine::Footprint`; the argument is in docs/performance.md).
//!
//! Resources are coarse on purpose, one per place a handler reaches:
//! - the auth server's AT records (`ATS`) and its RT and family records
//!   (`SESSIONS`), ghost flags included. Only timers and the denylist's
//!   arrival change an existing AT record; a refresh only appends new ones,
//!   which no other handler's view of an existing AT depends on, so a
//!   refresh reads `ATS` (revocation lists the live ATs) and writes
//!   `SESSIONS`;
//! - the denylist (`DENYLIST`) and the attacker (`ATTACKER`);
//! - a *client group* (`GROUPS + g`): the clients joined by a shared store
//!   or a shared single-flight scope, with those stores, flights and
//!   requests. A client's handler wakes its scope's waiters and re-arms the
//!   proactive and preflight timers of every client on its store, so
//!   nothing finer is safe without mirroring each handler;
//! - per device, the "refresh already sent for this AT" entries
//!   (`REFRESHED + d`), which `single_refresh_per_expiry` reads and writes.
//!
//! Client-side handlers read an AT's or RT's family (fixed at issue) and,
//! when they end a request in a session error, the session's validity
//! (`SESSIONS`: was it revoked, logged out, expired?). So a client-side
//! delivery reads `SESSIONS` exactly when it may end a request that way:
//! a 401 with no retry left or nothing to refresh with, a rejected refresh,
//! an answer a client discards after logout. Timers and the fault budget
//! are the engine's to add. A new message or handler must extend [`of`]
//! (its match is exhaustive); `tests/partial_order.rs` audits every pair this
//! file calls independent, state by state.

use super::client::Phase;
use super::msg::{Caller, ClientIx, Msg, Refresher, RequestId};
use super::token::At;
use super::{Model, World};
use crate::engine::Footprint;
use crate::scenario::{AfterLogout, ReadsRt};

const ATS: usize = 0;
const SESSIONS: usize = 1;
const DENYLIST: usize = 2;
const ATTACKER: usize = 3;
/// `REFRESHED + device`, for devices below `DEVICES`; others share bits.
const REFRESHED: usize = 4;
const DEVICES: usize = 8;
/// `GROUPS + group`: the rest of the protocol bits.
const GROUPS: usize = REFRESHED + DEVICES;

/// The footprint of delivering `msg` in `w`.
pub fn of(m: &Model, w: &World, msg: &Msg) -> Footprint {
    let none = Footprint::NOTHING;
    match *msg {
        Msg::Api { from, .. } => resource(m, from),
        Msg::DenyReply {
            caller, revoked, ..
        } => {
            if revoked {
                none
            } else {
                resource(m, caller)
            }
        }
        Msg::DenyCheck { .. } => none.read(DENYLIST),
        Msg::Deny { .. } => none.write(DENYLIST).write(ATS),
        Msg::Refresh { .. } | Msg::Logout { .. } | Msg::Commit { .. } => {
            none.read(ATS).write(SESSIONS)
        }
        Msg::ApiReply { to, at, ok } => match to {
            Caller::Attacker(_) => none,
            Caller::Request(r) if ok => client_side(m, r.client),
            Caller::Request(r) if may_fail(m, w, r, at) => client_side(m, r.client).read(SESSIONS),
            Caller::Request(r) => client_side(m, r.client),
        },
        Msg::RefreshOk { to, .. } => match to {
            Refresher::Attacker(_) => none.write(ATTACKER),
            client => {
                let c = super::refresh::client_of(client);
                let f = client_side(m, c);
                if m.clients[c as usize].after_logout == AfterLogout::Discard {
                    f.read(SESSIONS)
                } else {
                    f
                }
            }
        },
        Msg::RefreshErr { to, .. } => match to {
            Refresher::Attacker(_) => none.write(ATTACKER),
            client => client_side(m, super::refresh::client_of(client)).read(SESSIONS),
        },
    }
}

/// Whether a 401 answering request `r`'s call with `at` may end it in a
/// session error: it has no retry left, or nothing to refresh with (an
/// empty store for `at_refresh`, no held RT for `at_request`). Otherwise it
/// retries, waits or refreshes (`refresh::on_unauthorized`).
fn may_fail(m: &Model, w: &World, r: RequestId, at: At) -> bool {
    let request = w.request(r);
    if request.phase != (Phase::Calling { at }) {
        return false; // a duplicate or a late answer: ignored
    }
    let config = &m.clients[r.client as usize];
    request.retries_left == 0
        || match config.reads_rt {
            ReadsRt::AtRefresh => w.stores[config.store as usize].pair.is_none(),
            ReadsRt::AtRequest => request.held_rt.is_none(),
        }
}

/// The resource server checks an AT's record (and an attacker call against
/// its window); under `grace_until_used` accepting an AT closes its
/// parent's grace, a write of the RT records.
fn resource(m: &Model, caller: Caller) -> Footprint {
    let mut f = Footprint::NOTHING.read(ATS);
    if m.scenario.auth.grace_until_used {
        f = f.write(SESSIONS);
    }
    if let Caller::Attacker(_) = caller {
        f = f.read(ATTACKER);
    }
    f
}

/// A handler on `client`'s side: its group, its device's refresh record,
/// and the AT records (an AT's family, its issue mark).
fn client_side(m: &Model, client: ClientIx) -> Footprint {
    let device = m.clients[client as usize].device as usize;
    Footprint::NOTHING
        .read(ATS)
        .write(GROUPS + group_of(m, client))
        .write(REFRESHED + device % DEVICES)
}

/// The client group of `client`: the least client index reachable through
/// shared stores and single-flight scopes.
pub fn group_of(m: &Model, client: ClientIx) -> usize {
    let n = m.clients.len();
    let mut seen = vec![false; n];
    let mut stack = vec![client as usize];
    seen[client as usize] = true;
    let mut least = client as usize;
    while let Some(c) = stack.pop() {
        least = least.min(c);
        let (store, scope) = (m.clients[c].store, m.clients[c].scope);
        for (d, other) in m.clients.iter().enumerate() {
            let joined = other.store == store || (scope.is_some() && other.scope == scope);
            if joined && !seen[d] {
                seen[d] = true;
                stack.push(d);
            }
        }
    }
    least
}
