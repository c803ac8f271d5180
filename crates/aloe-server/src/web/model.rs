//! `/model`: the k-NN score model now (k, the two point sets' sizes, from the chain) and its life from
//! the index (publications, rotations, points recorded, every event).

use aloe_contracts::knn::PointSet;
use aloe_index::ModelHistory;
use askama::Template;
use axum::extract::State;

use super::{
    format,
    page::{Chrome, Flash, PageResult, render},
};
use crate::api::{AppState, body::Params};

/// A model event, its optional fields written out or left blank.
#[derive(Clone, Debug)]
struct EventRow {
    block: u64,
    time: String,
    kind: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "model.html")]
struct ModelPage {
    chrome: Chrome,
    k: u64,
    old_size: u64,
    new_size: u64,
    history: ModelHistory,
    events: Vec<EventRow>,
}

/// `GET /model`: newest events first, since a model's recent changes are what a reader looks for.
pub(super) async fn show(State(state): State<AppState>, Params(flash): Params<Flash>) -> PageResult {
    let page = state
        .with_index(move |index, chain, protocol| {
            let model = protocol.score_model;
            let history = index.model_history()?;
            let events = history
                .events
                .iter()
                .rev()
                .map(|e| {
                    let parts = [
                        e.size.map(|v| format!("size {v}")),
                        e.k.map(|v| format!("k {v}")),
                        e.points.map(|v| format!("{v} points")),
                        e.chunk_index.map(|v| format!("chunk #{v}")),
                        e.buffered.map(|v| format!("{v} buffered")),
                        e.chunk.map(|v| format!("chunk {}", format::short(v))),
                        e.borrower.map(|v| format!("borrower {v}")),
                    ];
                    EventRow {
                        block: e.block_number,
                        time: format::date_time(e.block_timestamp),
                        kind: format!("{:?}", e.kind),
                        detail: parts.into_iter().flatten().collect::<Vec<_>>().join(", "),
                    }
                })
                .collect();
            Ok(ModelPage {
                chrome: Chrome::new("Score model", "model", chain.timestamp()?, flash),
                k: model.k(chain)?,
                old_size: model.size(chain, PointSet::Old)?,
                new_size: model.size(chain, PointSet::New)?,
                history,
                events,
            })
        })
        .await?;
    render(&page)
}
