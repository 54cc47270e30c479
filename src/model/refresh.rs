//! Client refresh strategies (SPEC §1 `refresh`, `proactive`, `recheck_store`):
//! what a request does on a 401, who refreshes, who waits, and what happens
//! when the answer comes. A new strategy is a new arm in [`on_unauthorized`]
//! and, if it shares refreshes, a scope in `config.rs`.

use super::client::{self, Phase};
use super::msg::{ClientIx, ErrorCause, Fact, Msg, Refresher, RequestId, Timer};
use super::token::{At, Pair, Rt};
use super::{attacker, Mark, Model, Out, World};
use crate::engine::{Urgency, When};

/// The refresh in flight for a single-flight scope (a client, or a device
/// for cross_tab).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Flight {
    pub owner: Refresher,
}

/// A request got a 401 for `at` and has a retry left.
pub fn on_unauthorized(m: &Model, w: &mut World, id: RequestId, at: At, out: &mut Out) {
    let config = &m.clients[id.client as usize];
    let Some(scope) = config.scope else {
        return start_refresh(m, w, id, at, out); // naive
    };
    let stored = w.stores[config.store as usize].pair;
    match stored {
        Some(pair) if pair.at > at => client::retry(w, id, pair.at, out),
        _ if w.flights[scope as usize].is_some() => {
            w.request_mut(id).phase = Phase::Waiting { trigger: at };
        }
        _ => start_refresh(m, w, id, at, out),
    }
}

/// The request refreshes with the RT its store holds now.
fn start_refresh(m: &Model, w: &mut World, id: RequestId, trigger: At, out: &mut Out) {
    let config = &m.clients[id.client as usize];
    let Some(pair) = w.stores[config.store as usize].pair else {
        let family = w.at(trigger).family;
        return client::session_error(w, id, Some(family), ErrorCause::EmptyStore, out);
    };
    w.request_mut(id).phase = Phase::Refreshing {
        rt: pair.rt,
        trigger,
    };
    send_refresh(
        m,
        w,
        id.client,
        Refresher::Request(id),
        pair.rt,
        trigger,
        out,
    );
}

fn send_refresh(
    m: &Model,
    w: &mut World,
    client: ClientIx,
    owner: Refresher,
    rt: Rt,
    trigger: At,
    out: &mut Out,
) {
    let config = &m.clients[client as usize];
    if let Some(scope) = config.scope {
        w.flights[scope as usize] = Some(Flight { owner });
    }
    let key = (config.device, trigger);
    let repeat = match w.refreshed.binary_search(&key) {
        Ok(_) => true,
        Err(i) => {
            w.refreshed.insert(i, key);
            false
        }
    };
    out.fact(Fact::RefreshSent {
        device: config.device,
        trigger,
        repeat,
        refresher: owner,
    });
    out.send(Msg::Refresh { from: owner, rt });
}

/// The proactive timer of `client` fired.
pub fn on_proactive(m: &Model, w: &mut World, client: ClientIx, out: &mut Out) {
    let config = &m.clients[client as usize];
    let state = &mut w.clients[client as usize];
    let Some(armed) = state.proactive_armed.take() else {
        return;
    };
    let Some(pair) = w.stores[config.store as usize]
        .pair
        .filter(|p| p.at == armed)
    else {
        return; // the store moved on: nothing to refresh for this AT
    };
    state.proactive_fired = Some(armed);
    if config
        .scope
        .is_some_and(|s| w.flights[s as usize].is_some())
    {
        return; // a refresh is already in flight for this scope
    }
    let state = &mut w.clients[client as usize];
    state.proactive_sent += 1;
    let owner = Refresher::Proactive(client, state.proactive_sent);
    send_refresh(m, w, client, owner, pair.rt, armed, out);
}

/// (Re-)arms the proactive timer of every client on `store` for the AT it
/// now holds (SPEC §6: armed whenever the store is written).
pub fn arm_proactive(m: &Model, w: &mut World, store: u8, out: &mut Out) {
    for (c, config) in m.clients.iter().enumerate() {
        if config.store == store {
            arm_one(m, w, c as ClientIx, out);
        }
    }
}

/// Arms one client's proactive timer for its store's AT, on the client's own
/// clock (skew included); at most once per AT.
pub fn arm_one(m: &Model, w: &mut World, client: ClientIx, out: &mut Out) {
    let config = &m.clients[client as usize];
    let Some(lead) = config.proactive else {
        return;
    };
    out.cancel(Timer::Proactive(client));
    let held = w.stores[config.store as usize].pair;
    let state = &mut w.clients[client as usize];
    state.proactive_armed = None;
    let Some(pair) = held.filter(|p| state.proactive_fired != Some(p.at)) else {
        return;
    };
    state.proactive_armed = Some(pair.at);
    let offset = m.access_ttl as i64 - lead as i64 - state.skew_ms;
    let when = if w.at(pair.at).marked {
        When::FromMark(Mark::Issued(pair.at), offset)
    } else {
        When::After(0) // the AT has expired: its moment has passed
    };
    out.timer(Timer::Proactive(client), when, Urgency::Ordinary);
}

