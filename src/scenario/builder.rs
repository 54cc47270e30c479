//! Building a [`Scenario`] in Rust instead of JSON: the library's front door
//! for property tests, examples and tools that generate scenarios.
//!
//! The builder writes the same [`Scenario`] value the JSON loader produces
//! and [`ScenarioBuilder::build`] runs the same [`validate()`], so a built
//! scenario is exactly as valid as the equivalent file, and its problems
//! carry the same field paths (`clients[0].refresh`, `script[2].client`).
//! What this module deliberately does not do: give defaults of its own.
//! Every field a builder leaves alone keeps the default of SPEC §1.
//!
//! ```
//! use tokenrace::scenario::builder::{mins, Scenario};
//! use tokenrace::scenario::{Client, Invariant, RefreshStrategy};
//!
//! let scenario = Scenario::builder("two-requests")
//!     .auth(|a| a.rotation(true).grace(mins(0)))
//!     .client(Client::new("tab1").refresh(RefreshStrategy::SingleFlight))
//!     .login(mins(0), "tab1")
//!     .request(mins(16), "tab1", 2)
//!     .check([Invariant::NoErrorWhileRefreshValid])
//!     .build()?;
//! assert_eq!(scenario.clients[0].refresh, RefreshStrategy::SingleFlight);
//! # Ok::<(), tokenrace::scenario::builder::BuildError>(())
//! ```

use super::{
    validate, Action, ActionKind, Auth, Client, Duration, Expectation, Explore, ExploreMode,
    GraceReturns, Invariant, Network, Problem, RefreshExpiry, RefreshStrategy, Resource, Reuse,
    Selector, Storage, StorePolicy, TokenKind,
};

pub use super::Scenario;

/// A duration of `n` milliseconds.
pub fn ms(n: i64) -> Duration {
    Duration(n)
}

/// A duration of `n` seconds.
pub fn secs(n: i64) -> Duration {
    Duration(n * 1_000)
}

/// A duration of `n` minutes.
pub fn mins(n: i64) -> Duration {
    Duration(n * 60_000)
}

/// A duration of `n` hours.
pub fn hours(n: i64) -> Duration {
    Duration(n * 3_600_000)
}

/// A duration of `n` days.
pub fn days(n: i64) -> Duration {
    Duration(n * 86_400_000)
}

/// A built scenario that validation refused: every error, with the warnings
/// that came with them, each naming its field path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("scenario {name:?} is invalid:\n{}", render(problems))]
pub struct BuildError {
    /// The scenario's name, as given to [`Scenario::builder`].
    pub name: String,
    /// Errors and warnings in field order, as [`validate()`] returns them.
    pub problems: Vec<Problem>,
}

impl BuildError {
    /// Only the problems that made the build fail.
    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|p| p.is_error())
    }
}

