//! `CreditBureau.getScore`, end to end: the cold-start rule, the query vector from the ledger as if the loan
//! were approved, and the k-NN answer at the loan's duration.

use crate::{
    ModelPoint,
    knn::{combine, score_set},
    ledger::Ledger,
};

const DAY: u128 = 86_400;

/// A loan request as getScore sees it (the installment as `ScheduleMath.installmentUp` computes it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Request {
    /// Principal asked for.
    pub amount: u128,
    /// Its level installment.
    pub installment: u128,
    /// Number of payments.
    pub num_payments: u64,
    /// Seconds between payments.
    pub period: u64,
}

impl Request {
    /// The payment per day needed not to fall behind.
    pub fn daily_rate(&self) -> u128 {
        self.installment * DAY / u128::from(self.period)
    }

    /// The loan's duration in seconds: the OSC window its score is read at.
    pub fn duration(&self) -> u64 {
        self.num_payments * self.period
    }
}

/// An asset's cold-start limits (governance); `None` in [`get_score`] means unconfigured: no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColdStartLimits {
    /// Largest amount a borrower without history may ask for at FICO / 1000.
    pub max_amount: u128,
    /// Largest payment per day they may take on.
    pub max_daily_payment: u128,
}

/// The model's two point sets and k.
#[derive(Debug, Clone, Copy)]
pub struct Model<'a> {
    /// The old set.
    pub old: &'a [ModelPoint],
    /// The new set (chunks and buffer).
    pub new: &'a [ModelPoint],
    /// Neighbours.
    pub k: usize,
}

/// The score in thousandths: FICO for a borrower without history within the cold-start limits, and for
/// everyone while the model is empty; otherwise the model's answer for the ratios as if `request` were
/// approved at `now`, at its duration.
pub fn get_score(
    ledger: &Ledger,
    now: u64,
    request: &Request,
    limits: Option<ColdStartLimits>,
    model: Model<'_>,
) -> u64 {
    let fico = u64::from(ledger.fico_score);
    let small = limits.is_none_or(|l| request.amount <= l.max_amount && request.daily_rate() <= l.max_daily_payment);
    if ledger.first_loan_at == 0 && small {
        return fico;
    }
    let query = query_vector(ledger, now, request);
    let duration = request.duration();
    let old = score_set(model.old, &query, model.k, duration);
    let new = score_set(model.new, &query, model.k, duration);
    combine(old, model.old.len() as u64, new, model.new.len() as u64).unwrap_or(fico)
}

/// The ratios getScore looks up: the ledger accumulated to `now`, as if `request` were approved.
pub fn query_vector(ledger: &Ledger, now: u64, request: &Request) -> [u16; 5] {
    let mut at_now = ledger.clone();
    at_now.accumulate(now);
    let scheduled = request.installment * u128::from(request.num_payments);
    at_now.ratios(now, scheduled, request.daily_rate(), request.amount)
}
