//! The input boundary: the scenario file format of SPEC §1, its defaults, and
//! loading it with located errors. Nothing else in the crate parses user
//! input; every later stage receives a [`Scenario`] that [`validate()`] accepted.
//!
//! What this module deliberately does not do: give meaning to the fields.
//! That is `model/`'s job; here a field is only well-formed or not.

pub mod builder;
pub mod duration;
pub mod error;
pub mod load;
pub mod presets;
pub mod schema;
pub mod validate;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use builder::{BuildError, ScenarioBuilder};
pub use duration::Duration;
pub use error::{Problem, ScenarioError};
pub use load::{load, parse, parse_bytes, Loaded};
pub use presets::PresetName;
pub use validate::validate;

/// One scenario file: a deployment, a script, and what to check.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
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

/// The authorization server's policy (SPEC §1 "auth").
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

impl Default for Auth {
    fn default() -> Self {
        Auth {
            preset: None,
            access_ttl: Duration(15 * 60_000),
            refresh_ttl: Duration(30 * 86_400_000),
            refresh_expiry: RefreshExpiry::Sliding,
            rotation: true,
            grace: Duration(0),
            grace_returns: GraceReturns::Same,
            reuse: Reuse::RevokeFamily,
            denylist: false,
            refresh_error: 401,
            grace_scope: GraceScope::Parent,
            grace_uses: None,
            grace_until_used: false,
            atomic_rotation: true,
            commit_latency: [Duration(0), Duration(0)],
        }
    }
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

/// The resource server (SPEC §1 "resource").
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Resource {
    pub leeway: Duration,
    pub check_denylist: bool,
}

/// Latency windows and fault probabilities (SPEC §1 "network").
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

/// One app instance: a browser tab, a mobile app, a device (SPEC §1 "clients").
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Client {
    /// Unique; ASCII letters, digits, `_` and `-` (it is part of actor names
    /// such as `tab1.req2`).
    #[schemars(regex(pattern = r"^[A-Za-z0-9_-]+$"))]
    pub name: String,
    /// Tabs on one device with a shared storage kind share one token store.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
    #[serde(default = "defaults::storage")]
    pub storage: Storage,
    #[serde(default = "defaults::refresh")]
    pub refresh: RefreshStrategy,
    #[serde(default)]
    pub proactive: Option<Duration>,
    #[serde(default = "defaults::retries")]
    pub retries: u32,
    #[serde(default)]
    pub recheck_store: bool,
    #[serde(default = "defaults::store_policy")]
    pub store_policy: StorePolicy,
    #[serde(default = "defaults::reads_rt")]
    pub reads_rt: ReadsRt,
    #[serde(default = "defaults::on_refresh_failure")]
    pub on_refresh_failure: OnRefreshFailure,
    #[serde(default)]
    pub timeout: Option<Duration>,
    /// Resends of a timed-out refresh with the same RT (at most 254).
    #[serde(default)]
    #[schemars(range(max = 254))]
    pub refresh_retries: u32,
    #[serde(default = "defaults::after_logout")]
    pub after_logout: AfterLogout,
    /// Before a call with a stored AT, compare its `exp` with the client's
    /// own clock (skew included) and refresh first if it has passed.
    #[serde(default)]
    pub preflight: bool,
}

impl Client {
    /// The device name, defaulting to the client's own name (SPEC §1).
    pub fn device_name(&self) -> &str {
        self.device.as_deref().unwrap_or(&self.name)
    }

    /// A client with every default, for tests and the builder API.
    pub fn named(name: &str) -> Client {
        Client {
            name: name.to_string(),
            device: None,
            storage: defaults::storage(),
            refresh: defaults::refresh(),
            proactive: None,
            retries: defaults::retries(),
            recheck_store: false,
            store_policy: defaults::store_policy(),
            reads_rt: defaults::reads_rt(),
            on_refresh_failure: defaults::on_refresh_failure(),
            timeout: None,
            refresh_retries: 0,
            after_logout: defaults::after_logout(),
            preflight: false,
        }
    }
}

#[derive(
    Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord, Hash,
)]
#[serde(rename_all = "snake_case")]
pub enum Storage {
    Memory,
    LocalStorage,
    Cookie,
}

