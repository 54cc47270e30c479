//! The windowed search's zone reductions (docs/performance.md "Windowed
//! search"): zone subsumption, LU extrapolation, active clocks and the
//! hull pre-pass change no
//! verdict and no shortest counterexample length, each switched off alone
//! and all together, on random small windowed scenarios; and the windowed
//! search gives byte-identical results for every thread count.

use crate::knobs::{knobs, scenario};
use crate::reductions::{complete, summary};
use proptest::prelude::*;
use tokenrace::check::{self, ExploreOptions, Report, Strategy as Search};
use tokenrace::scenario::Scenario;

/// Which reductions are off.
#[derive(Clone, Copy, Default)]
struct Off {
    subsumption: bool,
    extrapolation: bool,
    active_clocks: bool,
    hull: bool,
}

fn explore(s: &Scenario, off: Off, threads: usize) -> Report {
    let options = ExploreOptions {
        strategy: Some(Search::Bfs),
        threads: Some(threads),
        max_states: Some(8_000),
        no_subsumption: off.subsumption,
        no_extrapolation: off.extrapolation,
        no_active_clocks: off.active_clocks,
        no_hull: off.hull,
        ..ExploreOptions::default()
    };
    check::explore(s, &options).expect("explores")
}

/// A windowed scenario small enough for the exact search: at most two
/// clients, one script entry of one or two requests.
fn small(k: &mut crate::knobs::Knobs) {
    k.untimed = false;
    k.strategies.truncate(2);
    k.requests = vec![k.requests[0].min(2)];
}

fn states(r: &Report) -> u64 {
    r.invariants.first().map(|i| i.states).unwrap_or(0)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10, ..ProptestConfig::default() })]

    #[test]
    fn zone_reductions_change_no_verdict_and_no_shortest_counterexample_length(mut k in knobs()) {
        small(&mut k);
        let s = scenario(&k);
        let none = Off { subsumption: true, extrapolation: true, active_clocks: true, hull: true };
        let full = explore(&s, none, 1);
        prop_assume!(complete(&full));
        let all = explore(&s, Off::default(), 1);
        prop_assert!(complete(&all));
        prop_assert_eq!(summary(&full), summary(&all));
        prop_assert!(states(&all) <= states(&full));
        for off in [
            Off { subsumption: true, ..Off::default() },
            Off { extrapolation: true, ..Off::default() },
            Off { active_clocks: true, ..Off::default() },
            Off { hull: true, ..Off::default() },
        ] {
            let one_off = explore(&s, off, 1);
            prop_assume!(complete(&one_off));
            prop_assert_eq!(summary(&full), summary(&one_off));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 5, ..ProptestConfig::default() })]

    #[test]
    fn windowed_results_are_identical_for_every_thread_count(mut k in knobs()) {
        small(&mut k);
        let s = scenario(&k);
        let one = explore(&s, Off::default(), 1);
        let json = |r: &Report| {
            let traces: Vec<_> = r.invariants.iter().map(|i| i.trace.clone()).collect();
            serde_json::to_string(&(r, traces)).expect("serialises")
        };
        for threads in [2, 3] {
            prop_assert_eq!(json(&one), json(&explore(&s, Off::default(), threads)));
        }
    }
}

/// The hull pre-pass and the exact search on worker threads: the report
/// and the traces of windowed scale scenarios (hull-proved `holds`,
/// counterexamples found after the pre-pass hit them) are the same for
/// every thread count.
#[test]
fn windowed_scale_scenarios_report_the_same_for_every_thread_count() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/scale");
    for file in [
        "three-tabs-cross-tab-proactive-one-drop-two-calls.json",
        "refresh-race-naive-n12.json",
        "refresh-race-single-flight-n10.json",
    ] {
        let mut s = tokenrace::scenario::load(&root.join(file))
            .expect("scale scenario loads")
            .scenario;
        s.explore.timing = tokenrace::scenario::Timing::Windows;
        let run = |threads: usize| {
            let options = ExploreOptions {
                threads: Some(threads),
                ..ExploreOptions::default()
            };
            let r = check::explore(&s, &options).expect("explores");
            let traces: Vec<_> = r.invariants.iter().map(|i| i.trace.clone()).collect();
            serde_json::to_string(&(r, traces)).expect("serialises")
        };
        let one = run(1);
        for threads in [2, 3] {
            assert_eq!(one, run(threads), "{file}, {threads} threads");
        }
    }
}

/// A `holds` the hull pre-pass proved stays `holds` when the exact search
/// that judges the rest hits a bound, and says so: decided by the
/// pre-pass, with the pre-pass's own state count. The property the
/// pre-pass hit is `unknown`, naming the bound and the flag.
#[test]
fn a_hull_proof_survives_a_bound_of_the_exact_search_and_names_the_pre_pass() {
    use tokenrace::check::{DecidedBy, Verdict};
    use tokenrace::scenario::Invariant;
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/scale/three-tabs-cross-tab-proactive-one-drop-two-calls.json");
    let s = tokenrace::scenario::load(&file).expect("loads").scenario;
    let run = |max_states: u64, no_hull: bool| {
        let options = ExploreOptions {
            strategy: Some(Search::Bfs),
            max_states: Some(max_states),
            no_hull,
            ..ExploreOptions::default()
        };
        check::explore(&s, &options).expect("explores")
    };
    let full = run(1_000_000, false);
    let hull_states = full.invariants[0].states;
    let cut = run(3_000, false);
    for r in &cut.invariants {
        if r.invariant == Invariant::RequestsComplete {
            assert_eq!(
                (r.verdict, r.decided_by, r.states),
                (Verdict::Unknown, DecidedBy::Bfs, 3_000)
            );
            assert_eq!(r.bound_hit.as_deref(), Some("max_states"));
            assert!(r.note.contains("--max-states"), "{}", r.note);
        } else {
            assert_eq!(
                (r.verdict, r.decided_by, r.states),
                (Verdict::Holds, DecidedBy::Hull, hull_states),
                "{}",
                r.invariant
            );
        }
    }
    let json = serde_json::to_value(&cut).expect("serialises");
    assert_eq!(json["invariants"][0]["decided_by"], "hull");
    // Without the pre-pass the same bound leaves every verdict unknown.
    let exact = run(3_000, true);
    assert!(exact
        .invariants
        .iter()
        .all(|r| r.verdict == Verdict::Unknown));
}

/// When the hull pre-pass gives up at a bound it proves nothing: the
/// exact search judges every invariant, and an `unknown` says which phase
/// hit the bound first.
#[test]
fn an_unknown_names_the_hull_pre_pass_that_gave_up_first() {
    use tokenrace::check::Verdict;
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/scale/three-tabs-cross-tab-proactive-one-drop-two-calls.json");
    let s = tokenrace::scenario::load(&file).expect("loads").scenario;
    let options = ExploreOptions {
        strategy: Some(Search::Bfs),
        max_states: Some(300),
        ..ExploreOptions::default()
    };
    let report = check::explore(&s, &options).expect("explores");
    for r in &report.invariants {
        assert_eq!(r.verdict, Verdict::Unknown, "{}", r.invariant);
        assert_eq!(r.decided_by.name(), "bfs");
        assert!(
            r.note
                .starts_with("exhaustive search stopped at 300 states (max_states)")
                && r.note
                    .ends_with("the hull pre-pass, run first, gave up at 301 states (max_states)"),
            "{}",
            r.note
        );
    }
}
