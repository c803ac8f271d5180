//! Deploying the whole protocol in one call, and the deployment file other commands read.

use alloy_primitives::Address;
use alloy_sol_types::SolConstructor;
use aloe_chain::Chain;

use crate::{
    CreditBureau, DecisionModels, IdentityEscrow, KnnModel, Result, artifacts, bindings::CreditBureau as abi,
    tx::deploy,
};

/// A deployed Aloe protocol: what a deployment file records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Protocol {
    /// Chain id it was deployed on.
    pub chain_id: u64,
    /// The CreditBureau (loan factory, registry, ledgers, scores).
    pub bureau: CreditBureau,
    /// The Loan implementation every loan clones.
    pub loan_implementation: Address,
    /// The k-NN model the bureau scores with.
    pub score_model: KnnModel,
    /// The identity escrow registrations record into (auditor sets, shares' hand-over).
    pub identity_escrow: IdentityEscrow,
    /// The registry of decision models loans may require (owned by `owner`).
    pub decision_models: DecisionModels,
    /// The bureau's owner (manages notaries).
    pub owner: Address,
    /// Gas the deployment used (registry, bureau, escrow, and wiring them).
    pub deploy_gas: u64,
}

impl Protocol {
    /// Deploys the DecisionModels registry, the CreditBureau with the registry's address (the bureau deploys
    /// the Loan implementation and the k-NN model) and its IdentityEscrow from `owner`, and points the bureau
    /// at the escrow. Registrations need an auditor set next ([`IdentityEscrow::set_auditors`]); loans that
    /// require a decision proof need a verifier registered ([`DecisionModels::register`]).
    pub fn deploy(chain: &mut dyn Chain, owner: Address) -> Result<Self> {
        let models = DecisionModels::deploy(chain, owner)?;
        let mut code = artifacts::CREDIT_BUREAU.bytecode.to_vec();
        code.extend(abi::constructorCall { owner, decisionModels_: models.value.address }.abi_encode());
        let sent = deploy(chain, "CreditBureau", owner, code)?;
        let bureau = CreditBureau { address: sent.value };
        let loan_implementation =
            crate::tx::view(chain, "CreditBureau", bureau.address, abi::loanImplementationCall {})?;
        let score_model =
            KnnModel { address: crate::tx::view(chain, "CreditBureau", bureau.address, abi::scoreModelCall {})? };
        let chain_id = chain.chain_id().map_err(|source| crate::Error::Chain {
            contract: "CreditBureau",
            function: "chainId",
            source,
        })?;
        let escrow = IdentityEscrow::deploy(chain, owner, bureau.address)?;
        let wired = bureau.set_identity_escrow(chain, owner, escrow.value.address)?;
        let deploy_gas =
            models.receipt.gas_used + sent.receipt.gas_used + escrow.receipt.gas_used + wired.receipt.gas_used;
        Ok(Self {
            chain_id,
            bureau,
            loan_implementation,
            score_model,
            identity_escrow: escrow.value,
            decision_models: models.value,
            owner,
            deploy_gas,
        })
    }
}
