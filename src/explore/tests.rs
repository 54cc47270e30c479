//! Engine and explorer tests on the toy protocol (`engine::toy`): window
//! orders, zones against interval reasoning, deadlines, the horizon, faults,
//! shortest counterexamples, replay, seeds, schedules and limits.

use super::testing::{link, Ev, Out, Prop, Props, Toy};
use super::{exhaustive, random, BoundHit, Limits, Order, Outcome};
use crate::engine::path::execute;
use crate::engine::rng::SimRng;
use crate::engine::{EventId, Fault, Pin, Urgency};
use Ev::{M, T};

fn limits() -> Limits {
    Limits {
        max_states: 100_000,
        max_depth: 100,
        max_faults: 1,
    }
}

/// Exhaustive BFS, checking every counterexample replays concretely.
fn bfs_with(toy: &Toy, props: Vec<Prop>, limits: &Limits, pins: &[Pin]) -> Outcome {
    let out =
        exhaustive::explore(toy, &Props(props), Order::Bfs, limits, pins).expect("schedule ok");
    for path in out.violations.iter().flatten() {
        execute(toy, path, limits.max_faults).expect("counterexample replays");
    }
    out
}

fn bfs(toy: &Toy, props: Vec<Prop>) -> Outcome {
    bfs_with(toy, props, &limits(), &[])
}

fn found(out: &Outcome) -> Vec<bool> {
    out.violations.iter().map(Option::is_some).collect()
}

fn two_messages(a: (u64, u64), b: (u64, u64)) -> Toy {
    Toy::new(1_000)
        .msg(1, a.0, a.1)
        .msg(2, b.0, b.1)
        .on_init(vec![Out::Send(1), Out::Send(2)])
}

#[test]
fn overlapping_windows_arrive_in_both_orders() {
    let out = bfs(
        &two_messages((5, 80), (5, 80)),
        vec![Prop::After(M(1), M(2)), Prop::After(M(2), M(1))],
    );
    assert_eq!(found(&out), [true, true]);
    assert_eq!(out.bound_hit, None);
}

#[test]
fn disjoint_windows_arrive_in_one_order() {
    let out = bfs(
        &two_messages((0, 10), (20, 30)),
        vec![Prop::After(M(1), M(2)), Prop::After(M(2), M(1))],
    );
    assert_eq!(found(&out), [true, false]);
    assert_eq!(out.bound_hit, None);
}

/// M1 and M2 leave at 0 within [0, 100]. M1's arrival (t1) sends Z (fixed
/// 30ms) and X (fixed 35ms); if M2 arrives after Z, then t2 >= t1 + 30, and
/// M2's answer Y (latency [y, 10]) arrives at t2 + y. Per-event absolute
/// intervals (X in [35, 135], Y in [36, 110]) would let Y beat X for y = 6;
/// the zone knows Y >= t1 + 36 > t1 + 35 = X.
fn chain(y_min: u64) -> Toy {
    Toy::new(1_000)
        .msg(1, 0, 100)
        .msg(2, 0, 100)
        .msg(3, 30, 30)
        .msg(4, 35, 35)
        .msg(5, y_min, 10)
        .on_init(vec![Out::Send(1), Out::Send(2)])
        .on(M(1), vec![Out::Send(3), Out::Send(4)])
        .on(M(2), vec![Out::Send(5)])
}

#[test]
fn zone_forbids_an_order_that_interval_bounds_would_allow() {
    let y_beats_x = || Prop::Seq(vec![M(1), M(3), M(2), M(5)], Some(M(4)));
    let x_then_y = Prop::Seq(vec![M(1), M(3), M(2), M(4), M(5)], None);
    let out = bfs(&chain(6), vec![y_beats_x(), x_then_y]);
    assert_eq!(found(&out), [false, true]);
    // One millisecond less and Y ties X: both orders are real.
    let out = bfs(&chain(5), vec![y_beats_x()]);
    assert_eq!(found(&out), [true]);
    let path = out.violations[0].as_ref().unwrap();
    let times: Vec<u64> = path.iter().map(|c| c.at).collect();
    assert_eq!(times, [0, 30, 30, 35], "earliest concrete times");
}

