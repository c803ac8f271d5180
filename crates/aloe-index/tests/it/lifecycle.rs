//! The lifecycle scenario indexed, checked against the chain's own views: every loan, its totals, every
//! lender's and borrower's position, every default and each loan's status.

use alloy_primitives::{Address, U256};
use aloe_chain::{Chain, EmbeddedChain};
use aloe_contracts::{Loan, lifecycle};
use aloe_index::{BorrowerStatus, Bucket, Indexer, LoanFilter, LoanStatus};

use crate::support::status_on_chain;

#[test]
fn the_index_of_the_lifecycle_agrees_with_the_chain() {
    let mut chain = EmbeddedChain::new();
    let report = lifecycle::run(&mut chain, &mut |_| {}).unwrap();
    let cast = lifecycle::Cast::dev();
    let dir = tempfile::tempdir().unwrap();
    let mut index = Indexer::open(dir.path().join("index.sqlite"), &report.protocol).unwrap();
    let synced = index.sync(&mut chain).unwrap();
    assert_eq!(synced.cursor, Some(chain.block_number().unwrap()));
    assert_eq!(synced.new_loans, 2);
    assert!(synced.rollbacks.is_empty());

    let bureau = report.protocol.bureau;
    let count = bureau.loan_count(&mut chain).unwrap();
    assert_eq!(index.loans(&LoanFilter::default()).unwrap().total, count);
    let mut defaults = Vec::new();
    for i in 0..count {
        let address = bureau.loan_at(&mut chain, i).unwrap();
        let detail = index.loan(address).unwrap().expect("every loan is indexed");
        let summary = &detail.loan;
        let loan = Loan { address, asset: summary.asset };
        let (creator, terms) = loan.terms(&mut chain).unwrap();
        assert_eq!((summary.creator, summary.asset), (creator, terms.asset));
        assert_eq!(summary.terms.total_amount.0, U256::from(terms.totalAmount));
        assert_eq!(summary.terms.min_credit_score, terms.minCreditScore);
        assert_eq!(summary.terms.num_payments, terms.numPayments);
        assert_eq!(summary.terms.fund_date, terms.fundDate.to::<u64>());

        let totals = loan.totals(&mut chain).unwrap();
        let indexed = [summary.invested, summary.requested, summary.repaid, summary.scheduled].map(|a| a.0);
        assert_eq!(indexed, [totals.invested, totals.requested, totals.repaid, totals.scheduled], "{address}");
        let funded_at = loan.funded_at(&mut chain).unwrap();
        assert_eq!(summary.funded_at, Some(funded_at).filter(|t| *t != 0));
        assert_eq!(U256::from(summary.open_borrowers), loan.open_borrowers(&mut chain).unwrap());
        assert_eq!(summary.dust_swept.0, loan.dust_swept(&mut chain).unwrap());

        let lenders = loan.lenders(&mut chain).unwrap();
        assert_eq!(detail.lender_positions.iter().map(|p| p.lender).collect::<Vec<_>>(), lenders);
        assert_eq!(summary.lenders, lenders.len() as u64);
        for position in &detail.lender_positions {
            let on_chain = loan.lender_position(&mut chain, position.lender).unwrap();
            assert_eq!(position.invested.0, U256::from(on_chain.invested));
            assert_eq!(position.withdrawn.0, U256::from(on_chain.withdrawn));
        }
        for position in &detail.borrower_positions {
            let on_chain = loan.borrower_position(&mut chain, position.borrower).unwrap();
            assert_eq!(position.requested.0, U256::from(on_chain.principal));
            assert_eq!(position.paid.0 + position.reclaimed.0, U256::from(on_chain.paid));
            assert_eq!(position.disbursed.0 > U256::ZERO || position.reclaimed.0 > U256::ZERO, on_chain.disbursed);
            assert_eq!(position.defaulted, on_chain.defaulted);
            assert_eq!(position.installment.0, loan.installment_of(&mut chain, position.borrower).unwrap());
        }
        assert_eq!(summary.status, status_on_chain(&mut chain, loan, &cast.borrowers), "{address}");
        defaults.extend(detail.default_records);
    }

    let on_chain: Vec<_> = bureau
        .defaults_since(&mut chain, 0)
        .unwrap()
        .into_iter()
        .map(|(block, d)| (block, d.loan, d.borrower, d.reporter, d.arrears))
        .collect();
    let indexed: Vec<_> =
        defaults.iter().map(|d| (d.block_number, d.loan, d.borrower, d.reporter, d.arrears.0)).collect();
    assert_eq!(indexed, on_chain);
    assert_eq!(indexed.len(), 1);

    // What the scenario did, in the index's words.
    let [ether_loan, token_loan] = report.loans;
    assert_eq!(index.loan(ether_loan.address).unwrap().unwrap().loan.status, LoanStatus::Defaulted);
    assert_eq!(index.loan(token_loan.address).unwrap().unwrap().loan.status, LoanStatus::Repaid);
    let ether = index.loan(ether_loan.address).unwrap().unwrap();
    let statuses: Vec<_> = ether.borrower_positions.iter().map(|p| (p.borrower, p.status)).collect();
    let [on_time, late, defaulter] = cast.borrowers;
    assert_eq!(
        statuses,
        [(on_time, BorrowerStatus::Repaid), (late, BorrowerStatus::Repaid), (defaulter, BorrowerStatus::Defaulted)]
    );
    assert_eq!(ether.loan.reclaimed.0, U256::ZERO, "the defaulter took their principal");
}

