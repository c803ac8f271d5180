//! The JSON API of `aloe serve`, documented by the OpenAPI document it serves at `/openapi.json`.
//!
//! Reads come from the index (what happened: loans, positions, histories, the market's figures) and from
//! the chain (what holds now: scores, ratios, schedules). Writes are the development actions of [`dev`].
//! Every refusal is a [`problem::Problem`]: a 4xx whose body names the field at fault.

pub mod body;
pub mod defi;
pub mod dev;
pub mod loans;
pub mod parties;
pub mod problem;
pub mod reads;
mod state;

pub use state::AppState;

use axum::{
    Json, Router,
    extract::{Path, State},
    http::StatusCode,
    routing::{get, post},
};
use utoipa::OpenApi;

use body::Body;
use problem::{ApiResult, ProblemBody};

/// The OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(title = "Aloe", description = "Loans, borrowers, lenders, the k-NN model and the market of an Aloe deployment; development actions for local use."),
    paths(
        reads::status,
        reads::market,
        reads::model,
        loans::list,
        loans::one,
        parties::borrower_handler,
        parties::lender_handler,
        dev_users,
        dev_register,
        dev_create_loan,
        dev_loan_action,
        dev_disburse,
        dev_borrow_with_proof,
        dev_clock,
    ),
    components(schemas(ProblemBody, dev::DevUser, dev::ActionOutcome, dev::Registered, dev::RegisterRequest, dev::CreateLoanRequest, dev::LoanActionRequest, dev::DisburseRequest, dev::ClockRequest, dev::Clock, reads::Status, reads::ModelView, loans::LoanView, loans::ScheduleRow, loans::Standing,
        parties::BorrowerView, defi::DefiView, defi::DefiScoreView, parties::ScoreView, parties::Ratios, parties::Neighbour, parties::LenderView, parties::LenderEarnings)),
    tags((name = "reads", description = "What the index and the chain say"), (name = "dev", description = "Actions with public development keys: local use only"))
)]
pub struct ApiDoc;

/// The API's routes over `state`.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/openapi.json", get(|| async { Json(ApiDoc::openapi()) }))
        .route("/api/v1/status", get(reads::status))
        .route("/api/v1/market", get(reads::market))
        .route("/api/v1/model", get(reads::model))
        .route("/api/v1/loans", get(loans::list))
        .route("/api/v1/loans/{loan}", get(loans::one))
        .route("/api/v1/borrowers/{address}", get(parties::borrower_handler))
        .route("/api/v1/lenders/{address}", get(parties::lender_handler))
        .route("/api/v1/dev/users", get(dev_users))
        .route("/api/v1/dev/registrations", post(dev_register))
        .route("/api/v1/dev/loans", post(dev_create_loan))
        .route("/api/v1/dev/loans/{loan}/disburse", post(dev_disburse))
        .route("/api/v1/dev/loans/{loan}/borrow-with-proof", post(dev_borrow_with_proof))
        .route("/api/v1/dev/loans/{loan}/{action}", post(dev_loan_action))
        .route("/api/v1/dev/clock", post(dev_clock))
        .with_state(state)
}

/// The development accounts.
#[utoipa::path(get, path = "/api/v1/dev/users", tag = "dev",
    responses((status = 200, body = [dev::DevUser])))]
async fn dev_users(State(state): State<AppState>) -> ApiResult<Json<Vec<dev::DevUser>>> {
    state.with_chain(|chain, _| dev::users(chain)).await.map(Json)
}

/// A development account registers through the notary (its identity split among the auditors).
#[utoipa::path(post, path = "/api/v1/dev/registrations", tag = "dev", request_body = dev::RegisterRequest,
    responses((status = 201, body = dev::Registered), (status = 400, body = ProblemBody), (status = 409, body = ProblemBody), (status = 415, body = ProblemBody)))]
async fn dev_register(
    State(state): State<AppState>,
    Body(request): Body<dev::RegisterRequest>,
) -> ApiResult<(StatusCode, Json<dev::Registered>)> {
    let outcome = state.register(request).await?;
    Ok((StatusCode::CREATED, Json(outcome)))
}

