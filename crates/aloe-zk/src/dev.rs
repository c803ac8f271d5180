//! The development deployment's decision models: the shipped model with public weights and one 10-unit
//! member with private weights, their keys from PUBLIC SEEDS, and the generated verifier contracts
//! committed under `contracts/src/verifiers/` (so the embedded chain needs no compiler).
//!
//! Anyone who knows a seed can forge proofs for its keys: these verifiers are for tests, demos and the
//! embedded chain. A real deployment runs `aloe zk setup` (or a ceremony) and `aloe zk export-verifier`.

use aloe_ml::model_file::ModelFile;
use ark_bn254::Bn254;
use ark_groth16::ProvingKey;

use crate::ZkError;
use crate::groth16::insecure_setup_from_seed;
use crate::model::DecisionModel;

/// The shipped model file (71-200-2, 12 fractional bits).
pub const SHIPPED_MODEL: &str = include_str!("../../../data/models/german-credit-mlp.json");
/// One 10-unit member (71-10-2) at 12 fractional bits.
pub const SMALL_MODEL: &str = include_str!("../../../data/models/german-credit-mlp-10.json");
/// One 10-unit member at 8 fractional bits (the private-weights example).
pub const SMALL_MODEL_F8: &str = include_str!("../../../data/models/german-credit-mlp-10-f8.json");

/// A development decision model: which file, which weights, which seed, which contract.
#[derive(Debug, Clone, Copy)]
pub struct DevModel {
    /// The model file's JSON.
    pub model_json: &'static str,
    /// Whether the weights are private.
    pub private_weights: bool,
    /// The public seed of its keys.
    pub seed: u64,
    /// The verifier contract's name (and file `contracts/src/verifiers/<name>.sol`).
    pub contract: &'static str,
}

/// The shipped model, public weights.
pub const PUBLIC: DevModel = DevModel {
    model_json: SHIPPED_MODEL,
    private_weights: false,
    seed: 0xA10E_0001,
    contract: "DevGermanCreditVerifier",
};

/// The 10-unit member, private weights.
pub const PRIVATE: DevModel = DevModel {
    model_json: SMALL_MODEL_F8,
    private_weights: true,
    seed: 0xA10E_0002,
    contract: "DevGermanCreditPrivateVerifier",
};

impl DevModel {
    /// The circuit's model.
    pub fn model(&self) -> Result<DecisionModel, ZkError> {
        let file = ModelFile::from_json(self.model_json).map_err(|e| ZkError::Encoding(e.to_string()))?;
        if self.private_weights { DecisionModel::private(&file) } else { DecisionModel::public(&file) }
    }

    /// Its keys, from the public seed.
    pub fn keys(&self, model: &DecisionModel) -> Result<ProvingKey<Bn254>, ZkError> {
        insecure_setup_from_seed(model, self.seed)
    }

    /// The verifier contract's source, as committed.
    pub fn verifier_source(&self) -> Result<String, ZkError> {
        let model = self.model()?;
        let pk = self.keys(&model)?;
        crate::solidity::verifier_source(&pk.vk, model.model_id(), self.contract)
            .map_err(|e| ZkError::Encoding(e.to_string()))
    }
}
