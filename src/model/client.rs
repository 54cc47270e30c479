//! Clients and their requests: start a burst of API calls from the store,
//! react to 200 / 401, retry with a new AT, end in a payload, a user-visible
//! session error, or a network error (a `timeout` with no retry left). What
//! to do on a 401 — refresh, wait, or retry with a newer stored AT — is the
//! refresh strategy's call (`refresh.rs`).

use super::msg::{Caller, ClientIx, ErrorCause, Fact, Msg, RequestId, Timer};
use super::token::{At, Family, Rt};
use super::{ghost, preflight, refresh, Model, Out, World};
use crate::engine::{Urgency, When};
use crate::scenario::ReadsRt;

/// Per-client state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ClientState {
    /// Requests in start order; `tab1.reqN` is `requests[N - 1]`.
    pub requests: Vec<Request>,
    /// Accumulated `skew` (ms; positive = clock ahead).
    pub skew_ms: i64,
    /// The AT the proactive timer is armed for.
    pub proactive_armed: Option<At>,
    /// The last AT the proactive timer fired for (at most once per AT).
    pub proactive_fired: Option<At>,
    /// Proactive refreshes sent so far (names `tab1.proactiveN`).
    pub proactive_sent: u16,
    /// Proactive refreshes (or their resends) still waiting for an answer,
    /// with the RT they presented; any other answer is late or a duplicate.
    pub proactive_awaited: Vec<(super::msg::Refresher, Rt)>,
    /// `preflight`: the AT its `PreflightExpiry` timer is armed for.
    pub preflight_armed: Option<At>,
    /// `preflight`: the stored AT this client's clock says has expired. It
    /// names one AT, so a fresh AT written to the store is not covered.
    pub preflight_expired: Option<At>,
}

/// Where a request is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Phase {
    /// An API call with this AT is in flight.
    Calling {
        at: At,
    },
    /// Its own refresh with this RT is in flight; `trigger` got the 401;
    /// `attempt` counts resends after timeouts (0 = the first send).
    Refreshing {
        rt: Rt,
        trigger: At,
        attempt: u8,
    },
    /// Waiting for its scope's in-flight refresh.
    Waiting {
        trigger: At,
    },
    Done(End),
}

/// How a request ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum End {
    Payload,
    SessionError,
    /// A call or refresh timed out with no retry left: visible to the user,
    /// not a session error, and complete (docs/scenario-format.md `timeout`).
    NetworkError,
}

/// One API request of a client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Request {
    pub phase: Phase,
    pub retries_left: u8,
    /// The AT of its latest call, or of the stored AT a preflight found
    /// expired and refreshed instead of sending (what `recheck_store`
    /// compares against).
    pub last_at: Option<At>,
    /// `reads_rt: at_request` only: the RT of the pair the request read when
    /// it started, replaced by the RT of each refresh answer it gets (and of
    /// the pair a `recheck_store` retry re-read). Its refreshes present this
    /// RT and never read the store. `None` for `at_refresh` clients, so
    /// their states stay as small as before.
    pub held_rt: Option<Rt>,
    /// `preflight`: it refreshed before its first call and has not called
    /// yet, so the call that follows is no re-send and costs no retry.
    pub preflight_pending: bool,
}

impl Request {
    pub fn is_done(&self) -> bool {
        matches!(self.phase, Phase::Done(_))
    }
}

/// `count` concurrent requests start in one step from the same store read.
pub fn start(m: &Model, w: &mut World, client: ClientIx, count: u32, out: &mut Out) {
    let held = w.stores[m.clients[client as usize].store as usize].pair;
    for _ in 0..count {
        let state = &mut w.clients[client as usize];
        let id = RequestId {
            client,
            number: u16::try_from(state.requests.len() + 1)
                .expect("validated: at most 65535 requests per client"),
        };
        state.requests.push(Request {
            phase: Phase::Done(End::SessionError),
            retries_left: m.clients[client as usize].retries,
            last_at: held.map(|p| p.at),
            held_rt: held
                .filter(|_| m.clients[client as usize].reads_rt == ReadsRt::AtRequest)
                .map(|p| p.rt),
            preflight_pending: false,
        });
        match held {
            Some(pair) => preflight::call_stored(m, w, id, pair.at, out),
            None => session_error(m, w, id, None, ErrorCause::EmptyStore, out),
        }
    }
}

