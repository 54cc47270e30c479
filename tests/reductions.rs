//! Reductions never change a verdict or a shortest counterexample's length
//! (docs/performance.md): symmetry on vs off, on random small scenarios in
//! both timings, and the untimed search's result for every thread count.
//! A request-id-bearing field the symmetry renaming forgot makes a reduced
//! search merge states with different futures, which these comparisons
//! catch.

use proptest::prelude::*;
use tokenrace::check::{self, ExploreOptions, Report, Strategy as Search, Verdict};
use tokenrace::scenario::{parse, Scenario};

/// The knobs a random scenario is built from.
#[derive(Debug, Clone)]
struct Knobs {
    untimed: bool,
    strategies: Vec<&'static str>,
    shared_device: bool,
    retries: u8,
    recheck: bool,
    rotation: bool,
    grace: bool,
    revoke: bool,
    requests: Vec<u8>,
    logout: bool,
    steal_and_replay: bool,
    /// Which (v1.1) settings join in: 0 none; 1 timeouts with a resend and
    /// lost refresh answers; 2 at_request snapshots, clearing on failure and
    /// storing after logout and preflight; 3 non-atomic rotation. Each adds request-id
    /// bearing state (timeout timers, resends, commits) the renaming must
    /// cover.
    v11: u8,
    /// Tabs keep tokens in memory (a private store each) rather than in
    /// local storage (one store per device).
    memory: bool,
    /// Every client logs in and gets the same requests (and logout, theft),
    /// so identically configured clients are interchangeable; otherwise only
    /// `tab0` logs in and requests go round-robin.
    symmetric: bool,
    /// Settings that reach the rest of the protocol: 1 the denylist (auth
    /// feeds it, the resource server asks it) and a stolen AT the attacker
    /// calls with; 2 `grace_until_used` (accepting an AT closes a grace)
    /// and, unless `v11` is 2, clients that discard answers after logout.
    extras: u8,
}

fn knobs() -> impl Strategy<Value = Knobs> {
    let strategy = prop::sample::select(vec!["naive", "single_flight", "cross_tab"]);
    (
        (
            any::<bool>(),
            prop::collection::vec(strategy, 1..=3),
            any::<bool>(),
            0u8..=2,
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            prop::collection::vec(1u8..=3, 1..=2),
            any::<bool>(),
            any::<bool>(),
            0u8..=3,
        ),
        any::<bool>(),
        any::<bool>(),
        0u8..=2,
    )
        .prop_map(|(k, memory, symmetric, extras)| Knobs {
            untimed: k.0,
            strategies: k.1,
            shared_device: k.2,
            retries: k.3,
            recheck: k.4,
            rotation: k.5,
            grace: k.6,
            revoke: k.7,
            requests: k.8,
            logout: k.9,
            steal_and_replay: k.10,
            v11: k.11,
            memory,
            symmetric,
            extras,
        })
}

fn scenario(k: &Knobs) -> Scenario {
    let clients: Vec<String> = k
        .strategies
        .iter()
        .enumerate()
        .map(|(i, s)| {
            // A cross-tab lock needs a shared store.
            let s = if k.memory && *s == "cross_tab" { "single_flight" } else { s };
            let device = if k.shared_device { "laptop".into() } else { format!("d{i}") };
            format!(
                r#"{{"name": "tab{i}", "device": "{device}", "storage": "{}", "refresh": "{s}", "retries": {}, "recheck_store": {}{}}}"#,
                if k.memory { "memory" } else { "local_storage" },
                k.retries, k.recheck, client_v11(k.v11, k.extras)
            )
        })
        .collect();
    let script = script(k, clients.len());
    let text = format!(
        r#"{{
  "name": "random-reduction",
  "horizon": "17m",
  "auth": {{"rotation": {}, "grace": "{}", "reuse": "{}"{}{}}},
  "resource": {{"check_denylist": {}}},
  "network": {{"latency": ["10ms", "20ms"]{}}},
  "clients": [{}],
  "script": [{}],
  "explore": {{"timing": "{}", "max_states": 40000}}
}}"#,
        k.rotation,
        if k.grace { "10ms" } else { "0s" },
        if k.revoke { "revoke_family" } else { "reject" },
        if k.v11 == 3 {
            r#", "atomic_rotation": false, "commit_latency": ["0ms", "5ms"]"#
        } else {
            ""
        },
        match k.extras {
            1 => r#", "denylist": true"#,
            2 => r#", "grace_until_used": true"#,
            _ => "",
        },
        k.extras == 1,
        if k.v11 == 1 {
            r#", "links": {"auth->client": {"drop": 0.1}}"#
        } else {
            ""
        },
        clients.join(", "),
        script.join(", "),
        if k.untimed { "untimed" } else { "windows" },
    );
    parse(&text, "random.json")
        .unwrap_or_else(|e| panic!("generated scenario is valid: {e}\n{text}"))
        .scenario
}

