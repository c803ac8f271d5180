//! The k-nearest-neighbour answer, exactly as `KnnScan.sol` and `KnnModel.sol` compute it.

use alloy_primitives::U256;

use crate::point::{DIMENSIONS, LABEL_ONE, ModelPoint, WINDOWS};

const DAY: u64 = 86_400;
const WAD: u128 = 1_000_000_000_000_000_000;

/// One of the k winners: its squared distance and label (compared in that order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Neighbour {
    /// Squared Euclidean distance to the query.
    pub distance_squared: u64,
    /// The point's 120-bit OSC label.
    pub label: u128,
}

/// The k nearest of `points` to `query`, nearest first; ties in distance go to the smaller label, so the
/// result does not depend on the order of the points.
pub fn nearest(points: &[ModelPoint], query: &[u16; DIMENSIONS], k: usize) -> Vec<Neighbour> {
    let mut all: Vec<Neighbour> =
        points.iter().map(|p| Neighbour { distance_squared: p.distance_squared(query), label: p.label() }).collect();
    // Partition around the k-th first (linear), then sort only the winners: the order is total on
    // (distance, label), so the result is the same as sorting everything.
    if k < all.len() {
        if k == 0 {
            return Vec::new();
        }
        all.select_nth_unstable(k - 1);
        all.truncate(k);
    }
    all.sort_unstable();
    all
}

/// The window index j with 2^j days <= duration < 2^(j+1) days and the position num/den between the two
/// windows (num = 0 at or below one day and at or above 16384 days).
pub fn bracket(duration: u64) -> (usize, u64, u64) {
    let last = WINDOWS - 1;
    if duration <= DAY {
        return (0, 0, 1);
    }
    if duration >= DAY << last {
        return (last, 0, 1);
    }
    let window = (duration / DAY).ilog2() as usize;
    let den = DAY << window;
    (window, duration - den, den)
}

/// The OSC at the duration, times `den`: label_window * (den - num) + label_(window+1) * num.
fn osc_at(label: u128, window: usize, num: u64, den: u64) -> u128 {
    let osc = |j: usize| (label >> (8 * j)) & 0xff;
    if num == 0 {
        osc(window) * u128::from(den)
    } else {
        osc(window) * u128::from(den - num) + osc(window + 1) * u128::from(num)
    }
}

/// A set's answer as a wad (1e18 = 1.0): the neighbours' inverse-distance weighted OSC at `duration`
/// seconds. Weights are 2^128 / floor(sqrt(d * 2^32)); if the nearest is at distance 0, the neighbours at
/// distance 0 alone count, equally. `None` without neighbours.
pub fn weighted_osc(neighbours: &[Neighbour], duration: u64) -> Option<U256> {
    let (window, num, den) = bracket(duration);
    let exact = neighbours.first().is_some_and(|n| n.distance_squared == 0);
    let (mut weighted, mut weights) = (U256::ZERO, U256::ZERO);
    for n in neighbours {
        if exact && n.distance_squared != 0 {
            break;
        }
        let value = U256::from(osc_at(n.label, window, num, den));
        let weight = if exact {
            U256::from(1)
        } else {
            (U256::from(1) << 128) / U256::from((u128::from(n.distance_squared) << 32).isqrt())
        };
        weighted += weight * value;
        weights += weight;
    }
    if weights.is_zero() {
        return None;
    }
    Some(weighted * U256::from(WAD) / (weights * U256::from(LABEL_ONE) * U256::from(den)))
}

/// One set's answer for `query`: `score_set(points, query, k, duration)` = weighted OSC of the k nearest.
pub fn score_set(points: &[ModelPoint], query: &[u16; DIMENSIONS], k: usize, duration: u64) -> Option<U256> {
    weighted_osc(&nearest(points, query, k), duration)
}

/// The two sets' answers weighted by their sizes, in thousandths (rounded down); a set without an answer
/// counts with size 0. `None` when neither has one.
pub fn combine(old: Option<U256>, old_size: u64, new: Option<U256>, new_size: u64) -> Option<u64> {
    let (old_wad, old_size) = old.map_or((U256::ZERO, 0), |w| (w, old_size));
    let (new_wad, new_size) = new.map_or((U256::ZERO, 0), |w| (w, new_size));
    if old_size + new_size == 0 {
        return None;
    }
    let total = old_wad * U256::from(old_size) + new_wad * U256::from(new_size);
    Some((total * U256::from(1000) / (U256::from(old_size + new_size) * U256::from(WAD))).to::<u64>())
}
