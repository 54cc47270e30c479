//! The `tokenrace` binary end to end: exit codes 0/1/2, usage errors,
//! located messages, rendering of saved traces, replay lines, determinism.
//!
//! These need no simulation; the commands that run scenarios end to end
//! (`run`, `explore`, `check`, `replay`) are tested in `cli_runs.rs`.

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Outcome {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn data(path: &str) -> PathBuf {
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

pub fn version_line() -> String {
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
