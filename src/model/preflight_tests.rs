//! Hand-driven tests of `preflight` (docs/semantics.md "Preflight", v1.1): the expiry
//! timer on the client's clock, the refresh before the call, and how it
//! goes through the client's refresh strategy. Each drives one interleaving
//! with [`Manual`]; timer times are read from what the model armed.

use super::client::Phase;
use super::msg::{Caller, Fact, Msg, Refresher, RequestId, Timer};
use super::tests::{req, Manual};
use super::token::{At, Rt};
use super::Mark;
use crate::engine::When;

const FIFTEEN_MINUTES: i64 = 15 * 60 * 1000;

const ONE_CLIENT: &str = r#"{
  "name": "t", "horizon": "1h",
  "clients": [{"name": "tab1", CLIENT}],
  "script": [{"at": "0s", "do": "login", "client": "tab1"},
             {"at": "16m", "do": "request", "client": "tab1", "count": COUNT}
             SKEW]
}"#;

fn manual(client: &str, count: u32, skew: &str) -> Manual {
    let json = ONE_CLIENT
        .replace("CLIENT", client)
        .replace("COUNT", &count.to_string())
        .replace("SKEW", skew);
    Manual::new(&json)
}

/// Login, AT1 expires at the auth server and on tab1's clock, then the
/// request(s) start.
fn start_after_expiry(manual: &mut Manual) {
    manual.fire(Timer::Script(0));
    manual.fire(Timer::AtExpiry(At(1)));
    manual.fire(Timer::PreflightExpiry(0, At(1)));
    manual.fire(Timer::Script(1));
}

fn count(manual: &Manual, pick: impl Fn(&Msg) -> bool) -> usize {
    manual.in_flight.iter().filter(|m| pick(m)).count()
}

fn refreshes_sent(manual: &Manual) -> Vec<(At, bool)> {
    manual
        .facts
        .iter()
        .filter_map(|f| match f {
            Fact::RefreshSent {
                trigger, repeat, ..
            } => Some((*trigger, *repeat)),
            _ => None,
        })
        .collect()
}

fn preflight_timer(manual: &Manual, at: At) -> Vec<i64> {
    manual
        .armed
        .iter()
        .filter_map(|(timer, when)| match (timer, when) {
            (Timer::PreflightExpiry(0, a), When::FromMark(Mark::Issued(m), offset))
                if *a == at && *m == at =>
            {
                Some(*offset)
            }
            _ => None,
        })
        .collect()
}

