//! The lifecycle scenario's outcomes on the embedded chain: who ends with what.

use alloy_primitives::U256;
use aloe_chain::EmbeddedChain;
use aloe_contracts::lifecycle::{self, Cast};

#[test]
fn lifecycle_conserves_value_and_confirms_only_the_real_default() {
    let mut chain = EmbeddedChain::new();
    let report = lifecycle::run(&mut chain, &mut |_| {}).unwrap();

    // Gas is free on the embedded chain, so every wei and token unit is accounted for exactly.
    let sum = |f: fn(&lifecycle::BalanceRow) -> U256| report.balances.iter().map(f).fold(U256::ZERO, |a, b| a + b);
    assert_eq!(sum(|r| r.ether_before), sum(|r| r.ether_after) + report.left_in_loans[0]);
    assert_eq!(sum(|r| r.token_before), sum(|r| r.token_after) + report.left_in_loans[1]);
    // Nothing stays behind: the rounding dust (under one unit per lender) went to the creator.
    assert_eq!(report.left_in_loans, [U256::ZERO; 2]);
    assert!(report.dust_swept.iter().all(|dust| *dust < U256::from(3)), "{:?}", report.dust_swept);

    assert!(report.false_report_error.starts_with("NotInDefault"), "{}", report.false_report_error);
    assert!(report.refused_borrow_error.starts_with("ScoreBelowMinimum"), "{}", report.refused_borrow_error);
    let [ether_loan, token_loan] = report.loans;
    let cast = Cast::dev();
    let installment = ether_loan.installment_of(&mut chain, cast.borrowers[0]).unwrap();
    assert_eq!(report.confirmed_arrears, installment, "one missed installment when reported");

    // The ledgers: the defaulter carries the default; the others have settled.
    let bureau = report.protocol.bureau;
    let [on_time, late, defaulter] = cast.borrowers.map(|b| bureau.ledger_of(&mut chain, b).unwrap());
    assert_eq!((on_time.core.defaults, late.core.defaults, defaulter.core.defaults), (0, 0, 1));
    assert_eq!((on_time.core.activeLoans, late.core.activeLoans, defaulter.core.activeLoans), (0, 0, 1));
    assert_eq!(defaulter.totals.repaid, installment.to::<u128>() * 2);
    let owed = ether_loan.owed(&mut chain, cast.borrowers[2]).unwrap();
    assert_eq!(owed, installment * U256::from(10));

    // Lenders of the token loan (equal stakes, everyone repaid) gained equally; the creator earned
    // exactly 10% of the interest, rounded down.
    let lenders: Vec<_> = report.balances.iter().filter(|r| r.label.starts_with("lender")).collect();
    assert!(lenders.iter().all(|r| r.token_after == lenders[0].token_after && r.token_after > r.token_before));
    let totals = token_loan.totals(&mut chain).unwrap();
    let interest = totals.scheduled - totals.requested;
    let creator = report.balances.iter().find(|r| r.label == "creator").unwrap();
    assert_eq!(creator.token_after, interest / U256::from(10));
}

#[test]
fn lifecycle_is_deterministic() {
    let first = lifecycle::run(&mut EmbeddedChain::new(), &mut |_| {}).unwrap();
    let second = lifecycle::run(&mut EmbeddedChain::new(), &mut |_| {}).unwrap();
    assert_eq!(first.gas, second.gas);
    assert_eq!(first.balances, second.balances);
}
