//! The client and network half of the v1.1 invariants and outcomes
//! (`no_clobber`, the store clause of `logout_is_final`, network errors,
//! per-link faults), decided by exhaustive exploration like `tests.rs`, plus
//! the lost-answer resend found by random runs and single runs.

use super::tests::{scenario, verdict, RACE};
use super::{explore, ExploreOptions, Verdict};
use crate::scenario::Invariant;

const FAILED_REFRESH: &str = r#"{"name": "clobber", "horizon": "20m",
  "auth": {"reuse": "reject"},
  "clients": [{"name": "tab1", "on_refresh_failure": "POLICY"}],
  "script": [{"at": "0s", "do": "login", "client": "tab1"},
             SCRIPT],
  "check": ["no_clobber"]}"#;

#[test]
fn a_losing_refresh_that_clears_the_store_violates_no_clobber() {
    let json = FAILED_REFRESH.replace("POLICY", "clear").replace(
        "SCRIPT",
        r#"{"at": "16m", "do": "request", "client": "tab1", "count": 2}"#,
    );
    assert_eq!(verdict(&json, Invariant::NoClobber), Verdict::Violated);
}

#[test]
fn clearing_only_the_pair_whose_refresh_failed_holds_no_clobber() {
    let json = FAILED_REFRESH.replace("POLICY", "clear").replace(
        "SCRIPT",
        r#"{"at": "1m", "do": "revoke_all"},
           {"at": "16m", "do": "request", "client": "tab1", "count": 2}"#,
    );
    assert_eq!(verdict(&json, Invariant::NoClobber), Verdict::Holds);
}

const LOGOUT_DURING_REFRESH: &str = r#"{"name": "resurrect", "horizon": "20m",
  "clients": [{"name": "tab1", "after_logout": "AFTER"}],
  "script": [{"at": "0s", "do": "login", "client": "tab1"},
             {"at": "16m", "do": "request", "client": "tab1"},
             {"at": "960100ms", "do": "logout", "client": "tab1"}],
  "check": ["logout_is_final", "no_error_while_refresh_valid"]}"#;

#[test]
fn storing_a_refresh_answer_after_logout_violates_logout_is_final() {
    let json = LOGOUT_DURING_REFRESH.replace("AFTER", "store");
    assert_eq!(verdict(&json, Invariant::LogoutIsFinal), Verdict::Violated);
}

#[test]
fn discarding_refresh_answers_after_logout_holds_logout_is_final() {
    let json = LOGOUT_DURING_REFRESH.replace("AFTER", "discard");
    assert_eq!(verdict(&json, Invariant::LogoutIsFinal), Verdict::Holds);
    assert_eq!(
        verdict(&json, Invariant::NoErrorWhileRefreshValid),
        Verdict::Holds
    );
}

const LOST_CALL: &str = r#"{"name": "lost", "horizon": "20m",
  "network": {"links": {"client->resource": {"drop": 0.5}}},
  "clients": [{"name": "tab1", "timeout": TIMEOUT}],
  "script": [{"at": "0s", "do": "login", "client": "tab1"},
             {"at": "1m", "do": "request", "client": "tab1"}],
  "check": ["requests_complete", "no_error_while_refresh_valid"]}"#;

#[test]
fn a_lost_call_with_no_timeout_violates_requests_complete() {
    let json = LOST_CALL.replace("TIMEOUT", "null");
    assert_eq!(
        verdict(&json, Invariant::RequestsComplete),
        Verdict::Violated
    );
}

#[test]
fn a_timed_out_call_is_a_complete_network_error_not_a_session_error() {
    let json = LOST_CALL.replace("TIMEOUT", r#""10s""#);
    assert_eq!(verdict(&json, Invariant::RequestsComplete), Verdict::Holds);
    assert_eq!(
        verdict(&json, Invariant::NoErrorWhileRefreshValid),
        Verdict::Holds
    );
}

const LOST_ANSWER: &str = r#"{"name": "fapi", "horizon": "20m",
  "network": {"links": {"auth->client": {"drop": 0.5}}},
  "clients": [{"name": "tab1", "timeout": "10s", "refresh_retries": RESENDS}],
  "script": [{"at": "0s", "do": "login", "client": "tab1"},
             {"at": "16m", "do": "request", "client": "tab1"}],
  "check": ["no_error_while_refresh_valid", "requests_complete",
            "single_refresh_per_expiry"]}"#;

#[test]
fn resending_a_refresh_whose_answer_was_lost_violates_no_error_while_refresh_valid() {
    let json = LOST_ANSWER.replace("RESENDS", "1");
    assert_eq!(
        verdict(&json, Invariant::NoErrorWhileRefreshValid),
        Verdict::Violated
    );
    assert_eq!(
        verdict(&json, Invariant::SingleRefreshPerExpiry),
        Verdict::Holds,
        "a resend is not a second refresh"
    );
}

#[test]
fn a_lost_refresh_answer_without_resends_is_a_network_error() {
    let json = LOST_ANSWER.replace("RESENDS", "0");
    assert_eq!(
        verdict(&json, Invariant::NoErrorWhileRefreshValid),
        Verdict::Holds
    );
    assert_eq!(verdict(&json, Invariant::RequestsComplete), Verdict::Holds);
}

