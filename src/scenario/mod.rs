//! The input boundary: the scenario file format of docs/scenario-format.md, its defaults, and
//! loading it with located errors. Nothing else in the crate parses user
//! input; every later stage receives a [`Scenario`] that [`validate()`] accepted.
//!
//! What this module deliberately does not do: give meaning to the fields.
//! That is `model/`'s job; here a field is only well-formed or not.

pub mod builder;
pub mod client;
pub mod discover;
pub mod duration;
pub mod error;
pub mod invariant;
pub mod kind;
pub mod load;
pub mod presets;
pub mod schema;
pub mod validate;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use builder::{BuildError, ScenarioBuilder};
pub use client::{
    AfterLogout, Client, OnRefreshFailure, ReadsRt, RefreshStrategy, Storage, StorePolicy,
};
pub use duration::Duration;
pub use error::{Problem, ScenarioError};
pub use invariant::{Expectation, Invariant};
pub use load::{load, parse, parse_bytes, Loaded};
pub use presets::PresetName;
pub use validate::validate;

/// One scenario file: a deployment, a script, and what to check.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// The JSON Schema an editor reads for completion (`tokenrace schema >
    /// tokenrace.schema.json`); ignored by tokenrace.
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// Shown in reports and on the first line of every output.
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Seeds `run` and random exploration; exhaustive search ignores it except
    /// for the order of events the schedule leaves open.
    #[serde(default)]
    pub seed: u64,
    /// Nothing fires after the horizon; requests still open then are incomplete.
    #[serde(default = "defaults::horizon")]
    pub horizon: Duration,
    #[serde(default)]
    pub auth: Auth,
    #[serde(default)]
    pub resource: Resource,
    #[serde(default)]
    pub network: Network,
    pub clients: Vec<Client>,
    pub script: Vec<Action>,
    #[serde(default)]
    pub schedule: Vec<Selector>,
    /// The invariants to judge; absent means every invariant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<Vec<Invariant>>,
    #[serde(default)]
    pub bounds: Bounds,
    #[serde(default)]
    pub explore: Explore,
    #[serde(default)]
    pub expect: BTreeMap<Invariant, Expectation>,
}

