//! Proactive refresh (docs/scenario-format.md `proactive`, docs/semantics.md "Proactive refresh and skew"): each client with a
//! `proactive` lead keeps one timer, armed for the AT in its store whenever
//! that store is written, on the client's own clock (skew included), and
//! fired at most once per AT. What the refresh does once sent is the common
//! path of `refresh.rs`.

use super::msg::{ClientIx, Refresher, Timer};
use super::refresh;
use super::{Mark, Model, Out, World};
use crate::engine::{Urgency, When};

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
    state.proactive_awaited.push((owner, pair.rt));
    refresh::send_refresh(m, w, client, owner, pair.rt, armed, out);
}

/// (Re-)arms the clock timers (proactive, and `preflight`'s expiry timer)
/// of every client on `store` for the AT it now holds (docs/semantics.md "Proactive refresh and skew": armed
/// whenever the store is written).
pub fn arm_proactive(m: &Model, w: &mut World, store: u8, out: &mut Out) {
    for (c, config) in m.clients.iter().enumerate() {
        if config.store == store {
            arm_one(m, w, c as ClientIx, out);
        }
    }
}

/// Arms one client's clock timers for its store's AT, on the client's own
/// clock (skew included): the proactive timer (at most once per AT) and
/// the preflight expiry timer (`preflight.rs`).
pub fn arm_one(m: &Model, w: &mut World, client: ClientIx, out: &mut Out) {
    super::preflight::arm(m, w, client, out);
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
