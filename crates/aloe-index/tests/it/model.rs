//! The score model's history: staged chunks, the publication, borrowers' points, as the chain reports them.

use aloe_chain::EmbeddedChain;
use aloe_contracts::{knn::PointSet, lifecycle};
use aloe_index::{Indexer, ModelEventKind};
use aloe_score::{ModelPoint, WINDOWS};

#[test]
fn the_model_history_follows_publications_and_recorded_points() {
    let mut chain = EmbeddedChain::new();
    let report = lifecycle::run(&mut chain, &mut |_| {}).unwrap();
    let cast = lifecycle::Cast::dev();
    let model = report.protocol.score_model;
    let points: Vec<ModelPoint> = (0..600u16)
        .map(|i| ModelPoint { ratios: [i * 100, i * 50, i * 10, 65_535 - i, i], osc: [(i % 256) as u8; WINDOWS] })
        .collect();
    model.upload(&mut chain, cast.owner, &points, 3).unwrap();
    // A borrower's point is owed once a loan of theirs settled; the others' attempts revert and leave nothing.
    let recorded = cast
        .borrowers
        .iter()
        .filter(|b| report.protocol.bureau.record_point(&mut chain, cast.keeper, **b).is_ok())
        .count() as u64;
    assert!(recorded > 0, "the scenario's settled borrowers owe points");

    let dir = tempfile::tempdir().unwrap();
    let mut index = Indexer::open(dir.path().join("index.sqlite"), &report.protocol).unwrap();
    index.sync(&mut chain).unwrap();
    let history = index.model_history().unwrap();
    let kinds: Vec<_> = history.events.iter().map(|e| e.kind).collect();
    assert_eq!(kinds[..3], [ModelEventKind::ChunkStaged, ModelEventKind::ChunkStaged, ModelEventKind::Published]);
    assert_eq!(history.events[0].points, Some(511));
    assert_eq!(history.events[1].chunk_index, Some(1));
    assert_eq!(history.publications, 1);
    assert_eq!(history.size, Some(model.size(&mut chain, PointSet::Old).unwrap()));
    assert_eq!(history.k, Some(model.k(&mut chain).unwrap()));
    assert_eq!(history.points_recorded, recorded);
    let appended = kinds.iter().filter(|k| **k == ModelEventKind::PointAppended).count() as u64;
    assert_eq!(appended, recorded, "every recorded point reaches the model's buffer");
    for event in history.events.iter().filter(|e| e.kind == ModelEventKind::PointRecorded) {
        assert!(cast.borrowers.contains(&event.borrower.unwrap()));
        assert!(event.point.is_some());
    }
}
