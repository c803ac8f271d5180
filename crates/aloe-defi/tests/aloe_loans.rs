//! Aloe's own loans in the history: the lifecycle scenario's on-time borrower, read through the bureau's
//! events beside a pool position, valued at the oracle's prices.

use alloy_primitives::U256;
use aloe_chain::{Chain, EmbeddedChain};
use aloe_contracts::Token;
use aloe_contracts::aave::TestLendingPool;
use aloe_contracts::lifecycle::{self, Cast};
use aloe_defi::{Extractor, Sources};
use aloe_score::defi::{DAY, History, LOAN_KINDS, Window};

const ETHER_PRICE: u64 = 2_000 * 100_000_000;
const DOLLAR: u64 = 100_000_000;

fn base(amount: U256, price: u64) -> u128 {
    (amount * U256::from(price) / U256::from(10u64).pow(U256::from(18))).to::<u128>()
}

#[test]
fn aloe_loans_count_as_a_loan_kind_with_their_disbursements_and_payments() {
    let mut chain = EmbeddedChain::new();
    let cast = Cast::dev();
    let report = lifecycle::run(&mut chain, &mut |_| {}).unwrap();
    let [ether_loan, token_loan] = report.loans;
    let borrower = cast.borrowers[0];

    let pool = TestLendingPool::deploy(&mut chain, cast.owner).unwrap().value;
    let weth = Token::deploy_test_token(&mut chain, cast.owner, "Wrapped Ether", "WETH").unwrap().value;
    pool.list_reserve(&mut chain, cast.owner, weth.address, 8_000, 8_250, U256::from(ETHER_PRICE)).unwrap();
    pool.list_reserve(&mut chain, cast.owner, report.token.address, 7_500, 7_800, U256::from(DOLLAR)).unwrap();
    let supplied = U256::from(1_000u64) * U256::from(10u64).pow(U256::from(18));
    report.token.approve(&mut chain, borrower, pool.address, supplied).unwrap();
    pool.supply(&mut chain, borrower, report.token.address, supplied, borrower).unwrap();

    let now = chain.timestamp().unwrap();
    let window = Window::ending_at(now + 1, 730).unwrap();
    let sources = Sources {
        pool: pool.address,
        oracle: pool.address,
        bureau: Some(report.protocol.bureau.address),
        ether_priced_as: weth.address,
        from_block: 0,
    };
    let ten_ether = U256::from(10u64) * U256::from(10u64).pow(U256::from(18));
    let fifteen_thousand = U256::from(15_000u64) * U256::from(10u64).pow(U256::from(18));
    let ether_installment = ether_loan.installment_of(&mut chain, borrower).unwrap();
    let token_installment = token_loan.installment_of(&mut chain, borrower).unwrap();

    let mut extractor = Extractor::new(&mut chain, sources, window);
    let events = extractor.events(borrower).unwrap();
    let features = extractor.features(borrower).unwrap();
    let history = features.history();
    let first = events.first().unwrap().timestamp;
    assert_eq!(
        *history,
        History {
            // Two requests, two disbursements, 12 + 6 payments, one supply.
            transactions: 23,
            window_days: 730,
            history_days: ((window.end() - first) / DAY) as u32,
            distinct_assets: 2,
            loan_kinds: 1,
            borrowed_base: base(ten_ether, ETHER_PRICE) + base(fifteen_thousand, DOLLAR),
            repaid_base: 12 * base(ether_installment, ETHER_PRICE) + 6 * base(token_installment, DOLLAR),
        }
    );
    assert!(history.loan_kinds < LOAN_KINDS);
    assert_eq!(features.account().total_collateral_base, 1_000 * u128::from(DOLLAR));
    assert_eq!(features.repayment_rate(), Some(1.0), "paid in full, interest included");
}
