//! The anomaly detector of the DeFi score: min-max normalisation fitted on training rows, an
//! autoencoder (three encoder and three decoder layers) trained with candle on normal accounts by
//! mean squared logarithmic error and AdamW, and the penalty `X` from its reconstruction error.
//!
//! Training runs in f64 on the CPU from a [`SplitMix64`] initialisation and batch order, so the same
//! seed gives the same weights to the bit (as [`crate::mlp`]); inference is plain Rust. Every type
//! here serialises, so [`crate::defi_model`] can store a fitted detector; [`MinMax::check`] and
//! [`Autoencoder::check`] validate what was read.

use candle_core::{DType, Device, Tensor, Var};
use candle_nn::{AdamW, Optimizer, ParamsAdamW};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::mlp::TrainError;
use crate::rng::SplitMix64;

/// Normalised values are clamped to this range: it keeps `ln(1 + v)` of the loss defined and bounds one
/// feature's pull, while an account outside the training range still reads as out of range.
pub const CLAMP: (f64, f64) = (-0.5, 3.0);

/// Min-max normalisation `(v − min) / (max − min)` per column, fitted on training rows only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MinMax {
    min: Vec<f64>,
    span: Vec<f64>,
}

impl MinMax {
    /// Fit on `rows` (non-empty, equal widths). A constant column gets span 1, so it maps to 0.
    pub fn fit(rows: &[Vec<f64>]) -> Self {
        let d = rows[0].len();
        let col = |j: usize| rows.iter().map(move |r| r[j]);
        let min: Vec<f64> = (0..d).map(|j| col(j).fold(f64::INFINITY, f64::min)).collect();
        let max: Vec<f64> = (0..d).map(|j| col(j).fold(f64::NEG_INFINITY, f64::max)).collect();
        let span = min.iter().zip(&max).map(|(lo, hi)| if hi > lo { hi - lo } else { 1.0 }).collect();
        Self { min, span }
    }

    /// One row normalised and clamped to [`CLAMP`].
    pub fn apply(&self, row: &[f64]) -> Vec<f64> {
        row.iter()
            .zip(self.min.iter().zip(&self.span))
            .map(|(v, (m, s))| ((v - m) / s).clamp(CLAMP.0, CLAMP.1))
            .collect()
    }

    /// Refuse parameters that are not `inputs` columns of finite minima and finite positive spans.
    pub fn check(&self, inputs: usize) -> Result<(), ShapeError> {
        if self.min.len() != inputs || self.span.len() != inputs {
            return Err(ShapeError::ScalerWidth { inputs, min: self.min.len(), span: self.span.len() });
        }
        if let Some(column) =
            (0..inputs).find(|&j| !(self.min[j].is_finite() && self.span[j].is_finite() && self.span[j] > 0.0))
        {
            return Err(ShapeError::ScalerValue { column });
        }
        Ok(())
    }
}

/// Why stored parameters are not a usable scaler or autoencoder.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ShapeError {
    /// The scaler has the wrong number of columns.
    #[error("the scaler has {min} minima and {span} spans for {inputs} inputs")]
    ScalerWidth {
        /// Inputs expected.
        inputs: usize,
        /// Minima found.
        min: usize,
        /// Spans found.
        span: usize,
    },
    /// A minimum that is not finite, or a span that is not finite and positive.
    #[error("scaler column {column}: the minimum must be finite and the span finite and positive")]
    ScalerValue {
        /// The column.
        column: usize,
    },
    /// A stated width of 0.
    #[error("encoder widths {widths:?}: every layer needs at least one unit")]
    ZeroWidth {
        /// The widths.
        widths: [usize; 3],
    },
    /// Not six layers.
    #[error("{found} layers: an autoencoder has six")]
    LayerCount {
        /// Layers found.
        found: usize,
    },
    /// A layer's stated widths are not those of the architecture.
    #[error("layer {layer} is {inputs} -> {outputs}, the architecture says {expected_inputs} -> {expected_outputs}")]
    LayerWidth {
        /// The layer (0 = first encoder layer).
        layer: usize,
        /// Its stated inputs.
        inputs: usize,
        /// Its stated outputs.
        outputs: usize,
        /// The architecture's inputs.
        expected_inputs: usize,
        /// The architecture's outputs.
        expected_outputs: usize,
    },
    /// A layer's weights or biases are not `outputs × inputs` and `outputs` long.
    #[error("layer {layer} ({inputs} -> {outputs}) has {weights} weights and {biases} biases")]
    LayerSize {
        /// The layer.
        layer: usize,
        /// Its inputs.
        inputs: usize,
        /// Its outputs.
        outputs: usize,
        /// Weights found.
        weights: usize,
        /// Biases found.
        biases: usize,
    },
    /// A weight or bias that is not finite.
    #[error("layer {layer} has a weight or bias that is not finite")]
    NotFinite {
        /// The layer.
        layer: usize,
    },
}

