//! Random small scenarios for the reduction tests: 1–3 clients with the
//! strategies, stores, devices, policies and (v1.1) settings that reach
//! every part of the model a reduction must get right.

use proptest::prelude::*;
use tokenrace::scenario::{parse, Scenario};

/// The knobs a random scenario is built from.
#[derive(Debug, Clone)]
pub(crate) struct Knobs {
    pub(crate) untimed: bool,
    pub(crate) strategies: Vec<&'static str>,
    pub(crate) shared_device: bool,
    pub(crate) retries: u8,
    pub(crate) recheck: bool,
    pub(crate) rotation: bool,
    pub(crate) grace: bool,
    pub(crate) revoke: bool,
    pub(crate) requests: Vec<u8>,
    pub(crate) logout: bool,
    pub(crate) steal_and_replay: bool,
    /// Which (v1.1) settings join in: 0 none; 1 timeouts with a resend and
    /// lost refresh answers; 2 at_request snapshots, clearing on failure and
    /// storing after logout and preflight; 3 non-atomic rotation. Each adds request-id
    /// bearing state (timeout timers, resends, commits) the renaming must
    /// cover.
    pub(crate) v11: u8,
    /// Tabs keep tokens in memory (a private store each) rather than in
    /// local storage (one store per device).
    pub(crate) memory: bool,
    /// Every client logs in and gets the same requests (and logout, theft),
    /// so identically configured clients are interchangeable; otherwise only
    /// `tab0` logs in and requests go round-robin.
    pub(crate) symmetric: bool,
    /// Settings that reach the rest of the protocol: 1 the denylist (auth
    /// feeds it, the resource server asks it) and a stolen AT the attacker
    /// calls with; 2 `grace_until_used` (accepting an AT closes a grace)
    /// and, unless `v11` is 2, clients that discard answers after logout.
    pub(crate) extras: u8,
}

pub(crate) fn knobs() -> impl Strategy<Value = Knobs> {
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

pub(crate) fn scenario(k: &Knobs) -> Scenario {
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
