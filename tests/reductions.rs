//! Reductions never change a verdict or a shortest counterexample's length
//! (docs/performance.md): symmetry on vs off, on random small scenarios in
//! both timings, and the untimed search's result for every thread count.
//! A request-id-bearing field the symmetry renaming forgot makes a reduced
//! search merge states with different futures, which these comparisons
//! catch.

use crate::knobs::{knobs, scenario, untimed_knobs};
use crate::properties::config;
use proptest::prelude::*;
use tokenrace::check::{self, ExploreOptions, Report, Strategy as Search, Verdict};
use tokenrace::scenario::Scenario;

/// Cases per comparison; each is a few small exhaustive searches.
pub(crate) const CASES: u32 = 32;
/// Cases of the thread-count comparison (four searches each).
const THREAD_CASES: u32 = 12;
/// Cases of the state-by-state audits: each is one bounded pass, and the
/// audits are what catch a renaming or footprint that misses a field.
pub(crate) const AUDIT_CASES: u32 = 128;

fn explore(s: &Scenario, no_symmetry: bool, threads: usize) -> Report {
    let options = ExploreOptions {
        strategy: Some(Search::Bfs),
        no_symmetry,
        threads: Some(threads),
        ..ExploreOptions::default()
    };
    check::explore(s, &options).expect("explores")
}

/// Per invariant: the verdict and the shortest counterexample's length.
pub(crate) fn summary(r: &Report) -> Vec<(String, Verdict, Option<usize>)> {
    r.invariants
        .iter()
        .map(|i| {
            let len = i.trace.as_ref().map(|t| t.choices.len());
            (i.invariant.to_string(), i.verdict, len)
        })
        .collect()
}

pub(crate) fn complete(r: &Report) -> bool {
    r.invariants.iter().all(|i| i.bound_hit.is_none())
}

/// The generators keep every scenario inside its search bounds
/// (`knobs::MAX_WORK`), so a comparison never has to drop a case after
/// two full searches; one that hits a bound fails and names its knobs.
macro_rules! assert_complete {
    ($k:expr, $($report:expr),+) => {
        $(prop_assert!(
            crate::reductions::complete(&$report),
            "the generator left its bounds (raise the weights in knobs::Knobs::work): {:?}",
            $k
        );)+
    };
}
pub(crate) use assert_complete;

/// A fixed seed (the cases are the same on every run; the suite's time is
/// predictable) and a regression file for any failure.
pub(crate) fn reduction_config(cases: u32) -> proptest::test_runner::Config {
    config(cases, "tests/proptest-regressions/reductions.txt")
}

proptest! {
    #![proptest_config(reduction_config(CASES))]

    #[test]
    fn symmetry_changes_no_verdict_and_no_shortest_counterexample_length(k in knobs()) {
        let s = scenario(&k);
        let full = explore(&s, true, 1);
        let reduced = explore(&s, false, 1);
        assert_complete!(k, full, reduced);
        prop_assert_eq!(summary(&full), summary(&reduced));
        let states = |r: &Report| r.invariants.first().map(|i| i.states).unwrap_or(0);
        prop_assert!(states(&reduced) <= states(&full));
    }
}

proptest! {
    #![proptest_config(reduction_config(THREAD_CASES))]

    #[test]
    fn untimed_results_are_identical_for_every_thread_count(k in untimed_knobs()) {
        let s = scenario(&k);
        let one = explore(&s, false, 1);
        let json = |r: &Report| {
            let traces: Vec<_> = r.invariants.iter().map(|i| i.trace.clone()).collect();
            serde_json::to_string(&(r, traces)).expect("serialises")
        };
        for threads in [2, 3, 8] {
            prop_assert_eq!(json(&one), json(&explore(&s, false, threads)));
        }
    }
}

proptest! {
    #![proptest_config(reduction_config(AUDIT_CASES))]

    /// The sharpest check of the renaming: states merged by symmetry must
    /// have the same successors (keys and properties hit), state by state.
    #[test]
    fn states_merged_by_symmetry_have_the_same_futures(k in untimed_knobs()) {
        let s = scenario(&k);
        let model = tokenrace::model::Model::build(&s);
        let monitor = tokenrace::check::judge::InvariantMonitor::new(s.checked());
        let limits = tokenrace::explore::Limits { max_states: 5_000, max_depth: 1_000, max_faults: 1 };
        let audit = tokenrace::explore::audit::audit_symmetry(&model, &monitor, &limits);
        prop_assert!(audit.is_ok(), "{}", audit.unwrap_err());
    }
}

