//! Bad input gets its specific decoded error and changes nothing.

use alloy_primitives::{Address, U256};
use aloe_chain::{Chain, TxRequest};
use aloe_contracts::{lifecycle::whole, stand_in_identity};

use super::Fixture;

/// Runs `f`, expects the revert `name`, and checks no ether balance moved.
fn rejects(
    fixture: &mut Fixture,
    loan: &aloe_contracts::Loan,
    name: &str,
    f: impl FnOnce(&mut Fixture) -> aloe_contracts::Result<()>,
) {
    let before = fixture.balances(loan);
    let totals_before = loan.totals(&mut fixture.chain).unwrap();
    let error = f(fixture).expect_err(name);
    assert_eq!(error.revert_name().as_deref(), Some(name), "{error}");
    assert_eq!(fixture.balances(loan), before, "{name} moved ether");
    assert_eq!(loan.totals(&mut fixture.chain).unwrap(), totals_before, "{name} changed the loan");
}

#[test]
fn funding_mistakes_revert_with_their_error_and_change_nothing() {
    let mut f = Fixture::new();
    let loan = f.ether_loan();
    let (lender, borrower) = (f.lenders[0], f.borrowers[0]);
    loan.invest(&mut f.chain, lender, whole(20)).unwrap();

    rejects(&mut f, &loan, "OverInvestment", |f| loan.invest(&mut f.chain, lender, whole(11)).map(drop));
    rejects(&mut f, &loan, "ZeroAmount", |f| loan.invest(&mut f.chain, lender, U256::ZERO).map(drop));
    // msg.value that disagrees with the amount.
    let input = aloe_contracts::bindings::Loan::investCall { amount: whole(1) };
    rejects(&mut f, &loan, "WrongEtherValue", |f| {
        let tx = TxRequest::call(lender, loan.address)
            .with_value(whole(2))
            .with_input(alloy_sol_types::SolCall::abi_encode(&input));
        f.chain.send(tx).map(drop).map_err(|e| match e {
            aloe_chain::Error::Reverted { data } => aloe_contracts::Error::Reverted {
                contract: "Loan",
                function: "invest",
                reason: Box::new(aloe_contracts::Revert::decode(&data)),
            },
            other => panic!("{other}"),
        })
    });
    rejects(&mut f, &loan, "OverRequest", |f| loan.borrow(&mut f.chain, borrower, whole(31)).map(drop));
    let stranger = Address::repeat_byte(0x77);
    rejects(&mut f, &loan, "NotRegistered", |f| loan.borrow(&mut f.chain, stranger, whole(1)).map(drop));
    rejects(&mut f, &loan, "NotFunded", |f| loan.disburse(&mut f.chain, borrower).map(drop));
    rejects(&mut f, &loan, "WithdrawalExceedsAvailable", |f| loan.withdraw(&mut f.chain, lender, whole(1)).map(drop));
}

#[test]
fn forged_and_unknown_callers_are_refused() {
    let mut f = Fixture::new();
    let loan = f.ether_loan();
    let bureau = f.protocol.bureau;
    let (borrower, lender) = (f.borrowers[0], f.lenders[0]);
    // An EOA pretending to be a loan cannot touch a ledger.
    rejects(&mut f, &loan, "NotLoan", |f| {
        let call = aloe_contracts::bindings::CreditBureau::updateScoreBorrowCall {
            borrower,
            amount: whole(1),
            installment: whole(1),
            numPayments: U256::from(2),
            period: U256::from(86_400),
        };
        bureau.update_score_borrow(&mut f.chain, lender, call).map(drop)
    });
    rejects(&mut f, &loan, "NotLoan", |f| {
        let call = aloe_contracts::bindings::CreditBureau::updateScoreRepaymentCall {
            borrower,
            amount: whole(1),
            oldBehindFrom: U256::ZERO,
            newBehindFrom: U256::ZERO,
            dailyRate: whole(1),
            settled: true,
        };
        bureau.update_score_repayment(&mut f.chain, borrower, call).map(drop)
    });
    // Only the bureau may confirm a default.
    rejects(&mut f, &loan, "NotBureau", |f| loan.confirm_default(&mut f.chain, lender, borrower).map(drop));
    // A default report about something that is not one of the bureau's loans.
    rejects(&mut f, &loan, "UnknownLoan", |f| bureau.report_default(&mut f.chain, lender, lender, borrower).map(drop));
    // Registration: notary only, once per address, FICO in range.
    let (notary, creator) = (f.notary, f.creator);
    let now = f.chain.timestamp().unwrap();
    rejects(&mut f, &loan, "NotNotary", |f| {
        bureau.init_score_ledger(&mut f.chain, lender, lender, 700, now, stand_in_identity(lender, 1)).map(drop)
    });
    rejects(&mut f, &loan, "AddressAlreadyUsed", |f| {
        bureau.init_score_ledger(&mut f.chain, notary, borrower, 800, now, stand_in_identity(borrower, 1)).map(drop)
    });
    rejects(&mut f, &loan, "InvalidFicoScore", |f| {
        bureau.init_score_ledger(&mut f.chain, notary, creator, 900, now, stand_in_identity(creator, 1)).map(drop)
    });
    rejects(&mut f, &loan, "OwnableUnauthorizedAccount", |f| bureau.add_notary(&mut f.chain, notary, lender).map(drop));
    let ledger = bureau.ledger_of(&mut f.chain, borrower).unwrap();
    assert_eq!((ledger.core.ficoScore, ledger.amounts.debt.is_zero(), ledger.core.activeLoans), (700, true, 0));
}

#[test]
fn a_failed_loan_refunds_lenders_exactly_and_lapses_requests() {
    let mut f = Fixture::new();
    let loan = f.ether_loan();
    let (lender, borrower) = (f.lenders[0], f.borrowers[0]);
    let start = f.chain.balance(lender).unwrap();
    loan.invest(&mut f.chain, lender, whole(12)).unwrap();
    loan.borrow(&mut f.chain, borrower, whole(5)).unwrap();
    f.chain.advance_time(8 * 86_400).unwrap();
    assert!(loan.is_failed(&mut f.chain).unwrap());
    rejects(&mut f, &loan, "FundingClosed", |f| loan.invest(&mut f.chain, f.lenders[1], whole(1)).map(drop));
    rejects(&mut f, &loan, "WithdrawalExceedsAvailable", |f| loan.withdraw(&mut f.chain, lender, whole(13)).map(drop));
    loan.withdraw(&mut f.chain, lender, whole(12)).unwrap();
    assert_eq!(f.chain.balance(lender).unwrap(), start);
    assert_eq!(f.chain.balance(loan.address).unwrap(), U256::ZERO);
    // The borrower withdraws the lapsed request; their ledger forgets it.
    loan.cancel_borrow(&mut f.chain, borrower).unwrap();
    let ledger = f.protocol.bureau.ledger_of(&mut f.chain, borrower).unwrap();
    assert_eq!((ledger.amounts.debt.is_zero(), ledger.core.activeLoans), (true, 0));
}
