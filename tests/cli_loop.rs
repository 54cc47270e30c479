//! The edit loop end to end: `init` scaffolds a scenario that validates,
//! `check --bless` writes its verdicts (and the next `check` passes),
//! `check --filter` / `--quiet`, `matrix --scenario`, `--fail-on-unknown`
//! (exit 1), the bound named when random runs follow a bounded exhaustive
//! search, and replay commands that run as printed.

use super::cli::*;
use std::path::Path;
use std::process::Command;

const PASSING: &str = "tests/data/scenarios/passing";
const SINGLE_FLIGHT: &str = "tests/data/scenarios/passing/single-flight.json";
const FAILING: &str = "tests/data/scenarios/failing/rotation-race-expected-to-hold.json";

#[test]
fn init_scaffolds_a_scenario_that_validates_and_blesses_into_a_passing_check() {
    let dir = tempfile::tempdir().unwrap();
    let out = tokenrace_in(dir.path(), &["init", "--preset", "auth0", "--tabs", "2"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    std::fs::write(dir.path().join("app.json"), &out.stdout).unwrap();
    let valid = tokenrace_in(dir.path(), &["validate", "app.json"]);
    assert_eq!(valid.code, 0, "{}{}", valid.stdout, valid.stderr);
    let unblessed = tokenrace_in(dir.path(), &["check", "app.json"]);
    assert_eq!(unblessed.code, 2, "no expect yet");
    assert!(unblessed.stderr.contains("--bless"), "{}", unblessed.stderr);
    let blessed = tokenrace_in(dir.path(), &["check", "--bless", "app.json"]);
    assert_eq!(blessed.code, 0, "{}{}", blessed.stdout, blessed.stderr);
    assert!(
        blessed.stderr.contains("blessed app.json:"),
        "{}",
        blessed.stderr
    );
    assert!(blessed
        .stderr
        .contains("+ expect.no_error_while_refresh_valid: violated"));
    let again = tokenrace_in(dir.path(), &["check", "app.json"]);
    assert_eq!(again.code, 0, "{}{}", again.stdout, again.stderr);
    let text = std::fs::read_to_string(dir.path().join("app.json")).unwrap();
    let (scaffold, now): (serde_json::Value, serde_json::Value) = (
        serde_json::from_str(&out.stdout).unwrap(),
        serde_json::from_str(&text).unwrap(),
    );
    assert_eq!(scaffold["description"], now["description"]);
    assert_eq!(scaffold["script"], now["script"]);
}

#[test]
fn init_refuses_cross_tab_in_one_tab_and_an_unknown_preset() {
    assert_eq!(tokenrace(&["init", "--refresh", "cross-tab"]).code, 2);
    assert_eq!(tokenrace(&["init", "--preset", "nope"]).code, 2);
}

#[test]
fn bless_changes_only_the_values_that_differ_and_check_alone_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.json");
    let original = std::fs::read_to_string(root().join(FAILING)).unwrap();
    std::fs::write(&file, &original).unwrap();
    let path = file.to_str().unwrap();
    let out_dir = dir.path().join("out");
    let out_dir = out_dir.to_str().unwrap();
    let plain = tokenrace(&["check", path, "--out", out_dir]);
    assert_eq!(plain.code, 1);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), original);
    let blessed = tokenrace(&["check", path, "--bless", "--out", out_dir]);
    assert_eq!(blessed.code, 0, "{}{}", blessed.stdout, blessed.stderr);
    assert!(blessed
        .stderr
        .contains("- expect.no_error_while_refresh_valid: holds\n+ expect.no_error_while_refresh_valid: violated"));
    let text = std::fs::read_to_string(&file).unwrap();
    let before: serde_json::Value = serde_json::from_str(&original).unwrap();
    let after: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(after["expect"]["no_error_while_refresh_valid"], "violated");
    for (key, value) in before.as_object().unwrap() {
        if key != "expect" {
            assert_eq!(&after[key], value, "{key} kept");
        }
    }
    assert_eq!(
        text,
        original.replacen(
            "\"no_error_while_refresh_valid\": \"holds\"",
            "\"no_error_while_refresh_valid\": \"violated\"",
            1
        ),
        "one word replaced in place"
    );
    assert_eq!(tokenrace(&["check", path, "--out", out_dir]).code, 0);
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().collect();
    assert!(names
        .iter()
        .all(|e| !e.file_name().to_string_lossy().ends_with(".tmp")));
}

