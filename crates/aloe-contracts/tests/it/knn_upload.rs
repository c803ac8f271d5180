//! Uploading a model file: resumable after an interruption, refusing a staging set from another upload,
//! and verification that finds a differing point or k; plus the cold-start scoring path on chain.

use aloe_contracts::{
    Error,
    knn::{MAX_CHUNK_POINTS, PointSet},
    knn_upload::{Difference, staged_prefix, upload, verify},
};
use aloe_score::{
    ModelPoint,
    coldstart::{self, REQUEST},
    score::query_vector,
    synthetic,
};

use crate::Fixture;

fn model_points() -> Vec<ModelPoint> {
    synthetic::points(11, 2 * MAX_CHUNK_POINTS + 100)
}

#[test]
fn an_interrupted_upload_resumes_and_verifies() {
    let mut f = Fixture::new();
    let model = f.protocol.score_model;
    let points = model_points();
    let mut lines = Vec::new();
    // Interrupted after one chunk, then after a second: nothing published yet.
    for expected_resumed in [0, 1] {
        let report = upload(&mut f.chain, &model, f.owner, &points, 7, Some(1), &mut |l| lines.push(l)).unwrap();
        assert_eq!((report.resumed, report.staged, report.total, report.published), (expected_resumed, 1, 3, false));
        assert_eq!(model.size(&mut f.chain, PointSet::Old).unwrap(), 0);
        assert_eq!(staged_prefix(&mut f.chain, &model, &points).unwrap(), Ok(expected_resumed + 1));
    }
    let report = upload(&mut f.chain, &model, f.owner, &points, 7, None, &mut |l| lines.push(l)).unwrap();
    assert_eq!((report.resumed, report.staged, report.published), (2, 1, true));
    assert!(report.gas > 0);
    assert_eq!(verify(&mut f.chain, &model, PointSet::Old, &points, Some(7)).unwrap(), None);
    assert_eq!(model.size(&mut f.chain, PointSet::Old).unwrap(), points.len() as u64);
    assert_eq!(lines.len(), 4, "three chunks and the publication: {lines:?}");
}

#[test]
fn a_staging_set_from_another_model_is_refused() {
    let mut f = Fixture::new();
    let model = f.protocol.score_model;
    let points = model_points();
    let mut other = points.clone();
    other[MAX_CHUNK_POINTS + 3].osc[0] ^= 1;
    upload(&mut f.chain, &model, f.owner, &other, 7, Some(2), &mut |_| {}).unwrap();
    let found = staged_prefix(&mut f.chain, &model, &points).unwrap();
    assert_eq!(found, Err(Difference::Point { chunk: 1, point: Some(MAX_CHUNK_POINTS + 3) }));
    let error = upload(&mut f.chain, &model, f.owner, &points, 7, None, &mut |_| {}).unwrap_err();
    assert!(matches!(&error, Error::StagedMismatch { .. }), "{error}");
    assert!(error.to_string().contains("chunk 1 differs at point 514"), "{error}");
    assert_eq!(model.chunks(&mut f.chain, PointSet::Staging).unwrap().len(), 2, "nothing staged on top");
    // Once staging is cleared the upload goes through.
    model.clear_staging(&mut f.chain, f.owner).unwrap();
    assert!(upload(&mut f.chain, &model, f.owner, &points, 7, None, &mut |_| {}).unwrap().published);
}

#[test]
fn verify_finds_a_differing_point_count_or_k() {
    let mut f = Fixture::new();
    let model = f.protocol.score_model;
    let points = model_points();
    upload(&mut f.chain, &model, f.owner, &points, 9, None, &mut |_| {}).unwrap();
    let mut changed = points.clone();
    changed[2 * MAX_CHUNK_POINTS + 50].ratios[4] ^= 0x100;
    let found = verify(&mut f.chain, &model, PointSet::Old, &changed, Some(9)).unwrap();
    assert_eq!(found, Some(Difference::Point { chunk: 2, point: Some(2 * MAX_CHUNK_POINTS + 50) }));
    let shorter = &points[..points.len() - 1];
    let found = verify(&mut f.chain, &model, PointSet::Old, shorter, Some(9)).unwrap();
    assert_eq!(found, Some(Difference::Point { chunk: 2, point: None }));
    let found = verify(&mut f.chain, &model, PointSet::Old, &points[..MAX_CHUNK_POINTS], Some(9)).unwrap();
    assert_eq!(found, Some(Difference::ChunkCount { on_chain: 3, in_file: 1 }));
    let found = verify(&mut f.chain, &model, PointSet::Old, &points, Some(8)).unwrap();
    assert_eq!(found, Some(Difference::K { on_chain: 9, in_file: 8 }));
}

/// The evaluation's scores (`coldstart::score`, the Rust reference) are the contract's answers.
#[test]
fn cold_start_scores_equal_the_contract() {
    use aloe_score::account::Statement;
    let mut f = Fixture::new();
    let model = f.protocol.score_model;
    let months = |status: [i64; 6], bill: i64| -> Vec<Statement> {
        (0..6).map(|m| Statement { bill: bill * (m + 1), paid: bill / 2, status: status[m as usize] }).collect()
    };
    let clients = [
        (months([-1, -1, 0, 0, 1, 2], 900), true),
        (months([0; 6], 2_000), false),
        (months([-2; 6], 0), false),
        (months([2, 3, 4, 0, 0, -1], 400), true),
        (months([0, 0, 0, 1, 0, 0], 10_000), false),
    ];
    let points: Vec<ModelPoint> = clients.iter().map(|(m, d)| coldstart::model_point(m, *d, 3).unwrap()).collect();
    upload(&mut f.chain, &model, f.owner, &points, 2, None, &mut |_| {}).unwrap();
    for (m, _) in &clients {
        let (ledger, now) = coldstart::query_ledger(m, 3).unwrap();
        let query = query_vector(&ledger, now, &REQUEST);
        let on_chain = model.score(&mut f.chain, query, REQUEST.duration()).unwrap();
        assert_eq!(on_chain, Some(coldstart::score(&ledger, now, &points, 2)));
    }
}
