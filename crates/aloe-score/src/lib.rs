//! Aloe's credit score, as a plain-Rust reference model that mirrors the contracts' integer arithmetic
//! bit for bit, so tests can run random histories on the chain and here and compare exactly.
//!
//! - [`point`]: a k-NN model point (five 16-bit ratios and fifteen 8-bit OSC-w labels) and its packed word.
//! - [`knn`]: the k-nearest-neighbour answer of `KnnModel.score`: nearest points by squared Euclidean
//!   distance (ties broken by label), inverse-distance weighting, OSC interpolated at the loan's duration,
//!   and the size-weighted combination of the old and new sets.
//! - [`ledger`]: the per-borrower ledger (incremental sums, two clocks) and the ratios UPR, CDBR, CPBR, RAR,
//!   ANCL and OSC-w labels that come out of it.
//! - [`score`]: `getScore` end to end: cold start, the query as if the loan were approved, the k-NN answer.
//! - [`synthetic`]: seeded synthetic points for benchmarks and tests.
//! - [`account`]: monthly card statements (bill, payment, repayment status) replayed as loans and payments
//!   through the [`Ledger`], so that off-chain histories get the contract's own ratios and labels.
//! - [`coldstart`]: the cold-start model from such histories: a point's ratios from its first months and
//!   labels from the rest plus the next month, a client's score from its latest months, through `getScore`.
//! - [`model_file`]: the versioned, SHA-256-hashed k-NN model file that `aloe model knn` builds and uploads.
//! - [`defi`]: the DeFi behaviour score `38.5·P + 33.5·A + 16.5·L + 11.5·C − X` from Aave V3 account data
//!   and an address's history (validated features, the four components, the 300–850 mapping).

pub mod account;
pub mod coldstart;
pub mod defi;
pub mod knn;
pub mod ledger;
pub mod model_file;
pub mod point;
pub mod score;
pub mod synthetic;

pub use knn::{Neighbour, combine, score_set};
pub use ledger::{Ledger, LedgerError};
pub use point::{DIMENSIONS, ModelPoint, PointError, WINDOWS};
