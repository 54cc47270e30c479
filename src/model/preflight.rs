//! Preflight (docs/semantics.md "Preflight", v1.1 client field `preflight`): before a
//! call with a stored AT the client compares that AT's `exp` with its own
//! clock (skew included) and, if it has passed, refreshes first.
//!
//! Handlers never read the clock, so "has it passed on my clock?" is a fact
//! a timer maintains: each client with `preflight` keeps one deadline timer,
//! [`Timer::PreflightExpiry`], armed for the AT in its store at that AT's
//! `exp` on the client's clock, re-armed whenever the store is written (by
//! it or by a tab sharing the store) and whenever a `skew` applies. Firing
//! records the AT as expired in the client's state. Being a deadline, it
//! takes effect before anything else at its instant: a request starting
//! exactly at `exp` finds the AT expired.
//!
//! A preflight refresh goes through the client's refresh strategy as a 401
//! for the expired AT would (naive: its own refresh; single_flight and
//! cross_tab: join the flight in progress or start one), so it counts for
//! `single_refresh_per_expiry` with the expired AT as its trigger. It
//! re-sends nothing, so it costs no retry: the call that follows a
//! preflight at a request's start is its first call. See
//! docs/semantics.md "Preflight".

use super::client;
use super::msg::{ClientIx, RequestId, Timer};
use super::token::At;
use super::{refresh, Mark, Model, Out, World};
use crate::engine::{Urgency, When};

/// True when `client` has `preflight` and its clock says `at` has expired.
pub fn expired_on_clock(m: &Model, w: &World, client: ClientIx, at: At) -> bool {
    m.clients[client as usize].preflight && w.clients[client as usize].preflight_expired == Some(at)
}

/// A request starts with `at`, read from the store in this step: its first
/// call, or — when `at` has expired on the client's clock — a refresh first
/// (its call then follows with the new AT, without spending a retry).
pub fn call_stored(m: &Model, w: &mut World, id: RequestId, at: At, out: &mut Out) {
    if expired_on_clock(m, w, id.client, at) {
        w.request_mut(id).preflight_pending = true;
        refresh_first(m, w, id, at, out);
    } else {
        client::call(m, w, id, at, out);
    }
}

/// single_flight / cross_tab: after a 401 the request retries with the
/// newer AT its store holds — unless that AT too has expired on the
/// client's clock; then it refreshes first and retries with the new AT (the
/// retry is a re-send and costs one of `retries`; the refresh costs none).
pub fn retry_stored(m: &Model, w: &mut World, id: RequestId, at: At, out: &mut Out) {
    if expired_on_clock(m, w, id.client, at) {
        refresh_first(m, w, id, at, out);
    } else {
        client::retry(m, w, id, at, out);
    }
}

/// Refreshes for the stored AT `expired` through the client's strategy, as
/// a 401 for it would. `last_at` records it, so a failed refresh's
/// `recheck_store` only takes a pair newer than the AT it would not send.
fn refresh_first(m: &Model, w: &mut World, id: RequestId, expired: At, out: &mut Out) {
    w.request_mut(id).last_at = Some(expired);
    refresh::on_unauthorized(m, w, id, expired, out);
}

/// The preflight timer of `client` fired for `at`: if `at` is still the
/// stored AT, the client's clock now says it has expired.
pub fn on_expiry(m: &Model, w: &mut World, client: ClientIx, at: At) {
    let store = m.clients[client as usize].store;
    let state = &mut w.clients[client as usize];
    if state.preflight_armed == Some(at) {
        state.preflight_armed = None;
    }
    if w.stores[store as usize].pair.is_some_and(|p| p.at == at) {
        state.preflight_expired = Some(at);
    }
}

/// (Re-)arms the preflight timer of `client` for the AT its store holds now,
/// at that AT's `exp` on the client's clock. An AT already known to be
/// expired stays so (a clock that went back clears the knowledge first, see
/// [`clock_went_back`]); an AT whose issue mark is gone has expired at the
/// auth server, and with no negative skew in the scenario (marks are kept
/// otherwise) on every client's clock too.
pub fn arm(m: &Model, w: &mut World, client: ClientIx, out: &mut Out) {
    if !m.clients[client as usize].preflight {
        return;
    }
    let held = w.stores[m.clients[client as usize].store as usize]
        .pair
        .map(|p| p.at);
    let marked = held.is_some_and(|at| w.at(at).marked);
    let state = &mut w.clients[client as usize];
    if let Some(armed) = state.preflight_armed.take() {
        out.cancel(Timer::PreflightExpiry(client, armed));
    }
    if state.preflight_expired != held {
        state.preflight_expired = None;
    }
    let Some(at) = held.filter(|at| state.preflight_expired != Some(*at)) else {
        return;
    };
    if !marked {
        state.preflight_expired = Some(at);
        return;
    }
    state.preflight_armed = Some(at);
    let offset = m.access_ttl as i64 - state.skew_ms;
    out.timer(
        Timer::PreflightExpiry(client, at),
        When::FromMark(Mark::Issued(at), offset),
        Urgency::Deadline,
    );
}

/// A negative `skew` moved the client's clock back: an AT it found expired
/// may be valid again on it, so the knowledge is dropped and [`arm`] decides
/// anew.
pub fn clock_went_back(w: &mut World, client: ClientIx) {
    w.clients[client as usize].preflight_expired = None;
}
