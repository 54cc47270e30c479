//! Hand-driven tests of the client failure handling (docs/scenario-format.md "clients",
//! v1.1): timeouts and resends, `reads_rt`, `on_refresh_failure`,
//! `after_logout`. Each drives one interleaving with [`Manual`].

use super::client::{End, Phase};
use super::msg::{ErrorCause, Fact, Msg, Refresher, Timer};
use super::tests::{req, Manual};
use super::token::{At, Rt};

const ONE_REQUEST: &str = r#"{
  "name": "t", "horizon": "1h",
  "clients": [{"name": "tab1", CLIENT}],
  "script": [{"at": "0s", "do": "login", "client": "tab1"},
             {"at": "16m", "do": "request", "client": "tab1", "count": COUNT}]
}"#;

fn manual(client: &str, count: u32) -> Manual {
    let json = ONE_REQUEST
        .replace("CLIENT", client)
        .replace("COUNT", &count.to_string());
    let mut manual = Manual::new(&json);
    manual.fire(Timer::Script(0));
    manual.fire(Timer::AtExpiry(At(1)));
    manual.fire(Timer::Script(1));
    manual
}

/// Delivers every API call and its 401, so each request has refreshed (or waits).
fn until_refreshes(manual: &mut Manual, count: u32) {
    for _ in 0..count {
        manual.deliver(|m| matches!(m, Msg::Api { .. }));
    }
    for _ in 0..count {
        manual.deliver(|m| matches!(m, Msg::ApiReply { .. }));
    }
}

fn network_errors(manual: &Manual) -> Vec<ErrorCause> {
    manual
        .facts
        .iter()
        .filter_map(|f| match f {
            Fact::NetworkError { cause, .. } => Some(*cause),
            _ => None,
        })
        .collect()
}

