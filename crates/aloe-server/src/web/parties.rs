//! `/borrowers/{address}` and `/lenders/{address}`: a party as the API reads it
//! ([`crate::api::parties::borrower`], [`crate::api::parties::lender`]): a borrower's score with its
//! gauge, the five ratios and the model's nearest points, history and positions; a lender's positions
//! with what it has withdrawn, may withdraw and earns.

use aloe_index::EventRecord;
use askama::Template;
use axum::extract::{Path, State};

use super::{
    charts, format,
    page::{Chrome, Flash, PageResult, render},
};
use crate::api::{
    AppState,
    body::Params,
    parties::{self, Ratios, ScoreQuery},
};

/// One ratio as a bar: its name, what it measures, its value and the bar's width (0 to 100).
#[derive(Clone, Debug)]
struct RatioBar {
    name: &'static str,
    meaning: &'static str,
    value: String,
    width: f64,
}

fn ratio_bars(ratios: &Ratios) -> Vec<RatioBar> {
    let bar = |name, meaning, value: f64| RatioBar {
        name,
        meaning,
        value: format!("{value:.3}"),
        width: (value * 100.0).clamp(0.0, 100.0),
    };
    vec![
        bar("UPR", "time spent behind schedule", ratios.upr),
        bar("CDBR", "debt now against the history's average", ratios.cdbr),
        bar("CPBR", "payment rate now against the average", ratios.cpbr),
        bar("RAR", "how long money lent has been out", ratios.rar),
        bar("ANCL", "loans held at once", ratios.ancl),
    ]
}

/// An indexed event, its arguments written as `name = value`.
#[derive(Clone, Debug)]
struct EventRow {
    block: u64,
    time: String,
    source: &'static str,
    event: String,
    args: String,
}

fn event_rows(history: &[EventRecord]) -> Vec<EventRow> {
    history
        .iter()
        .map(|e| EventRow {
            block: e.block_number,
            time: format::date_time(e.block_timestamp),
            source: e.source.as_str(),
            event: e.event.clone(),
            args: e
                .args
                .as_object()
                .map(|args| {
                    let value = |v: &serde_json::Value| v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                    args.iter().map(|(k, v)| format!("{k} = {}", value(v))).collect::<Vec<_>>().join(", ")
                })
                .unwrap_or_default(),
        })
        .collect()
}

/// One of the model's nearest points.
#[derive(Clone, Debug)]
struct NeighbourRow {
    set: String,
    distance: String,
    ratios: String,
    osc: String,
}

/// The score and what produced it.
#[derive(Clone, Debug)]
struct Score {
    gauge: String,
    fico: u16,
    cold_start: bool,
    k: u64,
    model_size: u64,
    ratios: Vec<RatioBar>,
    neighbours: Vec<NeighbourRow>,
}

/// One loan the borrower asked to borrow from.
#[derive(Clone, Debug)]
struct PositionRow {
    loan: String,
    short: String,
    status: String,
    requested: String,
    installment: String,
    disbursed: String,
    paid: String,
    scheduled: String,
}

/// The DeFi behaviour score's rows: each component with its weight and points, then the penalty.
#[derive(Clone, Debug)]
struct DefiCard {
    points: String,
    fico_scale: String,
    rows: Vec<(&'static str, String, &'static str, String)>,
    penalty: String,
    facts: String,
}

/// The DeFi card of `view`, or why there is none.
fn defi_card(view: &crate::api::defi::DefiView) -> Result<DefiCard, String> {
    let Some(s) = &view.score else { return Err(view.unavailable.clone().unwrap_or_default()) };
    let row =
        |name, value: f64, weight: f64, label| (name, format!("{value:.3}"), label, format!("{:.2}", value * weight));
    Ok(DefiCard {
        points: format!("{:.1}", s.points),
        fico_scale: format!("{:.0}", s.fico_scale),
        rows: vec![
            row("P payment history", s.payment_history, 38.5, "38.5"),
            row("A amount owed", s.amount_owed, 33.5, "33.5"),
            row("L length of history", s.history_length, 16.5, "16.5"),
            row("C credit mix", s.credit_mix, 11.5, "11.5"),
        ],
        penalty: format!("{:.2} (reconstruction error {:.4})", s.penalty, s.reconstruction_error),
        facts: format!(
            "{} transactions of its own in the last {} days, history of {} days, repayment rate {}",
            s.transactions,
            view.window_days,
            s.history_days,
            s.repayment_rate.map_or_else(|| "—".to_owned(), |r| format!("{:.1} %", r * 100.0))
        ),
    })
}

