//! `/`: the market at a glance, from the index: loans by status, volumes, defaults over time, the
//! parties counted, and the newest loans, each linking to its page.

use aloe_index::{Bucket, LoanFilter, LoanStatus, LoanSummary, Market};
use askama::Template;
use axum::extract::State;

use super::{
    charts, format,
    page::{Chrome, Flash, PageResult, render},
};
use crate::api::{AppState, body::Params, loans::ratio};

/// How many loans the overview lists.
const RECENT: u32 = 20;

/// A loan as a row of a table.
#[derive(Clone, Debug)]
pub(super) struct LoanRow {
    pub(super) address: String,
    pub(super) short: String,
    pub(super) status: &'static str,
    pub(super) amount: String,
    pub(super) rate: String,
    pub(super) payments: u16,
    pub(super) period: String,
    pub(super) min_score: u16,
    pub(super) funded: String,
    pub(super) created: String,
}

impl LoanRow {
    /// The row of `loan`.
    pub(super) fn of(loan: &LoanSummary) -> Self {
        let terms = &loan.terms;
        let total = terms.total_amount.0;
        Self {
            address: loan.address.to_string(),
            short: format::short(loan.address),
            status: loan.status.as_str(),
            amount: format::ether(terms.total_amount),
            rate: format!("{:.1} %", f64::from(terms.int_rate_per_mil) / 10.0),
            payments: terms.num_payments,
            period: format::days(terms.seconds_between_payments.into()),
            min_score: terms.min_credit_score,
            funded: if total.is_zero() { "–".into() } else { format::percent(ratio(loan.invested.0, total)) },
            created: format::date(loan.created_at),
        }
    }
}

/// One asset's volumes.
#[derive(Clone, Debug)]
struct VolumeRow {
    asset: String,
    loans: u64,
    invested: String,
    disbursed: String,
    repaid: String,
    defaulted: String,
}

#[derive(Template)]
#[template(path = "market.html")]
struct MarketPage {
    chrome: Chrome,
    market: Market,
    status_chart: String,
    defaults_chart: Option<String>,
    volumes: Vec<VolumeRow>,
    loans: Vec<LoanRow>,
    total_loans: u64,
}

/// The bar colour of each status (the same as the badges in the CSS).
pub(super) fn colour(status: LoanStatus) -> &'static str {
    match status {
        LoanStatus::Open => "#1f5fa8",
        LoanStatus::Funded => "#6a4fb3",
        LoanStatus::Active => "#c98a00",
        LoanStatus::Repaid => "#278a3e",
        LoanStatus::Defaulted => "#b02a1e",
        LoanStatus::Failed => "#888888",
    }
}

fn status_chart(market: &Market) -> String {
    let counts = &market.by_status;
    let values = [counts.open, counts.funded, counts.active, counts.repaid, counts.defaulted, counts.failed];
    let bars: Vec<charts::Bar> =
        LoanStatus::ALL.iter().zip(values).map(|(status, n)| (status.as_str(), n, colour(*status))).collect();
    charts::bars(&bars)
}

/// Cumulative defaults at each bucket's start: a line that only rises, readable at any number of buckets.
fn defaults_chart(market: &Market) -> Option<String> {
    if market.defaults_over_time.is_empty() {
        return None;
    }
    let mut total = 0;
    let points: Vec<(f64, f64)> = market
        .defaults_over_time
        .iter()
        .map(|bucket| {
            total += bucket.defaults;
            (bucket.start as f64, total as f64)
        })
        .collect();
    Some(charts::line(&points, "bucket start", "defaults (cumulative)", &|x| format::date(*x as u64)))
}

/// `GET /`.
pub(super) async fn overview(State(state): State<AppState>, Params(flash): Params<Flash>) -> PageResult {
    let page = state
        .with_index(move |index, chain, _| {
            let market = index.market(Bucket::ThirtyDays)?;
            let page = index.loans(&LoanFilter { limit: RECENT, newest_first: true, ..LoanFilter::default() })?;
            let volumes = market
                .volumes
                .iter()
                .map(|v| VolumeRow {
                    asset: if v.asset.is_zero() { "ether".into() } else { v.asset.to_string() },
                    loans: v.loans,
                    invested: format::ether(v.invested),
                    disbursed: format::ether(v.disbursed),
                    repaid: format::ether(v.repaid),
                    defaulted: format::ether(v.defaulted_arrears),
                })
                .collect();
            Ok(MarketPage {
                chrome: Chrome::new("Market", "market", chain.timestamp()?, flash),
                status_chart: status_chart(&market),
                defaults_chart: defaults_chart(&market),
                volumes,
                loans: page.loans.iter().map(LoanRow::of).collect(),
                total_loans: page.total,
                market,
            })
        })
        .await?;
    render(&page)
}
