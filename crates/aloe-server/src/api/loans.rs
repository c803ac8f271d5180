//! `GET /api/v1/loans` and `GET /api/v1/loans/{loan}`: the index's loans, and for one loan its
//! amortisation schedule and each borrower's standing now, read from the chain.

use alloy_primitives::{Address, U256};
use aloe_chain::Chain;
use aloe_contracts::{Loan, schedule};
use aloe_index::{Amount, Indexer, LoanDetail, LoanFilter, LoanPage, LoanSummary};
use axum::{
    Json,
    extract::{Path, State},
};
use serde::Serialize;
use utoipa::ToSchema;

use super::{
    AppState,
    body::Params,
    problem::{ApiResult, Problem, ProblemBody, address},
};

/// One period of a loan's amortisation schedule (the whole loan's principal, level installments).
#[derive(Clone, Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ScheduleRow {
    /// 1 to the number of payments.
    pub period: u16,
    /// When it falls due (Unix seconds), once the loan is funded.
    pub due_at: Option<u64>,
    /// The installment (the contract's, rounded up).
    pub installment: Amount,
    /// Interest in it: the rate on the principal still outstanding.
    pub interest: Amount,
    /// Principal in it.
    pub principal: Amount,
    /// Principal outstanding after it.
    pub balance: Amount,
}

/// A borrower's standing in a loan now, from the loan's own views.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Standing {
    /// The borrower.
    #[schema(value_type = String)]
    pub borrower: Address,
    /// What the schedule says should have been paid by now.
    pub due: Amount,
    /// Due and unpaid.
    pub arrears: Amount,
    /// Still owed over the whole schedule.
    pub owed: Amount,
    /// Whether a default may be reported now (arrears past the grace period).
    pub in_default: bool,
}

/// A loan: the index's record, its schedule and its borrowers' standing.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LoanView {
    /// What the index knows: terms, totals, status, positions, defaults.
    #[serde(flatten)]
    pub detail: LoanDetail,
    /// The amortisation schedule of the loan's whole amount.
    pub schedule: Vec<ScheduleRow>,
    /// Each borrower who took principal, as the chain sees them now.
    pub standing: Vec<Standing>,
    /// Invested over the amount to raise, 0 to 1.
    pub funding_progress: f64,
}

/// The amortisation schedule of `loan`'s whole amount.
pub fn amortisation(loan: &LoanSummary) -> Vec<ScheduleRow> {
    let terms = &loan.terms;
    let (rate, payments) = (u64::from(terms.int_rate_per_mil), u64::from(terms.num_payments));
    let installment = schedule::installment_up(terms.total_amount.0, rate, payments);
    let mut balance = terms.total_amount.0;
    (1..=terms.num_payments)
        .map(|period| {
            let interest = balance * U256::from(rate) / U256::from(1000);
            // The last installment clears what is left: rounding up leaves it at most a few units short.
            let principal = if period == terms.num_payments { balance } else { (installment - interest).min(balance) };
            balance -= principal;
            ScheduleRow {
                period,
                due_at: loan.funded_at.map(|at| at + u64::from(period) * u64::from(terms.seconds_between_payments)),
                installment: Amount(installment),
                interest: Amount(interest),
                principal: Amount(principal),
                balance: Amount(balance),
            }
        })
        .collect()
}

/// The loan at `address` (the path's text) as [`LoanView`].
pub fn view(index: &Indexer, chain: &mut dyn Chain, text: &str) -> ApiResult<LoanView> {
    let address = address("loan", text)?;
    let detail =
        index.loan(address)?.ok_or_else(|| Problem::not_found("loan", format!("no loan {address} in the index")))?;
    let handle = Loan { address, asset: detail.loan.asset };
    let now = chain.timestamp()?;
    let standing = detail
        .borrower_positions
        .iter()
        .filter(|p| !p.disbursed.0.is_zero())
        .map(|p| {
            Ok(Standing {
                borrower: p.borrower,
                due: Amount(handle.amount_due(chain, p.borrower, now)?),
                arrears: Amount(handle.arrears(chain, p.borrower, now)?),
                owed: Amount(handle.owed(chain, p.borrower)?),
                in_default: handle.is_in_default(chain, p.borrower, now)?,
            })
        })
        .collect::<ApiResult<Vec<_>>>()?;
    let total = detail.loan.terms.total_amount.0;
    let funding_progress = if total.is_zero() { 0.0 } else { ratio(detail.loan.invested.0, total) };
    Ok(LoanView { schedule: amortisation(&detail.loan), standing, funding_progress, detail })
}

/// `part / whole` as a float, for progress bars (exact enough at 18-decimal amounts).
pub fn ratio(part: U256, whole: U256) -> f64 {
    let float = |v: U256| f64::from(v);
    float(part) / float(whole)
}

/// The loan's address in the path.
#[derive(Clone, Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct LoanPath {
    /// The loan's address.
    #[param(pattern = "^0x[0-9a-fA-F]{40}$")]
    pub loan: String,
}

/// Loans, filtered and paged, in creation order.
#[utoipa::path(get, path = "/api/v1/loans", tag = "reads", params(LoanFilter),
    responses((status = 200, body = LoanPage), (status = 400, body = ProblemBody)))]
pub(super) async fn list(
    State(state): State<AppState>,
    Params(filter): Params<LoanFilter>,
) -> ApiResult<Json<LoanPage>> {
    if filter.limit == 0 || filter.limit > LoanFilter::MAX_LIMIT {
        return Err(Problem::bad_field("limit", format!("{} is outside 1 to {}", filter.limit, LoanFilter::MAX_LIMIT)));
    }
    for (field, score) in
        [("minCreditScoreFrom", filter.min_credit_score_from), ("minCreditScoreTo", filter.min_credit_score_to)]
    {
        if score.is_some_and(|s| s > 1000) {
            return Err(Problem::bad_field(field, format!("{} is above 1000", score.unwrap_or_default())));
        }
    }
    if filter.offset > i32::MAX as u32 {
        return Err(Problem::bad_field("offset", format!("{} is above {}", filter.offset, i32::MAX)));
    }
    state.with_index(move |index, _, _| Ok(Json(index.loans(&filter)?))).await
}

/// One loan: terms, totals, status, positions, schedule and each borrower's standing.
#[utoipa::path(get, path = "/api/v1/loans/{loan}", tag = "reads",
    params(LoanPath),
    responses((status = 200, body = LoanView), (status = 400, body = ProblemBody), (status = 404, body = ProblemBody)))]
pub(super) async fn one(State(state): State<AppState>, Path(loan): Path<String>) -> ApiResult<Json<LoanView>> {
    state.with_index(move |index, chain, _| view(index, chain, &loan).map(Json)).await
}
