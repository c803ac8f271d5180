//! The contracts' amortisation math, run in revm, against the plain-Rust reference and against the
//! exact annuity in big-integer arithmetic.

use alloy_primitives::{Address, U256, Uint};
use aloe_chain::{Chain, EmbeddedChain};
use aloe_contracts::{Protocol, lifecycle::whole, schedule};
use proptest::prelude::*;

use super::Fixture;

type Big = Uint<8192, 128>;

/// The exact annuity A = P·m·(1000+m)^n / (1000·((1000+m)^n − 1000^n)) as (numerator, denominator).
fn exact_annuity(principal: U256, m: u64, n: u64) -> (Big, Big) {
    let grown = Big::from(1000 + m).pow(Big::from(n));
    let base = Big::from(1000u64).pow(Big::from(n));
    (Big::from(principal) * Big::from(m) * grown, Big::from(1000u64) * (grown - base))
}

fn deployed() -> (EmbeddedChain, Protocol) {
    let mut chain = EmbeddedChain::new();
    let protocol = Protocol::deploy(&mut chain, Address::repeat_byte(1)).unwrap();
    (chain, protocol)
}

fn principal() -> impl Strategy<Value = U256> {
    prop_oneof![
        (1u64..1_000).prop_map(U256::from),
        any::<u64>().prop_map(|x| U256::from(x.max(1))),
        (1u128..=10u128.pow(27)).prop_map(U256::from),
        Just(U256::from(10u128.pow(27))),
        Just(U256::from(u128::MAX >> 32)), // the largest uint96 amount
    ]
}

fn num_payments() -> impl Strategy<Value = u64> {
    prop_oneof![Just(1u64), Just(360u64), 1u64..=1200]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn contract_installment_equals_the_rust_reference(p in principal(), m in 0u64..=1000, n in num_payments()) {
        let (mut chain, protocol) = deployed();
        let on_chain = protocol.bureau.quote_installment(&mut chain, p, m, n).unwrap();
        prop_assert_eq!(on_chain, schedule::installment_up(p, m, n));
    }

    #[test]
    fn installment_never_undercuts_the_exact_annuity_and_overshoots_by_dust(
        p in principal(), m in 1u64..=1000, n in prop_oneof![Just(1u64), Just(360u64), 1u64..=360],
    ) {
        let installment = schedule::installment_up(p, m, n);
        let (num, den) = exact_annuity(p, m, n);
        let paid = Big::from(installment) * den;
        prop_assert!(paid >= num, "installment {} below the exact annuity", installment);
        // At most 1e-18 relative plus 2 base units above the exact value.
        let scale = Big::from(10u64).pow(Big::from(18u64));
        prop_assert!(paid * scale <= num * (scale + Big::from(1u64)) + Big::from(2u64) * den * scale,
            "installment {} too far above the exact annuity", installment);
        // Lenders always get their principal back over the schedule.
        prop_assert!(installment * U256::from(n) >= p);
    }

    #[test]
    fn zero_rate_installment_is_principal_over_n_rounded_up(p in principal(), n in num_payments()) {
        let installment = schedule::installment_up(p, 0, n);
        prop_assert!(installment * U256::from(n) >= p);
        prop_assert!((installment - U256::from(1)) * U256::from(n) < p);
    }
}

/// amountDue and arrears from the funded contract match the reference at period boundaries.
#[test]
fn amount_due_and_arrears_follow_the_schedule() {
    let mut f = Fixture::new();
    let loan = f.ether_loan();
    for b in f.borrowers {
        loan.borrow(&mut f.chain, b, whole(10)).unwrap();
    }
    loan.invest(&mut f.chain, f.lenders[0], whole(30)).unwrap();
    let funded = loan.funded_at(&mut f.chain).unwrap();
    let borrower = f.borrowers[0];
    let installment = loan.installment_of(&mut f.chain, borrower).unwrap();
    assert_eq!(installment, schedule::installment_up(whole(10), 10, 12));
    let period = 30 * 86_400;
    for t in [funded - 1, funded, funded + period - 1, funded + period, funded + 5 * period + 7, funded + 40 * period] {
        let expected = schedule::amount_due(installment, 12, period, t.saturating_sub(funded));
        let expected = if t < funded { U256::ZERO } else { expected };
        assert_eq!(
            loan.amount_due(&mut f.chain, borrower, t).unwrap(),
            expected,
            "t = funded + {}",
            t as i64 - funded as i64
        );
        assert_eq!(loan.arrears(&mut f.chain, borrower, t).unwrap(), expected);
    }
    // Paying one installment early (after taking the principal) clears the first period's arrears and not
    // the second's.
    loan.disburse(&mut f.chain, borrower).unwrap();
    loan.make_payment(&mut f.chain, borrower, installment).unwrap();
    assert_eq!(loan.arrears(&mut f.chain, borrower, funded + period).unwrap(), U256::ZERO);
    assert_eq!(loan.arrears(&mut f.chain, borrower, funded + 2 * period).unwrap(), installment);
    assert_eq!(f.chain.timestamp().unwrap(), funded);
}
