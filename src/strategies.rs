//! proptest strategies for scenarios (Cargo feature `proptest`): server
//! policies, client strategies, scripts and whole scenarios, so users can
//! state properties of their own designs:
//!
//! ```
//! use proptest::prelude::*;
//! use tokenrace::strategies::{self, Constraints};
//! use tokenrace::{Invariant, Refresh, Verdict};
//!
//! proptest! {
//!     #![proptest_config(ProptestConfig::with_cases(4))]
//!     // In a test suite this function carries #[test].
//!     fn one_single_flight_tab_never_shows_a_false_session_error(
//!         s in strategies::scenario(Constraints {
//!             client: strategies::client_settings(&[Refresh::SingleFlight]),
//!             clients: 1..=1,
//!             ..Constraints::default()
//!         })
//!     ) {
//!         let report = tokenrace::explore(&s, &Default::default()).unwrap();
//!         prop_assert_ne!(
//!             report.verdict(Invariant::NoErrorWhileRefreshValid),
//!             Verdict::Violated
//!         );
//!     }
//! }
//! # one_single_flight_tab_never_shows_a_false_session_error();
//! ```
//!
//! Architecture Invariant: every scenario [`scenario`] generates passes
//! [`crate::scenario::validate()`] with no error (warnings may occur), whatever
//! the [`Constraints`]: the assembly step repairs the cross-field rules
//! (`cross_tab` needs shared storage, `proactive` must be shorter than
//! `access_ttl`, every `at` lies within the horizon) instead of filtering.
//! [`auth_policy`] and [`client_settings`] generate core settings;
//! [`auth_policy_v11`] and [`client_settings_v11`] add the (v1.1) ones.

use crate::scenario::builder::{ms, secs};
use crate::scenario::{
    Action, ActionKind, AfterLogout, Auth, Client, Duration, Explore, GraceReturns, GraceScope,
    Network, OnRefreshFailure, ReadsRt, RefreshExpiry, RefreshStrategy, Reuse, Scenario, Storage,
    StorePolicy, TokenKind,
};
use proptest::prelude::*;
use proptest::sample::select;
use std::ops::RangeInclusive;

/// What [`scenario`] may generate. Every field has a small default so that
/// each generated scenario explores exhaustively in well under a second.
#[derive(Clone, Debug)]
pub struct Constraints {
    /// Server policies; see [`auth_policy`].
    pub auth: BoxedStrategy<Auth>,
    /// Client settings; names and devices are assigned by [`scenario`].
    pub client: BoxedStrategy<Client>,
    /// Latency windows; see [`network`].
    pub network: BoxedStrategy<Network>,
    /// How many clients.
    pub clients: RangeInclusive<usize>,
    /// All clients are tabs of one browser sharing `local_storage` (one
    /// token store, one login); otherwise each client is its own device.
    pub one_device: bool,
    /// How many `request` actions after the logins.
    pub requests: RangeInclusive<usize>,
    /// `count` of each `request` action (concurrent calls).
    pub concurrency: RangeInclusive<u32>,
    /// Add one `logout` at a random time.
    pub logout: bool,
    /// Add a `steal` and a later `attack`.
    pub attacker: bool,
    /// `explore.max_states` of generated scenarios (a bound hit gives
    /// `unknown`, never a wrong verdict).
    pub max_states: u64,
}

impl Default for Constraints {
    fn default() -> Self {
        Constraints {
            auth: auth_policy().boxed(),
            client: client_settings(&[
                RefreshStrategy::Naive,
                RefreshStrategy::SingleFlight,
                RefreshStrategy::CrossTab,
            ]),
            network: network().boxed(),
            clients: 1..=2,
            one_device: false,
            requests: 1..=2,
            concurrency: 1..=2,
            logout: false,
            attacker: false,
            max_states: 200_000,
        }
    }
}

/// Core auth server policies: rotation on or off, grace (0 half the time,
/// else 100ms or 10s)
/// returning the same or a new pair, reuse reject or revoke_family,
/// denylist, sliding or absolute expiry, refresh lifetimes that do or do not
/// run out within a short script. `access_ttl` is 15m or 5m.
pub fn auth_policy() -> impl Strategy<Value = Auth> {
    // No grace half the time: that is where naive clients race.
    let grace = prop_oneof![2 => Just(ms(0)), 1 => Just(ms(100)), 1 => Just(secs(10))];
    let returns = select(vec![GraceReturns::Same, GraceReturns::New]);
    let reuse = select(vec![Reuse::Reject, Reuse::RevokeFamily]);
    let expiry = select(vec![RefreshExpiry::Sliding, RefreshExpiry::Absolute]);
    let access_ttl = select(vec![secs(15 * 60), secs(5 * 60)]);
    let refresh_ttl = select(vec![secs(30 * 86_400), secs(20 * 60)]);
    (
        any::<bool>(),
        grace,
        returns,
        reuse,
        any::<bool>(),
        expiry,
        access_ttl,
        refresh_ttl,
    )
        .prop_map(
            |(rotation, grace, returns, reuse, denylist, expiry, access, refresh)| {
                Auth::default()
                    .rotation(rotation)
                    .grace(if rotation { grace } else { ms(0) })
                    .grace_returns(returns)
                    .reuse(reuse)
                    .denylist(denylist)
                    .refresh_expiry(expiry)
                    .access_ttl(access)
                    .refresh_ttl(refresh)
            },
        )
}