#[test]
fn deadline_goes_before_a_message_at_the_same_instant() {
    let toy = |u| {
        Toy::new(100)
            .msg(1, 10, 10)
            .on_init(vec![Out::Send(1), Out::At(7, 10, u)])
    };
    let props = || vec![Prop::After(T(7), M(1)), Prop::After(M(1), T(7))];
    assert_eq!(found(&bfs(&toy(Urgency::Deadline), props())), [true, false]);
    assert_eq!(found(&bfs(&toy(Urgency::Ordinary), props())), [true, true]);
}

#[test]
fn deadlines_at_one_instant_fire_in_timer_order() {
    let toy = Toy::new(100).on_init(vec![
        Out::At(3, 10, Urgency::Deadline),
        Out::At(2, 10, Urgency::Deadline),
    ]);
    let out = bfs(&toy, vec![Prop::After(T(2), T(3)), Prop::After(T(3), T(2))]);
    assert_eq!(found(&out), [true, false]);
}

#[test]
fn absolute_ordinary_timers_at_one_instant_fire_in_arming_order() {
    let toy = Toy::new(100).on_init(vec![
        Out::At(5, 10, Urgency::Ordinary),
        Out::At(4, 10, Urgency::Ordinary),
    ]);
    let out = bfs(&toy, vec![Prop::After(T(5), T(4)), Prop::After(T(4), T(5))]);
    assert_eq!(found(&out), [true, false]);
}

#[test]
fn horizon_cuts_late_events() {
    let toy = Toy::new(50)
        .msg(1, 40, 60)
        .msg(2, 60, 70)
        .msg(3, 50, 50)
        .on_init(vec![Out::Send(1), Out::Send(2), Out::Send(3)]);
    let props = vec![
        Prop::Missing(M(1)),
        Prop::Seq(vec![M(2)], None),
        Prop::Missing(M(3)),
    ];
    let out = bfs(&toy, props);
    assert_eq!(found(&out), [true, false, false]);
    let path = out.violations[0].as_ref().unwrap();
    let last = path.last().unwrap();
    assert_eq!(
        (last.event, last.at),
        (EventId::HORIZON, 50),
        "at_end paths end with the horizon"
    );
}

fn faulty(drop: f64, duplicate: f64) -> Toy {
    let mut toy = Toy::new(100)
        .on_init(vec![Out::At(0, 0, Urgency::Ordinary)])
        .on(T(0), vec![Out::Send(1)]);
    toy.links.insert(
        1,
        crate::engine::Link {
            drop,
            duplicate,
            ..link(1, 5)
        },
    );
    toy
}

#[test]
fn drop_and_duplicate_branches_need_odds_and_budget() {
    let props = || vec![Prop::Missing(M(1)), Prop::Seq(vec![M(1), M(1)], None)];
    let none = Limits {
        max_faults: 0,
        ..limits()
    };
    assert_eq!(found(&bfs(&faulty(0.0, 0.0), props())), [false, false]);
    assert_eq!(found(&bfs(&faulty(0.1, 0.0), props())), [true, false]);
    assert_eq!(found(&bfs(&faulty(0.0, 0.1), props())), [false, true]);
    assert_eq!(
        found(&bfs_with(&faulty(0.1, 0.1), props(), &none, &[])),
        [false, false]
    );
    let out = bfs(&faulty(0.1, 0.1), props());
    assert_eq!(out.violations[0].as_ref().unwrap()[0].faults, [Fault::Drop]);
    assert_eq!(
        out.violations[1].as_ref().unwrap()[0].faults,
        [Fault::Duplicate]
    );
}

#[test]
fn bfs_counterexample_is_shortest() {
    let toy = Toy::new(1_000)
        .msg(1, 0, 10)
        .msg(2, 0, 10)
        .msg(3, 0, 10)
        .msg(4, 0, 10)
        .on_init(vec![Out::Send(1), Out::Send(2)])
        .on(M(1), vec![Out::Send(3)])
        .on(M(3), vec![Out::Send(4)]);
    let out = bfs(&toy, vec![Prop::Seq(vec![M(4)], None)]);
    assert_eq!(out.violations[0].as_ref().unwrap().len(), 3);
    let dfs = exhaustive::explore(
        &toy,
        &Props(vec![Prop::Seq(vec![M(4)], None)]),
        Order::Dfs,
        &limits(),
        &[],
    )
    .unwrap();
    assert!(dfs.violations[0].as_ref().unwrap().len() >= 3);
}