/// The script: see `Knobs::symmetric`.
fn script(k: &Knobs, clients: usize) -> Vec<String> {
    let actors: Vec<usize> = if k.symmetric {
        (0..clients).collect()
    } else {
        vec![0]
    };
    let mut script: Vec<String> = actors
        .iter()
        .map(|c| format!(r#"{{"at": "0s", "do": "login", "client": "tab{c}"}}"#))
        .collect();
    for (i, n) in k.requests.iter().enumerate() {
        let targets = if k.symmetric {
            actors.clone()
        } else {
            vec![i % clients]
        };
        for client in targets {
            script.push(format!(
                r#"{{"at": "16m", "do": "request", "client": "tab{client}", "count": {n}}}"#
            ));
        }
    }
    for c in &actors {
        if k.steal_and_replay {
            script.push(format!(
                r#"{{"at": "16m", "do": "steal", "client": "tab{c}", "token": "refresh"}}"#
            ));
        }
    }
    if k.steal_and_replay {
        script.push(r#"{"at": "16m", "do": "attack", "token": "refresh"}"#.into());
    }
    if k.extras == 1 {
        script.push(r#"{"at": "16m", "do": "steal", "client": "tab0", "token": "access"}"#.into());
        script.push(r#"{"at": "16m", "do": "attack", "token": "access"}"#.into());
    }
    for c in &actors {
        if k.logout {
            script.push(format!(
                r#"{{"at": "16m", "do": "logout", "client": "tab{c}"}}"#
            ));
        }
    }
    script
}

/// The (v1.1) client fields of `Knobs::v11`, as JSON members; with
/// `Knobs::extras` 2, answers after logout are discarded.
fn client_v11(v11: u8, extras: u8) -> &'static str {
    match (v11, extras) {
        (1, 2) => r#", "timeout": "200ms", "refresh_retries": 1, "after_logout": "discard""#,
        (1, _) => r#", "timeout": "200ms", "refresh_retries": 1"#,
        (2, _) => {
            r#", "reads_rt": "at_request", "on_refresh_failure": "clear", "after_logout": "store", "preflight": true"#
        }
        (_, 2) => r#", "after_logout": "discard""#,
        _ => "",
    }
}

fn explore(s: &Scenario, no_symmetry: bool, threads: usize) -> Report {
    let options = ExploreOptions {
        strategy: Some(Search::Bfs),
        no_symmetry,
        threads: Some(threads),
        ..ExploreOptions::default()
    };
    check::explore(s, &options).expect("explores")
}

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

/// Per invariant: the verdict and the shortest counterexample's length.
fn summary(r: &Report) -> Vec<(String, Verdict, Option<usize>)> {
    r.invariants
        .iter()
        .map(|i| {
            let len = i.trace.as_ref().map(|t| t.choices.len());
            (i.invariant.to_string(), i.verdict, len)
        })
        .collect()
}

fn complete(r: &Report) -> bool {
    r.invariants.iter().all(|i| i.bound_hit.is_none())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn symmetry_changes_no_verdict_and_no_shortest_counterexample_length(k in knobs()) {
        let s = scenario(&k);
        let full = explore(&s, true, 1);
        let reduced = explore(&s, false, 1);
        prop_assume!(complete(&full) && complete(&reduced));
        prop_assert_eq!(summary(&full), summary(&reduced));
        let states = |r: &Report| r.invariants.first().map(|i| i.states).unwrap_or(0);
        prop_assert!(states(&reduced) <= states(&full));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    #[test]
    fn untimed_results_are_identical_for_every_thread_count(mut k in knobs()) {
        k.untimed = true;
        let s = scenario(&k);
        let one = explore(&s, false, 1);
        let json = |r: &Report| {
            let traces: Vec<_> = r.invariants.iter().map(|i| i.trace.clone()).collect();
            serde_json::to_string(&(r, traces)).expect("serialises")
        };
        for threads in [2, 3, 8] {
            prop_assert_eq!(json(&one), json(&explore(&s, false, threads)));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// The sharpest check of the renaming: states merged by symmetry must
    /// have the same successors (keys and properties hit), state by state.
    #[test]
    fn states_merged_by_symmetry_have_the_same_futures(mut k in knobs()) {
        k.untimed = true;
        let s = scenario(&k);
        let model = tokenrace::model::Model::build(&s);
        let monitor = tokenrace::check::judge::InvariantMonitor { invariants: s.checked() };
        let limits = tokenrace::explore::Limits { max_states: 5_000, max_depth: 1_000, max_faults: 1 };
        let audit = tokenrace::explore::audit::audit_symmetry(&model, &monitor, &limits);
        prop_assert!(audit.is_ok(), "{}", audit.unwrap_err());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Sleep sets skip transitions, never states: with partial-order
    /// reduction on, the untimed search stores exactly the same number of
    /// states and gives the same verdicts and (BFS) shortest counterexample
    /// lengths, with symmetry on and off.
    #[test]
    fn partial_order_reduction_changes_no_verdict_length_or_state_count(mut k in knobs()) {
        k.untimed = true;
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
        if complete(&dfs_full) && complete(&dfs_reduced) {
            prop_assert_eq!(verdicts(&dfs_full), verdicts(&dfs_reduced));
        }
        for no_symmetry in [true, false] {
            let full = explore_por(&s, Search::Bfs, no_symmetry, false);
            let reduced = explore_por(&s, Search::Bfs, no_symmetry, true);
            prop_assume!(complete(&full) && complete(&reduced));
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

    /// The sharpest check of the footprints: deliveries they call
    /// independent commute, with the same facts either way, state by state.
    #[test]
    fn deliveries_called_independent_commute(mut k in knobs()) {
        k.untimed = true;
        let s = scenario(&k);
        let mut model = tokenrace::model::Model::build(&s);
        model.symmetry = false;
        let monitor = tokenrace::check::judge::InvariantMonitor { invariants: s.checked() };
        let limits = tokenrace::explore::Limits { max_states: 3_000, max_depth: 1_000, max_faults: 1 };
        let audit = tokenrace::explore::audit::audit_independence(&model, &monitor, &limits);
        prop_assert!(audit.is_ok(), "{}", audit.unwrap_err());
    }
}

fn scale_scenario(name: &str) -> Scenario {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/scale")
        .join(name);
    tokenrace::scenario::load(&file).expect("loads").scenario
}

#[test]
fn an_untimed_counterexample_says_so_and_replays_in_untimed_semantics() {
    let s = scale_scenario("refresh-race-naive-n2.json");
    let report = check::explore(&s, &ExploreOptions::default()).expect("explores");
    let found = &report.invariants[0];
    assert_eq!(found.verdict, Verdict::Violated);
    assert_eq!(found.decided_by, "untimed-bfs");
    let trace = found.trace.clone().expect("a violation has a trace");
    let deliveries = trace
        .steps
        .iter()
        .filter(|s| s.kind == tokenrace::trace::StepKind::Message)
        .count();
    assert_eq!(deliveries, 7, "the peers' shortest counterexample");
    assert!(trace.verdicts[0]
        .note
        .contains("order of deliveries, not times"));
    check::replay(&trace).expect("an untimed trace replays");
    let mut late = trace.clone();
    let last = late.choices.last_mut().expect("steps");
    last.at += 1;
    assert!(
        check::replay(&late).is_err(),
        "a delivery takes no time in untimed semantics"
    );
}

#[test]
fn time_comparing_invariants_are_unknown_in_untimed_exploration() {
    let s = scale_scenario("untimed-time-invariants-unknown.json");
    let report = check::explore(&s, &ExploreOptions::default()).expect("explores");
    let complete = report
        .invariants
        .iter()
        .find(|r| r.invariant.to_string() == "requests_complete")
        .expect("checked");
    assert_eq!(complete.verdict, Verdict::Unknown);
    assert!(complete.note.contains("compares times"));
}

#[test]
fn a_state_bound_gives_unknown_never_holds() {
    let s = scale_scenario("refresh-race-single-flight-n10.json");
    let options = ExploreOptions {
        strategy: Some(Search::Bfs),
        max_states: Some(100),
        ..ExploreOptions::default()
    };
    let report = check::explore(&s, &options).expect("explores");
    for r in &report.invariants {
        assert_eq!(r.verdict, Verdict::Unknown);
        assert_eq!(r.bound_hit.as_deref(), Some("max_states"));
        assert_eq!(r.states, 100);
    }
    let options = ExploreOptions {
        strategy: Some(Search::Bfs),
        time_ms: Some(0),
        ..ExploreOptions::default()
    };
    let report = check::explore(&s, &options).expect("explores");
    assert!(report
        .invariants
        .iter()
        .all(|r| r.verdict == Verdict::Unknown && r.bound_hit.as_deref() == Some("time")));
}

#[test]
fn explore_prints_the_same_report_and_trace_for_every_thread_count() {
    let dir = tempfile::tempdir().expect("temp dir");
    let run = |threads: &str| {
        let out = dir.path().join(threads);
        let outcome = crate::cli::tokenrace(&[
            "explore",
            "scenarios/scale/refresh-race-single-flight-n10.json",
            "--threads",
            threads,
            "--out",
            out.to_str().expect("utf-8 path"),
        ]);
        assert_eq!(outcome.code, 0, "{}", outcome.stderr);
        outcome.stdout
    };
    assert_eq!(run("1"), run("2"));
    let naive = |threads: &str| {
        let out = dir.path().join(format!("naive{threads}"));
        let outcome = crate::cli::tokenrace(&[
            "explore",
            "scenarios/scale/refresh-race-naive-n12.json",
            "--threads",
            threads,
            "--out",
            out.to_str().expect("utf-8 path"),
        ]);
        assert_eq!(outcome.code, 1, "{}", outcome.stderr);
        let trace = out.join("refresh-race-naive-n12.no_error_while_refresh_valid.trace.json");
        std::fs::read_to_string(trace).expect("the trace was written")
    };
    assert_eq!(naive("1"), naive("3"));
}
