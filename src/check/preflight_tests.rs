//! `preflight` (v1.1 client field) decided by exhaustive exploration: on the
//! two-request race of the seed, with the client's clock accurate, ahead or
//! behind. With `retries: 0` every 401 ends in a session error while the
//! session is valid, so `no_error_while_refresh_valid` holding there proves
//! that no request ever saw a 401.

use super::tests::RACE;
use super::{explore, ExploreOptions, Verdict};
use crate::scenario::error::Severity;
use crate::scenario::{self, Invariant, Scenario};

/// The race with `client` fields added to tab1 and `script` entries
/// appended. Warnings are allowed (`retries: 0` with single_flight draws
/// one); errors are not.
fn race(strategy: &str, client: &str, script: &str) -> Scenario {
    let json = RACE
        .replace(
            r#""refresh": "STRATEGY""#,
            &format!(r#""refresh": "{strategy}"{client}"#),
        )
        .replace(r#""count": 2}]"#, &format!(r#""count": 2}}{script}]"#));
    let parsed: Scenario = serde_json::from_str(&json).expect("test scenario parses");
    let errors: Vec<_> = scenario::validate(&parsed)
        .into_iter()
        .filter(|p| p.severity == Severity::Error)
        .collect();
    assert!(errors.is_empty(), "invalid test scenario: {errors:?}");
    parsed
}

fn verdict(scenario: &Scenario, invariant: Invariant) -> Verdict {
    let report = explore(scenario, &ExploreOptions::default()).expect("explores");
    let verdict = report.verdict(invariant);
    if verdict == Verdict::Violated {
        let trace = report.trace(invariant).expect("a violation has a trace");
        let replayed = super::replay(trace).expect("the counterexample replays");
        assert_eq!(&replayed, trace);
    }
    verdict
}

const PREFLIGHT: &str = r#", "preflight": true"#;
const NO_RETRY: &str = r#", "preflight": true, "retries": 0"#;

#[test]
fn preflight_with_single_flight_holds_the_race_with_one_refresh() {
    let s = race("single_flight", PREFLIGHT, "");
    assert_eq!(
        verdict(&s, Invariant::NoErrorWhileRefreshValid),
        Verdict::Holds
    );
    assert_eq!(
        verdict(&s, Invariant::SingleRefreshPerExpiry),
        Verdict::Holds
    );
}

#[test]
fn preflight_with_single_flight_never_sees_a_401_on_an_accurate_clock() {
    let with = race("single_flight", NO_RETRY, "");
    assert_eq!(
        verdict(&with, Invariant::NoErrorWhileRefreshValid),
        Verdict::Holds
    );
    // A deadline goes first at its instant: a request starting exactly at
    // AT1's exp finds it expired on the clock.
    let mut at_exp = race("single_flight", NO_RETRY, "");
    at_exp.script[1].at = scenario::Duration(15 * 60_000);
    assert_eq!(
        verdict(&at_exp, Invariant::NoErrorWhileRefreshValid),
        Verdict::Holds
    );
    let without = race("single_flight", r#", "retries": 0"#, "");
    assert_eq!(
        verdict(&without, Invariant::NoErrorWhileRefreshValid),
        Verdict::Violated,
        "without preflight the expired AT1 is sent and its 401 ends the request"
    );
}

#[test]
fn preflight_with_naive_requests_still_races_on_rt1() {
    let s = race("naive", PREFLIGHT, "");
    assert_eq!(
        verdict(&s, Invariant::NoErrorWhileRefreshValid),
        Verdict::Violated
    );
    assert_eq!(
        verdict(&s, Invariant::SingleRefreshPerExpiry),
        Verdict::Violated
    );
}

#[test]
fn a_clock_behind_sends_the_expired_at_and_gets_the_401() {
    let behind = r#", {"at": "1m", "do": "skew", "client": "tab1", "by": "-2m"}"#;
    let s = race("single_flight", NO_RETRY, behind);
    assert_eq!(
        verdict(&s, Invariant::NoErrorWhileRefreshValid),
        Verdict::Violated
    );
}

#[test]
fn a_clock_ahead_refreshes_before_the_at_expires_at_the_server() {
    // At 14m30s AT1 is valid at the server for 30s more, but tab1's clock
    // runs 1m ahead: preflight refreshes first and the calls carry AT2.
    let ahead = r#", {"at": "1m", "do": "skew", "client": "tab1", "by": "1m"}"#;
    let mut early = race("single_flight", NO_RETRY, ahead);
    early.script[1].at = scenario::Duration(14 * 60_000 + 30_000);
    let report = explore(&early, &ExploreOptions::default()).expect("explores");
    assert_eq!(
        report.verdict(Invariant::NoErrorWhileRefreshValid),
        Verdict::Holds
    );
    let (_, run) = super::run(&early, 0).expect("runs");
    let labels: Vec<&str> = run.steps.iter().map(|s| s.label.as_str()).collect();
    let refresh = labels.iter().position(|l| *l == "POST /refresh RT1");
    let call = labels.iter().position(|l| l.starts_with("GET /api"));
    assert!(refresh < call && refresh.is_some(), "{labels:?}");
    assert!(!labels.contains(&"GET /api AT1"), "{labels:?}");
}
