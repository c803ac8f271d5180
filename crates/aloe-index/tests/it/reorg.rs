//! Reorganisations on the embedded chain: the chain is reverted to a snapshot and sent other transactions,
//! and the wrapper hashes the replaced blocks differently, as a node does. The index must roll back to the
//! fork point and end exactly as a fresh index of the new history.

use alloy_primitives::B256;
use aloe_chain::{Chain, EmbeddedChain};
use aloe_contracts::lifecycle::whole;
use aloe_index::{Indexer, Options, Rollback};

use crate::support::{TestChain, World, assert_same_index};

/// Which new history replaces the old one.
#[derive(Clone, Copy, Debug)]
enum NewHistory {
    /// One transaction: the chain ends below the old cursor.
    Shorter,
    /// More transactions than before, creating a loan at the address the old history's loan had, with other
    /// terms.
    Longer,
}

/// Runs a reorg and returns the rollback the index reported and the fork point.
fn reorganise(new_history: NewHistory, options: Options) -> (Rollback, u64) {
    let mut chain = TestChain::new(EmbeddedChain::new());
    let world = World::new(&mut chain);
    let (borrowers, lenders) = (world.cast.borrowers, world.cast.lenders);
    let loan = world.ether_loan(&mut chain, 30, 600);
    loan.invest(&mut chain, lenders[0], whole(10)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index.sqlite");
    let mut index = Indexer::open_with(&path, &world.protocol, options).unwrap();
    index.sync(&mut chain).unwrap();
    let fork_point = chain.block_number().unwrap();
    let snapshot = chain.snapshot().unwrap();

    // The old history: a second loan, requests and investments in both.
    let second = world.ether_loan(&mut chain, 20, 650);
    loan.borrow(&mut chain, borrowers[0], whole(10)).unwrap();
    second.invest(&mut chain, lenders[1], whole(20)).unwrap();
    second.borrow(&mut chain, borrowers[1], whole(5)).unwrap();
    loan.invest(&mut chain, lenders[2], whole(20)).unwrap();
    let old_cursor = index.sync(&mut chain).unwrap().cursor.unwrap();
    assert!(index.loan(second.address).unwrap().is_some());

    // The reorganisation.
    chain.revert_to(snapshot).unwrap();
    chain.fork = Some((fork_point, B256::repeat_byte(0xf0)));
    match new_history {
        NewHistory::Shorter => {
            loan.invest(&mut chain, lenders[1], whole(5)).unwrap();
        }
        NewHistory::Longer => {
            loan.borrow(&mut chain, borrowers[2], whole(30)).unwrap();
            let other = world.ether_loan(&mut chain, 10, 500);
            assert_eq!(other.address, second.address, "the bureau's nonce names both");
            for (lender, amount) in lenders.iter().zip([5, 10, 5]) {
                loan.invest(&mut chain, *lender, whole(amount)).unwrap();
            }
            other.invest(&mut chain, lenders[0], whole(10)).unwrap();
            other.borrow(&mut chain, borrowers[0], whole(10)).unwrap();
        }
    }
    assert!(
        matches!(new_history, NewHistory::Longer) == (chain.block_number().unwrap() > old_cursor),
        "the new history is {new_history:?}"
    );
    let report = index.sync(&mut chain).unwrap();
    assert_eq!(report.rollbacks.len(), 1, "{report:?}");
    let rollback = report.rollbacks[0].clone();
    assert_eq!(rollback.from_block, old_cursor);
    assert!(rollback.events_removed > 0);
    assert_eq!(report.cursor, Some(chain.block_number().unwrap()));

    match new_history {
        NewHistory::Shorter => assert!(index.loan(second.address).unwrap().is_none(), "the old loan is gone"),
        NewHistory::Longer => {
            let other = index.loan(second.address).unwrap().unwrap();
            assert_eq!(other.loan.terms.min_credit_score, 500, "the new loan's terms, not the old one's");
        }
    }
    let fresh = dir.path().join("fresh.sqlite");
    Indexer::open(&fresh, &world.protocol).unwrap().sync(&mut chain).unwrap();
    assert_same_index(&fresh, &path);

    // And no false alarm afterwards.
    assert!(index.sync(&mut chain).unwrap().rollbacks.is_empty());
    (rollback, fork_point)
}

#[test]
fn a_reorg_to_a_shorter_chain_rolls_back_to_the_fork_point() {
    let (rollback, fork_point) = reorganise(NewHistory::Shorter, Options::default());
    assert_eq!(rollback.to_block, Some(fork_point), "the last block whose hash still matches");
}

#[test]
fn a_reorg_to_a_longer_chain_rolls_back_to_the_fork_point() {
    let (rollback, fork_point) = reorganise(NewHistory::Longer, Options { range_blocks: 2, ..Options::default() });
    assert_eq!(rollback.to_block, Some(fork_point));
}

#[test]
fn a_reorg_deeper_than_the_checkpoints_reindexes_from_the_start() {
    // One checkpoint kept (the cursor's), one block per range: nothing below the cursor to fall back on.
    let options = Options { range_blocks: 1, checkpoints_kept: 1, ..Options::default() };
    let (rollback, _) = reorganise(NewHistory::Longer, options);
    assert_eq!(rollback.to_block, None);
}