fn render(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("  {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

impl Scenario {
    /// Starts a scenario with every default of SPEC §1, no clients and an
    /// empty script.
    pub fn builder(name: impl Into<String>) -> ScenarioBuilder {
        // Start from what the loader makes of a minimal file, so the builder
        // and JSON share every default by construction.
        let minimal = serde_json::json!({"name": "", "clients": [], "script": []});
        let mut scenario: Scenario =
            serde_json::from_value(minimal).expect("the minimal scenario deserializes");
        scenario.name = name.into();
        ScenarioBuilder { scenario }
    }

    /// Continues building from this scenario (for variations of one design).
    pub fn to_builder(&self) -> ScenarioBuilder {
        ScenarioBuilder {
            scenario: self.clone(),
        }
    }
}

/// Collects a scenario field by field; [`ScenarioBuilder::build`] validates it.
#[derive(Clone, Debug)]
#[must_use = "a builder does nothing until .build() is called"]
pub struct ScenarioBuilder {
    scenario: Scenario,
}

impl ScenarioBuilder {
    /// Validates the scenario as the JSON loader would; warnings are dropped
    /// (use [`ScenarioBuilder::build_with_warnings`] to see them).
    pub fn build(self) -> Result<Scenario, BuildError> {
        self.build_with_warnings().map(|(scenario, _)| scenario)
    }

    /// Validates the scenario and returns it with the warnings it drew.
    pub fn build_with_warnings(self) -> Result<(Scenario, Vec<Problem>), BuildError> {
        let problems = validate(&self.scenario);
        if problems.iter().any(Problem::is_error) {
            return Err(BuildError {
                name: self.scenario.name,
                problems,
            });
        }
        Ok((self.scenario, problems))
    }

    /// The scenario as built so far, unvalidated (for inspection in tests).
    pub fn peek(&self) -> &Scenario {
        &self.scenario
    }

    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.scenario.description = text.into();
        self
    }

    pub fn seed(mut self, seed: u64) -> Self {
        self.scenario.seed = seed;
        self
    }

    pub fn horizon(mut self, horizon: Duration) -> Self {
        self.scenario.horizon = horizon;
        self
    }

    /// Edits the auth server policy: `.auth(|a| a.rotation(true).grace(secs(5)))`.
    pub fn auth(mut self, edit: impl FnOnce(Auth) -> Auth) -> Self {
        self.scenario.auth = edit(self.scenario.auth);
        self
    }

    /// Edits the resource server: `.resource(|r| r.leeway(secs(30)))`.
    pub fn resource(mut self, edit: impl FnOnce(Resource) -> Resource) -> Self {
        self.scenario.resource = edit(self.scenario.resource);
        self
    }

    /// Edits the network: `.network(|n| n.latency(ms(5), ms(80)))`.
    pub fn network(mut self, edit: impl FnOnce(Network) -> Network) -> Self {
        self.scenario.network = edit(self.scenario.network);
        self
    }

    /// Edits the exploration settings: `.explore(|e| e.max_states(10_000))`.
    pub fn explore(mut self, edit: impl FnOnce(Explore) -> Explore) -> Self {
        self.scenario.explore = edit(self.scenario.explore);
        self
    }

    /// Adds a client; clients keep the order they are added in.
    pub fn client(mut self, client: Client) -> Self {
        self.scenario.clients.push(client);
        self
    }

    /// Adds a script entry as written; the helpers below cover each `do`.
    pub fn action(mut self, action: Action) -> Self {
        self.scenario.script.push(action);
        self
    }

    pub fn login(self, at: Duration, client: &str) -> Self {
        self.action(entry(at, ActionKind::Login).client(client))
    }

    /// `count` concurrent API calls from one client, started at once.
    pub fn request(self, at: Duration, client: &str, count: u32) -> Self {
        let mut action = entry(at, ActionKind::Request).client(client);
        action.count = Some(count);
        self.action(action)
    }

    pub fn logout(self, at: Duration, client: &str) -> Self {
        self.action(entry(at, ActionKind::Logout).client(client))
    }

    /// Password change / "log out everywhere".
    pub fn revoke_all(self, at: Duration) -> Self {
        self.action(entry(at, ActionKind::RevokeAll))
    }

    /// XSS: the attacker copies `token` from the client's store.
    pub fn steal(self, at: Duration, client: &str, token: TokenKind) -> Self {
        let mut action = entry(at, ActionKind::Steal).client(client);
        action.token = Some(token);
        self.action(action)
    }

    /// The attacker uses what it stole (`Access` or `Refresh`).
    pub fn attack(self, at: Duration, token: TokenKind) -> Self {
        let mut action = entry(at, ActionKind::Attack);
        action.token = Some(token);
        self.action(action)
    }

    /// The client's clock drifts by `by` (negative: behind).
    pub fn skew(self, at: Duration, client: &str, by: Duration) -> Self {
        let mut action = entry(at, ActionKind::Skew).client(client);
        action.by = Some(by);
        self.action(action)
    }

    /// Pins the next delivery from `from` to `to` (SPEC §1 "schedule").
    pub fn schedule(mut self, from: &str, to: &str) -> Self {
        self.scenario.schedule.push(Selector {
            from: from.to_string(),
            to: to.to_string(),
            nth: None,
        });
        self
    }

    /// Judges only these invariants (default: every supported one).
    pub fn check(mut self, invariants: impl IntoIterator<Item = Invariant>) -> Self {
        self.scenario.check = Some(invariants.into_iter().collect());
        self
    }

    /// Records what `tokenrace check` should find for one invariant.
    pub fn expect(mut self, invariant: Invariant, expectation: Expectation) -> Self {
        self.scenario.expect.insert(invariant, expectation);
        self
    }

    /// The bound `attacker_window` judges against.
    pub fn attacker_window(mut self, window: Duration) -> Self {
        self.scenario.bounds.attacker_window = Some(window);
        self
    }
}

fn entry(at: Duration, kind: ActionKind) -> Action {
    Action {
        at,
        kind,
        client: None,
        count: None,
        token: None,
        by: None,
    }
}

impl Action {
    fn client(mut self, client: &str) -> Action {
        self.client = Some(client.to_string());
        self
    }
}

/// Chained setters for the core auth fields (SPEC §1 "auth").
impl Auth {
    pub fn access_ttl(mut self, ttl: Duration) -> Auth {
        self.access_ttl = ttl;
        self
    }
    pub fn refresh_ttl(mut self, ttl: Duration) -> Auth {
        self.refresh_ttl = ttl;
        self
    }
    pub fn refresh_expiry(mut self, expiry: RefreshExpiry) -> Auth {
        self.refresh_expiry = expiry;
        self
    }
    pub fn rotation(mut self, on: bool) -> Auth {
        self.rotation = on;
        self
    }
    pub fn grace(mut self, grace: Duration) -> Auth {
        self.grace = grace;
        self
    }
    pub fn grace_returns(mut self, returns: GraceReturns) -> Auth {
        self.grace_returns = returns;
        self
    }
    pub fn reuse(mut self, reuse: Reuse) -> Auth {
        self.reuse = reuse;
        self
    }
    pub fn denylist(mut self, on: bool) -> Auth {
        self.denylist = on;
        self
    }
    pub fn refresh_error(mut self, status: u16) -> Auth {
        self.refresh_error = status;
        self
    }
}

/// Chained setters for the resource server.
impl Resource {
    pub fn leeway(mut self, leeway: Duration) -> Resource {
        self.leeway = leeway;
        self
    }
    pub fn check_denylist(mut self, on: bool) -> Resource {
        self.check_denylist = on;
        self
    }
}

/// Chained setters for the network.
impl Network {
    /// The `[min, max]` latency of every link.
    pub fn latency(mut self, min: Duration, max: Duration) -> Network {
        self.latency = [min, max];
        self
    }
    /// Overrides one link's latency; `link` is a name such as `client->auth`.
    pub fn link(mut self, link: &str, min: Duration, max: Duration) -> Network {
        self.links.entry(link.to_string()).or_default().latency = Some([min, max]);
        self
    }
    pub fn drop(mut self, probability: f64) -> Network {
        self.drop = probability;
        self
    }
    pub fn duplicate(mut self, probability: f64) -> Network {
        self.duplicate = probability;
        self
    }
}

/// Chained setters for exploration settings.
impl Explore {
    pub fn mode(mut self, mode: ExploreMode) -> Explore {
        self.mode = mode;
        self
    }
    pub fn runs(mut self, runs: u64) -> Explore {
        self.runs = runs;
        self
    }
    pub fn max_states(mut self, states: u64) -> Explore {
        self.max_states = states;
        self
    }
    pub fn max_depth(mut self, depth: u64) -> Explore {
        self.max_depth = depth;
        self
    }
    pub fn max_faults(mut self, faults: u32) -> Explore {
        self.max_faults = faults;
        self
    }
}

/// Chained setters for a client (SPEC §1 "clients").
impl Client {
    /// A client with every default: naive, `local_storage`, one retry.
    pub fn new(name: &str) -> Client {
        Client::named(name)
    }
    /// Tabs with the same device and a shared storage kind share one store.
    pub fn device(mut self, device: &str) -> Client {
        self.device = Some(device.to_string());
        self
    }
    pub fn storage(mut self, storage: Storage) -> Client {
        self.storage = storage;
        self
    }
    pub fn refresh(mut self, strategy: RefreshStrategy) -> Client {
        self.refresh = strategy;
        self
    }
    /// Refresh on a timer this long before the access token expires.
    pub fn proactive(mut self, lead: Duration) -> Client {
        self.proactive = Some(lead);
        self
    }
    pub fn retries(mut self, retries: u32) -> Client {
        self.retries = retries;
        self
    }
    pub fn recheck_store(mut self, on: bool) -> Client {
        self.recheck_store = on;
        self
    }
    pub fn store_policy(mut self, policy: StorePolicy) -> Client {
        self.store_policy = policy;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn race() -> ScenarioBuilder {
        Scenario::builder("race")
            .horizon(mins(20))
            .client(Client::new("tab1"))
            .login(secs(0), "tab1")
            .request(mins(16), "tab1", 2)
    }

    #[test]
    fn builds_the_same_scenario_as_the_equivalent_json() {
        let json = r#"{"name": "race", "horizon": "20m",
          "clients": [{"name": "tab1"}],
          "script": [{"at": "0s", "do": "login", "client": "tab1"},
                     {"at": "16m", "do": "request", "client": "tab1", "count": 2}]}"#;
        let parsed = crate::scenario::parse(json, "race.json").unwrap().scenario;
        assert_eq!(race().build().unwrap(), parsed);
    }

    #[test]
    fn refuses_an_unknown_client_with_its_field_path() {
        let err = race().request(mins(17), "tab9", 1).build().unwrap_err();
        let paths: Vec<&str> = err.errors().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, ["script[2].client"]);
        assert!(err.to_string().contains("script[2].client"), "{err}");
    }

    #[test]
    fn refuses_cross_tab_with_memory_storage() {
        let err = Scenario::builder("x")
            .client(
                Client::new("tab1")
                    .storage(Storage::Memory)
                    .refresh(RefreshStrategy::CrossTab),
            )
            .build()
            .unwrap_err();
        assert_eq!(err.errors().next().unwrap().path, "clients[0].refresh");
    }

    #[test]
    fn returns_warnings_with_a_valid_scenario() {
        let (_, warnings) = Scenario::builder("x")
            .client(Client::new("tab1"))
            .build_with_warnings()
            .unwrap();
        assert!(warnings.iter().any(|w| w.path == "script"), "{warnings:?}");
    }

    #[test]
    fn setters_reach_every_section() {
        let s = race()
            .auth(|a| a.grace(secs(5)).grace_returns(GraceReturns::New))
            .resource(|r| r.leeway(secs(1)))
            .network(|n| n.latency(ms(1), ms(2)).link("client->auth", ms(3), ms(4)))
            .explore(|e| e.max_states(10))
            .expect(Invariant::NoErrorWhileRefreshValid, Expectation::Violated)
            .build()
            .unwrap();
        assert_eq!(s.auth.grace, secs(5));
        assert_eq!(s.resource.leeway, secs(1));
        assert_eq!(
            s.network.links["client->auth"].latency,
            Some([ms(3), ms(4)])
        );
        assert_eq!(s.explore.max_states, 10);
        assert_eq!(s.expect.len(), 1);
    }
}
