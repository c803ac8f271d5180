//! The bureau's per-borrower ledger against the plain-Rust reference (`aloe-score::ledger`): seeded random
//! histories of requests, cancellations, disbursements, on-time, late, partial and full payments, defaults
//! and time jumps run on the embedded chain and through the reference, and after every step the ledger,
//! the five ratios and the OSC labels must be identical.

use alloy_primitives::{Address, U256};
use aloe_chain::Chain;
use aloe_contracts::{Loan, LoanTerms, lifecycle::whole, schedule};
use aloe_score::{
    Ledger,
    score::{ColdStartLimits, Model, Request, get_score},
    synthetic::SplitMix64,
};

use crate::Fixture;

const DAY: u64 = 86_400;

/// One loan of the history, as the test (not the chain) knows it.
struct Tracked {
    loan: Loan,
    principal: U256,
    installment: U256,
    payments: u64,
    period: u64,
    paid: U256,
    funded_at: u64,
    disbursed: bool,
    reclaimed: bool,
    defaulted: bool,
    settled: bool,
}

impl Tracked {
    fn scheduled(&self) -> U256 {
        self.installment * U256::from(self.payments)
    }
    fn daily_rate(&self) -> u128 {
        (self.installment * U256::from(DAY) / U256::from(self.period)).to()
    }
    fn behind_from(&self, paid: U256) -> u64 {
        self.funded_at + ((paid / self.installment).to::<u64>() + 1) * self.period
    }
}

fn terms(now: u64, amount: U256, rate: u16, payments: u16, period: u32) -> LoanTerms {
    LoanTerms {
        asset: Address::ZERO,
        totalAmount: amount.to(),
        intRatePerMil: rate,
        numPayments: payments,
        secondsBetweenPayments: period,
        minCreditScore: 0,
        fundDate: alloy_primitives::Uint::from(now + 5 * DAY),
        gracePeriod: 7 * DAY as u32,
        creatorFeePerMil: 0,
        decisionModel: 0,
        minDecisionMargin: 0,
    }
}

fn assert_same(f: &mut Fixture, borrower: Address, reference: &Ledger, step: &str) {
    let now = f.chain.timestamp().unwrap();
    let bureau = f.protocol.bureau;
    let chain = bureau.ledger_of(&mut f.chain, borrower).unwrap();
    let stored = (
        chain.core.firstLoanAt.to::<u64>(),
        chain.core.lastUpdate.to::<u64>(),
        chain.core.timelineAt.to::<u64>(),
        chain.core.cleanRunStart.to::<u64>(),
        chain.core.timeBehind.to::<u64>(),
        chain.core.activeLoans,
        chain.core.defaults,
        chain.amounts.debt.to::<u128>(),
        chain.amounts.paymentRate.to::<u128>(),
        chain.totals.repaid.to::<u128>(),
        chain.totals.pendingPoints,
    );
    let expected = (
        reference.first_loan_at,
        reference.last_update,
        reference.timeline_at,
        reference.clean_run_start,
        reference.time_behind,
        reference.active_loans,
        reference.defaults,
        reference.debt,
        reference.payment_rate,
        reference.repaid,
        reference.pending_points,
    );
    assert_eq!(stored, expected, "ledger after {step}");
    let integrals = (chain.debtIntegral.time.to::<u128>(), chain.debtIntegral.deviation.to::<u128>());
    assert_eq!(integrals, (reference.debt_time, reference.debt_deviation), "debt integrals after {step}");
    let mut now_ref = reference.clone();
    now_ref.accumulate(now);
    let ratios = bureau.ratios_of(&mut f.chain, borrower, U256::ZERO, U256::ZERO, U256::ZERO).unwrap();
    assert_eq!(ratios, now_ref.ratios(now, 0, 0, 0), "ratios after {step}");
    let labels = bureau.labels_of(&mut f.chain, borrower).unwrap();
    assert_eq!(labels, now_ref.labels(now), "labels after {step}");
    // As if a new loan were approved: the query getScore builds.
    let (extra_debt, extra_rate, extra_lent) = (whole(3), whole(1) / U256::from(10), whole(2));
    let query = bureau.ratios_of(&mut f.chain, borrower, extra_debt, extra_rate, extra_lent).unwrap();
    assert_eq!(query, now_ref.ratios(now, extra_debt.to(), extra_rate.to(), extra_lent.to()), "query after {step}");
}

