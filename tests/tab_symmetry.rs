//! Client symmetry over tabs with proactive timers (docs/performance.md
//! "Client symmetry"): the windowed search lets identically configured
//! clients with a proactive timer trade places. On random small windowed
//! scenarios of two or three such tabs, symmetry on and off give the same
//! verdicts and the same shortest counterexample lengths, and every pair of
//! symbolic states merged by the renaming has the same successors
//! (`explore::audit::audit_windowed_symmetry`).

use crate::reductions::{complete, summary};
use proptest::prelude::*;
use tokenrace::check::{self, ExploreOptions, Report, Strategy as Search};
use tokenrace::scenario::{parse, Scenario};

/// The knobs of one random scenario of proactive tabs.
#[derive(Debug, Clone)]
struct Tabs {
    clients: usize,
    strategy: &'static str,
    memory: bool,
    shared_device: bool,
    /// Requests at 14m tie with the proactive timers (which fire at 14m);
    /// at 15m they race the refresh the timers sent.
    at_14m: bool,
    /// Requests per tab; tab0 gets one more when not `symmetric`.
    requests: u8,
    symmetric: bool,
    rotation: bool,
    drop: bool,
}

fn tabs() -> impl Strategy<Value = Tabs> {
    (
        2usize..=3,
        prop::sample::select(vec!["naive", "single_flight", "cross_tab"]),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        1u8..=2,
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(
                clients,
                strategy,
                memory,
                shared_device,
                at_14m,
                requests,
                symmetric,
                rotation,
                drop,
            )| {
                // Keep the search without symmetry small.
                let requests = if clients == 3 || drop { 1 } else { requests };
                Tabs {
                    clients,
                    strategy,
                    memory,
                    shared_device,
                    at_14m,
                    requests,
                    symmetric,
                    rotation,
                    drop,
                }
            },
        )
}

fn scenario(k: &Tabs) -> Scenario {
    let clients: Vec<String> = (0..k.clients)
        .map(|i| {
            let strategy = if k.strategy == "cross_tab" && k.memory {
                "single_flight"
            } else {
                k.strategy
            };
            let device = if k.shared_device { "laptop".into() } else { format!("d{i}") };
            format!(
                r#"{{"name": "tab{i}", "device": "{device}", "storage": "{}", "refresh": "{strategy}", "proactive": "1m"}}"#,
                if k.memory { "memory" } else { "local_storage" }
            )
        })
        .collect();
    let logins = if k.memory { k.clients } else { 1 };
    let mut script: Vec<String> = (0..logins)
        .map(|c| format!(r#"{{"at": "0s", "do": "login", "client": "tab{c}"}}"#))
        .collect();
    let at = if k.at_14m { "14m" } else { "15m" };
    for c in 0..k.clients {
        let count = k.requests + u8::from(!k.symmetric && c == 0);
        script.push(format!(
            r#"{{"at": "{at}", "do": "request", "client": "tab{c}", "count": {count}}}"#
        ));
    }
    let text = format!(
        r#"{{
  "name": "random-proactive-tabs",
  "horizon": "16m",
  "auth": {{"rotation": {}}},
  "network": {{"latency": ["10ms", "20ms"]{}}},
  "clients": [{}],
  "script": [{}],
  "explore": {{"max_faults": {}, "max_states": 30000}}
}}"#,
        k.rotation,
        if k.drop { r#", "drop": 0.1"# } else { "" },
        clients.join(", "),
        script.join(", "),
        u8::from(k.drop),
    );
    parse(&text, "tabs.json")
        .unwrap_or_else(|e| panic!("generated scenario is valid: {e}\n{text}"))
        .scenario
}

fn explore(s: &Scenario, no_symmetry: bool) -> Report {
    let options = ExploreOptions {
        strategy: Some(Search::Bfs),
        no_symmetry,
        ..ExploreOptions::default()
    };
    check::explore(s, &options).expect("explores")
}

fn states(r: &Report) -> u64 {
    r.invariants.first().map(|i| i.states).unwrap_or(0)
}

proptest! {
    #![proptest_config(crate::properties::config(16, "tests/proptest-regressions/tab_symmetry.txt"))]

    #[test]
    fn symmetry_over_proactive_tabs_changes_no_verdict_and_no_shortest_length(k in tabs()) {
        let s = scenario(&k);
        let off = explore(&s, true);
        prop_assume!(complete(&off));
        let on = explore(&s, false);
        prop_assert!(complete(&on), "{:?}", k);
        prop_assert_eq!(summary(&off), summary(&on), "{:?}", k);
        prop_assert!(states(&on) <= states(&off));
    }

    #[test]
    fn symbolic_states_merged_by_client_symmetry_have_the_same_futures(k in tabs()) {
        let s = scenario(&k);
        let model = tokenrace::model::Model::build(&s);
        let monitor = tokenrace::check::judge::InvariantMonitor::new(s.checked());
        let limits = tokenrace::explore::Limits {
            max_states: 3_000,
            max_depth: 1_000,
            max_faults: u32::from(k.drop),
        };
        let audit = tokenrace::explore::audit::audit_windowed_symmetry(&model, &monitor, &limits);
        prop_assert!(audit.is_ok(), "{:?}: {}", k, audit.unwrap_err());
    }
}

/// The scale scenario of three proactive tabs, cut to one call per tab so
/// that the search without symmetry stays small: on and off agree, and
/// client symmetry merges states there (the windowed search moves its
/// tabs). The whole scenario (three calls each) is pinned by its `expect`
/// block and by the corpus; without symmetry it does not fit in 3 GiB.
#[test]
fn three_proactive_tabs_are_interchangeable_in_the_windowed_search() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/benches/scale/three-tabs-cross-tab-proactive-one-drop.json"
    );
    let text = std::fs::read_to_string(path).expect("reads");
    let text = text.replace(r#""count": 3"#, r#""count": 1"#);
    let s = parse(&text, "three-tabs.json").expect("parses").scenario;
    let (on, off) = (explore(&s, false), explore(&s, true));
    assert!(complete(&on) && complete(&off));
    assert_eq!(summary(&on), summary(&off));
    assert!(states(&on) < states(&off), "client symmetry merged nothing");
}
