//! Deploying the whole protocol in one call, and the deployment file other commands read.

use alloy_primitives::Address;
use alloy_sol_types::SolConstructor;
use aloe_chain::Chain;

use crate::{CreditBureau, KnnModel, Result, artifacts, bindings::CreditBureau as abi, tx::deploy};

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
    /// The bureau's owner (manages notaries).
    pub owner: Address,
    /// Gas the deployment used.
    pub deploy_gas: u64,
}

impl Protocol {
    /// Deploys the CreditBureau (which deploys the Loan implementation) from `owner`.
    pub fn deploy(chain: &mut dyn Chain, owner: Address) -> Result<Self> {
        let mut code = artifacts::CREDIT_BUREAU.bytecode.to_vec();
        code.extend(abi::constructorCall { owner }.abi_encode());
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
        Ok(Self { chain_id, bureau, loan_implementation, score_model, owner, deploy_gas: sent.receipt.gas_used })
    }
}