#[test]
fn a_late_answer_to_a_timed_out_refresh_is_ignored_and_the_resend_is_a_reuse() {
    let mut m = manual(r#""timeout": "10s", "refresh_retries": 1"#, 1);
    until_refreshes(&mut m, 1);
    m.fire(Timer::RefreshTimeout(Refresher::Request(req(1))));
    let resend = Refresher::RequestResend(req(1), 1);
    assert!(m.in_flight.contains(&Msg::Refresh {
        from: resend,
        rt: Rt(1)
    }));
    m.deliver(|msg| {
        matches!(
            msg,
            Msg::Refresh {
                from: Refresher::Request(_),
                ..
            }
        )
    });
    m.deliver(|msg| matches!(msg, Msg::RefreshOk { .. }));
    assert!(
        !m.facts
            .iter()
            .any(|f| matches!(f, Fact::StoreWrite { written, .. } if written.at == At(2))),
        "the late AT2 RT2 answer is not stored"
    );
    m.deliver(|msg| matches!(msg, Msg::Refresh { .. }));
    m.deliver(|msg| matches!(msg, Msg::RefreshErr { .. }));
    assert_eq!(m.session_errors(), vec![(req(1), Ok(()))]);
    let single = m
        .facts
        .iter()
        .filter(|f| matches!(f, Fact::RefreshSent { .. }))
        .count();
    assert_eq!(single, 1, "a resend is not counted as a refresh");
}

#[test]
fn a_refresh_timing_out_with_no_resend_left_is_a_network_error() {
    let mut m = manual(r#""timeout": "10s""#, 1);
    until_refreshes(&mut m, 1);
    m.fire(Timer::RefreshTimeout(Refresher::Request(req(1))));
    assert_eq!(network_errors(&m), vec![ErrorCause::RefreshTimedOut]);
    assert!(m.session_errors().is_empty());
    assert_eq!(
        m.world.request(req(1)).phase,
        Phase::Done(End::NetworkError)
    );
    m.deliver(|msg| matches!(msg, Msg::Refresh { .. }));
    m.deliver(|msg| matches!(msg, Msg::RefreshOk { .. }));
    assert_eq!(
        m.world.request(req(1)).phase,
        Phase::Done(End::NetworkError)
    );
}

#[test]
fn an_api_call_timing_out_is_a_network_error_and_its_late_answer_is_ignored() {
    let mut m = manual(r#""timeout": "10s""#, 1);
    m.deliver(|msg| matches!(msg, Msg::Api { .. }));
    m.fire(Timer::CallTimeout(req(1)));
    assert_eq!(network_errors(&m), vec![ErrorCause::CallTimedOut]);
    m.deliver(|msg| matches!(msg, Msg::ApiReply { .. }));
    assert!(m.in_flight.is_empty(), "no refresh after the timeout");
}

#[test]
fn reading_the_rt_at_request_replays_the_rt_the_request_started_with() {
    let mut m = manual(r#""refresh": "single_flight", "reads_rt": "at_request""#, 2);
    m.deliver(|msg| matches!(msg, Msg::Api { .. }));
    m.deliver(|msg| matches!(msg, Msg::ApiReply { .. }));
    m.deliver(|msg| matches!(msg, Msg::Refresh { .. }));
    m.deliver(|msg| matches!(msg, Msg::RefreshOk { .. }));
    m.deliver(|msg| matches!(msg, Msg::Api { at: At(1), .. }));
    m.deliver(|msg| matches!(msg, Msg::ApiReply { at: At(1), .. }));
    let late = Msg::Refresh {
        from: Refresher::Request(req(2)),
        rt: Rt(1),
    };
    assert!(m.in_flight.contains(&late), "{:?}", m.in_flight);
}

#[test]
fn reading_the_rt_at_refresh_retries_with_the_stored_at_instead() {
    let mut m = manual(r#""refresh": "single_flight""#, 2);
    m.deliver(|msg| matches!(msg, Msg::Api { .. }));
    m.deliver(|msg| matches!(msg, Msg::ApiReply { .. }));
    m.deliver(|msg| matches!(msg, Msg::Refresh { .. }));
    m.deliver(|msg| matches!(msg, Msg::RefreshOk { .. }));
    m.deliver(|msg| matches!(msg, Msg::Api { at: At(1), .. }));
    m.deliver(|msg| matches!(msg, Msg::ApiReply { at: At(1), .. }));
    assert!(!m
        .in_flight
        .iter()
        .any(|msg| matches!(msg, Msg::Refresh { .. })));
    assert_eq!(
        m.in_flight
            .iter()
            .filter(|msg| matches!(msg, Msg::Api { at: At(2), .. }))
            .count(),
        2
    );
}

#[test]
fn clearing_after_a_lost_race_wipes_the_winners_pair_and_flags_a_clobber() {
    let mut m = manual(r#""on_refresh_failure": "clear""#, 2);
    until_refreshes(&mut m, 2);
    m.deliver(
        |msg| matches!(msg, Msg::Refresh { from: Refresher::Request(r), .. } if r.number == 1),
    );
    m.deliver(|msg| matches!(msg, Msg::Refresh { .. }));
    m.deliver(|msg| matches!(msg, Msg::RefreshOk { .. }));
    m.deliver(|msg| matches!(msg, Msg::RefreshErr { .. }));
    assert!(m.facts.iter().any(|f| matches!(
        f,
        Fact::StoreCleared { clobber: true, presented: Rt(1), wiped, .. } if wiped.rt == Rt(2)
    )));
    assert_eq!(m.world.stores[0].pair, None);
}

#[test]
fn storing_an_answer_after_logout_resurrects_the_session() {
    let json = ONE_REQUEST
        .replace("CLIENT", r#""after_logout": "store""#)
        .replace("COUNT", "1")
        .replace(
            r#""count": 1}"#,
            r#""count": 1}, {"at": "16m", "do": "logout", "client": "tab1"}"#,
        );
    let mut m = Manual::new(&json);
    m.fire(Timer::Script(0));
    m.fire(Timer::AtExpiry(At(1)));
    m.fire(Timer::Script(1));
    until_refreshes(&mut m, 1);
    m.fire(Timer::Script(2));
    m.deliver(|msg| matches!(msg, Msg::Refresh { .. }));
    m.deliver(|msg| matches!(msg, Msg::RefreshOk { .. }));
    assert!(m
        .facts
        .iter()
        .any(|f| matches!(f, Fact::StoredAfterLogout { written, .. } if written.at == At(2))));
    assert_eq!(m.world.stores[0].pair.map(|p| p.rt), Some(Rt(2)));
    assert!(
        m.session_errors().is_empty(),
        "the request retries with AT2"
    );
}

#[test]
fn a_timed_out_proactive_refresh_clears_the_store_without_a_clobber() {
    let json = r#"{
      "name": "t", "horizon": "1h",
      "clients": [{"name": "tab1", "proactive": "1m", "timeout": "10s",
                   "on_refresh_failure": "clear"}],
      "script": [{"at": "0s", "do": "login", "client": "tab1"}]
    }"#;
    let mut m = Manual::new(json);
    m.fire(Timer::Script(0));
    m.fire(Timer::Proactive(0));
    let proactive = Refresher::Proactive(0, 1);
    m.fire(Timer::RefreshTimeout(proactive));
    assert!(m
        .facts
        .iter()
        .any(|f| matches!(f, Fact::StoreCleared { clobber: false, .. })));
    m.deliver(|msg| matches!(msg, Msg::Refresh { .. }));
    m.deliver(|msg| matches!(msg, Msg::RefreshOk { .. }));
    assert_eq!(m.world.stores[0].pair, None, "the late answer is ignored");
}
