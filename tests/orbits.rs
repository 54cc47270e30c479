//! Orbit reduction (one move per symmetry orbit, docs/performance.md) never
//! drops a state, a verdict or a shortest counterexample's length: on vs
//! off on random small untimed scenarios, with sleep sets on and off. With
//! sleep sets off the skipped moves only ever lead to a state a sibling
//! reached first, so even the reports and traces are identical but for the
//! transition count.

use crate::knobs::{knobs, scenario};
use crate::reductions::{complete, summary};
use proptest::prelude::*;
use tokenrace::check::{self, ExploreOptions, Report, Strategy as Search, Verdict};
use tokenrace::scenario::Scenario;

fn explore_orbits(s: &Scenario, order: Search, partial_order: bool, orbits: bool) -> Report {
    let options = ExploreOptions {
        strategy: Some(order),
        no_partial_order: !partial_order,
        no_orbits: !orbits,
        ..ExploreOptions::default()
    };
    check::explore(s, &options).expect("explores")
}

/// The report as JSON with every transition count zeroed (orbit reduction
/// takes fewer transitions by design).
fn without_transitions(r: &Report) -> String {
    let mut r = r.clone();
    r.invariants.iter_mut().for_each(|i| i.transitions = 0);
    let traces: Vec<_> = r.invariants.iter().map(|i| i.trace.clone()).collect();
    serde_json::to_string(&(&r, traces)).expect("serialises")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    #[test]
    fn orbit_reduction_changes_no_state_count_verdict_or_length(mut k in knobs()) {
        k.untimed = true;
        let s = scenario(&k);
        for partial_order in [false, true] {
            let full = explore_orbits(&s, Search::Bfs, partial_order, false);
            let reduced = explore_orbits(&s, Search::Bfs, partial_order, true);
            prop_assume!(complete(&full) && complete(&reduced));
            prop_assert_eq!(summary(&full), summary(&reduced));
            let count = |r: &Report| r.invariants.first().map(|i| (i.states, i.transitions));
            let (states, transitions) = count(&full).unwrap_or_default();
            let (reduced_states, reduced_transitions) = count(&reduced).unwrap_or_default();
            // A search stops once every property it judges is violated; one
            // that proved a property stored every state.
            let whole = full.invariants.iter().any(|i| i.verdict == Verdict::Holds);
            if whole || !partial_order {
                prop_assert_eq!(states, reduced_states);
            }
            prop_assert!(reduced_transitions <= transitions);
            if !partial_order {
                prop_assert_eq!(without_transitions(&full), without_transitions(&reduced));
            }
        }
        let dfs_full = explore_orbits(&s, Search::Dfs, true, false);
        let dfs_reduced = explore_orbits(&s, Search::Dfs, true, true);
        if complete(&dfs_full) && complete(&dfs_reduced) {
            let verdicts = |r: &Report| r.invariants.iter().map(|i| i.verdict).collect::<Vec<_>>();
            prop_assert_eq!(verdicts(&dfs_full), verdicts(&dfs_reduced));
        }
    }
}