/// Autoencoder shape and training budget.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AutoencoderConfig {
    /// Widths of the three encoder layers (the last is the code); the decoder mirrors them back.
    pub widths: [usize; 3],
    /// Passes over the training rows.
    pub epochs: usize,
    /// Rows per step.
    pub batch_size: usize,
    /// AdamW learning rate.
    pub learning_rate: f64,
    /// AdamW decoupled weight decay (0 = plain Adam).
    pub weight_decay: f64,
    /// Seed of the initialisation and batch order.
    pub seed: u64,
}

impl Default for AutoencoderConfig {
    fn default() -> Self {
        Self { widths: [16, 8, 2], epochs: 100, batch_size: 64, learning_rate: 0.003, weight_decay: 0.0, seed: 0 }
    }
}

/// One dense layer `y = W·x + b`, `weights[j * inputs + i]` (row `j` is output `j`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Dense {
    inputs: usize,
    outputs: usize,
    weights: Vec<f64>,
    biases: Vec<f64>,
}

/// A trained autoencoder: six dense layers, ReLU between them and a sigmoid on the output (normalised
/// training values lie in [0, 1]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Autoencoder {
    layers: Vec<Dense>,
}

/// The six layers' `(inputs, outputs)` of an autoencoder of `inputs` columns and encoder `widths`.
fn architecture(inputs: usize, [a, b, c]: [usize; 3]) -> [(usize, usize); 6] {
    [(inputs, a), (a, b), (b, c), (c, b), (b, a), (a, inputs)]
}

impl Autoencoder {
    /// Refuse layers that are not six finite dense layers of the architecture `inputs` → `widths` → `inputs`.
    pub fn check(&self, inputs: usize, widths: [usize; 3]) -> Result<(), ShapeError> {
        if widths.contains(&0) {
            return Err(ShapeError::ZeroWidth { widths });
        }
        if self.layers.len() != 6 {
            return Err(ShapeError::LayerCount { found: self.layers.len() });
        }
        for (layer, (l, &(expected_inputs, expected_outputs))) in
            self.layers.iter().zip(&architecture(inputs, widths)).enumerate()
        {
            let (inputs, outputs) = (l.inputs, l.outputs);
            if (inputs, outputs) != (expected_inputs, expected_outputs) {
                return Err(ShapeError::LayerWidth { layer, inputs, outputs, expected_inputs, expected_outputs });
            }
            let (weights, biases) = (l.weights.len(), l.biases.len());
            if weights != inputs * outputs || biases != outputs {
                return Err(ShapeError::LayerSize { layer, inputs, outputs, weights, biases });
            }
            if !l.weights.iter().chain(&l.biases).all(|v| v.is_finite()) {
                return Err(ShapeError::NotFinite { layer });
            }
        }
        Ok(())
    }

    /// Layer `k`'s weights and biases, for tests that corrupt them.
    #[cfg(test)]
    pub(crate) fn layer_mut(&mut self, k: usize) -> (&mut Vec<f64>, &mut Vec<f64>) {
        let l = &mut self.layers[k];
        (&mut l.weights, &mut l.biases)
    }

    /// The reconstruction of a normalised row.
    pub fn reconstruct(&self, x: &[f64]) -> Vec<f64> {
        let last = self.layers.len() - 1;
        self.layers.iter().enumerate().fold(x.to_vec(), |h, (k, l)| {
            (0..l.outputs)
                .map(|j| {
                    let row = &l.weights[j * l.inputs..(j + 1) * l.inputs];
                    let z = row.iter().zip(&h).map(|(w, v)| w * v).sum::<f64>() + l.biases[j];
                    if k == last { 1.0 / (1.0 + (-z).exp()) } else { z.max(0.0) }
                })
                .collect()
        })
    }

    /// Mean squared logarithmic error of the reconstruction: `mean (ln(1 + x) − ln(1 + x̂))²`.
    pub fn error(&self, x: &[f64]) -> f64 {
        let r = self.reconstruct(x);
        x.iter().zip(&r).map(|(a, b)| (a.ln_1p() - b.ln_1p()).powi(2)).sum::<f64>() / x.len() as f64
    }
}

