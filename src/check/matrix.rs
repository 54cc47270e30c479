//! The matrix of client refresh strategies × auth-server policies
//! (`tokenrace matrix`): for each pair, one scenario in which an expired
//! access token meets N concurrent requests, explored exhaustively, and
//! the verdict on each of [`INVARIANTS`].
//!
//! What it owns: the list of rows ([`client_strategies`]) and columns
//! ([`server_policies`] — the one place a server policy, such as a vendor
//! preset, joins the matrix), the scenario of a cell ([`scenario`]), and
//! running the cells ([`build`]), on several threads if asked: each cell
//! is an independent exploration stored at its own index, so the matrix
//! never depends on the thread count. What it does not: layout
//! (`render::matrix`) or IO.
//!
//! A cell is decided by breadth-first exhaustive search only, within
//! `max_states`; a bound hit leaves the unviolated invariants `unknown`
//! (no random runs: they cannot prove `holds` and would only cost time).

use super::{explore, ExploreOptions, InvariantReport, Strategy};
use crate::scenario::{
    Action, ActionKind, Auth, Client, Duration, Explore, ExploreMode, GraceReturns, Invariant,
    RefreshStrategy, Reuse, Scenario, Storage, StorePolicy,
};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// The invariants every cell judges: the ones a refresh race can break.
pub const INVARIANTS: [Invariant; 4] = [
    Invariant::NoErrorWhileRefreshValid,
    Invariant::NoStaleOverwrite,
    Invariant::RequestsComplete,
    Invariant::SingleRefreshPerExpiry,
];

/// How big each cell's scenario is and how long each may search.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MatrixOptions {
    /// Concurrent requests that meet the expired access token.
    pub requests: u32,
    /// Tabs of one browser sharing `local_storage`; `cross_tab` rows use
    /// at least two (a cross-tab lock in one tab is `single_flight`).
    pub tabs: u32,
    /// States each cell's exhaustive search may visit before `unknown`.
    pub max_states: u64,
    /// Worker threads; the matrix does not depend on it.
    #[serde(skip)]
    pub threads: usize,
}

impl Default for MatrixOptions {
    fn default() -> Self {
        MatrixOptions {
            requests: 2,
            tabs: 1,
            max_states: 200_000,
            threads: 1,
        }
    }
}

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
    fn new(refresh: RefreshStrategy, proactive: bool) -> ClientStrategy {
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

/// The vendor presets as columns: the one place they join the matrix.
/// Each preset of `scenario::presets` becomes `ServerPolicy { id: <preset
/// name>, summary: "preset <name>", auth: <its Auth> }`, in the presets'
/// own order. This branch has no presets module, so there are none yet.
fn preset_policies() -> Vec<ServerPolicy> {
    Vec::new()
}

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

/// One cell: the verdict on each of [`INVARIANTS`], in that order, with
/// the shortest counterexample of each violation.
#[derive(Clone, Debug)]
pub struct Cell {
    /// Index into [`Matrix::clients`].
    pub client: usize,
    /// Index into [`Matrix::servers`].
    pub server: usize,
    pub scenario: Scenario,
    pub verdicts: Vec<InvariantReport>,
}

/// Every cell of every row and column, row-major.
#[derive(Clone, Debug)]
pub struct Matrix {
    pub options: MatrixOptions,
    pub clients: Vec<ClientStrategy>,
    pub servers: Vec<ServerPolicy>,
    pub invariants: Vec<Invariant>,
    pub cells: Vec<Cell>,
}

impl Matrix {
    /// The cell of a row and a column.
    pub fn cell(&self, client: usize, server: usize) -> &Cell {
        &self.cells[client * self.servers.len() + server]
    }
}

/// Explores every cell of the default rows and columns.
pub fn build(options: &MatrixOptions) -> Matrix {
    build_with(options, client_strategies(), server_policies())
}

/// Explores every cell of the given rows and columns, on
/// `options.threads` workers (at least one). Each worker takes the next
/// unclaimed cell and stores its result at the cell's own index.
pub fn build_with(
    options: &MatrixOptions,
    clients: Vec<ClientStrategy>,
    servers: Vec<ServerPolicy>,
) -> Matrix {
    let pairs: Vec<(usize, usize)> = (0..clients.len())
        .flat_map(|c| (0..servers.len()).map(move |s| (c, s)))
        .collect();
    let slots: Mutex<Vec<Option<Cell>>> = Mutex::new(vec![None; pairs.len()]);
    let next = AtomicUsize::new(0);
    let worker = || loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(&(c, s)) = pairs.get(i) else { break };
        let cell = run_cell(c, s, &clients[c], &servers[s], options);
        slots.lock().expect("no worker panicked")[i] = Some(cell);
    };
    std::thread::scope(|scope| {
        for _ in 0..options.threads.max(1) {
            scope.spawn(worker);
        }
    });
    let cells = slots
        .into_inner()
        .expect("no worker panicked")
        .into_iter()
        .map(|cell| cell.expect("every cell was explored"))
        .collect();
    Matrix {
        options: options.clone(),
        clients,
        servers,
        invariants: INVARIANTS.to_vec(),
        cells,
    }
}

