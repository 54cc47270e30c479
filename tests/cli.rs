//! The `tokenrace` binary end to end: exit codes 0/1/2, usage errors,
//! located messages, rendering of saved traces, replay lines, determinism.
//!
//! The tests at the top need no simulation. Those in [`needs_engine`] run
//! scenarios through `check::run`/`explore`/`replay`, so they fail until
//! the engine lands and pass from then on (no `#[ignore]`).

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Outcome {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn data(path: &str) -> PathBuf {
    root().join("tests/data").join(path)
}

/// Runs the built binary in `dir` with `args`.
pub fn tokenrace_in(dir: &Path, args: &[&str]) -> Outcome {
    let output = Command::new(env!("CARGO_BIN_EXE_tokenrace"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the tokenrace binary runs");
    Outcome {
        code: output.status.code().expect("exited, not killed"),
        stdout: String::from_utf8(output.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(output.stderr).expect("utf-8 stderr"),
    }
}

/// Runs the built binary from the package root, where fixture paths are
/// relative (`tests/data/...`).
pub fn tokenrace(args: &[&str]) -> Outcome {
    tokenrace_in(root(), args)
}

fn version_line() -> String {
    format!("tokenrace {}", env!("CARGO_PKG_VERSION"))
}

#[test]
fn help_and_version_exit_zero() {
    for args in [
        &["--help"][..],
        &["-h"],
        &["--version"],
        &["run", "--help"],
        &["explore", "--help"],
    ] {
        let out = tokenrace(args);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        assert!(!out.stdout.is_empty());
    }
    assert!(tokenrace(&["--version"])
        .stdout
        .starts_with(&version_line()));
}

#[test]
fn explore_help_says_threads_do_not_change_output() {
    let out = tokenrace(&["explore", "--help"]);
    assert!(
        out.stdout.contains("output never depends on it"),
        "{}",
        out.stdout
    );
}

#[test]
fn usage_errors_exit_two() {
    let cases: [&[&str]; 6] = [
        &[],
        &["bogus"],
        &["run"],
        &["run", "--seed", "seven", "x.json"],
        &["explore", "x.json", "--strategy", "sideways"],
        &["render", "x.json"],
    ];
    for args in cases {
        let out = tokenrace(args);
        assert_eq!(out.code, 2, "{args:?} should be a usage error");
    }
}

#[test]
fn schema_prints_valid_json() {
    let out = tokenrace(&["schema"]);
    assert_eq!(out.code, 0);
    let schema: serde_json::Value = serde_json::from_str(&out.stdout).expect("schema is JSON");
    assert_eq!(schema["title"], "tokenrace scenario");
    assert!(schema["properties"]["clients"].is_object());
}

#[test]
fn validate_accepts_a_good_scenario() {
    let file = "tests/data/scenarios/passing/single-flight.json";
    let out = tokenrace(&["validate", file]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, format!("ok {file}\n"));
}

#[test]
fn validate_rejects_a_bad_scenario_with_a_located_message() {
    let good = "tests/data/scenarios/passing/single-flight.json";
    let bad = "tests/data/scenarios/bad/misspelled-strategy.json";
    let out = tokenrace(&["validate", bad, good]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.starts_with(&format!("{bad}:4:")),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains(": error: "), "{}", out.stderr);
    assert!(out.stderr.contains("navie"), "{}", out.stderr);
    assert_eq!(
        out.stdout,
        format!("ok {good}\n"),
        "every file is still processed"
    );
}

#[test]
fn a_missing_scenario_file_exits_two_and_names_it() {
    for command in ["run", "explore", "validate", "check"] {
        let out = tokenrace(&[command, "tests/data/no-such-file.json"]);
        assert_eq!(out.code, 2, "{command}");
        assert!(
            out.stderr.contains("no-such-file.json"),
            "{command}: {}",
            out.stderr
        );
    }
}

#[test]
fn run_with_several_files_and_an_output_path_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let trace = dir.path().join("out.json");
    let mermaid = dir.path().join("out.mmd");
    let a = "tests/data/scenarios/passing/rotation-race.json";
    let b = "tests/data/scenarios/passing/single-flight.json";
    for flag in [("--trace", &trace), ("--mermaid", &mermaid)] {
        let out = tokenrace(&["run", a, b, flag.0, flag.1.to_str().unwrap()]);
        assert_eq!(out.code, 2, "{}", flag.0);
        assert!(out.stderr.contains("exactly one FILE"), "{}", out.stderr);
        assert!(
            !flag.1.exists(),
            "no output file is written on a usage error"
        );
    }
}

#[test]
fn check_of_a_folder_of_bad_scenarios_exits_two() {
    let out = tokenrace(&["check", "tests/data/scenarios/bad"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("misspelled-strategy.json:4:"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("nothing to compare"), "{}", out.stderr);
    assert!(out.stdout.starts_with(&version_line()), "{}", out.stdout);
}

#[test]
fn check_of_a_missing_path_exits_two() {
    let out = tokenrace(&["check", "tests/data/no-such-folder"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("no-such-folder"), "{}", out.stderr);
}

#[test]
fn render_prints_every_syntax_of_a_saved_trace() {
    let file = "tests/data/traces/rotation-race.json";
    let text = std::fs::read_to_string(data("traces/rotation-race.json")).unwrap();
    let trace: tokenrace::trace::Trace = serde_json::from_str(&text).unwrap();
    let cases = [
        ("mermaid", tokenrace::render::mermaid::render(&trace)),
        ("wsd", tokenrace::render::wsd::render(&trace)),
        ("markdown", tokenrace::render::markdown::render(&trace)),
        ("dot", tokenrace::render::dot::render(&trace)),
    ];
    for (to, expected) in cases {
        let out = tokenrace(&["render", file, "--to", to]);
        assert_eq!(out.code, 0, "{to}: {}", out.stderr);
        assert_eq!(out.stdout, expected, "{to}");
    }
}

#[test]
fn a_malformed_trace_gives_a_located_error() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "syntax.json",
            "{\n  \"format\": 1,\n  \"tool\": 3\n}\n",
            ":3:",
        ),
        ("truncated.json", "{\n  \"format\": 1,\n", ":3:"),
        ("other-format.json", "{\"format\": 99}", "trace format 99"),
    ];
    for (name, text, expected) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        for command in [
            &["render", path.to_str().unwrap(), "--to", "wsd"][..],
            &["replay", path.to_str().unwrap()],
        ] {
            let out = tokenrace(command);
            assert_eq!(out.code, 2, "{name}");
            assert!(
                out.stderr.contains(name) && out.stderr.contains(expected),
                "{name}: {}",
                out.stderr
            );
        }
    }
}

/// These run the simulation; they fail until `check::run`, `explore` and
/// `replay` are implemented.
mod needs_engine {
    use super::*;

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
}
