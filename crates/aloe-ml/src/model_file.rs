//! The versioned model file: everything needed to score an applicant (encoding, standardisation, float
//! and quantized weights, fractional bits, how it was trained) under a SHA-256 content hash.
//!
//! The hash is the SHA-256 of the compact JSON serialisation of `payload` (fields in declaration
//! order, floats in serde_json's shortest round-trip form), as lowercase hex. Loading recomputes it
//! from the parsed payload and refuses a file whose hash differs, whose format or version is unknown,
//! or whose quantized weights are not the rounding of its float weights.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::data::Applicant;
use crate::encoding::Encoder;
use crate::fixed_input::{AttributeError, CommittedAttributes, FixedEncoder, FixedEncodingError};
use crate::mlp::{Mlp, TrainConfig};
use crate::quantize::{QuantizeError, QuantizedMlp};

/// The `format` field of every model file.
pub const FORMAT: &str = "aloe-ml/mlp";
/// The current format version.
pub const VERSION: u32 = 1;

/// What the hash covers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Payload {
    /// The fitted encoder (kind, log transform, standardisation of the training rows).
    pub encoder: Encoder,
    /// The training hyper-parameters.
    pub train: TrainConfig,
    /// Number of training rows.
    pub rows: usize,
    /// The float weights (the members already averaged into one MLP).
    pub mlp: Mlp,
    /// The same weights rounded at `quantized.frac_bits` fractional bits: what the circuit uses.
    pub quantized: QuantizedMlp,
}

/// A model file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelFile {
    /// Always [`FORMAT`].
    pub format: String,
    /// Format version ([`VERSION`]).
    pub version: u32,
    /// Lowercase hex SHA-256 of the compact JSON of `payload`.
    pub sha256: String,
    /// The model.
    pub payload: Payload,
}

