//! The Aave-V3-shaped test pool driven from Rust: account data against hand-computed values, Aave's event topics,
//! liquidation, decoded reverts, and the readers' refusal to truncate.

use alloy_primitives::{Address, B256, U256, keccak256};
use alloy_sol_types::{SolCall, SolEvent};
use aloe_chain::{Chain, EmbeddedChain, Receipt};
use aloe_contracts::{
    Error, Revert, Token,
    aave::{IAavePool, InterestRateMode, TestLendingPool, asset_decimals, asset_price, user_account_data},
    bindings::TestLendingPool as pool_abi,
    lifecycle::whole,
};
use aloe_score::defi::AccountData;

/// Token amounts in whole units of an 18-decimal token.
fn tokens(n: u64) -> U256 {
    whole(n)
}

/// Prices in the base currency (8 decimals).
fn usd(n: u64) -> U256 {
    U256::from(n) * U256::from(100_000_000u64)
}

/// A pool owned by `owner` listing WETH ($2,000, LTV 80%, threshold 82.5%), LINK ($15, 70%, 75%) and a borrow-only
/// USD stablecoin ($1), with a supplier's liquidity in each; every test token has 18 decimals.
struct Market {
    chain: EmbeddedChain,
    pool: TestLendingPool,
    owner: Address,
    alice: Address,
    liquidator: Address,
    weth: Token,
    link: Token,
    usd: Token,
}

impl Market {
    fn new() -> Self {
        let mut chain = EmbeddedChain::new();
        let a = |i| aloe_chain::dev_signer(i).address();
        let (owner, supplier, alice, liquidator) = (a(0), a(1), a(2), a(3));
        for who in [owner, supplier, alice, liquidator] {
            chain.set_balance(who, whole(1_000)).unwrap();
        }
        let pool = TestLendingPool::deploy(&mut chain, owner).unwrap().value;
        let deploy = |chain: &mut EmbeddedChain, name, symbol| {
            Token::deploy_test_token(chain, owner, name, symbol).unwrap().value
        };
        let weth = deploy(&mut chain, "Wrapped Ether", "WETH");
        let link = deploy(&mut chain, "Chainlink", "LINK");
        let usd_token = deploy(&mut chain, "US Dollar", "USD");
        pool.list_reserve(&mut chain, owner, weth.address, 8000, 8250, usd(2000)).unwrap();
        pool.list_reserve(&mut chain, owner, link.address, 7000, 7500, usd(15)).unwrap();
        pool.list_reserve(&mut chain, owner, usd_token.address, 0, 0, usd(1)).unwrap();
        let mut market = Self { chain, pool, owner, alice, liquidator, weth, link, usd: usd_token };
        for token in [weth, link, usd_token] {
            market.supply(supplier, token, tokens(1_000_000));
        }
        market
    }

    fn supply(&mut self, who: Address, token: Token, amount: U256) -> Receipt {
        token.mint(&mut self.chain, who, who, amount).unwrap();
        token.approve(&mut self.chain, who, self.pool.address, amount).unwrap();
        self.pool.supply(&mut self.chain, who, token.address, amount, who).unwrap().receipt
    }

    fn account(&mut self, user: Address) -> AccountData {
        user_account_data(&mut self.chain, self.pool.address, user).unwrap()
    }
}

/// The first log `receipt` has from `emitter`, as `E`, after checking its topic0 is `signature`'s keccak.
fn event<E: SolEvent>(receipt: &Receipt, emitter: Address, signature: &str) -> E {
    let log = receipt.logs.iter().find(|log| log.address == emitter).expect("a log from the pool");
    assert_eq!(log.topics()[0], keccak256(signature), "{signature}");
    assert_eq!(E::SIGNATURE_HASH, keccak256(signature), "{signature}");
    E::decode_log_data(&log.data).unwrap()
}

fn topic(address: Address) -> B256 {
    address.into_word()
}

