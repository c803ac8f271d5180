//! The cold-start protocol on a small subset, with scorers whose metrics are known: the evaluation's
//! plumbing (folds, sampling, per-k scores put back in place, RMSE, AUROC, the choice of k).

use aloe_ml::coldstart::{ColdStartConfig, KnnScorer, KnnVariant, evaluate, report};
use aloe_ml::taiwan::{TaiwanData, taiwan_credit};

/// Knows the answer for k = 2 and guesses 0.5 for the other k; records the largest training set it saw.
struct Oracle {
    defaulted: Vec<bool>,
    largest_train: std::sync::atomic::AtomicUsize,
}

impl KnnScorer for Oracle {
    fn scores(&self, train: &[usize], test: &[usize], ks: &[usize]) -> Vec<Vec<f64>> {
        self.largest_train.fetch_max(train.len(), std::sync::atomic::Ordering::SeqCst);
        ks.iter()
            .map(|&k| {
                test.iter().map(|&r| if k == 2 { f64::from(u8::from(!self.defaulted[r])) } else { 0.5 }).collect()
            })
            .collect()
    }
}

#[test]
fn known_scorers_get_their_known_metrics() {
    let full = taiwan_credit();
    let data = TaiwanData { clients: full.clients[..1_000].to_vec(), defaulted: full.defaulted[..1_000].to_vec() };
    let oracle = Oracle { defaulted: data.defaulted.clone(), largest_train: 0.into() };
    let ratios: Vec<Vec<f64>> =
        data.clients.iter().map(|c| c.bill.iter().map(|b| *b as f64).take(5).collect()).collect();
    let config = ColdStartConfig { ks: vec![1, 2, 3], model_size: 300, ..ColdStartConfig::default() };
    let variants = [KnnVariant { name: "oracle".into(), scorer: &oracle }];
    let results = evaluate(&config, &data, &ratios, &variants, &mut |_| {}).unwrap();
    let v = &results.variants[0];
    assert_eq!(v.rmse[1], 0.0);
    assert_eq!(v.rmse[0], 0.5);
    assert!(v.auroc[1].iter().all(|a| *a == 1.0) && v.auroc[0].iter().all(|a| *a == 0.5));
    assert_eq!(results.chosen(), (0, 1));
    assert_eq!(oracle.largest_train.into_inner(), 300, "training folds are sampled to the model size");
    assert_eq!(results.sampled, 300);
    assert!(results.baselines.iter().all(|b| b.auroc.len() == 5 && b.auroc.iter().all(|a| (0.0..=1.0).contains(a))));
    let text = report(&results, &data);
    assert!(text.contains("Chosen by lowest RMSE: oracle, k = 2 (RMSE 0.0000)"), "{text}");
}
