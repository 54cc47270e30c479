//! `matrix --scenario FILE`: the cell scenarios made from a user's own
//! scenario instead of the built-in refresh race. Each cell keeps the
//! user's script, clients, network and timing, and changes only what the
//! row and the column are about:
//!
//! - the row sets every client's `refresh`, `recheck_store` and
//!   `store_policy`; a `-proactive` row adds a proactive refresh 1m (or
//!   half the access token's lifetime, if shorter) before expiry;
//!   `cross_tab` rows need every client on `local_storage` and are left
//!   out otherwise;
//! - a core column sets `rotation`, `reuse`, `grace` and `grace_returns`
//!   on the scenario's own `auth` block; a preset column replaces the
//!   block with the preset's, token lifetimes included.
//!
//! Every cell judges [`INVARIANTS`] over every order (the scenario's
//! `schedule`, `check` and `expect` are dropped); a cell that no longer
//! validates is reported with the problem instead of being explored.

use super::{ClientStrategy, ServerPolicy, INVARIANTS};
use crate::scenario::{Duration, RefreshStrategy, Scenario, Storage};

/// Whether a row can apply to the scenario (`cross_tab` needs shared storage).
pub fn row_applies(base: &Scenario, client: &ClientStrategy) -> bool {
    client.refresh != RefreshStrategy::CrossTab
        || base
            .clients
            .iter()
            .all(|c| c.storage == Storage::LocalStorage)
}

/// The scenario of one cell over `base`.
pub fn scenario_over(base: &Scenario, client: &ClientStrategy, server: &ServerPolicy) -> Scenario {
    let mut s = base.clone();
    s.name = format!("{}-{}-{}", base.name, client.id, server.id);
    s.description = format!(
        "tokenrace matrix over {}: client {}, server {}.",
        base.name, client.id, server.summary
    );
    if server.auth.preset.is_none() {
        s.auth.rotation = server.auth.rotation;
        s.auth.reuse = server.auth.reuse;
        s.auth.grace = server.auth.grace;
        s.auth.grace_returns = server.auth.grace_returns;
    } else {
        s.auth = server.auth.clone();
    }
    let lead = Duration(60_000.min(s.auth.access_ttl.0 / 2).max(1));
    for c in &mut s.clients {
        c.refresh = client.refresh;
        c.recheck_store = client.recheck_store;
        c.store_policy = client.store_policy;
        c.proactive = client.proactive.then_some(lead);
    }
    s.check = Some(INVARIANTS.to_vec());
    s.expect.clear();
    // A cell explores every order: a pinned schedule would only hide some.
    s.schedule.clear();
    s
}
