//! A seeded test market: `aloe-ml`'s generated accounts played onto a [`TestLendingPool`] (exact Aave V3
//! ABI) as real transactions, each at its time on the chain's clock, so that [`crate::Extractor`] reads
//! them back. Every played account's features are known in advance (they were generated), which makes
//! the market a test of the whole chain side, and the embedded chain's data for `aloe score defi`.

use alloy_primitives::{Address, U256, keccak256};
use alloy_sol_types::SolEvent;
use aloe_chain::Chain;
use aloe_contracts::Token;
use aloe_contracts::aave::{IAavePool, TestLendingPool};
use aloe_ml::defi_population::{Account, AnomalyKind};
use aloe_score::defi::{COLLATERAL_RESERVES, DAY, DefiFeatures, Window};

use crate::Error;
use crate::plan::{Action, MODES, Reserve, SHARED_RESERVES, Step, Unplayable, plan};

/// Every reserve is priced at $1 (8 decimals) with 18 decimals: one base unit is 10^10 token units.
const PRICE: u64 = 100_000_000;
const TOKENS_PER_BASE: u64 = 10_000_000_000;

fn tokens(base: u128) -> U256 {
    U256::from(base) * U256::from(TOKENS_PER_BASE)
}

/// The address the market gives generated account `index` (no key: the embedded chain needs none).
pub fn market_address(index: usize) -> Address {
    Address::from_word(keccak256([b"aloe-defi-market:".as_slice(), &(index as u64).to_be_bytes()].concat()))
}

/// A played account.
#[derive(Debug, Clone, PartialEq)]
pub struct PlayedAccount {
    /// Its address.
    pub address: Address,
    /// The features it was generated with (what the chain must give back).
    pub features: DefiFeatures,
    /// Its injected anomaly, if any.
    pub anomaly: Option<AnomalyKind>,
}

/// The market on the chain.
#[derive(Debug, Clone)]
pub struct Market {
    /// The pool (also its price oracle).
    pub pool: Address,
    /// The window the accounts were generated over (it ends at the chain's present).
    pub window: Window,
    /// The accounts played.
    pub played: Vec<PlayedAccount>,
    /// The accounts that could not be played exactly, by index into the population, with the reason.
    pub unplayable: Vec<(usize, Unplayable)>,
    /// Transactions sent.
    pub transactions: u64,
}

struct Player {
    address: Address,
    own: Token,
    ltv_bps: u16,
    threshold_bps: u16,
    owed: [u128; SHARED_RESERVES + 1],
    seized: U256,
}

/// Who runs the market.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Roles {
    /// Deploys the pool and the tokens, lists the reserves and supplies the shared liquidity.
    pub owner: Address,
    /// Covers the debts the plans liquidate.
    pub liquidator: Address,
}

impl Roles {
    /// Keyless roles for the embedded chain.
    pub fn embedded(owner: Address) -> Self {
        Self { owner, liquidator: market_address(usize::MAX) }
    }
}