#[derive(
    Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord, Hash,
)]
#[serde(rename_all = "snake_case")]
pub enum RefreshStrategy {
    Naive,
    SingleFlight,
    CrossTab,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum StorePolicy {
    LastWriteWins,
    NewestWins,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum ReadsRt {
    AtRefresh,
    AtRequest,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum OnRefreshFailure {
    Keep,
    Clear,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum AfterLogout {
    Discard,
    Store,
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
/// used (or the `nth` one) goes next among the named ones (SPEC §1, §6).
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Selector {
    pub from: String,
    pub to: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nth: Option<u32>,
}

/// Bounds some invariants need (SPEC §3 `attacker_window`).
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Bounds {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attacker_window: Option<Duration>,
}

/// How to explore (SPEC §6 "Exploration defaults").
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

/// The invariant names of SPEC §3; their spelling is part of the contract.
#[derive(
    Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord, Hash,
)]
#[serde(rename_all = "snake_case")]
pub enum Invariant {
    NoErrorWhileRefreshValid,
    NoStaleOverwrite,
    RequestsComplete,
    ExpiredAccessRejected,
    RevokedAccessRejected,
    ReplayDetected,
    NoTokenTheft,
    SingleRefreshPerExpiry,
    AttackerWindow,
    NoFamilyFork,
    LogoutIsFinal,
    NoClobber,
    GraceParentOnly,
}

impl Invariant {
    /// Every invariant, in contract order: what `check` means when absent.
    pub const ALL: [Invariant; 13] = [
        Invariant::NoErrorWhileRefreshValid,
        Invariant::NoStaleOverwrite,
        Invariant::RequestsComplete,
        Invariant::ExpiredAccessRejected,
        Invariant::RevokedAccessRejected,
        Invariant::ReplayDetected,
        Invariant::NoTokenTheft,
        Invariant::SingleRefreshPerExpiry,
        Invariant::AttackerWindow,
        Invariant::NoFamilyFork,
        Invariant::LogoutIsFinal,
        Invariant::NoClobber,
        Invariant::GraceParentOnly,
    ];

    /// The invariants this version judges: every contract name, v1.1 ones
    /// included. Kept apart from `ALL` so that a future contract name can be
    /// parsed (and refused with a clear message) before it is judged.
    pub const SUPPORTED: [Invariant; 13] = [
        Invariant::NoErrorWhileRefreshValid,
        Invariant::NoStaleOverwrite,
        Invariant::RequestsComplete,
        Invariant::ExpiredAccessRejected,
        Invariant::RevokedAccessRejected,
        Invariant::ReplayDetected,
        Invariant::NoTokenTheft,
        Invariant::SingleRefreshPerExpiry,
        Invariant::AttackerWindow,
        Invariant::NoFamilyFork,
        Invariant::LogoutIsFinal,
        Invariant::NoClobber,
        Invariant::GraceParentOnly,
    ];

    /// The contract name, as written in scenario files and reports.
    pub fn name(self) -> &'static str {
        match self {
            Invariant::NoErrorWhileRefreshValid => "no_error_while_refresh_valid",
            Invariant::NoStaleOverwrite => "no_stale_overwrite",
            Invariant::RequestsComplete => "requests_complete",
            Invariant::ExpiredAccessRejected => "expired_access_rejected",
            Invariant::RevokedAccessRejected => "revoked_access_rejected",
            Invariant::ReplayDetected => "replay_detected",
            Invariant::NoTokenTheft => "no_token_theft",
            Invariant::SingleRefreshPerExpiry => "single_refresh_per_expiry",
            Invariant::AttackerWindow => "attacker_window",
            Invariant::NoFamilyFork => "no_family_fork",
            Invariant::LogoutIsFinal => "logout_is_final",
            Invariant::NoClobber => "no_clobber",
            Invariant::GraceParentOnly => "grace_parent_only",
        }
    }
}

impl std::fmt::Display for Invariant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What a scenario expects of one invariant under `tokenrace check`.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Expectation {
    Holds,
    Violated,
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

mod defaults {
    use super::*;
    pub fn horizon() -> Duration {
        Duration(2 * 3_600_000)
    }
    pub fn storage() -> Storage {
        Storage::LocalStorage
    }
    pub fn refresh() -> RefreshStrategy {
        RefreshStrategy::Naive
    }
    pub fn retries() -> u32 {
        1
    }
    pub fn store_policy() -> StorePolicy {
        StorePolicy::LastWriteWins
    }
    pub fn reads_rt() -> ReadsRt {
        ReadsRt::AtRefresh
    }
    pub fn on_refresh_failure() -> OnRefreshFailure {
        OnRefreshFailure::Keep
    }
    pub fn after_logout() -> AfterLogout {
        AfterLogout::Discard
    }
}
