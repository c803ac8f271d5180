//! The Aave V3 pool ABI subset Aloe reads ([`IAavePool`]: the five lending events, the five user entry points and
//! `getUserAccountData`; [`IAaveOracle`]: `getAssetPrice`), readers that work against any V3-compatible pool, and
//! the [`TestLendingPool`] (`contracts/src/mocks/TestLendingPool.sol`) that implements the same ABI on the
//! embedded chain and in tests.
//!
//! ```
//! use aloe_chain::{EmbeddedChain, dev_signer};
//! use aloe_contracts::aave::{TestLendingPool, user_account_data};
//!
//! let mut chain = EmbeddedChain::new();
//! let owner = dev_signer(0).address();
//! let pool = TestLendingPool::deploy(&mut chain, owner).unwrap().value;
//! let data = user_account_data(&mut chain, pool.address, owner).unwrap();
//! assert_eq!(data.total_debt_base, 0);
//! ```

use alloy_primitives::{Address, U256};
use alloy_sol_types::{SolCall, SolValue};
use aloe_chain::Chain;
use aloe_score::defi::AccountData;

use crate::{
    Error, Result, Sent,
    bindings::TestLendingPool as abi,
    tx::{deploy, send, view},
};

pub use sol_types::{IAaveOracle, IAavePool, IERC20Decimals};

/// The `sol!` output, whose generated items carry no docs of their own.
mod sol_types {
    #![allow(missing_docs, clippy::too_many_arguments)]

    alloy_sol_types::sol! {
        /// Aave V3's `IPool`, as far as Aloe reads it: the events with the deployed pools' topics (indexed flags and
        /// argument types as Aave declares them; the rate mode enum is a `uint8`) and the entry points with their
        /// selectors.
        #[derive(Debug, PartialEq, Eq)]
        interface IAavePool {
            event Supply(address indexed reserve, address user, address indexed onBehalfOf, uint256 amount, uint16 indexed referralCode);
            event Withdraw(address indexed reserve, address indexed user, address indexed to, uint256 amount);
            event Borrow(address indexed reserve, address user, address indexed onBehalfOf, uint256 amount, uint8 interestRateMode, uint256 borrowRate, uint16 indexed referralCode);
            event Repay(address indexed reserve, address indexed user, address indexed repayer, uint256 amount, bool useATokens);
            event LiquidationCall(address indexed collateralAsset, address indexed debtAsset, address indexed user, uint256 debtToCover, uint256 liquidatedCollateralAmount, address liquidator, bool receiveAToken);

            function supply(address asset, uint256 amount, address onBehalfOf, uint16 referralCode) external;
            function withdraw(address asset, uint256 amount, address to) external returns (uint256);
            function borrow(address asset, uint256 amount, uint256 interestRateMode, uint16 referralCode, address onBehalfOf) external;
            function repay(address asset, uint256 amount, uint256 interestRateMode, address onBehalfOf) external returns (uint256);
            function liquidationCall(address collateralAsset, address debtAsset, address user, uint256 debtToCover, bool receiveAToken) external;
            function getUserAccountData(address user) external view returns (uint256 totalCollateralBase, uint256 totalDebtBase, uint256 availableBorrowsBase, uint256 currentLiquidationThreshold, uint256 ltv, uint256 healthFactor);
        }

        /// Aave's price oracle (`IPriceOracleGetter`): prices in the base currency, 8 decimals for USD markets.
        #[derive(Debug, PartialEq, Eq)]
        interface IAaveOracle {
            function getAssetPrice(address asset) external view returns (uint256);
        }

        /// The ERC-20 metadata extension's `decimals`.
        #[derive(Debug, PartialEq, Eq)]
        interface IERC20Decimals {
            function decimals() external view returns (uint8);
        }
    }
}

const POOL: &str = "AavePool";
const ORACLE: &str = "AaveOracle";
const ERC20: &str = "ERC20";
const TEST_POOL: &str = "TestLendingPool";

/// Aave V3's interest rate modes, as `borrow` and `repay` take them (a `uint256`) and `Borrow` reports them (a
/// `uint8`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InterestRateMode {
    /// Stable rate (1).
    Stable = 1,
    /// Variable rate (2).
    Variable = 2,
}

impl InterestRateMode {
    /// The mode's number in the ABI.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The mode a `Borrow` event's `interestRateMode` names, if any (0, Aave's `NONE`, and others are not modes).
    pub fn from_code(code: u8) -> Option<Self> {
        match code {
            1 => Some(Self::Stable),
            2 => Some(Self::Variable),
            _ => None,
        }
    }
}

