//! The multilayer perceptron: one hidden ReLU layer, two outputs (approve, reject), trained with candle
//! (AdamW, cross-entropy, a fixed epoch budget) from a seeded initialisation, and averaged into one
//! wider MLP when several are trained.

use candle_core::{DType, Device, Tensor, Var};
use candle_nn::{AdamW, Optimizer, ParamsAdamW};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::rng::SplitMix64;

/// Output index of the "approve" logit (class good).
pub const APPROVE: usize = 0;
/// Output index of the "reject" logit (class bad).
pub const REJECT: usize = 1;

/// A trained network: `logits = W2 · relu(W1 · x + b1) + b2`. Matrices are row-major: `w1[j * inputs + i]`
/// is the weight from input `i` to hidden unit `j`, `w2[k * hidden + j]` from hidden unit `j` to output `k`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mlp {
    /// Number of inputs.
    pub inputs: usize,
    /// Number of hidden units.
    pub hidden: usize,
    /// First-layer weights, `hidden × inputs`.
    pub w1: Vec<f64>,
    /// First-layer biases, `hidden`.
    pub b1: Vec<f64>,
    /// Second-layer weights, `2 × hidden`.
    pub w2: Vec<f64>,
    /// Second-layer biases, `[approve, reject]`.
    pub b2: [f64; 2],
}

impl Mlp {
    /// The hidden activations `relu(W1 · x + b1)`.
    pub fn hidden_layer(&self, x: &[f64]) -> Vec<f64> {
        assert_eq!(x.len(), self.inputs, "input width");
        (0..self.hidden)
            .map(|j| {
                let row = &self.w1[j * self.inputs..(j + 1) * self.inputs];
                let z = row.iter().zip(x).map(|(w, v)| w * v).sum::<f64>() + self.b1[j];
                z.max(0.0)
            })
            .collect()
    }

    /// The two logits `[approve, reject]`.
    pub fn logits(&self, x: &[f64]) -> [f64; 2] {
        let h = self.hidden_layer(x);
        let out = |k: usize| {
            self.w2[k * self.hidden..(k + 1) * self.hidden].iter().zip(&h).map(|(w, v)| w * v).sum::<f64>() + self.b2[k]
        };
        [out(APPROVE), out(REJECT)]
    }

    /// The score: `logit_approve − logit_reject` (high = good).
    pub fn margin(&self, x: &[f64]) -> f64 {
        let [a, r] = self.logits(x);
        a - r
    }

    /// One MLP equal to the mean of the members' logits: hidden units concatenated, output weights
    /// scaled by `1/m`, output biases averaged.
    pub fn average(members: &[Mlp]) -> Mlp {
        assert!(!members.is_empty(), "at least one member");
        let inputs = members[0].inputs;
        assert!(members.iter().all(|m| m.inputs == inputs), "members share the input width");
        let scale = 1.0 / members.len() as f64;
        let hidden = members.iter().map(|m| m.hidden).sum();
        let mut w2 = Vec::with_capacity(2 * hidden);
        for k in [APPROVE, REJECT] {
            for m in members {
                w2.extend(m.w2[k * m.hidden..(k + 1) * m.hidden].iter().map(|w| w * scale));
            }
        }
        let b2 = [APPROVE, REJECT].map(|k| members.iter().map(|m| m.b2[k]).sum::<f64>() * scale);
        Mlp {
            inputs,
            hidden,
            w1: members.iter().flat_map(|m| m.w1.iter().copied()).collect(),
            b1: members.iter().flat_map(|m| m.b1.iter().copied()).collect(),
            w2,
            b2,
        }
    }
}

