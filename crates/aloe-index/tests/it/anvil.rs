//! A real reorganisation on anvil: `evm_revert` to a snapshot and other transactions make a node's new
//! blocks hash differently, and the index rolls back to the fork point and ends as a fresh index of the new
//! history. The node is returned to its state (and clock) at the start, so other anvil tests see nothing.

use aloe_chain::{Chain, RpcChain, dev_signers};
use aloe_contracts::lifecycle::whole;
use aloe_index::{Indexer, Options};

use crate::support::{World, assert_same_index};

#[test]
#[ignore = "needs anvil: run scripts/test, or set ALOE_ANVIL_URL and pass --include-ignored"]
fn a_reorg_on_anvil_is_rolled_back_to_the_fork_point() {
    let url = std::env::var("ALOE_ANVIL_URL").expect("ALOE_ANVIL_URL must point at anvil (scripts/test starts one)");
    let mut node = RpcChain::connect(&url, dev_signers(10)).expect("anvil reachable");
    let (clock, block) = (node.timestamp().unwrap(), node.block_number().unwrap());
    let start = node.snapshot().unwrap();

    let world = World::new(&mut node);
    let (borrowers, lenders) = (world.cast.borrowers, world.cast.lenders);
    let loan = world.ether_loan(&mut node, 30, 600);
    loan.invest(&mut node, lenders[0], whole(10)).unwrap();
    // Only this test's blocks: the shared node's earlier history holds other deployments.
    let options = Options { start_block: block + 1, ..Options::default() };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index.sqlite");
    let mut index = Indexer::open_with(&path, &world.protocol, options).unwrap();
    index.sync(&mut node).unwrap();
    let fork_point = node.block_number().unwrap();
    let fork = node.snapshot().unwrap();

    let second = world.ether_loan(&mut node, 20, 650);
    loan.borrow(&mut node, borrowers[0], whole(10)).unwrap();
    second.invest(&mut node, lenders[1], whole(20)).unwrap();
    let old_cursor = index.sync(&mut node).unwrap().cursor.unwrap();
    assert!(index.loan(second.address).unwrap().is_some());

    node.revert_to(fork).unwrap();
    loan.invest(&mut node, lenders[1], whole(5)).unwrap();
    loan.borrow(&mut node, borrowers[2], whole(30)).unwrap();
    let report = index.sync(&mut node).unwrap();
    assert_eq!(report.rollbacks.len(), 1, "{report:?}");
    assert_eq!((report.rollbacks[0].from_block, report.rollbacks[0].to_block), (old_cursor, Some(fork_point)));
    assert!(index.loan(second.address).unwrap().is_none(), "the replaced history's loan is gone");
    let fresh = dir.path().join("fresh.sqlite");
    Indexer::open_with(&fresh, &world.protocol, options).unwrap().sync(&mut node).unwrap();
    assert_same_index(&fresh, &path);

    node.revert_to(start).unwrap();
    assert_eq!((node.timestamp().unwrap(), node.block_number().unwrap()), (clock, block), "anvil restored");
}
