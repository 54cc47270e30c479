//! The passed list of the windowed search: which symbolic states were
//! already stored. Two modes:
//!
//! - exact (`--no-subsumption`): a 128-bit fingerprint of the whole
//!   canonical key (discrete part and zone); a state is new when its
//!   fingerprint is;
//! - subsumption (default): per discrete part (fingerprint of the key
//!   without its zone), the list of the maximal zones stored; a state is
//!   new only when its zone is included in none of them (TChecker's
//!   covering reachability). A new zone evicts the stored zones it
//!   includes from the list (they stay queued: see docs/performance.md for
//!   why that keeps shortest counterexamples shortest).
//!
//! Soundness (docs/performance.md "Zone subsumption"): every successor of
//! a state `(d, Z)` with `Z ⊆ Z'` is included in a successor of `(d, Z')`
//! with the same discrete part and the same facts, because every zone
//! operation a step does (adding a variable, constraining, projecting) is
//! monotone for inclusion. In BFS the covering state was stored at a depth
//! no greater than the covered one's, so no violation is found later.

use super::extrapolate::extra_lu;
use crate::engine::canon::SplitKey;
use crate::engine::zone::INF;
use rustc_hash::{FxHashMap, FxHashSet};

/// A stored zone: the canonical DBM, narrowed to `i32` when every finite
/// bound fits (time in milliseconds: horizons below ~12 days).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Dbm {
    Narrow(Box<[i32]>),
    Wide(Box<[i64]>),
}

/// `i32` stand-in for "no bound".
const NARROW_INF: i32 = i32::MAX;

/// A bound as `Dbm::Narrow` keeps it, if it can.
fn narrowed(v: i64) -> Option<i32> {
    let limit = (i32::MAX / 2) as i64;
    if v >= INF {
        Some(NARROW_INF)
    } else if v.abs() < limit {
        Some(v as i32)
    } else {
        None
    }
}

impl Dbm {
    fn new(m: &[i64]) -> Dbm {
        let mut narrow = Vec::with_capacity(m.len());
        for &v in m {
            match narrowed(v) {
                Some(n) => narrow.push(n),
                None => return Dbm::Wide(m.into()),
            }
        }
        Dbm::Narrow(narrow.into_boxed_slice())
    }

    fn bounds(&self) -> Bounds<'_> {
        match self {
            Dbm::Narrow(n) => Bounds::Narrow(n),
            Dbm::Wide(w) => Bounds::Wide(w),
        }
    }

    fn bytes(&self) -> u64 {
        match self {
            Dbm::Narrow(n) => n.len() as u64 * 4,
            Dbm::Wide(w) => w.len() as u64 * 8,
        }
    }

    /// Whether this zone is included in `other` (both closed, same
    /// variables): every bound at most the other's.
    fn within(&self, other: &Dbm) -> bool {
        self.bounds().within(other.bounds())
    }
}

/// A zone's bounds as a [`Dbm`] keeps them, borrowed: a stored zone's, or
/// those of a zone being tested, narrowed into a reused buffer (a state a
/// stored zone covers, most of them, allocates nothing).
#[derive(Clone, Copy)]
enum Bounds<'a> {
    Narrow(&'a [i32]),
    Wide(&'a [i64]),
}

impl<'a> Bounds<'a> {
    /// `m` as `Dbm::new(m)` would keep it, narrowed into `buffer` if it can.
    fn of(m: &'a [i64], buffer: &'a mut Vec<i32>) -> Bounds<'a> {
        buffer.clear();
        for &v in m {
            match narrowed(v) {
                Some(n) => buffer.push(n),
                None => return Bounds::Wide(m),
            }
        }
        Bounds::Narrow(buffer)
    }

    fn get(self, i: usize) -> i64 {
        match self {
            Bounds::Narrow(n) if n[i] == NARROW_INF => INF,
            Bounds::Narrow(n) => n[i] as i64,
            Bounds::Wide(w) => w[i],
        }
    }

    fn len(self) -> usize {
        match self {
            Bounds::Narrow(n) => n.len(),
            Bounds::Wide(w) => w.len(),
        }
    }

    /// Every bound at most the other's.
    fn within(self, other: Bounds<'_>) -> bool {
        match (self, other) {
            (Bounds::Narrow(a), Bounds::Narrow(b)) => a.iter().zip(b).all(|(x, y)| x <= y),
            _ => (0..self.len()).all(|i| self.get(i) <= other.get(i)),
        }
    }
}

/// The passed list (see the module doc).
pub struct Passed {
    subsumption: bool,
    extrapolation: bool,
    exact: FxHashSet<u128>,
    zones: FxHashMap<u128, Vec<Dbm>>,
    /// States stored (new when seen), evicted ones included.
    stored: u64,
    /// Zones currently kept in `zones`, and their matrix bytes.
    kept: u64,
    zone_bytes: u64,
    /// New states found included in a stored zone.
    covered: u64,
    /// The narrowed bounds of the zone being inserted (`Bounds::of`).
    probe: Vec<i32>,
}

