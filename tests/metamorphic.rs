//! Metamorphic properties: transformations that must change no verdict —
//! renaming clients, shifting every script time by a constant, scaling every
//! duration by the same factor — and the agreement of random and exhaustive
//! search whenever random search finds a violation.
//!
//! Verdicts are compared per invariant; traces may differ (names and times
//! appear in them), verdicts may not.

use crate::properties::{config, explore};
use proptest::prelude::*;
use tokenrace::builder::ms;
use tokenrace::scenario::{Duration, Invariant};
use tokenrace::strategies::{self, Constraints};
use tokenrace::{ExploreOptions, Refresh, Scenario, Strategy as Search, Verdict};

const REGRESSIONS: &str = "tests/proptest-regressions/metamorphic.txt";

/// Small scenarios with every kind of script entry, with core settings or
/// with the (v1.1) server and client settings too.
fn scenarios() -> impl Strategy<Value = Scenario> {
    let strategy_names = [Refresh::Naive, Refresh::SingleFlight, Refresh::CrossTab];
    let core = strategies::scenario(Constraints {
        logout: true,
        attacker: true,
        ..Constraints::default()
    });
    let v11 = strategies::scenario(Constraints {
        auth: strategies::auth_policy_v11().boxed(),
        client: strategies::client_settings_v11(&strategy_names),
        logout: true,
        attacker: true,
        ..Constraints::default()
    });
    prop_oneof![core, v11]
}

fn verdicts(scenario: &Scenario) -> Vec<(Invariant, Verdict)> {
    explore(scenario)
        .invariants
        .iter()
        .map(|r| (r.invariant, r.verdict))
        .collect()
}

/// Renames every client (and its device) to a name that sorts differently.
fn renamed(scenario: &Scenario) -> Scenario {
    let names = ["zulu", "mike", "alpha", "kilo"];
    let rename = |name: &str| {
        let i = scenario.clients.iter().position(|c| c.name == name);
        i.map_or(name.to_string(), |i| names[i].to_string())
    };
    let mut out = scenario.clone();
    for client in &mut out.clients {
        client.device = client.device.as_deref().map(|d| format!("{d}-renamed"));
        client.name = rename(&client.name);
    }
    for action in &mut out.script {
        action.client = action.client.as_deref().map(rename);
    }
    out
}

/// Every script time and the horizon later by `by`.
fn shifted(scenario: &Scenario, by: i64) -> Scenario {
    let mut out = scenario.clone();
    for action in &mut out.script {
        action.at = ms(action.at.0 + by);
    }
    out.horizon = ms(out.horizon.0 + by);
    out
}

/// Every duration of the scenario times `k`.
fn scaled(scenario: &Scenario, k: i64) -> Scenario {
    let scale = |d: &mut Duration| d.0 *= k;
    let mut out = scenario.clone();
    scale(&mut out.horizon);
    scale(&mut out.auth.access_ttl);
    scale(&mut out.auth.refresh_ttl);
    scale(&mut out.auth.grace);
    out.auth.commit_latency.iter_mut().for_each(scale);
    scale(&mut out.resource.leeway);
    out.network.latency.iter_mut().for_each(scale);
    for link in out.network.links.values_mut() {
        link.latency.iter_mut().flatten().for_each(scale);
    }
    for client in &mut out.clients {
        client.proactive.iter_mut().for_each(scale);
        client.timeout.iter_mut().for_each(scale);
    }
    for action in &mut out.script {
        scale(&mut action.at);
        action.by.iter_mut().for_each(scale);
    }
    out.bounds.attacker_window.iter_mut().for_each(scale);
    out
}

proptest! {
    #![proptest_config(config(128, REGRESSIONS))]

    #[test]
    fn renaming_clients_changes_no_verdict(scenario in scenarios()) {
        prop_assert_eq!(verdicts(&scenario), verdicts(&renamed(&scenario)));
    }

    #[test]
    fn shifting_the_script_in_time_changes_no_verdict(
        scenario in scenarios(),
        by in 1i64..=7_200_000,
    ) {
        prop_assert_eq!(verdicts(&scenario), verdicts(&shifted(&scenario, by)));
    }

    #[test]
    fn scaling_every_duration_changes_no_verdict(scenario in scenarios(), k in 2i64..=5) {
        prop_assert_eq!(verdicts(&scenario), verdicts(&scaled(&scenario, k)));
    }

    /// Every counterexample, exhaustive or random, replays to itself.
    #[test]
    fn every_counterexample_replays(scenario in scenarios()) {
        let random = tokenrace::explore(&scenario, &ExploreOptions {
            strategy: Some(Search::Random),
            runs: Some(30),
            ..Default::default()
        }).unwrap();
        for (invariant, trace) in explore(&scenario).violations().chain(random.violations()) {
            let replayed = tokenrace::replay(trace);
            prop_assert!(matches!(&replayed, Ok(t) if t == trace), "{invariant}: {replayed:?}");
        }
    }

    /// Random search only reports violations it executed, and exhaustive
    /// search covers every order: whatever random finds, exhaustive finds.
    #[test]
    fn exhaustive_search_finds_every_violation_random_search_finds(scenario in scenarios()) {
        let random = tokenrace::explore(&scenario, &ExploreOptions {
            strategy: Some(Search::Random),
            runs: Some(30),
            ..Default::default()
        }).unwrap();
        let exhaustive = tokenrace::explore(&scenario, &ExploreOptions {
            strategy: Some(Search::Bfs),
            ..Default::default()
        }).unwrap();
        for (invariant, _) in random.violations() {
            let judged = exhaustive.get(invariant).unwrap();
            prop_assert!(
                judged.verdict == Verdict::Violated
                    || (judged.verdict == Verdict::Unknown && judged.bound_hit.is_some()),
                "{invariant}: random found a violation, exhaustive says {}", judged.verdict);
        }
    }
}
