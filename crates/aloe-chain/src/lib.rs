//! One [`Chain`] interface for Aloe's contracts, two backends behind it.
//!
//! - [`EmbeddedChain`]: revm in the process (Osaka rules, chain id 31337). Deterministic, fast, a
//!   clock you set, snapshots by copying state, gas per transaction. Used by `aloe demo`, the
//!   simulation and most tests. [`EmbeddedChain::new`] lives in memory only;
//!   [`EmbeddedChain::open`] keeps the same chain in a SQLite file (`store.rs`: each transaction's
//!   state diff, block and logs in one synced SQLite transaction before the call returns), so it
//!   resumes after a restart and survives `kill -9`; reads are still served from memory.
//! - [`RpcChain`]: an alloy provider over HTTP to anvil or any Ethereum node, signing with local
//!   keys ([`alloy::signers::local::PrivateKeySigner`], from a keystore in production).
//!
//! [`SharedChain`] lets several parties in one process (a notary, auditors, lenders) share either.
//!
//! Callers build a [`TxRequest`], [`Chain::send`] it and read the [`Receipt`]'s gas and logs, or
//! [`Chain::call`] it read-only for return data. A revert comes back as [`Error::Reverted`] with the
//! raw revert data, which `aloe-contracts` decodes into the protocol's custom errors.
//!
//! ```
//! use aloe_chain::{Chain, EmbeddedChain, TxRequest};
//! use alloy_primitives::{Address, U256};
//!
//! let mut chain = EmbeddedChain::new();
//! let (alice, bob) = (Address::repeat_byte(1), Address::repeat_byte(2));
//! chain.set_balance(alice, U256::from(10u64.pow(18))).unwrap();
//! let receipt = chain.send(TxRequest::call(alice, bob).with_value(U256::from(5))).unwrap();
//! assert_eq!(receipt.gas_used, 21_000);
//! assert_eq!(chain.balance(bob).unwrap(), U256::from(5));
//! ```

mod dev;
mod embedded;
mod error;
mod rpc;
mod shared;
mod store;
mod types;

pub use dev::{dev_signer, dev_signers};
pub use embedded::{EmbeddedChain, GENESIS_TIMESTAMP};
pub use error::{Error, Result};
pub use rpc::RpcChain;
pub use shared::SharedChain;
pub use types::{ChainLog, LogFilter, Receipt, Snapshot, TxRequest};

use alloy_primitives::{Address, B256, Bytes, U256};

/// Chain id of both the embedded chain and a default anvil.
pub const DEV_CHAIN_ID: u64 = 31337;

/// Osaka's per-transaction gas cap (EIP-7825); every transaction is sent with this limit on the
/// embedded chain, and anvil runs with `--enable-tx-gas-limit` so both enforce it.
pub const TX_GAS_LIMIT_CAP: u64 = 16_777_216;

/// What Aloe needs of an Ethereum chain.
pub trait Chain {
    /// A short name of the backend, for logs and reports ("embedded" or "json-rpc").
    fn backend(&self) -> &'static str;

    /// The chain id.
    fn chain_id(&mut self) -> Result<u64>;

    /// Executes a transaction and commits it; a revert is [`Error::Reverted`] and changes nothing.
    fn send(&mut self, tx: TxRequest) -> Result<Receipt>;

    /// Executes a transaction without committing it and returns its output.
    fn call(&mut self, tx: TxRequest) -> Result<Bytes>;

    /// The gas a transaction would use if sent now (the whole transaction: base cost, calldata and
    /// execution), without committing it; a revert is [`Error::Reverted`].
    fn estimate_gas(&mut self, tx: TxRequest) -> Result<u64>;

    /// The ether balance of `account`.
    fn balance(&mut self, account: Address) -> Result<U256>;

    /// The code deployed at `account` (empty for an externally owned account).
    fn code(&mut self, account: Address) -> Result<Bytes>;

    /// The number of the latest block.
    fn block_number(&mut self) -> Result<u64>;

    /// The hash of block `number` (at most the latest); an indexer compares it with what it stored to
    /// notice a reorganisation.
    fn block_hash(&mut self, number: u64) -> Result<B256>;

    /// The logs matching `filter`, oldest first.
    fn logs(&mut self, filter: &LogFilter) -> Result<Vec<ChainLog>>;

    /// The timestamp the next transaction will see (within a second on a live node).
    fn timestamp(&mut self) -> Result<u64>;

    /// Moves the clock forward by `seconds`; returns the new timestamp. Development chains only.
    fn advance_time(&mut self, seconds: u64) -> Result<u64>;

    /// Sets `account`'s ether balance. Development chains only.
    fn set_balance(&mut self, account: Address, amount: U256) -> Result<()>;

    /// Records the current state so [`Chain::revert_to`] can return to it. Development chains only.
    fn snapshot(&mut self) -> Result<Snapshot>;

    /// Returns to a state recorded by [`Chain::snapshot`].
    fn revert_to(&mut self, snapshot: Snapshot) -> Result<()>;
}
