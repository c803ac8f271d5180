//! Monthly card statements replayed as loans and payments through [`Ledger`], so that off-chain payment
//! histories (the cold-start data) yield the same ratios and OSC labels the contract would compute.
//!
//! The mapping (each choice and its weakness is listed in BENCHMARKS.md, "Cold-start model"):
//! - A month is a payment period of [`PERIOD`] (30 days); month `m` of a window starts at
//!   `start + m * PERIOD`, when its statement arrives. The window ends one period after its last statement.
//! - The first statement opens the *account loan*: the bill then (0 if none or negative). It is never
//!   settled and carries the account's due date, so every window has a history and a behind timeline,
//!   even one with no balance.
//! - At each later statement the month's payment is applied first, oldest loan first (loans fully paid
//!   are settled; the account loan is only paid down), then the new credit is borrowed and disbursed as a
//!   loan: the bill minus what remained after the payment. A bill below that remainder (a refund) is an
//!   extra payment. So the ledger's debt equals the bill after every statement.
//! - Each loan's scheduled total is its principal (bills already include interest) and its rate is the
//!   principal per period, i.e. the whole loan is due within a period.
//! - Behind-ness comes from the repayment status, not from amounts (a revolver paying the minimum is not
//!   behind): status `k >= 1` in month `m` marks months `m - k + 1 ..= m` (within the window) as behind.
//!   The account's due date is the start of the next behind run; when a run ends, the payment at that
//!   statement moves it to the start of the next run (or past the window). New-credit loans carry no due
//!   date (the status is the account's, not a purchase's).

use crate::ledger::{Ledger, LedgerError};

/// One day in seconds.
pub const DAY: u64 = 86_400;
/// A month: one payment period.
pub const PERIOD: u64 = 30 * DAY;
/// Base units per currency unit (NT dollar): amounts are scaled so that the per-day rates keep precision.
pub const UNIT: u128 = 1_000_000_000_000;

/// One month of an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Statement {
    /// The bill at the month's statement (negative: a credit balance, taken as 0).
    pub bill: i64,
    /// Paid during the month, against the previous bill (negative taken as 0).
    pub paid: i64,
    /// Repayment status: `k >= 1` means `k` months behind; below 1, not behind.
    pub status: i64,
}

/// Which months of the window are behind: a status `k >= 1` in month `m` marks months `m - k + 1 ..= m`.
pub fn behind_months(months: &[Statement]) -> Vec<bool> {
    let mut behind = vec![false; months.len()];
    for (m, statement) in months.iter().enumerate() {
        if statement.status >= 1 {
            let first = (m + 1).saturating_sub(statement.status as usize);
            behind[first..=m].fill(true);
        }
    }
    behind
}

#[derive(Debug, Clone, Copy)]
struct Loan {
    remaining: u128,
    rate: u128,
    account: bool,
}

fn amount(value: i64) -> u128 {
    u128::from(value.max(0).unsigned_abs()) * UNIT
}

fn rate(principal: u128) -> u128 {
    principal * u128::from(DAY) / u128::from(PERIOD)
}

/// Replays `months` from `start` (> 0) and returns the ledger accumulated to the window's end,
/// `start + months.len() * PERIOD`. At most six loans are ever open (one a month), the contract's cap.
pub fn replay(months: &[Statement], start: u64) -> Result<Ledger, LedgerError> {
    assert!(start > 0 && !months.is_empty(), "a window starts after time 0 and has a statement");
    let at = |m: usize| start + m as u64 * PERIOD;
    let end = at(months.len());
    let behind = behind_months(months);
    // The due date from month m on: the start of the next behind run, or a period past the window.
    let next_due = |m: usize| (m..months.len()).find(|&j| behind[j]).map_or(end + PERIOD, at);
    let mut ledger = Ledger::registered(0);
    let opening = amount(months[0].bill);
    let mut due = next_due(0);
    ledger.on_borrow(start, opening, rate(opening))?;
    ledger.on_disbursed(start, opening, due)?;
    let mut loans = vec![Loan { remaining: opening, rate: rate(opening), account: true }];
    for (m, statement) in months.iter().enumerate().skip(1) {
        let now = at(m);
        let new_due = if behind[m] { due } else { next_due(m) };
        pay(&mut ledger, &mut loans, now, amount(statement.paid), (due, new_due))?;
        due = new_due;
        let owed: u128 = loans.iter().map(|l| l.remaining).sum();
        let bill = amount(statement.bill);
        if bill > owed {
            let principal = bill - owed;
            ledger.on_borrow(now, principal, rate(principal))?;
            ledger.on_disbursed(now, principal, 0)?;
            loans.push(Loan { remaining: principal, rate: rate(principal), account: false });
        } else if bill < owed {
            pay(&mut ledger, &mut loans, now, owed - bill, (due, due))?;
        }
    }
    ledger.accumulate(end);
    Ok(ledger)
}

