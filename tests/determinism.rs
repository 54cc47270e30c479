//! Same scenario + seed → byte-identical traces and reports (SPEC §2
//! "Determinism"), whatever else ran before in the process.

use std::path::Path;
use tokenrace::check::{self, ExploreOptions, Strategy};

fn seed_race() -> tokenrace::scenario::Scenario {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/determinism/race.json");
    tokenrace::scenario::load(&file)
        .expect("fixture loads")
        .scenario
}

fn explore_json(strategy: Strategy) -> String {
    let options = ExploreOptions {
        strategy: Some(strategy),
        runs: Some(50),
        ..ExploreOptions::default()
    };
    let report = check::explore(&seed_race(), &options).expect("explores");
    let traces: Vec<_> = report
        .invariants
        .iter()
        .filter_map(|r| r.trace.clone())
        .collect();
    serde_json::to_string(&(report, traces)).expect("serialises")
}

#[test]
fn the_same_seed_gives_byte_identical_run_traces() {
    let scenario = seed_race();
    for seed in [0, 7, 12345] {
        let (_, first) = check::run(&scenario, seed).expect("runs");
        let (_, second) = check::run(&scenario, seed).expect("runs");
        assert_eq!(
            serde_json::to_string(&first).unwrap(),
            serde_json::to_string(&second).unwrap()
        );
    }
}

#[test]
fn different_seeds_can_give_different_runs() {
    let scenario = seed_race();
    let traces: std::collections::BTreeSet<String> = (0..20)
        .map(|seed| serde_json::to_string(&check::run(&scenario, seed).unwrap().1.choices).unwrap())
        .collect();
    assert!(traces.len() > 1, "the seed must matter");
}

#[test]
fn exhaustive_and_random_exploration_are_reproducible() {
    for strategy in [Strategy::Bfs, Strategy::Dfs, Strategy::Random] {
        assert_eq!(
            explore_json(strategy),
            explore_json(strategy),
            "{strategy:?}"
        );
    }
}

#[test]
fn every_run_trace_replays_to_the_same_bytes() {
    let scenario = seed_race();
    for seed in 0..10 {
        let (_, trace) = check::run(&scenario, seed).expect("runs");
        let replayed = check::replay(&trace).expect("replays");
        assert_eq!(
            serde_json::to_string(&trace).unwrap(),
            serde_json::to_string(&replayed).unwrap()
        );
    }
}
