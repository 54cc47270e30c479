//! One BFS level on `budget.threads` workers with the merge overlapped:
//! the level is cut into chunks of [`CHUNK`] states; workers of the pool
//! take the next chunk, expand it (with a scratch of their own, kept for
//! the level) and send its successors to the calling thread, which merges
//! chunks strictly in level order while the workers go on. Merging in
//! level order is the sequential search's order, so the result does not
//! depend on the thread count or on which worker took what.
//!
//! Workers stay at most [`AHEAD`] chunks per worker ahead of the merge
//! (what waits for the merge stays small), a chunk's states are freed as
//! soon as they are expanded, and once the merge says the search is
//! finished the workers stop at their next chunk.

use super::super::budget::Budget;
use super::super::{Limits, Monitor};
use super::expand::{expand, Expanded, Frontier, Shareable};
use crate::engine::untimed::Scratch;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};
use std::sync::{mpsc, Condvar, Mutex, PoisonError};

/// States a worker takes at a time. Divides `untimed::BLOCK`, so the
/// merge can check the budget at the sequential search's points.
pub(super) const CHUNK: usize = 32;

/// Chunks each worker may run ahead of the merge.
const AHEAD: usize = 2;

/// A chunk's successors and how many moves sleep sets skipped there.
type Done<P> = (usize, Vec<Expanded<P>>, u64);

/// What the workers of one level share.
struct Shared<P: Shareable> {
    chunks: Vec<Mutex<Option<Vec<Frontier<P>>>>>,
    next: AtomicUsize,
    merged: Mutex<usize>,
    moved: Condvar,
    stop: AtomicBool,
    ahead: usize,
}

impl<P: Shareable> Shared<P> {
    /// Waits until chunk `c` is within the window; false once stopped.
    fn wait_for_window(&self, c: usize) -> bool {
        let mut merged = self.merged.lock().unwrap_or_else(PoisonError::into_inner);
        while c >= *merged + self.ahead && !self.stop.load(Relaxed) {
            merged = self
                .moved
                .wait(merged)
                .unwrap_or_else(PoisonError::into_inner);
        }
        !self.stop.load(Relaxed)
    }

    fn take(&self, c: usize) -> Vec<Frontier<P>> {
        let mut slot = self.chunks[c]
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        slot.take().unwrap_or_default()
    }

    fn advance(&self, merged: usize) {
        *self.merged.lock().unwrap_or_else(PoisonError::into_inner) = merged;
        self.moved.notify_all();
    }

    fn halt(&self) {
        self.stop.store(true, Relaxed);
        let _guard = self.merged.lock().unwrap_or_else(PoisonError::into_inner);
        self.moved.notify_all();
    }
}

/// Expands `level` on `budget.threads` workers and hands each chunk's
/// successors to `merge` in level order, with the number of level states
/// merged so far and the moves sleep sets skipped in the chunk; `merge`
/// returns true to stop the search.
pub(super) fn expand_level<P, M>(
    p: &P,
    m: &M,
    limits: &Limits,
    budget: &Budget,
    level: Vec<Frontier<P>>,
    mut merge: impl FnMut(usize, Vec<Expanded<P>>, u64) -> bool,
) where
    P: Shareable,
    M: Monitor<P> + Sync,
{
    let len = level.len();
    let threads = budget.threads.max(1);
    let mut states = level.into_iter();
    let count = len.div_ceil(CHUNK);
    let chunks = (0..count)
        .map(|_| Mutex::new(Some(states.by_ref().take(CHUNK).collect())))
        .collect();
    let shared = Shared {
        chunks,
        next: AtomicUsize::new(0),
        merged: Mutex::new(0),
        moved: Condvar::new(),
        stop: AtomicBool::new(false),
        ahead: AHEAD * threads,
    };
    let (tx, rx) = mpsc::channel::<Done<P>>();
    let shared = &shared;
    super::expand::pool(threads).in_place_scope(|s| {
        for _ in 0..threads.min(count) {
            let tx = tx.clone();
            s.spawn(move |_| work(p, m, limits, budget, shared, count, &tx));
        }
        drop(tx);
        let mut waiting: Vec<Option<(Vec<Expanded<P>>, u64)>> = Vec::new();
        waiting.resize_with(count, || None);
        let mut want = 0;
        for (c, succs, skipped) in rx.iter() {
            waiting[c] = Some((succs, skipped));
            while let Some((succs, skipped)) = waiting.get_mut(want).and_then(Option::take) {
                want += 1;
                if merge((want * CHUNK).min(len), succs, skipped) {
                    shared.halt();
                    return;
                }
                shared.advance(want);
            }
        }
    });
}

/// A worker: takes chunks in order until none is left or the merge stops.
fn work<P, M>(
    p: &P,
    m: &M,
    limits: &Limits,
    budget: &Budget,
    shared: &Shared<P>,
    count: usize,
    tx: &mpsc::Sender<Done<P>>,
) where
    P: Shareable,
    M: Monitor<P> + Sync,
{
    let mut scratch = Scratch::default();
    loop {
        let c = shared.next.fetch_add(1, Relaxed);
        if c >= count || !shared.wait_for_window(c) {
            return;
        }
        let mut out = Vec::new();
        let mut skipped = 0;
        for f in shared.take(c) {
            if shared.stop.load(Relaxed) {
                return;
            }
            let expansion = expand(p, m, limits, &f, budget, &mut scratch);
            out.extend(expansion.succs);
            skipped += expansion.skipped;
        }
        if tx.send((c, out, skipped)).is_err() {
            return;
        }
    }
}
