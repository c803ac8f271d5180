//! The model a circuit proves with: the integer encoding and the quantized MLP of an `aloe-ml` model
//! file, with public weights (constants of the circuit, identified by the file's content hash) or
//! private ones (witnesses bound to a public Poseidon commitment of the packed weights).

use aloe_ml::fixed_input::{CommittedAttributes, FixedEncoder};
use aloe_ml::model_file::{InferenceError, ModelFile};
use aloe_ml::quantize::QuantizedMlp;
use ark_bn254::Fr;
use ark_ff::PrimeField;

use crate::ZkError;
use crate::commitment::signed;
use crate::poseidon;

/// Bits of one packed word of private weights (below the field's 254, a whole number of weights).
pub const PACKED_WORD_BITS: u32 = 248;

/// Whether the weights are constants of the circuit or witnesses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// Weights in the circuit (and so in the verifying key): only range checks cost constraints.
    Public,
    /// Weights as witnesses, each in `[−2^(weight_bits−1), 2^(weight_bits−1))`, committed to by
    /// Poseidon over their packing; the verifying key holds only the shape and the encoding.
    Private {
        /// Bits of each weight (two's-complement range).
        weight_bits: u32,
    },
}

/// A model ready for the circuit.
#[derive(Debug, Clone)]
pub struct DecisionModel {
    /// The integer encoding of the inputs (public in both variants).
    pub encoder: FixedEncoder,
    /// The quantized network.
    pub mlp: QuantizedMlp,
    /// Public or private weights.
    pub visibility: Visibility,
    /// The model file's SHA-256 (lowercase hex).
    pub sha256: String,
    model_id: Fr,
}

/// Every weight and bias in circuit order: `w1` (row by row), `b1`, `w2` (approve row, reject row), `b2`.
pub fn weights_in_order(mlp: &QuantizedMlp) -> Vec<i64> {
    mlp.w1.iter().chain(&mlp.b1).chain(&mlp.w2).chain(&mlp.b2).copied().collect()
}

/// The fewest two's-complement bits that hold every weight of `mlp`.
pub fn weight_bits_needed(mlp: &QuantizedMlp) -> u32 {
    let widest = weights_in_order(mlp).iter().map(|w| if *w < 0 { !*w } else { *w }).max().unwrap_or(0);
    64 - widest.leading_zeros() + 1
}

/// Weights offset into `[0, 2^bits)` and packed `⌊248 / bits⌋` to a word, little end first.
pub fn pack_weights(weights: &[i64], bits: u32) -> Vec<Fr> {
    let per_word = (PACKED_WORD_BITS / bits) as usize;
    weights
        .chunks(per_word)
        .map(|chunk| {
            chunk.iter().enumerate().fold(Fr::from(0u64), |acc, (i, w)| {
                acc + signed(i128::from(*w) + (1i128 << (bits - 1))) * crate::commitment::power_of_two(bits * i as u32)
            })
        })
        .collect()
}

/// The private model's identifier: Poseidon (width 9) over its packed weights.
pub fn weights_commitment(mlp: &QuantizedMlp, bits: u32) -> Fr {
    poseidon::hash(poseidon::model_config(), &pack_weights(&weights_in_order(mlp), bits))
}

/// The public model's identifier: the first 31 bytes of the model file's SHA-256, big-endian.
pub fn file_identifier(sha256_hex: &str) -> Result<Fr, ZkError> {
    let bytes = crate::files::unhex(sha256_hex).filter(|b| b.len() == 32).ok_or(ZkError::ModelHash)?;
    Ok(Fr::from_be_bytes_mod_order(&bytes[..31]))
}

impl DecisionModel {
    /// The model of `file` with public weights.
    pub fn public(file: &ModelFile) -> Result<Self, ZkError> {
        let model_id = file_identifier(&file.sha256)?;
        Ok(Self {
            encoder: file.fixed_encoder().map_err(InferenceError::from)?,
            mlp: file.payload.quantized.clone(),
            visibility: Visibility::Public,
            sha256: file.sha256.clone(),
            model_id,
        })
    }

    /// The model of `file` with private weights, in the fewest bits that hold them.
    pub fn private(file: &ModelFile) -> Result<Self, ZkError> {
        let mlp = file.payload.quantized.clone();
        let weight_bits = weight_bits_needed(&mlp);
        let model_id = weights_commitment(&mlp, weight_bits);
        Ok(Self {
            encoder: file.fixed_encoder().map_err(InferenceError::from)?,
            mlp,
            visibility: Visibility::Private { weight_bits },
            sha256: file.sha256.clone(),
            model_id,
        })
    }

    /// The identifier the circuit takes as its first public input.
    pub fn model_id(&self) -> Fr {
        self.model_id
    }

    /// The fixed-point margin of `attributes` (`aloe-ml`'s inference: the circuit's specification).
    pub fn margin(&self, attributes: &CommittedAttributes) -> Result<i128, ZkError> {
        attributes.check().map_err(InferenceError::from)?;
        Ok(self.mlp.margin(&self.encoder.encode(attributes)).map_err(InferenceError::from)?)
    }
}
