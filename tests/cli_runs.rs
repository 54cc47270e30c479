//! The `tokenrace` binary running scenarios end to end: `run`, `explore`,
//! `check` and `replay` exit codes, replay lines, saved traces, reports.

use super::cli::*;

const RACE: &str = "tests/data/scenarios/passing/rotation-race.json";

#[test]
fn run_of_the_rotation_race_exits_one_and_prints_its_replay_command() {
    let out = tokenrace(&["run", RACE]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    let first = out.stdout.lines().next().unwrap_or_default();
    assert_eq!(
        first,
        format!("{} · scenario tiny-rotation-race · seed 7", version_line())
    );
    assert!(
        out.stdout
            .contains(&format!("tokenrace run {RACE} --seed 7")),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("VIOLATED: no_error_while_refresh_valid"),
        "{}",
        out.stdout
    );
}

#[test]
fn run_with_a_seed_names_that_seed_in_the_replay_command() {
    let out = tokenrace(&["run", RACE, "--seed", "42", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(report["seed"], 42);
    let replay = report["invariants"][0]["replay"].as_str().unwrap();
    assert_eq!(replay, format!("tokenrace run {RACE} --seed 42"));
}

#[test]
fn two_runs_with_the_same_seed_print_the_same_report_and_trace_bytes() {
    let scenario = root().join(RACE);
    let runs: Vec<(Outcome, Vec<u8>)> = (0..2)
        .map(|_| {
            let dir = tempfile::tempdir().unwrap();
            let args = [
                "run",
                scenario.to_str().unwrap(),
                "--trace",
                "out/trace.json",
                "--mermaid",
                "out/race.mmd",
            ];
            let out = tokenrace_in(dir.path(), &args);
            (
                out,
                std::fs::read(dir.path().join("out/trace.json")).unwrap(),
            )
        })
        .collect();
    assert_eq!(runs[0].0.code, 1);
    assert_eq!(runs[0].0.stdout, runs[1].0.stdout);
    assert_eq!(runs[0].1, runs[1].1);
    assert!(
        runs[0].0.stdout.contains("tokenrace replay out/trace.json"),
        "{}",
        runs[0].0.stdout
    );
}

#[test]
fn a_saved_run_trace_renders_and_replays() {
    let dir = tempfile::tempdir().unwrap();
    let trace = dir.path().join("race.json");
    let out = tokenrace(&["run", RACE, "--trace", trace.to_str().unwrap()]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let rendered = tokenrace(&["render", trace.to_str().unwrap(), "--to", "mermaid"]);
    assert_eq!(rendered.code, 0);
    assert!(rendered
        .stdout
        .starts_with("sequenceDiagram\n    autonumber\n"));
    let replayed = tokenrace(&["replay", trace.to_str().unwrap()]);
    assert_eq!(
        replayed.code, 1,
        "replay reproduces the violation: {}",
        replayed.stderr
    );
}

#[test]
fn explore_writes_a_counterexample_that_replay_reproduces() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("found");
    let out = tokenrace(&[
        "explore",
        RACE,
        "--strategy",
        "bfs",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let trace = out_dir.join("tiny-rotation-race.no_error_while_refresh_valid.trace.json");
    assert!(trace.exists() && trace.with_extension("").with_extension("mmd").exists());
    assert!(
        out.stdout
            .contains(&format!("tokenrace replay {}", trace.display())),
        "{}",
        out.stdout
    );
    let replayed = tokenrace(&["replay", trace.to_str().unwrap()]);
    assert_eq!(replayed.code, 1, "{}", replayed.stderr);
}

#[test]
fn pct_finds_the_rotation_race_and_its_trace_replays() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("found");
    let args = |out: &str| {
        [
            "explore",
            "scenarios/seeds/000-two-request-rotation-race.json",
            "--strategy",
            "pct",
            "--runs",
            "200",
            "--out",
        ]
        .map(str::to_string)
        .into_iter()
        .chain([out.to_string()])
        .collect::<Vec<_>>()
    };
    let run = |out: &str| {
        let args = args(out);
        tokenrace(&args.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let out = run(out_dir.to_str().unwrap());
    assert_eq!(out.code, 1, "{}", out.stderr);
    let verdicts: Vec<&str> = out
        .stdout
        .lines()
        .skip(2)
        .take(13)
        .filter_map(|l| l.split_whitespace().nth(1))
        .collect();
    assert!(
        verdicts.contains(&"violated") && verdicts.contains(&"unknown"),
        "{}",
        out.stdout
    );
    assert!(
        !verdicts.contains(&"holds"),
        "PCT never proves holds: {}",
        out.stdout
    );
    let name = "000-two-request-rotation-race.no_error_while_refresh_valid.trace.json";
    let trace = out_dir.join(name);
    let replayed = tokenrace(&["replay", trace.to_str().unwrap()]);
    assert_eq!(replayed.code, 1, "{}", replayed.stderr);
    assert!(
        replayed.stdout.contains("found by pct"),
        "{}",
        replayed.stdout
    );
}

#[test]
fn explore_output_does_not_depend_on_threads() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let one = tokenrace(&["explore", RACE, "--threads", "1", "--out", out]);
    let four = tokenrace(&["explore", RACE, "--threads", "4", "--out", out]);
    assert_eq!(one.code, 1, "{}", one.stderr);
    assert_eq!(one.stdout, four.stdout);
}

#[test]
fn check_of_a_folder_of_passing_scenarios_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    let out = tokenrace(&[
        "check",
        "tests/data/scenarios/passing",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.starts_with(&version_line()));
    assert!(
        out.stdout.contains("2 passed, 0 failed, 0 not judged"),
        "{}",
        out.stdout
    );
    let written = dir
        .path()
        .join("tiny-rotation-race.no_error_while_refresh_valid.trace.json");
    assert!(
        written.exists(),
        "every violated invariant's trace is written"
    );
}

#[test]
fn check_of_an_unmet_expectation_exits_one_and_prints_the_replay_command() {
    let dir = tempfile::tempdir().unwrap();
    let out = tokenrace(&[
        "check",
        "tests/data/scenarios/failing",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    let trace = dir
        .path()
        .join("tiny-rotation-race-wrong-expectation.no_error_while_refresh_valid.trace.json");
    assert!(
        out.stdout
            .contains(&format!("tokenrace replay {}", trace.display())),
        "{}",
        out.stdout
    );
}

#[test]
fn check_of_a_mixed_folder_exits_two_and_still_judges_the_good_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = tokenrace(&[
        "check",
        "tests/data/scenarios/mixed",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stdout.contains("tiny-single-flight"), "{}", out.stdout);
    assert!(
        out.stdout.contains("1 passed, 0 failed, 1 not judged"),
        "{}",
        out.stdout
    );
}

#[test]
fn bench_prints_every_table_and_the_partial_order_runs_agree() {
    let out = tokenrace(&[
        "bench",
        "--no-peers",
        "--max-n",
        "3",
        "--naive-max-n",
        "2",
        "--windowed-max-n",
        "3",
        "--corpus",
        "tests/data/scenarios/passing",
        "--por-max-states",
        "5000",
        "--random-runs",
        "200",
    ]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    for heading in [
        "## Refresh race, single-flight client",
        "## Refresh race, naive client",
        "## Refresh race, single-flight client, windowed",
        "## Windowed corpus",
        "## Partial-order reduction (sleep sets) on the corpus",
        "## Random runs on the seed race",
    ] {
        assert!(out.stdout.contains(heading), "{heading}\n{}", out.stdout);
    }
    let total = out
        .stdout
        .lines()
        .rfind(|l| l.starts_with("| **total"))
        .expect("the partial-order table has a total");
    assert!(!out.stdout.contains("**NO**"), "{}", out.stdout);
    let compared = total.rsplit('|').nth(1).unwrap_or_default().trim();
    let (same, of) = compared.split_once(" of ").expect("`k of n`");
    assert_eq!(same, of, "{total}");
    assert_ne!(of, "0", "{total}");
}

#[test]
fn bench_never_defaults_to_a_peers_folder_and_says_how_to_get_the_peers() {
    let quick = [
        "bench",
        "--max-n",
        "2",
        "--naive-max-n",
        "2",
        "--no-corpus",
        "--no-por-table",
        "--random-runs",
        "0",
    ];
    let missing = [&quick[..], &["--peers", "/nonexistent/peers"]].concat();
    let out = tokenrace(&missing);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let feature_note = out.stdout.contains("built without the `peers` feature");
    let missing_note = out.stdout.contains("/nonexistent/peers does not exist");
    assert!(feature_note || missing_note, "{}", out.stdout);
    let out = tokenrace(&quick);
    let named = out.stdout.contains("--peers DIR") || out.stdout.contains("`peers` feature");
    assert!(named, "{}", out.stdout);
}

#[test]
fn no_por_turns_sleep_sets_off_and_changes_only_the_transition_count() {
    let file = "scenarios/scale/refresh-race-single-flight-n10.json";
    let on = tokenrace(&["explore", file, "--format", "json"]);
    let off = tokenrace(&["explore", file, "--format", "json", "--no-por"]);
    assert_eq!((on.code, off.code), (0, 0), "{}{}", on.stderr, off.stderr);
    assert!(
        on.stderr.contains("moves skipped by sleep sets"),
        "{}",
        on.stderr
    );
    assert!(!off.stderr.contains("moves skipped"), "{}", off.stderr);
    let parse = |s: &str| serde_json::from_str::<serde_json::Value>(s).unwrap();
    let (on, off) = (parse(&on.stdout), parse(&off.stdout));
    for (a, b) in on["invariants"]
        .as_array()
        .unwrap()
        .iter()
        .zip(off["invariants"].as_array().unwrap())
    {
        assert_eq!(a["verdict"], b["verdict"]);
        assert_eq!(a["states"], b["states"]);
        assert!(
            a["transitions"].as_u64() < b["transitions"].as_u64(),
            "{a} vs {b}"
        );
    }
}