impl Mlp {
    /// One MLP whose margin is `(1 − λ)·margin(x) + λ·(weights · x + intercept)`: the output layer is
    /// scaled by `1 − λ` and two hidden units are added, `relu(z)` and `relu(−z)` with
    /// `z = weights · x + intercept`, feeding the approve logit with weights `+λ` and `−λ`
    /// (`relu(z) − relu(−z) = z`). A logistic regression folded in this way stays one MLP.
    pub fn blend_linear(&self, weights: &[f64], intercept: f64, lambda: f64) -> Mlp {
        assert_eq!(weights.len(), self.inputs, "linear weights per input");
        let hidden = self.hidden + 2;
        let mut w1 = self.w1.clone();
        w1.extend_from_slice(weights);
        w1.extend(weights.iter().map(|w| -w));
        let mut b1 = self.b1.clone();
        b1.extend([intercept, -intercept]);
        let keep = 1.0 - lambda;
        let mut w2 = Vec::with_capacity(2 * hidden);
        for k in [APPROVE, REJECT] {
            w2.extend(self.w2[k * self.hidden..(k + 1) * self.hidden].iter().map(|w| w * keep));
            w2.extend(if k == APPROVE { [lambda, -lambda] } else { [0.0, 0.0] });
        }
        Mlp { inputs: self.inputs, hidden, w1, b1, w2, b2: self.b2.map(|b| b * keep) }
    }
}

/// Training hyper-parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    /// Hidden units per member.
    pub hidden: usize,
    /// Passes over the training rows (a fixed budget: no early stopping).
    pub epochs: usize,
    /// Rows per AdamW step; 0 = the whole training set (full batch).
    pub batch_size: usize,
    /// AdamW learning rate.
    pub learning_rate: f64,
    /// AdamW decoupled weight decay (applied to every parameter).
    pub weight_decay: f64,
    /// L2 penalty added to the mean cross-entropy: `l2 / 2 · (|W1|² + |W2|²)` (weights, not biases).
    pub l2: f64,
    /// Train each member on a bootstrap resample of the rows (bagging), drawn from its seed.
    #[serde(default)]
    pub bootstrap: bool,
    /// Label smoothing ε: targets `(1 − ε)·one-hot + ε/2` (0 = plain cross-entropy).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub label_smoothing: f64,
    /// Input dropout probability during training (mask drawn from the member's seed; inputs kept are
    /// scaled by `1/(1 − p)`); 0 = none. Inference never drops.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub input_dropout: f64,
    /// Weight of a bad (class 2) row in the loss relative to a good one (1 = unweighted).
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub bad_weight: f64,
    /// Members averaged into the final MLP (seeds `seed`, `seed + 1`, ...).
    pub members: usize,
    /// Seed of the first member's initialisation and batch order.
    pub seed: u64,
}

/// The defaults, chosen on fold seeds 100–104 (see BENCHMARKS.md): the post's width, 20 members,
/// input dropout 0.3 and label smoothing 0.1.
impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            hidden: 10,
            epochs: 60,
            batch_size: 64,
            learning_rate: 0.003,
            weight_decay: 2.0,
            l2: 0.0,
            bootstrap: false,
            label_smoothing: 0.1,
            input_dropout: 0.3,
            bad_weight: 1.0,
            members: 20,
            seed: 0,
        }
    }
}

fn one() -> f64 {
    1.0
}

// Options at their defaults are left out of model files, so files written before they existed keep
// their content hash.
#[allow(clippy::trivially_copy_pass_by_ref)]
fn is_zero(v: &f64) -> bool {
    *v == 0.0
}

#[allow(clippy::trivially_copy_pass_by_ref)]
fn is_one(v: &f64) -> bool {
    *v == 1.0
}

