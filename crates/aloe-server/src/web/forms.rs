//! The development action forms: plain form-encoded POSTs, each answered with a 303 to the page that
//! shows the result (post/redirect/get, so a reload does not send the transaction again). Fields are read
//! into the API's own requests (amounts typed in ether, converted by [`crate::api::problem::ether`]) and
//! sent through the same functions as the JSON API, so a refusal is the same [`Problem`]; it goes back to
//! the form's page as `?error=…&field=…&form=…`. Every field is checked before anything is sent, and the
//! contracts refuse a transaction whole, so a refused form changes nothing.

use std::str::FromStr;

use axum::{
    body::Bytes,
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};

use super::{format, page::PageError};
use crate::api::{
    AppState,
    dev::{self, ClockRequest, CreateLoanRequest, DisburseRequest, LoanAction, LoanActionRequest, RegisterRequest},
    problem::{ApiResult, Problem, address, ether},
};

/// A form's fields by name, as the browser sent them.
struct Fields(Vec<(String, String)>);

impl Fields {
    fn parse(body: &[u8]) -> Self {
        Self(form_urlencoded::parse(body).into_owned().collect())
    }

    /// The field `name`, or a refusal naming it.
    fn text(&self, name: &str) -> ApiResult<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
            .ok_or_else(|| Problem::bad_field(name, "is missing"))
    }

    /// The field `name` as a whole number of `T`.
    fn whole<T: FromStr>(&self, name: &str) -> ApiResult<T> {
        let text = self.text(name)?;
        text.trim().parse().map_err(|_| Problem::bad_field(name, format!("{text:?} is not a whole number in range")))
    }

    /// The field `name`, typed in ether, as the wei the API's requests carry.
    fn ether(&self, name: &str) -> ApiResult<String> {
        Ok(ether(name, self.text(name)?)?.to_string())
    }
}

/// `path` with `pairs` as its query string.
fn to(path: &str, pairs: &[(&str, &str)]) -> Response {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (key, value) in pairs {
        query.append_pair(key, value);
    }
    Redirect::to(&format!("{path}?{}", query.finish())).into_response()
}

/// Back to `path` with the refusal, naming the field and the form it came from.
fn refused(path: &str, form: &str, problem: Problem) -> Response {
    let body = problem.1;
    to(path, &[("error", &body.error), ("field", body.field.as_deref().unwrap_or("")), ("form", form)])
}

/// `POST /dev/registrations`: to the borrower's page.
pub(super) async fn register(State(state): State<AppState>, body: Bytes) -> Response {
    let fields = Fields::parse(&body);
    let request = || -> ApiResult<RegisterRequest> {
        Ok(RegisterRequest {
            user: fields.whole("user")?,
            fico: fields.whole("fico")?,
            national_id: fields.text("nationalId")?.to_owned(),
            attributes: fields.text("attributes").ok().map(str::trim).filter(|a| !a.is_empty()).map(str::to_owned),
        })
    };
    let outcome = match request() {
        Ok(request) => state.register(request).await,
        Err(problem) => Err(problem),
    };
    match outcome {
        Ok(done) => to(
            &format!("/borrowers/{}", done.borrower),
            &[("ok", &format!("Registered {} through the notary (auditor set {}).", done.borrower, done.epoch))],
        ),
        Err(problem) => refused("/dev", "register", problem),
    }
}

/// `POST /dev/loans`: to the new loan's page.
pub(super) async fn create_loan(State(state): State<AppState>, body: Bytes) -> Response {
    let fields = Fields::parse(&body);
    let request = || -> ApiResult<CreateLoanRequest> {
        Ok(CreateLoanRequest {
            user: fields.whole("user")?,
            amount: fields.ether("amount")?,
            rate_per_mil: fields.whole("ratePerMil")?,
            payments: fields.whole("payments")?,
            period_days: fields.whole("periodDays")?,
            min_score: fields.whole("minScore")?,
            fund_days: fields.whole("fundDays")?,
            grace_days: fields.whole("graceDays")?,
            fee_per_mil: fields.whole("feePerMil")?,
            requires_proof: fields.text("requiresProof").is_ok_and(|v| v == "on" || v == "true"),
        })
    };
    let model = state.decision_model();
    let outcome = match request() {
        Ok(request) => state.write(move |chain, protocol| dev::create_loan(chain, protocol, &request, model)).await,
        Err(problem) => Err(problem),
    };
    match outcome {
        Ok(done) => {
            let loan = done.loan.map(|l| l.to_string()).unwrap_or_default();
            to(&format!("/loans/{loan}"), &[("ok", &format!("Created loan {loan} (block {}).", done.block))])
        }
        Err(problem) => refused("/dev", "create", problem),
    }
}

