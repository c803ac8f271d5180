//! Fixed point: the MLP with integer weights at scale `2^f` and the integer inference a circuit computes
//! (specified in the crate documentation), with the derived bound on its distance from f64 inference.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::mlp::{APPROVE, Mlp, REJECT};

/// Fractional bits accepted: `1..=MAX_FRAC_BITS`.
pub const MAX_FRAC_BITS: u32 = 30;

/// A quantization or fixed-point inference failure.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum QuantizeError {
    /// Fractional bits outside `1..=30`.
    #[error("fractional bits {0} not in 1..={MAX_FRAC_BITS}")]
    FracBits(u32),
    /// A value that is not finite, or whose quantization does not fit in an i64.
    #[error("value {0} cannot be quantized at {1} fractional bits")]
    OutOfRange(f64, u32),
    /// An intermediate value left the i128 range (never for trained weights and standardised inputs).
    #[error("fixed-point overflow")]
    Overflow,
    /// The input does not have the model's width.
    #[error("input has {found} values, the model takes {expected}")]
    Width {
        /// Values given.
        found: usize,
        /// Inputs of the model.
        expected: usize,
    },
}

/// `round(v · 2^f)`, halves away from zero.
pub fn quantize_value(v: f64, frac_bits: u32) -> Result<i64, QuantizeError> {
    if !(1..=MAX_FRAC_BITS).contains(&frac_bits) {
        return Err(QuantizeError::FracBits(frac_bits));
    }
    let scaled = (v * (1u64 << frac_bits) as f64).round();
    // 2^63 is exactly representable; anything at or beyond it does not fit.
    if !scaled.is_finite() || scaled.abs() >= 2f64.powi(63) {
        return Err(QuantizeError::OutOfRange(v, frac_bits));
    }
    Ok(scaled as i64)
}

/// Quantize every value of `values`.
pub fn quantize_all(values: &[f64], frac_bits: u32) -> Result<Vec<i64>, QuantizeError> {
    values.iter().map(|&v| quantize_value(v, frac_bits)).collect()
}

/// The MLP with every weight and bias quantized at scale `2^frac_bits` (same layout as [`Mlp`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuantizedMlp {
    /// Fractional bits `f`: a value `v` is held as `round(v · 2^f)`.
    pub frac_bits: u32,
    /// Number of inputs.
    pub inputs: usize,
    /// Number of hidden units.
    pub hidden: usize,
    /// First-layer weights, `hidden × inputs`, scale `2^f`.
    pub w1: Vec<i64>,
    /// First-layer biases, scale `2^f`.
    pub b1: Vec<i64>,
    /// Second-layer weights, `2 × hidden`, scale `2^f`.
    pub w2: Vec<i64>,
    /// Second-layer biases `[approve, reject]`, scale `2^f`.
    pub b2: [i64; 2],
}

/// `floor(acc / 2^f)`: Euclidean division by a positive divisor (remainder in `[0, 2^f)`).
fn rescale(acc: i128, frac_bits: u32) -> i128 {
    acc.div_euclid(1i128 << frac_bits)
}

/// `Σ w·v + b·2^f` in i128, checked.
fn affine(weights: &[i64], values: &[i128], bias: i64, frac_bits: u32) -> Result<i128, QuantizeError> {
    let mut acc = i128::from(bias).checked_mul(1i128 << frac_bits).ok_or(QuantizeError::Overflow)?;
    for (w, v) in weights.iter().zip(values) {
        acc = i128::from(*w).checked_mul(*v).and_then(|p| acc.checked_add(p)).ok_or(QuantizeError::Overflow)?;
    }
    Ok(acc)
}

