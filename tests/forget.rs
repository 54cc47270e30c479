//! Dead-data forgetting (`model::dead`, docs/performance.md "Forgetting
//! what a finished request knew") never changes a verdict or a shortest
//! counterexample's length: on vs off on the reduction knobs (both
//! timings), and on generated scenarios with proactive tabs of one browser
//! (the matrix's naive-proactive row in small), where it merges most.

use crate::knobs::{knobs, scenario};
use crate::reductions::{assert_complete, reduction_config, summary, CASES};
use proptest::prelude::*;
use tokenrace::check::{self, ExploreOptions, Report, Strategy as Search};
use tokenrace::scenario::{Duration, Scenario, Timing};
use tokenrace::strategies::{self, Constraints};
use tokenrace::Refresh;

fn explore(s: &Scenario, no_forget: bool) -> Report {
    let options = ExploreOptions {
        strategy: Some(Search::Bfs),
        no_forget,
        threads: Some(1),
        ..ExploreOptions::default()
    };
    check::explore(s, &options).expect("explores")
}

fn states(r: &Report) -> u64 {
    r.invariants.first().map_or(0, |i| i.states)
}

/// Tabs of one browser with proactive timers (and, half the time, the
/// (v1.1) failure settings), a few requests each, in either timing.
fn proactive_tabs() -> impl Strategy<Value = Scenario> {
    let strategy_names = [Refresh::Naive, Refresh::SingleFlight, Refresh::CrossTab];
    let proactive = |mut c: tokenrace::Client| {
        c.proactive = c.proactive.or(Some(Duration(60_000)));
        c
    };
    let clients = prop_oneof![
        strategies::client_settings(&strategy_names),
        strategies::client_settings_v11(&strategy_names),
    ]
    .prop_map(proactive)
    .boxed();
    let generated = strategies::scenario(Constraints {
        client: clients,
        clients: 1..=2,
        one_device: true,
        requests: 1..=2,
        concurrency: 1..=2,
        max_states: 20_000,
        ..Constraints::default()
    });
    (generated, any::<bool>()).prop_map(|(mut s, untimed)| {
        if untimed {
            s.explore.timing = Timing::Untimed;
        }
        s
    })
}

proptest! {
    #![proptest_config(reduction_config(CASES))]

    #[test]
    fn forgetting_changes_no_verdict_and_no_shortest_counterexample_length(k in knobs()) {
        let s = scenario(&k);
        let full = explore(&s, true);
        let reduced = explore(&s, false);
        assert_complete!(k, full, reduced);
        prop_assert_eq!(summary(&full), summary(&reduced));
        prop_assert!(states(&reduced) <= states(&full));
    }

    #[test]
    fn forgetting_agrees_on_proactive_tabs(s in proactive_tabs()) {
        let full = explore(&s, true);
        let reduced = explore(&s, false);
        // A case whose full search hits its bound says nothing here.
        prop_assume!(crate::reductions::complete(&full));
        prop_assert!(crate::reductions::complete(&reduced));
        prop_assert_eq!(summary(&full), summary(&reduced));
        prop_assert!(states(&reduced) <= states(&full));
    }
}

/// Two naive tabs of one browser with late proactive timers (the matrix's
/// `naive-proactive` row in small), untimed: finished requests that
/// differ only in the AT they last called with merge (6,000 → 4,895
/// states when measured), with the same verdicts and lengths.
#[test]
fn forgetting_merges_finished_requests_of_proactive_tabs() {
    let tab = |name: &str| {
        format!(
            r#"{{"name": "{name}", "device": "browser", "storage": "local_storage", "refresh": "naive", "proactive": "1m"}}"#
        )
    };
    let text = format!(
        r#"{{
  "name": "forget-proactive-tabs",
  "horizon": "20m",
  "auth": {{"rotation": false}},
  "clients": [{}, {}],
  "script": [
    {{"at": "0s", "do": "skew", "client": "tab1", "by": "-2m"}},
    {{"at": "0s", "do": "skew", "client": "tab2", "by": "-2m"}},
    {{"at": "0s", "do": "login", "client": "tab1"}},
    {{"at": "16m", "do": "request", "client": "tab1"}},
    {{"at": "16m", "do": "request", "client": "tab2"}}
  ],
  "check": ["no_error_while_refresh_valid", "no_stale_overwrite", "single_refresh_per_expiry"],
  "explore": {{"timing": "untimed"}}
}}"#,
        tab("tab1"),
        tab("tab2")
    );
    let s = tokenrace::scenario::parse(&text, "forget-proactive-tabs.json")
        .expect("parses")
        .scenario;
    let full = explore(&s, true);
    let reduced = explore(&s, false);
    assert_eq!(summary(&full), summary(&reduced));
    assert!(
        states(&reduced) < states(&full),
        "nothing merged: {} vs {}",
        states(&reduced),
        states(&full)
    );
}
