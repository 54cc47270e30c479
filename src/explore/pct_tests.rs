//! PCT on the toy protocol: it takes only orders the windows allow, finds
//! both orders of a race, is a function of its seed, and its
//! counterexamples replay concretely.

use super::pct::{explore, run_pct};
use super::testing::*;
use crate::engine::path::execute;
use Ev::M;

/// Two messages on two channels (`tab1.req1 -> srv`, `tab2.req1 -> srv`).
fn race(a: (u64, u64), b: (u64, u64)) -> Toy {
    pinned_pair(a, b)
}

fn both_orders() -> Props {
    Props(vec![Prop::After(M(1), M(2)), Prop::After(M(2), M(1))])
}

#[test]
fn pct_finds_both_orders_of_a_race_and_they_replay() {
    let toy = race((5, 80), (5, 80));
    let out = explore(&toy, &both_orders(), 7, (50, 3), &limits(), &[]).unwrap();
    assert_eq!(found(&out), [true, true]);
    for path in out.violations.iter().flatten() {
        execute(&toy, path, limits().max_faults).expect("a PCT counterexample replays");
    }
}

#[test]
fn pct_takes_only_orders_the_windows_allow() {
    let toy = race((0, 10), (20, 30));
    let out = explore(&toy, &both_orders(), 7, (200, 3), &limits(), &[]).unwrap();
    assert_eq!(found(&out), [true, false]);
    assert_eq!(out.runs, 200, "an unfound property keeps every run going");
}

#[test]
fn a_pct_run_is_a_function_of_its_seed() {
    let toy = race((5, 80), (5, 80));
    for seed in 0..20 {
        let one = run_pct(&toy, &both_orders(), seed, 3, &limits(), &[]);
        let two = run_pct(&toy, &both_orders(), seed, 3, &limits(), &[]);
        assert_eq!(one, two, "seed {seed}");
        execute(&toy, &one.path, limits().max_faults).expect("every PCT run replays");
    }
}

#[test]
fn depth_one_still_varies_the_order_through_priorities() {
    let toy = race((5, 80), (5, 80));
    let out = explore(&toy, &both_orders(), 11, (50, 1), &limits(), &[]).unwrap();
    assert_eq!(found(&out), [true, true]);
}
