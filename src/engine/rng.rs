//! The one source of randomness: [`SimRng`], a ChaCha8 stream seeded from the
//! scenario seed. It owns how seeds derive (random run `i`) and how raw bits
//! become latencies, coin flips and indexes. It does not decide *what* is
//! random; callers (the simulator, random search) draw in a fixed order.
//!
//! Every conversion is written here on top of `next_u64` instead of using
//! `rand`'s distributions, whose output may change between `rand` versions;
//! traces must stay byte-identical across builds.

use super::{Millis, Window};
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Seeded ChaCha8 stream; passed as `&mut` so one run has one stream.
#[derive(Clone, Debug)]
pub struct SimRng(ChaCha8Rng);

impl SimRng {
    /// A stream from a 64-bit seed (`ChaCha8Rng::seed_from_u64`, stable in
    /// rand_core 0.6).
    pub fn new(seed: u64) -> SimRng {
        SimRng(ChaCha8Rng::seed_from_u64(seed))
    }

    /// Seed of random run `index` of a scenario with seed `seed`:
    /// `splitmix64(seed ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15))`.
    /// This formula is part of the replay contract (`run --seed derive(s, i)`
    /// reproduces random run `i`); never change it.
    pub fn derive(seed: u64, index: u64) -> u64 {
        splitmix64(seed ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15))
    }

    /// A delay uniform in `[w.min, w.max]`. A point window consumes nothing,
    /// so fixed latencies do not shift later draws.
    pub fn window(&mut self, w: Window) -> Millis {
        assert!(w.min <= w.max, "empty window {w:?}");
        if w.min == w.max {
            return w.min;
        }
        let span = w.max - w.min;
        if span == u64::MAX {
            return self.0.next_u64();
        }
        w.min + self.below_u64(span + 1)
    }

    /// True with probability `p`. `p <= 0` is false and `p >= 1` is true
    /// without consuming the stream, so links without faults draw nothing.
    pub fn chance(&mut self, p: f64) -> bool {
        if p <= 0.0 {
            return false;
        }
        if p >= 1.0 {
            return true;
        }
        // 53 random bits → a uniform f64 in [0, 1).
        let unit = (self.0.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
        unit < p
    }

    /// An index uniform in `0..n` (`n > 0`); `n == 1` consumes nothing.
    pub fn below(&mut self, n: usize) -> usize {
        assert!(n > 0, "below(0)");
        if n == 1 {
            return 0;
        }
        self.below_u64(n as u64) as usize
    }

    /// Unbiased `0..n` by rejection: `2^64 - r` values (with `r = 2^64 mod
    /// n`) split evenly into `n` classes, so draws below `r` are rejected.
    fn below_u64(&mut self, n: u64) -> u64 {
        let r = (u64::MAX % n + 1) % n;
        loop {
            let x = self.0.next_u64();
            if x >= r {
                return x % n;
            }
        }
    }
}

/// Sebastiano Vigna's splitmix64 finaliser: a bijection that spreads nearby
/// seeds far apart.
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