impl QuantizedMlp {
    /// Round every weight and bias of `mlp` to the nearest multiple of `2^-f`.
    pub fn quantize(mlp: &Mlp, frac_bits: u32) -> Result<Self, QuantizeError> {
        Ok(Self {
            frac_bits,
            inputs: mlp.inputs,
            hidden: mlp.hidden,
            w1: quantize_all(&mlp.w1, frac_bits)?,
            b1: quantize_all(&mlp.b1, frac_bits)?,
            w2: quantize_all(&mlp.w2, frac_bits)?,
            b2: [quantize_value(mlp.b2[0], frac_bits)?, quantize_value(mlp.b2[1], frac_bits)?],
        })
    }

    /// The hidden activations at scale `2^f`: `h_j = max(0, floor((Σ_i w1_ji·x_i + b1_j·2^f) / 2^f))`.
    pub fn hidden_layer(&self, x: &[i64]) -> Result<Vec<i128>, QuantizeError> {
        if x.len() != self.inputs {
            return Err(QuantizeError::Width { found: x.len(), expected: self.inputs });
        }
        let x: Vec<i128> = x.iter().map(|&v| i128::from(v)).collect();
        (0..self.hidden)
            .map(|j| {
                let row = &self.w1[j * self.inputs..(j + 1) * self.inputs];
                Ok(rescale(affine(row, &x, self.b1[j], self.frac_bits)?, self.frac_bits).max(0))
            })
            .collect()
    }

    /// The logits `[approve, reject]` at scale `2^f`: `o_k = floor((Σ_j w2_kj·h_j + b2_k·2^f) / 2^f)`
    /// (for display; the decision uses [`QuantizedMlp::margin`]).
    pub fn logits(&self, x: &[i64]) -> Result<[i128; 2], QuantizeError> {
        let h = self.hidden_layer(x)?;
        let out = |k: usize| Ok(rescale(self.output_accumulator(&h, k)?, self.frac_bits));
        Ok([out(APPROVE)?, out(REJECT)?])
    }

    /// `Σ_j w2_kj·h_j + b2_k·2^f` (scale `2^2f`).
    fn output_accumulator(&self, h: &[i128], k: usize) -> Result<i128, QuantizeError> {
        affine(&self.w2[k * self.hidden..(k + 1) * self.hidden], h, self.b2[k], self.frac_bits)
    }

    /// The margin at scale `2^f` for an input already quantized: one rescaling of the difference of the
    /// output accumulators, `floor((acc_approve − acc_reject) / 2^f)` (one floor, not two: the circuit
    /// checks a single remainder).
    pub fn margin(&self, x: &[i64]) -> Result<i128, QuantizeError> {
        let h = self.hidden_layer(x)?;
        let difference = self
            .output_accumulator(&h, APPROVE)?
            .checked_sub(self.output_accumulator(&h, REJECT)?)
            .ok_or(QuantizeError::Overflow)?;
        Ok(rescale(difference, self.frac_bits))
    }

    /// Quantize the float input `x` and return the margin in real units (`margin / 2^f`).
    pub fn margin_f64(&self, x: &[f64]) -> Result<f64, QuantizeError> {
        Ok(self.margin(&quantize_all(x, self.frac_bits)?)? as f64 / (1u64 << self.frac_bits) as f64)
    }
}

/// The bound, in real units, on `|margin_fixed / 2^f − margin_real|` for `mlp` at input `x` when every
/// input is rounded to the nearest multiple of `2^-f` (see the crate documentation for the derivation).
pub fn margin_error_bound(mlp: &Mlp, x: &[f64], frac_bits: u32) -> f64 {
    let delta = 0.5 / (1u64 << frac_bits) as f64;
    margin_error_bound_with(mlp, x, &vec![delta; x.len()], frac_bits)
}