/// A training failure (from candle, or unusable inputs).
#[derive(Debug, Error)]
pub enum TrainError {
    /// candle reported an error.
    #[error("candle: {0}")]
    Candle(#[from] candle_core::Error),
    /// No rows, or rows of different widths, or labels not matching rows.
    #[error("bad training data: {0}")]
    BadData(&'static str),
}

/// Initial weights: uniform in `±1/sqrt(fan_in)` (PyTorch's default for linear layers), from `rng`.
fn uniform(rng: &mut SplitMix64, count: usize, fan_in: usize) -> Vec<f64> {
    let bound = 1.0 / (fan_in as f64).sqrt();
    (0..count).map(|_| (2.0 * rng.next_f64() - 1.0) * bound).collect()
}

/// Train one MLP with `config.hidden` units from seed `seed` on rows `x` with classes `good`.
pub fn train_one(x: &[Vec<f64>], good: &[bool], config: &TrainConfig, seed: u64) -> Result<Mlp, TrainError> {
    let n = x.len();
    if n == 0 || good.len() != n {
        return Err(TrainError::BadData("rows and labels must be non-empty and of equal length"));
    }
    let d = x[0].len();
    if x.iter().any(|r| r.len() != d) {
        return Err(TrainError::BadData("rows of different widths"));
    }
    let h = config.hidden;
    let device = Device::Cpu;
    let mut rng = SplitMix64::new(seed);
    let w1 = Var::from_tensor(&Tensor::from_vec(uniform(&mut rng, h * d, d), (h, d), &device)?)?;
    let b1 = Var::from_tensor(&Tensor::from_vec(uniform(&mut rng, h, d), h, &device)?)?;
    let w2 = Var::from_tensor(&Tensor::from_vec(uniform(&mut rng, 2 * h, h), (2, h), &device)?)?;
    let b2 = Var::from_tensor(&Tensor::from_vec(uniform(&mut rng, 2, h), 2, &device)?)?;
    let params = ParamsAdamW { lr: config.learning_rate, weight_decay: config.weight_decay, ..Default::default() };
    let mut optimizer = AdamW::new(vec![w1.clone(), b1.clone(), w2.clone(), b2.clone()], params)?;

    let rows: Vec<usize> = if config.bootstrap { (0..n).map(|_| rng.below(n)).collect() } else { (0..n).collect() };
    let xs = Tensor::from_vec(rows.iter().flat_map(|&r| x[r].iter().copied()).collect::<Vec<f64>>(), (n, d), &device)?;
    let targets: Vec<u32> = rows.iter().map(|&r| if good[r] { APPROVE as u32 } else { REJECT as u32 }).collect();
    let plain = config.label_smoothing == 0.0 && config.input_dropout == 0.0 && config.bad_weight == 1.0;
    // Smoothed one-hot targets and per-row loss weights, for the general loss.
    let eps = config.label_smoothing;
    let soft: Vec<f64> =
        targets.iter().flat_map(|&t| [0, 1].map(|k| if k == t { 1.0 - eps / 2.0 } else { eps / 2.0 })).collect();
    let soft = Tensor::from_vec(soft, (n, 2), &device)?;
    let row_weights: Vec<f64> =
        targets.iter().map(|&t| if t == REJECT as u32 { config.bad_weight } else { 1.0 }).collect();
    let row_weights = Tensor::from_vec(row_weights, n, &device)?;
    let ys = Tensor::from_vec(targets, n, &device)?;
    let batch = if config.batch_size == 0 { n } else { config.batch_size.min(n) };
    let mut order: Vec<u32> = (0..n as u32).collect();
    for _ in 0..config.epochs {
        if batch < n {
            rng.shuffle(&mut order);
        }
        for chunk in order.chunks(batch) {
            let index = Tensor::from_slice(chunk, chunk.len(), &device)?;
            let (mut xb, yb) = if batch < n {
                (xs.index_select(&index, 0)?, ys.index_select(&index, 0)?)
            } else {
                (xs.clone(), ys.clone())
            };
            if config.input_dropout > 0.0 {
                let keep = 1.0 - config.input_dropout;
                let mask: Vec<f64> = (0..chunk.len() * d)
                    .map(|_| if rng.next_f64() < config.input_dropout { 0.0 } else { 1.0 / keep })
                    .collect();
                xb = (xb * Tensor::from_vec(mask, (chunk.len(), d), &device)?)?;
            }
            let hidden = xb.matmul(&w1.as_tensor().t()?)?.broadcast_add(b1.as_tensor())?.relu()?;
            let logits = hidden.matmul(&w2.as_tensor().t()?)?.broadcast_add(b2.as_tensor())?;
            let mut loss = if plain {
                candle_nn::loss::cross_entropy(&logits, &yb)?
            } else {
                let (sb, wb) = if batch < n {
                    (soft.index_select(&index, 0)?, row_weights.index_select(&index, 0)?)
                } else {
                    (soft.clone(), row_weights.clone())
                };
                let log_p = candle_nn::ops::log_softmax(&logits, 1)?;
                let per_row = (sb * log_p)?.sum(1)?.neg()?;
                ((per_row * &wb)?.sum_all()? / wb.sum_all()?.to_scalar::<f64>()?)?
            };
            if config.l2 > 0.0 {
                let penalty = (w1.as_tensor().sqr()?.sum_all()? + w2.as_tensor().sqr()?.sum_all()?)?;
                loss = (loss + (penalty * (config.l2 / 2.0))?)?;
            }
            optimizer.backward_step(&loss)?;
        }
    }
    let flat = |v: &Var| v.as_tensor().to_dtype(DType::F64)?.flatten_all()?.to_vec1::<f64>();
    let b2 = flat(&b2)?;
    Ok(Mlp { inputs: d, hidden: h, w1: flat(&w1)?, b1: flat(&b1)?, w2: flat(&w2)?, b2: [b2[0], b2[1]] })
}

/// Train `config.members` MLPs (seeds `config.seed + i`); returns them in seed order. Average them
/// with [`Mlp::average`].
pub fn train_members(x: &[Vec<f64>], good: &[bool], config: &TrainConfig) -> Result<Vec<Mlp>, TrainError> {
    (0..config.members.max(1) as u64).map(|i| train_one(x, good, config, config.seed + i)).collect()
}

/// Train the members and average them into one MLP.
pub fn train(x: &[Vec<f64>], good: &[bool], config: &TrainConfig) -> Result<Mlp, TrainError> {
    Ok(Mlp::average(&train_members(x, good, config)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toy() -> (Vec<Vec<f64>>, Vec<bool>) {
        let mut rng = SplitMix64::new(11);
        let x: Vec<Vec<f64>> = (0..120).map(|_| (0..4).map(|_| rng.next_f64() * 2.0 - 1.0).collect()).collect();
        let good = x.iter().map(|r| r[0] + 0.5 * r[1] > 0.0).collect();
        (x, good)
    }

    #[test]
    fn training_is_bit_reproducible_and_learns() {
        let (x, good) = toy();
        let config =
            TrainConfig { hidden: 6, epochs: 60, batch_size: 32, members: 2, bootstrap: true, ..Default::default() };
        let a = train(&x, &good, &config).unwrap();
        let b = train(&x, &good, &config).unwrap();
        assert_eq!(a, b, "same seed, same weights to the bit");
        let c = train(&x, &good, &TrainConfig { seed: 1, ..config }).unwrap();
        assert_ne!(a, c);
        // Without dropout and smoothing (the plain cross-entropy path): also reproducible, and different.
        let plain = TrainConfig { input_dropout: 0.0, label_smoothing: 0.0, ..config };
        let p = train(&x, &good, &plain).unwrap();
        assert_eq!(p, train(&x, &good, &plain).unwrap());
        assert_ne!(a, p);
        let scores: Vec<f64> = x.iter().map(|r| a.margin(r)).collect();
        assert!(crate::metrics::auroc(&scores, &good).unwrap() > 0.95);
    }

    #[test]
    fn a_blended_linear_score_is_exact() {
        let (x, good) = toy();
        let mlp = train(&x, &good, &TrainConfig { hidden: 3, epochs: 5, members: 2, ..Default::default() }).unwrap();
        let (w, b) = ([0.5, -1.25, 2.0, 0.0], 0.3);
        let blended = mlp.blend_linear(&w, b, 0.4);
        assert_eq!(blended.hidden, 8);
        for row in &x {
            let linear = w.iter().zip(row).map(|(a, v)| a * v).sum::<f64>() + b;
            assert!((blended.margin(row) - (0.6 * mlp.margin(row) + 0.4 * linear)).abs() < 1e-12);
        }
    }

    #[test]
    fn the_average_of_members_is_the_mean_of_their_logits() {
        let (x, good) = toy();
        let config = TrainConfig { hidden: 3, epochs: 5, members: 3, ..Default::default() };
        let members = train_members(&x, &good, &config).unwrap();
        let wide = Mlp::average(&members);
        assert_eq!(wide.hidden, 9);
        for row in &x {
            let mean: Vec<f64> = (0..2).map(|k| members.iter().map(|m| m.logits(row)[k]).sum::<f64>() / 3.0).collect();
            let got = wide.logits(row);
            assert!((got[0] - mean[0]).abs() < 1e-12 && (got[1] - mean[1]).abs() < 1e-12);
        }
    }
}
