//! What a failed client refresh does (docs/scenario-format.md `timeout`, `refresh_retries`,
//! `on_refresh_failure`): a refresh with no answer within `timeout` is sent
//! again with the same RT while resends are left (the FAPI 2.0 case: if the
//! server had rotated, the resend is a reuse), then fails with a network
//! error; a failed refresh — rejected, or timed out with no resend left —
//! leaves the store alone (`keep`) or empties it (`clear`).

use super::client::Phase;
use super::msg::{ClientIx, ErrorCause, Fact, Refresher};
use super::refresh::{self, arm_proactive};
use super::token::Rt;
use super::{Model, Out, World};
use crate::scenario::OnRefreshFailure;

/// The timeout of refresh `by` fired.
pub fn on_refresh_timeout(m: &Model, w: &mut World, by: Refresher, out: &mut Out) {
    let Some(rt) = refresh::awaited_rt(w, by) else {
        return; // answered meanwhile (its timeout is cancelled then; be safe)
    };
    let client = refresh::client_of(by);
    if by.attempt() < m.clients[client as usize].refresh_retries {
        return resend(m, w, client, by, rt, out);
    }
    refresh::stop_waiting(m, w, by, out);
    apply_policy(m, w, client, rt, out);
    refresh::finish(m, w, by, rt, Err(ErrorCause::RefreshTimedOut), out);
}

/// Sends the refresh of `by` again with the same RT; any answer to an
/// earlier send is ignored from now on. A resend is not a new refresh for
/// `single_refresh_per_expiry` (docs/invariants.md "Read precisely").
fn resend(m: &Model, w: &mut World, client: ClientIx, by: Refresher, rt: Rt, out: &mut Out) {
    let next = by.resend();
    match by.origin() {
        Refresher::Request(id) => {
            if let Phase::Refreshing { attempt, .. } = &mut w.request_mut(id).phase {
                *attempt = next.attempt();
            }
        }
        _ => {
            let awaited = &mut w.clients[client as usize].proactive_awaited;
            if let Some(entry) = awaited.iter_mut().find(|(r, _)| *r == by) {
                entry.0 = next;
            }
        }
    }
    refresh::dispatch(m, w, client, next, rt, out);
}

/// `on_refresh_failure` after a refresh with `presented` failed. `clear`
/// empties the store whatever it holds — also a newer pair another request
/// or tab stored meanwhile, which is what `no_clobber` flags.
pub fn apply_policy(m: &Model, w: &mut World, client: ClientIx, presented: Rt, out: &mut Out) {
    let config = &m.clients[client as usize];
    if config.on_refresh_failure == OnRefreshFailure::Keep {
        return;
    }
    let Some(wiped) = w.stores[config.store as usize].pair.take() else {
        return;
    };
    let presented_family = w.rt(presented).family;
    let clobber = (wiped.family, wiped.rt) > (presented_family, presented);
    out.fact(Fact::StoreCleared {
        store: config.store,
        presented,
        wiped,
        clobber,
    });
    arm_proactive(m, w, config.store, out);
}
