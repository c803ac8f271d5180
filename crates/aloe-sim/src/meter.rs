//! Gas of every transaction the market sends, by function. The escrow parties send through their own
//! registry, which keeps no receipt, so the market meters the chain itself: one wrapper below the
//! [`SharedChain`](aloe_chain::SharedChain) every party holds.

use std::sync::{Arc, Mutex};

use alloy_primitives::{Address, Bytes, U256};
use alloy_sol_types::SolCall;
use aloe_chain::{Chain, ChainLog, LogFilter, Receipt, Result, Snapshot, TxRequest};
use aloe_contracts::bindings::{
    CreditBureau as bureau, DecisionModels as decision_models, IdentityEscrow as escrow, Loan as loan,
};

/// The transactions sent so far: (function name, gas used), oldest first.
pub type Sent = Arc<Mutex<Vec<(&'static str, u64)>>>;

/// A chain that records the gas of every committed transaction.
pub struct GasMeter {
    inner: Box<dyn Chain + Send>,
    sent: Sent,
}

impl GasMeter {
    /// Meters `inner`; the returned list fills as transactions commit.
    pub fn new(inner: Box<dyn Chain + Send>) -> (Self, Sent) {
        let sent = Sent::default();
        (Self { inner, sent: sent.clone() }, sent)
    }
}

/// The function a transaction calls, by its selector ("deploy" for a creation, "other" if unknown).
pub fn function_name(tx: &TxRequest) -> &'static str {
    if tx.to.is_none() {
        return "deploy";
    }
    let Some(selector) = tx.input.get(..4) else { return "transfer" };
    let known: [([u8; 4], &'static str); 17] = [
        (loan::makePaymentCall::SELECTOR, "makePayment"),
        (loan::borrowCall::SELECTOR, "borrow"),
        (loan::borrowWithProofCall::SELECTOR, "borrowWithProof"),
        (decision_models::registerCall::SELECTOR, "registerDecisionModel"),
        (loan::disburseCall::SELECTOR, "disburse"),
        (loan::investCall::SELECTOR, "invest"),
        (loan::withdrawCall::SELECTOR, "withdraw"),
        (loan::cancelBorrowCall::SELECTOR, "cancelBorrow"),
        (bureau::recordPointCall::SELECTOR, "recordPoint"),
        (bureau::reportDefaultCall::SELECTOR, "reportDefault"),
        (bureau::createLoanCall::SELECTOR, "createLoan"),
        (bureau::initScoreLedgerCall::SELECTOR, "initScoreLedger"),
        (bureau::addNotaryCall::SELECTOR, "addNotary"),
        (bureau::setIdentityEscrowCall::SELECTOR, "setIdentityEscrow"),
        (escrow::releaseSharesCall::SELECTOR, "releaseShares"),
        (escrow::setEncryptionKeyCall::SELECTOR, "setEncryptionKey"),
        (escrow::setAuditorsCall::SELECTOR, "setAuditors"),
    ];
    known.iter().find(|(s, _)| s == selector).map_or("other", |(_, name)| name)
}

impl Chain for GasMeter {
    fn backend(&self) -> &'static str {
        self.inner.backend()
    }
    fn chain_id(&mut self) -> Result<u64> {
        self.inner.chain_id()
    }
    fn send(&mut self, tx: TxRequest) -> Result<Receipt> {
        let name = function_name(&tx);
        let receipt = self.inner.send(tx)?;
        self.sent.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push((name, receipt.gas_used));
        Ok(receipt)
    }
    fn call(&mut self, tx: TxRequest) -> Result<Bytes> {
        self.inner.call(tx)
    }
    fn estimate_gas(&mut self, tx: TxRequest) -> Result<u64> {
        self.inner.estimate_gas(tx)
    }
    fn balance(&mut self, account: Address) -> Result<U256> {
        self.inner.balance(account)
    }
    fn code(&mut self, account: Address) -> Result<Bytes> {
        self.inner.code(account)
    }
    fn block_number(&mut self) -> Result<u64> {
        self.inner.block_number()
    }
    fn block_hash(&mut self, number: u64) -> Result<alloy_primitives::B256> {
        self.inner.block_hash(number)
    }
    fn logs(&mut self, filter: &LogFilter) -> Result<Vec<ChainLog>> {
        self.inner.logs(filter)
    }
    fn timestamp(&mut self) -> Result<u64> {
        self.inner.timestamp()
    }
    fn advance_time(&mut self, seconds: u64) -> Result<u64> {
        self.inner.advance_time(seconds)
    }
    fn set_balance(&mut self, account: Address, amount: U256) -> Result<()> {
        self.inner.set_balance(account, amount)
    }
    fn snapshot(&mut self) -> Result<Snapshot> {
        self.inner.snapshot()
    }
    fn revert_to(&mut self, snapshot: Snapshot) -> Result<()> {
        self.inner.revert_to(snapshot)
    }
}