impl Passed {
    /// An empty passed list; `subsumption` picks the mode.
    pub fn new(subsumption: bool, extrapolation: bool) -> Passed {
        Passed {
            subsumption,
            extrapolation,
            exact: FxHashSet::default(),
            zones: FxHashMap::default(),
            stored: 0,
            probe: Vec::new(),
            kept: 0,
            zone_bytes: 0,
            covered: 0,
        }
    }

    /// Stores the state if it is new (exact mode) or its zone is covered by
    /// no stored zone of its discrete part (subsumption; with
    /// extrapolation, what is stored and compared with is the stored
    /// zone's `Extra+_LU`). Returns whether it was stored.
    pub fn insert(&mut self, key: &SplitKey) -> bool {
        let (discrete, dbm) = (key.discrete, key.dbm.as_slice());
        if !self.subsumption {
            let whole = crate::engine::encode::fingerprint(&whole_bytes(discrete, dbm));
            let new = self.exact.insert(whole);
            self.stored += new as u64;
            return new;
        }
        let probe = Bounds::of(dbm, &mut self.probe);
        let list = self.zones.entry(discrete).or_default();
        if list.iter().any(|z| probe.within(z.bounds())) {
            self.covered += 1;
            return false;
        }
        let zone = if self.extrapolation {
            Dbm::new(&extra_lu(dbm, key.lu.len(), &key.lu))
        } else {
            Dbm::new(dbm)
        };
        let before = list.len();
        let mut freed = 0;
        list.retain(|z| {
            let keep = !z.within(&zone);
            if !keep {
                freed += z.bytes();
            }
            keep
        });
        self.kept -= (before - list.len()) as u64;
        self.zone_bytes -= freed;
        self.kept += 1;
        self.zone_bytes += zone.bytes();
        list.push(zone);
        self.stored += 1;
        true
    }

    /// States stored so far.
    pub fn stored(&self) -> u64 {
        self.stored
    }

    /// New states that a stored zone covered (not explored).
    pub fn covered(&self) -> u64 {
        self.covered
    }

    /// What the passed list takes, by its own count: the tables with room
    /// for their next growth, the kept zones' matrices and list headers.
    pub fn bytes(&self) -> u64 {
        use super::budget::table_bytes;
        if !self.subsumption {
            return table_bytes(self.exact.capacity(), 16);
        }
        let list = std::mem::size_of::<Vec<Dbm>>();
        let entry = std::mem::size_of::<Dbm>() as u64 + 16;
        table_bytes(self.zones.capacity(), 16 + list) + self.kept * entry + self.zone_bytes
    }
}

/// The bytes the exact mode fingerprints: the discrete fingerprint, then
/// every bound.
fn whole_bytes(discrete: u128, dbm: &[i64]) -> Vec<u8> {
    let mut out = Vec::with_capacity(16 + dbm.len() * 8);
    out.extend_from_slice(&discrete.to_le_bytes());
    for v in dbm {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::zone::INF;

    fn key(discrete: u128, dbm: &[i64]) -> SplitKey {
        SplitKey {
            discrete,
            dbm: dbm.to_vec(),
            lu: vec![(INF, INF); 2],
            size: 0,
        }
    }

    #[test]
    fn included_zones_are_covered_and_larger_ones_evict() {
        let mut p = Passed::new(true, true);
        let small = [0, -5, 10, 0];
        let large = [0, -1, 20, 0];
        assert!(p.insert(&key(7, &small)));
        assert!(!p.insert(&key(7, &small)));
        assert!(p.insert(&key(7, &large)));
        assert_eq!(p.kept, 1);
        assert!(!p.insert(&key(7, &small)));
        assert!(p.insert(&key(8, &small)), "another discrete part");
        assert_eq!((p.stored(), p.covered()), (3, 2));
    }

    #[test]
    fn exact_mode_dedups_equal_zones_only() {
        let mut p = Passed::new(false, false);
        assert!(p.insert(&key(7, &[0, -5, 10, 0])));
        assert!(p.insert(&key(7, &[0, -1, 20, 0])));
        assert!(!p.insert(&key(7, &[0, -5, 10, 0])));
        assert_eq!(p.stored(), 2);
    }

    #[test]
    fn wide_bounds_compare_like_narrow_ones() {
        let big = i64::from(i32::MAX);
        let a = Dbm::new(&[0, -big, INF, 0]);
        let b = Dbm::new(&[0, 1 - big, INF, 0]);
        assert!(matches!(a, Dbm::Wide(_)));
        assert!(a.within(&b) && !b.within(&a));
    }

    #[test]
    fn a_probe_compares_as_the_built_zone_would() {
        use rand::{Rng, SeedableRng};
        let big = i64::from(i32::MAX);
        let values = [
            0,
            1,
            -1,
            5,
            -5,
            7,
            big / 2 - 1,
            big / 2,
            -big,
            big,
            INF,
            INF + 3,
        ];
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        for _ in 0..20_000 {
            let mut zone = || -> Vec<i64> {
                (0..4)
                    .map(|_| values[rng.gen_range(0..values.len())])
                    .collect()
            };
            let (m, stored) = (zone(), Dbm::new(&zone()));
            let mut buffer = Vec::new();
            let probe = Bounds::of(&m, &mut buffer).within(stored.bounds());
            assert_eq!(probe, Dbm::new(&m).within(&stored), "{m:?} in {stored:?}");
        }
    }
}
