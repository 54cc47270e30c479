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

mod axes;
mod over;
mod template;

pub use axes::{client_strategies, server_policies, ClientStrategy, ServerPolicy};
pub use over::{row_applies, scenario_over};
pub use template::scenario;

use super::{explore, ExploreOptions, InvariantReport, ReductionsOff, Strategy};
use crate::explore::budget::Hooks;
use crate::scenario::{Invariant, Scenario};
use serde::Serialize;
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
    /// Wall-clock budget of each cell's search, in milliseconds (`unknown`
    /// when hit: the matrix then depends on timing, so the default is none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_ms: Option<u64>,
    /// The user's scenario file the cells are made from (`matrix
    /// --scenario`), as the reports name it; `None`: the built-in race.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scenario: Option<String>,
    /// Reductions every cell's search leaves off (`matrix --no-hull`, …),
    /// to cross-check a table; the verdicts do not depend on them.
    #[serde(skip_serializing_if = "ReductionsOff::is_none")]
    pub reductions_off: ReductionsOff,
    /// A stop flag (Ctrl-C) and a progress observer shared by the cells.
    #[serde(skip)]
    pub hooks: Hooks,
}

impl Default for MatrixOptions {
    fn default() -> Self {
        MatrixOptions {
            requests: 2,
            tabs: 1,
            max_states: 200_000,
            threads: 1,
            time_ms: None,
            scenario: None,
            reductions_off: ReductionsOff::default(),
            hooks: Hooks::default(),
        }
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
    let make = |c: &ClientStrategy, s: &ServerPolicy| scenario(c, s, options);
    build_cells(options, clients, servers, make)
}

/// `matrix --scenario FILE`: every applicable row and every column over
/// the user's scenario (`over`); the first cell scenario that does not
/// validate is the error, naming the cell and the field.
pub fn build_over(options: &MatrixOptions, base: &Scenario) -> Result<Matrix, String> {
    let clients: Vec<ClientStrategy> = client_strategies()
        .into_iter()
        .filter(|c| over::row_applies(base, c))
        .collect();
    let servers = server_policies();
    for c in &clients {
        for s in &servers {
            let cell = over::scenario_over(base, c, s);
            let problems = crate::scenario::validate::validate(&cell);
            if let Some(p) = problems.iter().find(|p| p.is_error()) {
                return Err(format!(
                    "cell {} × {}: {}: expected {}",
                    c.id, s.id, p.path, p.expected
                ));
            }
        }
    }
    let make = |c: &ClientStrategy, s: &ServerPolicy| over::scenario_over(base, c, s);
    Ok(build_cells(options, clients, servers, make))
}

fn build_cells(
    options: &MatrixOptions,
    clients: Vec<ClientStrategy>,
    servers: Vec<ServerPolicy>,
    make: impl Fn(&ClientStrategy, &ServerPolicy) -> Scenario + Sync,
) -> Matrix {
    let pairs: Vec<(usize, usize)> = (0..clients.len())
        .flat_map(|c| (0..servers.len()).map(move |s| (c, s)))
        .collect();
    let slots: Mutex<Vec<Option<Cell>>> = Mutex::new(vec![None; pairs.len()]);
    let next = AtomicUsize::new(0);
    let worker = || loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(&(c, s)) = pairs.get(i) else { break };
        let cell = run_cell(c, s, make(&clients[c], &servers[s]), options);
        if let Some(progress) = &options.hooks.progress {
            progress.finished();
        }
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

fn run_cell(client: usize, server: usize, scenario: Scenario, options: &MatrixOptions) -> Cell {
    let mut search = ExploreOptions {
        strategy: Some(Strategy::Bfs),
        max_states: Some(options.max_states),
        time_ms: options.time_ms,
        hooks: options.hooks.clone(),
        ..ExploreOptions::default()
    };
    options.reductions_off.apply(&mut search);
    let report = explore(&scenario, &search).expect("a matrix scenario pins no schedule");
    Cell {
        client,
        server,
        scenario,
        verdicts: report.invariants,
    }
}

#[cfg(test)]
mod tests;
