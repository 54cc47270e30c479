//! Scenario discovery for `check DIR` and `validate DIR` (docs/cli.md
//! "Scenario discovery"), and the wrong kinds of file named explicitly.

use crate::cli::{data, root, tokenrace_in};
use std::fs;
use std::path::{Path, PathBuf};
use tokenrace::scenario::discover::discover;

const SCENARIO: &str = r#"{"name": "found", "clients": [{"name": "tab1"}],
  "script": [{"at": "0s", "do": "login", "client": "tab1"}],
  "expect": {"requests_complete": "holds"}}"#;

/// A web-app repository with scenarios among other JSON, a previous run's
/// traces under target/, dependencies and a hidden folder.
fn web_app() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let put = |path: &str, text: &str| {
        let path = dir.path().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    };
    let trace = fs::read_to_string(data("traces/rotation-race.json")).unwrap();
    put(
        "package.json",
        r#"{"name": "web", "version": "1.0.0", "scripts": {"test": "jest"}}"#,
    );
    put("tsconfig.json", r#"{"compilerOptions": {"strict": true}}"#);
    put("node_modules/dep/package.json", r#"{"name": "dep"}"#);
    put("node_modules/dep/scenario.json", SCENARIO);
    put(".github/scenario.json", SCENARIO);
    put(
        "target/tokenrace/found.requests_complete.trace.json",
        &trace,
    );
    put("scenarios/b.json", SCENARIO);
    put("scenarios/a/nested.json", SCENARIO);
    put("scenarios/saved-trace.json", &trace);
    put(
        "scenarios/draft.json",
        "{\"name\": \"draft\", \"clients\": [,]}",
    );
    put("scenarios/odd.tokenrace.json", r#"{"name": "odd"}"#);
    put("scenarios/notes.md", "not json");
    dir
}

fn relative(root: &Path, paths: &[PathBuf]) -> Vec<String> {
    paths
        .iter()
        .map(|p| p.strip_prefix(root).unwrap().display().to_string())
        .collect()
}

#[test]
fn a_folder_yields_its_scenarios_in_path_order_and_says_what_it_skipped() {
    let dir = web_app();
    let found = discover(dir.path()).expect("scenarios found");
    assert_eq!(
        relative(dir.path(), &found.scenarios),
        [
            "scenarios/a/nested.json",
            "scenarios/b.json",
            "scenarios/draft.json",
            "scenarios/odd.tokenrace.json",
        ]
    );
    let skipped: Vec<PathBuf> = found.skipped.iter().map(|(p, _)| p.clone()).collect();
    assert_eq!(
        relative(dir.path(), &skipped),
        [
            "package.json",
            "scenarios/saved-trace.json",
            "tsconfig.json"
        ]
    );
    let notes = found.notes().join("\n");
    assert!(
        notes.contains(
            "package.json: note: not a scenario, skipped: this looks like an npm package.json"
        ),
        "{notes}"
    );
    assert!(notes.contains("saved-trace.json: note: not a scenario, skipped: this is a tokenrace trace: use `tokenrace replay"), "{notes}");
}

#[test]
fn a_folder_with_no_scenario_is_an_error_that_counts_what_it_skipped() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("package.json"), r#"{"scripts": {}}"#).unwrap();
    let err = discover(dir.path()).unwrap_err();
    assert!(
        err.contains("error: no scenario files in this folder (1 other JSON file skipped)"),
        "{err}"
    );
}

#[test]
fn check_dot_in_a_web_app_judges_only_the_scenarios() {
    let dir = web_app();
    fs::remove_file(dir.path().join("scenarios/draft.json")).unwrap();
    fs::remove_file(dir.path().join("scenarios/odd.tokenrace.json")).unwrap();
    let first = tokenrace_in(dir.path(), &["check", "."]);
    assert_eq!(first.code, 0, "{}\n{}", first.stdout, first.stderr);
    assert!(first.stdout.contains("2 passed"), "{}", first.stdout);
    assert!(
        first.stderr.contains("not a scenario, skipped"),
        "{}",
        first.stderr
    );
    let again = tokenrace_in(dir.path(), &["check", "."]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    let validate = tokenrace_in(dir.path(), &["validate", "."]);
    assert_eq!(validate.code, 0, "{}", validate.stderr);
    assert_eq!(validate.stdout.lines().count(), 2, "{}", validate.stdout);
}

#[test]
fn files_named_explicitly_are_never_skipped() {
    let trace = data("traces/rotation-race.json");
    let trace = trace.to_str().unwrap();
    for command in ["check", "validate", "explore"] {
        let out = tokenrace_in(root(), &[command, trace]);
        assert_eq!(out.code, 2, "{command}: {}", out.stderr);
        assert!(
            out.stderr
                .contains("this is a tokenrace trace: use `tokenrace replay"),
            "{command}: {}",
            out.stderr
        );
    }
    let scenario = "tests/data/scenarios/passing/single-flight.json";
    for command in [
        &["replay", scenario][..],
        &["render", scenario, "--to", "mermaid"],
    ] {
        let out = tokenrace_in(root(), command);
        assert_eq!(out.code, 2, "{command:?}: {}", out.stderr);
        assert!(
            out.stderr
                .contains("this is a tokenrace scenario, not a trace"),
            "{}",
            out.stderr
        );
    }
}
