//! Bad input (docs/cli.md): every file in `tests/data/bad/` holds exactly one
//! problem and must be refused with a located, snapshotted message that
//! names the file, line, column, field path, and what was expected.

use std::path::{Path, PathBuf};
use tokenrace::scenario::{load, parse, ScenarioError};

const DIR: &str = "tests/data/bad";

/// Each bad file and the field path its one error must name ("" = the
/// whole document: the file is not a JSON object at all).
const CASES: &[(&str, &str)] = &[
    ("256-logins", "script[255]"),
    ("300-clients", "clients[255]"),
    ("at-after-horizon", "script[3].at"),
    ("attack-with-both-tokens", "script[5].token"),
    ("bad-duration-unit", "auth.grace"),
    ("bad-expectation", "expect.no_error_while_refresh_valid"),
    ("binary-garbage", ""),
    ("bool-as-string", "auth.rotation"),
    ("client-as-list", "clients[1]"),
    ("comment", ""),
    ("commit-latency-min-above-max", "auth.commit_latency"),
    ("count-30000-too-many-tokens", "script"),
    ("count-40000-twice", "script[2].count"),
    ("count-65536", "script[1].count"),
    ("count-zero", "script[1].count"),
    ("cross-tab-with-memory", "clients[1].refresh"),
    ("deeply-nested-description", "description"),
    ("drop-above-one", "network.drop"),
    ("duplicate-client-names", "clients[2].name"),
    (
        "duplicate-expect-key",
        "expect.no_error_while_refresh_valid",
    ),
    ("duplicate-field", "name"),
    ("duration-as-number", "horizon"),
    ("duration-decimal", "horizon"),
    ("duration-overflow", "auth.access_ttl"),
    ("duration-unit-repeated", "auth.access_ttl"),
    ("duration-unit-word", "horizon"),
    ("duration-units-ascending", "auth.access_ttl"),
    ("duration-with-space", "network.latency[1]"),
    ("empty", ""),
    ("enum-as-number", "auth.reuse"),
    ("expect-not-in-check", "expect.requests_complete"),
    ("explore-pct-depth-zero", "explore.pct_depth"),
    ("explore-runs-zero", "explore.runs"),
    ("explore-untimed-with-schedule", "schedule"),
    ("grace-uses-negative", "auth.grace_uses"),
    ("huge-number", "seed"),
    ("invalid-utf8-in-string", ""),
    ("latency-min-above-max", "network.latency"),
    ("latency-one-element", "network.latency"),
    ("link-drop-above-one", "network.links.client->auth.drop"),
    (
        "link-latency-min-above-max",
        "network.links.client->auth.latency",
    ),
    ("login-with-count", "script[0].count"),
    ("missing-action-at", "script[2].at"),
    ("missing-name", "name"),
    ("missing-script", "script"),
    ("nan-probability", "network.duplicate"),
    ("negative-access-ttl", "auth.access_ttl"),
    ("negative-retries", "clients[0].retries"),
    ("no-clients", "clients"),
    ("package-json", ""),
    (
        "proactive-not-shorter-than-access-ttl",
        "clients[0].proactive",
    ),
    ("refresh-error-out-of-range", "auth.refresh_error"),
    ("reserved-client-name", "clients[2].name"),
    ("retries-above-255", "clients[0].retries"),
    ("schedule-nth-zero", "schedule[0].nth"),
    ("schedule-request-not-started", "schedule[0].from"),
    ("schedule-unknown-actor", "schedule[1].from"),
    ("seed-too-large", "seed"),
    ("skew-without-by", "script[4].by"),
    ("steal-without-token", "script[4].token"),
    ("timeout-zero", "clients[0].timeout"),
    ("top-level-array", ""),
    ("top-level-number", ""),
    ("trace-given-as-scenario", ""),
    ("trailing-characters", ""),
    ("trailing-comma", "auth"),
    ("unknown-action", "script[3].do"),
    ("unknown-auth-field", "auth.grcae"),
    ("unknown-client-in-script", "script[2].client"),
    ("unknown-invariant-in-check", "check[1]"),
    ("unknown-link", "network.links.client->server"),
    ("unknown-refresh-strategy", "clients[1].refresh"),
    ("unknown-top-level-field", "scheduel"),
    ("unquoted-key", ""),
    ("unterminated-object", ""),
    ("whitespace-only", ""),
    ("yaml-scenario", ""),
];

