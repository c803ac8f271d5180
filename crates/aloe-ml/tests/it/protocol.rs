//! The protocol end to end on a small training budget (the full one runs in `aloe model mlp eval`).

use aloe_ml::data::german_credit;
use aloe_ml::eval::{EvalConfig, default_config, evaluate, report};
use aloe_ml::mlp::TrainConfig;

fn small() -> EvalConfig {
    EvalConfig {
        repeats: 1,
        train: TrainConfig { epochs: 20, members: 2, ..TrainConfig::default() },
        frac_bits: vec![8, 12],
        ..default_config()
    }
}

#[test]
fn small_protocol_runs_and_is_reproducible() {
    let data = german_credit();
    let config = small();
    let a = evaluate(&config, &data, 2, &|_| {}).unwrap();
    assert_eq!(a.len(), 5);
    for fold in &a {
        assert!(fold.logistic.auroc > 0.6, "{fold:?}");
        assert!(fold.ensemble.auroc > 0.6, "{fold:?}");
        assert!(fold.fixed.iter().all(|f| f.max_diff <= f.max_bound));
    }
    // Same result single-threaded: folds do not depend on scheduling.
    let b = evaluate(&config, &data, 1, &|_| {}).unwrap();
    assert_eq!(a, b);
    let table = report(&config, &a);
    assert!(table.contains("| logistic regression"), "{table}");
    assert!(table.contains("fixed point, f = 12"), "{table}");
}
