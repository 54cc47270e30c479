//! One signal to the process when a search first grows large: the binary
//! tunes its allocator there (src/main.rs). Small searches want freed
//! memory back at once — their resident floor is what a user, or a peer
//! comparison, sees — while large ones paid for that in page-fault storms:
//! every page a BFS level or a block of successors freed went back to the
//! system and faulted in again for the next (the three-tab scale target
//! spent 1.7 s of its 9.5 s in the kernel). The library stays
//! allocator-agnostic: it only says when, by the search's own count of
//! what it stores, so the moment never depends on timing.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

/// Stored bytes, by a search's own count (`Snapshot::stored_bytes`), past
/// which it is large. The untimed single-flight family stays below it up
/// to N = 40; the three-tab scale target passes it early.
pub const LARGE_SEARCH_BYTES: u64 = 32 << 20;

/// A hook called once, the first time a search noted here passes
/// [`LARGE_SEARCH_BYTES`].
pub(crate) struct LargeSearch {
    hook: OnceLock<fn()>,
    seen: AtomicBool,
}

impl LargeSearch {
    pub(crate) const fn new() -> Self {
        LargeSearch {
            hook: OnceLock::new(),
            seen: AtomicBool::new(false),
        }
    }

    /// Sets the hook; a second call keeps the first.
    pub(crate) fn register(&self, hook: fn()) {
        let _ = self.hook.set(hook);
    }

    /// Called with each progress snapshot's stored bytes.
    pub(crate) fn note(&self, stored_bytes: u64) {
        if stored_bytes <= LARGE_SEARCH_BYTES || self.seen.load(Ordering::Relaxed) {
            return;
        }
        if !self.seen.swap(true, Ordering::Relaxed) {
            if let Some(hook) = self.hook.get() {
                hook();
            }
        }
    }
}

/// The process's one signal, noted by every search's progress snapshots.
pub(crate) static LARGE_SEARCH: LargeSearch = LargeSearch::new();

/// Registers what the process does when a search first grows large.
pub fn on_large_search(hook: fn()) {
    LARGE_SEARCH.register(hook);
}