#[test]
fn a_request_refreshes_before_calling_when_its_at_expired_on_the_clock() {
    let mut m = manual(r#""preflight": true"#, 1, "");
    start_after_expiry(&mut m);
    assert_eq!(count(&m, |msg| matches!(msg, Msg::Api { .. })), 0);
    let refresh = Msg::Refresh {
        from: Refresher::Request(req(1)),
        rt: Rt(1),
    };
    assert_eq!(m.in_flight, vec![refresh]);
    assert_eq!(refreshes_sent(&m), vec![(At(1), false)], "trigger: AT1");
    m.deliver(|msg| matches!(msg, Msg::Refresh { .. }));
    m.deliver(|msg| matches!(msg, Msg::RefreshOk { .. }));
    m.deliver(|msg| matches!(msg, Msg::Api { at: At(2), .. }));
    assert_eq!(
        m.world.request(req(1)).retries_left,
        1,
        "the call after a preflight is the first one, not a retry"
    );
    m.deliver(|msg| matches!(msg, Msg::ApiReply { ok: true, .. }));
    assert!(m.world.request(req(1)).is_done());
    assert!(m.session_errors().is_empty());
}

#[test]
fn a_fresh_at_is_sent_as_is_and_the_new_one_gets_its_own_timer() {
    let mut m = manual(r#""preflight": true"#, 1, "");
    m.fire(Timer::Script(0));
    assert_eq!(preflight_timer(&m, At(1)), vec![FIFTEEN_MINUTES]);
    m.fire(Timer::Script(1));
    assert_eq!(
        count(&m, |msg| matches!(msg, Msg::Api { at: At(1), .. })),
        1
    );
    m.fire(Timer::AtExpiry(At(1)));
    m.fire(Timer::PreflightExpiry(0, At(1)));
    m.deliver(|msg| matches!(msg, Msg::Api { .. }));
    m.deliver(|msg| matches!(msg, Msg::ApiReply { ok: false, .. }));
    m.deliver(|msg| matches!(msg, Msg::Refresh { .. }));
    m.deliver(|msg| matches!(msg, Msg::RefreshOk { .. }));
    assert_eq!(m.world.clients[0].preflight_expired, None, "AT2 is fresh");
    assert_eq!(preflight_timer(&m, At(2)), vec![FIFTEEN_MINUTES]);
    assert_eq!(m.world.request(req(1)).retries_left, 0, "a 401 retry");
}

#[test]
fn without_preflight_no_timer_is_armed_and_the_expired_at_is_sent() {
    let mut m = manual(r#""preflight": false"#, 1, "");
    start_after_expiry(&mut m);
    assert!(preflight_timer(&m, At(1)).is_empty());
    assert_eq!(
        count(&m, |msg| matches!(msg, Msg::Api { at: At(1), .. })),
        1
    );
}

#[test]
fn a_skew_ahead_arms_the_timer_earlier_and_one_behind_later() {
    let skews = r#", {"at": "1m", "do": "skew", "client": "tab1", "by": "2m"},
                     {"at": "2m", "do": "skew", "client": "tab1", "by": "-5m"}"#;
    let mut m = manual(r#""preflight": true"#, 1, skews);
    m.fire(Timer::Script(0));
    m.fire(Timer::Script(2));
    let ahead = FIFTEEN_MINUTES - 2 * 60 * 1000;
    assert_eq!(preflight_timer(&m, At(1)), vec![FIFTEEN_MINUTES, ahead]);
    m.fire(Timer::PreflightExpiry(0, At(1)));
    assert_eq!(m.world.clients[0].preflight_expired, Some(At(1)));
    m.fire(Timer::Script(3));
    assert_eq!(
        m.world.clients[0].preflight_expired, None,
        "the clock went back: AT1 is valid again on it"
    );
    let behind = FIFTEEN_MINUTES + 3 * 60 * 1000;
    assert_eq!(preflight_timer(&m, At(1)).last(), Some(&behind));
}

#[test]
fn single_flight_requests_join_one_preflight_refresh_and_spend_no_retry() {
    let mut m = manual(r#""refresh": "single_flight", "preflight": true"#, 2, "");
    start_after_expiry(&mut m);
    assert_eq!(count(&m, |msg| matches!(msg, Msg::Refresh { .. })), 1);
    assert_eq!(
        m.world.request(req(2)).phase,
        Phase::Waiting { trigger: At(1) }
    );
    m.deliver(|msg| matches!(msg, Msg::Refresh { .. }));
    m.deliver(|msg| matches!(msg, Msg::RefreshOk { .. }));
    assert_eq!(
        count(&m, |msg| matches!(msg, Msg::Api { at: At(2), .. })),
        2
    );
    for _ in 0..2 {
        m.deliver(|msg| matches!(msg, Msg::Api { .. }));
    }
    // Checked while the calls are answered: a finished request forgets
    // its retries (`dead.rs`).
    for n in 1..=2 {
        assert_eq!(m.world.request(req(n)).retries_left, 1, "req{n}");
    }
    for _ in 0..2 {
        m.deliver(|msg| matches!(msg, Msg::ApiReply { ok: true, .. }));
    }
    assert!(m.session_errors().is_empty());
    assert_eq!(refreshes_sent(&m), vec![(At(1), false)]);
}

#[test]
fn naive_requests_each_refresh_before_calling() {
    let mut m = manual(r#""preflight": true"#, 2, "");
    start_after_expiry(&mut m);
    let with_rt1 = |msg: &Msg| matches!(msg, Msg::Refresh { rt: Rt(1), .. });
    assert_eq!(count(&m, with_rt1), 2);
    assert_eq!(refreshes_sent(&m), vec![(At(1), false), (At(1), true)]);
}

#[test]
fn a_stored_at_that_expired_on_the_clock_is_refreshed_before_the_retry() {
    let json = r#"{
      "name": "t", "horizon": "1h",
      "clients": [
        {"name": "tab1", "device": "laptop", "storage": "local_storage",
         "refresh": "single_flight", "preflight": true},
        {"name": "tab2", "device": "laptop", "storage": "local_storage"}],
      "script": [{"at": "0s", "do": "login", "client": "tab1"},
                 {"at": "14m", "do": "request", "client": "tab1"},
                 {"at": "15m", "do": "request", "client": "tab2"}]
    }"#;
    let mut m = Manual::new(json);
    let tab2 = RequestId {
        client: 1,
        number: 1,
    };
    m.fire(Timer::Script(0));
    m.fire(Timer::Script(1));
    m.fire(Timer::AtExpiry(At(1)));
    m.fire(Timer::PreflightExpiry(0, At(1)));
    m.fire(Timer::Script(2));
    m.deliver(|msg| matches!(msg, Msg::Api { from: Caller::Request(r), .. } if *r == tab2));
    m.deliver(|msg| matches!(msg, Msg::ApiReply { to: Caller::Request(r), .. } if *r == tab2));
    m.deliver(|msg| matches!(msg, Msg::Refresh { .. }));
    m.deliver(|msg| matches!(msg, Msg::RefreshOk { .. }));
    // Time passes on tab1's clock until AT2, now stored, has expired too.
    m.fire(Timer::PreflightExpiry(0, At(2)));
    m.deliver(|msg| matches!(msg, Msg::Api { from: Caller::Request(r), .. } if *r == req(1)));
    m.deliver(|msg| matches!(msg, Msg::ApiReply { to: Caller::Request(r), .. } if *r == req(1)));
    let refresh = Msg::Refresh {
        from: Refresher::Request(req(1)),
        rt: Rt(2),
    };
    assert!(m.in_flight.contains(&refresh), "{:?}", m.in_flight);
    m.deliver(|msg| *msg == refresh);
    m.deliver(|msg| matches!(msg, Msg::RefreshOk { at: At(3), .. }));
    assert_eq!(
        count(&m, |msg| matches!(msg, Msg::Api { at: At(3), .. })),
        1
    );
    assert_eq!(
        m.world.request(req(1)).retries_left,
        0,
        "the retry costs one"
    );
}
