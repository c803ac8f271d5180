//! Years of an Aloe lending market on the real contracts, on one chain (the embedded one by default),
//! and a report of what the scores predicted (`aloe simulate`).
//!
//! [`agents`] draws the seeded borrowers (hidden reliability, a FICO correlated with it, and a kind that
//! decides how they pay) and lenders; [`engine`] runs the day loop through the contracts; [`report`]
//! collects what happened and builds `report.json`; [`html`] draws it as a self-contained `report.html`
//! (inline SVG from plotters). The same seed gives the same report, except the wall time.

pub mod agents;
pub mod decisions;
pub mod engine;
pub mod escrow;
pub mod html;
pub mod meter;
pub mod report;

use std::sync::atomic::AtomicBool;
use std::time::Instant;

use std::path::Path;

use aloe_chain::{Chain, SharedChain};

pub use report::{Progress, Report};

/// What to simulate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct SimConfig {
    /// Borrowers.
    pub borrowers: usize,
    /// Lenders.
    pub lenders: usize,
    /// Days.
    pub days: u32,
    /// Seed of every draw.
    pub seed: u64,
}

/// A k-NN model to publish before the market opens (`aloe model knn build`: the cold-start model from real
/// payment histories); without one the model starts empty and `getScore` answers FICO until it rotates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColdStartModel {
    /// Its points.
    pub points: Vec<aloe_score::ModelPoint>,
    /// Its k.
    pub k: u8,
}

/// What can stop a simulation.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A contract call failed unexpectedly.
    #[error(transparent)]
    Contract(Box<aloe_contracts::Error>),
    /// The identity escrow refused or failed.
    #[error(transparent)]
    Escrow(Box<escrow::DeskError>),
    /// The decision model, its keys or a proof failed.
    #[error("private decisions: {0}")]
    Decision(Box<aloe_server::Error>),
    /// A lender reconstructed another identity than the defaulter's.
    #[error("the identity revealed for {borrower} is not the one the notary verified")]
    WrongReveal {
        /// The defaulter.
        borrower: alloy_primitives::Address,
    },
    /// The chain failed.
    #[error("{what}: {source}")]
    Chain {
        /// What was being done.
        what: &'static str,
        /// The chain's error.
        #[source]
        source: aloe_chain::Error,
    },
}

/// Runs `config` on `chain` until done or `stop` is set, the notary's and auditors' stores under `stores`;
/// `progress` hears after each day. Every party holds a handle on one metered [`SharedChain`].
pub fn run(
    chain: Box<dyn Chain + Send>,
    config: SimConfig,
    stores: &Path,
    cold_start: Option<&ColdStartModel>,
    stop: &AtomicBool,
    progress: &mut dyn FnMut(&Progress),
) -> Result<Report, Error> {
    let started = Instant::now();
    let (metered, sent) = meter::GasMeter::new(chain);
    let mut market = engine::Market::new(SharedChain::new(Box::new(metered)), sent, &config, stores, cold_start)?;
    market.run(config.days, stop, progress)?;
    let tally = std::mem::take(&mut market.tally);
    Ok(Report::new(config, tally, started.elapsed().as_secs_f64()))
}
