//! tokenrace: a deterministic protocol simulator and race-condition explorer
//! for access-token / refresh-token flows.
//!
//! Describe a deployment — auth server policy, network, clients (tabs,
//! devices), a script of user actions — as a [`Scenario`], explore every
//! interleaving its latency windows allow, and get per invariant a
//! [`Verdict`]: `holds` (every order was covered), `violated` (with the
//! shortest counterexample as a replayable [`Trace`]) or `unknown`.
//!
//! The canonical bug: two requests share an expired AT1, both get 401, both
//! refresh with RT1; the server rotates on the first and rejects the second
//! as a reuse, and the user sees "session expired" with a valid session.
//!
//! ```
//! use tokenrace::builder::{mins, secs};
//! use tokenrace::{Client, Invariant, Refresh, Scenario, Verdict};
//!
//! // Two concurrent requests from one tab, after AT1 expired (15m TTL).
//! let race = |refresh| {
//!     Scenario::builder("two-request-race")
//!         .auth(|a| a.rotation(true).grace(secs(0)))
//!         .client(Client::new("tab1").refresh(refresh))
//!         .login(secs(0), "tab1")
//!         .request(mins(16), "tab1", 2)
//!         .check([Invariant::NoErrorWhileRefreshValid])
//!         .build()
//! };
//!
//! // Each request refreshes on its own: the second presents a spent RT1.
//! let naive = tokenrace::explore(&race(Refresh::Naive)?, &Default::default())?;
//! assert_eq!(naive.verdict(Invariant::NoErrorWhileRefreshValid), Verdict::Violated);
//! let trace = naive.trace(Invariant::NoErrorWhileRefreshValid).unwrap();
//! let diagram = tokenrace::mermaid(trace);
//! assert!(diagram.contains("POST /refresh RT1"));
//! // Every counterexample replays to the same steps.
//! assert_eq!(&tokenrace::replay(trace)?, trace);
//!
//! // One refresh in flight per tab: no order of messages breaks it.
//! let single = tokenrace::explore(&race(Refresh::SingleFlight)?, &Default::default())?;
//! assert_eq!(single.verdict(Invariant::NoErrorWhileRefreshValid), Verdict::Holds);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The same from JSON, judged against the scenario's own `expect` block as
//! `tokenrace check` does:
//!
//! ```
//! let json = r#"{
//!   "name": "race",
//!   "clients": [{"name": "tab1", "refresh": "single_flight"}],
//!   "script": [{"at": "0s", "do": "login", "client": "tab1"},
//!              {"at": "16m", "do": "request", "client": "tab1", "count": 2}],
//!   "expect": {"no_error_while_refresh_valid": "holds"}
//! }"#;
//! let loaded = tokenrace::parse(json, "race.json")?;
//! let report = tokenrace::explore(&loaded.scenario, &Default::default())?;
//! let results = tokenrace::expectations(&loaded.scenario, &report, false);
//! assert!(results.iter().all(|r| r.met));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Entry points: build a scenario with [`Scenario::builder`] or read one
//! with [`load()`]; judge it with [`explore()`] (exhaustive, then random if a
//! bound is hit), [`run()`] (one seeded execution) and [`expectations()`]
//! (compare with its `expect` block); show a counterexample with
//! [`mermaid()`]; re-execute a saved trace with [`replay()`]. With the
//! `proptest` feature, `strategies` generates valid scenarios for your own
//! property tests (docs/library.md).
//!
//! Data flows one way: `scenario → engine → model → explore → trace → check
//! → render → cli` (docs/architecture.md).

pub mod check;
pub mod cli;
pub mod engine;
pub mod explore;
pub mod model;
pub mod probe;
pub mod render;
pub mod scenario;
pub mod serve;
#[cfg(feature = "proptest")]
pub mod strategies;
pub mod trace;

pub use check::{
    expectations, explore, replay, run, ExpectationResult, ExploreOptions, InvariantReport,
    ReplayError, Report, RunError, Strategy, Verdict,
};
pub use scenario::builder;
pub use scenario::{
    load, parse, Auth, BuildError, Client, Duration, Expectation, Invariant, Loaded, PresetName,
    RefreshStrategy as Refresh, Scenario, ScenarioBuilder, ScenarioError, Storage, StorePolicy,
    TokenKind,
};
pub use trace::Trace;

/// The trace as a Mermaid `sequenceDiagram` (docs/semantics.md "Traces and reports"), ending with a newline.
///
/// ```
/// # let scenario = tokenrace::Scenario::builder("x")
/// #     .client(tokenrace::Client::new("tab1"))
/// #     .login(tokenrace::builder::secs(0), "tab1")
/// #     .build()?;
/// let (_report, trace) = tokenrace::run(&scenario, 7)?;
/// assert!(tokenrace::mermaid(&trace).starts_with("sequenceDiagram\n"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn mermaid(trace: &Trace) -> String {
    render::mermaid::render(trace)
}