/// Plays `accounts` (account `i` from `addresses[i]`) onto a fresh test pool over a window of
/// `window_days` days that ends once the longest history fits after the chain's present; the clock ends
/// at the window's end. `progress(done, total)` follows the planned transactions.
pub fn play(
    chain: &mut dyn Chain,
    roles: Roles,
    accounts: &[Account],
    addresses: &[Address],
    window_days: u32,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Market, Error> {
    assert_eq!(accounts.len(), addresses.len(), "one address per account");
    let Roles { owner, liquidator } = roles;
    let now = chain.timestamp().map_err(|source| Error::Chain { what: "reading the clock", source })?;
    let longest = accounts.iter().map(|a| u64::from(a.features.history().history_days)).max().unwrap_or(0);
    let window = Window::ending_at(now + (longest.max(u64::from(window_days)) + 1) * DAY, window_days)?;

    let mut steps = Vec::new();
    let mut played = Vec::new();
    let mut unplayable = Vec::new();
    for (index, account) in accounts.iter().enumerate() {
        match plan(&account.features, window, DAY / 2 + index as u64 % 3_600) {
            Ok(plan) => {
                steps.extend(plan.into_iter().enumerate().map(|(seq, step)| (step.at, played.len(), seq, step)));
                played.push(PlayedAccount {
                    address: addresses[index],
                    features: account.features,
                    anomaly: account.anomaly,
                });
            }
            Err(reason) => unplayable.push((index, reason)),
        }
    }
    steps.sort_by_key(|&(at, player, seq, _)| (at, player, seq));

    let pool = TestLendingPool::deploy(chain, owner)?.value;
    let mut shared = Vec::with_capacity(SHARED_RESERVES);
    for s in 0..SHARED_RESERVES {
        let token = Token::deploy_test_token(chain, owner, &format!("Shared {s}"), &format!("S{s}"))?.value;
        pool.list_reserve(chain, owner, token.address, 0, 0, U256::from(PRICE))?;
        // Liquidity for every borrower: a trillion dollars of each.
        let liquidity = tokens(1_000_000_000_000 * 100_000_000);
        token.mint(chain, owner, owner, liquidity)?;
        token.approve(chain, owner, pool.address, U256::MAX)?;
        pool.supply(chain, owner, token.address, liquidity, owner)?;
        shared.push(token);
    }
    for token in &shared {
        token.approve(chain, liquidator, pool.address, U256::MAX)?;
    }
    let mut collateral = Vec::with_capacity(COLLATERAL_RESERVES.len());
    for (r, params) in COLLATERAL_RESERVES.iter().enumerate() {
        let token = Token::deploy_test_token(chain, owner, &format!("Collateral {r}"), &format!("C{r}"))?.value;
        let (ltv, threshold) = (params.ltv_bps as u16, params.liquidation_threshold_bps as u16);
        pool.list_reserve(chain, owner, token.address, ltv, threshold, U256::from(PRICE))?;
        token.approve(chain, liquidator, pool.address, U256::MAX)?;
        collateral.push((token, ltv, threshold));
    }
    let mut players = Vec::with_capacity(played.len());
    for account in &played {
        let a = account.features.account();
        let (own, ltv_bps, threshold_bps) = *collateral
            .iter()
            .find(|(_, ltv, threshold)| {
                u32::from(*ltv) == a.ltv_bps && u32::from(*threshold) == a.liquidation_threshold_bps
            })
            .expect("plan() refuses accounts outside the collateral reserves");
        for token in shared.iter().chain([&own]) {
            token.approve(chain, account.address, pool.address, U256::MAX)?;
        }
        players.push(Player {
            address: account.address,
            own,
            ltv_bps,
            threshold_bps,
            owed: [0; SHARED_RESERVES + 1],
            seized: U256::ZERO,
        });
    }

    let total = steps.len() as u64;
    let mut clock = now;
    for (done, (at, player, _, step)) in steps.into_iter().enumerate() {
        if at > clock {
            clock = chain
                .advance_time(at - clock)
                .map_err(|source| Error::Chain { what: "advancing the clock", source })?;
        }
        let p = &mut players[player];
        perform(chain, &pool, owner, liquidator, &shared, p, step)?;
        progress(done as u64 + 1, total);
    }
    if window.end() > clock {
        chain
            .advance_time(window.end() - clock)
            .map_err(|source| Error::Chain { what: "advancing the clock", source })?;
    }
    let transactions =
        chain.block_number().map_err(|source| Error::Chain { what: "reading the block number", source })?;
    Ok(Market { pool: pool.address, window, played, unplayable, transactions })
}

fn perform(
    chain: &mut dyn Chain,
    pool: &TestLendingPool,
    owner: Address,
    liquidator: Address,
    shared: &[Token],
    p: &mut Player,
    step: Step,
) -> Result<(), Error> {
    let token = |r: Reserve| match r {
        Reserve::Own => p.own,
        Reserve::Shared(s) => shared[s],
    };
    let slot = |r: Reserve| match r {
        Reserve::Own => SHARED_RESERVES,
        Reserve::Shared(s) => s,
    };
    match step.action {
        Action::Supply(r, base) => {
            token(r).mint(chain, owner, p.address, tokens(base))?;
            pool.supply(chain, p.address, token(r).address, tokens(base), p.address)?;
        }
        Action::Withdraw(r, base) => {
            pool.withdraw(chain, p.address, token(r).address, tokens(base), p.address)?;
        }
        Action::Borrow(r, base, mode) => {
            pool.borrow(chain, p.address, token(r).address, tokens(base), MODES[mode])?;
            p.owed[slot(r)] += base;
        }
        Action::Repay(r, base, mode) => {
            pool.repay(chain, p.address, token(r).address, tokens(base), MODES[mode], p.address)?;
            p.owed[slot(r)] -= base;
        }
        Action::Liquidate => {
            // A stand-in for the market move that makes a position liquidatable: the account's collateral
            // reserve counts for 1 bps while its debts are covered (no one else transacts meanwhile).
            pool.configure_reserve(chain, owner, p.own.address, 1, 1)?;
            for (s, owed) in p.owed.iter_mut().enumerate() {
                if *owed == 0 {
                    continue;
                }
                let debt_token = if s == SHARED_RESERVES { p.own } else { shared[s] };
                debt_token.mint(chain, owner, liquidator, tokens(*owed))?;
                let sent = pool.liquidation_call(
                    chain,
                    liquidator,
                    p.own.address,
                    debt_token.address,
                    p.address,
                    tokens(*owed),
                )?;
                let call = sent
                    .receipt
                    .logs
                    .iter()
                    .find_map(|log| IAavePool::LiquidationCall::decode_log_data(&log.data).ok())
                    .ok_or(Error::Liquidation { address: p.address })?;
                if call.debtToCover != tokens(*owed) {
                    return Err(Error::Liquidation { address: p.address });
                }
                p.seized += call.liquidatedCollateralAmount;
                *owed = 0;
            }
            pool.configure_reserve(chain, owner, p.own.address, p.ltv_bps, p.threshold_bps)?;
        }
        Action::TopUp => {
            let seized = std::mem::take(&mut p.seized);
            p.own.mint(chain, owner, p.address, seized)?;
            pool.supply(chain, p.address, p.own.address, seized, p.address)?;
        }
    }
    Ok(())
}
