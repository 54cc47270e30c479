//! The matrix: valid cell scenarios, request spreading, the canonical
//! race in its cell, bounds giving `unknown`, thread-count independence.

use super::*;
use crate::check::Verdict;
use crate::scenario::{validate, ActionKind, RefreshStrategy};

#[test]
fn every_cell_scenario_validates() {
    let options = MatrixOptions {
        requests: 3,
        tabs: 2,
        ..MatrixOptions::default()
    };
    for client in client_strategies() {
        for server in server_policies() {
            let scenario = scenario(&client, &server, &options);
            let problems: Vec<_> = validate(&scenario)
                .into_iter()
                .filter(|p| p.is_error())
                .collect();
            assert!(problems.is_empty(), "{}: {problems:?}", scenario.name);
        }
    }
}

#[test]
fn requests_are_spread_round_robin_over_the_tabs() {
    let options = MatrixOptions {
        requests: 3,
        tabs: 2,
        ..MatrixOptions::default()
    };
    let naive = &client_strategies()[0];
    let s = scenario(naive, &server_policies()[0], &options);
    let counts: Vec<_> = s
        .script
        .iter()
        .filter(|a| a.kind == ActionKind::Request)
        .map(|a| (a.client.clone().unwrap(), a.count.unwrap()))
        .collect();
    assert_eq!(counts, [("tab1".into(), 2), ("tab2".into(), 1)]);
}

#[test]
fn naive_meets_the_canonical_race_and_cross_tab_does_not() {
    let options = MatrixOptions::default();
    let rows = vec![
        ClientStrategy::new(RefreshStrategy::Naive, false),
        ClientStrategy::new(RefreshStrategy::CrossTab, false),
    ];
    let columns: Vec<_> = server_policies()
        .into_iter()
        .filter(|p| p.id == "revoke-family")
        .collect();
    let matrix = build_with(&options, rows, columns);
    let verdict = |row, i: usize| matrix.cell(row, 0).verdicts[i].verdict;
    assert_eq!(verdict(0, 0), Verdict::Violated);
    assert!(matrix.cell(0, 0).verdicts[0].trace.is_some());
    assert_eq!(verdict(1, 0), Verdict::Holds);
}

#[test]
fn a_cell_that_hits_its_state_bound_is_unknown_not_holds() {
    let options = MatrixOptions {
        max_states: 10,
        ..MatrixOptions::default()
    };
    let rows = vec![ClientStrategy::new(RefreshStrategy::SingleFlight, false)];
    let columns = vec![server_policies().remove(0)];
    let matrix = build_with(&options, rows, columns);
    assert!(matrix.cells[0]
        .verdicts
        .iter()
        .all(|v| v.verdict == Verdict::Unknown));
}

#[test]
fn the_thread_count_does_not_change_the_matrix() {
    let rows = vec![ClientStrategy::new(RefreshStrategy::Naive, false)];
    let one = MatrixOptions::default();
    let four = MatrixOptions {
        threads: 4,
        ..MatrixOptions::default()
    };
    let a = build_with(&one, rows.clone(), server_policies());
    let b = build_with(&four, rows, server_policies());
    let names = |m: &Matrix| {
        m.cells
            .iter()
            .map(|c| {
                format!(
                    "{:?}",
                    c.verdicts.iter().map(|v| v.verdict).collect::<Vec<_>>()
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&a), names(&b));
}

#[test]
fn requests_meet_an_expired_token_whatever_the_access_ttl() {
    let options = MatrixOptions::default();
    let late = ClientStrategy::new(RefreshStrategy::Naive, true);
    for ttl_ms in [5 * 60_000, 15 * 60_000, 86_400_000] {
        let mut server = server_policies().remove(0);
        server.auth.access_ttl = crate::scenario::Duration(ttl_ms);
        let s = scenario(&late, &server, &options);
        let errors: Vec<_> = validate(&s).into_iter().filter(|p| p.is_error()).collect();
        assert!(errors.is_empty(), "{ttl_ms}: {errors:?}");
        let request = s.script.iter().find(|a| a.kind == ActionKind::Request);
        assert_eq!(request.unwrap().at.0, ttl_ms + 60_000);
        // The slow clock makes the proactive timer fire with the requests.
        let proactive = s.clients[0].proactive.unwrap().0;
        let skew = s.script[0].by.unwrap().0;
        assert_eq!(ttl_ms - proactive - skew, ttl_ms + 60_000);
    }
}

#[test]
fn cells_with_every_reduction_off_give_the_same_verdicts_and_lengths() {
    let rows = vec![
        ClientStrategy::new(RefreshStrategy::Naive, false),
        ClientStrategy::new(RefreshStrategy::Naive, true),
        ClientStrategy::new(RefreshStrategy::SingleFlight, true),
    ];
    let on = MatrixOptions::default();
    let off = MatrixOptions {
        reductions_off: crate::check::ReductionsOff::ALL,
        ..MatrixOptions::default()
    };
    let outcomes = |m: &Matrix| {
        m.cells
            .iter()
            .flat_map(|c| &c.verdicts)
            .map(|v| (v.verdict, v.trace.as_ref().map(|t| t.steps.len())))
            .collect::<Vec<_>>()
    };
    // rotation off, reuse reject, family revocation, grace: the columns
    // whose cells differ most (all sixteen take 8 s with everything off).
    let columns: Vec<_> = server_policies().into_iter().take(4).collect();
    let a = build_with(&on, rows.clone(), columns.clone());
    let b = build_with(&off, rows, columns);
    assert!(outcomes(&a).iter().any(|(_, len)| len.is_some()));
    assert_eq!(outcomes(&a), outcomes(&b));
    let states = |m: &Matrix| m.cells.iter().map(|c| c.verdicts[0].states).sum::<u64>();
    assert!(states(&b) > states(&a), "the switches reached the cells");
}
