//! The extraction over JSON-RPC: a small test market played onto anvil reads back as generated, and the
//! node is returned to its state (and clock) afterwards so the other anvil tests see no difference.

use alloy_primitives::{Address, U256};
use aloe_chain::{Chain, RpcChain, dev_signers};
use aloe_defi::market::{Roles, play};
use aloe_defi::{Extractor, Sources};
use aloe_ml::defi_population::population;

#[test]
#[ignore = "needs anvil: run scripts/test, or set ALOE_ANVIL_URL and pass --include-ignored"]
fn a_market_on_anvil_reads_back_as_generated() {
    let url = std::env::var("ALOE_ANVIL_URL").expect("ALOE_ANVIL_URL must point at anvil (scripts/test starts one)");
    let accounts = population(6, 0.25, 5);
    let signers = dev_signers(2 + accounts.len());
    let addresses: Vec<Address> = signers[2..].iter().map(|s| s.address()).collect();
    let roles = Roles { owner: signers[0].address(), liquidator: signers[1].address() };
    let mut node = RpcChain::connect(&url, signers).expect("anvil reachable");
    let (clock, block) = (node.timestamp().unwrap(), node.block_number().unwrap());
    let snapshot = node.snapshot().unwrap();
    for who in [roles.owner, roles.liquidator].iter().chain(&addresses) {
        node.set_balance(*who, U256::from(10u64).pow(U256::from(21))).unwrap();
    }

    let market = play(&mut node, roles, &accounts, &addresses, 365, &mut |_, _| {}).unwrap();
    assert!(market.played.len() >= 4, "{} of 6 played: {:?}", market.played.len(), market.unplayable);
    let sources = Sources {
        pool: market.pool,
        oracle: market.pool,
        bureau: None,
        ether_priced_as: market.pool,
        from_block: block,
    };
    let mut extractor = Extractor::new(&mut node, sources, market.window);
    for account in &market.played {
        assert_eq!(extractor.features(account.address).unwrap(), account.features, "{}", account.address);
    }

    node.revert_to(snapshot).unwrap();
    assert_eq!((node.timestamp().unwrap(), node.block_number().unwrap()), (clock, block), "anvil restored");
}
