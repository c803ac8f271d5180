//! The [`Indexer`]: one SQLite file bound to one deployment, and the settings of how it follows the chain.

use std::path::Path;

use alloy_primitives::Address;
use aloe_contracts::Protocol;
use rusqlite::Connection;

use crate::{Result, Source, schema, views::IndexStatus};

/// How the indexer reads the chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// Blocks per `eth_getLogs` range (and per transaction). Nodes cap the range or the answer's size; 2,000
    /// suits most.
    pub range_blocks: u64,
    /// Blocks left unindexed below the head: a reorganisation shallower than this never reaches the index. 0
    /// indexes up to the head and relies on rollbacks alone.
    pub confirmations: u64,
    /// The first block read on a fresh index (the deployment's block, on a long chain).
    pub start_block: u64,
    /// Block hashes kept for finding the last safe block after a reorganisation; a deeper one re-indexes from
    /// `start_block`.
    pub checkpoints_kept: u64,
}

impl Default for Options {
    fn default() -> Self {
        Self { range_blocks: 2_000, confirmations: 0, start_block: 0, checkpoints_kept: 256 }
    }
}

/// An index of one deployment's events in SQLite, and the queries over it.
///
/// [`Indexer::sync`] follows the chain; the query methods ([`Indexer::loans`], [`Indexer::loan`],
/// [`Indexer::borrower`], [`Indexer::lender`], [`Indexer::market`], [`Indexer::model_history`]) read what is
/// indexed. The file is in WAL mode, so another `Indexer` opened on it (an API process) reads while this one
/// writes.
#[derive(Debug)]
pub struct Indexer {
    pub(crate) connection: Connection,
    pub(crate) protocol: Protocol,
    pub(crate) options: Options,
}

impl Indexer {
    /// Opens (creating if needed) the index at `path` for `protocol`, with default [`Options`]. Refuses a file
    /// that is not an Aloe index ([`crate::Error::Unreadable`], [`crate::Error::NotAnIndex`],
    /// [`crate::Error::SchemaVersion`]) or that indexes another deployment ([`crate::Error::OtherDeployment`]).
    pub fn open(path: impl AsRef<Path>, protocol: &Protocol) -> Result<Self> {
        Self::open_with(path, protocol, Options::default())
    }

    /// [`Indexer::open`] with `options`.
    pub fn open_with(path: impl AsRef<Path>, protocol: &Protocol, options: Options) -> Result<Self> {
        let connection = schema::open(path.as_ref())?;
        schema::bind_deployment(&connection, protocol)?;
        let options = Options { range_blocks: options.range_blocks.max(1), ..options };
        Ok(Self { connection, protocol: *protocol, options })
    }

    /// The deployment indexed.
    pub fn protocol(&self) -> &Protocol {
        &self.protocol
    }

    /// The options in force.
    pub fn options(&self) -> Options {
        self.options
    }

    /// The last block indexed (none before the first range).
    pub fn cursor(&self) -> Result<Option<u64>> {
        schema::get_meta_u64(&self.connection, "cursor")
    }

    /// How far the index has got.
    pub fn status(&self) -> Result<IndexStatus> {
        let count = |table: &str| -> Result<u64> {
            let n: i64 = self.connection.query_row(&format!("SELECT count(*) FROM {table}"), [], |row| row.get(0))?;
            Ok(n as u64)
        };
        Ok(IndexStatus {
            cursor: self.cursor()?,
            as_of: schema::get_meta_u64(&self.connection, "as_of")?,
            events: count("events")?,
            loans: count("loans")?,
        })
    }

    /// The fixed contracts every range reads, with what they are.
    pub(crate) fn fixed_contracts(&self) -> [(Address, Source); 4] {
        let p = &self.protocol;
        [
            (p.bureau.address, Source::Bureau),
            (p.score_model.address, Source::ScoreModel),
            (p.identity_escrow.address, Source::IdentityEscrow),
            (p.decision_models.address, Source::DecisionModels),
        ]
    }

    /// What emitted a log from `address`: one of the fixed contracts, else a loan (only loans are followed
    /// besides them).
    pub(crate) fn source_of(&self, address: Address) -> Source {
        self.fixed_contracts().into_iter().find(|(a, _)| *a == address).map_or(Source::Loan, |(_, source)| source)
    }
}
