//! Aloe's contracts from Rust: compiled artifacts, typed bindings, one-call deployment and a typed
//! wrapper for every function.
//!
//! - [`bindings`]: the `sol!` types generated from the committed artifacts (calls, events, errors).
//! - [`Protocol`]: deploys the whole protocol (the [`DecisionModels`] registry, the [`CreditBureau`], which
//!   deploys the Loan implementation itself, and the [`IdentityEscrow`]) in one call and holds its addresses, serialisable as a deployment file.
//! - [`CreditBureau`], [`Loan`], [`Token`]: thin handles over an address; each method encodes one
//!   call, sends it through any [`aloe_chain::Chain`] and decodes the result.
//! - [`Error::Reverted`] carries a [`Revert`]: the protocol's custom error, decoded.
//! - [`schedule`]: the plain-Rust reference of the contracts' amortisation math.
//! - [`IdentityEscrow`]: auditor sets, identity records, encryption keys, the share hand-over.
//! - [`DecisionModels`]: the registry of decision models a loan may require; [`DecisionVerifier`] one model's
//!   generated Groth16 verifier; [`Loan::borrow_with_proof`] borrows with a decision proof.
//! - [`KnnModel`]: the bureau's k-NN model (upload, publish, score); [`NaiveKnn`] the benchmark baseline;
//!   [`knn_upload`]: a model file's points staged resumably, published, and verified against the chain.
//! - [`aave`]: the Aave V3 pool ABI the DeFi score reads (lending events, `getUserAccountData`, the oracle's
//!   `getAssetPrice`), its readers for any V3-compatible pool, and the [`aave::TestLendingPool`] with that ABI.
//!
//! ```
//! use aloe_chain::{Chain, EmbeddedChain, dev_signer};
//! use aloe_contracts::Protocol;
//!
//! let mut chain = EmbeddedChain::new();
//! let owner = dev_signer(0).address();
//! let protocol = Protocol::deploy(&mut chain, owner).unwrap();
//! assert!(!chain.code(protocol.bureau.address).unwrap().is_empty());
//! ```

pub mod aave;
pub mod artifacts;
pub mod bindings;
mod bureau;
mod decision;
mod error;
mod escrow;
pub mod knn;
pub mod knn_bench;
pub mod knn_upload;
pub mod lifecycle;
mod loan;
mod protocol;
mod revert;
pub mod schedule;
mod token;
mod tx;

pub use bureau::{CreditBureau, DefaultConfirmed, IdentityRecord, LoanTerms, ScoreLedger};
pub use decision::{
    DecisionModelRegistered, DecisionModelRetired, DecisionModels, DecisionVerifier, decision_loan_terms,
    deploy_contract,
};
pub use error::{Error, Result};
pub use escrow::{Auditor, IdentityEscrow, ShareReleased, stand_in_auditors, stand_in_identity};
pub use knn::{KnnModel, NaiveKnn};
pub use loan::{BorrowerPosition, LenderPosition, Loan, LoanTotals};
pub use protocol::Protocol;
pub use revert::Revert;
pub use token::Token;
pub use tx::Sent;
