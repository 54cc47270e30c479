//! The frontier of the windowed search: states waiting for expansion, kept
//! compact (`compact`): per state a byte string and a reference to its
//! shared part, interned so that frontier states with the same model,
//! event kinds and mark names hold one copy. An interned value is
//! forgotten when the last frontier state that refers to it leaves, so the
//! frontier never holds more than its states need.
//!
//! It counts what it holds (strings, shared values, the queue itself) the
//! same way on every run: only the merge pushes and pops, in frontier
//! order, so the count never depends on the thread count.

use super::super::budget::{table_bytes, vec_bytes};
use super::super::Order;
use super::compact::{join, split, Shared};
use crate::engine::symbolic::SymState;
use crate::engine::Protocol;
use rustc_hash::FxHashSet;
use std::collections::VecDeque;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;

/// A state waiting for expansion: its arena node, depth and compact form.
pub(super) struct Queued<P: Protocol> {
    pub node: u32,
    pub depth: u32,
    shared: Arc<Shared<P>>,
    bytes: Box<[u8]>,
}

impl<P: Protocol> Queued<P> {
    /// The state, rebuilt exactly as it was pushed.
    pub fn state(&self) -> SymState<P> {
        join(&self.shared, &self.bytes)
    }
}

/// The frontier (see the module doc). BFS takes from the front, DFS from
/// the back.
pub(super) struct Frontier<P: Protocol> {
    queue: VecDeque<Queued<P>>,
    interned: FxHashSet<Arc<Shared<P>>>,
    /// Heap of the queued strings and of the interned values.
    held: u64,
    scratch: Vec<u8>,
    peak_len: u64,
    peak_bytes: u64,
}

impl<P: Protocol> Frontier<P> {
    pub fn new() -> Self {
        Frontier {
            queue: VecDeque::new(),
            interned: FxHashSet::default(),
            held: 0,
            scratch: Vec::new(),
            peak_len: 0,
            peak_bytes: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.queue.len()
    }

    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// Queues a state reached through arena node `node`.
    pub fn push(&mut self, node: u32, state: SymState<P>) {
        let depth = state.depth;
        self.scratch.clear();
        let shared = split(state, &mut self.scratch);
        let shared = match self.interned.get(&shared) {
            Some(known) => Arc::clone(known),
            None => {
                self.held += shared.bytes;
                let new = Arc::new(shared);
                self.interned.insert(Arc::clone(&new));
                new
            }
        };
        shared.refs.fetch_add(1, Relaxed);
        let bytes: Box<[u8]> = self.scratch.as_slice().into();
        self.held += bytes.len() as u64;
        self.queue.push_back(Queued {
            node,
            depth,
            shared,
            bytes,
        });
        self.peak_len = self.peak_len.max(self.queue.len() as u64);
        self.peak_bytes = self.peak_bytes.max(self.bytes());
    }

    /// The next state to expand: BFS the oldest, DFS the newest.
    pub fn pop(&mut self, order: Order) -> Option<Queued<P>> {
        let q = match order {
            Order::Bfs => self.queue.pop_front(),
            Order::Dfs => self.queue.pop_back(),
        }?;
        self.held -= q.bytes.len() as u64;
        if q.shared.refs.fetch_sub(1, Relaxed) == 1 {
            self.interned.remove(&*q.shared);
            self.held -= q.shared.bytes;
        }
        Some(q)
    }

    /// What the frontier holds now, by its own count: the queue with room
    /// for its next growth, the interning table, the strings and the
    /// shared values.
    pub fn bytes(&self) -> u64 {
        let entry = std::mem::size_of::<Queued<P>>();
        vec_bytes(self.queue.capacity(), entry)
            + table_bytes(self.interned.capacity(), std::mem::size_of::<usize>())
            + self.held
    }

    /// Most states queued at once.
    pub fn peak_len(&self) -> u64 {
        self.peak_len
    }

    /// Most bytes held at once ([`Frontier::bytes`]).
    pub fn peak_bytes(&self) -> u64 {
        self.peak_bytes
    }
}
