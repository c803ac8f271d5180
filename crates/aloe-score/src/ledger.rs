//! The per-borrower ledger and the five ALOE ratios, exactly as `BorrowerLedger.sol` keeps and computes them
//! (see its documentation for the definitions): the same events, the same two clocks, the same integer
//! arithmetic, the same saturation.

use alloy_primitives::U256;

use crate::point::WINDOWS;

/// A borrower holds at most this many requests and unsettled loans.
pub const MAX_ACTIVE_LOANS: u8 = 6;
/// Ratios are 16-bit fixed point.
pub const RATIO_ONE: u64 = 65_535;
/// OSC labels are 8-bit fixed point.
pub const LABEL_ONE: u64 = 255;
/// ANCL maps this many simultaneous loans (or more) to 1.
pub const LOAN_COUNT_CAP: u64 = 4;
const DAY: u64 = 86_400;
const MAX_120: u128 = (1 << 120) - 1;
const OSC_MAX: u64 = (1 << 30) - 1;

/// What an event asked of the ledger that the contract refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    /// A seventh request or loan at once.
    #[error("a borrower holds at most {MAX_ACTIVE_LOANS} requests and loans at once")]
    TooManyActiveLoans,
    /// A payment moved a due date the ledger does not keep.
    #[error("the ledger keeps no due date {0}")]
    DateMissing(u64),
}

/// A borrower's ledger (the contract's `ScoreLedger`, field by field).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ledger {
    /// FICO at registration.
    pub fico_score: u16,
    /// FLT: the first request (0: no history).
    pub first_loan_at: u64,
    /// Clock of the integrals.
    pub last_update: u64,
    /// Clock of the behind timeline.
    pub timeline_at: u64,
    /// Start of the current clean run.
    pub clean_run_start: u64,
    /// TOT.
    pub time_behind: u64,
    /// Requests and unsettled loans.
    pub active_loans: u8,
    /// Defaults confirmed.
    pub defaults: u16,
    /// Kept due dates, one place per disbursed unsettled loan (0 = free).
    pub behind_from: [u64; MAX_ACTIVE_LOANS as usize],
    /// COB.
    pub debt: u128,
    /// CPR.
    pub payment_rate: u128,
    /// Integral of COB, and its TAE.
    pub debt_time: u128,
    /// TAE of COB.
    pub debt_deviation: u128,
    /// Integral of CPR.
    pub rate_time: u128,
    /// TAE of CPR.
    pub rate_deviation: u128,
    /// TEL.
    pub total_lent: u128,
    /// WTEL.
    pub weighted_time: U256,
    /// Everything repaid.
    pub repaid: u128,
    /// Integral of the active loan count.
    pub loan_count_time: u64,
    /// Points owed to the model.
    pub pending_points: u8,
    /// OSC accumulators (30-bit, saturating).
    pub osc: [u64; WINDOWS],
}

fn add120(a: u128, b: u128) -> u128 {
    a.saturating_add(b).min(MAX_120)
}

impl Ledger {
    /// A registered borrower with `fico_score`.
    pub fn registered(fico_score: u16) -> Self {
        Self { fico_score, ..Self::default() }
    }

    /// The earliest kept date (0 if none).
    pub fn earliest(&self) -> u64 {
        self.behind_from.iter().copied().filter(|d| *d != 0).min().unwrap_or(0)
    }

    /// A request of `scheduled_total` repaid at `daily_rate` a day.
    pub fn on_borrow(&mut self, now: u64, scheduled_total: u128, daily_rate: u128) -> Result<(), LedgerError> {
        if self.first_loan_at == 0 {
            (self.first_loan_at, self.last_update, self.timeline_at, self.clean_run_start) = (now, now, now, now);
        }
        self.advance_integrals(now);
        if self.active_loans >= MAX_ACTIVE_LOANS {
            return Err(LedgerError::TooManyActiveLoans);
        }
        self.active_loans += 1;
        self.debt = add120(self.debt, scheduled_total);
        self.payment_rate = add120(self.payment_rate, daily_rate);
        Ok(())
    }

