//! Bounds under adversarial runs (docs/cli.md "Bounds"): a memory bound
//! decided from the search's own count, the same for every thread count;
//! the default budget under `ulimit -v`; `--time` on random runs; a
//! schedule cut by `--max-states`. Each ends in `unknown` naming the bound.

use super::cli::*;

const WIDE: &str = "tests/data/bounds/wide-race.json";

fn bound_of(stdout: &str, invariant: &str) -> (String, Option<String>) {
    let doc: serde_json::Value = serde_json::from_str(stdout).expect("a JSON report");
    let r = doc["invariants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["invariant"] == invariant)
        .expect("reported")
        .clone();
    let bound = r["bound_hit"].as_str().map(String::from);
    (r["verdict"].as_str().unwrap().to_string(), bound)
}

#[test]
fn a_memory_bound_stops_the_search_at_the_same_state_for_every_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let run = |threads: &str| {
        let out = dir.path().join(threads);
        let args = [
            "explore",
            WIDE,
            "--max-memory",
            "24MiB",
            "--threads",
            threads,
        ];
        let outcome = tokenrace(
            &[
                &args[..],
                &["--format", "json", "--out", out.to_str().unwrap()],
            ]
            .concat(),
        );
        assert_eq!(outcome.code, 0, "{}", outcome.stderr);
        outcome.stdout
    };
    let one = run("1");
    let (verdict, bound) = bound_of(&one, "no_stale_overwrite");
    assert_eq!(
        (verdict.as_str(), bound.as_deref()),
        ("unknown", Some("max_memory"))
    );
    assert_eq!(one, run("2"));
    assert_eq!(one, run("3"));
}

#[cfg(unix)]
#[test]
fn under_ulimit_v_the_default_budget_gives_unknown_instead_of_an_abort() {
    let script = format!(
        "ulimit -v 262144 && exec \"$0\" explore {WIDE} --threads 2 --format json --out \"$1\""
    );
    let dir = tempfile::tempdir().unwrap();
    let output = std::process::Command::new("sh")
        .args(["-c", &script, env!("CARGO_BIN_EXE_tokenrace")])
        .arg(dir.path())
        .current_dir(root())
        .output()
        .expect("sh runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "killed or failed: {stderr}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    let (verdict, bound) = bound_of(&stdout, "no_stale_overwrite");
    assert_eq!(
        (verdict.as_str(), bound.as_deref()),
        ("unknown", Some("max_memory"))
    );
}

/// A design no random run breaks: runs go on until the time bound.
const SINGLE_FLIGHT: &str = r#"{"name": "single-flight", "horizon": "20m",
  "clients": [{"name": "tab1", "refresh": "single_flight"}],
  "script": [{"at": "0s", "do": "login", "client": "tab1"},
             {"at": "16m", "do": "request", "client": "tab1", "count": 2}],
  "check": ["no_error_while_refresh_valid"],
  "expect": {"no_error_while_refresh_valid": "holds"}}"#;

#[test]
fn time_bounds_random_runs_too() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.json"), SINGLE_FLIGHT).unwrap();
    let started = std::time::Instant::now();
    let args = [
        "explore",
        "s.json",
        "--strategy",
        "random",
        "--runs",
        "1000000000",
    ];
    let out = tokenrace_in(
        dir.path(),
        &[&args[..], &["--time", "1s", "--format", "json"]].concat(),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        started.elapsed().as_secs() < 20,
        "ran {:?}",
        started.elapsed()
    );
    let (verdict, bound) = bound_of(&out.stdout, "no_error_while_refresh_valid");
    assert_eq!(
        (verdict.as_str(), bound.as_deref()),
        ("unknown", Some("time"))
    );
}

/// The rotation race pinned to "req2 reaches the auth server first".
const SCHEDULED: &str = r#"{"name": "pinned-race", "horizon": "20m",
  "clients": [{"name": "tab1"}],
  "script": [{"at": "0s", "do": "login", "client": "tab1"},
             {"at": "16m", "do": "request", "client": "tab1", "count": 2}],
  "schedule": [{"from": "tab1.req2", "to": "auth"}, {"from": "tab1.req1", "to": "auth"}],
  "check": ["no_error_while_refresh_valid"],
  "expect": {"no_error_while_refresh_valid": "violated"}}"#;

#[test]
fn a_schedule_cut_by_max_states_is_unknown_naming_the_bound_not_an_input_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pinned.json"), SCHEDULED).unwrap();
    let full = tokenrace_in(dir.path(), &["explore", "pinned.json"]);
    assert_eq!(full.code, 1, "the schedule is followable: {}", full.stderr);
    for strategy in ["bfs", "random"] {
        let args = [
            "explore",
            "pinned.json",
            "--max-states",
            "3",
            "--strategy",
            strategy,
        ];
        let out = tokenrace_in(dir.path(), &[&args[..], &["--format", "json"]].concat());
        assert_eq!(out.code, 0, "{strategy}: {}", out.stderr);
        let (verdict, bound) = bound_of(&out.stdout, "no_error_while_refresh_valid");
        assert_eq!(
            (verdict.as_str(), bound.as_deref()),
            ("unknown", Some("max_states"))
        );
    }
    let check = tokenrace_in(dir.path(), &["check", "pinned.json", "--max-states", "3"]);
    assert_eq!(check.code, 1, "judged, expectation unmet: {}", check.stdout);
    assert!(
        !check.stdout.contains("not judged (the error"),
        "{}",
        check.stdout
    );
    assert!(check.stdout.contains("unknown"), "{}", check.stdout);
}
