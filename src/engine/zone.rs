//! A zone: a canonical difference-bound matrix over integer step times. It
//! owns the arithmetic of "which choices of latencies are still possible";
//! it does not know events, marks or what its variables mean (that is
//! [`super::symbolic`]).
//!
//! Entry `(i, j)` bounds `x_i - x_j <= c`. Time is integer milliseconds, so a
//! strict bound `x < c` is the non-strict `x <= c - 1`: no strictness flags.
//! The matrix is kept closed (every entry is the tightest bound implied), so
//! emptiness is a negative diagonal and dropping a variable is exact.

/// "No bound". Kept far from `i64::MAX` so sums of two bounds cannot overflow.
pub const INF: i64 = i64::MAX / 4;

/// Variable 0: the origin, time 0.
pub const ORIGIN: u32 = 0;

/// A closed DBM. Always non-empty: a constraint that would empty it is
/// rejected and leaves the zone unusable (callers work on a clone).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Zone {
    n: usize,
    m: Vec<i64>,
}

impl Default for Zone {
    fn default() -> Self {
        Zone::new()
    }
}

impl Zone {
    /// Only the origin.
    pub fn new() -> Zone {
        Zone { n: 1, m: vec![0] }
    }

    /// The zone of a closed `n × n` matrix (row-major, entry `(i, j)`
    /// bounding `x_i - x_j`), such as [`Self::gathered`] returns.
    pub fn from_matrix(n: usize, m: Vec<i64>) -> Zone {
        assert_eq!(m.len(), n * n, "an n × n matrix");
        Zone { n, m }
    }

    /// The closed matrix, row-major.
    pub fn matrix(&self) -> &[i64] {
        &self.m
    }

    /// The zone whose closed matrix, read row by row with
    /// [`Zone::bound`], is `m` (`n` variables): the inverse of reading it,
    /// for states stored compactly (src/explore/exhaustive/compact.rs).
    pub(crate) fn from_closed(n: usize, m: Vec<i64>) -> Zone {
        assert_eq!(m.len(), n * n, "a zone matrix has n × n entries");
        Zone { n, m }
    }

    /// Number of variables, the origin included.
    pub fn len(&self) -> usize {
        self.n
    }

    /// Never true: the origin always exists (clippy's `len` companion).
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Tightest known bound on `x_i - x_j`.
    pub fn bound(&self, i: u32, j: u32) -> i64 {
        self.m[i as usize * self.n + j as usize]
    }

    /// Adds an unconstrained variable (time ≥ 0 is implied by callers'
    /// constraints) and returns its index.
    pub fn add_var(&mut self) -> u32 {
        let n = self.n;
        let mut m = Vec::with_capacity((n + 1) * (n + 1));
        for i in 0..n {
            m.extend_from_slice(&self.m[i * n..(i + 1) * n]);
            m.push(INF);
        }
        m.extend(std::iter::repeat(INF).take(n));
        m.push(0);
        self.m = m;
        self.n = n + 1;
        n as u32
    }

    /// This zone with one more variable `x` (index `len()`), constrained by
    /// `x - x_a <= c` for each `(a, c)` in `upper` and `x_a - x <= c` for
    /// each in `lower`, closed in O(n² + n·k) instead of O(n²) per
    /// constraint: shortest paths from and to `x` go through one of its
    /// edges and then a closed old entry, and old entries improve only
    /// through `x`. `None` when the zone becomes empty.
    pub fn with_new_var(&self, upper: &[(u32, i64)], lower: &[(u32, i64)]) -> Option<Zone> {
        let n = self.n;
        let mut row = vec![INF; n];
        for &(a, c) in upper {
            let from_a = &self.m[a as usize * n..(a as usize + 1) * n];
            for (r, &ab) in row.iter_mut().zip(from_a) {
                if ab < INF {
                    *r = (*r).min(c + ab);
                }
            }
        }
        let mut col = vec![INF; n];
        for &(a, c) in lower {
            for (b, r) in col.iter_mut().enumerate() {
                let ba = self.m[b * n + a as usize];
                if ba < INF {
                    *r = (*r).min(ba + c);
                }
            }
        }
        if (0..n).any(|b| row[b] < INF && col[b] < INF && row[b] + col[b] < 0) {
            return None;
        }
        let mut m = Vec::with_capacity((n + 1) * (n + 1));
        for (a, &to_x) in col.iter().enumerate() {
            let old = &self.m[a * n..(a + 1) * n];
            if to_x >= INF {
                m.extend_from_slice(old);
            } else {
                m.extend(old.iter().zip(&row).map(
                    |(&ab, &xb)| {
                        if xb < INF {
                            ab.min(to_x + xb)
                        } else {
                            ab
                        }
                    },
                ));
            }
            m.push(to_x);
        }
        m.extend_from_slice(&row);
        m.push(0);
        Some(Zone { n: n + 1, m })
    }

