//! The dashboard: server-rendered HTML pages over the same reads and development actions as the JSON
//! API ([`crate::api`]), for a person with a browser and no client to write.
//!
//! Pages are askama templates (`templates/`, checked when this crate compiles, every value HTML-escaped
//! unless marked otherwise); charts are inline SVG (`web/charts.rs`); nothing is fetched from the network and
//! no script is needed. Each page handler reads through [`AppState::with_index`] into a small view of
//! strings and numbers, then renders it (`web/page.rs`). Forms are plain POSTs answered with a redirect
//! (`web/forms.rs`); pages with development actions say that those keys are public.
//!
//! - `/`: the market (`web/market.rs`); `/model`: the score model (`web/model.rs`);
//! - `/loans/{loan}`: a loan with its action forms (`web/loan.rs`);
//! - `/borrowers/{address}`, `/lenders/{address}`: the parties (`web/parties.rs`);
//! - `/dev`: the development accounts and the register, create-loan and clock forms (`web/dev.rs`).

mod charts;
mod dev;
pub mod format;
mod forms;
mod loan;
mod market;
mod model;
mod page;
mod parties;

use axum::{
    Router,
    routing::{get, post},
};

use crate::api::AppState;

/// The dashboard's routes over `state` (merged beside the API's by [`crate::app::router`]).
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(market::overview))
        .route("/model", get(model::show))
        .route("/loans/{loan}", get(loan::show))
        .route("/loans/{loan}/{action}", post(forms::act))
        .route("/borrowers/{address}", get(parties::borrower))
        .route("/lenders/{address}", get(parties::lender))
        .route("/dev", get(dev::show))
        .route("/dev/registrations", post(forms::register))
        .route("/dev/loans", post(forms::create_loan))
        .route("/dev/clock", post(forms::clock))
        .fallback(page::not_found)
        .with_state(state)
}
