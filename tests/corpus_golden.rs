//! Optimisations change nothing but speed: every corpus scenario's
//! verdicts, state counts, shortest counterexample lengths and trace bytes
//! (as a digest) are pinned in `tests/data/corpus-golden.tsv`, written from
//! the binary before the untimed search was optimised (and checked byte for
//! byte against its `check`/`explore` output). Transition counts are left
//! out: reductions exist to lower them; stored-state counts of windowed
//! scenarios were re-pinned when zone subsumption landed (verdicts, lengths
//! and trace digests unchanged). After an intended change of
//! results, rewrite the file with `TOKENRACE_BLESS=1 cargo test --release
//! --test integration corpus_golden` and review the diff.

use crate::corpus::scenario_files;
use std::path::Path;
use tokenrace::check::{self, ExploreOptions};

const GOLDEN: &str = "tests/data/corpus-golden.tsv";

/// One line per invariant: file, invariant, verdict, states, steps of the
/// counterexample, xxh3 of its trace's JSON.
fn lines() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = String::new();
    for file in scenario_files(&root.join("scenarios")) {
        let loaded = tokenrace::scenario::load(&file).unwrap_or_else(|e| panic!("{e}"));
        let Ok(report) = check::explore(&loaded.scenario, &ExploreOptions::default()) else {
            continue;
        };
        let name = file
            .strip_prefix(root)
            .unwrap_or(&file)
            .display()
            .to_string();
        for i in &report.invariants {
            let trace = i.trace.as_ref().map(|t| {
                let json = serde_json::to_string(t).expect("serialises");
                (t.choices.len(), xxhash_rust::xxh3::xxh3_64(json.as_bytes()))
            });
            let (steps, digest) = trace.map_or(("-".into(), "-".into()), |(n, d)| {
                (n.to_string(), format!("{d:016x}"))
            });
            out.push_str(&format!(
                "{name}\t{}\t{:?}\t{}\t{steps}\t{digest}\n",
                i.invariant, i.verdict, i.states
            ));
        }
    }
    out
}

#[test]
fn corpus_verdicts_states_lengths_and_traces_are_pinned() {
    let got = lines();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(GOLDEN);
    if std::env::var_os("TOKENRACE_BLESS").is_some() {
        std::fs::write(&path, &got).expect("writes the golden file");
        return;
    }
    let want = std::fs::read_to_string(&path).expect("the golden file exists");
    for (g, w) in got.lines().zip(want.lines()) {
        assert_eq!(g, w, "corpus result changed (see {GOLDEN})");
    }
    assert_eq!(got.lines().count(), want.lines().count(), "{GOLDEN}");
}