#[test]
fn the_queries_answer_the_dashboards_questions() {
    let mut chain = EmbeddedChain::new();
    let report = lifecycle::run(&mut chain, &mut |_| {}).unwrap();
    let cast = lifecycle::Cast::dev();
    let dir = tempfile::tempdir().unwrap();
    let mut index = Indexer::open(dir.path().join("index.sqlite"), &report.protocol).unwrap();
    index.sync(&mut chain).unwrap();
    let [ether_loan, token_loan] = report.loans;

    // Filters and paging.
    let all = index.loans(&LoanFilter::default()).unwrap();
    assert_eq!(all.loans.iter().map(|l| l.address).collect::<Vec<_>>(), [ether_loan.address, token_loan.address]);
    let newest = index.loans(&LoanFilter { newest_first: true, limit: 1, ..LoanFilter::default() }).unwrap();
    assert_eq!((newest.total, newest.loans[0].address), (2, token_loan.address));
    let second = index.loans(&LoanFilter { limit: 1, offset: 1, ..LoanFilter::default() }).unwrap();
    assert_eq!(second.loans[0].address, token_loan.address);
    let repaid = index.loans(&LoanFilter { status: Some(LoanStatus::Repaid), ..LoanFilter::default() }).unwrap();
    assert_eq!((repaid.total, repaid.loans[0].address), (1, token_loan.address));
    let ether = index.loans(&LoanFilter { asset: Some(Address::ZERO), ..LoanFilter::default() }).unwrap();
    assert_eq!(ether.loans.iter().map(|l| l.address).collect::<Vec<_>>(), [ether_loan.address]);
    let scored =
        LoanFilter { min_credit_score_from: Some(601), min_credit_score_to: Some(700), ..LoanFilter::default() };
    assert_eq!(index.loans(&scored).unwrap().loans[0].address, token_loan.address);
    let by_creator = index.loans(&LoanFilter { creator: Some(cast.owner), ..LoanFilter::default() }).unwrap();
    assert_eq!(by_creator.total, 0);

    // A borrower: registration, both loans, the history in chain order.
    let on_time = index.borrower(cast.borrowers[0]).unwrap().unwrap();
    assert_eq!(on_time.registration.as_ref().unwrap().fico_score, 720);
    assert_eq!(on_time.registration.as_ref().unwrap().notary, cast.notary);
    assert_eq!(on_time.positions.len(), 2);
    assert_eq!(on_time.history.first().unwrap().event, "ScoreLedgerInitialized");
    assert!(
        on_time.history.windows(2).all(|w| (w[0].block_number, w[0].log_index) < (w[1].block_number, w[1].log_index))
    );
    let payments = on_time.history.iter().filter(|e| e.event == "PaymentMade").count();
    assert_eq!(payments, 12 + 6);
    let defaulter = index.borrower(cast.borrowers[2]).unwrap().unwrap();
    assert_eq!(defaulter.positions.len(), 1, "the refused request left nothing");
    assert_eq!(defaulter.defaults.len(), 1);

    // A lender across both loans.
    let lender = index.lender(cast.lenders[0]).unwrap().unwrap();
    assert_eq!(
        lender.positions.iter().map(|p| p.position.loan).collect::<Vec<_>>(),
        [ether_loan.address, token_loan.address]
    );
    assert_eq!(lender.positions[1].asset, report.token.address);

    // A loan's history: its own events and the bureau's naming it.
    let history = index.history(ether_loan.address).unwrap();
    assert_eq!(history[0].event, "LoanCreated");
    assert!(history.iter().any(|e| e.event == "Invested" && e.contract == ether_loan.address));
    assert!(history.iter().any(|e| e.event == "DefaultConfirmed" && e.contract == report.protocol.bureau.address));

    // Unknown addresses are absent, not errors.
    let stranger = Address::repeat_byte(0x5a);
    assert!(index.loan(stranger).unwrap().is_none());
    assert!(index.borrower(stranger).unwrap().is_none());
    assert!(index.lender(stranger).unwrap().is_none());
    assert!(index.lender(cast.borrowers[0]).unwrap().is_none());

    // The market.
    let market = index.market(Bucket::ThirtyDays).unwrap();
    assert_eq!((market.loans, market.by_status.repaid, market.by_status.defaulted), (2, 1, 1));
    assert_eq!((market.registrations, market.lenders, market.borrowers, market.defaults), (3, 3, 3, 1));
    let ether_volume = market.volumes.iter().find(|v| v.asset == Address::ZERO).unwrap();
    assert_eq!(ether_volume.invested.0, lifecycle::whole(30));
    assert_eq!(ether_volume.disbursed.0, lifecycle::whole(30));
    assert_eq!(ether_volume.defaulted_arrears.0, report.confirmed_arrears);
    assert_eq!(market.volumes.len(), 2);
    assert_eq!(market.defaults_over_time.iter().map(|b| b.defaults).sum::<u64>(), 1);
    assert_eq!(market.defaults_over_time[0].start % Bucket::ThirtyDays.seconds(), 0);

    // The answers serialise as the API returns them: camelCase, amounts as decimal strings.
    let json = serde_json::to_value(index.loan(ether_loan.address).unwrap().unwrap()).unwrap();
    assert_eq!(json["invested"], serde_json::json!(lifecycle::whole(30).to_string()));
    assert_eq!(json["terms"]["minCreditScore"], serde_json::json!(600));
    assert_eq!(json["status"], serde_json::json!("defaulted"));
    assert!(json["lenderPositions"].is_array());
}
