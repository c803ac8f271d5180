//! Private loan decisions on-chain: a generated Groth16 verifier of one model ([`DecisionVerifier`]) and the
//! owner-managed registry that numbers them for loans ([`DecisionModels`]).

use alloy_primitives::{Address, U256};
use alloy_sol_types::{SolCall, SolValue};
use aloe_chain::Chain;

use crate::{
    Result, Sent,
    bindings::{DecisionModels as abi, TestDecisionVerifier as verifier_abi},
    tx::{deploy, expect_event, send, view, view_gas},
};

pub use abi::{DecisionModelRegistered, DecisionModelRetired};

const NAME: &str = "DecisionModels";
const VERIFIER: &str = "DecisionVerifier";

/// The registry of decision models loans may require: index (from 1, write-once) to verifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DecisionModels {
    /// Its address.
    pub address: Address,
}

impl DecisionModels {
    /// Deploys a registry owned by `owner` (before the bureau, which takes its address).
    pub fn deploy(chain: &mut dyn Chain, owner: Address) -> Result<Sent<Self>> {
        let mut code = crate::artifacts::DECISION_MODELS.bytecode.to_vec();
        code.extend(owner.abi_encode());
        let sent = deploy(chain, NAME, owner, code)?;
        Ok(Sent { value: Self { address: sent.value }, receipt: sent.receipt })
    }

    fn send<C: SolCall>(&self, chain: &mut dyn Chain, from: Address, call: C) -> Result<Sent> {
        send(chain, NAME, from, self.address, U256::ZERO, call)
    }

    fn view<C: SolCall>(&self, chain: &mut dyn Chain, call: C) -> Result<C::Return> {
        view(chain, NAME, self.address, call)
    }

    /// Registers `verifier` under the next index (owner only); returns the index.
    pub fn register(&self, chain: &mut dyn Chain, owner: Address, verifier: Address) -> Result<Sent<u32>> {
        let sent = self.send(chain, owner, abi::registerCall { verifier })?;
        let registered = expect_event::<abi::registerCall, DecisionModelRegistered>(&sent.receipt, NAME, self.address)?;
        Ok(Sent { value: registered.index, receipt: sent.receipt })
    }

    /// Stops new loans from requiring model `index` (owner only).
    pub fn retire(&self, chain: &mut dyn Chain, owner: Address, index: u32) -> Result<Sent> {
        self.send(chain, owner, abi::retireCall { index })
    }

    /// The verifier of model `index` (reverts `UnknownDecisionModel` for none).
    pub fn verifier_of(&self, chain: &mut dyn Chain, index: u32) -> Result<DecisionVerifier> {
        Ok(DecisionVerifier { address: self.view(chain, abi::verifierOfCall { index })? })
    }

    /// The model identifier of model `index`.
    pub fn model_id_of(&self, chain: &mut dyn Chain, index: u32) -> Result<U256> {
        self.view(chain, abi::modelIdOfCall { index })
    }

    /// Whether model `index` was retired.
    pub fn is_retired(&self, chain: &mut dyn Chain, index: u32) -> Result<bool> {
        self.view(chain, abi::isRetiredCall { index })
    }

    /// How many models were registered (the last index).
    pub fn model_count(&self, chain: &mut dyn Chain) -> Result<u32> {
        self.view(chain, abi::modelCountCall {})
    }

    /// The registry's owner.
    pub fn owner(&self, chain: &mut dyn Chain) -> Result<Address> {
        self.view(chain, abi::ownerCall {})
    }
}

/// A deployed decision verifier (the contract `aloe-zk` generates from a verifying key and a model identifier).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DecisionVerifier {
    /// Its address.
    pub address: Address,
}

impl DecisionVerifier {
    /// Deploys a verifier from its creation code (an artifact's `bytecode`, e.g.
    /// [`crate::artifacts::TEST_DECISION_VERIFIER`]; generated verifiers take no constructor arguments).
    pub fn deploy(chain: &mut dyn Chain, from: Address, init_code: Vec<u8>) -> Result<Sent<Self>> {
        let sent = deploy(chain, VERIFIER, from, init_code)?;
        Ok(Sent { value: Self { address: sent.value }, receipt: sent.receipt })
    }

    /// The model identifier the verifier is fixed to.
    pub fn model_id(&self, chain: &mut dyn Chain) -> Result<U256> {
        view(chain, VERIFIER, self.address, verifier_abi::modelIdCall {})
    }

    /// Whether `proof` (see `aloe_zk::solidity::proof_words`) proves the decision for `input`
    /// (`[attributes commitment, borrower, minimum margin as a field element]`).
    pub fn verify_proof(&self, chain: &mut dyn Chain, proof: [U256; 8], input: [U256; 3]) -> Result<bool> {
        view(chain, VERIFIER, self.address, verifier_abi::verifyProofCall { proof, input })
    }

    /// The gas of `verifyProof` sent as a transaction of its own (base cost and calldata included).
    pub fn verify_proof_gas(&self, chain: &mut dyn Chain, proof: [U256; 8], input: [U256; 3]) -> Result<u64> {
        view_gas(chain, VERIFIER, self.address, verifier_abi::verifyProofCall { proof, input })
    }
}

/// Deploys any contract from its creation code (constructor arguments appended), e.g. a verifier or a mock;
/// `contract` names it in errors.
pub fn deploy_contract(
    chain: &mut dyn Chain,
    contract: &'static str,
    from: Address,
    init_code: Vec<u8>,
) -> Result<Sent<Address>> {
    deploy(chain, contract, from, init_code)
}

/// A 10-ether loan of six monthly payments at 1%, no minimum score and no fee, open for a week from `now`,
/// lending only on decision model `decision_model`'s approval at `min_decision_margin` (0, 0: an ungated
/// twin): the terms the decision path's tests and benchmarks share.
pub fn decision_loan_terms(now: u64, decision_model: u32, min_decision_margin: i32) -> crate::LoanTerms {
    crate::LoanTerms {
        asset: Address::ZERO,
        totalAmount: crate::lifecycle::whole(10).to(),
        intRatePerMil: 10,
        numPayments: 6,
        secondsBetweenPayments: 30 * 86_400,
        minCreditScore: 0,
        fundDate: alloy_primitives::Uint::from(now + 7 * 86_400),
        gracePeriod: 15 * 86_400,
        creatorFeePerMil: 0,
        decisionModel: decision_model,
        minDecisionMargin: min_decision_margin,
    }
}
