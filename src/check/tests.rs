//! One scenario that breaks each invariant and one where it holds, decided by
//! exhaustive exploration (docs/invariants.md). Scenarios are tiny so the whole file
//! runs in well under a second.

use super::{explore, ExploreOptions, Verdict};
use crate::scenario::{self, Invariant, Scenario};

/// Parses a scenario written as JSON, with a default single tab `tab1`.
pub(super) fn scenario(json: &str) -> Scenario {
    let parsed: Scenario = serde_json::from_str(json).expect("test scenario parses");
    let problems = scenario::validate(&parsed);
    assert!(problems.is_empty(), "invalid test scenario: {problems:?}");
    parsed
}

pub(super) fn verdict(json: &str, invariant: Invariant) -> Verdict {
    let report = explore(&scenario(json), &ExploreOptions::default()).expect("explores");
    let r = report
        .invariants
        .iter()
        .find(|r| r.invariant == invariant)
        .expect("invariant is checked");
    if r.verdict == Verdict::Violated {
        let trace = r.trace.as_ref().expect("a violation carries its trace");
        let replayed = super::replay(trace).expect("the counterexample replays");
        assert_eq!(&replayed, trace);
    }
    r.verdict
}

pub(super) const RACE: &str = r#"{"name": "race", "horizon": "20m",
  "clients": [{"name": "tab1", "refresh": "STRATEGY"}],
  "script": [{"at": "0s", "do": "login", "client": "tab1"},
             {"at": "16m", "do": "request", "client": "tab1", "count": 2}]}"#;

#[test]
fn naive_tabs_violate_no_error_while_refresh_valid() {
    let json = RACE.replace("STRATEGY", "naive");
    assert_eq!(
        verdict(&json, Invariant::NoErrorWhileRefreshValid),
        Verdict::Violated
    );
}

#[test]
fn single_flight_holds_no_error_while_refresh_valid() {
    let json = RACE.replace("STRATEGY", "single_flight");
    assert_eq!(
        verdict(&json, Invariant::NoErrorWhileRefreshValid),
        Verdict::Holds
    );
}

#[test]
fn naive_tabs_violate_single_refresh_per_expiry_and_single_flight_holds_it() {
    let naive = RACE.replace("STRATEGY", "naive");
    let single = RACE.replace("STRATEGY", "single_flight");
    assert_eq!(
        verdict(&naive, Invariant::SingleRefreshPerExpiry),
        Verdict::Violated
    );
    assert_eq!(
        verdict(&single, Invariant::SingleRefreshPerExpiry),
        Verdict::Holds
    );
}

const NO_ROTATION: &str = r#"{"name": "stale", "horizon": "20m",
  "auth": {"rotation": false},
  "clients": [{"name": "tab1", "store_policy": "POLICY"}],
  "script": [{"at": "0s", "do": "login", "client": "tab1"},
             {"at": "16m", "do": "request", "client": "tab1", "count": 2}]}"#;

#[test]
fn out_of_order_refresh_answers_violate_no_stale_overwrite() {
    let json = NO_ROTATION.replace("POLICY", "last_write_wins");
    assert_eq!(
        verdict(&json, Invariant::NoStaleOverwrite),
        Verdict::Violated
    );
}

#[test]
fn newest_wins_holds_no_stale_overwrite() {
    let json = NO_ROTATION.replace("POLICY", "newest_wins");
    assert_eq!(verdict(&json, Invariant::NoStaleOverwrite), Verdict::Holds);
}

const LATE: &str = r#"{"name": "late", "horizon": "10s",
  "clients": [{"name": "tab1"}],
  "script": [{"at": "0s", "do": "login", "client": "tab1"},
             {"at": "AT", "do": "request", "client": "tab1"}]}"#;

#[test]
fn a_request_started_at_the_horizon_violates_requests_complete() {
    assert_eq!(
        verdict(&LATE.replace("AT", "10s"), Invariant::RequestsComplete),
        Verdict::Violated
    );
}

#[test]
fn a_request_with_time_to_finish_holds_requests_complete() {
    assert_eq!(
        verdict(&LATE.replace("AT", "1s"), Invariant::RequestsComplete),
        Verdict::Holds
    );
}

const EDGE_OF_EXPIRY: &str = r#"{"name": "edge", "horizon": "16m",
  "resource": {"check_denylist": CHECK},
  "clients": [{"name": "tab1", "retries": 0}],
  "script": [{"at": "0s", "do": "login", "client": "tab1"},
             {"at": "899900ms", "do": "request", "client": "tab1"}],
  "check": ["expired_access_rejected"]}"#;