    /// A request withdrawn.
    pub fn on_borrow_cancelled(&mut self, now: u64, scheduled_total: u128, daily_rate: u128) {
        self.advance_integrals(now);
        self.active_loans -= 1;
        self.debt = self.debt.saturating_sub(scheduled_total);
        self.payment_rate = self.payment_rate.saturating_sub(daily_rate);
    }

    /// `principal` disbursed, behind from `behind_from` unless paid.
    pub fn on_disbursed(&mut self, now: u64, principal: u128, behind_from: u64) -> Result<(), LedgerError> {
        self.advance_timeline(now);
        self.total_lent = (self.total_lent + principal).min((1 << 96) - 1);
        let weighted = self.weighted_time + U256::from(principal) * U256::from(now);
        self.weighted_time = weighted.min((U256::from(1) << 144) - U256::from(1));
        let before = self.earliest();
        self.replace(0, behind_from)?;
        self.after_dates_change(now, before);
        Ok(())
    }

    /// A payment (see the contract's `onRepayment`).
    #[allow(clippy::too_many_arguments)]
    pub fn on_repayment(
        &mut self,
        now: u64,
        amount: u128,
        old_behind_from: u64,
        new_behind_from: u64,
        daily_rate: u128,
        settled: bool,
    ) -> Result<(), LedgerError> {
        self.advance_integrals(now);
        self.advance_timeline(now);
        self.debt = self.debt.saturating_sub(amount);
        self.repaid = add120(self.repaid, amount);
        let before = self.earliest();
        if old_behind_from != 0 {
            self.replace(old_behind_from, if settled { 0 } else { new_behind_from })?;
        }
        if settled {
            self.active_loans -= 1;
            self.payment_rate = self.payment_rate.saturating_sub(daily_rate);
            self.owe_point();
        }
        self.after_dates_change(now, before);
        Ok(())
    }

    /// A default confirmed.
    pub fn on_default(&mut self) {
        self.defaults += 1;
        self.owe_point();
    }

    fn owe_point(&mut self) {
        self.pending_points = self.pending_points.saturating_add(1);
    }

    /// Both clocks up to `now` (for reading).
    pub fn accumulate(&mut self, now: u64) {
        self.advance_integrals(now);
        self.advance_timeline(now);
    }

    fn advance_timeline(&mut self, now: u64) {
        let last = self.timeline_at;
        if self.first_loan_at == 0 || now <= last {
            return;
        }
        let due = self.earliest();
        if due != 0 && due <= last {
            self.time_behind += now - last;
        } else if due != 0 && due <= now {
            self.time_behind += now - due;
            self.close_run(due);
        }
        self.timeline_at = now;
    }

    fn advance_integrals(&mut self, now: u64) {
        let last = self.last_update;
        if self.first_loan_at == 0 || now <= last {
            return;
        }
        let dt = now - last;
        let history = last - self.first_loan_at;
        (self.debt_time, self.debt_deviation) = integrate(self.debt, self.debt_time, self.debt_deviation, history, dt);
        (self.rate_time, self.rate_deviation) =
            integrate(self.payment_rate, self.rate_time, self.rate_deviation, history, dt);
        self.loan_count_time += u64::from(self.active_loans) * dt;
        self.last_update = now;
    }

    fn close_run(&mut self, end: u64) {
        let length = end - self.clean_run_start;
        for (j, acc) in self.osc.iter_mut().enumerate() {
            let w = DAY << j;
            if length <= w {
                break;
            }
            *acc = (*acc + (length - w)).min(OSC_MAX);
        }
    }