#[test]
fn account_data_matches_hand_computed_values() {
    let mut m = Market::new();
    let alice = m.alice;
    let none = AccountData {
        total_collateral_base: 0,
        total_debt_base: 0,
        available_borrows_base: 0,
        liquidation_threshold_bps: 0,
        ltv_bps: 0,
        health_factor_wad: U256::MAX,
    };
    assert_eq!(m.account(alice), none);

    // 10 WETH ($20,000 = 2e12 base) and 1,000 LINK ($15,000 = 1.5e12), and borrow-only USD that is no collateral.
    m.supply(alice, m.weth, tokens(10));
    m.supply(alice, m.link, tokens(1000));
    m.supply(alice, m.usd, tokens(500));
    // LTV (2e12 × 8000 + 1.5e12 × 7000) / 3.5e12 = 7571.4 → 7571; threshold (… × 8250 + … × 7500) / 3.5e12
    // = 7928.6 → 7928; available 3.5e12 × 7571 / 10^4.
    let collateral_only = AccountData {
        total_collateral_base: 3_500_000_000_000,
        total_debt_base: 0,
        available_borrows_base: 2_649_850_000_000,
        liquidation_threshold_bps: 7928,
        ltv_bps: 7571,
        health_factor_wad: U256::MAX,
    };
    assert_eq!(m.account(alice), collateral_only);

    // 20,000 USD variable and 1 WETH stable: debt 2.2e12, HF = (3.5e12 × 7928 / 10^4) × 1e18 / 2.2e12, floored.
    m.pool.borrow(&mut m.chain, alice, m.usd.address, tokens(20_000), InterestRateMode::Variable).unwrap();
    m.pool.borrow(&mut m.chain, alice, m.weth.address, tokens(1), InterestRateMode::Stable).unwrap();
    let borrowed = AccountData {
        total_debt_base: 2_200_000_000_000,
        available_borrows_base: 449_850_000_000,
        health_factor_wad: U256::from(1_261_272_727_272_727_272u64),
        ..collateral_only
    };
    assert_eq!(m.account(alice), borrowed);

    let position = m.pool.position_of(&mut m.chain, m.weth.address, alice).unwrap();
    assert_eq!((position.supplied, position.stableDebt, position.variableDebt), (tokens(10), tokens(1), U256::ZERO));
    // The pool is its own oracle; the tokens' decimals come from ERC-20 metadata.
    assert_eq!(asset_price(&mut m.chain, m.pool.address, m.link.address).unwrap(), usd(15));
    assert_eq!(asset_decimals(&mut m.chain, m.weth.address).unwrap(), 18);
}

#[test]
fn events_have_the_aave_v3_topics() {
    let mut m = Market::new();
    let (alice, pool) = (m.alice, m.pool.address);
    let receipt = m.supply(alice, m.weth, tokens(10));
    let supply: IAavePool::Supply = event(&receipt, pool, "Supply(address,address,address,uint256,uint16)");
    assert_eq!((supply.user, supply.amount), (alice, tokens(10)));
    let log = receipt.logs.iter().find(|log| log.address == pool).unwrap();
    assert_eq!(log.topics()[1..], [topic(m.weth.address), topic(alice), B256::ZERO]);

    let dollar = m.usd.address;
    let receipt =
        m.pool.borrow(&mut m.chain, alice, dollar, tokens(16_000), InterestRateMode::Variable).unwrap().receipt;
    let borrow: IAavePool::Borrow =
        event(&receipt, pool, "Borrow(address,address,address,uint256,uint8,uint256,uint16)");
    assert_eq!(InterestRateMode::from_code(borrow.interestRateMode), Some(InterestRateMode::Variable));
    assert_eq!((borrow.amount, borrow.borrowRate), (tokens(16_000), U256::ZERO));

    m.usd.approve(&mut m.chain, alice, pool, tokens(6000)).unwrap();
    let receipt =
        m.pool.repay(&mut m.chain, alice, dollar, tokens(6000), InterestRateMode::Variable, alice).unwrap().receipt;
    let repay: IAavePool::Repay = event(&receipt, pool, "Repay(address,address,address,uint256,bool)");
    assert_eq!((repay.amount, repay.useATokens), (tokens(6000), false));

    let receipt = m.pool.withdraw(&mut m.chain, alice, m.weth.address, tokens(1), alice).unwrap().receipt;
    let withdraw: IAavePool::Withdraw = event(&receipt, pool, "Withdraw(address,address,address,uint256)");
    assert_eq!(withdraw.amount, tokens(1));

    // 9 WETH at $1,200: HF = 10,800 × 82.5% / 10,000 = 0.891, so the whole debt may go.
    m.pool.set_asset_price(&mut m.chain, m.owner, m.weth.address, usd(1200)).unwrap();
    let liquidator = m.liquidator;
    m.usd.mint(&mut m.chain, liquidator, liquidator, tokens(10_000)).unwrap();
    m.usd.approve(&mut m.chain, liquidator, pool, tokens(10_000)).unwrap();
    let receipt =
        m.pool.liquidation_call(&mut m.chain, liquidator, m.weth.address, dollar, alice, U256::MAX).unwrap().receipt;
    let liquidation: IAavePool::LiquidationCall =
        event(&receipt, pool, "LiquidationCall(address,address,address,uint256,uint256,address,bool)");
    let seized = U256::from(8_750_000_000_000_000_000u64); // 10,000 × 1.05 / 1,200 = 8.75 WETH
    assert_eq!(liquidation.debtToCover, tokens(10_000));
    assert_eq!((liquidation.liquidatedCollateralAmount, liquidation.liquidator), (seized, liquidator));
    assert_eq!(m.weth.balance_of(&mut m.chain, liquidator).unwrap(), seized);
    assert_eq!(m.account(alice).total_debt_base, 0);

    // The hand-written interface and the compiled pool agree on every selector.
    assert_eq!(IAavePool::supplyCall::SELECTOR, pool_abi::supplyCall::SELECTOR);
    assert_eq!(IAavePool::withdrawCall::SELECTOR, pool_abi::withdrawCall::SELECTOR);
    assert_eq!(IAavePool::borrowCall::SELECTOR, pool_abi::borrowCall::SELECTOR);
    assert_eq!(IAavePool::repayCall::SELECTOR, pool_abi::repayCall::SELECTOR);
    assert_eq!(IAavePool::liquidationCallCall::SELECTOR, pool_abi::liquidationCallCall::SELECTOR);
    assert_eq!(IAavePool::getUserAccountDataCall::SELECTOR, pool_abi::getUserAccountDataCall::SELECTOR);
}

