//! The private-decision path on a chain: a development verifier deployed and registered as a decision
//! model, and a borrower's proof in the words `Loan.borrowWithProof` takes. Used by `aloe demo`, the
//! benchmarks and the end-to-end tests.

use alloy_primitives::{Address, U256};
use aloe_chain::Chain;
use aloe_contracts::{DecisionVerifier, Protocol, artifacts};
use aloe_ml::fixed_input::CommittedAttributes;
use aloe_zk::dev::DevModel;
use aloe_zk::files::address_field;
use aloe_zk::model::DecisionModel;
use ark_bn254::{Bn254, Fr};
use ark_groth16::ProvingKey;
use rand::{CryptoRng, RngCore};

use crate::error::Error;

type Result<T> = std::result::Result<T, Error>;

/// A decision model the chain knows: its index in `DecisionModels`, the circuit's model and its keys.
pub struct RegisteredModel {
    /// Index in the registry (what loans name).
    pub index: u32,
    /// Its verifier contract.
    pub verifier: DecisionVerifier,
    /// The circuit's model.
    pub model: DecisionModel,
    /// The proving key.
    pub keys: ProvingKey<Bn254>,
}

/// Deploy `dev`'s committed verifier from `owner` and register it (the owner is the registry's).
pub fn register_dev_model(
    chain: &mut dyn Chain,
    protocol: &Protocol,
    owner: Address,
    dev: DevModel,
) -> Result<RegisteredModel> {
    let artifact =
        if dev.private_weights { &artifacts::DEV_PRIVATE_DECISION_VERIFIER } else { &artifacts::DEV_DECISION_VERIFIER };
    let model = dev.model()?;
    let keys = dev.keys(&model)?;
    let verifier = DecisionVerifier::deploy(chain, owner, artifact.bytecode.to_vec())?.value;
    let index = protocol.decision_models.register(chain, owner, verifier.address)?.value;
    Ok(RegisteredModel { index, verifier, model, keys })
}

/// A development decision model registered on a chain at `index`, its proving keys made on first use
/// (from the public seed: a setup of seconds that a node's start need not wait for).
pub struct LazyModel {
    /// Index in the registry.
    pub index: u32,
    dev: DevModel,
    registered: std::sync::OnceLock<RegisteredModel>,
}

impl std::fmt::Debug for LazyModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LazyModel").field("index", &self.index).finish()
    }
}

impl LazyModel {
    /// `dev`'s verifier deployed from `owner` and registered; its index.
    pub fn register(chain: &mut dyn Chain, protocol: &Protocol, owner: Address, dev: DevModel) -> Result<u32> {
        let artifact = if dev.private_weights {
            &artifacts::DEV_PRIVATE_DECISION_VERIFIER
        } else {
            &artifacts::DEV_DECISION_VERIFIER
        };
        let verifier = DecisionVerifier::deploy(chain, owner, artifact.bytecode.to_vec())?.value;
        Ok(protocol.decision_models.register(chain, owner, verifier.address)?.value)
    }

    /// The model registered at `index` as `dev`'s.
    pub fn new(index: u32, dev: DevModel) -> Self {
        Self { index, dev, registered: std::sync::OnceLock::new() }
    }

    /// The model with its keys (made on the first call).
    pub fn keyed(&self, chain: &mut dyn Chain, protocol: &Protocol) -> Result<&RegisteredModel> {
        if let Some(registered) = self.registered.get() {
            return Ok(registered);
        }
        let model = self.dev.model()?;
        let keys = self.dev.keys(&model)?;
        let verifier = protocol.decision_models.verifier_of(chain, self.index)?;
        Ok(self.registered.get_or_init(|| RegisteredModel { index: self.index, verifier, model, keys }))
    }
}

impl RegisteredModel {
    /// `borrower`'s proof that the model approves `attributes` (committed with `salt`) at `min_margin`.
    pub fn prove<R: RngCore + CryptoRng>(
        &self,
        attributes: &CommittedAttributes,
        salt: Fr,
        borrower: Address,
        min_margin: i32,
        rng: &mut R,
    ) -> Result<[U256; 8]> {
        let borrower = address_field(&borrower.into_array());
        let (proof, _) = aloe_zk::groth16::prove(&self.keys, &self.model, attributes, salt, borrower, min_margin, rng)?;
        Ok(aloe_zk::solidity::proof_words(&proof))
    }
}