/// `value` as a `T`, or [`Error::OutOfRange`] naming the field.
fn fits<T: TryFrom<U256>>(value: U256, field: &'static str, target: &'static str) -> Result<T> {
    T::try_from(value).map_err(|_| Error::OutOfRange {
        contract: POOL,
        function: IAavePool::getUserAccountDataCall::SIGNATURE,
        field,
        value,
        target,
    })
}

/// `getUserAccountData` of any Aave-V3-compatible pool for `user`, as [`AccountData`]. Amounts beyond `u128` and
/// basis points beyond `u32` are an [`Error::OutOfRange`], never truncated; the health factor is kept whole
/// (`U256::MAX` without debt). No other validation: [`aloe_score::defi`] checks the values' consistency.
pub fn user_account_data(chain: &mut dyn Chain, pool: Address, user: Address) -> Result<AccountData> {
    let data = view(chain, POOL, pool, IAavePool::getUserAccountDataCall { user })?;
    Ok(AccountData {
        total_collateral_base: fits(data.totalCollateralBase, "totalCollateralBase", "u128")?,
        total_debt_base: fits(data.totalDebtBase, "totalDebtBase", "u128")?,
        available_borrows_base: fits(data.availableBorrowsBase, "availableBorrowsBase", "u128")?,
        liquidation_threshold_bps: fits(data.currentLiquidationThreshold, "currentLiquidationThreshold", "u32")?,
        ltv_bps: fits(data.ltv, "ltv", "u32")?,
        health_factor_wad: data.healthFactor,
    })
}

/// The price of `asset` by `oracle`'s `getAssetPrice` (base currency; 8 decimals in Aave's USD markets). The
/// [`TestLendingPool`] is its own oracle.
pub fn asset_price(chain: &mut dyn Chain, oracle: Address, asset: Address) -> Result<U256> {
    view(chain, ORACLE, oracle, IAaveOracle::getAssetPriceCall { asset })
}

/// The ERC-20 `decimals()` of `asset`.
pub fn asset_decimals(chain: &mut dyn Chain, asset: Address) -> Result<u8> {
    view(chain, ERC20, asset, IERC20Decimals::decimalsCall {})
}

/// The Aave-V3-shaped test pool: Aave's events, selectors and `getUserAccountData` arithmetic without interest,
/// aTokens or credit delegation; the owner lists reserves and sets their prices (it is its own oracle). For tests
/// and development chains only. Its custom errors decode as [`crate::Revert::LendingPool`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TestLendingPool {
    /// Its address.
    pub address: Address,
}

/// One user's balance and debts in one reserve of the [`TestLendingPool`] (token units; they never accrue).
pub use abi::Position;

impl TestLendingPool {
    /// Deploys a pool owned by `owner`, from `owner`.
    pub fn deploy(chain: &mut dyn Chain, owner: Address) -> Result<Sent<Self>> {
        let mut code = crate::artifacts::TEST_LENDING_POOL.bytecode.to_vec();
        code.extend(owner.abi_encode());
        let sent = deploy(chain, TEST_POOL, owner, code)?;
        Ok(Sent { value: Self { address: sent.value }, receipt: sent.receipt })
    }

    fn send<C: SolCall>(&self, chain: &mut dyn Chain, from: Address, call: C) -> Result<Sent> {
        send(chain, TEST_POOL, from, self.address, U256::ZERO, call)
    }

    /// Lists `asset` (owner only) with its LTV and liquidation threshold in basis points (`ltv_bps` ≤
    /// `liquidation_threshold_bps` ≤ 10,000; both 0 for a borrow-only reserve) and its price (8 decimals).
    pub fn list_reserve(
        &self,
        chain: &mut dyn Chain,
        owner: Address,
        asset: Address,
        ltv_bps: u16,
        liquidation_threshold_bps: u16,
        price_base: U256,
    ) -> Result<Sent> {
        let call = abi::listReserveCall {
            asset,
            ltvBps: ltv_bps,
            liquidationThresholdBps: liquidation_threshold_bps,
            priceBase: price_base,
        };
        self.send(chain, owner, call)
    }

    /// Changes a listed reserve's LTV and liquidation threshold (owner only), revaluing every position at once.
    pub fn configure_reserve(
        &self,
        chain: &mut dyn Chain,
        owner: Address,
        asset: Address,
        ltv_bps: u16,
        liquidation_threshold_bps: u16,
    ) -> Result<Sent> {
        let call = abi::configureReserveAsCollateralCall {
            asset,
            ltvBps: ltv_bps,
            liquidationThresholdBps: liquidation_threshold_bps,
        };
        self.send(chain, owner, call)
    }

