//! The hull pre-pass against the brute force and the exact search: on
//! random toys, every property it proves holds in every final log some
//! choice of latencies gives, and with it on or off the windowed search
//! gives the same verdicts and shortest counterexample lengths.

use super::brute::brute_logs;
use super::budget::Budget;
use super::exhaustive::explore_with_stats;
use super::hull::prove;
use super::testing::{limits, random_toy, Ev, Prop, Props, Toy};
use super::{Limits, Order};
use crate::engine::symbolic::Ctx;

/// Order and absence properties over every event of a random toy.
fn props() -> Props {
    let evs: Vec<Ev> = (1..=5).map(Ev::M).chain((10..=13).map(Ev::T)).collect();
    let mut props: Vec<Prop> = evs.iter().map(|e| Prop::Missing(*e)).collect();
    for a in &evs {
        for b in &evs {
            props.push(Prop::After(*a, *b));
        }
    }
    Props(props)
}

/// The search context of a toy under [`small`] limits, no schedule.
fn toy_ctx(toy: &Toy) -> Ctx<'_, Toy> {
    Ctx {
        p: toy,
        pins: &[],
        max_faults: small().max_faults,
        active_only: true,
    }
}

fn small() -> Limits {
    Limits {
        max_states: 20_000,
        ..limits()
    }
}

/// Whether a final log breaks the property.
fn breaks(p: &Prop, log: &[Ev]) -> bool {
    match p {
        Prop::Missing(e) => !log.contains(e),
        Prop::After(a, b) => log
            .iter()
            .position(|e| e == a)
            .is_some_and(|i| log[i + 1..].contains(b)),
        Prop::Seq(..) => unreachable!("not generated"),
    }
}

#[test]
fn what_the_hull_proves_holds_in_every_brute_force_log() {
    let (mut proved, mut open) = (0, 0);
    for seed in 0..300 {
        let toy: Toy = random_toy(seed);
        let props = props();
        let ctx = toy_ctx(&toy);
        let Ok(proof) = prove(&ctx, &props, &small(), &Budget::default()) else {
            continue;
        };
        let logs = brute_logs(&toy);
        for (p, holds) in props.0.iter().zip(&proof.holds) {
            if *holds {
                proved += 1;
                assert!(
                    logs.iter().all(|log| !breaks(p, log)),
                    "seed {seed}: the hull proved {p:?}, a log breaks it"
                );
            } else {
                open += 1;
            }
        }
    }
    assert!(proved > 1000 && open > 1000, "{proved} proved, {open} open");
}

#[test]
fn the_hull_changes_no_verdict_and_no_shortest_counterexample_length() {
    let mut compared = 0;
    for seed in 0..300 {
        let toy = random_toy(seed);
        let props = props();
        let run = |hull: bool| {
            let budget = Budget {
                hull,
                ..Budget::default()
            };
            explore_with_stats(&toy, &props, Order::Bfs, &small(), &[], &budget)
                .expect("no schedule")
                .0
        };
        let (exact, with) = (run(false), run(true));
        if exact.bound_hit.is_some() || with.bound_hit.is_some() {
            continue;
        }
        compared += 1;
        let lengths = |o: &super::Outcome| -> Vec<Option<usize>> {
            o.violations
                .iter()
                .map(|v| v.as_ref().map(Vec::len))
                .collect()
        };
        assert_eq!(lengths(&exact), lengths(&with), "seed {seed}");
        assert_eq!(
            exact.violations, with.violations,
            "seed {seed}: the same paths"
        );
    }
    assert!(compared > 200, "only {compared} toys compared");
}
