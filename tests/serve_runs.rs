//! `tokenrace serve --explore` / `--schedule` runs of the tiny Python
//! client in tests/data/serve/client.py (a naive interceptor and a
//! single-flight one), and the bounds of a run.

use crate::cli::{root, tokenrace};
use crate::serve::{scenario_with, SEED};
use std::path::Path;

/// `serve --explore` of the Python client; (exit code, stdout, stderr).
fn explore(scenario: &Path, out: &Path, client: &str, extra: &[&str]) -> (i32, String, String) {
    let scenario = scenario.display().to_string();
    let out = out.display().to_string();
    let mut args = vec!["serve", &scenario, "--settle", "30", "--out", &out];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--", "python3", "tests/data/serve/client.py", client]);
    let run = tokenrace(&args);
    (run.code, run.stdout, run.stderr)
}

#[test]
fn a_naive_client_reproduces_the_seed_race_and_its_trace_replays() {
    let dir = tempfile::tempdir().unwrap();
    for extra in [&[][..], &["--no-reduction"]] {
        let mut args = vec!["--explore", "20"];
        args.extend_from_slice(extra);
        let (code, stdout, stderr) = explore(&root().join(SEED), dir.path(), "naive", &args);
        assert_eq!(code, 1, "{stdout}{stderr}");
        assert!(
            stdout.contains("no_error_while_refresh_valid: violated"),
            "{stdout}"
        );
        assert!(
            stdout.contains("although the session was valid"),
            "{stdout}"
        );
    }
    let trace = dir
        .path()
        .join("000-two-request-rotation-race.serve.trace.json");
    let mermaid =
        std::fs::read_to_string(dir.path().join("000-two-request-rotation-race.serve.mmd"))
            .unwrap();
    assert!(
        mermaid.starts_with("sequenceDiagram") && mermaid.contains("POST /refresh RT1"),
        "{mermaid}"
    );
    let replay = tokenrace(&["replay", &trace.display().to_string()]);
    assert_eq!(
        replay.code, 1,
        "the replay reproduces it: {}{}",
        replay.stdout, replay.stderr
    );
    assert!(replay
        .stdout
        .contains("no_error_while_refresh_valid: violated"));
}

#[test]
fn a_single_flight_client_passes_every_explored_order() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = explore(
        &root().join(SEED),
        dir.path(),
        "single_flight",
        &["--explore", "40", "--max-deviations", "1"],
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("no_error_while_refresh_valid: holds"),
        "{stdout}"
    );
    assert!(
        stdout.contains("single_refresh_per_expiry: holds"),
        "{stdout}"
    );
}

#[test]
fn following_an_explore_counterexample_says_where_a_single_flight_client_diverges() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().display().to_string();
    let found = tokenrace(&["explore", SEED, "--out", &out]);
    assert_eq!(found.code, 1);
    let trace = dir
        .path()
        .join("000-two-request-rotation-race.no_error_while_refresh_valid.trace.json");
    let schedule = trace.display().to_string();
    let (code, stdout, _) = explore(
        &root().join(SEED),
        dir.path(),
        "naive",
        &["--schedule", &schedule],
    );
    assert_eq!(
        code, 1,
        "the naive client follows the model's counterexample: {stdout}"
    );
    assert!(!stdout.contains("divergence"), "{stdout}");
    let (code, stdout, _) = explore(
        &root().join(SEED),
        dir.path(),
        "single_flight",
        &["--schedule", &schedule],
    );
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains(
            "the client never sent a second refresh with RT1: it behaves like single_flight here"
        ),
        "{stdout}"
    );
}

#[test]
fn non_atomic_rotation_commits_at_its_own_interleaving_point_and_can_fork() {
    let dir = tempfile::tempdir().unwrap();
    let auth = serde_json::json!({"atomic_rotation": false, "reuse": "reject"});
    let scenario = scenario_with(dir.path(), auth);
    let (code, stdout, stderr) = explore(&scenario, dir.path(), "naive", &["--explore", "30"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    let trace = std::fs::read_to_string(
        dir.path()
            .join("000-two-request-rotation-race.serve.trace.json"),
    )
    .unwrap();
    assert!(
        trace.contains("commit rotation of RT1"),
        "the commit is a step of its own"
    );
    let (code, stdout, _) = explore(
        &scenario,
        dir.path(),
        "naive",
        &["--explore", "60", "--random", "--seed", "5"],
    );
    assert_eq!(code, 1, "{stdout}");
}

#[test]
fn a_client_that_hangs_is_stopped_at_the_run_bound() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().display().to_string();
    let run = tokenrace(&[
        "serve",
        SEED,
        "--run-timeout",
        "1",
        "--out",
        &out,
        "--",
        "sh",
        "-c",
        "sleep 30 & sleep 30",
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("wall-clock bound"), "{}", run.stderr);
    let trace = std::fs::read_to_string(
        dir.path()
            .join("000-two-request-rotation-race.serve.trace.json"),
    )
    .unwrap();
    assert!(trace.contains("the client reported no outcome"), "{trace}");
}

#[test]
fn serve_usage_errors_exit_2() {
    let run = tokenrace(&["serve", SEED, "--explore", "3"]);
    assert_eq!(run.code, 2, "--explore needs a command");
    let run = tokenrace(&["serve", "tests/data/serve/missing.json"]);
    assert_eq!(run.code, 2);
    let run = tokenrace(&[
        "serve",
        SEED,
        "--schedule",
        "tests/data/serve/client.py",
        "--",
        "true",
    ]);
    assert_eq!(run.code, 2, "not a trace");
}
