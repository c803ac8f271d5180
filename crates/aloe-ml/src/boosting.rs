//! The gradient-boosted trees baseline (forust-ml: histogram-based, log-loss), seeded and single-threaded
//! so a run is reproducible and leaves the other core free.

use forust_ml::{GradientBooster, Matrix};
use thiserror::Error;

/// forust-ml could not fit the model.
#[derive(Debug, Error)]
#[error("gradient boosting: {0}")]
pub struct BoostingError(String);

/// Hyper-parameters: scikit-learn's `GradientBoostingClassifier` defaults (100 trees of depth 3, learning
/// rate 0.1), the reference the issue quotes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoostingConfig {
    /// Trees.
    pub trees: usize,
    /// Depth of each tree.
    pub max_depth: usize,
    /// Shrinkage.
    pub learning_rate: f32,
    /// Seed.
    pub seed: u64,
}

impl Default for BoostingConfig {
    fn default() -> Self {
        Self { trees: 100, max_depth: 3, learning_rate: 0.1, seed: 0 }
    }
}

/// A fitted booster; scores are log-odds of the positive class.
pub struct Boosted(GradientBooster);

impl std::fmt::Debug for Boosted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Boosted")
    }
}

fn column_major(rows: &[Vec<f64>]) -> Vec<f64> {
    let width = rows.first().map_or(0, Vec::len);
    (0..width).flat_map(|c| rows.iter().map(move |r| r[c])).collect()
}

impl Boosted {
    /// Fit on `rows` with classes `positive`.
    pub fn fit(rows: &[Vec<f64>], positive: &[bool], config: &BoostingConfig) -> Result<Self, BoostingError> {
        let data = column_major(rows);
        let matrix = Matrix::new(&data, rows.len(), rows.first().map_or(0, Vec::len));
        let y: Vec<f64> = positive.iter().map(|&p| f64::from(u8::from(p))).collect();
        let mut booster = GradientBooster::default()
            .set_iterations(config.trees)
            .set_max_depth(config.max_depth)
            .set_learning_rate(config.learning_rate)
            .set_seed(config.seed)
            .set_parallel(false);
        booster.fit_unweighted(&matrix, &y, None).map_err(|e| BoostingError(e.to_string()))?;
        Ok(Self(booster))
    }

    /// Log-odds of the positive class for each row.
    pub fn scores(&self, rows: &[Vec<f64>]) -> Vec<f64> {
        let data = column_major(rows);
        self.0.predict(&Matrix::new(&data, rows.len(), rows.first().map_or(0, Vec::len)), false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_a_non_linear_rule() {
        // Positive inside a band of x, whatever y: no linear score ranks this well, a tree does.
        let rows: Vec<Vec<f64>> = (0..400).map(|i| vec![f64::from(i % 20), f64::from(i / 20)]).collect();
        let positive: Vec<bool> = rows.iter().map(|r| (5.0..12.0).contains(&r[0])).collect();
        let model = Boosted::fit(&rows, &positive, &BoostingConfig::default()).unwrap();
        assert_eq!(crate::metrics::auroc(&model.scores(&rows), &positive), Some(1.0));
    }
}
