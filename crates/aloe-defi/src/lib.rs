//! The DeFi behaviour score of the NUS article on a real chain: an address's lending history read
//! through the [`aloe_chain::Chain`] interface (an Aave V3 pool and Aloe's own loans, [`extract`]),
//! scored as `38.5·P + 33.5·A + 16.5·L + 11.5·C − X` with the autoencoder's penalty `X`, and a seeded
//! test market ([`market`]) that plays `aloe-ml`'s generated accounts onto a test pool with the V3 ABI,
//! so the extraction is checked against what was generated.
//!
//! The components and the score are `aloe-score`'s ([`aloe_score::defi`]); the detector is `aloe-ml`'s.

pub mod extract;
pub mod market;
pub mod plan;

use alloy_primitives::{Address, U256};
use aloe_score::defi::DefiError;

pub use extract::{Extractor, Sources};

/// What can go wrong reading or scoring an address.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The address made no lending transaction in the window.
    #[error("{address} has no lending history: no transaction of its own in the {days}-day window")]
    NoHistory {
        /// The address.
        address: Address,
        /// The window's length.
        days: u32,
    },
    /// The chain's data for the address does not validate (e.g. debt with nothing ever borrowed).
    #[error("{address}: the chain's data does not make a valid account: {source}")]
    Invalid {
        /// The address.
        address: Address,
        /// Why.
        #[source]
        source: DefiError,
    },
    /// A contract call failed.
    #[error(transparent)]
    Contract(#[from] aloe_contracts::Error),
    /// The chain failed.
    #[error("{what}: {source}")]
    Chain {
        /// What was being done.
        what: &'static str,
        /// The chain's error.
        #[source]
        source: aloe_chain::Error,
    },
    /// A log that does not decode as its event.
    #[error("a {event} log does not decode: {source}")]
    Decode {
        /// The event's signature.
        event: &'static str,
        /// The decoder's error.
        #[source]
        source: alloy_sol_types::Error,
    },
    /// A `Borrow` with an interest rate mode Aave does not have.
    #[error("a Borrow event with interest rate mode {mode} (Aave V3 has 1 and 2)")]
    UnknownRateMode {
        /// The mode.
        mode: u8,
    },
    /// The test market's liquidation did not cover the debt it planned to.
    #[error("the test market could not liquidate {address} as planned")]
    Liquidation {
        /// The account.
        address: Address,
    },
    /// A window or account the score refuses.
    #[error(transparent)]
    Defi(#[from] DefiError),
    /// The oracle prices the asset at zero.
    #[error("the oracle has no price for {asset}")]
    NoPrice {
        /// The asset.
        asset: Address,
    },
    /// An amount whose base-currency value does not fit.
    #[error("{amount} of {asset} is too large to value")]
    Overflow {
        /// The asset.
        asset: Address,
        /// The amount.
        amount: U256,
    },
}
