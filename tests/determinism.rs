//! Same scenario + seed → byte-identical traces and reports (docs/semantics.md
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
fn exhaustive_random_and_pct_exploration_are_reproducible() {
    for strategy in [
        Strategy::Bfs,
        Strategy::Dfs,
        Strategy::Random,
        Strategy::Pct,
    ] {
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

#[test]
fn a_pct_scenario_is_decided_by_pct_never_holds_and_its_traces_replay() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/seeds/000-two-request-rotation-race.json");
    let mut scenario = tokenrace::scenario::load(&file)
        .expect("seed loads")
        .scenario;
    scenario.explore.mode = tokenrace::scenario::ExploreMode::Pct;
    scenario.explore.runs = 300;
    let options = ExploreOptions::default();
    let report = check::explore(&scenario, &options).expect("explores");
    let race = tokenrace::scenario::Invariant::NoErrorWhileRefreshValid;
    for r in &report.invariants {
        assert_eq!(r.decided_by.name(), "pct", "{:?}", r.invariant);
        assert_ne!(r.verdict, check::Verdict::Holds, "{:?}", r.invariant);
        if let Some(trace) = &r.trace {
            let replayed = check::replay(trace).expect("a PCT trace replays");
            assert_eq!(
                serde_json::to_string(trace).unwrap(),
                serde_json::to_string(&replayed).unwrap()
            );
        }
    }
    let found = report
        .invariants
        .iter()
        .find(|r| r.invariant == race)
        .unwrap();
    assert_eq!(found.verdict, check::Verdict::Violated);
}
