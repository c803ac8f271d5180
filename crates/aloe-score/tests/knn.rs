//! Properties of the reference k-NN answer.

use alloy_primitives::U256;
use aloe_score::{
    ModelPoint, combine,
    knn::{bracket, nearest, score_set},
    synthetic::SplitMix64,
};
use proptest::prelude::*;

fn points(seed: u64, n: usize, spread: u16) -> Vec<ModelPoint> {
    let mut rng = SplitMix64::new(seed);
    (0..n)
        .map(|_| {
            let mut p = rng.point();
            p.ratios.iter_mut().for_each(|r| *r %= spread);
            p
        })
        .collect()
}

proptest! {
    #[test]
    fn packing_round_trips(seed in any::<u64>()) {
        let p = SplitMix64::new(seed).point();
        prop_assert_eq!(ModelPoint::unpack(p.pack()).unwrap(), p);
    }

    #[test]
    fn answer_is_independent_of_point_order(seed in any::<u64>(), n in 1usize..200, k in 1usize..33, spread in 1u16..8) {
        let mut ps = points(seed, n, spread);
        let query = [spread / 2; 5];
        let forward = score_set(&ps, &query, k, 40 * 86_400);
        ps.reverse();
        let mut rng = SplitMix64::new(seed ^ 1);
        for i in (1..ps.len()).rev() {
            ps.swap(i, (rng.next_u64() % (i as u64 + 1)) as usize);
        }
        prop_assert_eq!(forward, score_set(&ps, &query, k, 40 * 86_400));
    }

    #[test]
    fn scores_stay_in_range(seed in any::<u64>(), n in 1usize..100, m in 0usize..100, k in 1usize..33, duration in 0u64..20_000 * 86_400) {
        let old = points(seed, n, u16::MAX);
        let new = points(seed ^ 7, m, u16::MAX);
        let query = SplitMix64::new(seed).query();
        let (a, b) = (score_set(&old, &query, k, duration), score_set(&new, &query, k, duration));
        let score = combine(a, n as u64, b, m as u64).unwrap();
        prop_assert!(score <= 1000);
        // The size-weighted answer lies between the two sets' answers.
        let thousandths = |w: Option<U256>| w.map(|w| (w * U256::from(1000) / U256::from(10u128.pow(18))).to::<u64>());
        if let (Some(x), Some(y)) = (thousandths(a), thousandths(b)) {
            prop_assert!(score >= x.min(y) && score <= x.max(y) + 1, "{score} outside [{x}, {y}]");
        }
    }
}

#[test]
fn all_good_and_all_bad_neighbours_give_the_extremes() {
    let good = ModelPoint { ratios: [0; 5], osc: [255; 15] };
    let bad = ModelPoint { ratios: [65_535; 5], osc: [0; 15] };
    assert_eq!(combine(score_set(&[good; 3], &[1; 5], 3, 86_400), 3, None, 0), Some(1000));
    assert_eq!(combine(score_set(&[bad; 3], &[1; 5], 3, 86_400), 3, None, 0), Some(0));
}

#[test]
fn an_exact_match_outweighs_everything() {
    let at = ModelPoint { ratios: [100; 5], osc: [255; 15] };
    let near = ModelPoint { ratios: [101; 5], osc: [0; 15] };
    assert_eq!(combine(score_set(&[near, at, near], &[100; 5], 3, 86_400), 3, None, 0), Some(1000));
}

#[test]
fn duration_brackets_interpolate_between_windows() {
    assert_eq!(bracket(0), (0, 0, 1));
    assert_eq!(bracket(86_400), (0, 0, 1));
    assert_eq!(bracket(86_401), (0, 1, 86_400));
    assert_eq!(bracket(3 * 86_400), (1, 86_400, 2 * 86_400));
    assert_eq!(bracket(16_384 * 86_400), (14, 0, 1));
    // Halfway between the 2- and 4-day windows: the mean of the two labels.
    let mut osc = [0; 15];
    osc[1] = 100;
    osc[2] = 200;
    let p = ModelPoint { ratios: [0; 5], osc };
    let wad = score_set(&[p], &[0; 5], 1, 3 * 86_400).unwrap();
    assert_eq!(wad, U256::from(150u128) * U256::from(10u128.pow(18)) / U256::from(255));
}

#[test]
fn ties_go_to_the_smaller_label() {
    let a = ModelPoint { ratios: [10; 5], osc: [9; 15] };
    let b = ModelPoint { ratios: [10; 5], osc: [3; 15] };
    assert_eq!(nearest(&[a, b], &[0; 5], 1)[0].label, b.label());
}