#[test]
fn single_flight_reading_the_rt_at_request_violates_no_error_while_refresh_valid() {
    let json = RACE.replace(
        r#""refresh": "STRATEGY""#,
        r#""refresh": "single_flight", "reads_rt": "at_request""#,
    );
    assert_eq!(
        verdict(&json, Invariant::NoErrorWhileRefreshValid),
        Verdict::Violated
    );
}

#[test]
fn random_runs_and_single_runs_also_find_the_lost_answer_resend() {
    let s = scenario(&LOST_ANSWER.replace("RESENDS", "1"));
    let options = ExploreOptions {
        strategy: Some(crate::check::Strategy::Random),
        runs: Some(500),
        ..Default::default()
    };
    let report = explore(&s, &options).expect("explores");
    let random = report
        .invariants
        .iter()
        .find(|r| r.invariant == Invariant::NoErrorWhileRefreshValid)
        .expect("checked");
    assert_eq!(random.verdict, Verdict::Violated);
    let trace = random
        .trace
        .as_ref()
        .expect("a violation carries its trace");
    assert_eq!(&crate::check::replay(trace).expect("replays"), trace);
    let violating_run = (0..500).find_map(|seed| {
        let (report, trace) = crate::check::run(&s, seed).expect("runs");
        report
            .invariants
            .iter()
            .any(|r| r.verdict == Verdict::Violated)
            .then_some(trace)
    });
    let trace = violating_run.expect("one of 500 seeds drops the answer");
    assert_eq!(&crate::check::replay(&trace).expect("replays"), &trace);
}

const DUPLICATING_LINK: &str = r#"{"name": "dup", "horizon": "20m",
  "network": {"links": {"LINK": {"duplicate": 0.5}}},
  "clients": [{"name": "tab1"}],
  "script": [{"at": "0s", "do": "login", "client": "tab1"},
             {"at": "16m", "do": "request", "client": "tab1"}],
  "check": ["no_error_while_refresh_valid"]}"#;

#[test]
fn a_per_link_duplicate_only_faults_its_own_link() {
    let refresh = DUPLICATING_LINK.replace("LINK", "client->auth");
    assert_eq!(
        verdict(&refresh, Invariant::NoErrorWhileRefreshValid),
        Verdict::Violated,
        "a duplicated refresh is a reuse"
    );
    let answers = DUPLICATING_LINK.replace("LINK", "resource->client");
    assert_eq!(
        verdict(&answers, Invariant::NoErrorWhileRefreshValid),
        Verdict::Holds,
        "a duplicated 401 is ignored"
    );
}

#[test]
fn a_network_error_reads_as_one_and_not_as_a_session_error() {
    use crate::model::msg::{ErrorCause, RequestId};
    use crate::model::{Fact, Model};
    let model = Model::build(&scenario(&LOST_ANSWER.replace("RESENDS", "0")));
    let fact = Fact::NetworkError {
        request: RequestId {
            client: 0,
            number: 1,
        },
        cause: ErrorCause::RefreshTimedOut,
    };
    let note = crate::check::explain::note(&model, &fact).expect("a network error is noted");
    assert_eq!(
        note,
        "tab1.req1 shows a network error: the refresh timed out (not a session error)"
    );
    assert_eq!(crate::check::judge::broken_by(&fact), None);
}

/// Every combination of the client failure-handling fields, under lost and
/// late answers and a logout racing the refreshes: exploration never panics
/// (the model's assertions hold) and every counterexample replays. Bounds
/// are small: this exercises exhaustive search and the random runs after it.
#[test]
fn every_combination_of_the_failure_fields_explores_and_replays() {
    let base = r#"{"name": "sweep", "horizon": "20m",
      "network": {"links": {"auth->client": {"drop": 0.1}}},
      "clients": [{"name": "tab1", "refresh": "STRATEGY", "reads_rt": "READS",
                   "on_refresh_failure": "FAILURE", "timeout": "100ms",
                   "refresh_retries": RESENDS, "after_logout": "AFTER",
                   "recheck_store": RECHECK}],
      "script": [{"at": "0s", "do": "login", "client": "tab1"},
                 {"at": "16m", "do": "request", "client": "tab1", "count": 2},
                 {"at": "960100ms", "do": "logout", "client": "tab1"}],
      "explore": {"max_states": 3000, "runs": 100}}"#;
    let mut explored = 0;
    for strategy in ["naive", "single_flight"] {
        for reads in ["at_refresh", "at_request"] {
            for failure in ["keep", "clear"] {
                for resends in ["0", "1"] {
                    for after in ["discard", "store"] {
                        for recheck in ["false", "true"] {
                            let json = base
                                .replace("STRATEGY", strategy)
                                .replace("READS", reads)
                                .replace("FAILURE", failure)
                                .replace("RESENDS", resends)
                                .replace("AFTER", after)
                                .replace("RECHECK", recheck);
                            let report = explore(&scenario(&json), &ExploreOptions::default())
                                .expect("explores");
                            for r in &report.invariants {
                                if let Some(trace) = &r.trace {
                                    let replayed = crate::check::replay(trace);
                                    assert_eq!(replayed.as_ref().ok(), Some(trace), "{json}");
                                }
                            }
                            explored += 1;
                        }
                    }
                }
            }
        }
    }
    assert_eq!(explored, 64);
}
