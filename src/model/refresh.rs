//! Client refresh strategies (docs/scenario-format.md `refresh`, `reads_rt`, `recheck_store`,
//! `after_logout`): what a request does on a 401, who refreshes, who waits,
//! and what happens when the answer comes. A new strategy is a new arm in
//! [`on_unauthorized`] and, if it shares refreshes, a scope in `config.rs`.
//! Timeouts, resends and `on_refresh_failure` live in `failure.rs`; the
//! proactive timer in `proactive.rs`.

use super::client::{self, Phase};
use super::msg::{ClientIx, ErrorCause, Fact, Msg, Refresher, RequestId, Timer};
use super::token::{At, Family, Pair, Rt};
use super::{attacker, failure, preflight, Model, Out, World};
use crate::engine::{Urgency, When};
use crate::scenario::{AfterLogout, ReadsRt};

pub use super::proactive::{arm_one, arm_proactive, on_proactive};

/// The refresh in flight for a single-flight scope (a client, or a device
/// for cross_tab). A resend after a timeout takes the flight over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Flight {
    pub owner: Refresher,
}

/// How a client refresh ended, as its request and the scope's waiters see
/// it: the new pair, or why there is none.
pub type Outcome = Result<(At, Rt), ErrorCause>;

/// A request got a 401 for `at` and has a retry left. With `reads_rt:
/// at_request` the "older AT → retry with the stored AT" rule does not apply:
/// the request never re-reads the store, so single-flight only covers the
/// window in which a refresh is in flight.
pub fn on_unauthorized(m: &Model, w: &mut World, id: RequestId, at: At, out: &mut Out) {
    let config = &m.clients[id.client as usize];
    let Some(scope) = config.scope else {
        return start_refresh(m, w, id, at, out); // naive
    };
    let rereads = config.reads_rt == ReadsRt::AtRefresh;
    let stored = w.stores[config.store as usize].pair;
    match stored {
        Some(pair) if rereads && pair.at > at => preflight::retry_stored(m, w, id, pair.at, out),
        _ if w.flights[scope as usize].is_some() => {
            w.request_mut(id).phase = Phase::Waiting { trigger: at };
        }
        _ => start_refresh(m, w, id, at, out),
    }
}

/// The request refreshes with the RT its store holds now (`at_refresh`) or
/// the one it holds itself (`at_request`).
fn start_refresh(m: &Model, w: &mut World, id: RequestId, trigger: At, out: &mut Out) {
    let config = &m.clients[id.client as usize];
    let rt = match config.reads_rt {
        ReadsRt::AtRefresh => w.stores[config.store as usize].pair.map(|p| p.rt),
        ReadsRt::AtRequest => w.request(id).held_rt,
    };
    let Some(rt) = rt else {
        let family = w.at(trigger).family;
        return client::session_error(m, w, id, Some(family), ErrorCause::EmptyStore, out);
    };
    w.request_mut(id).phase = Phase::Refreshing {
        rt,
        trigger,
        attempt: 0,
    };
    send_refresh(m, w, id.client, Refresher::Request(id), rt, trigger, out);
}

/// Sends a client's first refresh for `trigger`, counting it for
/// `single_refresh_per_expiry` (resends go through [`dispatch`] only).
pub fn send_refresh(
    m: &Model,
    w: &mut World,
    client: ClientIx,
    owner: Refresher,
    rt: Rt,
    trigger: At,
    out: &mut Out,
) {
    let device = m.clients[client as usize].device;
    let key = (device, trigger);
    let repeat = match w.refreshed.binary_search(&key) {
        Ok(_) => true,
        Err(i) => {
            w.refreshed.insert(i, key);
            false
        }
    };
    out.fact(Fact::RefreshSent {
        device,
        trigger,
        repeat,
        refresher: owner,
    });
    dispatch(m, w, client, owner, rt, out);
}

/// Puts a client refresh (a first send or a resend) on the network: it takes
/// the scope's flight and arms its timeout, if the client has one.
pub fn dispatch(m: &Model, w: &mut World, client: ClientIx, by: Refresher, rt: Rt, out: &mut Out) {
    let config = &m.clients[client as usize];
    if let Some(scope) = config.scope {
        w.flights[scope as usize] = Some(Flight { owner: by });
    }
    out.send(Msg::Refresh { from: by, rt });
    if let Some(timeout) = config.timeout {
        out.timer(
            Timer::RefreshTimeout(by),
            When::After(timeout),
            Urgency::Deadline,
        );
    }
}

/// The client a (non-attacker) refresher belongs to.
pub fn client_of(by: Refresher) -> ClientIx {
    match by.origin() {
        Refresher::Request(id) => id.client,
        Refresher::Proactive(c, _) => c,
        other => unreachable!("not a client refresher: {other:?}"),
    }
}

/// The RT `by` presented, if it still waits for that answer; `None` for a
/// duplicate answer, or a late one after a timeout or a resend.
pub fn awaited_rt(w: &World, by: Refresher) -> Option<Rt> {
    match by.origin() {
        Refresher::Request(id) => match w.request(id).phase {
            Phase::Refreshing { rt, attempt, .. } if attempt == by.attempt() => Some(rt),
            _ => None,
        },
        Refresher::Proactive(c, _) => w.clients[c as usize]
            .proactive_awaited
            .iter()
            .find(|(r, _)| *r == by)
            .map(|&(_, rt)| rt),
        Refresher::Attacker(_) => None,
        resend => unreachable!("origin is never a resend: {resend:?}"),
    }
}

