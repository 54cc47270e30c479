//! Resource bounds of a search besides its state count (wall-clock time,
//! memory) and what a search reports about its own size. Hitting a bound
//! ends the search with `unknown` and the figures reached, never a wrong
//! `holds` and never an out-of-memory kill.
//!
//! The time bound is the one place an explorer reads the wall clock: it can
//! only turn a verdict into `unknown`, never change a counterexample. The
//! memory bound is the search's own count of what it stores, so where it
//! stops never depends on timing, thread count or the allocator.

use super::large_search::LargeSearch;
use super::BoundHit;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// Wall-clock and memory bounds, how many worker threads to use, and
/// whether the untimed search may skip equivalent orders.
#[derive(Clone, Debug)]
pub struct Budget {
    /// Stop (verdict `unknown`) once this instant has passed.
    pub deadline: Option<Instant>,
    /// Stop once what the search stores, by its own count
    /// ([`Budget::exceeded`]), would exceed this many bytes.
    pub max_memory: Option<u64>,
    /// Worker threads (1 = sequential); results never depend on it.
    pub threads: usize,
    /// Sleep-set partial-order reduction in untimed search (on unless a
    /// caller turns it off to cross-check or measure it): fewer
    /// transitions, the same states, verdicts and shortest counterexamples.
    pub partial_order: bool,
    /// A stop request (Ctrl-C) and a progress observer: neither changes
    /// what a search finds, only when it stops and what a terminal shows.
    pub hooks: Hooks,
    /// Orbit reduction in untimed search: one move per orbit of the
    /// state's request symmetry (`Protocol::orbit_keys`). Fewer
    /// transitions, the same states, verdicts and shortest counterexamples.
    pub orbits: bool,
    /// Zone subsumption in the windowed search's passed list (on unless a
    /// caller turns it off, `--no-subsumption`): a state whose zone is
    /// included in a stored one of the same discrete state is not
    /// explored again; the same verdicts and shortest counterexamples.
    pub subsumption: bool,
    /// Active clocks in the windowed search (on unless turned off,
    /// `--no-active-clocks`): pending events that surely go after the
    /// horizon are dropped, and with them the zone variables only they
    /// used.
    pub active_clocks: bool,
    /// LU extrapolation in the subsumption test (on unless turned off,
    /// `--no-extrapolation`): a zone included in the `Extra+_LU` of a stored
    /// zone is covered.
    pub extrapolation: bool,
    /// The hull pre-pass of the windowed search (on unless turned off,
    /// `--no-hull`): an over-approximation (one convex zone per discrete
    /// state) explored first; when no property is hit there, every one
    /// holds, else the exact search decides (`explore::hull`).
    pub hull: bool,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            deadline: None,
            max_memory: None,
            threads: 1,
            partial_order: true,
            hooks: Hooks::default(),
            orbits: true,
            subsumption: true,
            active_clocks: true,
            extrapolation: true,
            hull: true,
        }
    }
}

/// How far a search got, handed to a [`Progress`] observer every few
/// thousand states (exhaustive) or runs (random, PCT). Read-only figures
/// the search already keeps; observing them never changes a result.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// Distinct states stored (exhaustive) or steps executed (runs).
    pub states: u64,
    /// Deepest level reached so far.
    pub depth: u64,
    /// States waiting for expansion (the untimed search reports its peak).
    pub frontier: u64,
    /// What the search stores, by its own count (the memory bound's figure).
    pub stored_bytes: u64,
    /// Completed random or PCT runs (0 for exhaustive search).
    pub runs: u64,
}

impl Snapshot {
    /// An exhaustive search's figures.
    pub fn of(states: usize, depth: u64, frontier: usize, stored_bytes: u64) -> Snapshot {
        Snapshot {
            states: states as u64,
            depth,
            frontier: frontier as u64,
            stored_bytes,
            runs: 0,
        }
    }

    /// Random or PCT runs' figures.
    pub fn runs(runs: u64, steps: u64) -> Snapshot {
        Snapshot {
            states: steps,
            runs,
            ..Snapshot::default()
        }
    }
}

/// Watches a search run (the CLI's live progress line). Called from the
/// search's own thread; must be cheap and must not block.
pub trait Progress: Send + Sync {
    fn update(&self, snapshot: &Snapshot);
    /// One search of a batch (a matrix cell) finished.
    fn finished(&self) {}
}

/// What a caller hooks into a search from outside: a flag that, once set
/// (Ctrl-C), stops it with [`BoundHit::Interrupted`] at its next budget
/// check, and an observer of its progress. Equal whatever they hold: they
/// never change a verdict or a counterexample, only whether one is reached.
#[derive(Clone, Default)]
pub struct Hooks {
    pub stop: Option<Arc<AtomicBool>>,
    pub progress: Option<Arc<dyn Progress>>,
}

impl Hooks {
    /// Whether a stop was requested.
    pub fn stopped(&self) -> bool {
        self.stop
            .as_ref()
            .is_some_and(|s| s.load(Ordering::Relaxed))
    }
}

impl std::fmt::Debug for Hooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hooks")
            .field("stop", &self.stop.is_some())
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

impl PartialEq for Hooks {
    fn eq(&self, _: &Hooks) -> bool {
        true
    }
}

impl Eq for Hooks {}

