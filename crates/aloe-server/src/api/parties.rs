//! `GET /api/v1/borrowers/{address}` and `GET /api/v1/lenders/{address}`: what the index knows of a party,
//! with what holds now from the chain: a borrower's score for a request, the ratios the score is computed
//! from and the model's nearest neighbours; a lender's withdrawable amounts and interest.

use alloy_primitives::{Address, U256};
use aloe_chain::Chain;
use aloe_contracts::{Loan, Protocol, knn::PointSet, schedule};
use aloe_index::{Amount, BorrowerDetail, Indexer, LenderDetail};
use aloe_score::point::{DIMENSIONS, LABEL_ONE, ModelPoint, RATIO_ONE};
use axum::{
    Json,
    extract::{Path, State},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{
    AppState,
    body::Params,
    problem::{ApiResult, Problem, ProblemBody, address, wei},
};

const DAY: u64 = 86_400;

/// The request a score is quoted for (the bureau scores a borrower for given terms); the defaults are a
/// one-ether loan over 12 monthly payments at 1 % a month.
#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ScoreQuery {
    /// The amount requested, in wei (at most 28 digits, the contract's uint96).
    #[param(pattern = "^[1-9][0-9]{0,27}$")]
    pub amount: String,
    /// Interest per period, in thousandths.
    #[param(minimum = 0, maximum = 1000)]
    pub rate_per_mil: u16,
    /// Number of installments.
    #[param(minimum = 1, maximum = 1200)]
    pub payments: u16,
    /// Days between installments.
    #[param(minimum = 1, maximum = 3650)]
    pub period_days: u32,
}

/// The party's address in the path.
#[derive(Clone, Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct PartyPath {
    /// The borrower's or lender's address.
    #[param(pattern = "^0x[0-9a-fA-F]{40}$")]
    pub address: String,
}

impl Default for ScoreQuery {
    fn default() -> Self {
        Self { amount: "1000000000000000000".into(), rate_per_mil: 10, payments: 12, period_days: 30 }
    }
}

/// The five ratios the k-NN score compares, as fractions (1 = the ratio's full scale).
#[derive(Clone, Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Ratios {
    /// UPR: the share of the borrower's history spent owing more than the schedules said.
    pub upr: f64,
    /// CDBR: the debt now (this request included) against the history's average debt.
    pub cdbr: f64,
    /// CPBR: the payment rate now (this request included) against the history's average rate.
    pub cpbr: f64,
    /// RAR: how long the money lent to the borrower has been out, over the history's length.
    pub rar: f64,
    /// ANCL: the average number of loans held at once, over the cap that maps to 1.
    pub ancl: f64,
}

impl Ratios {
    fn from_words(words: [u16; DIMENSIONS]) -> Self {
        let f = |i: usize| f64::from(words[i]) / f64::from(RATIO_ONE);
        Self { upr: f(0), cdbr: f(1), cpbr: f(2), rar: f(3), ancl: f(4) }
    }
}

/// One of the model's nearest points to the borrower's ratios.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Neighbour {
    /// "old" or "new": the model's two point sets, each scanned for its own k nearest.
    pub set: String,
    /// Euclidean distance in ratio units (1 = a ratio's full scale).
    pub distance: f64,
    /// The point's ratios.
    pub ratios: Ratios,
    /// The point's observed score over windows of 1, 2, 4 … 16,384 days (0 to 1; what it votes).
    pub osc: Vec<f64>,
}

/// A borrower's score for a request, and what produced it.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ScoreView {
    /// The bureau's `getScore` for the request, in thousandths (what a loan compares with its minimum).
    pub score: u64,
    /// The FICO score the notary verified (cold start scores FICO / 1000 … in thousandths: FICO itself).
    pub fico: u16,
    /// Whether the borrower has no loan history yet (the cold start).
    pub cold_start: bool,
    /// The ratios as if this request were approved: the query the k-NN model answers.
    pub ratios: Ratios,
    /// The model's k.
    pub k: u64,
    /// Points in the model's old and new sets.
    pub model_size: u64,
    /// The nearest points in each set, nearest first.
    pub neighbours: Vec<Neighbour>,
}