    /// Sets `asset`'s price, 8 decimals (owner only).
    pub fn set_asset_price(
        &self,
        chain: &mut dyn Chain,
        owner: Address,
        asset: Address,
        price_base: U256,
    ) -> Result<Sent> {
        self.send(chain, owner, abi::setAssetPriceCall { asset, priceBase: price_base })
    }

    /// `from` supplies `amount` of `asset` (approved to the pool beforehand), credited to `on_behalf_of`.
    pub fn supply(
        &self,
        chain: &mut dyn Chain,
        from: Address,
        asset: Address,
        amount: U256,
        on_behalf_of: Address,
    ) -> Result<Sent> {
        self.send(chain, from, abi::supplyCall { asset, amount, onBehalfOf: on_behalf_of, referralCode: 0 })
    }

    /// `from` withdraws `amount` of its supplied `asset` (`U256::MAX`: all of it) to `to`.
    pub fn withdraw(
        &self,
        chain: &mut dyn Chain,
        from: Address,
        asset: Address,
        amount: U256,
        to: Address,
    ) -> Result<Sent> {
        self.send(chain, from, abi::withdrawCall { asset, amount, to })
    }

    /// `from` borrows `amount` of `asset` in `mode` against its own collateral.
    pub fn borrow(
        &self,
        chain: &mut dyn Chain,
        from: Address,
        asset: Address,
        amount: U256,
        mode: InterestRateMode,
    ) -> Result<Sent> {
        let call = abi::borrowCall {
            asset,
            amount,
            interestRateMode: U256::from(mode.code()),
            referralCode: 0,
            onBehalfOf: from,
        };
        self.send(chain, from, call)
    }

    /// `from` repays up to `amount` (`U256::MAX`: all, for oneself only) of `on_behalf_of`'s `asset` debt in `mode`,
    /// paying from its own (approved) balance.
    pub fn repay(
        &self,
        chain: &mut dyn Chain,
        from: Address,
        asset: Address,
        amount: U256,
        mode: InterestRateMode,
        on_behalf_of: Address,
    ) -> Result<Sent> {
        let call =
            abi::repayCall { asset, amount, interestRateMode: U256::from(mode.code()), onBehalfOf: on_behalf_of };
        self.send(chain, from, call)
    }

    /// `liquidator` covers up to `debt_to_cover` (`U256::MAX`: as much as the close factor allows) of unhealthy
    /// `user`'s `debt_asset` debt, paying it from its approved balance, and receives `collateral_asset` worth it
    /// plus the 5% bonus.
    pub fn liquidation_call(
        &self,
        chain: &mut dyn Chain,
        liquidator: Address,
        collateral_asset: Address,
        debt_asset: Address,
        user: Address,
        debt_to_cover: U256,
    ) -> Result<Sent> {
        let call = abi::liquidationCallCall {
            collateralAsset: collateral_asset,
            debtAsset: debt_asset,
            user,
            debtToCover: debt_to_cover,
            receiveAToken: false,
        };
        self.send(chain, liquidator, call)
    }

    /// `user`'s supplied balance and debts in `asset`.
    pub fn position_of(&self, chain: &mut dyn Chain, asset: Address, user: Address) -> Result<Position> {
        view(chain, TEST_POOL, self.address, abi::positionOfCall { asset, user })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_modes_round_trip_and_others_are_none() {
        for mode in [InterestRateMode::Stable, InterestRateMode::Variable] {
            assert_eq!(InterestRateMode::from_code(mode.code()), Some(mode));
        }
        assert_eq!(InterestRateMode::from_code(0), None);
        assert_eq!(InterestRateMode::from_code(3), None);
    }

    #[test]
    fn out_of_range_values_are_errors_not_truncations() {
        let big = U256::from(u128::MAX) + U256::from(1);
        let error = fits::<u128>(big, "totalDebtBase", "u128").unwrap_err();
        assert!(matches!(error, Error::OutOfRange { field: "totalDebtBase", value, .. } if value == big), "{error}");
        assert_eq!(fits::<u32>(U256::from(10_000), "ltv", "u32").unwrap(), 10_000);
        assert!(fits::<u32>(U256::from(u64::from(u32::MAX) + 1), "ltv", "u32").is_err());
    }
}
