//! Gas ceilings on the ether path (gas is deterministic, so these are exact regressions guards).

use aloe_chain::EmbeddedChain;
use aloe_contracts::lifecycle;

const CEILINGS: [(&str, u64); 6] = [
    ("createLoan (ether)", 150_000),
    ("invest (ether)", 80_000),
    ("borrow (ether)", 150_000),
    ("disburse (ether)", 80_000),
    ("makePayment (ether)", 120_000),
    ("withdraw (ether)", 80_000),
];

#[test]
fn ether_path_stays_under_its_ceilings() {
    let report = lifecycle::run(&mut EmbeddedChain::new(), &mut |_| {}).unwrap();
    for (function, ceiling) in CEILINGS {
        let max = report.gas.max(function).unwrap_or_else(|| panic!("{function} was never called"));
        assert!(max <= ceiling, "{function}: {max} gas > ceiling {ceiling}");
    }
    // Not one of the ceilings: a regression guard (the default also updates the borrower's ledger).
    let default_gas = report.gas.max("reportDefault").unwrap();
    assert!(default_gas <= 100_000, "reportDefault: {default_gas}");
}