/// [`margin_error_bound`] when input `i` is off by at most `input_error[i]` (real units). With
/// `δ = 2^-(f+1)` (weight rounding), `u = 2^-f` (floor) and `ε_i` the input errors:
/// `e_j = Σ_i ((|w1_ji| + δ)·ε_i + δ|x_i|) + δ + u` bounds the error of hidden unit `j`;
/// `F_k = Σ_j ((|w2_kj| + δ)·e_j + δ·h_j) + δ` that of output accumulator `k` (in real units), and the
/// margin's is `F_0 + F_1 + u` (one floor of the difference).
pub fn margin_error_bound_with(mlp: &Mlp, x: &[f64], input_error: &[f64], frac_bits: u32) -> f64 {
    let u = 1.0 / (1u64 << frac_bits) as f64;
    let delta = u / 2.0;
    let h = mlp.hidden_layer(x);
    let e: Vec<f64> = (0..mlp.hidden)
        .map(|j| {
            let row = &mlp.w1[j * mlp.inputs..(j + 1) * mlp.inputs];
            row.iter()
                .zip(x)
                .zip(input_error)
                .map(|((w, v), eps)| (w.abs() + delta) * eps + delta * v.abs())
                .sum::<f64>()
                + delta
                + u
        })
        .collect();
    let outputs: f64 = [APPROVE, REJECT]
        .iter()
        .map(|&k| {
            let row = &mlp.w2[k * mlp.hidden..(k + 1) * mlp.hidden];
            (0..mlp.hidden).map(|j| (row[j].abs() + delta) * e[j] + delta * h[j]).sum::<f64>() + delta
        })
        .sum();
    outputs + u
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_is_to_nearest_with_halves_away_from_zero() {
        assert_eq!(quantize_value(0.5, 1), Ok(1));
        assert_eq!(quantize_value(0.25, 1), Ok(1));
        assert_eq!(quantize_value(-0.25, 1), Ok(-1));
        assert_eq!(quantize_value(0.2, 1), Ok(0));
        assert_eq!(quantize_value(1.0 / 3.0, 8), Ok(85));
        assert_eq!(quantize_value(1.0, 0), Err(QuantizeError::FracBits(0)));
        assert!(matches!(quantize_value(f64::NAN, 8), Err(QuantizeError::OutOfRange(..))));
        assert!(matches!(quantize_value(1e30, 8), Err(QuantizeError::OutOfRange(..))));
    }

    #[test]
    fn integer_inference_by_hand() {
        // f = 1 (scale 2). One input, two hidden units, weights chosen so the floors are visible.
        let q = QuantizedMlp {
            frac_bits: 1,
            inputs: 1,
            hidden: 2,
            w1: vec![3, -3],
            b1: vec![1, 0],
            w2: vec![1, 1, -1, 2],
            b2: [0, 1],
        };
        // x = 3 (1.5): unit 0: 3·3 + 1·2 = 11 -> floor(11/2) = 5; unit 1: -9 -> floor(-9/2) = -5 -> relu 0.
        assert_eq!(q.hidden_layer(&[3]).unwrap(), vec![5, 0]);
        // approve: 1·5 + 1·0 + 0 = 5 -> 2; reject: -1·5 + 2·0 + 1·2 = -3 -> floor(-3/2) = -2.
        assert_eq!(q.logits(&[3]).unwrap(), [2, -2]);
        // The margin floors the difference once: floor((5 - (-3)) / 2) = 4; with x = 1 (0.5): hidden
        // [floor(5/2), 0] = [2, 0]; accumulators 2 and -2 + 2 = 0; floor(2/2) = 1, where two floors give 1 - 0.
        assert_eq!(q.margin(&[3]).unwrap(), 4);
        assert_eq!(q.margin(&[1]).unwrap(), 1);
        assert_eq!(q.margin(&[3, 1]), Err(QuantizeError::Width { found: 2, expected: 1 }));
    }

    #[test]
    fn overflow_is_reported() {
        let q = QuantizedMlp {
            frac_bits: 1,
            inputs: 3,
            hidden: 1,
            w1: vec![i64::MAX; 3],
            b1: vec![0],
            w2: vec![1, 1],
            b2: [0, 0],
        };
        assert_eq!(q.margin(&[i64::MAX; 3]), Err(QuantizeError::Overflow));
    }
}