#[test]
fn timer_from_a_mark_covers_both_cases() {
    // T9 fires at max(5, t1): at 5 if M1 came by then, else with M1.
    let toy = Toy::new(100)
        .msg(1, 0, 10)
        .msg(2, 7, 7)
        .on_init(vec![Out::Mark(0), Out::Send(1), Out::Send(2)])
        .on(M(1), vec![Out::FromMark(9, 0, 5)]);
    let props = vec![
        Prop::After(T(9), M(2)),
        Prop::Seq(vec![M(1), M(2), T(9)], None),
        Prop::After(M(2), M(1)),
    ];
    let out = bfs(&toy, props);
    assert_eq!(found(&out), [true, true, true]);
    let times: Vec<u64> = out.violations[1]
        .as_ref()
        .unwrap()
        .iter()
        .map(|c| c.at)
        .collect();
    assert_eq!(times, [7, 7, 7]);
}

#[test]
fn cancelled_timers_never_fire() {
    let toy = Toy::new(100)
        .on_init(vec![
            Out::At(1, 5, Urgency::Ordinary),
            Out::At(2, 10, Urgency::Deadline),
        ])
        .on(T(1), vec![Out::Cancel(2)]);
    assert_eq!(
        found(&bfs(&toy, vec![Prop::Seq(vec![T(2)], None)])),
        [false]
    );
}

#[test]
fn same_seed_gives_the_same_run() {
    let toy = chain(0);
    let props = Props(vec![Prop::After(M(2), M(1))]);
    let a = random::run_once(&toy, &props, 42, &limits(), &[]).unwrap();
    let b = random::run_once(&toy, &props, 42, &limits(), &[]).unwrap();
    assert_eq!(a, b);
    let others: Vec<_> = (0..8)
        .map(|s| {
            random::run_once(&toy, &props, s, &limits(), &[])
                .unwrap()
                .path
        })
        .collect();
    assert!(others.iter().any(|p| *p != a.path), "seeds change the run");
    for p in others.iter().chain([&a.path]) {
        let ex = execute(&toy, p, 1).expect("a simulated run replays");
        assert!(ex.ended);
    }
}

#[test]
fn derive_is_stable() {
    let got: Vec<u64> = (0..3).map(|i| SimRng::derive(7, i)).collect();
    assert_eq!(got, DERIVED);
    let mut rng = SimRng::new(7);
    let draws: Vec<u64> = (0..3)
        .map(|_| rng.window(crate::engine::Window { min: 5, max: 80 }))
        .collect();
    assert_eq!(draws, DRAWS);
}

/// splitmix64(7 ^ i * 0x9E3779B97F4A7C15), checked against a Python port.
const DERIVED: [u64; 3] = [
    7191089600892374487,
    17039259473404265729,
    11307387092600937729,
];
const DRAWS: [u64; 3] = [48, 51, 26];

fn pinned_pair(a: (u64, u64), b: (u64, u64)) -> Toy {
    let mut toy = two_messages(a, b);
    toy.ends.insert(1, ("tab1.req1", "srv"));
    toy.ends.insert(2, ("tab2.req1", "srv"));
    toy
}

fn pin(from: &str, to: &str) -> Pin {
    Pin {
        from: from.into(),
        to: to.into(),
        nth: None,
    }
}

#[test]
fn schedule_pins_force_an_order() {
    let toy = pinned_pair((5, 80), (5, 80));
    let pins = [pin("tab2", "srv"), pin("tab1.req1", "srv")];
    let props = || vec![Prop::After(M(1), M(2)), Prop::After(M(2), M(1))];
    assert_eq!(
        found(&bfs_with(&toy, props(), &limits(), &pins)),
        [false, true]
    );
    for seed in 0..5 {
        let run = random::run_once(&toy, &Props(props()), seed, &limits(), &pins).unwrap();
        assert_eq!(run.hits, [(1, 1)]);
        execute(&toy, &run.path, 1).expect("a pinned run replays");
    }
}

