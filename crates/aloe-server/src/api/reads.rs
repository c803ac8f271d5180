//! The read endpoints: the index for what happened, the chain for what holds now.

use aloe_contracts::knn::PointSet;
use aloe_index::{Bucket, Market, ModelHistory};
use axum::{Json, extract::State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{
    AppState,
    body::Params,
    problem::{ApiResult, Problem, ProblemBody},
};

/// The deployment and how far the index has followed the chain.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    /// "embedded" or "json-rpc".
    pub backend: String,
    /// The chain id.
    pub chain_id: u64,
    /// The chain's latest block.
    pub block: u64,
    /// The chain's time (Unix seconds).
    pub timestamp: u64,
    /// The last block the index has read (none before its first sync).
    pub indexed_block: Option<u64>,
    /// The CreditBureau.
    #[schema(value_type = String)]
    pub bureau: alloy_primitives::Address,
    /// The identity escrow.
    #[schema(value_type = String)]
    pub identity_escrow: alloy_primitives::Address,
    /// The k-NN model.
    #[schema(value_type = String)]
    pub score_model: alloy_primitives::Address,
}

/// The deployment, the chain's head and the index's.
#[utoipa::path(get, path = "/api/v1/status", tag = "reads", responses((status = 200, body = Status)))]
pub(super) async fn status(State(state): State<AppState>) -> ApiResult<Json<Status>> {
    state
        .with_index(|index, chain, protocol| {
            Ok(Json(Status {
                backend: chain.backend().into(),
                chain_id: protocol.chain_id,
                block: chain.block_number()?,
                timestamp: chain.timestamp()?,
                indexed_block: index.cursor()?,
                bureau: protocol.bureau.address,
                identity_escrow: protocol.identity_escrow.address,
                score_model: protocol.score_model.address,
            }))
        })
        .await
}

/// Which buckets the market's defaults are counted in.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MarketQuery {
    /// "day" or "30d" (the default).
    #[param(pattern = "^(day|30d)$")]
    pub bucket: Option<String>,
}

/// The market: loans by status, volumes per asset, registrations, lenders, borrowers, defaults over time.
#[utoipa::path(get, path = "/api/v1/market", tag = "reads", params(MarketQuery),
    responses((status = 200, body = Market), (status = 400, body = ProblemBody)))]
pub(super) async fn market(
    State(state): State<AppState>,
    Params(query): Params<MarketQuery>,
) -> ApiResult<Json<Market>> {
    let bucket = match query.bucket.as_deref() {
        None | Some("30d") => Bucket::ThirtyDays,
        Some("day") => Bucket::Day,
        Some(other) => return Err(Problem::bad_field("bucket", format!("{other:?} is neither \"day\" nor \"30d\""))),
    };
    state.with_index(move |index, _, _| Ok(Json(index.market(bucket)?))).await
}

/// The k-NN model now and its history.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ModelView {
    /// k, from the chain.
    pub k: u64,
    /// Points in the old set.
    pub old_size: u64,
    /// Points in the new set (its buffer included).
    pub new_size: u64,
    /// Publications, rotations, points recorded, and every model event, from the index.
    pub history: ModelHistory,
}

/// The k-NN model: k, the two sets' sizes, rotations and its events.
#[utoipa::path(get, path = "/api/v1/model", tag = "reads", responses((status = 200, body = ModelView)))]
pub(super) async fn model(State(state): State<AppState>) -> ApiResult<Json<ModelView>> {
    state
        .with_index(|index, chain, protocol| {
            let model = protocol.score_model;
            Ok(Json(ModelView {
                k: model.k(chain)?,
                old_size: model.size(chain, PointSet::Old)?,
                new_size: model.size(chain, PointSet::New)?,
                history: index.model_history()?,
            }))
        })
        .await
}
