//! The untimed search's visited table: a 128-bit fingerprint per stored
//! state and, with partial-order reduction, the sleep mask kept with it
//! (the ranks asleep at every visit so far). Without sleep sets every mask
//! is empty, so the table keeps fingerprints only.

use super::super::budget::table_bytes;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::hash_map::Entry;

/// A state's fingerprint as two words: as a `u128` beside a `u64` mask a
/// table entry is aligned to 32 bytes, as words to 24.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Fingerprint([u64; 2]);

impl Fingerprint {
    fn of(key: u128) -> Self {
        Fingerprint([key as u64, (key >> 64) as u64])
    }
}

impl std::hash::Hash for Fingerprint {
    /// One word: the fingerprint is already a uniform hash.
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        h.write_u64(self.0[0]);
    }
}

const KEY: usize = std::mem::size_of::<Fingerprint>();
const MASKED: usize = std::mem::size_of::<(Fingerprint, u64)>();
const _: () = assert!(KEY == 16 && MASKED == 24);

/// What a visit found.
pub(super) enum Visit {
    /// A state not stored before (now stored).
    New,
    /// A stored state; `woken` holds the ranks asleep at every earlier
    /// visit but awake at this one (to be taken now). The stored mask has
    /// shrunk to the ranks asleep at every visit.
    Again { woken: u64 },
}

/// One table for every stored state: with sleep sets nearly every state
/// has a mask, and a set beside a map of the states with masks took 17 + 33
/// bytes per state where one map takes 25.
pub(super) struct Visited(Table);

enum Table {
    Keys(FxHashSet<Fingerprint>),
    Masks(FxHashMap<Fingerprint, u64>),
}

impl Visited {
    /// A table that keeps masks when sleep sets are on.
    pub(super) fn new(masks: bool) -> Self {
        Visited(if masks {
            Table::Masks(FxHashMap::default())
        } else {
            Table::Keys(FxHashSet::default())
        })
    }

    /// Visits the state of fingerprint `key` with the sleep mask `mask`.
    pub(super) fn visit(&mut self, key: u128, mask: u64) -> Visit {
        let key = Fingerprint::of(key);
        match &mut self.0 {
            Table::Keys(set) => match set.insert(key) {
                true => Visit::New,
                false => Visit::Again { woken: 0 },
            },
            Table::Masks(map) => match map.entry(key) {
                Entry::Vacant(v) => {
                    v.insert(mask);
                    Visit::New
                }
                Entry::Occupied(mut o) => {
                    let stored = *o.get();
                    *o.get_mut() = stored & mask;
                    Visit::Again {
                        woken: stored & !mask,
                    }
                }
            },
        }
    }

    pub(super) fn len(&self) -> usize {
        match &self.0 {
            Table::Keys(set) => set.len(),
            Table::Masks(map) => map.len(),
        }
    }

    /// What the table takes by its own count (`budget::table_bytes`).
    pub(super) fn bytes(&self) -> u64 {
        match &self.0 {
            Table::Keys(set) => table_bytes(set.capacity(), KEY),
            Table::Masks(map) => table_bytes(map.capacity(), MASKED),
        }
    }

    /// Its slots times the bytes of a slot and its control byte (the
    /// figure `explore` prints per stored state).
    pub(super) fn slot_bytes(&self) -> u64 {
        match &self.0 {
            Table::Keys(set) => set.capacity() as u64 * (KEY as u64 + 1),
            Table::Masks(map) => map.capacity() as u64 * (MASKED as u64 + 1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mask_shrinks_to_what_was_asleep_at_every_visit() {
        let mut v = Visited::new(true);
        assert!(matches!(v.visit(7, 0b1110), Visit::New));
        // Rank 1 awake now: woken; ranks 2 and 3 stay asleep.
        assert!(matches!(v.visit(7, 0b1100), Visit::Again { woken: 0b0010 }));
        // Nothing asleep before is awake now.
        assert!(matches!(v.visit(7, 0b1111), Visit::Again { woken: 0 }));
        assert!(matches!(v.visit(7, 0), Visit::Again { woken: 0b1100 }));
        assert!(matches!(v.visit(7, 0b1111), Visit::Again { woken: 0 }));
        assert_eq!(v.len(), 1);
    }

    #[test]
    fn without_masks_a_state_is_new_once() {
        let mut v = Visited::new(false);
        assert!(matches!(v.visit(u128::MAX, 0), Visit::New));
        assert!(matches!(v.visit(u128::MAX, 0), Visit::Again { woken: 0 }));
        // The two halves of a fingerprint both count.
        assert!(matches!(v.visit(u128::MAX >> 1, 0), Visit::New));
        assert_eq!(v.len(), 2);
    }
}
