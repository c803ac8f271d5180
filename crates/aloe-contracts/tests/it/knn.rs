//! The on-chain k-NN model against the plain-Rust reference (`aloe-score`): the same answer to the
//! thousandth for seeded random models, queries, k and loan durations; uploads read back exactly; the scan's
//! gas ceilings at 10,000 and 150,000 points.

use aloe_contracts::{
    knn::{MAX_CHUNK_POINTS, PointSet},
    knn_bench::{self, BenchPlan},
};
use aloe_score::{ModelPoint, combine, score_set, synthetic::SplitMix64};

use crate::Fixture;

/// Points whose ratios are squeezed into [0, spread): small spreads make ties and duplicates common.
fn points(rng: &mut SplitMix64, n: usize, spread: u16) -> Vec<ModelPoint> {
    (0..n)
        .map(|_| {
            let mut p = rng.point();
            p.ratios.iter_mut().for_each(|r| *r %= spread);
            p
        })
        .collect()
}

#[test]
fn on_chain_answers_equal_the_reference() {
    let mut rng = SplitMix64::new(2026);
    for (n, spread) in [(1, u16::MAX), (37, 4), (600, u16::MAX), (1500, 64)] {
        let mut f = Fixture::new();
        let model = f.protocol.score_model;
        assert_eq!(model.score(&mut f.chain, [0; 5], 86_400).unwrap(), None, "no model yet");
        let ps = points(&mut rng, n, spread);
        let k = (1 + rng.next_u64() % 32) as u8;
        model.upload(&mut f.chain, f.owner, &ps, k).unwrap();
        assert_eq!(model.size(&mut f.chain, PointSet::Old).unwrap(), n as u64);
        assert_eq!(model.k(&mut f.chain).unwrap(), u64::from(k));
        for _ in 0..12 {
            let mut query = rng.query();
            query.iter_mut().for_each(|q| *q %= spread.max(2));
            let duration = rng.next_u64() % (20_000 * 86_400);
            let expected = combine(score_set(&ps, &query, k.into(), duration), n as u64, None, 0);
            let got = model.score(&mut f.chain, query, duration).unwrap();
            assert_eq!(got, expected, "n = {n}, k = {k}, query {query:?}, duration {duration}");
        }
    }
}

#[test]
fn uploaded_chunks_read_back_exactly() {
    let mut f = Fixture::new();
    let model = f.protocol.score_model;
    let ps = points(&mut SplitMix64::new(5), MAX_CHUNK_POINTS + 10, u16::MAX);
    for chunk in ps.chunks(MAX_CHUNK_POINTS) {
        model.stage_chunk(&mut f.chain, f.owner, chunk).unwrap();
    }
    let chunks = model.chunks(&mut f.chain, PointSet::Staging).unwrap();
    assert_eq!(chunks.len(), 2);
    let mut back = model.points_of(&mut f.chain, PointSet::Staging, 0).unwrap();
    back.extend(model.points_of(&mut f.chain, PointSet::Staging, 1).unwrap());
    assert_eq!(back, ps);
    // Only the owner governs the model.
    let stranger = f.lenders[0];
    let error = model.publish(&mut f.chain, stranger, 5).unwrap_err();
    assert_eq!(error.revert_name().as_deref(), Some("OwnableUnauthorizedAccount"));
    assert_eq!(model.size(&mut f.chain, PointSet::Old).unwrap(), 0, "nothing published");
}

/// The targets: at most 100 gas a point at 10,000 points, and 150,000 points in one transaction.
#[test]
fn scan_gas_stays_under_its_ceilings() {
    let mut f = Fixture::new();
    let plan = BenchPlan { sizes: vec![10_000, 150_000], naive_sizes: vec![], k: 10, queries: 3, seed: 1 };
    let rows = knn_bench::run(&mut f.chain, f.owner, &plan, &mut |_| {}).unwrap();
    let at_10k = rows[0].model_gas.expect("10,000 points fit a transaction");
    assert!(at_10k <= 100 * 10_000, "{at_10k} gas at 10,000 points");
    let at_150k = rows[1].model_gas.expect("150,000 points fit a transaction");
    assert!(at_150k <= aloe_chain::TX_GAS_LIMIT_CAP, "{at_150k} gas at 150,000 points");
    // 150,000 points are the most a published model may hold: one more is refused.
    let model = f.protocol.score_model;
    for chunk in aloe_score::synthetic::points(3, 150_000).chunks(MAX_CHUNK_POINTS) {
        model.stage_chunk(&mut f.chain, f.owner, chunk).unwrap();
    }
    let one = aloe_score::synthetic::points(2, 1);
    let error = model.stage_chunk(&mut f.chain, f.owner, &one).unwrap_err();
    assert_eq!(error.revert_name().as_deref(), Some("ModelTooLarge"));
    assert_eq!(model.size(&mut f.chain, PointSet::Staging).unwrap(), 150_000, "nothing staged");
}