impl Budget {
    /// The bound hit now, if any, given the bytes the search stores
    /// (`stored_bytes`, from [`table_bytes`], [`vec_bytes`] and
    /// [`state_bytes`]). The memory bound is decided from that count
    /// alone, never from the process's resident size: the count depends
    /// only on what was stored, in canonical order, so a search stops at
    /// the same state whatever the thread count or the machine's load.
    pub fn exceeded(&self, stored_bytes: u64) -> Option<BoundHit> {
        if let Some(hit) = self.stopped() {
            return Some(hit);
        }
        let limit = self.max_memory?;
        (stored_bytes > limit).then_some(BoundHit::MaxMemory)
    }

    /// Whether the wall-clock budget has run out (random and PCT runs
    /// check it between runs).
    pub fn out_of_time(&self) -> bool {
        self.deadline.is_some_and(|d| Instant::now() >= d)
    }

    /// Why runs must stop now, if they must: a stop request (Ctrl-C) or
    /// the wall-clock budget. Random and PCT runs check it between runs.
    pub fn stopped(&self) -> Option<BoundHit> {
        if self.hooks.stopped() {
            Some(BoundHit::Interrupted)
        } else if self.out_of_time() {
            Some(BoundHit::Time)
        } else {
            None
        }
    }

    /// Hands a snapshot to the progress observer, if there is one.
    pub fn observe(&self, snapshot: Snapshot) {
        self.observe_noting(snapshot, &super::large_search::LARGE_SEARCH);
    }

    /// [`Budget::observe`], noting the search's size in `signal` (the
    /// process's one signal outside tests).
    fn observe_noting(&self, snapshot: Snapshot, signal: &LargeSearch) {
        signal.note(snapshot.stored_bytes);
        if let Some(progress) = &self.hooks.progress {
            progress.update(&snapshot);
        }
    }
}

/// Bytes of a hash table with `capacity` entries of `entry` bytes (plus a
/// control byte each), with room for its next growth: a doubling holds the
/// old and the new table at once.
pub fn table_bytes(capacity: usize, entry: usize) -> u64 {
    capacity as u64 * (entry as u64 + 1) * 3
}

/// Bytes of a vector with `capacity` elements of `element` bytes, with
/// room for its next growth.
pub fn vec_bytes(capacity: usize, element: usize) -> u64 {
    capacity as u64 * element as u64 * 3
}

/// The heap bytes of a real state per byte of its canonical encoding: a
/// state keeps vectors (a header and slack each) where the encoding keeps
/// a length byte. Measured on the scale corpus (docs/performance.md):
/// resident memory per frontier state stays under this multiple.
pub const STATE_BYTES_PER_ENCODED_BYTE: u64 = 6;

/// What one real state waiting for expansion takes: its inline size plus
/// its estimated heap from the size of its canonical encoding.
pub fn state_bytes(inline: usize, encoded: usize) -> u64 {
    inline as u64 + encoded as u64 * STATE_BYTES_PER_ENCODED_BYTE
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
    /// Windowed search: new states whose zone a stored zone of the same
    /// discrete state included (zone subsumption), not explored.
    pub covered: u64,
    /// Windowed search: bytes of the frontier at its peak, by the
    /// search's own count.
    pub peak_frontier_bytes: u64,
    /// Windowed search: the passed list's share of `table_bytes`.
    pub passed_bytes: u64,
    /// Windowed search: the parent arena's share of `table_bytes`.
    pub arena_bytes: u64,
}

impl SearchStats {
    /// Bytes per stored state in the visited set and parent arena.
    pub fn bytes_per_state(&self) -> f64 {
        self.table_bytes as f64 / self.states.max(1) as f64
    }

    /// Bytes per stored state of everything the search keeps: the visited
    /// set (or passed list) and arena, plus the frontier at its peak.
    pub fn stored_bytes_per_state(&self) -> f64 {
        (self.table_bytes + self.peak_frontier_bytes) as f64 / self.states.max(1) as f64
    }

    /// The windowed search's split per stored state: passed list, parent
    /// arena, frontier at its peak (bytes each, by the search's own count).
    pub fn split_per_state(&self) -> [f64; 3] {
        let per = |b: u64| b as f64 / self.states.max(1) as f64;
        [
            per(self.passed_bytes),
            per(self.arena_bytes),
            per(self.peak_frontier_bytes),
        ]
    }

    /// Mean size of a state's canonical encoding.
    pub fn encoded_bytes_per_state(&self) -> f64 {
        self.encoded_bytes as f64 / self.states.max(1) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    static CALLS: AtomicUsize = AtomicUsize::new(0);

    fn count() {
        CALLS.fetch_add(1, Ordering::Relaxed);
    }

    /// Every search's progress snapshots reach the large-search signal,
    /// which fires once, on the first snapshot past the size (not at it),
    /// and never again.
    #[test]
    fn progress_snapshots_fire_the_large_search_signal_once() {
        use super::super::large_search::LARGE_SEARCH_BYTES;
        let signal = LargeSearch::new();
        signal.register(count);
        let budget = Budget::default();
        let at = |bytes| Snapshot::of(10, 1, 1, bytes);
        budget.observe_noting(at(1 << 20), &signal);
        budget.observe_noting(at(LARGE_SEARCH_BYTES), &signal);
        assert_eq!(CALLS.load(Ordering::Relaxed), 0, "not past the size yet");
        budget.observe_noting(at(LARGE_SEARCH_BYTES + 1), &signal);
        budget.observe_noting(at(2 * LARGE_SEARCH_BYTES), &signal);
        assert_eq!(CALLS.load(Ordering::Relaxed), 1);
    }
}
