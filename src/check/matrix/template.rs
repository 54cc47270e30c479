//! The scenario of one cell, built with the scenario types (no JSON): an
//! expired access token meets the row's concurrent requests under the
//! column's server policy.

use super::{ClientStrategy, MatrixOptions, ServerPolicy, INVARIANTS};
use crate::scenario::{
    Action, ActionKind, Client, Duration, Explore, ExploreMode, Scenario, Storage,
};
use std::collections::BTreeMap;

/// The scenario of one cell: `tabs` tabs of one browser sharing
/// `local_storage`, a login at 0s, and at 16m — one minute after the
/// access token expired — `requests` concurrent requests spread
/// round-robin over the tabs. With `proactive`, every tab's clock is 2m
/// slow so its timer (1m before expiry) fires at 16m too. The horizon
/// (20m) ends the run before the next token expires.
pub fn scenario(
    client: &ClientStrategy,
    server: &ServerPolicy,
    options: &MatrixOptions,
) -> Scenario {
    let tabs = client.tabs(options);
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
            skew.by = Some(Duration(-120_000));
            script.push(skew);
        }
    }
    script.push(action(0, ActionKind::Login, &names[0]));
    for (i, name) in names.iter().enumerate() {
        let count = options.requests / tabs + u32::from((i as u32) < options.requests % tabs);
        if count > 0 {
            let mut request = action(16 * 60_000, ActionKind::Request, name);
            request.count = Some(count);
            script.push(request);
        }
    }
    Scenario {
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
        horizon: Duration(20 * 60_000),
        auth: server.auth.clone(),
        resource: Default::default(),
        network: Default::default(),
        clients: names.iter().map(|name| tab(client, name)).collect(),
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

fn tab(client: &ClientStrategy, name: &str) -> Client {
    Client {
        device: Some("browser".to_string()),
        storage: Storage::LocalStorage,
        refresh: client.refresh,
        proactive: client.proactive.then_some(Duration(60_000)),
        recheck_store: client.recheck_store,
        store_policy: client.store_policy,
        ..Client::named(name)
    }
}
