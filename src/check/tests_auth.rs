//! One scenario that breaks and one that holds each invariant the auth
//! server's (v1.1) settings bring (docs/invariants.md: `no_family_fork`,
//! `grace_parent_only`, the auth clause of `logout_is_final`), and the
//! replays a non-atomic rotation lets through (`replay_detected`). Every
//! counterexample is replayed by [`verdict`].

use super::tests::verdict;
use super::Verdict;
use crate::scenario::Invariant;

/// Two naive requests share the expired AT1 and both refresh with RT1.
const RACE: &str = r#"{"name": "race", "horizon": "17m",
  "auth": {"atomic_rotation": ATOMIC, "commit_latency": ["0ms", "50ms"]},
  "clients": [{"name": "tab1", "refresh": "STRATEGY"}],
  "script": [{"at": "0s", "do": "login", "client": "tab1"},
             {"at": "16m", "do": "request", "client": "tab1", "count": 2}],
  "check": ["no_family_fork"]}"#;

/// An atomic rotation has no commit: its latency must stay at the default.
fn atomic(json: &str) -> String {
    json.replace("ATOMIC", "true")
        .replace(
            r#""commit_latency": ["0ms", "50ms"]"#,
            r#""commit_latency": ["0ms", "0ms"]"#,
        )
        .replace(
            r#""commit_latency": ["0ms", "2s"]"#,
            r#""commit_latency": ["0ms", "0ms"]"#,
        )
}

fn race(is_atomic: bool, strategy: &str) -> String {
    let json = RACE.replace("STRATEGY", strategy);
    if is_atomic {
        atomic(&json)
    } else {
        json.replace("ATOMIC", "false")
    }
}

#[test]
fn two_refreshes_passing_a_non_atomic_check_violate_no_family_fork() {
    assert_eq!(
        verdict(&race(false, "naive"), Invariant::NoFamilyFork),
        Verdict::Violated
    );
}

#[test]
fn one_refresh_in_flight_holds_no_family_fork_without_atomic_rotation() {
    assert_eq!(
        verdict(&race(false, "single_flight"), Invariant::NoFamilyFork),
        Verdict::Holds
    );
}

#[test]
fn atomic_rotation_holds_no_family_fork_and_says_why() {
    let json = race(true, "naive");
    assert_eq!(verdict(&json, Invariant::NoFamilyFork), Verdict::Holds);
    let scenario: crate::scenario::Scenario = serde_json::from_str(&json).unwrap();
    assert!(super::judge::inapplicable(&scenario, Invariant::NoFamilyFork).is_some());
}

/// The attacker replays RT1 after the tab rotated it twice, inside RT1's grace.
const GRANDPARENT: &str = r#"{"name": "grandparent", "horizon": "14m",
  "auth": {"access_ttl": "5m", "grace": "1h", "grace_returns": "new", "grace_scope": "SCOPE"},
  "clients": [{"name": "tab1"}],
  "script": [{"at": "0s", "do": "login", "client": "tab1"},
             {"at": "1m", "do": "steal", "client": "tab1", "token": "refresh"},
             {"at": "6m", "do": "request", "client": "tab1"},
             {"at": "12m", "do": "request", "client": "tab1"},
             {"at": "13m", "do": "attack", "token": "refresh"}],
  "check": ["grace_parent_only", "replay_detected"]}"#;

#[test]
fn grace_for_any_ancestor_violates_grace_parent_only() {
    let json = GRANDPARENT.replace("SCOPE", "any_ancestor");
    assert_eq!(
        verdict(&json, Invariant::GraceParentOnly),
        Verdict::Violated
    );
    assert_eq!(
        verdict(&json, Invariant::ReplayDetected),
        Verdict::Holds,
        "a replay inside the grace window is not 'after grace'"
    );
}

#[test]
fn grace_for_the_parent_only_holds_grace_parent_only() {
    let json = GRANDPARENT.replace("SCOPE", "parent");
    assert_eq!(verdict(&json, Invariant::GraceParentOnly), Verdict::Holds);
    assert_eq!(verdict(&json, Invariant::ReplayDetected), Verdict::Holds);
}

/// The user logs out while the tab's refresh is between check and commit.
const LOGOUT: &str = r#"{"name": "logout", "horizon": "17m",
  "auth": {"atomic_rotation": ATOMIC, "commit_latency": ["0ms", "2s"]},
  "clients": [{"name": "tab1"}],
  "script": [{"at": "0s", "do": "login", "client": "tab1"},
             {"at": "16m", "do": "request", "client": "tab1"},
             {"at": "961s", "do": "logout", "client": "tab1"}],
  "check": ["logout_is_final"]}"#;

#[test]
fn a_commit_after_a_logout_violates_logout_is_final() {
    let json = LOGOUT.replace("ATOMIC", "false");
    assert_eq!(verdict(&json, Invariant::LogoutIsFinal), Verdict::Violated);
}

#[test]
fn an_atomic_rotation_holds_logout_is_final() {
    let json = atomic(LOGOUT);
    assert_eq!(verdict(&json, Invariant::LogoutIsFinal), Verdict::Holds);
}

/// The attacker replays a stolen RT1 while the tab's own refresh of RT1 is
/// in flight.
const RACING_REPLAY: &str = r#"{"name": "racing-replay", "horizon": "17m",
  "auth": {"atomic_rotation": ATOMIC},
  "clients": [{"name": "tab1"}],
  "script": [{"at": "0s", "do": "login", "client": "tab1"},
             {"at": "1m", "do": "steal", "client": "tab1", "token": "refresh"},
             {"at": "16m", "do": "request", "client": "tab1"},
             {"at": "16m", "do": "attack", "token": "refresh"}],
  "check": ["replay_detected", "no_family_fork"]}"#;

#[test]
fn a_replay_racing_a_non_atomic_rotation_violates_replay_detected() {
    let json = RACING_REPLAY.replace("ATOMIC", "false");
    assert_eq!(verdict(&json, Invariant::ReplayDetected), Verdict::Violated);
    assert_eq!(verdict(&json, Invariant::NoFamilyFork), Verdict::Violated);
}

#[test]
fn a_replay_racing_an_atomic_rotation_holds_replay_detected() {
    let json = RACING_REPLAY.replace("ATOMIC", "true");
    assert_eq!(verdict(&json, Invariant::ReplayDetected), Verdict::Holds);
}

#[test]
fn a_zero_commit_latency_still_lets_a_second_check_in_at_the_same_instant() {
    let json = race(false, "naive").replace(r#", "commit_latency": ["0ms", "50ms"]"#, "");
    assert!(!json.contains("commit_latency"));
    assert_eq!(verdict(&json, Invariant::NoFamilyFork), Verdict::Violated);
}
