//! The axes of the matrix: its rows (client strategies) and columns
//! (auth-server policies). A new strategy or policy is one entry here.

use super::MatrixOptions;
use crate::scenario::presets::PRESETS;
use crate::scenario::{Auth, Duration, GraceReturns, RefreshStrategy, Reuse, StorePolicy};
use serde::Serialize;

/// A row: how the client (every tab alike) refreshes and stores tokens.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClientStrategy {
    /// Short, anchor-safe name: `naive`, `single_flight-proactive`, …
    pub id: String,
    pub refresh: RefreshStrategy,
    /// A proactive timer (1m before expiry) that fires late, at the
    /// instant the requests start: the tab's clock is 2m slow, as after a
    /// sleeping laptop or a throttled background tab.
    pub proactive: bool,
    pub recheck_store: bool,
    pub store_policy: StorePolicy,
}

impl ClientStrategy {
    /// A row with one of the three strategies, last-write-wins storage
    /// and no recheck; `proactive` adds the late timer.
    pub fn new(refresh: RefreshStrategy, proactive: bool) -> ClientStrategy {
        let base = match refresh {
            RefreshStrategy::Naive => "naive",
            RefreshStrategy::SingleFlight => "single_flight",
            RefreshStrategy::CrossTab => "cross_tab",
        };
        ClientStrategy {
            id: if proactive {
                format!("{base}-proactive")
            } else {
                base.to_string()
            },
            refresh,
            proactive,
            recheck_store: false,
            store_policy: StorePolicy::LastWriteWins,
        }
    }

    /// Tabs this row's cells use: `cross_tab` needs two to mean anything.
    pub fn tabs(&self, options: &MatrixOptions) -> u32 {
        match self.refresh {
            RefreshStrategy::CrossTab => options.tabs.max(2),
            _ => options.tabs.max(1),
        }
    }
}

/// A column: the auth server's policy, with a name and a one-line summary.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ServerPolicy {
    /// Short, anchor-safe name: `rotation-off`, `grace-new`, …
    pub id: String,
    /// The settings that differ from the defaults, as a reader scans them.
    pub summary: String,
    #[serde(skip)]
    pub auth: Auth,
}

/// The rows, in table order: the three strategies with and without a
/// (late) proactive timer, then `recheck_store` and `newest_wins` on top
/// of `naive`, the strategy they exist to rescue.
pub fn client_strategies() -> Vec<ClientStrategy> {
    let mut rows = Vec::new();
    for refresh in [
        RefreshStrategy::Naive,
        RefreshStrategy::SingleFlight,
        RefreshStrategy::CrossTab,
    ] {
        rows.push(ClientStrategy::new(refresh, false));
        rows.push(ClientStrategy::new(refresh, true));
    }
    let mut recheck = ClientStrategy::new(RefreshStrategy::Naive, false);
    recheck.id = "naive-recheck_store".to_string();
    recheck.recheck_store = true;
    rows.push(recheck);
    let mut newest = ClientStrategy::new(RefreshStrategy::Naive, false);
    newest.id = "naive-newest_wins".to_string();
    newest.store_policy = StorePolicy::NewestWins;
    rows.push(newest);
    rows
}

/// The grace period of the grace columns: longer than any refresh round
/// trip of the default network, so grace always covers the race.
const GRACE: Duration = Duration(30_000);

/// The columns, in table order: the core policies, then the presets.
pub fn server_policies() -> Vec<ServerPolicy> {
    let mut columns = core_policies();
    columns.extend(preset_policies());
    columns
}

fn core_policies() -> Vec<ServerPolicy> {
    let policy = |id: &str, summary: &str, auth: Auth| ServerPolicy {
        id: id.to_string(),
        summary: summary.to_string(),
        auth,
    };
    let rotating = |reuse, grace, grace_returns| Auth {
        rotation: true,
        reuse,
        grace,
        grace_returns,
        ..Auth::default()
    };
    vec![
        policy(
            "rotation-off",
            "rotation: false (the RT stays valid; each refresh issues a new AT)",
            Auth {
                rotation: false,
                ..Auth::default()
            },
        ),
        policy(
            "reuse-reject",
            "rotation, reuse: reject, no grace",
            rotating(Reuse::Reject, Duration(0), GraceReturns::Same),
        ),
        policy(
            "revoke-family",
            "rotation, reuse: revoke_family, no grace",
            rotating(Reuse::RevokeFamily, Duration(0), GraceReturns::Same),
        ),
        policy(
            "grace-same",
            "rotation, grace 30s returning the same pair, reuse: revoke_family",
            rotating(Reuse::RevokeFamily, GRACE, GraceReturns::Same),
        ),
        policy(
            "grace-new",
            "rotation, grace 30s minting a new pair, reuse: revoke_family",
            rotating(Reuse::RevokeFamily, GRACE, GraceReturns::New),
        ),
    ]
}

/// The vendor presets as columns, in the presets' own order: the one
/// place they join the matrix. Each column is the preset's resolved `auth`
/// block, exactly what `"auth": {"preset": NAME}` gives a scenario.
fn preset_policies() -> Vec<ServerPolicy> {
    PRESETS
        .iter()
        .map(|p| ServerPolicy {
            id: p.name_text.to_string(),
            summary: format!("preset `{}`: {}, {}", p.name_text, p.vendor, p.setting),
            auth: p.resolved(),
        })
        .collect()
}
