//! The refresh-race family as tokenrace scenarios: one tab, N requests at
//! 16m on the AT1 that expired at 15m, rotation with `reuse: reject`,
//! untimed. The horizon (20m) lies before any later expiry, so after the
//! requests start only deliveries remain — the peers' transition system,
//! plus the three steps that set it up (login, AT1 expiry, request start).

use super::super::Code;
use crate::check::{self, ExploreOptions, Strategy, Verdict};
use crate::explore::budget::{peak_resident_bytes, reset_peak_resident, SearchStats};
use crate::scenario::{parse, Scenario};
use crate::trace::StepKind;
use std::time::Instant;

/// The client strategy of a family.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Client {
    /// Must hold (both invariants).
    SingleFlight,
    /// Must violate `no_error_while_refresh_valid` (only it is checked,
    /// as in the peers' bug runs).
    Naive,
}

/// How each tokenrace run is bounded.
pub struct Settings {
    pub time_secs: u64,
    pub threads: usize,
    pub max_memory: u64,
    pub no_symmetry: bool,
    /// Sleep sets off in the family runs (the corpus comparison runs both).
    pub no_partial_order: bool,
}

impl Settings {
    /// The exploration options every tokenrace run of the bench starts
    /// from: its bounds, threads and reductions.
    pub fn options(&self) -> ExploreOptions {
        ExploreOptions {
            threads: Some(self.threads),
            time_ms: Some(self.time_secs * 1000),
            max_memory: Some(self.max_memory),
            no_symmetry: self.no_symmetry,
            no_partial_order: self.no_partial_order,
            ..ExploreOptions::default()
        }
    }
}

/// One measured run.
#[derive(Clone)]
pub struct Row {
    pub n: u32,
    /// `holds`, `violated`, `unknown` (the first checked invariant).
    pub verdict: Verdict,
    pub states: u64,
    pub transitions: u64,
    pub secs: f64,
    pub peak_bytes: Option<u64>,
    pub bytes_per_state: f64,
    /// Windowed search: per stored state, the passed list, the parent
    /// arena and the frontier at its peak (their sum is `bytes_per_state`).
    pub memory_split: [f64; 3],
    /// Deliveries in the shortest counterexample.
    pub deliveries: Option<usize>,
    pub bound: Option<String>,
}

/// The scenario of one family member; `windowed`: the default exact
/// timing (latencies `[5ms, 80ms]`) instead of untimed.
pub fn scenario_timed(client: Client, n: u32, windowed: bool) -> Scenario {
    let (name, refresh, check) = match client {
        Client::SingleFlight => (
            "single-flight",
            "single_flight",
            r#"["no_error_while_refresh_valid", "no_stale_overwrite"]"#,
        ),
        Client::Naive => ("naive", "naive", r#"["no_error_while_refresh_valid"]"#),
    };
    let timing = if windowed { "windows" } else { "untimed" };
    let text = format!(
        r#"{{
  "name": "refresh-race-{name}-n{n}",
  "horizon": "20m",
  "auth": {{"access_ttl": "15m", "rotation": true, "reuse": "reject"}},
  "clients": [{{"name": "tab1", "refresh": "{refresh}", "retries": 1}}],
  "script": [
    {{"at": "0s", "do": "login", "client": "tab1"}},
    {{"at": "16m", "do": "request", "client": "tab1", "count": {n}}}
  ],
  "check": {check},
  "explore": {{"timing": "{timing}", "max_states": 1000000000}}
}}"#
    );
    parse(&text, "bench")
        .expect("the family's scenarios are valid")
        .scenario
}

/// Runs N = 2..=max_n until a run hits a bound.
pub fn run_family(client: Client, max_n: u32, settings: &Settings) -> Vec<Row> {
    run_sizes(client, &(2..=max_n).collect::<Vec<_>>(), false, settings)
}

/// The sizes of the windowed family: 2..=10, then every 5 up to `max_n`.
pub fn windowed_sizes(max_n: u32) -> Vec<u32> {
    (2..=max_n.min(10)).chain((15..=max_n).step_by(5)).collect()
}

/// Runs the given sizes in order until a run hits a bound.
pub fn run_sizes(client: Client, sizes: &[u32], windowed: bool, settings: &Settings) -> Vec<Row> {
    let mut rows = Vec::new();
    for &n in sizes {
        let row = run_one(client, n, windowed, settings);
        let stop = row.bound.is_some();
        rows.push(row);
        if stop {
            break;
        }
    }
    rows
}

/// Measures one family member and says so on stderr.
pub fn run_one(client: Client, n: u32, windowed: bool, settings: &Settings) -> Row {
    let row = measure(&scenario_timed(client, n, windowed), n, settings);
    super::super::output::eprint_line(&format!(
        "  N={n}: {:?}, {} states, {:.3}s",
        row.verdict, row.states, row.secs
    ));
    row
}

/// Explores one scenario with BFS and measures it.
pub fn measure(s: &Scenario, n: u32, settings: &Settings) -> Row {
    let options = ExploreOptions {
        strategy: Some(Strategy::Bfs),
        ..settings.options()
    };
    let measured = reset_peak_resident();
    let started = Instant::now();
    let (report, stats) = check::explore_with_stats(s, &options).expect("no schedule to follow");
    let secs = started.elapsed().as_secs_f64();
    let first = &report.invariants[0];
    let stats = stats.unwrap_or_else(SearchStats::default);
    Row {
        n,
        verdict: first.verdict,
        states: first.states,
        transitions: first.transitions,
        secs,
        peak_bytes: measured.then(peak_resident_bytes).flatten(),
        bytes_per_state: stats.stored_bytes_per_state(),
        memory_split: stats.split_per_state(),
        deliveries: first.trace.as_ref().map(|t| {
            t.steps
                .iter()
                .filter(|s| s.kind == StepKind::Message)
                .count()
        }),
        bound: first.bound_hit.clone(),
    }
}

/// 1 when a family member got the wrong verdict (unknown is not wrong).
pub fn code(verify: &[Row], bug: &[Row]) -> Code {
    let wrong = verify.iter().any(|r| r.verdict == Verdict::Violated)
        || bug.iter().any(|r| r.verdict == Verdict::Holds);
    if wrong {
        Code::Violation
    } else {
        Code::Clean
    }
}