/// Where the clock form goes back to: a local page it names, else `/dev` (never another site).
fn local(back: Option<&str>) -> String {
    match back {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains(['?', '\\']) => path.into(),
        _ => "/dev".into(),
    }
}

/// `POST /dev/clock`: back to the page the form was on.
pub(super) async fn clock(State(state): State<AppState>, body: Bytes) -> Response {
    let fields = Fields::parse(&body);
    let back = local(fields.text("back").ok());
    let outcome = match fields.whole("days") {
        Ok(days) => state.write(move |chain, _| dev::advance(chain, &ClockRequest { days })).await,
        Err(problem) => Err(problem),
    };
    match outcome {
        Ok(clock) => to(&back, &[("ok", &format!("The clock is now {}.", format::date_time(clock.timestamp)))]),
        Err(problem) => refused(&back, "clock", problem),
    }
}

/// `POST /loans/{loan}/{action}`: invest, borrow, pay or withdraw; back to the loan's page.
pub(super) async fn act(
    State(state): State<AppState>,
    Path((loan, action)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, PageError> {
    let page = format!("/loans/{}", address("loan", &loan)?);
    let fields = Fields::parse(&body);
    if action == "disburse" {
        let outcome = match fields.whole("user") {
            Ok(user) => {
                let request = DisburseRequest { user };
                state.write(move |chain, protocol| dev::disburse(chain, protocol, &loan, &request)).await
            }
            Err(problem) => Err(problem),
        };
        return Ok(match outcome {
            Ok(done) => to(&page, &[("ok", &format!("{} took the principal (block {}).", done.from, done.block))]),
            Err(problem) => refused(&page, "disburse", problem),
        });
    }
    let request = || -> ApiResult<LoanActionRequest> {
        Ok(LoanActionRequest { user: fields.whole("user")?, amount: fields.ether("amount")? })
    };
    if action == "borrow-with-proof" {
        let outcome = match request() {
            Ok(request) => state.borrow_with_proof(loan, request).await,
            Err(problem) => Err(problem),
        };
        return Ok(match outcome {
            Ok(done) => to(
                &page,
                &[(
                    "ok",
                    &format!(
                        "{} proved the credit model's approval and asked to borrow (block {}).",
                        done.from, done.block
                    ),
                )],
            ),
            Err(problem) => refused(&page, "borrow-with-proof", problem),
        });
    }
    let kind = LoanAction::parse(&action)?;
    let outcome = match request() {
        Ok(request) => {
            let wei = request.amount.clone();
            let done = state.write(move |chain, protocol| dev::act_on_loan(chain, protocol, &loan, kind, &request));
            done.await.map(|done| (done, wei))
        }
        Err(problem) => Err(problem),
    };
    Ok(match outcome {
        Ok((done, wei)) => {
            let amount = crate::api::problem::format_amount(wei.parse().unwrap_or_default());
            let verb = match kind {
                LoanAction::Invest => "invested",
                LoanAction::Borrow => "asked to borrow",
                LoanAction::Pay => "paid",
                LoanAction::Withdraw => "withdrew",
            };
            let gas = format::thousands(done.gas_used);
            to(&page, &[("ok", &format!("{} {verb} {amount} ether (block {}, gas {gas}).", done.from, done.block))])
        }
        Err(problem) => refused(&page, &action, problem),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_read_by_name_and_refusals_name_them() {
        let fields = Fields::parse(b"user=2&amount=1.5&days=x");
        assert_eq!(fields.whole::<u32>("user").unwrap(), 2);
        assert_eq!(fields.ether("amount").unwrap(), "1500000000000000000");
        assert_eq!(fields.whole::<u32>("days").unwrap_err().1.field.as_deref(), Some("days"));
        assert_eq!(fields.text("fico").unwrap_err().1.field.as_deref(), Some("fico"));
        assert_eq!(local(Some("/loans/0x12")), "/loans/0x12");
        for outside in [None, Some("//evil.example"), Some("https://evil.example"), Some("/a?b=c")] {
            assert_eq!(local(outside), "/dev", "{outside:?}");
        }
    }
}
