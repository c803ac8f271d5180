//! Aloe's credit models: the German credit data, a small MLP trained with candle, an honest evaluation
//! against a logistic-regression baseline, and the fixed-point network a zk circuit will compute; and the
//! Taiwan payment histories with the evaluation protocol of the cold-start k-NN score.
//!
//! - [`data`]: the embedded UCI Statlog German Credit file and a strict parser (errors name line and column).
//! - [`encoding`]: one-hot (61 inputs) or label-encoded (20) inputs, standardised on the training rows,
//!   optionally with quantile threshold indicators (`value ≥ cut`) of numeric attributes, cuts fitted on
//!   the training rows, and the log monthly amount `ln(credit_amount / duration)`; the shipped model adds
//!   indicators for duration, credit amount and age (4 bins) and the monthly amount: 71 inputs.
//! - [`folds`], [`metrics`]: stratified folds; AUROC from scores (ties count ½) and the UCI cost.
//! - [`mlp`]: `inputs → hidden (ReLU) → 2` trained with AdamW (optionally input dropout, label smoothing,
//!   class weights, all seeded); members averaged into one wider MLP.
//! - [`logistic`]: the L2 logistic-regression baseline (smartcore).
//! - [`quantize`]: fixed-point weights and integer inference, with a derived error bound.
//! - [`fixed_input`]: the attributes a notary commits to (bounded integers and the log monthly amount)
//!   and the integer encoding of the model's inputs from them: what the zk circuit computes.
//! - [`model_file`], [`score`]: the versioned, hashed model file and scoring a file of applicants.
//! - [`eval`]: the evaluation protocol and its markdown report.
//! - [`taiwan`]: the embedded UCI "default of credit card clients" file (Taiwan, 30,000 clients, six
//!   months of payment history) and its strict parser, for the cold-start k-NN model.
//! - [`boosting`]: the gradient-boosted trees baseline (forust-ml).
//! - [`coldstart`]: the cold-start evaluation: the k-NN score (computed by `aloe-score` through a
//!   [`coldstart::KnnScorer`]) against logistic regression and gradient boosting on the same folds;
//!   RMSE per k, AUROC, calibration by decile.
//! - [`autoencoder`]: the DeFi score's anomaly penalty `X`: min-max normalisation fitted on training
//!   rows, a three-plus-three-layer autoencoder (MSLE, AdamW), threshold mean + 1 std, the ramp to 20.
//! - [`defi_population`]: a seeded population of Aave-style accounts with injected anomalies of named kinds.
//! - [`defi_eval`]: on that population, a train / validation / test split, the encoder widths chosen on
//!   validation, then AUROC of `X` beside a seeded Isolation Forest (rustyml) and a z-score baseline, and score quantiles
//!   (`aloe model defi eval`).
//! - [`defi_model`]: the fitted detector's hashed file (scaler, layers, ramp) and `X` for a new account.
//!
//! # Fixed-point inference (what the circuit computes)
//!
//! With `f` fractional bits, a real `v` is held as the integer `round(v · 2^f)` (nearest, halves away
//! from zero). Weights and biases are quantized once. The inputs `x` come from the committed attributes
//! through the integer encoding of [`fixed_input`] (one-hot levels and indicators exactly `0` or `2^f`,
//! standardised numerics `floor((A·v + B) / 2^G)`, within `1/2 + 1/16` units of `z·2^f`).
//! All arithmetic below is exact integer arithmetic (i128 here; an overflow is an error).
//! `floor(a / 2^f)` is Euclidean division: `a = q·2^f + r` with `0 ≤ r < 2^f`, so it rounds toward −∞.
//!
//! 1. Hidden unit `j`: `acc_j = Σ_i W1[j][i]·x_i + b1_j·2^f` (scale `2^2f`);
//!    `h_j = max(0, floor(acc_j / 2^f))` (scale `2^f`).
//! 2. Output `k` (0 = approve, 1 = reject): `acc_k = Σ_j W2[k][j]·h_j + b2_k·2^f` (scale `2^2f`).
//! 3. The score is the margin `floor((acc_0 − acc_1) / 2^f)` at scale `2^f` (`logit_approve −
//!    logit_reject`; one floor of the difference, so the circuit checks one remainder).
//!
//! # Error bound
//!
//! Let `δ = 2^-(f+1)` (largest rounding error of a weight, bias or input) and `u = 2^-f` (largest floor
//! error). For a weight `w` and input `x` with rounded values `ŵ, x̂`:
//! `|ŵx̂ − wx| ≤ |ŵ||x̂ − x| + |x||ŵ − w| ≤ δ|w| + δ² + δ|x|`. Adding the bias error `δ` and the floor
//! error `u`, and since ReLU is 1-Lipschitz (and `max(0, floor(a)) = floor(max(0, a))`), hidden unit `j`
//! is off by at most `e_j = Σ_i (δ|x_i| + δ|W1[j][i]| + δ²) + δ + u` (with an input error `ε_i` other
//! than `δ`, `(|W1[j][i]| + δ)·ε_i` replaces `δ|W1[j][i]| + δ²`). In the same way output accumulator `k`
//! is off by at most `F_k = Σ_j ((|W2[k][j]| + δ)·e_j + δ·h_j) + δ`, with `h_j` the real hidden
//! activation, so `|margin / 2^f − margin_real| ≤ F_0 + F_1 + u`
//! ([`quantize::margin_error_bound`]; a property test checks it on random networks and inputs).

pub mod autoencoder;
pub mod boosting;
pub mod coldstart;
pub mod data;
pub mod defi_eval;
pub mod defi_model;
pub mod defi_population;
pub mod encoding;
pub mod eval;
pub mod fixed_input;
pub mod folds;
pub mod logistic;
pub mod metrics;
pub mod mlp;
pub mod model_file;
pub mod quantize;
pub mod rng;
pub mod score;
pub mod taiwan;
