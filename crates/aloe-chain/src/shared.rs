//! One chain for several parties in one process.

use std::sync::{Arc, Mutex, MutexGuard};

use alloy_primitives::{Address, B256, Bytes, U256};

use crate::{Chain, ChainLog, LogFilter, Receipt, Result, Snapshot, TxRequest};

/// A chain shared by several parties in one process (a notary, auditors, lenders, each holding its own
/// handle as separate services would hold their own connection): clones are cheap and every call
/// locks the chain for its duration.
#[derive(Clone)]
pub struct SharedChain(Arc<Mutex<Box<dyn Chain + Send>>>);

impl std::fmt::Debug for SharedChain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("SharedChain").field(&self.lock().backend()).finish()
    }
}

impl SharedChain {
    /// Shares `chain`.
    pub fn new(chain: Box<dyn Chain + Send>) -> Self {
        Self(Arc::new(Mutex::new(chain)))
    }

    fn lock(&self) -> MutexGuard<'_, Box<dyn Chain + Send>> {
        // A panic mid-call cannot leave the chain half-changed (a backend commits a transaction whole).
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Chain for SharedChain {
    fn backend(&self) -> &'static str {
        self.lock().backend()
    }

    fn chain_id(&mut self) -> Result<u64> {
        self.lock().chain_id()
    }

    fn send(&mut self, tx: TxRequest) -> Result<Receipt> {
        self.lock().send(tx)
    }

    fn call(&mut self, tx: TxRequest) -> Result<Bytes> {
        self.lock().call(tx)
    }

    fn estimate_gas(&mut self, tx: TxRequest) -> Result<u64> {
        self.lock().estimate_gas(tx)
    }

    fn balance(&mut self, account: Address) -> Result<U256> {
        self.lock().balance(account)
    }

    fn code(&mut self, account: Address) -> Result<Bytes> {
        self.lock().code(account)
    }

    fn block_number(&mut self) -> Result<u64> {
        self.lock().block_number()
    }

    fn block_hash(&mut self, number: u64) -> Result<B256> {
        self.lock().block_hash(number)
    }

    fn logs(&mut self, filter: &LogFilter) -> Result<Vec<ChainLog>> {
        self.lock().logs(filter)
    }

    fn timestamp(&mut self) -> Result<u64> {
        self.lock().timestamp()
    }

    fn advance_time(&mut self, seconds: u64) -> Result<u64> {
        self.lock().advance_time(seconds)
    }

    fn set_balance(&mut self, account: Address, amount: U256) -> Result<()> {
        self.lock().set_balance(account, amount)
    }

    fn snapshot(&mut self) -> Result<Snapshot> {
        self.lock().snapshot()
    }

    fn revert_to(&mut self, snapshot: Snapshot) -> Result<()> {
        self.lock().revert_to(snapshot)
    }
}
