//! Seeded synthetic model points (uniform ratios and labels) for benchmarks and tests: SplitMix64, so the
//! same seed gives the same points on every machine without a random-number crate.

use crate::point::{DIMENSIONS, ModelPoint, WINDOWS};

/// SplitMix64: a small, well-mixed, seedable generator.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator started at `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A uniformly random point.
    pub fn point(&mut self) -> ModelPoint {
        let ratios: [u16; DIMENSIONS] = std::array::from_fn(|_| self.next_u64() as u16);
        let osc: [u8; WINDOWS] = std::array::from_fn(|_| self.next_u64() as u8);
        ModelPoint { ratios, osc }
    }

    /// A uniformly random query vector.
    pub fn query(&mut self) -> [u16; DIMENSIONS] {
        std::array::from_fn(|_| self.next_u64() as u16)
    }
}

/// `n` points from `seed`.
pub fn points(seed: u64, n: usize) -> Vec<ModelPoint> {
    let mut rng = SplitMix64::new(seed);
    (0..n).map(|_| rng.point()).collect()
}