/// A refresh answer (`ok` = the new pair) reached `to`.
pub fn on_answer(
    m: &Model,
    w: &mut World,
    to: Refresher,
    presented: Rt,
    ok: Option<(At, Rt)>,
    out: &mut Out,
) {
    let (client, id) = match to {
        Refresher::Attacker(n) => return attacker::on_refresh_answer(w, n, ok),
        Refresher::Proactive(c, _) => (c, None),
        Refresher::Request(id) => {
            if w.request(id).phase
                != (Phase::Refreshing {
                    rt: presented,
                    trigger: trigger_of(w, id),
                })
            {
                return; // a duplicate answer it no longer waits for
            }
            (id.client, Some(id))
        }
    };
    let config = &m.clients[client as usize];
    if let Some(scope) = config.scope {
        if w.flights[scope as usize] == Some(Flight { owner: to }) {
            w.flights[scope as usize] = None;
        }
    }
    let stored = ok.and_then(|(at, rt)| {
        let pair = Pair {
            family: w.at(at).family,
            rt,
            at,
        };
        let logged_out = w.stores[config.store as usize].is_logged_out(pair.family);
        (!logged_out).then(|| store_pair(m, w, config.store, pair, out))
    });
    let family = w.rt(presented).family;
    let result = match (ok, stored) {
        (Some((at, _)), Some(())) => Ok(at),
        (Some(_), None) => Err(ErrorCause::DiscardedAfterLogout),
        (None, _) => Err(ErrorCause::RefreshRejected),
    };
    if let Some(id) = id {
        settle(m, w, id, result, Some(family), out);
    }
    if let Some(scope) = config.scope {
        wake_waiters(m, w, scope, result, out);
    }
}

fn trigger_of(w: &World, id: RequestId) -> At {
    match w.request(id).phase {
        Phase::Refreshing { trigger, .. } | Phase::Waiting { trigger } => trigger,
        _ => At(0),
    }
}

/// Writes a received pair into a store and re-arms proactive timers.
pub fn store_pair(m: &Model, w: &mut World, store: u8, pair: Pair, out: &mut Out) {
    let newest_wins = m
        .clients
        .iter()
        .find(|c| c.store == store)
        .is_some_and(|c| c.newest_wins);
    let write = w.stores[store as usize].write(pair, newest_wins);
    if write.stored {
        out.fact(Fact::StoreWrite {
            store,
            stale_against: write.stale_against,
            written: pair,
        });
        arm_proactive(m, w, store, out);
    }
}

/// A request's refresh (its own or its scope's) ended: retry or fail.
fn settle(
    m: &Model,
    w: &mut World,
    id: RequestId,
    result: Result<At, ErrorCause>,
    family: Option<super::token::Family>,
    out: &mut Out,
) {
    match result {
        Ok(at) => client::retry(w, id, at, out),
        Err(ErrorCause::RefreshRejected) => recheck_or_fail(m, w, id, family, out),
        Err(cause) => client::session_error(w, id, family, cause, out),
    }
}

/// `recheck_store`: after a failed refresh, retry with a newer stored pair.
fn recheck_or_fail(
    m: &Model,
    w: &mut World,
    id: RequestId,
    family: Option<super::token::Family>,
    out: &mut Out,
) {
    let config = &m.clients[id.client as usize];
    let request = w.request(id);
    let newer = w.stores[config.store as usize]
        .pair
        .filter(|p| Some(p.at) > request.last_at && request.retries_left > 0);
    match newer {
        Some(pair) if config.recheck_store => client::retry(w, id, pair.at, out),
        _ => client::session_error(w, id, family, ErrorCause::RefreshRejected, out),
    }
}

/// Every request waiting on `scope` learns the result of its refresh.
fn wake_waiters(
    m: &Model,
    w: &mut World,
    scope: u8,
    result: Result<At, ErrorCause>,
    out: &mut Out,
) {
    for (c, config) in m.clients.iter().enumerate() {
        if config.scope != Some(scope) {
            continue;
        }
        for n in 0..w.clients[c].requests.len() {
            let id = RequestId {
                client: c as ClientIx,
                number: n as u16 + 1,
            };
            if let Phase::Waiting { trigger } = w.request(id).phase {
                let family = Some(w.at(trigger).family);
                settle(m, w, id, result, family, out);
            }
        }
    }
}