/// [`auth_policy`] plus the (v1.1) server settings: grace scope, grace use
/// limits, grace that ends once the successor is used, and non-atomic
/// rotation with a commit 0-50ms after the check.
pub fn auth_policy_v11() -> impl Strategy<Value = Auth> {
    let scope = select(vec![GraceScope::Parent, GraceScope::AnyAncestor]);
    let uses = prop_oneof![Just(None), (1u32..=2).prop_map(Some)];
    (
        auth_policy(),
        scope,
        uses,
        any::<bool>(),
        any::<bool>(),
        0i64..=50,
    )
        .prop_map(|(auth, scope, uses, until_used, atomic, commit)| Auth {
            grace_scope: scope,
            grace_uses: uses,
            grace_until_used: until_used,
            atomic_rotation: atomic,
            commit_latency: if atomic {
                [ms(0), ms(0)]
            } else {
                [ms(0), ms(commit)]
            },
            ..auth
        })
}

/// The vendor presets of docs/presets.md, as resolved auth policies (use as
/// `Constraints { auth: presets().boxed(), .. }` to check a client design
/// against real servers' defaults).
pub fn presets() -> impl Strategy<Value = Auth> {
    let all: Vec<Auth> = crate::scenario::presets::PRESETS
        .iter()
        .map(|p| p.resolved())
        .collect();
    select(all)
}

/// One latency window `[min, max]` for every link, min in 0..=20ms, max up
/// to 150ms.
pub fn network() -> impl Strategy<Value = Network> {
    (0i64..=20, 0i64..=130)
        .prop_map(|(min, spread)| Network::default().latency(ms(min), ms(min + spread)))
}

/// Client settings using one of `refresh`: storage, retries (1 or 2),
/// `recheck_store`, `store_policy`, and an optional proactive lead (10s or
/// 1m). The name is a placeholder that [`scenario`] replaces.
pub fn client_settings(refresh: &[RefreshStrategy]) -> BoxedStrategy<Client> {
    assert!(!refresh.is_empty(), "client_settings needs a strategy");
    let storage = select(vec![
        Storage::LocalStorage,
        Storage::Memory,
        Storage::Cookie,
    ]);
    let policy = select(vec![StorePolicy::LastWriteWins, StorePolicy::NewestWins]);
    let proactive = prop_oneof![Just(None), Just(Some(secs(10))), Just(Some(secs(60)))];
    (
        select(refresh.to_vec()),
        storage,
        1u32..=2,
        any::<bool>(),
        policy,
        proactive,
    )
        .prop_map(|(refresh, storage, retries, recheck, policy, proactive)| {
            let mut client = Client::new("client")
                .refresh(refresh)
                .storage(storage)
                .retries(retries)
                .recheck_store(recheck)
                .store_policy(policy);
            client.proactive = proactive;
            client
        })
        .boxed()
}

/// [`client_settings`] plus the (v1.1) failure handling: which RT a refresh
/// reads, clearing the store on failure, timeouts (200ms or 1s) with up to
/// one resend of a timed-out refresh, storing answers after logout, and the
/// `preflight` expiry check before a call.
pub fn client_settings_v11(refresh: &[RefreshStrategy]) -> BoxedStrategy<Client> {
    let reads = select(vec![ReadsRt::AtRefresh, ReadsRt::AtRequest]);
    let failure = select(vec![OnRefreshFailure::Keep, OnRefreshFailure::Clear]);
    let timeout = prop_oneof![Just(None), Just(Some(ms(200))), Just(Some(secs(1)))];
    let after_logout = select(vec![AfterLogout::Discard, AfterLogout::Store]);
    (
        client_settings(refresh),
        reads,
        failure,
        timeout,
        0u32..=1,
        after_logout,
        any::<bool>(),
    )
        .prop_map(
            |(client, reads, failure, timeout, resends, after_logout, preflight)| Client {
                reads_rt: reads,
                on_refresh_failure: failure,
                timeout,
                refresh_retries: if timeout.is_some() { resends } else { 0 },
                after_logout,
                preflight,
                ..client
            },
        )
        .boxed()
}

