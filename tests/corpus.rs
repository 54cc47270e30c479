//! The scenario corpus is the main test suite: every `scenarios/**/*.json`
//! must meet its `expect` block, and every counterexample must replay.

use std::path::{Path, PathBuf};
use tokenrace::check::{self, ExploreOptions, Verdict};

/// Every scenario file under `dir`, sorted, recursively.
pub fn scenario_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("readable corpus dir") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

#[test]
fn every_corpus_scenario_meets_its_expectations() {
    let files = scenario_files(&corpus_dir());
    assert!(
        files.len() >= 20,
        "the corpus has {} scenarios",
        files.len()
    );
    let mut failures = Vec::new();
    for file in &files {
        let loaded = tokenrace::scenario::load(file).unwrap_or_else(|e| panic!("{e}"));
        let scenario = &loaded.scenario;
        assert!(
            !scenario.expect.is_empty(),
            "{}: no expect block",
            file.display()
        );
        let stem = file
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        assert_eq!(
            scenario.name,
            stem,
            "{}: name differs from file name",
            file.display()
        );
        let report = check::explore(scenario, &ExploreOptions::default())
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for result in check::expectations(scenario, &report, false) {
            if !result.met {
                failures.push(format!(
                    "{}: {} expected {:?}, got {:?}",
                    file.display(),
                    result.invariant,
                    result.expected,
                    result.got
                ));
            }
        }
        for r in report
            .invariants
            .iter()
            .filter(|r| r.verdict == Verdict::Violated)
        {
            let trace = r.trace.as_ref().expect("a violation carries its trace");
            check::replay(trace)
                .unwrap_or_else(|e| panic!("{}: {}: {e}", file.display(), r.invariant));
        }
    }
    assert!(
        failures.is_empty(),
        "unmet expectations:\n{}",
        failures.join("\n")
    );
}
