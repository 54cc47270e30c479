//! What each delivery reads and writes, for partial-order reduction
//! (`engine::Footprint`; the argument is in docs/performance.md).
//!
//! Resources are coarse on purpose, one per place a handler reaches:
//! - the auth server's records (`AUTH`): every token and family record, the
//!   ghost flags included;
//! - the denylist (`DENYLIST`) and the attacker (`ATTACKER`);
//! - a *client group* (`group`): the clients joined by a shared store or a
//!   shared single-flight scope, with those stores, flights and requests. A
//!   client's handler wakes its scope's waiters and re-arms the proactive
//!   and preflight timers of every client on its store, so nothing finer is
//!   safe without mirroring each handler;
//! - per device, the "refresh already sent for this AT" entries
//!   (`REFRESHED`), which `single_refresh_per_expiry` reads and writes.
//!
//! Every client-side delivery reads `AUTH`, because the facts it may record
//! (a session error's "was the session valid?", a pair's family) read the
//! auth server's records; only a 200 answer, which ends a request with its
//! payload, does not. Timers and the fault budget are the engine's to add.
//! A new message or handler must extend [`of`] (its match is exhaustive);
//! `tests/reductions.rs` audits every pair this file calls independent.

use super::msg::{Caller, ClientIx, Msg, Refresher};
use super::{Model, World};
use crate::engine::Footprint;

const AUTH: usize = 0;
const DENYLIST: usize = 1;
const ATTACKER: usize = 2;
/// `REFRESHED + device`, for devices below `DEVICES`; others share bits.
const REFRESHED: usize = 3;
const DEVICES: usize = 8;
/// `GROUPS + group`: the rest of the protocol bits.
const GROUPS: usize = REFRESHED + DEVICES;

/// The footprint of delivering `msg` in `w`.
pub fn of(m: &Model, _w: &World, msg: &Msg) -> Footprint {
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
        Msg::Deny { .. } => none.write(DENYLIST).write(AUTH),
        Msg::Refresh { .. } | Msg::Logout { .. } | Msg::Commit { .. } => none.write(AUTH),
        Msg::ApiReply { to, ok, .. } => match to {
            Caller::Attacker(_) => none,
            Caller::Request(r) if ok => client_side(m, r.client),
            Caller::Request(r) => client_side(m, r.client).read(AUTH),
        },
        Msg::RefreshOk { to, .. } | Msg::RefreshErr { to, .. } => match to {
            Refresher::Attacker(_) => none.write(ATTACKER),
            client => client_side(m, super::refresh::client_of(client)).read(AUTH),
        },
    }
}

/// The resource server checks an AT against the auth server's records (and
/// an attacker call against its window); under `grace_until_used`
/// accepting an AT closes its parent's grace, a write.
fn resource(m: &Model, caller: Caller) -> Footprint {
    let mut f = if m.scenario.auth.grace_until_used {
        Footprint::NOTHING.write(AUTH)
    } else {
        Footprint::NOTHING.read(AUTH)
    };
    if let Caller::Attacker(_) = caller {
        f = f.read(ATTACKER);
    }
    f
}

/// A handler on `client`'s side: its group, and its device's refresh record.
fn client_side(m: &Model, client: ClientIx) -> Footprint {
    let device = m.clients[client as usize].device as usize;
    Footprint::NOTHING
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
