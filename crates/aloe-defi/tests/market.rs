//! The chain side end to end: generated accounts played onto the test pool are read back through the
//! `Chain` interface exactly as they were generated.

use aloe_chain::{Chain, EmbeddedChain, dev_signer};
use aloe_defi::market::{Roles, market_address, play};
use aloe_defi::{Error, Extractor, Sources};
use aloe_ml::defi_population::population;

#[test]
fn every_played_account_reads_back_as_generated() {
    let mut chain = EmbeddedChain::new();
    let owner = dev_signer(0).address();
    let accounts = population(150, 0.3, 21);
    let addresses: Vec<_> = (0..accounts.len()).map(market_address).collect();
    let market = play(&mut chain, Roles::embedded(owner), &accounts, &addresses, 365, &mut |_, _| {}).unwrap();
    for (index, reason) in &market.unplayable {
        eprintln!("account {index} not played: {reason}");
    }
    eprintln!("{} of 150 played in {} transactions", market.played.len(), market.transactions);
    assert!(market.played.len() >= 120, "{} of 150 played", market.played.len());
    assert!(market.played.iter().any(|a| a.anomaly.is_some()));
    assert_eq!(chain.timestamp().unwrap(), market.window.end());

    let sources =
        Sources { pool: market.pool, oracle: market.pool, bureau: None, ether_priced_as: market.pool, from_block: 0 };
    let mut extractor = Extractor::new(&mut chain, sources, market.window);
    for account in &market.played {
        let read = extractor.features(account.address).unwrap();
        assert_eq!(read, account.features, "{}", account.address);
    }
    let stranger = market_address(10_000);
    assert!(
        matches!(extractor.features(stranger), Err(Error::NoHistory { address, days: 365 }) if address == stranger)
    );
}