/// Train on normalised rows (non-empty, equal widths).
pub fn train(x: &[Vec<f64>], config: &AutoencoderConfig) -> Result<Autoencoder, TrainError> {
    let n = x.len();
    if n == 0 || x.iter().any(|r| r.len() != x[0].len() || r.is_empty()) {
        return Err(TrainError::BadData("rows must be non-empty and of equal width"));
    }
    let d = x[0].len();
    if config.widths.contains(&0) {
        return Err(TrainError::BadData("every layer needs at least one unit"));
    }
    let shape = architecture(d, config.widths);
    let device = Device::Cpu;
    let mut rng = SplitMix64::new(config.seed);
    let mut vars = Vec::new();
    for &(fan_in, out) in &shape {
        // PyTorch's default: uniform in ±1/sqrt(fan_in) for weights and biases.
        let bound = 1.0 / (fan_in as f64).sqrt();
        let mut draw = |k: usize| (0..k).map(|_| (2.0 * rng.next_f64() - 1.0) * bound).collect::<Vec<f64>>();
        let w = Var::from_tensor(&Tensor::from_vec(draw(out * fan_in), (out, fan_in), &device)?)?;
        let bias = Var::from_tensor(&Tensor::from_vec(draw(out), out, &device)?)?;
        vars.push((w, bias));
    }
    let params = ParamsAdamW { lr: config.learning_rate, weight_decay: config.weight_decay, ..Default::default() };
    let mut optimizer = AdamW::new(vars.iter().flat_map(|(w, b)| [w.clone(), b.clone()]).collect(), params)?;
    let xs = Tensor::from_vec(x.iter().flatten().copied().collect::<Vec<f64>>(), (n, d), &device)?;
    let batch = config.batch_size.clamp(1, n);
    let mut order: Vec<u32> = (0..n as u32).collect();
    for _ in 0..config.epochs {
        rng.shuffle(&mut order);
        for chunk in order.chunks(batch) {
            let xb = xs.index_select(&Tensor::from_slice(chunk, chunk.len(), &device)?, 0)?;
            let mut h = xb.clone();
            for (k, (w, bias)) in vars.iter().enumerate() {
                let z = h.matmul(&w.as_tensor().t()?)?.broadcast_add(bias.as_tensor())?;
                h = if k == vars.len() - 1 { candle_nn::ops::sigmoid(&z)? } else { z.relu()? };
            }
            // ln(1 + v) of the clamped targets is defined since v ≥ −0.5.
            let loss = ((xb + 1.0)?.log()? - (h + 1.0)?.log()?)?.sqr()?.mean_all()?;
            optimizer.backward_step(&loss)?;
        }
    }
    let flat = |v: &Var| v.as_tensor().to_dtype(DType::F64)?.flatten_all()?.to_vec1::<f64>();
    let layers = vars
        .iter()
        .zip(&shape)
        .map(|((w, bias), &(inputs, outputs))| Ok(Dense { inputs, outputs, weights: flat(w)?, biases: flat(bias)? }))
        .collect::<Result<_, candle_core::Error>>()?;
    Ok(Autoencoder { layers })
}

/// The anomaly penalty from a reconstruction error.
///
/// `threshold = mean + 1 std` of the training errors (the article's rule); `cap = max(q99, threshold +
/// std)` with `q99` the 99th percentile of training errors (so the ramp never has zero width when the
/// errors are tight). `X = 20 · clamp((e − threshold) / (cap − threshold), 0, 1)`: 0 up to the
/// threshold, linear to 20 points at the cap, 20 beyond (exactly: `e = cap` gives the ratio `(cap −
/// threshold) / (cap − threshold)`, which IEEE division makes exactly 1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PenaltyRamp {
    /// Errors at or below this get no penalty.
    pub threshold: f64,
    /// Errors at or above this get the full 20 points.
    pub cap: f64,
}

impl PenaltyRamp {
    /// Fit on the training rows' reconstruction errors (non-empty).
    pub fn fit(errors: &[f64]) -> Self {
        let (mean, std) = crate::metrics::mean_std(errors);
        let threshold = mean + std;
        let mut sorted = errors.to_vec();
        sorted.sort_by(f64::total_cmp);
        let q99 = sorted[((sorted.len() - 1) as f64 * 0.99).round() as usize];
        Self { threshold, cap: q99.max(threshold + std) }
    }