/// The authorization server's policy (docs/scenario-format.md "auth").
///
/// Read through [`presets::AuthFields`]: a `preset` fills every field with a
/// vendor's defaults, then the fields written in the file override them.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, default, from = "presets::AuthFields")]
pub struct Auth {
    /// A vendor's documented defaults for every field below (docs/presets.md);
    /// fields written next to it override it. Kept after resolution as
    /// provenance; the resolved values are what the model uses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preset: Option<PresetName>,
    pub access_ttl: Duration,
    pub refresh_ttl: Duration,
    pub refresh_expiry: RefreshExpiry,
    pub rotation: bool,
    pub grace: Duration,
    pub grace_returns: GraceReturns,
    pub reuse: Reuse,
    pub denylist: bool,
    /// HTTP status shown for a rejected refresh.
    #[schemars(range(min = 100, max = 599))]
    pub refresh_error: u16,
    /// (v1.1) Which used RTs grace covers: the parent of the family's
    /// newest RT only, or every one whose grace window is open.
    pub grace_scope: GraceScope,
    /// (v1.1) At most this many grace hits per rotated RT (the rotating use
    /// is not one); null = no limit.
    pub grace_uses: Option<u32>,
    /// (v1.1) A rotated RT's grace ends as soon as its successor RT is
    /// presented or its successor AT is accepted.
    pub grace_until_used: bool,
    /// (v1.1) Check and rotate a RT in one step; false = the check passes now
    /// and the write (and the answer) follow `commit_latency` later.
    pub atomic_rotation: bool,
    /// (v1.1) `[min, max]` between the check and the commit of a refresh
    /// when `atomic_rotation` is false.
    pub commit_latency: [Duration; 2],
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RefreshExpiry {
    Sliding,
    Absolute,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum GraceReturns {
    Same,
    New,
    Presented,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Reuse {
    Reject,
    RevokeFamily,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum GraceScope {
    Parent,
    AnyAncestor,
}

/// The resource server (docs/scenario-format.md "resource").
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Resource {
    pub leeway: Duration,
    pub check_denylist: bool,
}

/// Latency windows and fault probabilities (docs/scenario-format.md "network").
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Network {
    /// `[min, max]` delivery latency of every link.
    pub latency: [Duration; 2],
    /// Probability that a message is lost.
    #[schemars(range(min = 0, max = 1))]
    pub drop: f64,
    /// Probability that a message is delivered twice.
    #[schemars(range(min = 0, max = 1))]
    pub duplicate: f64,
    /// Per-link overrides, keyed by link name such as `client->auth`.
    pub links: BTreeMap<String, LinkOverride>,
}

impl Default for Network {
    fn default() -> Self {
        Network {
            latency: [Duration(5), Duration(80)],
            drop: 0.0,
            duplicate: 0.0,
            links: BTreeMap::new(),
        }
    }
}

/// Fields a link may override; absent ones inherit from `network`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LinkOverride {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency: Option<[Duration; 2]>,
    /// (v1.1) per-link drop probability.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 1))]
    pub drop: Option<f64>,
    /// (v1.1) per-link duplicate probability.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 1))]
    pub duplicate: Option<f64>,
}

/// One script entry as written: a flat record so that errors point at the
/// exact field. [`validate()`] turns it into a typed [`Step`].
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Action {
    pub at: Duration,
    #[serde(rename = "do")]
    pub kind: ActionKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<TokenKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<Duration>,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    Login,
    Request,
    Logout,
    RevokeAll,
    Steal,
    Attack,
    Skew,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    Access,
    Refresh,
    Both,
}

/// A script entry after validation: only the fields its kind needs, with
/// client names resolved to indexes into `Scenario::clients`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Step {
    Login { client: usize },
    Request { client: usize, count: u32 },
    Logout { client: usize },
    RevokeAll,
    Steal { client: usize, token: TokenKind },
    Attack { token: TokenKind },
    Skew { client: usize, by_ms: i64 },
}

/// Pins one delivery of a schedule: the earliest-sent matching message not yet
/// used (or the `nth` one) goes next among the named ones (docs/scenario-format.md, docs/semantics.md).
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Selector {
    pub from: String,
    pub to: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nth: Option<u32>,
}

/// Bounds some invariants need (docs/invariants.md `attacker_window`).
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Bounds {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attacker_window: Option<Duration>,
}

/// How to explore (docs/semantics.md "Exploration").
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Explore {
    pub mode: ExploreMode,
    /// Random runs (after a bound is hit, or in `random` mode).
    #[schemars(range(min = 1))]
    pub runs: u64,
    #[schemars(range(min = 1))]
    pub max_states: u64,
    #[schemars(range(min = 1))]
    pub max_depth: u64,
    pub timing: Timing,
    pub max_faults: u32,
    pub pct_depth: u32,
}

impl Default for Explore {
    fn default() -> Self {
        Explore {
            mode: ExploreMode::Exhaustive,
            runs: 10_000,
            max_states: 2_000_000,
            max_depth: 10_000,
            timing: Timing::Windows,
            max_faults: 1,
            pct_depth: 3,
        }
    }
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ExploreMode {
    Exhaustive,
    Random,
    Pct,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Timing {
    Windows,
    Untimed,
}

impl Action {
    /// The typed step; call only on a scenario that [`validate()`] accepted.
    pub fn step(&self, clients: &[Client]) -> Step {
        let client = || {
            let name = self.client.as_deref().expect("validated: client present");
            clients
                .iter()
                .position(|c| c.name == name)
                .expect("validated: client exists")
        };
        match self.kind {
            ActionKind::Login => Step::Login { client: client() },
            ActionKind::Request => Step::Request {
                client: client(),
                count: self.count.unwrap_or(1),
            },
            ActionKind::Logout => Step::Logout { client: client() },
            ActionKind::RevokeAll => Step::RevokeAll,
            ActionKind::Steal => Step::Steal {
                client: client(),
                token: self.token.expect("validated: token present"),
            },
            ActionKind::Attack => Step::Attack {
                token: self.token.expect("validated: token present"),
            },
            ActionKind::Skew => Step::Skew {
                client: client(),
                by_ms: self.by.expect("validated: by present").0,
            },
        }
    }
}

impl Scenario {
    /// The invariants this scenario judges, in contract order.
    pub fn checked(&self) -> Vec<Invariant> {
        match &self.check {
            None => Invariant::SUPPORTED.to_vec(),
            Some(list) => Invariant::ALL
                .iter()
                .copied()
                .filter(|i| list.contains(i))
                .collect(),
        }
    }
}

mod defaults;
