//! Resource bounds of a search besides its state count (wall-clock time,
//! memory) and what a search reports about its own size. Hitting a bound
//! ends the search with `unknown` and the figures reached, never a wrong
//! `holds` and never an out-of-memory kill.
//!
//! The time bound is the one place an explorer reads the wall clock: it can
//! only turn a verdict into `unknown`, never change a counterexample.

use super::BoundHit;
use std::time::Instant;

/// Wall-clock and memory bounds, how many worker threads to use, and
/// whether the untimed search may skip equivalent orders.
#[derive(Clone, Debug)]
pub struct Budget {
    /// Stop (verdict `unknown`) once this instant has passed.
    pub deadline: Option<Instant>,
    /// Stop once the process's resident memory, plus what the visited set
    /// would take if it grew now, would exceed this many bytes.
    pub max_memory: Option<u64>,
    /// Worker threads (1 = sequential); results never depend on it.
    pub threads: usize,
    /// Sleep-set partial-order reduction in untimed search (on unless a
    /// caller turns it off to cross-check or measure it): fewer
    /// transitions, the same states, verdicts and shortest counterexamples.
    pub partial_order: bool,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            deadline: None,
            max_memory: None,
            threads: 1,
            partial_order: true,
        }
    }
}

impl Budget {
    /// The bound hit now, if any; `table_capacity` is the visited set's
    /// entry capacity (its next growth doubles it).
    pub fn exceeded(&self, table_capacity: usize) -> Option<BoundHit> {
        if self.deadline.is_some_and(|d| Instant::now() >= d) {
            return Some(BoundHit::Time);
        }
        let limit = self.max_memory?;
        let growth = table_capacity as u64 * 2 * 17;
        let resident = resident_bytes()?;
        (resident + growth > limit).then_some(BoundHit::MaxMemory)
    }
}

/// The process's resident memory, where the OS tells it (Linux).
pub fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

/// The process's peak resident memory (`VmHWM`), where the OS tells it.
pub fn peak_resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Resets the peak resident memory so the next figure is one search's own
/// (Linux: `/proc/self/clear_refs`); false where that is not possible.
pub fn reset_peak_resident() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// What a search reports about its size (stderr and benchmarks only).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchStats {
    /// Distinct states stored.
    pub states: u64,
    /// Deepest level reached.
    pub depth: u64,
    /// Most states waiting in the frontier at once.
    pub peak_frontier: u64,
    /// Sum of the canonical encodings' sizes of stored states (what exact
    /// storage would take).
    pub encoded_bytes: u64,
    /// Bytes of the visited set and the parent arena.
    pub table_bytes: u64,
    /// Moves sleep sets skipped (partial-order reduction).
    pub asleep: u64,
    /// Visits that woke moves asleep at every earlier visit of their state
    /// and were expanded again with those.
    pub reexpanded: u64,
}

impl SearchStats {
    /// Bytes per stored state in the visited set and parent arena.
    pub fn bytes_per_state(&self) -> f64 {
        self.table_bytes as f64 / self.states.max(1) as f64
    }

    /// Mean size of a state's canonical encoding.
    pub fn encoded_bytes_per_state(&self) -> f64 {
        self.encoded_bytes as f64 / self.states.max(1) as f64
    }
}
