//! LU extrapolation of canonical zones for the passed list's inclusion test
//! (Behrmann, Bouyer, Larsen, Pelánek, "Lower and upper bounds in
//! zone-based abstractions of timed automata", STTT 2006: `Extra+_LU`).
//!
//! The windowed search's zone is over step times `t_v`; its clocks are
//! `y_v = t_now - t_v` (time since step `v`), with `now` as the reference.
//! Every guard is on one clock: an event based at `v` goes when
//! `lo <= y_v <= hi`, nothing pending may be overtaken (`y_v <= hi`), the
//! horizon needs every pending `y_v < hi`. So per clock `L(v)` (largest
//! lower-bound constant) is the largest `lo` and `U(v)` the largest `hi`
//! of the events based at `v`; no later step adds an event based at an
//! existing variable except through a mark, so those bounds cover every
//! future guard. The origin (absolute time: the horizon, `At` timers) and
//! mark variables (timers set later relative to a mark) are never
//! extrapolated. `Extra+_LU(Z)` only adds valuations that a valuation of
//! `Z` simulates (same discrete state, every guard they pass it passes), so
//! a state whose exact zone is included in the extrapolation of a stored
//! zone of the same discrete state has no behaviour — no order of steps,
//! hence no counterexample, of any length — the stored one lacks.

use crate::engine::zone::INF;

/// Canonical index of the reference clock (`now`; see `engine::canon`).
const NOW: usize = 1;

/// `Extra+_LU` of a closed canonical `n × n` DBM (row-major, entry
/// `(a, b)` bounds `t_a - t_b`), given per variable `(L, U)` (`INF`: never
/// extrapolated). The result may not be closed; entrywise comparison with
/// it is still a sufficient inclusion test.
pub fn extra_lu(m: &[i64], n: usize, lu: &[(i64, i64)]) -> Vec<i64> {
    debug_assert_eq!(m.len(), n * n);
    let t = |a: usize, b: usize| m[a * n + b];
    let mut out = m.to_vec();
    for a in 0..n {
        for b in 0..n {
            if a == b {
                continue;
            }
            // Entry (a, b) of the time DBM is the clock bound
            // `y_b - y_a <= c`, with clock `b` (or the reference) first.
            let v = t(a, b);
            let above_u = |x: usize| x != NOW && -t(x, NOW) > lu[x].1;
            out[a * n + b] = if b != NOW {
                let l = lu[b].0;
                if v > l || -t(b, NOW) > l || (a != NOW && above_u(a)) {
                    INF
                } else {
                    v
                }
            } else if above_u(a) {
                -lu[a].1
            } else {
                v
            };
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Origin, now, one message sent at `s`: `now - s` in `[lo_y, hi_y]`
    /// and `s` in `[s_lo, s_hi]`, closed by hand.
    fn zone(s_lo: i64, s_hi: i64, lo_y: i64, hi_y: i64) -> Vec<i64> {
        let (n_lo, n_hi) = (s_lo + lo_y, s_hi + hi_y);
        vec![
            0, -n_lo, -s_lo, //
            n_hi, 0, hi_y, //
            s_hi, -lo_y, 0,
        ]
    }

    #[test]
    fn a_clock_past_its_lower_bound_forgets_its_upper_bounds() {
        let lu = [(INF, INF), (0, 0), (5, 80)];
        let a = extra_lu(&zone(100, 100, 20, 30), 3, &lu);
        // Old enough (y >= 20 > L = 5): how old it may be no longer matters,
        // nor the earliest send time; the latest send time (against the
        // origin, which is never extrapolated) still does.
        assert_eq!(a[5], INF);
        assert_eq!(a[2], INF);
        assert_eq!(a[6], 100);
        // Sent in [95, 100] instead of at 100, same `now` range: not
        // included exactly, included in the extrapolation.
        let earlier = [0, -120, -95, 130, 0, 30, 100, -25, 0];
        let exact = zone(100, 100, 20, 30);
        assert!(!earlier.iter().zip(&exact).all(|(x, y)| x <= y));
        assert!(earlier.iter().zip(&a).all(|(x, y)| x <= y));
    }

    #[test]
    fn a_young_clock_keeps_its_bounds() {
        let lu = [(INF, INF), (0, 0), (5, 80)];
        let z = zone(100, 100, 0, 3);
        assert_eq!(extra_lu(&z, 3, &lu), z);
    }
}
