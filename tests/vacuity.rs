//! Vacuous `holds` end to end: `check` says so in its summary and JSON,
//! and `check --strict` fails on it (docs/cli.md "check").

use super::cli::*;

/// Requests without a login: every session error is excused.
const NO_LOGIN: &str = r#"{"name": "no-login", "clients": [{"name": "tab1"}],
 "script": [{"at": "16m", "do": "request", "client": "tab1", "count": 2}],
 "expect": {"no_error_while_refresh_valid": "holds", "requests_complete": "holds"}}"#;

#[test]
fn check_reports_a_vacuous_holds_and_strict_fails_on_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("no-login.json"), NO_LOGIN).unwrap();
    let lenient = tokenrace_in(dir.path(), &["check", "no-login.json"]);
    assert_eq!(lenient.code, 0, "{}{}", lenient.stdout, lenient.stderr);
    assert!(
        lenient.stdout.contains(
            "VACUOUS no-login no_error_while_refresh_valid: holds (vacuous: no login ever happened)"
        ),
        "{}",
        lenient.stdout
    );
    assert!(lenient.stdout.contains("1 `holds` expectation vacuous"));
    let strict = tokenrace_in(dir.path(), &["check", "--strict", "no-login.json"]);
    assert_eq!(strict.code, 1, "{}{}", strict.stdout, strict.stderr);
    assert!(
        strict.stdout.contains("FAIL no-login no_error_while_refresh_valid: expected holds, got holds (vacuous: no login ever happened)\n  tokenrace check --strict no-login.json"),
        "{}",
        strict.stdout
    );
    // The requests did complete (in session errors): not vacuous, still ok.
    assert!(!strict.stdout.contains("FAIL no-login requests_complete"));
    let json = tokenrace_in(
        dir.path(),
        &["check", "--strict", "--format", "json", "no-login.json"],
    );
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let rows = doc["scenarios"][0]["rows"].as_array().unwrap();
    let row = |name: &str| rows.iter().find(|r| r["invariant"] == name).unwrap();
    assert_eq!(row("no_error_while_refresh_valid")["vacuous"], "no_login");
    assert_eq!(row("no_error_while_refresh_valid")["met"], false);
    assert!(row("requests_complete").get("vacuous").is_none());
}

#[test]
fn explore_json_carries_the_vacuity_of_each_holds() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("no-login.json"), NO_LOGIN).unwrap();
    let out = tokenrace_in(
        dir.path(),
        &["explore", "no-login.json", "--format", "json"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let theft = doc["invariants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["invariant"] == "no_token_theft")
        .unwrap();
    assert_eq!(theft["vacuous"], "no_steal");
    assert_eq!(theft["note"], "vacuous: nothing was ever stolen");
}
