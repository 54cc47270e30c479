//! Building a [`Scenario`] in Rust instead of JSON: the library's front door
//! for property tests, examples and tools that generate scenarios.
//!
//! The builder writes the same [`Scenario`] value the JSON loader produces
//! and [`ScenarioBuilder::build`] runs the same [`validate()`], so a built
//! scenario is exactly as valid as the equivalent file, and its problems
//! carry the same field paths (`clients[0].refresh`, `script[2].client`).
//! What this module deliberately does not do: give defaults of its own.
//! Every field a builder leaves alone keeps the default of docs/scenario-format.md.
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
    validate, Action, ActionKind, Auth, Client, Duration, Expectation, Explore, Invariant, Network,
    Problem, Resource, Selector, TokenKind,
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
    /// Starts a scenario with every default of docs/scenario-format.md, no clients and an
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

    /// Starts the auth policy from a vendor preset (docs/presets.md), as
    /// `"auth": {"preset": "auth0"}` does; `.auth(|a| …)` after it overrides
    /// single fields, as fields written next to a preset do.
    pub fn preset(mut self, preset: super::PresetName) -> Self {
        self.scenario.auth = preset.preset().resolved();
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

    /// Pins the next delivery from `from` to `to` (docs/scenario-format.md "schedule").
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

mod setters;
#[cfg(test)]
mod tests;