fn scale_scenario(name: &str) -> Scenario {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/scale")
        .join(name);
    tokenrace::scenario::load(&file).expect("loads").scenario
}

#[test]
fn an_untimed_counterexample_says_so_and_replays_in_untimed_semantics() {
    let s = scale_scenario("refresh-race-naive-n2.json");
    let report = check::explore(&s, &ExploreOptions::default()).expect("explores");
    let found = &report.invariants[0];
    assert_eq!(found.verdict, Verdict::Violated);
    assert_eq!(found.decided_by.name(), "untimed-bfs");
    let trace = found.trace.clone().expect("a violation has a trace");
    let deliveries = trace
        .steps
        .iter()
        .filter(|s| s.kind == tokenrace::trace::StepKind::Message)
        .count();
    assert_eq!(deliveries, 7, "the peers' shortest counterexample");
    assert!(trace.verdicts[0]
        .note
        .contains("order of deliveries, not times"));
    check::replay(&trace).expect("an untimed trace replays");
    let mut late = trace.clone();
    let last = late.choices.last_mut().expect("steps");
    last.at += 1;
    assert!(
        check::replay(&late).is_err(),
        "a delivery takes no time in untimed semantics"
    );
}

#[test]
fn time_comparing_invariants_are_unknown_in_untimed_exploration() {
    let s = scale_scenario("untimed-time-invariants-unknown.json");
    let report = check::explore(&s, &ExploreOptions::default()).expect("explores");
    let complete = report
        .invariants
        .iter()
        .find(|r| r.invariant.to_string() == "requests_complete")
        .expect("checked");
    assert_eq!(complete.verdict, Verdict::Unknown);
    assert!(complete.note.contains("compares times"));
}

#[test]
fn a_state_bound_gives_unknown_never_holds() {
    let s = scale_scenario("refresh-race-single-flight-n10.json");
    let options = ExploreOptions {
        strategy: Some(Search::Bfs),
        max_states: Some(100),
        ..ExploreOptions::default()
    };
    let report = check::explore(&s, &options).expect("explores");
    for r in &report.invariants {
        assert_eq!(r.verdict, Verdict::Unknown);
        assert_eq!(r.bound_hit.as_deref(), Some("max_states"));
        assert_eq!(r.states, 100);
    }
    let options = ExploreOptions {
        strategy: Some(Search::Bfs),
        time_ms: Some(0),
        ..ExploreOptions::default()
    };
    let report = check::explore(&s, &options).expect("explores");
    assert!(report
        .invariants
        .iter()
        .all(|r| r.verdict == Verdict::Unknown && r.bound_hit.as_deref() == Some("time")));
}

#[test]
fn explore_prints_the_same_report_and_trace_for_every_thread_count() {
    let dir = tempfile::tempdir().expect("temp dir");
    let run = |threads: &str| {
        let out = dir.path().join(threads);
        let outcome = crate::cli::tokenrace(&[
            "explore",
            "scenarios/scale/refresh-race-single-flight-n10.json",
            "--threads",
            threads,
            "--out",
            out.to_str().expect("utf-8 path"),
        ]);
        assert_eq!(outcome.code, 0, "{}", outcome.stderr);
        outcome.stdout
    };
    assert_eq!(run("1"), run("2"));
    let naive = |threads: &str| {
        let out = dir.path().join(format!("naive{threads}"));
        let outcome = crate::cli::tokenrace(&[
            "explore",
            "scenarios/scale/refresh-race-naive-n12.json",
            "--threads",
            threads,
            "--out",
            out.to_str().expect("utf-8 path"),
        ]);
        assert_eq!(outcome.code, 1, "{}", outcome.stderr);
        let trace = out.join("refresh-race-naive-n12.no_error_while_refresh_valid.trace.json");
        std::fs::read_to_string(trace).expect("the trace was written")
    };
    assert_eq!(naive("1"), naive("3"));
}