    /// `X` in [0, 20] for an error `e`; an error that is not a number (only a pathological model makes
    /// one) counts as beyond the cap, so `X` never leaves [0, 20].
    pub fn penalty(&self, e: f64) -> f64 {
        if e.is_nan() {
            return aloe_score::defi::MAX_PENALTY;
        }
        if self.cap <= self.threshold {
            return if e > self.threshold { aloe_score::defi::MAX_PENALTY } else { 0.0 };
        }
        aloe_score::defi::MAX_PENALTY * ((e - self.threshold) / (self.cap - self.threshold)).clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_max_is_fitted_on_training_rows_only() {
        let m = MinMax::fit(&[vec![0.0, 5.0], vec![10.0, 5.0]]);
        assert_eq!(m.apply(&[5.0, 5.0]), vec![0.5, 0.0]);
        assert_eq!(m.apply(&[100.0, 4.0]), vec![CLAMP.1, CLAMP.0]);
    }

    #[test]
    fn the_ramp_is_zero_to_the_threshold_and_twenty_from_the_cap() {
        let r = PenaltyRamp { threshold: 1.0, cap: 3.0 };
        assert_eq!([0.5, 1.0, 2.0, 3.0, 9.0].map(|e| r.penalty(e)), [0.0, 0.0, 10.0, 20.0, 20.0]);
        let errors: Vec<f64> = (0..100).map(f64::from).collect();
        let fitted = PenaltyRamp::fit(&errors);
        assert!(fitted.cap > fitted.threshold);
    }

    #[test]
    fn training_is_bit_reproducible_and_reconstructs_normal_rows_better() {
        let mut rng = SplitMix64::new(5);
        // Normal rows lie near a line; the odd row does not.
        let rows: Vec<Vec<f64>> = (0..200)
            .map(|_| {
                let t = rng.next_f64();
                vec![t, 1.0 - t, 0.5 * t + 0.25, 0.05 * rng.next_f64()]
            })
            .collect();
        let config = AutoencoderConfig { widths: [6, 4, 2], epochs: 40, batch_size: 32, ..Default::default() };
        let a = train(&rows, &config).unwrap();
        assert_eq!(a, train(&rows, &config).unwrap());
        assert_ne!(a, train(&rows, &AutoencoderConfig { seed: 1, ..config }).unwrap());
        let normal = rows.iter().map(|r| a.error(r)).sum::<f64>() / rows.len() as f64;
        assert!(a.error(&[0.9, 0.9, 0.0, 1.0]) > normal);
        assert_eq!(a.check(4, [6, 4, 2]), Ok(()));
    }

    #[test]
    fn checks_refuse_wrong_shapes_and_non_finite_values() {
        let rows = vec![vec![0.0, 1.0, 0.5], vec![1.0, 0.0, 0.25]];
        let config = AutoencoderConfig { widths: [3, 2, 1], epochs: 1, ..Default::default() };
        let a = train(&rows, &config).unwrap();
        assert_eq!(a.check(3, [3, 2, 1]), Ok(()));
        assert!(matches!(a.check(4, [3, 2, 1]), Err(ShapeError::LayerWidth { layer: 0, inputs: 3, .. })));
        assert!(matches!(a.check(3, [3, 2, 2]), Err(ShapeError::LayerWidth { layer: 2, .. })));
        assert_eq!(a.check(3, [3, 0, 1]), Err(ShapeError::ZeroWidth { widths: [3, 0, 1] }));
        let mut bad = a.clone();
        bad.layer_mut(4).1[0] = f64::INFINITY;
        assert_eq!(bad.check(3, [3, 2, 1]), Err(ShapeError::NotFinite { layer: 4 }));
        let mut bad = a.clone();
        bad.layer_mut(5).0.pop();
        assert!(matches!(bad.check(3, [3, 2, 1]), Err(ShapeError::LayerSize { layer: 5, weights: 8, .. })));
        let mut short = a;
        short.layers.pop();
        assert_eq!(short.check(3, [3, 2, 1]), Err(ShapeError::LayerCount { found: 5 }));
        let m = MinMax::fit(&rows);
        assert_eq!(m.check(3), Ok(()));
        assert!(matches!(m.check(2), Err(ShapeError::ScalerWidth { .. })));
        let zero_span = MinMax { min: vec![0.0; 3], span: vec![1.0, 0.0, 1.0] };
        assert_eq!(zero_span.check(3), Err(ShapeError::ScalerValue { column: 1 }));
    }
}
