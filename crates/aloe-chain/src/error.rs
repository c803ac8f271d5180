//! Errors from either backend.

use std::path::PathBuf;

use alloy_primitives::{Address, Bytes};

/// Result of chain operations.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What can go wrong talking to a chain.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The EVM executed the transaction and it reverted; `data` is the revert payload.
    #[error("transaction reverted (revert data 0x{})", alloy_primitives::hex::encode(data))]
    Reverted {
        /// ABI-encoded revert reason or custom error.
        data: Bytes,
    },
    /// The EVM halted (out of gas, invalid opcode, ...).
    #[error("transaction halted: {reason}")]
    Halted {
        /// The EVM's reason.
        reason: String,
    },
    /// The transaction was not valid for execution (nonce, balance for value, gas cap...).
    #[error("invalid transaction: {reason}")]
    InvalidTransaction {
        /// Why the EVM refused it.
        reason: String,
    },
    /// The backend has no key for the sender.
    #[error("no signer for {address}; load its key (keystore) before sending from it")]
    UnknownSigner {
        /// The sender.
        address: Address,
    },
    /// A development-only operation on a chain that does not support it.
    #[error("{operation} is not supported by this chain: {reason}")]
    Unsupported {
        /// What was asked.
        operation: &'static str,
        /// The node's answer.
        reason: String,
    },
    /// A block after the latest was asked for.
    #[error("block {number} does not exist yet (the latest is {latest})")]
    UnknownBlock {
        /// The block asked for.
        number: u64,
        /// The latest block.
        latest: u64,
    },
    /// The JSON-RPC endpoint failed or answered something unexpected.
    #[error("JSON-RPC error from {url}: {message}")]
    Rpc {
        /// The endpoint.
        url: String,
        /// What went wrong.
        message: String,
    },
    /// The transaction was mined but failed, and the node gave no revert data.
    #[error("transaction {hash} failed on-chain (status 0)")]
    FailedOnChain {
        /// The transaction hash.
        hash: String,
    },
    /// The file of a persistent chain could not be read or written (I/O, a full disk...).
    #[error("chain file {}: {message}", path.display())]
    Store {
        /// The chain file.
        path: PathBuf,
        /// What SQLite or the file system said.
        message: String,
    },
    /// Another process (or another chain in this one) has the chain file open.
    #[error("chain file {} is in use by another process; stop it first", path.display())]
    ChainLocked {
        /// The chain file.
        path: PathBuf,
    },
    /// The file is not a chain file (not SQLite, another program's database, or corrupt); it was left
    /// as it was.
    #[error("{} is not an Aloe chain file ({reason}); it was left unchanged", path.display())]
    NotAChain {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// A chain file written in a format this version does not know.
    #[error("chain file {} has format version {version}; this build reads version {supported}", path.display())]
    UnsupportedChainFormat {
        /// The chain file.
        path: PathBuf,
        /// The file's format version.
        version: i64,
        /// The one version this build reads and writes.
        supported: i64,
    },
}