    /// Adds `x_i - x_j <= c` and re-closes in O(n²). Returns false when the
    /// zone becomes empty (no latencies satisfy every constraint); the zone
    /// must then be discarded.
    pub fn constrain(&mut self, i: u32, j: u32, c: i64) -> bool {
        let (i, j, n) = (i as usize, j as usize, self.n);
        if c >= self.m[i * n + j] {
            return true;
        }
        if self.m[j * n + i] + c < 0 {
            return false;
        }
        for a in 0..n {
            let ai = self.m[a * n + i];
            if ai >= INF {
                continue;
            }
            let via = ai + c;
            for b in 0..n {
                let jb = self.m[j * n + b];
                if jb < INF && via + jb < self.m[a * n + b] {
                    self.m[a * n + b] = via + jb;
                }
            }
        }
        true
    }

    /// Keeps the variables whose `keep` flag is set, in their order; returns
    /// the map old index → new index (`u32::MAX` for dropped ones). Dropping
    /// a variable of a closed DBM is exact projection.
    pub fn retain(&mut self, keep: &[bool]) -> Vec<u32> {
        assert_eq!(keep.len(), self.n);
        let mut map = vec![u32::MAX; self.n];
        let mut next = 0u32;
        for (i, k) in keep.iter().enumerate() {
            if *k {
                map[i] = next;
                next += 1;
            }
        }
        if next as usize == self.n {
            return map;
        }
        self.m = self.renumbered(&map, next as usize);
        self.n = next as usize;
        map
    }

    /// The matrix over variables `src[0], src[1], …` (a variable may appear
    /// more than once: copies equal to it), as a flat `k × k` vector. A
    /// closed matrix stays closed.
    pub fn gathered(&self, src: &[u32]) -> Vec<i64> {
        let k = src.len();
        let mut out = Vec::with_capacity(k * k);
        for &i in src {
            let row = &self.m[i as usize * self.n..(i as usize + 1) * self.n];
            out.extend(src.iter().map(|&j| row[j as usize]));
        }
        out
    }

    /// The matrix with variable `i` moved to `map[i]` (dropped if
    /// `u32::MAX`), as a flat `size × size` vector. Used for canonical keys.
    pub fn renumbered(&self, map: &[u32], size: usize) -> Vec<i64> {
        let mut out = vec![INF; size * size];
        for i in 0..self.n {
            let ni = map[i];
            if ni == u32::MAX {
                continue;
            }
            for (j, &nj) in map.iter().enumerate().take(self.n) {
                if nj != u32::MAX {
                    out[ni as usize * size + nj as usize] = self.m[i * self.n + j];
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constraints_close_transitively() {
        let mut z = Zone::new();
        let a = z.add_var();
        let b = z.add_var();
        assert!(z.constrain(a, ORIGIN, 10)); // a <= 10
        assert!(z.constrain(b, a, 5)); // b - a <= 5
        assert_eq!(z.bound(b, ORIGIN), 15);
        assert!(z.constrain(ORIGIN, b, -12)); // b >= 12
        assert_eq!(z.bound(ORIGIN, a), -7); // a >= 7
    }

    #[test]
    fn a_new_variable_closes_like_one_constraint_at_a_time() {
        let mut z = Zone::new();
        let a = z.add_var();
        let b = z.add_var();
        assert!(z.constrain(a, ORIGIN, 10) && z.constrain(ORIGIN, a, -2));
        assert!(z.constrain(b, a, 5) && z.constrain(ORIGIN, b, -4));
        let upper = [(a, 7), (b, 3), (ORIGIN, 30)];
        let lower = [(a, -1), (b, 0)];
        let fast = z.with_new_var(&upper, &lower).expect("consistent");
        let mut slow = z.clone();
        let x = slow.add_var();
        for (j, c) in upper {
            assert!(slow.constrain(x, j, c));
        }
        for (j, c) in lower {
            assert!(slow.constrain(j, x, c));
        }
        assert_eq!(fast, slow);
        assert!(z.with_new_var(&[(a, 0)], &[(b, -20)]).is_none());
    }

    #[test]
    fn contradiction_empties_the_zone() {
        let mut z = Zone::new();
        let a = z.add_var();
        assert!(z.constrain(a, ORIGIN, 10));
        assert!(!z.constrain(ORIGIN, a, -11));
    }

    #[test]
    fn dropping_a_variable_keeps_implied_bounds() {
        let mut z = Zone::new();
        let a = z.add_var();
        let b = z.add_var();
        assert!(z.constrain(a, ORIGIN, 10));
        assert!(z.constrain(b, a, 5));
        let map = z.retain(&[true, false, true]);
        assert_eq!(map, vec![0, u32::MAX, 1]);
        assert_eq!(z.bound(1, ORIGIN), 15);
        assert_eq!(z.len(), 2);
    }
}
