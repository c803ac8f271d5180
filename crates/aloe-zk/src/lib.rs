//! Private loan decisions: a Groth16 proof (BN254, arkworks) that the credit model approves the
//! attributes a notary committed to for a borrower, and the Solidity verifier that checks it on-chain.
//!
//! - [`poseidon`]: the two Poseidon hashes (attributes commitment, private model commitment).
//! - [`commitment`]: packing the committed attributes and `Poseidon(packed, salt)`, what the notary stores.
//! - [`model`]: an `aloe-ml` model file as the circuit sees it, with public or private weights.
//! - [`circuit`]: the constraints: commitment opening, the integer encoding and inference of `aloe-ml`
//!   (its specification), and `margin ≥ threshold`; the prover's trace.
//! - [`groth16`]: setup, prove, verify, sizes and (de)serialisation.
//! - [`bench`]: the circuit's figures for one model (BENCHMARKS.md).
//! - [`dev`]: the development deployment's models, keys from public seeds, and their committed verifiers.
//! - [`files`]: the verifying-key, proof and attributes files.
//! - [`solidity`]: the Solidity verifier generated from a verifying key, and the proof's calldata words.

use aloe_ml::model_file::InferenceError;
use ark_relations::gr1cs::SynthesisError;
use thiserror::Error;

pub mod bench;
pub mod circuit;
pub mod commitment;
pub mod dev;
pub mod files;
pub mod groth16;
pub mod model;
pub mod poseidon;
pub mod solidity;

/// Why a proof could not be made or checked.
#[derive(Debug, Error)]
pub enum ZkError {
    /// The model file's hash is not 64 hex digits.
    #[error("the model file's sha256 is not 64 hex digits")]
    ModelHash,
    /// The attributes or the model cannot be run in fixed point.
    #[error(transparent)]
    Inference(#[from] InferenceError),
    /// The model does not approve the attributes at the threshold.
    #[error("the model does not approve: margin {margin} is below the threshold {min_margin}")]
    NotApproved {
        /// The attributes' margin (fixed-point units).
        margin: i128,
        /// The threshold asked for.
        min_margin: i32,
    },
    /// The constraint system refused (an unsatisfiable witness, or a model too wide to be sound).
    #[error("constraint synthesis: {0}")]
    Synthesis(#[from] SynthesisError),
    /// Bytes that are not a key or proof.
    #[error("not a valid encoding: {0}")]
    Encoding(String),
}