fn run_cell(
    client: usize,
    server: usize,
    strategy: &ClientStrategy,
    policy: &ServerPolicy,
    options: &MatrixOptions,
) -> Cell {
    let scenario = scenario(strategy, policy, options);
    let search = ExploreOptions {
        strategy: Some(Strategy::Bfs),
        max_states: Some(options.max_states),
        ..ExploreOptions::default()
    };
    let report = explore(&scenario, &search).expect("a matrix scenario pins no schedule");
    Cell {
        client,
        server,
        scenario,
        verdicts: report.invariants,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Verdict;
    use crate::scenario::validate;

    #[test]
    fn every_cell_scenario_validates() {
        let options = MatrixOptions {
            requests: 3,
            tabs: 2,
            ..MatrixOptions::default()
        };
        for client in client_strategies() {
            for server in server_policies() {
                let scenario = scenario(&client, &server, &options);
                let problems: Vec<_> = validate(&scenario)
                    .into_iter()
                    .filter(|p| p.is_error())
                    .collect();
                assert!(problems.is_empty(), "{}: {problems:?}", scenario.name);
            }
        }
    }

    #[test]
    fn requests_are_spread_round_robin_over_the_tabs() {
        let options = MatrixOptions {
            requests: 3,
            tabs: 2,
            ..MatrixOptions::default()
        };
        let naive = &client_strategies()[0];
        let s = scenario(naive, &server_policies()[0], &options);
        let counts: Vec<_> = s
            .script
            .iter()
            .filter(|a| a.kind == ActionKind::Request)
            .map(|a| (a.client.clone().unwrap(), a.count.unwrap()))
            .collect();
        assert_eq!(counts, [("tab1".into(), 2), ("tab2".into(), 1)]);
    }

    #[test]
    fn naive_meets_the_canonical_race_and_cross_tab_does_not() {
        let options = MatrixOptions::default();
        let rows = vec![
            ClientStrategy::new(RefreshStrategy::Naive, false),
            ClientStrategy::new(RefreshStrategy::CrossTab, false),
        ];
        let columns: Vec<_> = server_policies()
            .into_iter()
            .filter(|p| p.id == "revoke-family")
            .collect();
        let matrix = build_with(&options, rows, columns);
        let verdict = |row, i: usize| matrix.cell(row, 0).verdicts[i].verdict;
        assert_eq!(verdict(0, 0), Verdict::Violated);
        assert!(matrix.cell(0, 0).verdicts[0].trace.is_some());
        assert_eq!(verdict(1, 0), Verdict::Holds);
    }

    #[test]
    fn a_cell_that_hits_its_state_bound_is_unknown_not_holds() {
        let options = MatrixOptions {
            max_states: 10,
            ..MatrixOptions::default()
        };
        let rows = vec![ClientStrategy::new(RefreshStrategy::SingleFlight, false)];
        let columns = vec![server_policies().remove(0)];
        let matrix = build_with(&options, rows, columns);
        assert!(matrix.cells[0]
            .verdicts
            .iter()
            .all(|v| v.verdict == Verdict::Unknown));
    }

    #[test]
    fn the_thread_count_does_not_change_the_matrix() {
        let rows = vec![ClientStrategy::new(RefreshStrategy::Naive, false)];
        let one = MatrixOptions::default();
        let four = MatrixOptions {
            threads: 4,
            ..MatrixOptions::default()
        };
        let a = build_with(&one, rows.clone(), server_policies());
        let b = build_with(&four, rows, server_policies());
        let names = |m: &Matrix| {
            m.cells
                .iter()
                .map(|c| {
                    format!(
                        "{:?}",
                        c.verdicts.iter().map(|v| v.verdict).collect::<Vec<_>>()
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&a), names(&b));
    }
}