/// A script time: a quarter-multiple of the access lifetime (0 to 2.25 ×
/// `access_ttl`) plus up to 300ms, so requests meet fresh, nearly expired
/// and expired access tokens.
fn moment(access_ttl: Duration) -> impl Strategy<Value = Duration> {
    (0i64..=9, 0i64..=300)
        .prop_map(move |(quarter, jitter)| ms(access_ttl.0 / 4 * quarter + jitter))
}

/// The script: one login per device at 0s, then `requests` request actions,
/// an optional logout and an optional steal + attack, sorted by time.
pub fn script(
    clients: Vec<Client>,
    access_ttl: Duration,
    constraints: &Constraints,
) -> impl Strategy<Value = Vec<Action>> {
    let names: Vec<String> = clients.iter().map(|c| c.name.clone()).collect();
    let request = (
        select(names.clone()),
        moment(access_ttl),
        constraints.concurrency.clone(),
    );
    let requests = prop::collection::vec(request, constraints.requests.clone());
    let logout = optional(
        constraints.logout,
        (select(names.clone()), moment(access_ttl)),
    );
    let attack = optional(
        constraints.attacker,
        (
            select(names.clone()),
            moment(access_ttl),
            select(vec![TokenKind::Access, TokenKind::Refresh, TokenKind::Both]),
            0i64..=(2 * access_ttl.0),
        ),
    );
    (requests, logout, attack).prop_map(move |(requests, logout, attack)| {
        let mut script = logins(&clients);
        for (client, at, count) in requests {
            let mut action = entry(at, ActionKind::Request, Some(client));
            action.count = Some(count);
            script.push(action);
        }
        if let Some((client, at)) = logout {
            script.push(entry(at, ActionKind::Logout, Some(client)));
        }
        if let Some((client, at, token, delay)) = attack {
            let mut steal = entry(at, ActionKind::Steal, Some(client));
            steal.token = Some(token);
            let mut use_it = entry(ms(at.0 + delay), ActionKind::Attack, None);
            use_it.token = Some(match token {
                TokenKind::Both => TokenKind::Refresh,
                other => other,
            });
            script.extend([steal, use_it]);
        }
        // Stable: logins stay first among entries at 0s.
        script.sort_by_key(|a| a.at);
        script
    })
}

fn optional<S: Strategy + 'static>(on: bool, inner: S) -> BoxedStrategy<Option<S::Value>>
where
    S::Value: Clone,
{
    if on {
        inner.prop_map(Some).boxed()
    } else {
        Just(None).boxed()
    }
}

/// One login at 0s for the first client of each device.
fn logins(clients: &[Client]) -> Vec<Action> {
    let mut devices: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    for client in clients {
        if !devices.contains(&client.device_name()) {
            devices.push(client.device_name());
            out.push(entry(ms(0), ActionKind::Login, Some(client.name.clone())));
        }
    }
    out
}

fn entry(at: Duration, kind: ActionKind, client: Option<String>) -> Action {
    Action {
        at,
        kind,
        client,
        count: None,
        token: None,
        by: None,
    }
}

/// Names clients `tab1`, `tab2`, … and places them on devices; repairs
/// the settings that would not validate with that placement.
fn place(mut clients: Vec<Client>, one_device: bool, access_ttl: Duration) -> Vec<Client> {
    for (i, client) in clients.iter_mut().enumerate() {
        client.name = format!("tab{}", i + 1);
        if one_device {
            client.device = Some("browser".into());
            client.storage = Storage::LocalStorage;
        } else {
            client.device = None;
        }
        if client.refresh == RefreshStrategy::CrossTab && client.storage == Storage::Memory {
            client.storage = Storage::LocalStorage;
        }
        if client.proactive.is_some_and(|lead| lead >= access_ttl) {
            client.proactive = None;
        }
    }
    clients
}

/// Whole scenarios within `constraints`; each one validates (see the
/// module's Architecture Invariant). The horizon is the last script entry
/// plus one minute, so every exchange can finish.
pub fn scenario(constraints: Constraints) -> impl Strategy<Value = Scenario> {
    let parts = (
        constraints.auth.clone(),
        constraints.network.clone(),
        prop::collection::vec(constraints.client.clone(), constraints.clients.clone()),
        any::<u64>(),
    );
    parts.prop_flat_map(move |(auth, network, clients, seed)| {
        let clients = place(clients, constraints.one_device, auth.access_ttl);
        let script = script(clients.clone(), auth.access_ttl, &constraints);
        let max_states = constraints.max_states;
        script.prop_map(move |script| {
            let last = script.iter().map(|a| a.at).max().unwrap_or(ms(0));
            Scenario {
                auth: auth.clone(),
                network: network.clone(),
                clients: clients.clone(),
                horizon: ms(last.0 + 60_000),
                explore: Explore::default().max_states(max_states).runs(100),
                seed,
                script,
                ..Scenario::builder("generated").peek().clone()
            }
        })
    })
}
