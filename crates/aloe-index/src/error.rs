//! What can go wrong opening, syncing and reading an index.

use std::path::PathBuf;

/// The indexer's errors.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file cannot be opened as SQLite at all (a garbage file, a directory, no permission).
    #[error("{path} is not a readable SQLite database")]
    Unreadable {
        /// The index file.
        path: PathBuf,
        /// What SQLite said.
        #[source]
        source: rusqlite::Error,
    },
    /// A SQLite database, but another application's (or an index with tables it does not recognise).
    #[error("{path} is not an Aloe index: {reason}")]
    NotAnIndex {
        /// The index file.
        path: PathBuf,
        /// What gave it away.
        reason: String,
    },
    /// An Aloe index written by another version of this crate.
    #[error("index schema version {found}, this build reads version {expected}")]
    SchemaVersion {
        /// The file's version.
        found: i64,
        /// The version this build writes and reads.
        expected: i64,
    },
    /// The file indexes another deployment than the one asked for: one file follows one deployment.
    #[error("the index follows deployment {indexed}, not {requested}")]
    OtherDeployment {
        /// The deployment the file was created for (JSON of its chain id and addresses).
        indexed: String,
        /// The deployment asked for.
        requested: String,
    },
    /// The chain synced from is not the one the deployment lives on.
    #[error("the chain's id is {chain}, the deployment's is {deployment}")]
    WrongChain {
        /// What the chain reports.
        chain: u64,
        /// What the deployment records.
        deployment: u64,
    },
    /// A chain request failed.
    #[error("chain: {operation}")]
    Chain {
        /// What was asked ("logs", "block_hash"...).
        operation: &'static str,
        /// The backend's error.
        #[source]
        source: aloe_chain::Error,
    },
    /// The chain changed under a range while it was being read (logs of one block with two hashes): nothing
    /// of the range was written, and the next sync sees the reorganisation and handles it.
    #[error("block {block} changed while its range was being read")]
    ChainMovedDuringRead {
        /// The block seen with two hashes.
        block: u64,
    },
    /// A followed contract's log that does not decode as the event its signature names.
    #[error("cannot decode {event} at block {block}, log {log_index}: {reason}")]
    Decode {
        /// The event's signature.
        event: String,
        /// Its block.
        block: u64,
        /// Its position in the block.
        log_index: u64,
        /// The decoder's message.
        reason: String,
    },
    /// A stored value that this crate never writes (an amount that is not a decimal number...).
    #[error("corrupt index: {what}")]
    Corrupt {
        /// What was found.
        what: String,
    },
    /// SQLite failed.
    #[error("index store")]
    Store(#[from] rusqlite::Error),
}

/// The indexer's results.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Wraps a chain error with the operation that failed.
pub(crate) fn chain(operation: &'static str) -> impl FnOnce(aloe_chain::Error) -> Error {
    move |source| Error::Chain { operation, source }
}