fn bad_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(DIR)
        .expect("tests/data/bad exists")
        .map(|entry| entry.expect("readable entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned()
}

#[test]
fn every_bad_file_has_a_case_and_every_case_a_file() {
    let stems: Vec<String> = bad_files().iter().map(|p| stem(p)).collect();
    let cases: Vec<String> = CASES.iter().map(|(name, _)| name.to_string()).collect();
    assert_eq!(stems, cases);
    assert!(stems.len() >= 30);
}

#[test]
fn every_bad_file_is_refused_with_one_located_problem() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for (name, path) in CASES {
            let file = format!("{DIR}/{name}.json");
            let err = load(Path::new(&file)).expect_err(&file);
            let ScenarioError::Invalid { problems, .. } = &err else {
                panic!("{file}: not an Invalid error: {err}");
            };
            assert_eq!(problems.len(), 1, "{file}: one problem each:\n{err}");
            let problem = &problems[0];
            assert!(problem.is_error(), "{file}");
            assert_eq!(problem.path, *path, "{file}");
            assert!(
                problem.line.is_some() && problem.column.is_some(),
                "{file}: no position"
            );
            assert!(
                !problem.expected.trim().is_empty(),
                "{file}: nothing expected"
            );
            let text = err.to_string();
            assert!(text.starts_with(&format!("{file}:")), "{text}");
            assert!(!text.contains('\n'), "one line per problem: {text}");
            insta::assert_snapshot!(format!("bad_input__{name}"), text);
        }
    });
}

/// serde_json's recursion limit is not even needed: typed decoding refuses
/// the first misplaced bracket and the locator keeps its own stack. This
/// runs on a test thread with the default stack size.
#[test]
fn nesting_200000_levels_deep_is_an_error_not_a_stack_overflow() {
    let depth = 200_000;
    for (open, close) in [("[", "]"), ("{\"a\":", "}")] {
        let nested = format!("{}0{}", open.repeat(depth), close.repeat(depth));
        let unclosed = open.repeat(depth);
        for body in [&nested, &unclosed] {
            for text in [
                body.clone(),
                format!("{{\"name\": \"x\", \"description\": {body}}}"),
                format!("{{\"name\": \"x\", \"clients\": [{body}], \"script\": []}}"),
                format!("{{\"name\": \"x\", \"expect\": {{\"no_clobber\": {body}}}}}"),
            ] {
                let err = parse(&text, "deep.json").expect_err("deep input refused");
                assert!(err.problems()[0].line.is_some());
                assert!(err.to_string().len() < 400, "short message: {err}");
            }
        }
    }
}

#[test]
fn unreadable_paths_are_io_errors_naming_the_file() {
    for path in ["tests/data/bad/no-such-file.json", "tests/data/bad"] {
        let err = load(Path::new(path)).expect_err(path);
        assert!(matches!(err, ScenarioError::Io { .. }), "{err}");
        assert!(err
            .to_string()
            .starts_with(&format!("{path}: error: cannot read the file")));
        assert!(std::error::Error::source(&err).is_some());
    }
}

/// The scenario every bad file was derived from by one change.
const BASE: &str = r#"{
  "name": "bad-input",
  "horizon": "2h",
  "auth": {"access_ttl": "15m", "grace": "0s"},
  "network": {"latency": ["5ms", "80ms"]},
  "clients": [
    {"name": "tab1", "device": "laptop"},
    {"name": "tab2", "device": "laptop", "refresh": "single_flight"}
  ],
  "script": [
    {"at": "0s", "do": "login", "client": "tab1"},
    {"at": "16m", "do": "request", "client": "tab1", "count": 2},
    {"at": "16m", "do": "request", "client": "tab2"},
    {"at": "20m", "do": "logout", "client": "tab1"}
  ],
  "check": ["no_error_while_refresh_valid", "no_stale_overwrite"],
  "expect": {"no_error_while_refresh_valid": "violated"}
}
"#;