/// A development account creates an ether loan.
#[utoipa::path(post, path = "/api/v1/dev/loans", tag = "dev", request_body = dev::CreateLoanRequest,
    responses((status = 201, body = dev::ActionOutcome), (status = 400, body = ProblemBody), (status = 409, body = ProblemBody), (status = 415, body = ProblemBody)))]
async fn dev_create_loan(
    State(state): State<AppState>,
    Body(request): Body<dev::CreateLoanRequest>,
) -> ApiResult<(StatusCode, Json<dev::ActionOutcome>)> {
    let model = state.decision_model();
    let outcome = state.write(move |chain, protocol| dev::create_loan(chain, protocol, &request, model)).await?;
    Ok((StatusCode::CREATED, Json(outcome)))
}

/// The loan and the action in the path.
#[derive(Clone, Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct LoanActionPath {
    /// The loan's address.
    #[param(pattern = "^0x[0-9a-fA-F]{40}$")]
    pub loan: String,
    /// What the account does.
    #[param(pattern = "^(invest|borrow|pay|withdraw)$")]
    pub action: String,
}

/// A development account's borrowing from a funded loan is paid out to it.
#[utoipa::path(post, path = "/api/v1/dev/loans/{loan}/disburse", tag = "dev", request_body = dev::DisburseRequest,
    params(loans::LoanPath),
    responses((status = 200, body = dev::ActionOutcome), (status = 400, body = ProblemBody), (status = 404, body = ProblemBody), (status = 409, body = ProblemBody), (status = 415, body = ProblemBody)))]
async fn dev_disburse(
    State(state): State<AppState>,
    Path(loan): Path<String>,
    Body(request): Body<dev::DisburseRequest>,
) -> ApiResult<Json<dev::ActionOutcome>> {
    state.write(move |chain, protocol| dev::disburse(chain, protocol, &loan, &request)).await.map(Json)
}

/// A development account borrows from a loan that requires the credit model's approval, proving it (a
/// Groth16 proof over the attributes the notary committed to, made by the node from the account's wallet).
#[utoipa::path(post, path = "/api/v1/dev/loans/{loan}/borrow-with-proof", tag = "dev", request_body = dev::LoanActionRequest,
    params(loans::LoanPath),
    responses((status = 200, body = dev::ActionOutcome), (status = 400, body = ProblemBody), (status = 404, body = ProblemBody), (status = 409, body = ProblemBody), (status = 415, body = ProblemBody)))]
async fn dev_borrow_with_proof(
    State(state): State<AppState>,
    Path(loan): Path<String>,
    Body(request): Body<dev::LoanActionRequest>,
) -> ApiResult<Json<dev::ActionOutcome>> {
    state.borrow_with_proof(loan, request).await.map(Json)
}

/// A development account invests in, borrows from, pays or withdraws from a loan.
#[utoipa::path(post, path = "/api/v1/dev/loans/{loan}/{action}", tag = "dev", request_body = dev::LoanActionRequest,
    params(LoanActionPath),
    responses((status = 200, body = dev::ActionOutcome), (status = 400, body = ProblemBody), (status = 404, body = ProblemBody), (status = 409, body = ProblemBody), (status = 415, body = ProblemBody)))]
async fn dev_loan_action(
    State(state): State<AppState>,
    Path((loan, action)): Path<(String, String)>,
    Body(request): Body<dev::LoanActionRequest>,
) -> ApiResult<Json<dev::ActionOutcome>> {
    let action = dev::LoanAction::parse(&action)?;
    state.write(move |chain, protocol| dev::act_on_loan(chain, protocol, &loan, action, &request)).await.map(Json)
}

/// Moves a development chain's clock forward.
#[utoipa::path(post, path = "/api/v1/dev/clock", tag = "dev", request_body = dev::ClockRequest,
    responses((status = 200, body = dev::Clock), (status = 400, body = ProblemBody), (status = 415, body = ProblemBody)))]
async fn dev_clock(
    State(state): State<AppState>,
    Body(request): Body<dev::ClockRequest>,
) -> ApiResult<Json<dev::Clock>> {
    state.write(move |chain, _| dev::advance(chain, &request)).await.map(Json)
}
