//! Each invariant's vacuity, decided by exhaustive search: a scenario where
//! it holds because nothing it talks about happened (with the reason), and
//! one where it holds after being put to the test (no reason).

use super::super::tests::scenario;
use super::super::{explore, ExploreOptions, Verdict};
use super::Vacuity::{self, *};
use crate::scenario::Invariant::{self, *};

/// `{"name": …, "horizon": "20m", <extra>, "clients": [tab1 <client>], "script": [<script>]}`.
fn json(extra: &str, client: &str, script: &[&str]) -> String {
    let steps: Vec<String> = script
        .iter()
        .map(|s| {
            let (at, rest) = s.split_once(' ').expect("`AT do …`");
            let mut words = rest.split(' ');
            let action = words.next().expect("an action");
            let mut fields = format!(r#""at": "{at}", "do": "{action}""#);
            for w in words {
                let (k, v) = w.split_once('=').expect("key=value");
                let v = if v.parse::<u64>().is_ok() {
                    v.to_string()
                } else {
                    format!("{v:?}")
                };
                fields.push_str(&format!(r#", "{k}": {v}"#));
            }
            format!("{{{fields}}}")
        })
        .collect();
    let extra = if extra.is_empty() {
        String::new()
    } else {
        format!("{extra},")
    };
    format!(
        r#"{{"name": "vacuity", "horizon": "20m", {extra}
  "clients": [{{"name": "tab1"{client}}}],
  "script": [{}]}}"#,
        steps.join(", ")
    )
}

/// The verdict must be `holds`; returns its vacuity.
fn vacuity(json: &str, invariant: Invariant) -> Option<Vacuity> {
    let report = explore(&scenario(json), &ExploreOptions::default()).expect("explores");
    let r = report
        .invariants
        .iter()
        .find(|r| r.invariant == invariant)
        .expect("checked");
    assert_eq!(r.verdict, Verdict::Holds, "{invariant} in {json}");
    if let Some(v) = r.vacuous {
        assert_eq!(r.note, v.note(), "the note says why");
    }
    r.vacuous
}

const LOGIN: &str = "0s login client=tab1";
const CALL_FRESH: &str = "1m request client=tab1";
const CALL_EXPIRED: &str = "16m request client=tab1 count=2";
const SINGLE: &str = r#", "refresh": "single_flight""#;

#[test]
fn session_errors_are_vacuous_without_a_request_or_without_a_login() {
    let cases = [
        (json("", SINGLE, &[LOGIN]), Some(NoRequest)),
        (json("", SINGLE, &[CALL_EXPIRED]), Some(NoLogin)),
        (json("", SINGLE, &[LOGIN, CALL_EXPIRED]), None),
    ];
    for (scenario, expected) in cases {
        assert_eq!(vacuity(&scenario, NoErrorWhileRefreshValid), expected);
    }
    assert_eq!(
        vacuity(&json("", "", &[LOGIN]), RequestsComplete),
        Some(NoRequest)
    );
    let done = json("", SINGLE, &[LOGIN, CALL_EXPIRED]);
    assert_eq!(vacuity(&done, RequestsComplete), None);
}

#[test]
fn refresh_invariants_are_vacuous_when_no_refresh_was_sent() {
    let fresh = json("", SINGLE, &[LOGIN, CALL_FRESH]);
    let raced = json("", SINGLE, &[LOGIN, CALL_EXPIRED]);
    for invariant in [NoStaleOverwrite, SingleRefreshPerExpiry, NoFamilyFork] {
        assert_eq!(vacuity(&fresh, invariant), Some(NoRefresh), "{invariant}");
        assert_eq!(vacuity(&raced, invariant), None, "{invariant}");
        let no_login = json("", SINGLE, &[CALL_EXPIRED]);
        assert_eq!(vacuity(&no_login, invariant), Some(NoLogin), "{invariant}");
    }
}

#[test]
fn expired_access_rejected_is_vacuous_until_an_expired_token_arrives() {
    let fresh = json("", SINGLE, &[LOGIN, CALL_FRESH]);
    assert_eq!(
        vacuity(&fresh, ExpiredAccessRejected),
        Some(NoExpiredAccess)
    );
    let late = json("", SINGLE, &[LOGIN, CALL_EXPIRED]);
    assert_eq!(vacuity(&late, ExpiredAccessRejected), None);
}

#[test]
fn revoked_access_rejected_needs_a_denylist_check_of_a_listed_token() {
    let checks = r#""auth": {"denylist": true}, "resource": {"check_denylist": true}"#;
    let unchecked = json(r#""auth": {"denylist": true}"#, "", &[LOGIN, CALL_FRESH]);
    assert_eq!(
        vacuity(&unchecked, RevokedAccessRejected),
        Some(NoDenylistCheck)
    );
    let nothing_revoked = json(checks, "", &[LOGIN, CALL_FRESH]);
    assert_eq!(
        vacuity(&nothing_revoked, RevokedAccessRejected),
        Some(NoListedAccess)
    );
    let script = [
        LOGIN,
        "1m steal client=tab1 token=access",
        "1m logout client=tab1",
        "2m attack token=access",
    ];
    assert_eq!(
        vacuity(&json(checks, "", &script), RevokedAccessRejected),
        None
    );
}

#[test]
fn attacker_invariants_are_vacuous_without_theft_replay_or_call() {
    let quiet = json("", SINGLE, &[LOGIN, CALL_EXPIRED]);
    assert_eq!(vacuity(&quiet, NoTokenTheft), Some(NoSteal));
    assert_eq!(vacuity(&quiet, ReplayDetected), Some(NoAttackerReplay));
    assert_eq!(vacuity(&quiet, AttackerWindow), Some(NoAttackerWindow));
    // Stealing from an empty store is not a test of theft; an HttpOnly
    // cookie that defeats it is.
    let empty = json("", "", &["0s steal client=tab1 token=both", LOGIN]);
    assert_eq!(vacuity(&empty, NoTokenTheft), Some(NoSteal));
    let cookie = r#", "storage": "cookie""#;
    let defeated = json("", cookie, &[LOGIN, "1m steal client=tab1 token=both"]);
    assert_eq!(vacuity(&defeated, NoTokenTheft), None);
    let replayed = [
        LOGIN,
        "1s steal client=tab1 token=refresh",
        CALL_EXPIRED,
        "17m attack token=refresh",
    ];
    let revoke = r#""auth": {"reuse": "revoke_family"}"#;
    assert_eq!(
        vacuity(&json(revoke, SINGLE, &replayed), ReplayDetected),
        None
    );
    let window = r#""bounds": {"attacker_window": "15m"}"#;
    let stolen = [LOGIN, "1m steal client=tab1 token=access"];
    assert_eq!(
        vacuity(&json(window, "", &stolen), AttackerWindow),
        Some(NoAttackerCall)
    );
    let called = [
        LOGIN,
        "1m steal client=tab1 token=access",
        "2m attack token=access",
    ];
    assert_eq!(vacuity(&json(window, "", &called), AttackerWindow), None);
}

#[test]
fn logout_is_final_is_vacuous_without_a_logout_sent() {
    let none = json("", "", &[LOGIN, CALL_FRESH]);
    assert_eq!(vacuity(&none, LogoutIsFinal), Some(NoLogout));
    let empty_store = json("", "", &["0s logout client=tab1", LOGIN]);
    assert_eq!(vacuity(&empty_store, LogoutIsFinal), Some(NoLogout));
    let sent = json("", "", &[LOGIN, "1m logout client=tab1"]);
    assert_eq!(vacuity(&sent, LogoutIsFinal), None);
    let everywhere = json("", "", &[LOGIN, "1m revoke_all"]);
    assert_eq!(vacuity(&everywhere, LogoutIsFinal), None);
}

#[test]
fn no_clobber_and_grace_parent_only_need_a_cleared_store_and_a_grace_hit() {
    let clear = r#", "refresh": "single_flight", "on_refresh_failure": "clear""#;
    let ok = json("", clear, &[LOGIN, CALL_EXPIRED]);
    assert_eq!(vacuity(&ok, NoClobber), Some(NoStoreCleared));
    let short_rt = r#""auth": {"refresh_ttl": "10m"}"#;
    let failed = json(short_rt, clear, &[LOGIN, CALL_EXPIRED]);
    assert_eq!(vacuity(&failed, NoClobber), None);
    let naive = json("", "", &[LOGIN, CALL_EXPIRED]);
    assert_eq!(vacuity(&naive, GraceParentOnly), Some(NoGraceHit));
    let grace = json(r#""auth": {"grace": "1m"}"#, "", &[LOGIN, CALL_EXPIRED]);
    assert_eq!(vacuity(&grace, GraceParentOnly), None);
}

#[test]
fn every_invariant_has_a_vacuity_rule_and_distinct_reasons_read_distinctly() {
    let nothing = json("", "", &[LOGIN]);
    let parsed = scenario(&nothing);
    let seen = super::Sightings::default();
    for invariant in Invariant::ALL {
        assert!(seen.vacuity(&parsed, invariant).is_some(), "{invariant}");
    }
    let all = [
        NoRequest,
        NoLogin,
        NoRefresh,
        NoExpiredAccess,
        NoDenylistCheck,
        NoListedAccess,
        NoAttackerReplay,
        NoSteal,
        NoAttackerWindow,
        NoAttackerCall,
        NoLogout,
        NoStoreCleared,
        NoGraceHit,
    ];
    let mut words: Vec<_> = all.iter().map(|v| v.why()).collect();
    words.sort();
    words.dedup();
    assert_eq!(words.len(), all.len());
}