#[test]
fn the_base_of_the_bad_files_is_a_clean_scenario() {
    let loaded = parse(BASE, "base.json").expect("base loads");
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
}

#[test]
fn a_schema_key_and_compound_durations_are_accepted() {
    let text = BASE
        .replacen('{', r#"{"$schema": "./tokenrace.schema.json","#, 1)
        .replace(r#""horizon": "2h""#, r#""horizon": "1h30m""#)
        .replace(r#""at": "16m""#, r#""at": "15m30s""#)
        .replace(
            r#""latency": ["5ms", "80ms"]"#,
            r#""latency": ["5ms", "1s80ms"]"#,
        );
    let loaded = parse(&text, "schema.json").expect("loads");
    assert_eq!(loaded.scenario.horizon.0, 5_400_000);
    assert_eq!(loaded.scenario.script[1].at.0, 930_000);
    let schema: serde_json::Value =
        serde_json::from_str(&tokenrace::scenario::schema::json_schema()).unwrap();
    assert!(schema["properties"]["$schema"].is_object());
    let report = tokenrace::check::explore(&loaded.scenario, &Default::default()).expect("runs");
    assert!(!report.invariants.is_empty());
}

#[test]
fn arbitrary_bytes_never_panic() {
    let good = BASE.as_bytes().to_vec();
    // Every prefix of a scenario, and every single-byte corruption of one.
    for cut in 0..good.len() {
        let _ = tokenrace::scenario::parse_bytes(&good[..cut], "prefix.json");
    }
    for i in 0..good.len() {
        for byte in [b'{', b'}', b'[', b']', b'"', b',', b':', b'\\', 0xff, b'0'] {
            let mut bytes = good.clone();
            bytes[i] = byte;
            let _ = tokenrace::scenario::parse_bytes(&bytes, "mutated.json");
        }
    }
}

proptest::proptest! {
    /// Any text at all yields a scenario or located problems, never a panic.
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        if let Err(err) = parse(&text, "any.json") {
            proptest::prop_assert!(err.problems().iter().all(|p| p.line.is_some()));
        }
    }

    /// JSON-shaped noise reaches the type and validation layers more often.
    #[test]
    fn json_shaped_noise_never_panics(text in r#"[{}\[\]":, a-z0-9_.\-]{0,120}"#) {
        let _ = parse(&format!("{{\"name\": \"x\", {text}"), "noise.json");
        let _ = parse(&text, "noise.json");
    }
}

/// A schedule that loads but that no execution can follow: step 2 asks for
/// a second delivery of the one message `tab1.req2` sends.
const UNFOLLOWABLE: &str = r#"{"name": "pinned-twice", "horizon": "20m",
  "clients": [{"name": "tab1"}],
  "script": [{"at": "0s", "do": "login", "client": "tab1"},
             {"at": "16m", "do": "request", "client": "tab1", "count": 2}],
  "schedule": [{"from": "tab1.req2", "to": "auth"},
               {"from": "tab1.req2", "to": "auth"}],
  "check": ["no_error_while_refresh_valid"],
  "expect": {"no_error_while_refresh_valid": "violated"}}"#;

#[test]
fn a_schedule_step_no_execution_can_take_is_located_in_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("twice.json"), UNFOLLOWABLE).unwrap();
    let want = "twice.json:6:16: error: schedule[1]: schedule step 2 (from tab1.req2 to auth) \
                cannot be taken: no execution delivers a message from tab1.req2 to auth after step 1";
    for command in ["run", "explore", "check"] {
        let out = super::cli::tokenrace_in(dir.path(), &[command, "twice.json"]);
        assert_eq!(out.code, 2, "{command}: {}", out.stderr);
        assert!(out.stderr.contains(want), "{command}: {}", out.stderr);
    }
}

#[test]
fn schedule_steps_are_located_when_loaded() {
    let loaded = parse(UNFOLLOWABLE, "twice.json").unwrap();
    assert_eq!(loaded.step_position(1), Some((5, 16)));
    assert_eq!(loaded.step_position(2), Some((6, 16)));
    assert_eq!(
        (loaded.step_position(0), loaded.step_position(3)),
        (None, None)
    );
}
