//! A borrower's DeFi behaviour score (the NUS article's `38.5·P + 33.5·A + 16.5·L + 11.5·C − X`) over
//! the last year: its history in the node's lending pool and in Aloe's own loans, read through the chain
//! by `aloe-defi`, scored with the shipped autoencoder's anomaly penalty.

use alloy_primitives::Address;
use aloe_chain::Chain;
use aloe_contracts::Protocol;
use aloe_defi::{Extractor, Sources};
use aloe_ml::defi_model::DefiModelFile;
use aloe_score::defi::Window;
use serde::Serialize;
use utoipa::ToSchema;

use super::problem::{ApiResult, Problem};
use crate::node::LendingPool;

/// The window the score looks back over.
pub const WINDOW_DAYS: u32 = 365;

/// The score and what made it; or why there is none.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DefiView {
    /// Days looked back over, ending now.
    pub window_days: u32,
    /// The score, when the address has a lending history in the window.
    pub score: Option<DefiScoreView>,
    /// Why there is no score (no transaction of its own in the window).
    pub unavailable: Option<String>,
}

/// The DeFi score's parts.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DefiScoreView {
    /// Out of 100.
    pub points: f64,
    /// Mapped to 300–850.
    pub fico_scale: f64,
    /// P, payment history, 0 to 1 (weight 38.5).
    pub payment_history: f64,
    /// A, amount owed, 0 to 1 (weight 33.5).
    pub amount_owed: f64,
    /// L, length of history, 0 to 1 (weight 16.5).
    pub history_length: f64,
    /// C, credit mix, 0 to 1 (weight 11.5).
    pub credit_mix: f64,
    /// X, the anomaly penalty in points (0 to 20).
    pub penalty: f64,
    /// The autoencoder's reconstruction error behind X.
    pub reconstruction_error: f64,
    /// Transactions of its own in the window.
    pub transactions: u32,
    /// Days since its first lending event.
    pub history_days: u32,
    /// Repaid over settled borrowing, when it borrowed.
    pub repayment_rate: Option<f64>,
}

/// `address`'s DeFi score now.
pub fn score(
    chain: &mut dyn Chain,
    protocol: &Protocol,
    pool: LendingPool,
    detector: &DefiModelFile,
    address: Address,
) -> ApiResult<DefiView> {
    let now = chain.timestamp()?;
    // The window ends just after now, so this block's own events count.
    let window = Window::ending_at(now + 1, WINDOW_DAYS)
        .map_err(|e| Problem::failed(axum::http::StatusCode::INTERNAL_SERVER_ERROR, e))?;
    let sources = Sources {
        pool: pool.pool,
        oracle: pool.pool,
        bureau: Some(protocol.bureau.address),
        ether_priced_as: pool.weth,
        from_block: 0,
    };
    let features = match Extractor::new(chain, sources, window).features(address) {
        Ok(features) => features,
        Err(error @ aloe_defi::Error::NoHistory { .. }) => {
            return Ok(DefiView { window_days: WINDOW_DAYS, score: None, unavailable: Some(error.to_string()) });
        }
        Err(error) => return Err(Problem::failed(axum::http::StatusCode::BAD_GATEWAY, error)),
    };
    let scored = detector.score(&features);
    let c = scored.components;
    Ok(DefiView {
        window_days: WINDOW_DAYS,
        unavailable: None,
        score: Some(DefiScoreView {
            points: scored.points(),
            fico_scale: scored.fico_scale(),
            payment_history: c.p,
            amount_owed: c.a,
            history_length: c.l,
            credit_mix: c.c,
            penalty: scored.penalty,
            reconstruction_error: detector.reconstruction_error(&features),
            transactions: features.history().transactions,
            history_days: features.history().history_days,
            repayment_rate: features.repayment_rate(),
        }),
    })
}