#[derive(Template)]
#[template(path = "borrower.html")]
struct BorrowerPage {
    chrome: Chrome,
    address: String,
    registration: Option<(u16, String, String)>,
    score: Option<Score>,
    defi: Result<DefiCard, String>,
    positions: Vec<PositionRow>,
    defaults: Vec<(String, String, String)>,
    history: Vec<EventRow>,
}

/// `GET /borrowers/{address}`: the score is quoted for the API's default request.
pub(super) async fn borrower(
    State(state): State<AppState>,
    Path(who): Path<String>,
    Params(flash): Params<Flash>,
) -> PageResult {
    let inputs = state.clone();
    let page = state
        .with_index(move |index, chain, protocol| {
            let view = parties::borrower(index, chain, protocol, &inputs, &who, &ScoreQuery::default())?;
            let detail = &view.detail;
            let ether = format::ether;
            let score = view.score.as_ref().map(|s| Score {
                gauge: charts::gauge(s.score),
                fico: s.fico,
                cold_start: s.cold_start,
                k: s.k,
                model_size: s.model_size,
                ratios: ratio_bars(&s.ratios),
                neighbours: s
                    .neighbours
                    .iter()
                    .map(|n| NeighbourRow {
                        set: n.set.clone(),
                        distance: format!("{:.4}", n.distance),
                        ratios: format!(
                            "{:.2} / {:.2} / {:.2} / {:.2} / {:.2}",
                            n.ratios.upr, n.ratios.cdbr, n.ratios.cpbr, n.ratios.rar, n.ratios.ancl
                        ),
                        osc: n.osc.iter().map(|o| format!("{o:.2}")).collect::<Vec<_>>().join(" "),
                    })
                    .collect(),
            });
            Ok(BorrowerPage {
                chrome: Chrome::new(
                    format!("Borrower {}", format::short(detail.address)),
                    "",
                    chain.timestamp()?,
                    flash,
                ),
                address: detail.address.to_string(),
                registration: detail
                    .registration
                    .as_ref()
                    .map(|r| (r.fico_score, r.notary.to_string(), format::date_time(r.registered_at))),
                score,
                defi: defi_card(&view.defi),
                positions: detail
                    .positions
                    .iter()
                    .map(|p| PositionRow {
                        loan: p.loan.to_string(),
                        short: format::short(p.loan),
                        status: format!("{:?}", p.status).to_lowercase(),
                        requested: ether(p.requested),
                        installment: ether(p.installment),
                        disbursed: ether(p.disbursed),
                        paid: ether(p.paid),
                        scheduled: ether(p.scheduled),
                    })
                    .collect(),
                defaults: detail
                    .defaults
                    .iter()
                    .map(|d| (d.loan.to_string(), ether(d.arrears), format::date_time(d.confirmed_at)))
                    .collect(),
                history: event_rows(&detail.history),
            })
        })
        .await?;
    render(&page)
}

/// One position of a lender.
#[derive(Clone, Debug)]
struct EarningRow {
    loan: String,
    short: String,
    status: &'static str,
    invested: String,
    withdrawn: String,
    withdrawable: String,
    interest_received: String,
    interest_expected: String,
}

#[derive(Template)]
#[template(path = "lender.html")]
struct LenderPage {
    chrome: Chrome,
    address: String,
    positions: Vec<EarningRow>,
    history: Vec<EventRow>,
}

/// `GET /lenders/{address}`.
pub(super) async fn lender(
    State(state): State<AppState>,
    Path(who): Path<String>,
    Params(flash): Params<Flash>,
) -> PageResult {
    let page = state
        .with_index(move |index, chain, _| {
            let view = parties::lender(index, chain, &who)?;
            let ether = format::ether;
            let status =
                |loan| view.detail.positions.iter().find(|p| p.position.loan == loan).map(|p| p.status.as_str());
            Ok(LenderPage {
                chrome: Chrome::new(
                    format!("Lender {}", format::short(view.detail.address)),
                    "",
                    chain.timestamp()?,
                    flash,
                ),
                address: view.detail.address.to_string(),
                positions: view
                    .earnings
                    .iter()
                    .map(|e| EarningRow {
                        loan: e.loan.to_string(),
                        short: format::short(e.loan),
                        status: status(e.loan).unwrap_or("?"),
                        invested: ether(e.invested),
                        withdrawn: ether(e.withdrawn),
                        withdrawable: ether(e.withdrawable),
                        interest_received: ether(e.interest_received),
                        interest_expected: ether(e.interest_expected),
                    })
                    .collect(),
                history: event_rows(&view.detail.history),
            })
        })
        .await?;
    render(&page)
}