/// A borrower: the index's record (registration, positions, defaults, history) and the score now.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BorrowerView {
    /// What the index knows.
    #[serde(flatten)]
    pub detail: BorrowerDetail,
    /// The score for the queried request; absent for an address no notary registered.
    pub score: Option<ScoreView>,
    /// The DeFi behaviour score over the last year (the node's lending pool and Aloe's loans).
    pub defi: super::defi::DefiView,
}

fn neighbours(
    chain: &mut dyn Chain,
    protocol: &Protocol,
    query: [u16; DIMENSIONS],
    k: u64,
) -> ApiResult<Vec<Neighbour>> {
    let model = protocol.score_model;
    let mut all = Vec::new();
    for (set, name) in [(PointSet::Old, "old"), (PointSet::New, "new")] {
        let mut points: Vec<ModelPoint> = Vec::new();
        for chunk in 0..model.chunks(chain, set)?.len() {
            points.extend(model.points_of(chain, set, chunk)?);
        }
        points.sort_by_key(|p| (p.distance_squared(&query), p.label()));
        all.extend(points.into_iter().take(k as usize).map(|p| Neighbour {
            set: name.into(),
            distance: (p.distance_squared(&query) as f64).sqrt() / f64::from(RATIO_ONE),
            ratios: Ratios::from_words(p.ratios),
            osc: p.osc.iter().map(|o| f64::from(*o) / f64::from(LABEL_ONE)).collect(),
        }));
    }
    Ok(all)
}

/// `borrower`'s score for `query`'s request, with its ratios and the model's nearest points.
pub fn score(
    chain: &mut dyn Chain,
    protocol: &Protocol,
    borrower: Address,
    query: &ScoreQuery,
) -> ApiResult<ScoreView> {
    let amount = wei("amount", &query.amount)?;
    if !(1..=1200).contains(&query.payments) {
        return Err(Problem::bad_field("payments", format!("{} is outside 1 to 1200", query.payments)));
    }
    if query.rate_per_mil > 1000 {
        return Err(Problem::bad_field("ratePerMil", format!("{} is above 1000", query.rate_per_mil)));
    }
    if !(1..=3650).contains(&query.period_days) {
        return Err(Problem::bad_field("periodDays", format!("{} is outside 1 to 3650", query.period_days)));
    }
    let (rate, payments, period) =
        (u64::from(query.rate_per_mil), u64::from(query.payments), u64::from(query.period_days) * DAY);
    let bureau = protocol.bureau;
    let score = bureau.get_score(chain, borrower, amount, rate, payments, period)?;
    let ledger = bureau.ledger_of(chain, borrower)?;
    let installment = schedule::installment_up(amount, rate, payments);
    let daily = installment * U256::from(DAY) / U256::from(period);
    let words = bureau.ratios_of(chain, borrower, installment * U256::from(payments), daily, amount)?;
    let model = protocol.score_model;
    let k = model.k(chain)?;
    let model_size = model.size(chain, PointSet::Old)? + model.size(chain, PointSet::New)?;
    Ok(ScoreView {
        score,
        fico: ledger.core.ficoScore,
        cold_start: ledger.core.firstLoanAt.is_zero(),
        ratios: Ratios::from_words(words),
        k,
        model_size,
        neighbours: neighbours(chain, protocol, words, k)?,
    })
}

/// The borrower at `text` as [`BorrowerView`].
pub fn borrower(
    index: &Indexer,
    chain: &mut dyn Chain,
    protocol: &Protocol,
    state: &AppState,
    text: &str,
    query: &ScoreQuery,
) -> ApiResult<BorrowerView> {
    let who = address("borrower", text)?;
    let detail = index
        .borrower(who)?
        .ok_or_else(|| Problem::not_found("borrower", format!("no borrower {who} in the index")))?;
    let score = match detail.registration {
        Some(_) => Some(score(chain, protocol, who, query)?),
        None => None,
    };
    let (pool, detector) = state.defi_inputs();
    let defi = super::defi::score(chain, protocol, pool, detector, who)?;
    Ok(BorrowerView { detail, score, defi })
}

