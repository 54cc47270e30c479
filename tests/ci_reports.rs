//! What CI consumes, end to end: `check --junit` (parsed as XML, counts
//! checked), `check --report` (Markdown with diagrams), `check --format
//! json` (per-invariant fields), `matrix` in every format, the committed
//! docs/matrix.md (regenerated and compared; `TOKENRACE_BLESS=1` rewrites
//! it), and `completions`.

use crate::cli::tokenrace;
use std::path::Path;
use tokenrace::check::matrix::{self, MatrixOptions};

const CI: &str = "tests/data/scenarios/ci";

/// `check CI` with every output file under a fresh directory.
fn check_ci(extra: &[&str]) -> (tempfile::TempDir, crate::cli::Outcome) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap().to_string();
    let junit = format!("{out}/reports/junit.xml");
    let report = format!("{out}/reports/report.md");
    let mut args = vec![
        "check", CI, "--out", &out, "--junit", &junit, "--report", &report,
    ];
    args.extend_from_slice(extra);
    let outcome = tokenrace(&args);
    (dir, outcome)
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join("reports").join(name)).expect("the report was written")
}

#[test]
fn junit_counts_one_case_per_expectation_and_fails_the_unmet_ones() {
    let (dir, out) = check_ci(&[]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    let xml = read(dir.path(), "junit.xml");
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(root.attribute("tests"), Some("5"));
    assert_eq!(root.attribute("failures"), Some("2"));
    assert_eq!(root.attribute("errors"), Some("0"));
    let suites: Vec<_> = root.children().filter(|n| n.is_element()).collect();
    let names: Vec<_> = suites
        .iter()
        .map(|s| s.attribute("name").unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "ci race <&> \"quoted\"",
            "ci-race-expected-to-hold",
            "ci-bounded"
        ]
    );
    for suite in &suites {
        let cases = suite.children().filter(|n| n.has_tag_name("testcase"));
        let failed = suite
            .descendants()
            .filter(|n| n.has_tag_name("failure"))
            .count();
        assert_eq!(suite.attribute("tests"), Some(&*cases.count().to_string()));
        assert_eq!(suite.attribute("failures"), Some(&*failed.to_string()));
    }
    let failure = doc
        .descendants()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert_eq!(
        failure.attribute("message"),
        Some("expected holds, got violated")
    );
    let body = failure.text().unwrap();
    let trace = dir
        .path()
        .join("ci-race-expected-to-hold.no_error_while_refresh_valid.trace.json");
    assert!(
        body.contains(&format!("trace: {}", trace.display())),
        "{body}"
    );
    assert!(body.contains(&format!("replay: tokenrace replay {}", trace.display())));
    assert!(!xml.contains("time="), "reports carry no timings");
}