#[test]
fn filter_selects_by_path_or_name_and_an_empty_selection_is_exit_two() {
    let out = tokenrace(&[
        "check",
        PASSING,
        "--filter",
        "tiny-single",
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let scenarios = doc["scenarios"].as_array().unwrap();
    assert_eq!(scenarios.len(), 1);
    assert_eq!(scenarios[0]["scenario"], "tiny-single-flight");
    let by_path = tokenrace(&["check", PASSING, "--filter", "single-flight.json", "-q"]);
    assert!(by_path.stdout.contains("1 passed"), "{}", by_path.stdout);
    let none = tokenrace(&["check", PASSING, "--filter", "no-such-scenario"]);
    assert_eq!(none.code, 2);
    assert!(none.stderr.contains("--filter"), "{}", none.stderr);
}

#[test]
fn quiet_prints_failures_and_totals_only() {
    let dir = tempfile::tempdir().unwrap();
    let out = tokenrace(&[
        "check",
        FAILING,
        "--quiet",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(out.code, 1);
    assert!(
        !out.stdout.contains("invariant"),
        "no table: {}",
        out.stdout
    );
    assert!(out.stdout.starts_with("FAIL "), "{}", out.stdout);
    assert!(out.stdout.contains("tokenrace replay "));
    assert!(!out.stderr.contains("checked "), "{}", out.stderr);
}

#[test]
fn fail_on_unknown_turns_an_unknown_into_exit_1() {
    let bounded = [
        "explore",
        SINGLE_FLIGHT,
        "--strategy",
        "bfs",
        "--max-states",
        "3",
    ];
    assert_eq!(tokenrace(&bounded).code, 0);
    let mut strict = bounded.to_vec();
    strict.push("--fail-on-unknown");
    assert_eq!(tokenrace(&strict).code, 1);
    assert_eq!(
        tokenrace(&["explore", SINGLE_FLIGHT, "--fail-on-unknown"]).code,
        0,
        "everything decided"
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let race = [
        "explore",
        FAILING,
        "--max-states",
        "3",
        "--fail-on-unknown",
        "--out",
        out,
    ];
    assert_eq!(
        tokenrace(&race).code,
        1,
        "a violation or an unknown: either fails"
    );
    let check = [
        "check",
        "tests/data/scenarios/ci/c-bounded.json",
        "--allow-unknown",
        "--fail-on-unknown",
    ];
    assert_eq!(tokenrace(&check).code, 1);
    assert_eq!(tokenrace(&check[..3]).code, 0);
}

#[test]
fn a_bounded_exhaustive_search_followed_by_runs_names_max_states_and_its_flag() {
    let out = tokenrace(&[
        "explore",
        SINGLE_FLIGHT,
        "--max-states",
        "4",
        "--runs",
        "2",
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let first = &doc["invariants"][0];
    assert_eq!(first["verdict"], "unknown");
    assert_eq!(first["bound_hit"], "max_states");
    let note = first["note"].as_str().unwrap();
    assert!(
        note.starts_with(
            "exhaustive search stopped at 4 states (max_states); raise it with --max-states; then 2 random runs"
        ),
        "{note}"
    );
    let text = tokenrace(&["explore", SINGLE_FLIGHT, "--max-states", "4", "--runs", "2"]);
    assert!(text.stdout.contains("raise it with --max-states"));
    assert!(!text.stdout.contains("bound runs"), "{}", text.stdout);
}

#[test]
fn junit_and_markdown_name_the_exhaustive_bound() {
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("j.xml");
    let report = dir.path().join("r.md");
    let out = tokenrace(&[
        "check",
        "tests/data/scenarios/ci/c-bounded.json",
        "--junit",
        junit.to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 1);
    let wording = "exhaustive search stopped at 2 states (max_states); raise it with --max-states";
    for file in [&junit, &report] {
        let text = std::fs::read_to_string(file).unwrap();
        assert!(text.contains(wording), "{}: {text}", file.display());
        assert!(!text.contains("bound hit: runs"), "{text}");
    }
    assert!(out.stdout.contains(wording), "{}", out.stdout);
}

#[test]
fn matrix_sweeps_a_users_scenario_and_takes_time_and_state_bounds() {
    let out = tokenrace(&[
        "matrix",
        "--scenario",
        SINGLE_FLIGHT,
        "--format",
        "json",
        "--max-states",
        "20000",
        "--time",
        "5m",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let cells = doc["cells"].as_array().expect("cells");
    assert!(!cells.is_empty());
    let text = out.stdout.to_string();
    assert!(
        text.contains("tiny-single-flight-naive-reuse-reject"),
        "cells are named after the scenario"
    );
    let bounded = |extra: &[&str]| {
        let mut args = vec!["matrix", "--scenario", SINGLE_FLIGHT, "--max-states", "2"];
        args.extend_from_slice(extra);
        tokenrace(&args)
    };
    let text = bounded(&["--fail-on-unknown"]);
    assert_eq!(text.code, 1, "{}", text.stderr);
    let wording = "exhaustive search stopped at 2 states (max_states); raise it with --max-states";
    assert!(text.stdout.contains(wording), "{}", text.stdout);
    let markdown = bounded(&["--format", "markdown"]);
    assert!(markdown.stdout.contains(wording), "{}", markdown.stdout);
    let json = bounded(&["--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let note = doc["cells"][0]["verdicts"][0]["note"].as_str().unwrap();
    assert!(note.starts_with(wording), "{note}");
    let missing = tokenrace(&["matrix", "--scenario", "no/such.json"]);
    assert_eq!(missing.code, 2);
}

/// The first printed `tokenrace replay …` line of `stdout`.
fn replay_line(stdout: &str) -> String {
    stdout
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("tokenrace replay "))
        .expect("a replay line")
        .to_string()
}

#[test]
fn printed_replay_commands_run_as_printed_from_where_the_user_stands() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("app")).unwrap();
    std::fs::copy(root().join(FAILING), dir.path().join("app/s.json")).unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_tokenrace"));
    let run = |args: &[&str], path: &str| {
        Command::new(bin)
            .args(args)
            .current_dir(dir.path())
            .env("PATH", path)
            .output()
            .unwrap()
    };
    let out = run(&["check", "app/s.json"], "/nonexistent");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("cargo install --path ."), "{stderr}");
    let line = replay_line(&stdout);
    let words: Vec<&str> = line.split(' ').collect();
    assert!(!words[2].starts_with('/'), "relative to the cwd: {line}");
    // `tokenrace` on PATH, as after `cargo install`: the line runs as is.
    let path = bin.parent().unwrap().to_str().unwrap();
    let replayed = Command::new("sh")
        .arg("-c")
        .arg(&line)
        .current_dir(dir.path())
        .env("PATH", format!("{path}:/usr/bin:/bin"))
        .output()
        .unwrap();
    assert_eq!(replayed.status.code(), Some(1), "reproduces the violation");
    let installed = run(&["check", "app/s.json"], path);
    assert!(!String::from_utf8(installed.stderr)
        .unwrap()
        .contains("cargo install"));
}