fn run_history(seed: u64, steps: usize) {
    let mut f = Fixture::new();
    let mut rng = SplitMix64::new(seed);
    let borrower = f.borrowers[0];
    let (lender, creator) = (f.lenders[0], f.creator);
    f.chain.set_balance(borrower, whole(1_000_000)).unwrap();
    f.chain.set_balance(lender, whole(1_000_000)).unwrap();
    let mut reference = Ledger::registered(700);
    let mut loans: Vec<Tracked> = Vec::new();
    for step in 0..steps {
        let now = f.chain.timestamp().unwrap();
        let action = rng.next_u64() % 10;
        let label = format!("step {step} (action {action})");
        match action {
            // A request, funded at once by the lender (or, one time in four, withdrawn).
            0..=2 => {
                let amount = whole(1 + rng.next_u64() % 50);
                let (rate, payments) = ((rng.next_u64() % 40) as u16, 1 + (rng.next_u64() % 12) as u16);
                let period = [DAY, 7 * DAY, 30 * DAY][(rng.next_u64() % 3) as usize] as u32;
                let t = terms(now, amount, rate, payments, period);
                let loan = f.protocol.bureau.create_loan(&mut f.chain, creator, t).unwrap().value;
                let installment = schedule::installment_up(amount, u64::from(rate), u64::from(payments));
                let mut tracked = Tracked {
                    loan,
                    principal: amount,
                    installment,
                    payments: u64::from(payments),
                    period: u64::from(period),
                    paid: U256::ZERO,
                    funded_at: 0,
                    disbursed: false,
                    reclaimed: false,
                    defaulted: false,
                    settled: false,
                };
                // A refused request changes nothing: the reference goes back to where it was.
                let before = reference.clone();
                let expected = reference.on_borrow(now, tracked.scheduled().to(), tracked.daily_rate());
                match loan.borrow(&mut f.chain, borrower, amount) {
                    Ok(_) => assert!(expected.is_ok(), "{label}: the chain took a seventh loan"),
                    Err(error) => {
                        assert_eq!(error.revert_name().as_deref(), Some("TooManyActiveLoans"), "{label}");
                        assert!(expected.is_err(), "{label}: the reference took it");
                        reference = before;
                        continue;
                    }
                }
                if rng.next_u64().is_multiple_of(4) {
                    loan.cancel_borrow(&mut f.chain, borrower).unwrap();
                    reference.on_borrow_cancelled(now, tracked.scheduled().to(), tracked.daily_rate());
                } else {
                    loan.invest(&mut f.chain, lender, amount).unwrap();
                    tracked.funded_at = now;
                    loans.push(tracked);
                }
            }
            // Taking the principal (sometimes long after funding).
            3 => {
                if let Some(t) = loans.iter_mut().find(|t| !t.disbursed) {
                    if t.loan.is_in_default(&mut f.chain, borrower, now).unwrap() {
                        // Too late: the principal goes back to the lenders at the report.
                        let error = t.loan.disburse(&mut f.chain, borrower).unwrap_err();
                        assert_eq!(error.revert_name().as_deref(), Some("InDefault"), "{label}");
                        continue;
                    }
                    t.loan.disburse(&mut f.chain, borrower).unwrap();
                    t.disbursed = true;
                    reference.on_disbursed(now, t.principal.to(), t.funded_at + t.period).unwrap();
                }
            }
            // A payment: one installment, a part of one, or everything left.
            4..=6 => {
                let open: Vec<usize> = (0..loans.len()).filter(|&i| loans[i].disbursed && !loans[i].settled).collect();
                if open.is_empty() {
                    continue;
                }
                let t = &mut loans[open[(rng.next_u64() % open.len() as u64) as usize]];
                let owed = t.scheduled() - t.paid;
                let amount = match rng.next_u64() % 3 {
                    0 => t.installment.min(owed),
                    1 => (t.installment / U256::from(3)).max(U256::from(1)).min(owed),
                    _ => owed,
                };
                t.loan.make_payment(&mut f.chain, borrower, amount).unwrap();
                let settled = amount == owed;
                let (old, new) = if t.reclaimed {
                    (0, 0)
                } else {
                    (t.behind_from(t.paid), if settled { 0 } else { t.behind_from(t.paid + amount) })
                };
                reference.on_repayment(now, amount.to(), old, new, t.daily_rate(), settled).unwrap();
                t.paid += amount;
                t.settled = settled;
            }
            // Time passes: hours to two months.
            7 | 8 => {
                f.chain.advance_time(3_600 + rng.next_u64() % (60 * DAY)).unwrap();
            }
            // A keeper reports every borrower loan in default.
            _ => {
                for t in loans.iter_mut().filter(|t| !t.defaulted && !t.settled) {
                    if !t.loan.is_in_default(&mut f.chain, borrower, now).unwrap() {
                        continue;
                    }
                    f.protocol.bureau.report_default(&mut f.chain, lender, t.loan.address, borrower).unwrap();
                    t.defaulted = true;
                    reference.on_default();
                    if !t.disbursed {
                        let settled = t.scheduled() == t.principal;
                        reference.on_repayment(now, t.principal.to(), 0, 0, t.daily_rate(), settled).unwrap();
                        (t.disbursed, t.reclaimed, t.paid, t.settled) = (true, true, t.principal, settled);
                    }
                }
            }
        }
        assert_same(&mut f, borrower, &reference, &label);
    }
    check_scores(&mut f, &mut rng, borrower, &reference);
}