#[test]
fn impossible_schedule_names_the_step() {
    let toy = pinned_pair((0, 10), (20, 30));
    let props = Props(vec![]);
    // tab1's message is pinned second, so it may not go first; tab2's
    // cannot overtake it (it is due by 10, tab2's arrives from 20).
    let err = exhaustive::explore(
        &toy,
        &props,
        Order::Bfs,
        &limits(),
        &[pin("tab2", "srv"), pin("tab1", "srv")],
    )
    .unwrap_err();
    assert_eq!(err.step, 1);
    // Unpinned, tab1's message is free and goes first.
    assert!(
        exhaustive::explore(&toy, &props, Order::Bfs, &limits(), &[pin("tab2", "srv")]).is_ok()
    );
    let pins = [pin("tab1", "srv"), pin("tab2", "srv"), pin("tab1", "srv")];
    let err = exhaustive::explore(&toy, &props, Order::Bfs, &limits(), &pins).unwrap_err();
    assert_eq!(err.step, 3);
    assert_eq!(err.to_string(), "schedule step 3 cannot be taken: no execution delivers a message from tab1 to srv after step 2");
    let err = random::run_once(&toy, &props, 3, &limits(), &pins).unwrap_err();
    assert_eq!(err.step, 3);
}

#[test]
fn limits_are_reported_as_bound_hits() {
    let toy = two_messages((5, 80), (5, 80));
    let props = || vec![Prop::Seq(vec![M(9)], None)];
    let few = Limits {
        max_states: 2,
        ..limits()
    };
    assert_eq!(
        bfs_with(&toy, props(), &few, &[]).bound_hit,
        Some(BoundHit::MaxStates)
    );
    let shallow = Limits {
        max_depth: 1,
        ..limits()
    };
    assert_eq!(
        bfs_with(&toy, props(), &shallow, &[]).bound_hit,
        Some(BoundHit::MaxDepth)
    );
    assert_eq!(bfs(&toy, props()).bound_hit, None);
}

#[test]
fn random_counterexamples_are_shrunk() {
    let toy = Toy::new(1_000)
        .msg(1, 0, 50)
        .msg(2, 0, 50)
        .msg(3, 0, 50)
        .msg(4, 40, 50)
        .on_init(vec![Out::Send(1), Out::Send(2), Out::Send(3), Out::Send(4)]);
    let props = Props(vec![Prop::Seq(vec![M(4)], None)]);
    let out = random::explore(&toy, &props, 1, 20, &limits(), &[]).unwrap();
    let path = out.violations[0].as_ref().unwrap();
    assert_eq!(path.len(), 1, "shrunk to the direct delivery");
    execute(&toy, path, 1).unwrap();
}

/// Golden count (Stateright habit): three messages in overlapping windows,
/// each answered. A change means the semantics or the dedup changed.
#[test]
fn golden_state_count() {
    let toy = Toy::new(1_000)
        .msg(1, 5, 80)
        .msg(2, 5, 80)
        .msg(3, 20, 40)
        .msg(11, 0, 10)
        .msg(12, 0, 10)
        .on_init(vec![Out::Send(1), Out::Send(2), Out::Send(3)])
        .on(M(1), vec![Out::Send(11)])
        .on(M(2), vec![Out::Send(12)]);
    let out = bfs(&toy, vec![]);
    assert_eq!(
        (out.states, out.transitions, out.bound_hit),
        (90, 119, None)
    );
}

#[test]
fn two_faults_need_a_budget_of_two() {
    let mut toy = Toy::new(100)
        .on_init(vec![Out::At(0, 0, Urgency::Ordinary)])
        .on(T(0), vec![Out::Send(1), Out::Send(2)]);
    for m in [1, 2] {
        toy.links.insert(
            m,
            crate::engine::Link {
                drop: 0.5,
                ..link(1, 5)
            },
        );
    }
    let both = || {
        vec![
            Prop::Seq(vec![M(9)], None),
            Prop::Missing(M(1)),
            Prop::Missing(M(2)),
        ]
    };
    let out = bfs(&toy, both());
    assert_eq!(found(&out), [false, true, true]);
    // "Nothing arrives" needs both drops: checked with a monitor over logs.
    let logs = |max_faults| {
        let logs = super::testing::Logs::default();
        let lim = Limits {
            max_faults,
            ..limits()
        };
        exhaustive::explore(&toy, &logs, Order::Bfs, &lim, &[]).unwrap();
        logs.0.into_inner()
    };
    assert!(!logs(1).contains(&vec![T(0)]));
    assert!(logs(2).contains(&vec![T(0)]));
}

#[test]
fn simulation_draws_faults_only_within_the_budget() {
    let toy = faulty(1.0, 0.0);
    let none = Limits {
        max_faults: 0,
        ..limits()
    };
    let run = random::run_once(&toy, &Props(vec![Prop::Missing(M(1))]), 5, &none, &[]).unwrap();
    assert_eq!(run.hits, []);
    let run = random::run_once(&toy, &Props(vec![Prop::Missing(M(1))]), 5, &limits(), &[]).unwrap();
    assert_eq!(run.hits, [(0, 1)], "dropped, then the horizon step");
    assert_eq!(run.path[0].faults, [Fault::Drop]);
}