    fn after_dates_change(&mut self, now: u64, before: u64) {
        let after = self.earliest();
        let was_behind = before != 0 && before <= now;
        let is_behind = after != 0 && after <= now;
        if !was_behind && is_behind {
            self.close_run(now);
        }
        if was_behind && !is_behind {
            self.clean_run_start = now;
        }
    }

    fn replace(&mut self, from: u64, to: u64) -> Result<(), LedgerError> {
        let place = self.behind_from.iter_mut().find(|d| **d == from).ok_or(LedgerError::DateMissing(from))?;
        *place = to;
        Ok(())
    }

    /// UPR, CDBR, CPBR, RAR, ANCL of a ledger accumulated to `now`, as if a loan adding these were approved.
    pub fn ratios(&self, now: u64, extra_debt: u128, extra_rate: u128, extra_lent: u128) -> [u16; 5] {
        let elapsed = if self.first_loan_at == 0 { 0 } else { now - self.first_loan_at };
        let one = U256::from(RATIO_ONE);
        let mut r = [0u64; 5];
        r[0] = (self.time_behind * RATIO_ONE).checked_div(elapsed).unwrap_or(0);
        r[1] = burden(U256::from(self.debt) + U256::from(extra_debt), self.debt_time, self.debt_deviation, elapsed);
        r[2] = burden(
            U256::from(self.payment_rate) + U256::from(extra_rate),
            self.rate_time,
            self.rate_deviation,
            elapsed,
        );
        let lent = U256::from(self.total_lent) + U256::from(extra_lent);
        if elapsed != 0 && !lent.is_zero() {
            let weighted = self.weighted_time + U256::from(extra_lent) * U256::from(now);
            let age = U256::from(now) * lent;
            if age > weighted {
                r[3] = ((age - weighted) * one / (U256::from(elapsed) * lent)).min(one).to::<u64>();
            }
        }
        if elapsed != 0 {
            let count = U256::from(self.loan_count_time) * one / U256::from(elapsed * LOAN_COUNT_CAP);
            r[4] = count.min(one).to::<u64>();
        }
        r.map(|x| x as u16)
    }

    /// The OSC labels of a ledger accumulated to `now`, and how many windows are observable.
    pub fn labels(&self, now: u64) -> ([u8; WINDOWS], usize) {
        let mut osc = [0u8; WINDOWS];
        if self.first_loan_at == 0 {
            return (osc, 0);
        }
        let elapsed = now - self.first_loan_at;
        let due = self.earliest();
        let open_run = if due == 0 || due > now { now - self.clean_run_start } else { 0 };
        let mut observed = 0;
        for (j, label) in osc.iter_mut().enumerate() {
            let w = DAY << j;
            if elapsed <= w {
                break;
            }
            let good = self.osc[j] + open_run.saturating_sub(w);
            *label = (good * LABEL_ONE / (elapsed - w)).min(LABEL_ONE) as u8;
            observed = j + 1;
        }
        if observed != 0 {
            let last = osc[observed - 1];
            osc[observed..].fill(last);
        }
        (osc, observed)
    }
}

fn integrate(current: u128, integral: u128, deviation: u128, history: u64, dt: u64) -> (u128, u128) {
    let average = if history == 0 { current } else { integral / u128::from(history) };
    let gap = current.abs_diff(average);
    let grow = |acc: u128, by: u128| -> u128 {
        let sum = U256::from(acc) + U256::from(by) * U256::from(dt);
        sum.min(U256::from(MAX_120)).to::<u128>()
    };
    (grow(integral, current), grow(deviation, gap))
}

fn burden(current: U256, integral: u128, deviation: u128, elapsed: u64) -> u64 {
    if current.is_zero() {
        return 0;
    }
    let scale = U256::from(integral) + U256::from(3) * U256::from(deviation);
    if scale.is_zero() || elapsed == 0 {
        return RATIO_ONE;
    }
    (current * U256::from(elapsed) * U256::from(RATIO_ONE) / scale).min(U256::from(RATIO_ONE)).to::<u64>()
}
