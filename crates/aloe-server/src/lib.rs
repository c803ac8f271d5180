//! The long-running side of Aloe. For now: the identity escrow's services around `aloe-identity`.
//!
//! - [`attributes`]: the notary's Poseidon commitment of a borrower's credit-model attributes.
//! - [`decision`]: a development decision model registered on-chain, and a borrower's proof for `borrowWithProof`.
//! - [`registry`]: [`registry::ChainRegistry`], the escrow parties' view of the chain, over `aloe-contracts`.
//! - [`keys`]: a service's keys in its data directory, encrypted at rest (Web3 Secret Storage, scrypt).
//! - [`notary`]: `POST /v1/registrations`, delivering to the auditors over HTTP ([`notary::HttpCourier`]).
//! - [`auditor`]: `POST /v1/deliveries`, and a loop that releases shares after confirmed defaults.
//! - [`in_process`]: the same parties in one process; [`walkthrough`]: the escrow narrated for `aloe demo`.
//! - [`api`]: `aloe serve`'s JSON API; [`web`]: its dashboard, HTML pages over the same reads and actions.
//!
//! Every handler runs the synchronous role logic on a blocking thread, one request at a time per service
//! (`blocking::Exclusive`): the chain and the store are synchronous, and a request is a few chain calls.

pub mod api;
pub mod app;
pub mod attributes;
pub mod auditor;
mod blocking;
pub mod decision;
mod error;
pub mod in_process;
pub mod keeper;
pub mod keys;
pub mod node;
pub mod notary;
pub mod registry;
pub mod walkthrough;
pub mod web;

pub use error::{ApiError, Error};

/// What `GET /v1/info` returns for a service.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Info {
    /// "notary" or "auditor".
    pub role: String,
    /// The service's account.
    pub address: alloy_primitives::Address,
    /// Its X25519 key (auditors).
    #[serde(default)]
    pub encryption_key: Option<alloy_primitives::B256>,
    /// The chain it works on.
    pub chain_id: u64,
    /// The escrow contract it serves.
    pub escrow: alloy_primitives::Address,
}
