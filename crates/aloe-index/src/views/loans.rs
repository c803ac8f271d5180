//! Loans: their terms, totals and status (with the rules that derive it), the filter and the page.

use alloy_primitives::Address;
use serde::{Deserialize, Serialize};

use super::{Amount, BorrowerPosition, DefaultRecord, LenderPosition};

/// Where a loan stands, derived from its events and the chain's clock at the last sync (as of
/// [`super::IndexStatus::as_of`]), following `Loan.sol`:
///
/// - `open`: not funded and the fund date has not passed: it takes investments and borrow requests;
/// - `failed`: not funded by its fund date (`isFailed()`: `block.timestamp > fundDate`): lenders withdraw
///   refunds, nothing else happens;
/// - `funded`: both sides reached the total (`Funded`), no borrower has taken their principal yet;
/// - `active`: funded and under way: some principal disbursed (or a default confirmed), borrowers still owe;
/// - `repaid`: every borrower paid their whole schedule (`repaid == scheduledTotal`);
/// - `defaulted`: no borrower is still scheduled to pay (each repaid in full or confirmed in default, the
///   contract's `openBorrowers() == 0`) and at least one default was confirmed.
///
/// A loan with a default whose other borrowers still pay stays `active` (its `defaults` count says so).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum LoanStatus {
    /// Taking investments and requests.
    Open,
    /// Fully invested and requested; no principal taken yet.
    Funded,
    /// Under way.
    Active,
    /// Every borrower repaid in full.
    Repaid,
    /// Settled with at least one confirmed default.
    Defaulted,
    /// Not funded by its fund date.
    Failed,
}

impl LoanStatus {
    /// Every status, in lifecycle order.
    pub const ALL: [Self; 6] = [Self::Open, Self::Funded, Self::Active, Self::Repaid, Self::Defaulted, Self::Failed];

    /// The name used in JSON and in SQL.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Funded => "funded",
            Self::Active => "active",
            Self::Repaid => "repaid",
            Self::Defaulted => "defaulted",
            Self::Failed => "failed",
        }
    }

    pub(crate) fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == name)
    }
}

/// Which loans [`crate::Indexer::loans`] returns; every field optional, as an API's query string gives them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct LoanFilter {
    /// Only loans in this status.
    pub status: Option<LoanStatus>,
    /// Only loans of this asset (zero for ether).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>), param(value_type = Option<String>, pattern = "^0x[0-9a-fA-F]{40}$"))]
    pub asset: Option<Address>,
    /// Only loans by this creator.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>), param(value_type = Option<String>, pattern = "^0x[0-9a-fA-F]{40}$"))]
    pub creator: Option<Address>,
    /// Only loans whose minimum credit score is at least this (0 to 1000).
    #[cfg_attr(feature = "openapi", param(minimum = 0, maximum = 1000))]
    pub min_credit_score_from: Option<u16>,
    /// Only loans whose minimum credit score is at most this (0 to 1000).
    #[cfg_attr(feature = "openapi", param(minimum = 0, maximum = 1000))]
    pub min_credit_score_to: Option<u16>,
    /// At most this many (1 to [`LoanFilter::MAX_LIMIT`]).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 1000))]
    pub limit: u32,
    /// Skips this many.
    #[cfg_attr(feature = "openapi", param(minimum = 0, maximum = 2147483647))]
    pub offset: u32,
    /// Newest first instead of oldest first (creation order).
    pub newest_first: bool,
}

impl LoanFilter {
    /// The largest page.
    pub const MAX_LIMIT: u32 = 1_000;
}

impl Default for LoanFilter {
    fn default() -> Self {
        Self {
            status: None,
            asset: None,
            creator: None,
            min_credit_score_from: None,
            min_credit_score_to: None,
            limit: 100,
            offset: 0,
            newest_first: false,
        }
    }
}

/// A loan's terms, as `LoanCreated` announced them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Terms {
    /// What both sides must reach for the loan to fund.
    pub total_amount: Amount,
    /// Interest per period, per mil.
    pub int_rate_per_mil: u16,
    /// Installments.
    pub num_payments: u16,
    /// Seconds between installments.
    pub seconds_between_payments: u32,
    /// The bureau's score a borrower needs.
    pub min_credit_score: u16,
    /// The loan fails unless funded by then (Unix seconds).
    pub fund_date: u64,
    /// Seconds behind before a default can be confirmed.
    pub grace_period: u32,
    /// The creator's share of the interest, per mil.
    pub creator_fee_per_mil: u16,
    /// The decision model a request must prove against (0: none).
    pub decision_model: u32,
    /// The margin that proof must show.
    pub min_decision_margin: i32,
}

/// One loan with its running totals.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LoanSummary {
    /// The loan contract.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub address: Address,
    /// Who created it (earns the fee).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub creator: Address,
    /// The asset lent (zero for ether).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub asset: Address,
    /// The terms.
    pub terms: Terms,
    /// Derived as [`LoanStatus`] says.
    pub status: LoanStatus,
    /// The block of `LoanCreated`.
    pub created_block: u64,
    /// Its time.
    pub created_at: u64,
    /// When it funded (the schedule's start), if it did.
    pub funded_at: Option<u64>,
    /// Invested by lenders (the contract's `totals().invested`).
    pub invested: Amount,
    /// Requested by borrowers, net of cancellations (`totals().requested`).
    pub requested: Amount,
    /// Every borrower's whole schedule (`totals().scheduledTotal`).
    pub scheduled: Amount,
    /// Principal taken by borrowers.
    pub disbursed: Amount,
    /// Repaid, including principal reclaimed at defaults (`totals().repaid`).
    pub repaid: Amount,
    /// The part of `repaid` that is principal never taken, returned at a default.
    pub reclaimed: Amount,
    /// Withdrawn by lenders (shares and refunds).
    pub withdrawn: Amount,
    /// The part of `withdrawn` refunded after a failed funding.
    pub refunded: Amount,
    /// Fees the creator took.
    pub fees_withdrawn: Amount,
    /// Lenders' rounding dust swept to the creator.
    pub dust_swept: Amount,
    /// Distinct lenders.
    pub lenders: u64,
    /// Borrowers holding a request.
    pub borrowers: u64,
    /// Borrowers neither repaid in full nor in default (`openBorrowers()`).
    pub open_borrowers: u64,
    /// Defaults confirmed.
    pub defaults: u64,
}

/// A page of loans.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LoanPage {
    /// Loans matching the filter, all pages together.
    pub total: u64,
    /// This page, in creation order (newest first if the filter asks).
    pub loans: Vec<LoanSummary>,
}

/// A loan with its lenders, borrowers and defaults.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LoanDetail {
    /// The loan and its totals.
    #[serde(flatten)]
    pub loan: LoanSummary,
    /// Its lenders, by first investment.
    pub lender_positions: Vec<LenderPosition>,
    /// Its borrowers, by request.
    pub borrower_positions: Vec<BorrowerPosition>,
    /// Its confirmed defaults.
    pub default_records: Vec<DefaultRecord>,
}