#[test]
fn reverts_decode_to_the_pool_errors() {
    let mut m = Market::new();
    let alice = m.alice;
    m.supply(alice, m.weth, tokens(10));
    let dollar = m.usd.address;

    // $16,000 is the whole borrowing power: one base unit more ($1e-8, 1e10 wei) is refused, with both numbers
    // (smaller excesses floor away in the valuation, as in Aave).
    let over = tokens(16_000) + U256::from(10_000_000_000u64);
    let error = m.pool.borrow(&mut m.chain, alice, dollar, over, InterestRateMode::Variable).unwrap_err();
    assert_eq!(error.revert_name().as_deref(), Some("BorrowExceedsCapacity"), "{error}");
    match error.revert() {
        Some(Revert::LendingPool(pool_abi::TestLendingPoolErrors::BorrowExceedsCapacity(e))) => {
            assert_eq!(e.totalDebtBase, U256::from(1_600_000_000_001u64));
            assert_eq!(e.borrowingPowerBase, U256::from(1_600_000_000_000u64));
        }
        other => panic!("{other:?}"),
    }
    assert!(error.to_string().contains("BorrowExceedsCapacity"), "{error}");

    m.pool.borrow(&mut m.chain, alice, dollar, tokens(16_000), InterestRateMode::Variable).unwrap();
    let error = m.pool.withdraw(&mut m.chain, alice, m.weth.address, tokens(1), alice).unwrap_err();
    assert_eq!(error.revert_name().as_deref(), Some("HealthFactorBelowOne"), "{error}");
    let liquidator = m.liquidator;
    let error =
        m.pool.liquidation_call(&mut m.chain, liquidator, m.weth.address, dollar, alice, tokens(1)).unwrap_err();
    assert_eq!(error.revert_name().as_deref(), Some("HealthFactorNotBelowOne"), "{error}");
    let unknown = Address::repeat_byte(0x42);
    let error = m.pool.supply(&mut m.chain, alice, unknown, tokens(1), alice).unwrap_err();
    assert_eq!(error.revert_name().as_deref(), Some("ReserveNotListed"), "{error}");
    let error = asset_price(&mut m.chain, m.pool.address, unknown).unwrap_err();
    assert_eq!(error.revert_name().as_deref(), Some("ReserveNotListed"), "{error}");
    // Owner-only administration (OpenZeppelin's error, which the bureau shares).
    let error = m.pool.set_asset_price(&mut m.chain, alice, dollar, usd(2)).unwrap_err();
    assert_eq!(error.revert_name().as_deref(), Some("OwnableUnauthorizedAccount"), "{error}");
}

#[test]
fn account_data_beyond_u128_is_an_error() {
    let mut m = Market::new();
    let (alice, owner) = (m.alice, m.owner);
    // 1e9 tokens at 1e30 base units each: 1e39 base units of collateral, above u128::MAX (3.4e38).
    let asset = Token::deploy_test_token(&mut m.chain, owner, "Huge", "HUGE").unwrap().value;
    let price = U256::from(10u64).pow(U256::from(30));
    m.pool.list_reserve(&mut m.chain, owner, asset.address, 5000, 6000, price).unwrap();
    m.supply(alice, asset, tokens(1_000_000_000));
    let error = user_account_data(&mut m.chain, m.pool.address, alice).unwrap_err();
    assert!(
        matches!(&error, Error::OutOfRange { field: "totalCollateralBase", value, .. }
            if *value == U256::from(10u64).pow(U256::from(39))),
        "{error}"
    );
}

/// Gas of the pool's hot paths, for the record (`cargo test -p aloe-contracts aave_gas -- --nocapture`).
#[test]
fn aave_gas() {
    let mut m = Market::new();
    let alice = m.alice;
    let supply = m.supply(alice, m.weth, tokens(10)).gas_used;
    let borrow = m.pool.borrow(&mut m.chain, alice, m.usd.address, tokens(1000), InterestRateMode::Variable).unwrap();
    let call = IAavePool::getUserAccountDataCall { user: alice };
    let tx = aloe_chain::TxRequest::call(Address::ZERO, m.pool.address).with_input(call.abi_encode());
    let view = m.chain.estimate_gas(tx).unwrap();
    println!(
        "TestLendingPool gas (3 reserves): supply {supply}, borrow {}, getUserAccountData {view}",
        borrow.receipt.gas_used
    );
    assert!(view < 100_000 && supply < 200_000 && borrow.receipt.gas_used < 200_000);
}
