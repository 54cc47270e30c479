//! The scenario of one cell, built with the scenario types (no JSON): an
//! expired access token meets the row's concurrent requests under the
//! column's server policy.

use super::{ClientStrategy, MatrixOptions, ServerPolicy, INVARIANTS};
use crate::scenario::{
    Action, ActionKind, Client, Duration, Explore, ExploreMode, Scenario, Storage,
};
use std::collections::BTreeMap;

/// How long after AT1's expiry the requests start.
const LATE_MS: i64 = 60_000;
/// How long the run goes on after the requests start.
const AFTER_MS: i64 = 4 * 60_000;

/// When things happen in a cell, derived from the column's `access_ttl`
/// so that every policy — presets with hour-long tokens included — meets
/// the requests with an expired AT1.
struct Timing {
    /// When the requests start: one minute after AT1 expired.
    requests_ms: i64,
    /// The proactive lead (1m, or half the TTL when that is shorter:
    /// validation wants it shorter than `access_ttl`).
    proactive_ms: i64,
    /// The clock skew that makes the proactive timer fire at
    /// `requests_ms`: lead + one minute, slow.
    skew_ms: i64,
    horizon_ms: i64,
}

fn timing(server: &ServerPolicy) -> Timing {
    let ttl = server.auth.access_ttl.0;
    let proactive_ms = LATE_MS.min(ttl / 2).max(1);
    Timing {
        requests_ms: ttl + LATE_MS,
        proactive_ms,
        skew_ms: -(proactive_ms + LATE_MS),
        horizon_ms: ttl + LATE_MS + AFTER_MS,
    }
}

/// The scenario of one cell: `tabs` tabs of one browser sharing
/// `local_storage`, a login at 0s, and one minute after the access token
/// expired (16m with a 15m token) `requests` concurrent requests spread
/// round-robin over the tabs. With `proactive`, every tab's clock runs
/// slow by the proactive lead plus one minute, so its timer fires at that
/// same instant. The run ends four minutes later (20m with a 15m token).
pub fn scenario(
    client: &ClientStrategy,
    server: &ServerPolicy,
    options: &MatrixOptions,
) -> Scenario {
    let tabs = client.tabs(options);
    let timing = timing(server);
    let names: Vec<String> = (1..=tabs).map(|i| format!("tab{i}")).collect();
    let action = |at_ms: i64, kind, tab: &str| Action {
        at: Duration(at_ms),
        kind,
        client: Some(tab.to_string()),
        count: None,
        token: None,
        by: None,
    };
    let mut script = Vec::new();
    if client.proactive {
        for name in &names {
            let mut skew = action(0, ActionKind::Skew, name);
            skew.by = Some(Duration(timing.skew_ms));
            script.push(skew);
        }
    }
    script.push(action(0, ActionKind::Login, &names[0]));
    for (i, name) in names.iter().enumerate() {
        let count = options.requests / tabs + u32::from((i as u32) < options.requests % tabs);
        if count > 0 {
            let mut request = action(timing.requests_ms, ActionKind::Request, name);
            request.count = Some(count);
            script.push(request);
        }
    }
    Scenario {
        schema: None,
        name: format!("matrix-{}-{}", client.id, server.id),
        description: format!(
            "tokenrace matrix cell: client {} ({} tab{}), server {}; {} concurrent request{} meet the expired AT1.",
            client.id,
            tabs,
            if tabs == 1 { "" } else { "s" },
            server.summary,
            options.requests,
            if options.requests == 1 { "" } else { "s" }
        ),
        seed: 0,
        horizon: Duration(timing.horizon_ms),
        auth: server.auth.clone(),
        resource: Default::default(),
        network: Default::default(),
        clients: names
            .iter()
            .map(|name| tab(client, name, timing.proactive_ms))
            .collect(),
        script,
        schedule: Vec::new(),
        check: Some(INVARIANTS.to_vec()),
        bounds: Default::default(),
        explore: Explore {
            mode: ExploreMode::Exhaustive,
            max_states: options.max_states,
            ..Explore::default()
        },
        expect: BTreeMap::new(),
    }
}

fn tab(client: &ClientStrategy, name: &str, proactive_ms: i64) -> Client {
    Client {
        device: Some("browser".to_string()),
        storage: Storage::LocalStorage,
        refresh: client.refresh,
        proactive: client.proactive.then_some(Duration(proactive_ms)),
        recheck_store: client.recheck_store,
        store_policy: client.store_policy,
        ..Client::named(name)
    }
}