/// getScore end to end on a borrower with history: the model's answer for the query as if approved.
fn check_scores(f: &mut Fixture, rng: &mut SplitMix64, borrower: Address, reference: &Ledger) {
    let points = aloe_score::synthetic::points(rng.next_u64(), 300);
    let k = (1 + rng.next_u64() % 16) as u8;
    f.protocol.score_model.upload(&mut f.chain, f.owner, &points, k).unwrap();
    let now = f.chain.timestamp().unwrap();
    for _ in 0..5 {
        let amount = whole(1 + rng.next_u64() % 80);
        let (rate, payments) = (rng.next_u64() % 50, 1 + rng.next_u64() % 24);
        let period = [DAY, 7 * DAY, 30 * DAY][(rng.next_u64() % 3) as usize];
        let installment = schedule::installment_up(amount, rate, payments);
        let request = Request { amount: amount.to(), installment: installment.to(), num_payments: payments, period };
        let model = Model { old: &points, new: &[], k: k.into() };
        let expected = get_score(reference, now, &request, None, model);
        let got = f.protocol.bureau.get_score(&mut f.chain, borrower, amount, rate, payments, period).unwrap();
        assert_eq!(got, expected, "getScore for {request:?}");
    }
}

#[test]
fn cold_start_limits_decide_who_scores_fico() {
    let mut f = Fixture::new();
    let (bureau, owner, newcomer) = (f.protocol.bureau, f.owner, f.borrowers[1]);
    let points = aloe_score::synthetic::points(9, 50);
    f.protocol.score_model.upload(&mut f.chain, owner, &points, 5).unwrap();
    // Unconfigured: every borrower without history scores FICO.
    assert_eq!(bureau.get_score(&mut f.chain, newcomer, whole(500), 10, 12, 30 * DAY).unwrap(), 700);
    bureau.set_cold_start_limits(&mut f.chain, owner, Address::ZERO, whole(10), whole(1)).unwrap();
    assert_eq!(bureau.get_score(&mut f.chain, newcomer, whole(10), 10, 12, 30 * DAY).unwrap(), 700, "small");
    // Above a limit the model answers, for the newcomer's vector as if approved.
    let now = f.chain.timestamp().unwrap();
    let installment = schedule::installment_up(whole(11), 10, 12);
    let request = Request { amount: whole(11).to(), installment: installment.to(), num_payments: 12, period: 30 * DAY };
    let model = Model { old: &points, new: &[], k: 5 };
    let limits = Some(ColdStartLimits { max_amount: whole(10).to(), max_daily_payment: whole(1).to() });
    let expected = get_score(&Ledger::registered(700), now, &request, limits, model);
    assert_ne!(expected, 700, "the fixture's model answers otherwise");
    assert_eq!(get_score(&Ledger::registered(700), now, &request, None, model), 700, "no limits: FICO");
    assert_eq!(bureau.get_score(&mut f.chain, newcomer, whole(11), 10, 12, 30 * DAY).unwrap(), expected, "large");
    // Only the owner sets limits.
    let error =
        bureau.set_cold_start_limits(&mut f.chain, newcomer, Address::ZERO, U256::ZERO, U256::ZERO).unwrap_err();
    assert_eq!(error.revert_name().as_deref(), Some("OwnableUnauthorizedAccount"));
}

#[test]
fn ledger_matches_the_reference_over_random_histories() {
    for seed in 1..=6 {
        run_history(seed, 60);
    }
}