/// `by` no longer waits: its timeout is cancelled, its flight released.
pub fn stop_waiting(m: &Model, w: &mut World, by: Refresher, out: &mut Out) {
    let client = client_of(by);
    if m.clients[client as usize].timeout.is_some() {
        out.cancel(Timer::RefreshTimeout(by));
    }
    if let Refresher::Proactive(c, _) = by.origin() {
        w.clients[c as usize]
            .proactive_awaited
            .retain(|(r, _)| *r != by);
    }
    if let Some(scope) = m.clients[client as usize].scope {
        if w.flights[scope as usize] == Some(Flight { owner: by }) {
            w.flights[scope as usize] = None;
        }
    }
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
    if let Refresher::Attacker(n) = to {
        return attacker::on_refresh_answer(w, n, ok);
    }
    if awaited_rt(w, to) != Some(presented) {
        return; // a duplicate, or a late answer it no longer waits for
    }
    stop_waiting(m, w, to, out);
    let client = client_of(to);
    let outcome = match ok {
        Some((at, rt)) => receive(m, w, client, at, rt, out),
        None => {
            failure::apply_policy(m, w, client, presented, out);
            Err(ErrorCause::RefreshRejected)
        }
    };
    finish(m, w, to, presented, outcome, out);
}

/// Stores a received pair — unless the store sent this family's logout and
/// the client discards such answers (`after_logout: discard`).
fn receive(m: &Model, w: &mut World, client: ClientIx, at: At, rt: Rt, out: &mut Out) -> Outcome {
    let config = &m.clients[client as usize];
    let pair = Pair {
        family: w.at(at).family,
        rt,
        at,
    };
    let logged_out = w.stores[config.store as usize].is_logged_out(pair.family);
    if logged_out && config.after_logout == AfterLogout::Discard {
        return Err(ErrorCause::DiscardedAfterLogout);
    }
    store_pair(m, w, config.store, pair, out);
    Ok((at, rt))
}

/// The refresh of `by` ended: its request and the scope's waiters learn how.
pub fn finish(
    m: &Model,
    w: &mut World,
    by: Refresher,
    presented: Rt,
    outcome: Outcome,
    out: &mut Out,
) {
    let family = w.rt(presented).family;
    if let Refresher::Request(id) = by.origin() {
        settle(m, w, id, outcome, Some(family), out);
    }
    if let Some(scope) = m.clients[client_of(by) as usize].scope {
        wake_waiters(m, w, scope, outcome, out);
    }
}

/// Writes a received pair into a store and re-arms proactive timers. A
/// stored pair of a family this store sent the logout of is recorded
/// (`logout_is_final`, judged per store).
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
        if w.stores[store as usize].is_logged_out(pair.family) {
            out.fact(Fact::StoredAfterLogout {
                store,
                written: pair,
            });
        }
        arm_proactive(m, w, store, out);
    }
}

/// A request's refresh (its own or its scope's) ended: retry or fail.
fn settle(
    m: &Model,
    w: &mut World,
    id: RequestId,
    outcome: Outcome,
    family: Option<Family>,
    out: &mut Out,
) {
    match outcome {
        Ok((at, rt)) => {
            let request = w.request_mut(id);
            if request.held_rt.is_some() {
                request.held_rt = Some(rt); // at_request: it holds what it got
            }
            client::call_after_refresh(m, w, id, at, out);
        }
        Err(cause @ (ErrorCause::RefreshRejected | ErrorCause::RefreshTimedOut)) => {
            recheck_or_fail(m, w, id, family, cause, out)
        }
        Err(cause) => client::session_error(m, w, id, family, cause, out),
    }
}

/// `recheck_store`: after a failed refresh (rejected or timed out), retry
/// with a newer stored pair; otherwise a session error, or a network error
/// for a timeout.
fn recheck_or_fail(
    m: &Model,
    w: &mut World,
    id: RequestId,
    family: Option<Family>,
    cause: ErrorCause,
    out: &mut Out,
) {
    let config = &m.clients[id.client as usize];
    let request = w.request(id);
    let newer = w.stores[config.store as usize]
        .pair
        .filter(|p| Some(p.at) > request.last_at && client::may_call(request));
    match newer {
        Some(pair) if config.recheck_store => {
            let request = w.request_mut(id);
            if request.held_rt.is_some() {
                request.held_rt = Some(pair.rt);
            }
            client::call_after_refresh(m, w, id, pair.at, out)
        }
        _ if cause.is_network() => client::network_error(m, w, id, cause, out),
        _ => client::session_error(m, w, id, family, cause, out),
    }
}

/// Every request waiting on `scope` learns the outcome of its refresh.
fn wake_waiters(m: &Model, w: &mut World, scope: u8, outcome: Outcome, out: &mut Out) {
    for (c, config) in m.clients.iter().enumerate() {
        if config.scope != Some(scope) {
            continue;
        }
        for n in 0..w.clients[c].requests.len() {
            let id = RequestId {
                client: c as ClientIx,
                number: u16::try_from(n + 1).expect("validated: at most 65535 requests per client"),
            };
            if let Phase::Waiting { trigger } = w.request(id).phase {
                let family = Some(w.at(trigger).family);
                settle(m, w, id, outcome, family, out);
            }
        }
    }
}
