//! Partial-order reduction never drops a state, a verdict or a shortest
//! counterexample's length (docs/performance.md "Partial-order
//! reduction"): sleep sets on vs off on random small scenarios, and the
//! footprints' claim of independence checked pair by pair.

use crate::knobs::{scenario, untimed_knobs};
use crate::reductions::{assert_complete, reduction_config, summary, AUDIT_CASES, CASES};
use proptest::prelude::*;
use tokenrace::check::{self, ExploreOptions, Report, Strategy as Search, Verdict};
use tokenrace::scenario::Scenario;

/// Untimed search with partial-order reduction on or off.
fn explore_por(s: &Scenario, order: Search, no_symmetry: bool, partial_order: bool) -> Report {
    let options = ExploreOptions {
        strategy: Some(order),
        no_symmetry,
        no_partial_order: !partial_order,
        ..ExploreOptions::default()
    };
    check::explore(s, &options).expect("explores")
}

proptest! {
    #![proptest_config(reduction_config(CASES))]

    /// Sleep sets skip transitions, never states: with partial-order
    /// reduction on, the untimed search stores exactly the same number of
    /// states and gives the same verdicts and (BFS) shortest counterexample
    /// lengths, with symmetry on and off.
    #[test]
    fn partial_order_reduction_changes_no_verdict_length_or_state_count(k in untimed_knobs()) {
        let s = scenario(&k);
        // A search stops once every property it judges is violated, where
        // the two may differ; one that proved a property covered it all.
        let whole = |r: &Report| r.invariants.iter().any(|i| i.verdict == Verdict::Holds);
        let verdicts = |r: &Report| -> Vec<(Verdict, Option<u64>)> {
            let states = whole(r).then(|| r.invariants.first().map_or(0, |i| i.states));
            r.invariants.iter().map(|i| (i.verdict, states)).collect()
        };
        let dfs_full = explore_por(&s, Search::Dfs, false, false);
        let dfs_reduced = explore_por(&s, Search::Dfs, false, true);
        assert_complete!(k, dfs_full, dfs_reduced);
        prop_assert_eq!(verdicts(&dfs_full), verdicts(&dfs_reduced));
        for no_symmetry in [true, false] {
            let full = explore_por(&s, Search::Bfs, no_symmetry, false);
            let reduced = explore_por(&s, Search::Bfs, no_symmetry, true);
            assert_complete!(k, full, reduced);
            prop_assert_eq!(summary(&full), summary(&reduced));
            let count = |r: &Report| r.invariants.first().map(|i| (i.states, i.transitions));
            let (states, transitions) = count(&full).unwrap_or_default();
            let (reduced_states, reduced_transitions) = count(&reduced).unwrap_or_default();
            if whole(&full) {
                prop_assert_eq!(states, reduced_states);
                prop_assert!(reduced_transitions <= transitions);
            }
        }
    }
}

proptest! {
    #![proptest_config(reduction_config(AUDIT_CASES))]

    /// The sharpest check of the footprints: deliveries they call
    /// independent commute, with the same facts either way, state by state.
    #[test]
    fn deliveries_called_independent_commute(k in untimed_knobs()) {
        let s = scenario(&k);
        let mut model = tokenrace::model::Model::build(&s);
        model.symmetry = false;
        let monitor = tokenrace::check::judge::InvariantMonitor::new(s.checked());
        let limits = tokenrace::explore::Limits { max_states: 3_000, max_depth: 1_000, max_faults: 1 };
        let audit = tokenrace::explore::audit::audit_independence(&model, &monitor, &limits);
        prop_assert!(audit.is_ok(), "{}", audit.unwrap_err());
    }
}
