//! The parent arena of the untimed search, in fixed chunks: a `Vec` that
//! doubles holds up to twice the nodes it needs, and while it grows it
//! holds its old buffer and the new one at once — near the end of a search,
//! when the visited table is largest too, that was the resident peak.
//! Chunks are allocated as they fill and never move.
//!
//! The memory budget still counts the arena as the doubling `Vec` it
//! replaces ([`Arena::counted_capacity`]), so a memory bound stops a search
//! at the state count it did before; the count now overstates what the
//! arena holds.

/// Nodes per chunk: 48 KiB of 12-byte nodes.
const CHUNK: usize = 4096;

pub(super) struct Arena<T> {
    chunks: Vec<Vec<T>>,
    len: usize,
}

impl<T: Copy> Arena<T> {
    pub(super) fn new() -> Self {
        Arena {
            chunks: Vec::new(),
            len: 0,
        }
    }

    pub(super) fn push(&mut self, node: T) {
        match self.chunks.last_mut() {
            Some(last) if last.len() < CHUNK => last.push(node),
            _ => {
                let mut chunk = Vec::with_capacity(CHUNK);
                chunk.push(node);
                self.chunks.push(chunk);
            }
        }
        self.len += 1;
    }

    pub(super) fn len(&self) -> usize {
        self.len
    }

    pub(super) fn get(&self, index: usize) -> T {
        self.chunks[index / CHUNK][index % CHUNK]
    }

    /// The capacity a `Vec` of `len` nodes grown by doubling would have
    /// (four at least, as `RawVec` starts): what the budget counts.
    pub(super) fn counted_capacity(&self) -> usize {
        match self.len {
            0 => 0,
            n => n.next_power_of_two().max(4),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_keep_their_index_across_chunks() {
        let mut arena = Arena::new();
        for i in 0..3 * CHUNK + 5 {
            arena.push(i as u32);
        }
        assert_eq!(arena.len(), 3 * CHUNK + 5);
        for i in [0, 1, CHUNK - 1, CHUNK, 2 * CHUNK + 7, 3 * CHUNK + 4] {
            assert_eq!(arena.get(i), i as u32);
        }
        assert_eq!(arena.chunks.len(), 4);
    }

    #[test]
    fn the_budget_counts_what_a_doubling_vec_would_hold() {
        for len in [0usize, 1, 3, 4, 5, 100, 4096, 4097, 47_309] {
            let mut arena = Arena::new();
            let mut vec = Vec::new();
            for i in 0..len {
                arena.push(i);
                vec.push(i);
            }
            assert_eq!(arena.counted_capacity(), vec.capacity(), "{len} nodes");
        }
    }
}