/// Pays `total` oldest loan first; the account loan always takes a repayment (possibly of 0) that moves
/// its due date from `dates.0` to `dates.1`.
fn pay(
    ledger: &mut Ledger,
    loans: &mut Vec<Loan>,
    now: u64,
    mut total: u128,
    dates: (u64, u64),
) -> Result<(), LedgerError> {
    for loan in loans.iter_mut() {
        let part = total.min(loan.remaining);
        total -= part;
        loan.remaining -= part;
        if loan.account {
            ledger.on_repayment(now, part, dates.0, dates.1, loan.rate, false)?;
        } else if part > 0 {
            ledger.on_repayment(now, part, 0, 0, loan.rate, loan.remaining == 0)?;
        }
    }
    loans.retain(|l| l.account || l.remaining > 0);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{LABEL_ONE, RATIO_ONE};

    const START: u64 = 1_000_000_000;

    fn month(bill: i64, paid: i64, status: i64) -> Statement {
        Statement { bill, paid, status }
    }

    #[test]
    fn status_marks_the_delay_backwards_within_the_window() {
        let months: Vec<Statement> = [-1, 0, 2, -2, 1, 1].iter().map(|&s| month(0, 0, s)).collect();
        assert_eq!(behind_months(&months), [false, true, true, false, true, true]);
        // A delay longer than the window marks it back to its start, even over an earlier "paid duly".
        let months: Vec<Statement> = [-1, 0, 9].iter().map(|&s| month(0, 0, s)).collect();
        assert_eq!(behind_months(&months), [true, true, true]);
    }

    /// A clean account whose balance grows: 3,000 then 6,000 (3,000 paid, 6,000 new credit) then 6,000
    /// (6,000 paid, the loan of month 1 settled and 6,000 new). Hand-computed ratios over 90 days.
    #[test]
    fn a_clean_growing_account_has_the_hand_computed_ratios() {
        let months = [month(3_000, 0, -1), month(6_000, 3_000, -1), month(6_000, 6_000, -1)];
        let ledger = replay(&months, START).unwrap();
        let u = |x: u128| x * UNIT;
        // Debt equals the bill after each statement; lent = 3,000 + 6,000 + 6,000.
        assert_eq!(ledger.debt, u(6_000));
        assert_eq!(ledger.total_lent, u(15_000));
        assert_eq!(ledger.time_behind, 0);
        // The account loan (paid down, never settled) and month 2's loan are open.
        assert_eq!(ledger.active_loans, 2);
        let now = START + 3 * PERIOD;
        let r = ledger.ratios(now, 0, 0, 0);
        assert_eq!(r[0], 0, "never behind");
        // RAR: ages 90, 60, 30 days weighted 3, 6, 6 (thousands) over 90 days: (270 + 360 + 180) / (15 * 90).
        assert_eq!(u64::from(r[3]), 810 * RATIO_ONE / 1350);
        // ANCL: 1 loan for 30 days, 2 for 30, 2 for 30 over 90 days and a cap of 4: 150 / 360.
        assert_eq!(u64::from(r[4]), 5 * RATIO_ONE / 12);
        let (labels, observed) = ledger.labels(now);
        assert_eq!(observed, 7, "windows of 1 to 64 days fit in 90");
        assert!(labels.iter().all(|l| u64::from(*l) == LABEL_ONE));
    }

    /// Behind in the middle month only (status 1): 30 days of 90 behind; the clean runs are 30 and 30 days.
    #[test]
    fn a_month_behind_gives_the_hand_computed_upr_and_osc() {
        let months = [month(1_000, 0, 0), month(1_000, 100, 1), month(900, 1_000, -1)];
        let ledger = replay(&months, START).unwrap();
        let now = START + 3 * PERIOD;
        assert_eq!(ledger.time_behind, PERIOD);
        assert_eq!(u64::from(ledger.ratios(now, 0, 0, 0)[0]), RATIO_ONE / 3);
        // OSC-16 days: runs of 30 and 30 days each contribute 14 days past the window, over 90 - 16 days.
        let (labels, _) = ledger.labels(now);
        assert_eq!(u64::from(labels[4]), 28 * LABEL_ONE / 74);
        // OSC-32: no run is longer than 32 days.
        assert_eq!(labels[5], 0);
    }

    #[test]
    fn an_empty_account_still_has_a_history_and_no_burden() {
        let months = [month(0, 0, -2); 6];
        let ledger = replay(&months, START).unwrap();
        let r = ledger.ratios(START + 6 * PERIOD, 0, 0, 0);
        assert_eq!(r, [0, 0, 0, 0, (RATIO_ONE / 4) as u16]);
        assert_eq!(ledger.first_loan_at, START);
    }

    #[test]
    fn refunds_and_overpayments_keep_debt_equal_to_the_bill() {
        let months = [month(5_000, 0, 0), month(7_000, 1_000, 0), month(-200, 9_000, -1), month(2_000, 0, 0)];
        let ledger = replay(&months, START).unwrap();
        assert_eq!(ledger.debt, 2_000 * UNIT);
        // Month 2 settled every new-credit loan: the account loan and month 3's remain.
        assert_eq!(ledger.active_loans, 2);
    }
}
