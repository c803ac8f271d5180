//! The indexer: the protocol's events followed into SQLite, and the queries the API and dashboard read.
//!
//! An [`Indexer`] is one SQLite file bound to one deployment ([`aloe_contracts::Protocol`]).
//! [`Indexer::sync`] reads the logs of the deployment's contracts and of every loan the bureau created, from
//! the block after its cursor up to the chain's head, through any [`aloe_chain::Chain`]:
//!
//! ```text
//! chain --logs (ranges)--> events (raw + decoded JSON) --fold--> loans, positions, borrowers, defaults, model
//!        --block hashes--> checkpoints --(hash changed)--> rollback to the last safe block, rebuild, re-read
//! ```
//!
//! Each range is applied in one transaction with the new cursor, so an interrupted sync resumes where the
//! last whole range ended. Before each range the cursor block's hash is compared with the chain's; after a
//! reorganisation the index rolls back to the newest checkpoint the chain still has ([`Rollback`] in the
//! [`SyncReport`]). The queries ([`Indexer::loans`], [`Indexer::loan`], [`Indexer::borrower`],
//! [`Indexer::lender`], [`Indexer::market`], [`Indexer::model_history`]) return the serialisable structs of
//! [`views`]; loan statuses follow the rules documented on [`LoanStatus`].
//!
//! ```
//! use aloe_chain::{EmbeddedChain, dev_signer};
//! use aloe_contracts::Protocol;
//! use aloe_index::{Indexer, LoanFilter};
//!
//! let mut chain = EmbeddedChain::new();
//! let protocol = Protocol::deploy(&mut chain, dev_signer(0).address()).unwrap();
//! let dir = tempfile::tempdir().unwrap();
//! let mut index = Indexer::open(dir.path().join("index.sqlite"), &protocol).unwrap();
//! let report = index.sync(&mut chain).unwrap();
//! assert_eq!(report.cursor, Some(chain_head(&mut chain)));
//! assert_eq!(index.loans(&LoanFilter::default()).unwrap().total, 0);
//! # fn chain_head(chain: &mut EmbeddedChain) -> u64 { aloe_chain::Chain::block_number(chain).unwrap() }
//! ```

mod decode;
mod error;
mod indexer;
mod projections;
mod queries;
mod reorg;
mod schema;
mod sync;
/// The queries' answers (serialisable, camelCase) and the status rules.
pub mod views;

pub use decode::Source;
pub use error::{Error, Result};
pub use indexer::{Indexer, Options};
pub use reorg::Rollback;
pub use sync::SyncReport;
pub use views::{
    Amount, AssetVolume, BorrowerDetail, BorrowerPosition, BorrowerStatus, Bucket, DefaultBucket, DefaultRecord,
    EventRecord, IndexStatus, LenderDetail, LenderLoan, LenderPosition, LoanDetail, LoanFilter, LoanPage, LoanStatus,
    LoanSummary, Market, ModelEvent, ModelEventKind, ModelHistory, Registration, StatusCounts, Terms,
};
