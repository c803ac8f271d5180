//! Integration tests of the decision circuit: natively (constraint satisfaction, proofs) here, and
//! on-chain against the generated verifier.

mod circuit;
mod onchain;
mod proofs;
mod verifier;

use aloe_ml::model_file::ModelFile;

/// The shipped model (20 members of 10 units averaged: 71-200-2, 12 fractional bits).
pub fn shipped_model() -> ModelFile {
    ModelFile::from_json(include_str!("../../../../data/models/german-credit-mlp.json")).unwrap()
}

/// One 10-unit member (71-10-2), 12 fractional bits.
pub fn small_model() -> ModelFile {
    ModelFile::from_json(include_str!("../../../../data/models/german-credit-mlp-10.json")).unwrap()
}

/// The same member at 8 fractional bits (the private-weights variant's model).
pub fn small_model_f8() -> ModelFile {
    ModelFile::from_json(include_str!("../../../../data/models/german-credit-mlp-10-f8.json")).unwrap()
}
