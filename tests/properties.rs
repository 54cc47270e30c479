//! Properties of the model over generated deployments (proptest, with
//! `tokenrace::strategies`): which client strategies and server policies
//! keep a valid session free of false "please log in again" errors, and
//! which cannot. Each property was checked to be true of the model before it
//! was written down (docs/library.md, "Property suite").
//!
//! Runs are deterministic (a fixed proptest seed); a failure is saved under
//! tests/proptest-regressions/ and replayed first on every later run.

use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, RngSeed};
use tokenrace::builder::{mins, ms, secs};
use tokenrace::scenario::{GraceReturns, RefreshExpiry, Reuse, StorePolicy};
use tokenrace::strategies::{self, Constraints};
use tokenrace::{Client, Invariant, Refresh, Report, Scenario, Storage, Verdict};

/// A fixed seed and a committed regression file, so CI runs the same cases.
pub fn config(cases: u32, file: &'static str) -> Config {
    Config {
        cases,
        rng_seed: RngSeed::Fixed(0x70ce_4ace),
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(file))),
        ..Config::default()
    }
}

const REGRESSIONS: &str = "tests/proptest-regressions/properties.txt";

/// Explores a scenario with its own `explore` settings (exhaustive first).
pub fn explore(scenario: &Scenario) -> Report {
    tokenrace::explore(scenario, &Default::default()).expect("generated scenarios explore")
}

const NO_FALSE_ERROR: Invariant = Invariant::NoErrorWhileRefreshValid;

/// Core policies and the vendor presets of docs/presets.md.
fn any_server() -> BoxedStrategy<tokenrace::Auth> {
    prop_oneof![strategies::auth_policy(), strategies::presets()].boxed()
}

/// One device whose refreshes are coordinated: one single_flight client, or
/// up to three cross_tab tabs of one browser sharing `local_storage`, against
/// any core policy or vendor preset.
fn coordinated_device() -> impl Strategy<Value = Scenario> {
    let single_flight = strategies::scenario(Constraints {
        auth: any_server(),
        client: strategies::client_settings(&[Refresh::SingleFlight]),
        clients: 1..=1,
        requests: 1..=2,
        concurrency: 1..=3,
        ..Constraints::default()
    });
    let cross_tab = strategies::scenario(Constraints {
        auth: any_server(),
        client: strategies::client_settings(&[Refresh::CrossTab]),
        clients: 2..=3,
        one_device: true,
        ..Constraints::default()
    });
    prop_oneof![single_flight, cross_tab]
}

/// Core server policies with rotation and no grace: every reuse fails.
fn strict_rotation() -> impl Strategy<Value = tokenrace::Auth> {
    (
        prop::sample::select(vec![Reuse::Reject, Reuse::RevokeFamily]),
        any::<bool>(),
        prop::sample::select(vec![RefreshExpiry::Sliding, RefreshExpiry::Absolute]),
    )
        .prop_map(|(reuse, denylist, expiry)| {
            tokenrace::Auth::default()
                .rotation(true)
                .grace(ms(0))
                .reuse(reuse)
                .denylist(denylist)
                .refresh_expiry(expiry)
        })
}

/// A naive client without proactive refresh (a timer would refresh before
/// the requests meet the expired token, which is not the race).
fn naive_client() -> impl Strategy<Value = Client> {
    (
        prop::sample::select(vec![Storage::LocalStorage, Storage::Memory]),
        1u32..=2,
        any::<bool>(),
        prop::sample::select(vec![StorePolicy::LastWriteWins, StorePolicy::NewestWins]),
    )
        .prop_map(|(storage, retries, recheck, policy)| {
            Client::new("tab1")
                .storage(storage)
                .retries(retries)
                .recheck_store(recheck)
                .store_policy(policy)
        })
}

/// Any client strategy and setting, with `store_policy: newest_wins`.
fn newest_wins_client() -> BoxedStrategy<Client> {
    strategies::client_settings(&[Refresh::Naive, Refresh::SingleFlight, Refresh::CrossTab])
        .prop_map(|client| client.store_policy(StorePolicy::NewestWins))
        .boxed()
}

