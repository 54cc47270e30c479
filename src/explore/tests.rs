//! Semantics tests on the toy protocol: window orders, zones against
//! interval reasoning, deadlines, arming order, the horizon, faults, timers
//! from marks, cancels and what `path::execute` rejects.

use super::testing::*;
use super::{exhaustive, Limits, Order};
use crate::engine::path::execute;
use crate::engine::{EventId, Fault, Urgency};
use Ev::{M, T};

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
pub fn chain(y_min: u64) -> Toy {
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
fn a_step_may_arm_more_than_64_timers() {
    let script = (0..100u8)
        .map(|t| Out::At(t, u64::from(t) / 10, Urgency::Ordinary))
        .collect();
    let toy = Toy::new(20).on_init(script);
    let out = bfs(
        &toy,
        vec![Prop::Seq(vec![T(99)], None), Prop::After(T(99), T(0))],
    );
    assert_eq!(found(&out), [true, false]);
    assert_eq!(
        out.violations[0].as_ref().unwrap().len(),
        100,
        "file order, one path"
    );
}

#[test]
fn a_later_faster_message_overtakes_only_when_windows_allow() {
    // A leaves at 0 within [50, 60]; B leaves at `at` within [0, 10].
    let toy = |at| {
        Toy::new(1_000)
            .msg(1, 50, 60)
            .msg(2, 0, 10)
            .on_init(vec![Out::Send(1), Out::At(0, at, Urgency::Ordinary)])
            .on(T(0), vec![Out::Send(2)])
    };
    let orders = |at| {
        found(&bfs(
            &toy(at),
            vec![Prop::After(M(1), M(2)), Prop::After(M(2), M(1))],
        ))
    };
    assert_eq!(orders(20), [false, true], "B always overtakes");
    assert_eq!(orders(45), [true, true], "windows overlap");
    assert_eq!(orders(60), [true, true], "a tie at 60 goes both ways");
    assert_eq!(orders(61), [true, false], "B can never overtake");
}