/// Sends the API call with `at` (a first call; retries go through
/// [`retry`]) and arms its timeout, if the client has one.
pub(super) fn call(m: &Model, w: &mut World, id: RequestId, at: At, out: &mut Out) {
    let req = w.request_mut(id);
    req.phase = Phase::Calling { at };
    req.last_at = Some(at);
    req.preflight_pending = false;
    out.send(Msg::Api {
        from: Caller::Request(id),
        at,
    });
    if let Some(timeout) = m.clients[id.client as usize].timeout {
        out.timer(
            Timer::CallTimeout(id),
            When::After(timeout),
            Urgency::Deadline,
        );
    }
}

/// Re-sends the API call with a newer AT, spending one retry.
pub fn retry(m: &Model, w: &mut World, id: RequestId, at: At, out: &mut Out) {
    let req = w.request_mut(id);
    assert!(req.retries_left > 0, "retry without a retry left");
    req.retries_left -= 1;
    call(m, w, id, at, out);
}

/// Sends the call that follows a refresh (or a `recheck_store` re-read)
/// with `at`: a retry, or the first call of a request whose preflight
/// refreshed before it had called, which re-sends nothing and costs none.
pub fn call_after_refresh(m: &Model, w: &mut World, id: RequestId, at: At, out: &mut Out) {
    if w.request(id).preflight_pending {
        call(m, w, id, at, out)
    } else {
        retry(m, w, id, at, out)
    }
}

/// True when the request may still send a call: its first one is pending
/// (after a preflight refresh), or it has a retry left.
pub fn may_call(request: &Request) -> bool {
    request.preflight_pending || request.retries_left > 0
}

/// The resource server answered this request's call.
pub fn on_api_reply(m: &Model, w: &mut World, id: RequestId, at: At, ok: bool, out: &mut Out) {
    if w.request(id).phase != (Phase::Calling { at }) {
        return; // a duplicate, or a late answer after a timeout
    }
    if m.clients[id.client as usize].timeout.is_some() {
        out.cancel(Timer::CallTimeout(id));
    }
    if ok {
        super::dead::end(m, w, id, End::Payload);
        out.fact(Fact::Completed { request: id });
    } else if w.request(id).retries_left == 0 {
        let family = w.at(at).family;
        session_error(m, w, id, Some(family), ErrorCause::NoRetryLeft, out);
    } else {
        refresh::on_unauthorized(m, w, id, at, out);
    }
}

/// Ends a request in a user-visible session error and records whether the
/// session was in fact still valid (docs/invariants.md `no_error_while_refresh_valid`).
pub fn session_error(
    m: &Model,
    w: &mut World,
    id: RequestId,
    family: Option<Family>,
    cause: ErrorCause,
    out: &mut Out,
) {
    super::dead::end(m, w, id, End::SessionError);
    let session = ghost::session_validity(w, family);
    out.fact(Fact::SessionError {
        request: id,
        family,
        cause,
        session,
    });
}

/// The request's API call got no answer within `timeout`: a network error
/// (API calls are not resent; `retries` counts 401 retries only).
pub fn on_call_timeout(m: &Model, w: &mut World, id: RequestId, out: &mut Out) {
    if matches!(w.request(id).phase, Phase::Calling { .. }) {
        network_error(m, w, id, ErrorCause::CallTimedOut, out);
    }
}

/// Ends a request in a network error: visible, complete, not a session error.
pub fn network_error(m: &Model, w: &mut World, id: RequestId, cause: ErrorCause, out: &mut Out) {
    assert!(cause.is_network(), "not a network error: {cause:?}");
    super::dead::end(m, w, id, End::NetworkError);
    out.fact(Fact::NetworkError { request: id, cause });
}

/// Requests that neither got a payload nor ended in an error.
pub fn incomplete(w: &World) -> impl Iterator<Item = RequestId> + '_ {
    w.clients.iter().enumerate().flat_map(|(c, state)| {
        state
            .requests
            .iter()
            .enumerate()
            .filter(|(_, r)| !r.is_done())
            .map(move |(n, _)| RequestId {
                client: c as ClientIx,
                number: u16::try_from(n + 1).expect("validated: at most 65535 requests per client"),
            })
    })
}
