//! The baseline: L2-regularised logistic regression (smartcore, L-BFGS) on the same encoded inputs.

use serde::{Deserialize, Serialize};
use smartcore::linalg::basic::arrays::Array;
use smartcore::linalg::basic::matrix::DenseMatrix;
use smartcore::linear::logistic_regression::{LogisticRegression, LogisticRegressionParameters};
use thiserror::Error;

/// A fitted logistic regression: score = `weights · x + intercept`, the log-odds of "good".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Logistic {
    /// One weight per input.
    pub weights: Vec<f64>,
    /// The intercept.
    pub intercept: f64,
}

/// smartcore could not fit the model.
#[derive(Debug, Error)]
#[error("logistic regression: {0}")]
pub struct LogisticError(String);

impl Logistic {
    /// Fit on rows `x` with classes `good`, minimising the summed log-loss plus `alpha/2 · |w|²`
    /// (the intercept is penalised too, as smartcore does).
    pub fn fit(x: &[Vec<f64>], good: &[bool], alpha: f64) -> Result<Self, LogisticError> {
        let matrix = DenseMatrix::from_2d_vec(&x.to_vec()).map_err(|e| LogisticError(e.to_string()))?;
        let y: Vec<i32> = good.iter().map(|&g| i32::from(g)).collect();
        let parameters = LogisticRegressionParameters::default().with_alpha(alpha);
        let model = LogisticRegression::fit(&matrix, &y, parameters).map_err(|e| LogisticError(e.to_string()))?;
        if model.classes().as_slice() != [0, 1] {
            return Err(LogisticError("both classes must occur".into()));
        }
        let weights = (0..x[0].len()).map(|i| *model.coefficients().get((0, i))).collect();
        Ok(Self { weights, intercept: *model.intercept().get((0, 0)) })
    }

    /// The log-odds of "good" for one row.
    pub fn score(&self, x: &[f64]) -> f64 {
        self.weights.iter().zip(x).map(|(w, v)| w * v).sum::<f64>() + self.intercept
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separates_a_linear_toy_problem() {
        let x: Vec<Vec<f64>> = (0..40).map(|i| vec![f64::from(i) / 10.0 - 2.0, f64::from(i % 3)]).collect();
        let good: Vec<bool> = x.iter().map(|r| r[0] > 0.1).collect();
        let model = Logistic::fit(&x, &good, 0.1).unwrap();
        assert!(model.weights[0] > 1.0);
        let scores: Vec<f64> = x.iter().map(|r| model.score(r)).collect();
        assert_eq!(crate::metrics::auroc(&scores, &good), Some(1.0));
    }
}
