//! The same scenario on anvil: equal gas, call for call, and the same outcomes.

use aloe_chain::{EmbeddedChain, RpcChain, dev_signers};
use aloe_contracts::lifecycle;

fn anvil() -> RpcChain {
    let url = std::env::var("ALOE_ANVIL_URL").expect("ALOE_ANVIL_URL must point at anvil (scripts/test starts one)");
    RpcChain::connect(&url, dev_signers(10)).expect("anvil reachable")
}

#[test]
#[ignore = "needs anvil: run scripts/test, or set ALOE_ANVIL_URL and pass --include-ignored"]
fn lifecycle_on_anvil_matches_the_embedded_chain() {
    let embedded = lifecycle::run(&mut EmbeddedChain::new(), &mut |_| {}).unwrap();
    let mut node = anvil();
    let on_anvil = lifecycle::run(&mut node, &mut |_| {}).unwrap();
    assert_eq!(on_anvil.gas, embedded.gas, "gas differs between anvil and revm");
    assert_eq!(on_anvil.confirmed_arrears, embedded.confirmed_arrears);
    assert_eq!(on_anvil.false_report_error, embedded.false_report_error);
    assert_eq!(on_anvil.left_in_loans, embedded.left_in_loans);
    assert_eq!(on_anvil.dust_swept, embedded.dust_swept);
    // Token balances do not pay gas, so they match exactly too.
    let tokens = |r: &lifecycle::Report| r.balances.iter().map(|b| b.token_after).collect::<Vec<_>>();
    assert_eq!(tokens(&on_anvil), tokens(&embedded));
}
