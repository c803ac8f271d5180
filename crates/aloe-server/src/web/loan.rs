//! `/loans/{loan}`: one loan as the API's [`crate::api::loans::view`] reads it (terms, totals, the
//! amortisation schedule, each borrower's standing now), the lenders' withdrawable amounts from the
//! chain, and the development action forms for this loan.

use alloy_primitives::{Address, U256};
use aloe_contracts::Loan;
use aloe_index::Amount;
use askama::Template;
use axum::extract::{Path, State};

use super::{
    charts,
    dev::{Account, accounts},
    format,
    page::{Chrome, Flash, PageResult, render},
};
use crate::api::{AppState, body::Params, loans, problem::ApiResult};

/// One borrower: their position and, once they took principal, their standing now.
#[derive(Clone, Debug)]
struct BorrowerRow {
    address: String,
    short: String,
    status: String,
    requested: String,
    installment: String,
    disbursed: String,
    paid: String,
    due: String,
    arrears: String,
    owed: String,
    in_default: bool,
}

/// One lender's position and what it may withdraw now.
#[derive(Clone, Debug)]
struct LenderRow {
    address: String,
    short: String,
    invested: String,
    withdrawn: String,
    withdrawable: String,
}

/// One period of the schedule, formatted.
#[derive(Clone, Debug)]
struct PeriodRow {
    period: u16,
    due: String,
    installment: String,
    interest: String,
    principal: String,
    balance: String,
}

#[derive(Template)]
#[template(path = "loan.html")]
struct LoanPage {
    chrome: Chrome,
    address: String,
    status: &'static str,
    creator: String,
    terms: Vec<(&'static str, String)>,
    totals: Vec<(&'static str, String)>,
    invested_percent: f64,
    requested_percent: f64,
    invested: String,
    requested: String,
    total: String,
    to_raise: String,
    schedule: Vec<PeriodRow>,
    balance_chart: String,
    borrowers: Vec<BorrowerRow>,
    lenders: Vec<LenderRow>,
    defaults: Vec<(String, String, String)>,
    accounts: Vec<Account>,
    period_days: u64,
    requires_proof: bool,
}

fn percent_of(part: U256, whole: U256) -> f64 {
    if whole.is_zero() { 0.0 } else { (loans::ratio(part, whole) * 100.0).clamp(0.0, 100.0) }
}

/// The outstanding principal after each period, starting from the whole amount at period 0.
fn balance_chart(view: &loans::LoanView) -> String {
    let start = format::ether_f64(view.detail.loan.terms.total_amount.0);
    let points: Vec<(f64, f64)> = std::iter::once((0.0, start))
        .chain(view.schedule.iter().map(|row| (f64::from(row.period), format::ether_f64(row.balance.0))))
        .collect();
    charts::line(&points, "period", "principal outstanding (ether)", &|x| format!("{x:.0}"))
}

fn page(view: loans::LoanView, withdrawable: Vec<Amount>, accounts: Vec<Account>, chrome: Chrome) -> LoanPage {
    let loan = &view.detail.loan;
    let terms = &loan.terms;
    let ether = format::ether;
    let balance_chart = balance_chart(&view);
    let standing = |who: Address| view.standing.iter().find(|s| s.borrower == who);
    let borrowers = view
        .detail
        .borrower_positions
        .iter()
        .map(|p| {
            let now = standing(p.borrower);
            let or_dash = |value: Option<Amount>| value.map_or_else(|| "–".to_owned(), ether);
            BorrowerRow {
                address: p.borrower.to_string(),
                short: format::short(p.borrower),
                status: format!("{:?}", p.status).to_lowercase(),
                requested: ether(p.requested),
                installment: ether(p.installment),
                disbursed: ether(p.disbursed),
                paid: ether(p.paid),
                due: or_dash(now.map(|s| s.due)),
                arrears: or_dash(now.map(|s| s.arrears)),
                owed: or_dash(now.map(|s| s.owed)),
                in_default: now.is_some_and(|s| s.in_default),
            }
        })
        .collect();
    let lenders = view
        .detail
        .lender_positions
        .iter()
        .zip(withdrawable)
        .map(|(p, withdrawable)| LenderRow {
            address: p.lender.to_string(),
            short: format::short(p.lender),
            invested: ether(p.invested),
            withdrawn: ether(p.withdrawn),
            withdrawable: ether(withdrawable),
        })
        .collect();
    let total = terms.total_amount.0;
    LoanPage {
        address: loan.address.to_string(),
        status: loan.status.as_str(),
        creator: loan.creator.to_string(),
        terms: vec![
            ("Amount", format!("{} ether", ether(terms.total_amount))),
            (
                "Interest per period",
                format!("{:.1} % ({} per mil)", f64::from(terms.int_rate_per_mil) / 10.0, terms.int_rate_per_mil),
            ),
            ("Payments", terms.num_payments.to_string()),
            ("Period", format::days(terms.seconds_between_payments.into())),
            ("Minimum score", terms.min_credit_score.to_string()),
            ("Funding closes", format::date_time(terms.fund_date)),
            ("Grace period", format::days(terms.grace_period.into())),
            ("Creator's fee", format!("{} per mil of interest", terms.creator_fee_per_mil)),
            ("Created", format::date_time(loan.created_at)),
            ("Funded", loan.funded_at.map_or_else(|| "not yet".into(), format::date_time)),
        ],
        totals: vec![
            ("Scheduled (all borrowers)", ether(loan.scheduled)),
            ("Disbursed", ether(loan.disbursed)),
            ("Repaid", ether(loan.repaid)),
            ("Withdrawn by lenders", ether(loan.withdrawn)),
            ("Defaults", loan.defaults.to_string()),
        ],
        invested_percent: percent_of(loan.invested.0, total),
        requested_percent: percent_of(loan.requested.0, total),
        invested: ether(loan.invested),
        requested: ether(loan.requested),
        total: ether(terms.total_amount),
        to_raise: ether(Amount(total.saturating_sub(loan.invested.0))),
        schedule: view
            .schedule
            .iter()
            .map(|row| PeriodRow {
                period: row.period,
                due: row.due_at.map_or_else(|| "once funded".into(), format::date),
                installment: ether(row.installment),
                interest: ether(row.interest),
                principal: ether(row.principal),
                balance: ether(row.balance),
            })
            .collect(),
        balance_chart,
        borrowers,
        lenders,
        defaults: view
            .detail
            .default_records
            .iter()
            .map(|d| (d.borrower.to_string(), ether(d.arrears), format::date_time(d.confirmed_at)))
            .collect(),
        accounts,
        period_days: (u64::from(terms.seconds_between_payments) / 86_400).max(1),
        requires_proof: terms.decision_model != 0,
        chrome,
    }
}

/// `GET /loans/{loan}`.
pub(super) async fn show(
    State(state): State<AppState>,
    Path(loan): Path<String>,
    Params(flash): Params<Flash>,
) -> PageResult {
    let page = state
        .with_index(move |index, chain, _| {
            let view = loans::view(index, chain, &loan)?;
            let handle = Loan { address: view.detail.loan.address, asset: view.detail.loan.asset };
            let withdrawable = view
                .detail
                .lender_positions
                .iter()
                .map(|p| Ok(Amount(handle.withdrawable(chain, p.lender)?)))
                .collect::<ApiResult<Vec<_>>>()?;
            let chrome =
                Chrome::new(format!("Loan {}", format::short(view.detail.loan.address)), "", chain.timestamp()?, flash);
            Ok(page(view, withdrawable, accounts(chain)?, chrome.with_dev()))
        })
        .await?;
    render(&page)
}
