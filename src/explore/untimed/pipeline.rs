//! The BFS queue on `budget.threads` workers with the merge overlapped, and
//! with no barrier between levels: workers of the pool take the next run
//! of at most [`CHUNK`] queued states, expand them (with a scratch of their
//! own) and send their successors to the calling thread, which merges
//! them strictly in queue order and appends the new states to the queue,
//! where workers take them at once. A first-in first-out queue merged in
//! its own order is the sequential BFS, level after level, so the result
//! does not depend on the thread count, on how the queue was cut into
//! runs or on which worker took what.
//!
//! The level-synchronous pipeline this replaces waited at the end of
//! every level for its last chunk; with a few hundred states per level
//! (the untimed single-flight family at N = 20 has 86 levels of about 130)
//! that barrier left one core idle much of the time.
//!
//! Workers stay at most [`AHEAD`] runs per worker ahead of the merge (what
//! waits for the merge stays small), and once the merge says the search is
//! finished they stop after their current run.

use super::super::budget::Budget;
use super::super::{Limits, Monitor};
use super::expand::{expand, Expansion, Frontier, Shareable};
use crate::engine::untimed::Scratch;
use std::collections::{BTreeMap, VecDeque};
use std::sync::{mpsc, Condvar, Mutex, PoisonError};

/// States a worker takes at most at a time.
pub(super) const CHUNK: usize = 32;

/// Runs each worker may be ahead of the merge.
const AHEAD: usize = 2;

/// A run's first queue position and each of its states' expansions.
type Done<P> = (usize, Vec<Expansion<P>>);

/// The queue the merge fills and the workers empty.
struct Queue<P: Shareable> {
    states: VecDeque<Frontier<P>>,
    /// Queue position of `states[0]`: states before it were taken.
    taken: usize,
    /// States merged so far (a run boundary).
    merged: usize,
    /// Set when the merge is done: workers leave.
    done: bool,
}

struct Shared<P: Shareable> {
    queue: Mutex<Queue<P>>,
    changed: Condvar,
    /// States workers may take beyond `merged`.
    window: usize,
}

impl<P: Shareable> Shared<P> {
    fn lock(&self) -> std::sync::MutexGuard<'_, Queue<P>> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The next run to expand, waiting until there is one within the
    /// window; none once the merge is done.
    fn take(&self) -> Option<(usize, Vec<Frontier<P>>)> {
        let mut q = self.lock();
        loop {
            if q.done {
                return None;
            }
            if let Some(run) = self.next_run(&mut q) {
                return Some(run);
            }
            q = self.changed.wait(q).unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// The next run within the window, if there is one now.
    fn try_take(&self) -> Option<(usize, Vec<Frontier<P>>)> {
        self.next_run(&mut self.lock())
    }

    fn next_run(&self, q: &mut Queue<P>) -> Option<(usize, Vec<Frontier<P>>)> {
        let room = (q.merged + self.window).saturating_sub(q.taken);
        let n = room.min(CHUNK).min(q.states.len());
        if n == 0 {
            return None;
        }
        let start = q.taken;
        q.taken += n;
        Some((start, q.states.drain(..n).collect()))
    }

    /// Queues what a merged run found new and moves the window on.
    fn publish(&self, fresh: &mut Vec<Frontier<P>>, merged: usize) {
        let mut q = self.lock();
        q.states.extend(fresh.drain(..));
        q.merged = merged;
        self.changed.notify_all();
    }

    fn finish(&self) {
        self.lock().done = true;
        self.changed.notify_all();
    }
}

/// Runs the BFS queue that starts with `root` on `budget.threads` workers
/// and hands each state's expansion to `merge` in queue order, with a
/// buffer for the states it finds new (they join the queue); `merge`
/// returns true to stop the search. Returns once the queue is empty or
/// `merge` stopped it.
pub(super) fn run_queue<P, M>(
    p: &P,
    m: &M,
    limits: &Limits,
    budget: &Budget,
    root: Frontier<P>,
    mut merge: impl FnMut(Expansion<P>, &mut Vec<Frontier<P>>) -> bool,
) where
    P: Shareable,
    M: Monitor<P> + Sync,
{
    let threads = budget.threads.max(1);
    let shared = Shared {
        queue: Mutex::new(Queue {
            states: VecDeque::from([root]),
            taken: 0,
            merged: 0,
            done: false,
        }),
        changed: Condvar::new(),
        window: AHEAD * threads * CHUNK,
    };
    let (tx, rx) = mpsc::channel::<Done<P>>();
    let shared = &shared;
    super::expand::pool(threads).in_place_scope(|s| {
        // The calling thread merges and, while nothing is ready to merge,
        // expands too: `threads` busy threads in all, not one more than
        // the cores asked for.
        for _ in 1..threads {
            let tx = tx.clone();
            s.spawn(move |_| work(p, m, limits, budget, shared, &tx));
        }
        drop(tx);
        let mut scratch = Scratch::default();
        let (mut queued, mut merged) = (1usize, 0usize);
        let mut waiting: BTreeMap<usize, Vec<Expansion<P>>> = BTreeMap::new();
        let mut fresh = Vec::new();
        while merged < queued {
            if !waiting.contains_key(&merged) {
                let mut expand = |run| expand_run(p, m, limits, budget, run, &mut scratch);
                let (start, run) = next_done(&rx, shared, &mut expand);
                waiting.insert(start, run);
                continue;
            }
            while let Some(run) = waiting.remove(&merged) {
                for expansion in run {
                    merged += 1;
                    if merge(expansion, &mut fresh) {
                        shared.finish();
                        return;
                    }
                }
                queued += fresh.len();
                shared.publish(&mut fresh, merged);
            }
        }
        shared.finish();
    });
}

/// A run's expansions, finished: a worker's if one has arrived, else a run
/// the calling thread takes and expands itself, else the next a worker
/// sends.
fn next_done<P: Shareable>(
    rx: &mpsc::Receiver<Done<P>>,
    shared: &Shared<P>,
    expand: &mut impl FnMut(Vec<Frontier<P>>) -> Vec<Expansion<P>>,
) -> Done<P> {
    if let Ok(done) = rx.try_recv() {
        return done;
    }
    match shared.try_take() {
        Some((start, run)) => (start, expand(run)),
        None => rx.recv().expect("a worker sends every run it takes"),
    }
}

/// The expansions of a run of queued states, which are then freed.
fn expand_run<P, M>(
    p: &P,
    m: &M,
    limits: &Limits,
    budget: &Budget,
    run: Vec<Frontier<P>>,
    scratch: &mut Scratch<P>,
) -> Vec<Expansion<P>>
where
    P: Shareable,
    M: Monitor<P> + Sync,
{
    run.iter()
        .map(|f| expand(p, m, limits, f, budget, scratch))
        .collect()
}

/// A worker: expands runs of queued states until the merge is done.
fn work<P, M>(
    p: &P,
    m: &M,
    limits: &Limits,
    budget: &Budget,
    shared: &Shared<P>,
    tx: &mpsc::Sender<Done<P>>,
) where
    P: Shareable,
    M: Monitor<P> + Sync,
{
    let mut scratch = Scratch::default();
    while let Some((start, run)) = shared.take() {
        let expanded = expand_run(p, m, limits, budget, run, &mut scratch);
        if tx.send((start, expanded)).is_err() {
            return;
        }
    }
}