/// One lender's position with its money: what it has earned so far and what full repayment would give.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LenderEarnings {
    /// The loan.
    #[schema(value_type = String)]
    pub loan: Address,
    /// Invested.
    pub invested: Amount,
    /// Withdrawn so far.
    pub withdrawn: Amount,
    /// Withdrawable now (the loan's `withdrawable`).
    pub withdrawable: Amount,
    /// Interest in what it has received or may withdraw (each payment splits into principal and
    /// interest in the loan-wide proportion, after the creator's fee).
    pub interest_received: Amount,
    /// Interest it receives if every borrower pays the whole schedule.
    pub interest_expected: Amount,
}

/// A lender: the index's record and its earnings per loan.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LenderView {
    /// What the index knows.
    #[serde(flatten)]
    pub detail: LenderDetail,
    /// Per loan, with the chain's withdrawable amounts.
    pub earnings: Vec<LenderEarnings>,
}

/// The lender at `text` as [`LenderView`].
pub fn lender(index: &Indexer, chain: &mut dyn Chain, text: &str) -> ApiResult<LenderView> {
    let who = address("lender", text)?;
    let detail =
        index.lender(who)?.ok_or_else(|| Problem::not_found("lender", format!("no lender {who} in the index")))?;
    let mut earnings = Vec::new();
    for position in &detail.positions {
        let address = position.position.loan;
        let Some(loan) = index.loan(address)? else { continue };
        let handle = Loan { address, asset: position.asset };
        let terms = &loan.loan.terms;
        let (invested, withdrawn) = (position.position.invested.0, position.position.withdrawn.0);
        let withdrawable = handle.withdrawable(chain, who)?;
        // Full repayment pays `scheduled` into the pool, less the creator's fee on its interest part; the
        // lender is entitled to invested / total of the pool.
        let (scheduled, total) = (loan.loan.scheduled.0, terms.total_amount.0);
        let interest_total = scheduled.saturating_sub(total);
        let fee = interest_total * U256::from(terms.creator_fee_per_mil) / U256::from(1000);
        let pool = scheduled.saturating_sub(fee);
        let entitled_full = if total.is_zero() { U256::ZERO } else { pool * invested / total };
        let interest_expected = entitled_full.saturating_sub(invested);
        let received = withdrawn + withdrawable - position.position.refunded.0.min(withdrawn + withdrawable);
        let interest_received =
            if entitled_full.is_zero() { U256::ZERO } else { received * interest_expected / entitled_full };
        earnings.push(LenderEarnings {
            loan: address,
            invested: Amount(invested),
            withdrawn: Amount(withdrawn),
            withdrawable: Amount(withdrawable),
            interest_received: Amount(interest_received),
            interest_expected: Amount(interest_expected),
        });
    }
    Ok(LenderView { detail, earnings })
}

/// A borrower: registration, positions, defaults, history, and the score for a request with its ratios
/// and nearest neighbours.
#[utoipa::path(get, path = "/api/v1/borrowers/{address}", tag = "reads",
    params(PartyPath, ScoreQuery),
    responses((status = 200, body = BorrowerView), (status = 400, body = ProblemBody), (status = 404, body = ProblemBody)))]
pub(super) async fn borrower_handler(
    State(state): State<AppState>,
    Path(who): Path<String>,
    Params(query): Params<ScoreQuery>,
) -> ApiResult<Json<BorrowerView>> {
    let inputs = state.clone();
    state
        .with_index(move |index, chain, protocol| borrower(index, chain, protocol, &inputs, &who, &query).map(Json))
        .await
}

/// A lender: positions, history, withdrawable amounts, interest received and expected.
#[utoipa::path(get, path = "/api/v1/lenders/{address}", tag = "reads",
    params(PartyPath),
    responses((status = 200, body = LenderView), (status = 400, body = ProblemBody), (status = 404, body = ProblemBody)))]
pub(super) async fn lender_handler(
    State(state): State<AppState>,
    Path(who): Path<String>,
) -> ApiResult<Json<LenderView>> {
    state.with_index(move |index, chain, _| lender(index, chain, &who).map(Json)).await
}