#[test]
fn execute_rejects_paths_the_rules_forbid() {
    use crate::engine::path::PathError;
    use crate::engine::Choice;
    let toy = two_messages((0, 10), (20, 30));
    let c = |id: u32, at| Choice {
        event: EventId(id),
        at,
        faults: vec![],
    };
    let horizon = Choice {
        event: EventId::HORIZON,
        at: 1_000,
        faults: vec![],
    };
    assert!(
        execute(&toy, &[c(0, 10), c(1, 20), horizon.clone()], 0)
            .unwrap()
            .ended
    );
    let err = |path: &[Choice]| execute(&toy, path, 0).unwrap_err();
    assert!(matches!(
        err(&[c(1, 20)]),
        PathError::Overtakes { step: 0, other: 0 }
    ));
    assert!(matches!(err(&[c(0, 11)]), PathError::Time { step: 0, .. }));
    assert!(matches!(
        err(&[c(0, 5), c(1, 4)]),
        PathError::Time { step: 1, .. }
    ));
    assert!(matches!(
        err(&[c(0, 5), c(0, 6)]),
        PathError::NotPending { step: 1, event: 0 }
    ));
    assert!(matches!(
        err(std::slice::from_ref(&horizon)),
        PathError::Overtakes { step: 0, .. }
    ));
    let tail = [c(0, 5), c(1, 20), horizon.clone(), c(1, 20)];
    assert!(matches!(err(&tail), PathError::AfterEnd { step: 3 }));
    let faulty = faulty(0.0, 0.5);
    let dup = Choice {
        event: EventId(0),
        at: 0,
        faults: vec![Fault::Drop],
    };
    assert!(matches!(
        execute(&faulty, &[dup], 1).unwrap_err(),
        PathError::Fault { step: 0, .. }
    ));
    let dup = Choice {
        event: EventId(0),
        at: 0,
        faults: vec![Fault::Duplicate],
    };
    assert!(matches!(
        execute(&faulty, std::slice::from_ref(&dup), 0).unwrap_err(),
        PathError::Fault { step: 0, .. }
    ));
    assert!(execute(&faulty, &[dup], 1).is_ok());
}

#[test]
fn nth_pins_bind_the_nth_matching_message() {
    // tab1 sends two messages to srv (ids 1 then 2, overlapping windows).
    // A pin with `nth` names only that message; the others stay free.
    let mut toy = two_messages((5, 80), (5, 80));
    toy.ends.insert(1, ("tab1.req1", "srv"));
    toy.ends.insert(2, ("tab1.req1", "srv"));
    let nth = |k| Pin {
        from: "tab1".into(),
        to: "srv".into(),
        nth: Some(k),
    };
    let props = || vec![Prop::After(M(1), M(2)), Prop::After(M(2), M(1))];
    let run = |pins: &[Pin]| found(&bfs_with(&toy, props(), &limits(), pins));
    assert_eq!(run(&[nth(2), nth(1)]), [false, true]);
    assert_eq!(run(&[nth(1), nth(2)]), [true, false]);
    assert_eq!(run(&[nth(2)]), [true, true]);
    let err =
        exhaustive::explore(&toy, &Props(props()), Order::Bfs, &limits(), &[nth(3)]).unwrap_err();
    assert_eq!(err.step, 1);
}

#[test]
fn random_exploration_is_deterministic_and_reports_the_lowest_run() {
    let toy = two_messages((5, 80), (5, 80));
    let props = || Props(vec![Prop::After(M(2), M(1))]);
    let a = random::explore(&toy, &props(), 9, 50, &limits(), &[]).unwrap();
    let b = random::explore(&toy, &props(), 9, 50, &limits(), &[]).unwrap();
    assert_eq!(a.violations, b.violations);
    let first = (0..50)
        .find(|i| {
            !random::run_once(&toy, &props(), SimRng::derive(9, *i), &limits(), &[])
                .unwrap()
                .hits
                .is_empty()
        })
        .expect("some run delivers 2 before 1");
    assert_eq!(a.runs, first + 1, "stops once every property is violated");
    execute(&toy, a.violations[0].as_ref().unwrap(), 1).unwrap();
}