#[test]
fn an_at_expiring_during_the_denylist_round_trip_violates_expired_access_rejected() {
    let json = EDGE_OF_EXPIRY.replace("CHECK", "true");
    assert_eq!(
        verdict(&json, Invariant::ExpiredAccessRejected),
        Verdict::Violated
    );
}

#[test]
fn checking_exp_on_arrival_without_a_round_trip_holds_expired_access_rejected() {
    let json = EDGE_OF_EXPIRY.replace("CHECK", "false");
    assert_eq!(
        verdict(&json, Invariant::ExpiredAccessRejected),
        Verdict::Holds
    );
}

const LEEWAY_GAP: &str = r#"{"name": "gap", "horizon": "20m",
  "auth": {"denylist": true},
  "resource": {"check_denylist": true, "leeway": "LEEWAY"},
  "clients": [{"name": "tab1"}],
  "script": [{"at": "0s", "do": "login", "client": "tab1"},
             {"at": "1m", "do": "steal", "client": "tab1", "token": "access"},
             {"at": "2m", "do": "logout", "client": "tab1"},
             {"at": "930s", "do": "attack", "token": "access"}],
  "check": ["revoked_access_rejected", "no_token_theft"]}"#;

#[test]
fn a_denylist_entry_ending_before_exp_plus_leeway_violates_revoked_access_rejected() {
    let json = LEEWAY_GAP.replace("LEEWAY", "1m");
    assert_eq!(
        verdict(&json, Invariant::RevokedAccessRejected),
        Verdict::Violated
    );
}

#[test]
fn no_leeway_holds_revoked_access_rejected() {
    let json = LEEWAY_GAP.replace("LEEWAY", "0s");
    assert_eq!(
        verdict(&json, Invariant::RevokedAccessRejected),
        Verdict::Holds
    );
}

const THEFT: &str = r#"{"name": "xss", "horizon": "20m",
  "bounds": {"attacker_window": "5m"},
  "clients": [{"name": "tab1", "storage": "STORAGE"}],
  "script": [{"at": "0s", "do": "login", "client": "tab1"},
             {"at": "1m", "do": "steal", "client": "tab1", "token": "both"},
             {"at": "10m", "do": "attack", "token": "access"}],
  "check": ["no_token_theft", "attacker_window"]}"#;

#[test]
fn stealing_from_local_storage_violates_no_token_theft_and_attacker_window() {
    let json = THEFT.replace("STORAGE", "local_storage");
    assert_eq!(verdict(&json, Invariant::NoTokenTheft), Verdict::Violated);
    assert_eq!(verdict(&json, Invariant::AttackerWindow), Verdict::Violated);
}

#[test]
fn an_httponly_cookie_holds_no_token_theft_and_attacker_window() {
    let json = THEFT.replace("STORAGE", "cookie");
    assert_eq!(verdict(&json, Invariant::NoTokenTheft), Verdict::Holds);
    assert_eq!(verdict(&json, Invariant::AttackerWindow), Verdict::Holds);
}

const REPLAY: &str = r#"{"name": "replay", "horizon": "20m",
  "auth": {"reuse": "REUSE"},
  "clients": [{"name": "tab1"}],
  "script": [{"at": "0s", "do": "login", "client": "tab1"},
             {"at": "1m", "do": "steal", "client": "tab1", "token": "refresh"},
             {"at": "16m", "do": "request", "client": "tab1"},
             {"at": "17m", "do": "attack", "token": "refresh"}],
  "check": ["replay_detected", "no_error_while_refresh_valid"]}"#;

#[test]
fn reuse_detection_holds_replay_detected() {
    for reuse in ["revoke_family", "reject"] {
        let json = REPLAY.replace("REUSE", reuse);
        assert_eq!(
            verdict(&json, Invariant::ReplayDetected),
            Verdict::Holds,
            "{reuse}"
        );
    }
}

#[test]
fn a_replay_that_gets_tokens_or_spares_the_family_violates_replay_detected() {
    use crate::model::{token::Rt, Fact};
    let replay = |got_tokens, family_survived| Fact::AttackerReplay {
        rt: Rt(1),
        after_grace: true,
        got_tokens,
        family_survived,
    };
    let broken = super::judge::broken_by;
    assert_eq!(broken(&replay(true, None)), Some(Invariant::ReplayDetected));
    assert_eq!(
        broken(&replay(false, Some(true))),
        Some(Invariant::ReplayDetected)
    );
    assert_eq!(broken(&replay(false, Some(false))), None);
    assert_eq!(broken(&replay(false, None)), None);
}