/// A model file that cannot be used.
#[derive(Debug, Error)]
pub enum ModelFileError {
    /// Not JSON, or not the expected fields.
    #[error("not a model file: {0}")]
    Json(#[from] serde_json::Error),
    /// The `format` field is not [`FORMAT`].
    #[error("format {0:?} is not {FORMAT:?}")]
    Format(String),
    /// A version this build cannot read.
    #[error("format version {0} is not supported (this build reads version {VERSION})")]
    Version(u32),
    /// The content hash does not match the payload (the file was altered).
    #[error("content hash mismatch: the file says {stated}, the payload hashes to {computed}")]
    HashMismatch {
        /// The hash in the file.
        stated: String,
        /// The hash of the payload as read.
        computed: String,
    },
    /// The quantized weights are not the rounding of the float weights, or the shapes disagree.
    #[error("inconsistent model: {0}")]
    Inconsistent(&'static str),
    /// The float weights cannot be quantized at the stated fractional bits.
    #[error(transparent)]
    Quantize(#[from] QuantizeError),
}

/// Why an applicant has no fixed-point margin.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum InferenceError {
    /// The attributes are out of the committed bounds.
    #[error(transparent)]
    Attributes(#[from] AttributeError),
    /// The model's encoding has no integer form.
    #[error(transparent)]
    Encoding(#[from] FixedEncodingError),
    /// Integer inference failed.
    #[error(transparent)]
    Quantize(#[from] QuantizeError),
}

/// SHA-256 of the compact JSON of `payload`, as lowercase hex.
pub fn payload_hash(payload: &Payload) -> String {
    content_hash(payload)
}

/// The identity of any of aloe-ml's model files (this one, [`crate::defi_model`]): the SHA-256 of the
/// compact JSON of `value` (fields in declaration order, floats in shortest round-trip form), lowercase hex.
pub fn content_hash<T: Serialize>(value: &T) -> String {
    let json = serde_json::to_vec(value).expect("a payload serialises");
    Sha256::digest(&json).iter().map(|b| format!("{b:02x}")).collect()
}

impl ModelFile {
    /// Wrap a payload, computing its hash.
    pub fn new(payload: Payload) -> Self {
        Self { format: FORMAT.into(), version: VERSION, sha256: payload_hash(&payload), payload }
    }

    /// The file as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a model file serialises")
    }

    /// Read and verify a model file.
    pub fn from_json(text: &str) -> Result<Self, ModelFileError> {
        let file: ModelFile = serde_json::from_str(text)?;
        if file.format != FORMAT {
            return Err(ModelFileError::Format(file.format));
        }
        if file.version != VERSION {
            return Err(ModelFileError::Version(file.version));
        }
        let computed = payload_hash(&file.payload);
        if computed != file.sha256 {
            return Err(ModelFileError::HashMismatch { stated: file.sha256, computed });
        }
        let p = &file.payload;
        let (m, q) = (&p.mlp, &p.quantized);
        if m.w1.len() != m.hidden * m.inputs || m.b1.len() != m.hidden || m.w2.len() != 2 * m.hidden {
            return Err(ModelFileError::Inconsistent("weight shapes do not match the widths"));
        }
        if m.inputs != p.encoder.width() {
            return Err(ModelFileError::Inconsistent("the encoder's width is not the model's"));
        }
        if *q != QuantizedMlp::quantize(m, q.frac_bits)? {
            return Err(ModelFileError::Inconsistent("quantized weights are not the rounding of the float weights"));
        }
        Ok(file)
    }

    /// The integer encoding of the model's inputs at its fractional bits.
    pub fn fixed_encoder(&self) -> Result<FixedEncoder, FixedEncodingError> {
        FixedEncoder::new(&self.payload.encoder, self.payload.quantized.frac_bits)
    }

    /// The fixed-point margin (scale `2^f`) of committed attributes: integer encoding, integer inference.
    pub fn margin_committed(&self, attributes: &CommittedAttributes) -> Result<i128, InferenceError> {
        attributes.check()?;
        Ok(self.payload.quantized.margin(&self.fixed_encoder()?.encode(attributes))?)
    }

    /// The fixed-point margin (scale `2^f`) of one applicant: commit, encode, integer inference.
    pub fn margin_fixed(&self, applicant: &Applicant) -> Result<i128, InferenceError> {
        self.margin_committed(&CommittedAttributes::from_applicant(applicant)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::EncodingKind;

    fn small_model() -> ModelFile {
        let data = crate::data::german_credit();
        let encoder = Encoder::fit(EncodingKind::OneHot, true, &data.applicants);
        let x = encoder.encode_all(&data.applicants[..200]);
        let train = TrainConfig { epochs: 3, members: 2, hidden: 3, ..Default::default() };
        let mlp = crate::mlp::train(&x, &data.good[..200], &train).unwrap();
        let quantized = QuantizedMlp::quantize(&mlp, 8).unwrap();
        ModelFile::new(Payload { encoder, train, rows: 200, mlp, quantized })
    }

    #[test]
    fn round_trip_keeps_every_bit() {
        let model = small_model();
        let back = ModelFile::from_json(&model.to_json()).unwrap();
        assert_eq!(back, model);
        assert_eq!(back.sha256.len(), 64);
    }

    #[test]
    fn tampered_files_are_rejected() {
        let model = small_model();
        let mut tampered = model.clone();
        tampered.payload.mlp.b2[0] += 1e-9;
        assert!(matches!(ModelFile::from_json(&tampered.to_json()), Err(ModelFileError::HashMismatch { .. })));
        let mut edited = serde_json::to_value(&model).unwrap();
        edited["payload"]["quantized"]["b2"][0] = serde_json::json!(12345);
        assert!(matches!(ModelFile::from_json(&edited.to_string()), Err(ModelFileError::HashMismatch { .. })));
        // Re-hashed but inconsistent: the quantized weights no longer match the float ones.
        let mut payload = model.payload.clone();
        payload.quantized.b2[0] += 1;
        assert!(matches!(
            ModelFile::from_json(&ModelFile::new(payload).to_json()),
            Err(ModelFileError::Inconsistent(_))
        ));
        let mut old = model.clone();
        old.version = 0;
        assert!(matches!(ModelFile::from_json(&old.to_json()), Err(ModelFileError::Version(0))));
        assert!(matches!(ModelFile::from_json("{}"), Err(ModelFileError::Json(_))));
    }
}