proptest! {
    #![proptest_config(config(128, REGRESSIONS))]

    /// single_flight (one client) and cross_tab (tabs of one browser) send
    /// one refresh per device, so under any core server policy or vendor
    /// preset no session error happens while the session is valid.
    #[test]
    fn coordinated_refresh_on_one_device_never_errors_while_refresh_valid(
        scenario in coordinated_device()
    ) {
        let report = explore(&scenario);
        prop_assert_ne!(report.verdict(NO_FALSE_ERROR), Verdict::Violated,
            "{}", tokenrace::mermaid(report.trace(NO_FALSE_ERROR).unwrap()));
    }

    /// Without grace, two or more concurrent naive refreshes of one RT always
    /// have an order in which the second is a reuse: rejected, so the user
    /// sees a session error with a valid session. Exhaustive search finds it
    /// for every strict-rotation policy, latency window and client setting.
    #[test]
    fn naive_rotation_without_grace_violates_for_concurrent_requests(
        auth in strict_rotation(),
        client in naive_client(),
        network in strategies::network(),
        count in 2u32..=3,
        late in 0i64..=300_000,
    ) {
        let scenario = Scenario::builder("naive-strict-rotation")
            .auth(|_| auth)
            .network(|_| network)
            .client(client)
            .login(secs(0), "tab1")
            .request(ms(mins(15).0 + 1 + late), "tab1", count)
            .check([NO_FALSE_ERROR])
            .build()
            .unwrap();
        prop_assert_eq!(explore(&scenario).verdict(NO_FALSE_ERROR), Verdict::Violated);
    }

    /// A grace period longer than twice the largest latency covers every
    /// reuse a naive client can make: a refresh that read RT1 before the
    /// first answer was stored reaches the server at most two latencies after
    /// RT1's first use. With `grace_returns: same` every such refresh gets the
    /// same pair, so naive clients are safe.
    #[test]
    fn grace_longer_than_two_latencies_makes_naive_safe(
        scenario in strategies::scenario(Constraints {
            client: strategies::client_settings(&[Refresh::Naive]),
            ..Constraints::default()
        }),
        one_device in any::<bool>(),
    ) {
        let mut scenario = scenario;
        let max = scenario.network.latency[1];
        scenario.auth = scenario.auth.clone()
            .rotation(true)
            .grace(ms(2 * max.0 + 1))
            .grace_returns(GraceReturns::Same);
        if one_device {
            for client in &mut scenario.clients {
                client.device = Some("browser".into());
                client.storage = Storage::LocalStorage;
            }
        }
        prop_assert!(tokenrace::scenario::validate(&scenario).iter().all(|p| !p.is_error()));
        let report = explore(&scenario);
        prop_assert_ne!(report.verdict(NO_FALSE_ERROR), Verdict::Violated,
            "{}", tokenrace::mermaid(report.trace(NO_FALSE_ERROR).unwrap()));
    }

    /// A store that refuses older pairs never holds a stale one, whatever
    /// the strategy, server, logouts and attacks (refused writes do not
    /// count as writes).
    #[test]
    fn newest_wins_never_stores_a_stale_pair(
        scenario in strategies::scenario(Constraints {
            auth: any_server(),
            client: newest_wins_client(),
            logout: true,
            attacker: true,
            ..Constraints::default()
        }),
        one_device in any::<bool>(),
    ) {
        let mut scenario = scenario;
        if one_device {
            for client in &mut scenario.clients {
                client.device = Some("browser".into());
                client.storage = Storage::LocalStorage;
            }
        }
        let report = explore(&scenario);
        prop_assert_ne!(report.verdict(Invariant::NoStaleOverwrite), Verdict::Violated,
            "{}", tokenrace::mermaid(report.trace(Invariant::NoStaleOverwrite).unwrap()));
    }

    /// The strategies keep their promise: every generated scenario, with
    /// attacks and logouts, core or (v1.1) settings, validates without error.
    #[test]
    fn generated_scenarios_always_validate(
        scenario in strategies::scenario(Constraints {
            auth: prop_oneof![
                strategies::auth_policy(),
                strategies::auth_policy_v11(),
                strategies::presets(),
            ].boxed(),
            client: prop_oneof![
                strategies::client_settings(&[Refresh::Naive, Refresh::CrossTab]),
                strategies::client_settings_v11(&[Refresh::SingleFlight, Refresh::CrossTab]),
            ].boxed(),
            clients: 1..=4,
            requests: 0..=4,
            concurrency: 1..=4,
            one_device: false,
            logout: true,
            attacker: true,
            ..Constraints::default()
        })
    ) {
        let errors: Vec<_> = tokenrace::scenario::validate(&scenario)
            .into_iter()
            .filter(|p| p.is_error())
            .collect();
        prop_assert!(errors.is_empty(), "{errors:?}");
    }
}
