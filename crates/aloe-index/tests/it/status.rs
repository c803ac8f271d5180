//! A loan's status through its life (open, funded, active; failed for one that misses its fund date), and a
//! cancelled request, each checked against the chain's views after every step.

use alloy_primitives::U256;
use aloe_chain::{Chain, EmbeddedChain};
use aloe_contracts::lifecycle::whole;
use aloe_index::{BorrowerStatus, Indexer, LoanStatus};

use crate::support::{World, status_on_chain};

#[test]
fn statuses_follow_the_loans_lives() {
    let mut chain = EmbeddedChain::new();
    let world = World::new(&mut chain);
    let (borrowers, lenders) = (world.cast.borrowers, world.cast.lenders);
    let dir = tempfile::tempdir().unwrap();
    let mut index = Indexer::open(dir.path().join("index.sqlite"), &world.protocol).unwrap();
    let loan = world.ether_loan(&mut chain, 30, 600);
    let missed = world.ether_loan(&mut chain, 10, 600);
    let mut check = |chain: &mut EmbeddedChain, expected: [LoanStatus; 2]| {
        index.sync(chain).unwrap();
        for (l, status) in [loan, missed].into_iter().zip(expected) {
            let indexed = index.loan(l.address).unwrap().unwrap();
            assert_eq!(indexed.loan.status, status_on_chain(chain, l, &borrowers), "{}", l.address);
            assert_eq!(indexed.loan.status, status);
        }
        index.loan(loan.address).unwrap().unwrap()
    };
    check(&mut chain, [LoanStatus::Open; 2]);

    // A request withdrawn before funding leaves a cancelled position and nothing requested.
    loan.borrow(&mut chain, borrowers[0], whole(10)).unwrap();
    loan.cancel_borrow(&mut chain, borrowers[0]).unwrap();
    let detail = check(&mut chain, [LoanStatus::Open; 2]);
    let position = &detail.borrower_positions[0];
    assert_eq!(
        (position.status, position.cancellations, position.requested.0),
        (BorrowerStatus::Cancelled, 1, U256::ZERO)
    );
    assert_eq!((detail.loan.requested.0, detail.loan.scheduled.0, detail.loan.borrowers), (U256::ZERO, U256::ZERO, 0));

    loan.borrow(&mut chain, borrowers[0], whole(10)).unwrap();
    loan.borrow(&mut chain, borrowers[1], whole(20)).unwrap();
    loan.invest(&mut chain, lenders[0], whole(30)).unwrap();
    missed.invest(&mut chain, lenders[1], whole(5)).unwrap();
    let detail = check(&mut chain, [LoanStatus::Funded, LoanStatus::Open]);
    assert_eq!(detail.borrower_positions[0].status, BorrowerStatus::Requested);

    loan.disburse(&mut chain, borrowers[0]).unwrap();
    let detail = check(&mut chain, [LoanStatus::Active, LoanStatus::Open]);
    assert_eq!(detail.borrower_positions[0].status, BorrowerStatus::Active);

    // Past its fund date the unfunded loan has failed (no event says so: the clock does), and refunds.
    chain.advance_time(8 * 86_400).unwrap();
    check(&mut chain, [LoanStatus::Active, LoanStatus::Failed]);
    missed.withdraw(&mut chain, lenders[1], whole(5)).unwrap();
    check(&mut chain, [LoanStatus::Active, LoanStatus::Failed]);
    let refund = index.lender(lenders[1]).unwrap().unwrap().positions.remove(0).position;
    assert_eq!((refund.withdrawn.0, refund.refunded.0), (whole(5), whole(5)));
}
