//! The shipped DeFi detector (`data/models/defi-autoencoder.json`, written by `aloe model defi train`)
//! loads, and on a population it never saw keeps `X` in [0, 20], leaves most normal accounts unpenalised
//! and penalises anomalies more.

use aloe_ml::defi_model::{DefiModelFile, FORMAT, INPUT_NAMES, SHIPPED};
use aloe_ml::defi_population::population;

#[test]
fn the_shipped_detector_loads_and_separates_a_fresh_population() {
    let model = DefiModelFile::from_json(SHIPPED).unwrap();
    assert_eq!((model.format.as_str(), model.payload.inputs.len()), (FORMAT, INPUT_NAMES.len()));
    // Seed 1000: neither the training population (seed 8) nor the earlier evaluation's (seed 1).
    let accounts = population(2000, 0.1, 1000);
    let (mut normal, mut anomalous) = (Vec::new(), Vec::new());
    for a in &accounts {
        let x = model.penalty(&a.features);
        assert!((0.0..=20.0).contains(&x), "{x}");
        if a.anomaly.is_some() { anomalous.push(x) } else { normal.push(x) }
    }
    let unpenalised = normal.iter().filter(|x| **x == 0.0).count() as f64 / normal.len() as f64;
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    assert!(unpenalised > 0.7, "{unpenalised}");
    assert!(mean(&anomalous) > mean(&normal) + 5.0, "{} vs {}", mean(&anomalous), mean(&normal));
}