#[test]
fn junit_passes_unknown_for_holds_with_allow_unknown_and_says_why() {
    let (dir, out) = check_ci(&["--allow-unknown"]);
    assert_eq!(out.code, 1, "the wrong expectation still fails");
    let xml = read(dir.path(), "junit.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    assert_eq!(doc.root_element().attribute("failures"), Some("1"));
    let bounded = doc
        .descendants()
        .find(|n| n.has_tag_name("testcase") && n.attribute("classname") == Some("ci-bounded"))
        .unwrap();
    assert!(!bounded.descendants().any(|n| n.has_tag_name("failure")));
    let note = bounded
        .descendants()
        .find(|n| n.has_tag_name("system-out"))
        .and_then(|n| n.text())
        .unwrap();
    assert!(note.contains("--allow-unknown"), "{note}");
}

#[test]
fn junit_reports_files_and_paths_that_cannot_be_judged_as_errors() {
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("junit.xml");
    let out = tokenrace(&[
        "check",
        "tests/data/scenarios/mixed",
        "tests/data/no-such-folder",
        "--out",
        dir.path().to_str().unwrap(),
        "--junit",
        junit.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    let xml = std::fs::read_to_string(junit).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    assert_eq!(doc.root_element().attribute("errors"), Some("2"));
    let errors: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("error"))
        .collect();
    assert_eq!(errors.len(), 2);
    assert!(errors[1].text().unwrap().contains("no-such-folder"));
}

#[test]
fn the_markdown_report_draws_every_violation_and_gives_replay_commands() {
    let (dir, out) = check_ci(&[]);
    assert_eq!(out.code, 1);
    let page = read(dir.path(), "report.md");
    assert!(page.starts_with("# tokenrace check\n"));
    let failure = "### ❌ `ci-race-expected-to-hold` · `no_error_while_refresh_valid`: expected holds, got violated";
    assert!(page.contains(failure), "{page}");
    assert!(page.contains(
        "### ❌ `ci-bounded` · `no_error_while_refresh_valid`: expected holds, got unknown"
    ));
    assert!(page.contains("- replay: `tokenrace replay "));
    // Three violations (the failure, the expected one, and one without an
    // expectation), each drawn once.
    assert_eq!(
        page.matches("```mermaid\nsequenceDiagram").count(),
        3,
        "{page}"
    );
    assert!(
        page.contains("<details><summary><code>ci race &lt;&amp;&gt; &quot;quoted&quot;</code>")
    );
    let totals = page.lines().nth(2).unwrap();
    assert!(
        totals.ends_with("5 expectations, 2 unmet"),
        "no timings: {totals}"
    );
}

#[test]
fn reports_are_byte_identical_across_runs() {
    let (first_dir, _) = check_ci(&[]);
    let (second_dir, _) = check_ci(&[]);
    // Paths differ per run only inside the trace/replay lines; compare the
    // reports with each run's own directory blanked out.
    let strip = |dir: &Path, name| read(dir, name).replace(dir.to_str().unwrap(), "OUT");
    for name in ["junit.xml", "report.md"] {
        assert_eq!(
            strip(first_dir.path(), name),
            strip(second_dir.path(), name)
        );
    }
}

#[test]
fn check_json_gives_verdict_mode_states_bound_and_replay_per_invariant() {
    let dir = tempfile::tempdir().unwrap();
    let out = tokenrace(&[
        "check",
        CI,
        "--format",
        "json",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(out.code, 1);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert_eq!(
        (doc["expectations"].as_u64(), doc["unmet"].as_u64()),
        (Some(5), Some(2))
    );
    let race = &doc["scenarios"][0]["rows"][0];
    assert_eq!(race["got"], "violated");
    assert_eq!(race["decided_by"], "bfs");
    assert!(race["states"].as_u64().unwrap() > 0);
    assert!(race["replay"]
        .as_str()
        .unwrap()
        .starts_with("tokenrace replay "));
    let bounded = &doc["scenarios"][2]["rows"][0];
    assert_eq!(bounded["got"], "unknown");
    assert_eq!(bounded["bound_hit"], "max_states");
    assert!(bounded["note"]
        .as_str()
        .unwrap()
        .starts_with("exhaustive search stopped at 2 states (max_states); raise it with --max-states; then 3 random runs"));
    assert_eq!(bounded["runs"], 3);
    assert!(!out.stdout.contains("elapsed"));
}

#[test]
fn an_unwritable_report_path_is_exit_two_and_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, "not a folder").unwrap();
    let junit = blocker.join("junit.xml");
    let out = tokenrace(&[
        "check",
        "tests/data/scenarios/passing",
        "--out",
        dir.path().to_str().unwrap(),
        "--junit",
        junit.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("cannot write"), "{}", out.stderr);
    assert!(!junit.exists());
}

#[test]
fn matrix_prints_a_table_in_every_format_and_exits_zero() {
    let small = ["matrix", "--requests", "1", "--threads", "2"];
    let text = tokenrace(&small);
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(text.stdout.contains("client \\ server"));
    assert!(text
        .stdout
        .lines()
        .any(|l| l.starts_with("cross_tab-proactive ")));
    let json = tokenrace(&[&small[..], &["--format", "json"]].concat());
    assert_eq!(json.code, 0);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let cells = doc["cells"].as_array().unwrap();
    let rows = doc["clients"].as_array().unwrap().len();
    let columns = doc["servers"].as_array().unwrap().len();
    assert_eq!(cells.len(), rows * columns);
    assert_eq!(cells[0]["verdicts"].as_array().unwrap().len(), 4);
    let markdown = tokenrace(&[&small[..], &["--format", "markdown"]].concat());
    assert!(markdown
        .stdout
        .contains("`tokenrace matrix --requests 1 --tabs 1 --max-states 200000 --format markdown"));
}

#[test]
fn matrix_out_saves_counterexamples_that_replay() {
    let dir = tempfile::tempdir().unwrap();
    let out = tokenrace(&[
        "matrix",
        "--requests",
        "1",
        "--out",
        dir.path().to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let replays: Vec<&str> = doc["cells"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["verdicts"].as_array().unwrap())
        .filter(|v| v["verdict"] == "violated")
        .map(|v| v["replay"].as_str().expect("every violation has a replay"))
        .collect();
    assert!(
        !replays.is_empty(),
        "a late proactive timer races a request"
    );
    let trace = replays[0].strip_prefix("tokenrace replay ").unwrap();
    assert_eq!(tokenrace(&["replay", trace]).code, 1, "it reproduces");
}

#[test]
fn matrix_refuses_zero_requests() {
    let out = tokenrace(&["matrix", "--requests", "0"]);
    assert_eq!(out.code, 2);
}

/// docs/matrix.md is what `tokenrace matrix --format markdown` prints with
/// the default options; `TOKENRACE_BLESS=1` rewrites it.
#[test]
fn matrix_page_is_up_to_date() {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let options = MatrixOptions {
        threads,
        ..MatrixOptions::default()
    };
    let page = tokenrace::render::matrix::markdown(&matrix::build(&options));
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/matrix.md");
    if std::env::var_os("TOKENRACE_BLESS").is_some() {
        std::fs::write(&path, &page).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == page,
        "docs/matrix.md is stale: run `TOKENRACE_BLESS=1 cargo test matrix_page` and commit it"
    );
}

#[test]
fn completions_are_generated_for_bash_zsh_and_fish() {
    for shell in ["bash", "zsh", "fish"] {
        let out = tokenrace(&["completions", shell]);
        assert_eq!(out.code, 0, "{shell}: {}", out.stderr);
        for word in ["tokenrace", "matrix", "junit", "allow-unknown", "markdown"] {
            assert!(out.stdout.contains(word), "{shell} lacks {word}");
        }
    }
    assert_eq!(tokenrace(&["completions", "tcsh"]).code, 2);
}
