//! Random small scenarios for the reduction tests: 1–3 clients with the
//! strategies, stores, devices, policies and (v1.1) settings that reach
//! every part of the model a reduction must get right.
//!
//! Every knob is drawn independently and the draw is then repaired into the
//! search bounds ([`Knobs::within_bounds`]), so the properties compare
//! complete searches only, without throwing cases away.

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

/// Knobs of random small scenarios in either timing, within the bounds.
pub(crate) fn knobs() -> impl Strategy<Value = Knobs> {
    drawn().prop_map(Knobs::within_bounds)
}

/// Knobs of random small untimed scenarios, within the bounds (which
/// depend on the timing, so it is fixed before the repair).
pub(crate) fn untimed_knobs() -> impl Strategy<Value = Knobs> {
    drawn().prop_map(|k| Knobs { untimed: true, ..k }.within_bounds())
}

/// Every knob drawn independently; [`Knobs::within_bounds`] then repairs.
fn drawn() -> impl Strategy<Value = Knobs> {
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

/// The work a generated scenario may start, in rough messages: a request
/// costs 3 (call, refresh, retry, each an exchange; more with a second
/// retry or the (v1.1) settings that add steps), an attacker action 2
/// (one exchange), a logout 1 (one message, no answer). With at most this
/// much, every search stays inside `MAX_STATES` (checked by each property:
/// no case is thrown away after a full search).
pub(crate) const MAX_WORK: usize = 9;

/// The state bound of every generated scenario (`explore.max_states`).
pub(crate) const MAX_STATES: u64 = 40_000;

impl Knobs {
    /// The clients the script acts on: all of them when `symmetric`.
    fn acting_clients(&self) -> usize {
        if self.symmetric {
            self.strategies.len()
        } else {
            1
        }
    }

    /// How many requests the script starts, over all clients.
    pub(crate) fn total_requests(&self) -> usize {
        let per_round: usize = self.requests.iter().map(|&n| usize::from(n)).sum();
        if self.symmetric {
            per_round * self.strategies.len()
        } else {
            per_round
        }
    }

    /// The work of the script, weighted as `MAX_WORK` says.
    pub(crate) fn work(&self) -> usize {
        let logouts = if self.logout {
            self.acting_clients()
        } else {
            0
        };
        let attacks = usize::from(self.steal_and_replay) + usize::from(self.extras == 1);
        // Windowed search keeps each acting client's timing apart: three
        // clients requesting at once is the one shape it cannot afford.
        let windows = if self.untimed {
            0
        } else {
            self.acting_clients() - 1
        };
        self.request_work() * self.total_requests() + logouts + 2 * attacks + windows
    }

    /// A request's work: 3, plus 1 for each setting that adds steps of its
    /// own: a second retry, `recheck_store`, the (v1.1) timeouts with resends
    /// and lost answers or separate commits; and 1 more for timeouts in
    /// untimed search, where an answer may stay in flight past every timer,
    /// and for `grace_until_used` in windowed search, where the time an AT
    /// is accepted splits states. (Weights measured: the heaviest case of
    /// 600 drawn is about a third of `MAX_STATES`.)
    fn request_work(&self) -> usize {
        3 + usize::from(self.retries >= 2)
            + usize::from(self.recheck)
            + usize::from(matches!(self.v11, 1 | 3))
            + usize::from(self.v11 == 1 && self.untimed)
            + usize::from(self.extras == 2 && !self.untimed)
    }

    /// Repairs (never filters) a draw into the bounds, keeping concurrency
    /// (two calls of one action) longest, since the reductions hinge on it:
    /// first at most two calls per action, then fewer actions, then no
    /// logout, stolen AT or replay, then one call, and last fewer clients.
    pub(crate) fn within_bounds(mut self) -> Self {
        while self.work() > MAX_WORK {
            let last = self
                .requests
                .last_mut()
                .expect("at least one request action");
            if *last > 2 {
                *last -= 1;
            } else if self.requests.len() > 1 {
                self.requests.pop();
            } else if self.logout {
                self.logout = false;
            } else if self.extras == 1 {
                self.extras = 0;
            } else if self.steal_and_replay {
                self.steal_and_replay = false;
            } else if self.requests[0] > 1 {
                self.requests[0] -= 1;
            } else {
                self.strategies.pop();
            }
        }
        self
    }
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
  "explore": {{"timing": "{}", "max_states": {}}}
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
        MAX_STATES,
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
