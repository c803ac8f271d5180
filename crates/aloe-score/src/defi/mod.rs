//! The DeFi behaviour score of the NUS article: `Score = 38.5·P + 33.5·A + 16.5·L + 11.5·C − X`,
//! from one address's lending data, with each component in [0, 1] and the anomaly penalty `X` in
//! [0, 20] (computed by `aloe-ml`'s autoencoder from [`DefiFeatures::model_inputs`]).
//!
//! The pool numbers follow Aave V3 `getUserAccountData`: amounts in the base currency with 8
//! decimals, LTV and liquidation threshold in basis points, the health factor scaled by 1e18
//! (`type(uint256).max` when there is no debt). Everything else comes from the address's history
//! over a fixed window, so that two addresses are compared over the same dates.

use alloy_primitives::U256;
use thiserror::Error;

mod history;

pub use history::{DAY, LendingAction, LendingEvent, LoanKind, Window};

/// Weight of payment history `P` (points at `P = 1`).
pub const WEIGHT_P: f64 = 38.5;
/// Weight of amount owed `A`.
pub const WEIGHT_A: f64 = 33.5;
/// Weight of length of history `L`.
pub const WEIGHT_L: f64 = 16.5;
/// Weight of credit mix `C`.
pub const WEIGHT_C: f64 = 11.5;
/// The largest anomaly penalty `X`.
pub const MAX_PENALTY: f64 = 20.0;
/// One unit of the base currency (8 decimals, as Aave's oracle).
pub const BASE_UNIT: f64 = 1e8;
/// Health factor scale (1e18, a wad).
pub const WAD: f64 = 1e18;
/// Health factors at or above this count as "safe" (`A`'s health term saturates) and are capped
/// here in the model inputs, so that "no debt" (`uint256.max`) is a finite number.
pub const SAFE_HEALTH_FACTOR: f64 = 2.0;
/// Cap of the health factor in the model inputs.
pub const HEALTH_FACTOR_CAP: f64 = 10.0;
/// Days of history at which `L` reaches 1 (two years).
pub const FULL_HISTORY_DAYS: f64 = 730.0;
/// Distinct assets at which the asset half of `C` reaches 1.
pub const FULL_ASSETS: u32 = 4;
/// Loan kinds Aloe knows: Aave variable rate, Aave stable rate, Aloe's own loans.
pub const LOAN_KINDS: u32 = 3;
/// Width of [`DefiFeatures::model_inputs`].
pub const INPUTS: usize = 11;

/// Why a set of account data is refused.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum DefiError {
    /// The activity window has no days.
    #[error("the activity window must be at least one day")]
    EmptyWindow,
    /// The address made no transaction in the window: there is nothing to score.
    #[error("no transactions in the window: the address has no history to score")]
    NoHistory,
    /// A basis-point field above 10,000.
    #[error("{field} is {value} basis points, above 10000")]
    BasisPoints {
        /// The field.
        field: &'static str,
        /// Its value.
        value: u32,
    },
    /// Aave keeps LTV at or below the liquidation threshold; otherwise a fresh borrow could be liquidated at once.
    #[error("loan-to-value {ltv} bps above liquidation threshold {threshold} bps")]
    LtvAboveThreshold {
        /// LTV in basis points.
        ltv: u32,
        /// Liquidation threshold in basis points.
        threshold: u32,
    },
    /// Debt outstanding but nothing ever borrowed.
    #[error("debt {debt} outstanding but nothing borrowed in the history")]
    DebtWithoutBorrowing {
        /// `totalDebtBase`.
        debt: u128,
    },
    /// Debt outstanding with a health factor of `uint256.max` (the pool reports that only without debt).
    #[error("infinite health factor with debt {debt} outstanding")]
    InfiniteHealthWithDebt {
        /// `totalDebtBase`.
        debt: u128,
    },
    /// Loan kinds beyond [`LOAN_KINDS`].
    #[error("{kinds} loan kinds, at most {LOAN_KINDS} exist")]
    LoanKinds {
        /// The count given.
        kinds: u32,
    },
    /// A loan kind used with no asset, or borrowing with no loan kind.
    #[error("credit mix of {assets} assets and {kinds} loan kinds does not fit the borrowing history")]
    Mix {
        /// Distinct assets.
        assets: u32,
        /// Loan kinds.
        kinds: u32,
    },
    /// A penalty outside [0, 20] (or not a number).
    #[error("anomaly penalty {0} outside [0, 20]")]
    Penalty(f64),
}

/// `getUserAccountData` of an Aave V3 pool, as the pool returns it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountData {
    /// `totalCollateralBase` (8 decimals).
    pub total_collateral_base: u128,
    /// `totalDebtBase` (8 decimals).
    pub total_debt_base: u128,
    /// `availableBorrowsBase` (8 decimals).
    pub available_borrows_base: u128,
    /// `currentLiquidationThreshold` (basis points).
    pub liquidation_threshold_bps: u32,
    /// `ltv` (basis points).
    pub ltv_bps: u32,
    /// `healthFactor` (1e18-scaled; `U256::MAX` without debt).
    pub health_factor_wad: U256,
}

impl AccountData {
    /// What a pool reports for a position of one collateral reserve (value `collateral_base`, LTV and
    /// liquidation threshold in bps) and `debt_base` of debt, by Aave V3's formulas with every division
    /// floored as the test pool does: available = `C·ltv/10⁴ − debt` (not below 0), health factor =
    /// `C·threshold/10⁴ · 10¹⁸ / debt` (`uint256.max` without debt).
    pub fn single_collateral(
        collateral_base: u128,
        debt_base: u128,
        ltv_bps: u32,
        liquidation_threshold_bps: u32,
    ) -> Self {
        let c = U256::from(collateral_base);
        let power = c * U256::from(ltv_bps) / U256::from(10_000);
        let health_factor_wad = if debt_base == 0 {
            U256::MAX
        } else {
            c * U256::from(liquidation_threshold_bps) / U256::from(10_000) * U256::from(1_000_000_000_000_000_000u64)
                / U256::from(debt_base)
        };
        Self {
            total_collateral_base: collateral_base,
            total_debt_base: debt_base,
            available_borrows_base: power.saturating_sub(U256::from(debt_base)).to::<u128>(),
            liquidation_threshold_bps,
            ltv_bps,
            health_factor_wad,
        }
    }
}

/// Risk parameters of a collateral reserve, in basis points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReserveParameters {
    /// Loan-to-value.
    pub ltv_bps: u32,
    /// Liquidation threshold.
    pub liquidation_threshold_bps: u32,
}

/// The collateral reserves of Aloe's generated accounts and test market: parameters in the range of Aave V3's
/// main-market listings (LTV 63–80.5 %, thresholds 3–14 points above), not a copy of any one day's.
pub const COLLATERAL_RESERVES: [ReserveParameters; 8] = [
    ReserveParameters { ltv_bps: 8_050, liquidation_threshold_bps: 8_300 },
    ReserveParameters { ltv_bps: 7_850, liquidation_threshold_bps: 8_100 },
    ReserveParameters { ltv_bps: 7_500, liquidation_threshold_bps: 7_800 },
    ReserveParameters { ltv_bps: 7_450, liquidation_threshold_bps: 7_700 },
    ReserveParameters { ltv_bps: 7_300, liquidation_threshold_bps: 7_800 },
    ReserveParameters { ltv_bps: 7_000, liquidation_threshold_bps: 7_500 },
    ReserveParameters { ltv_bps: 6_600, liquidation_threshold_bps: 7_300 },
    ReserveParameters { ltv_bps: 6_300, liquidation_threshold_bps: 7_700 },
];

/// The history of an address over the window `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct History {
    /// Transactions sent by the address in the window.
    pub transactions: u32,
    /// Window length in days (the same for every address scored together).
    pub window_days: u32,
    /// Days from the address's first lending action to the window's end.
    pub history_days: u32,
    /// Distinct assets supplied or borrowed.
    pub distinct_assets: u32,
    /// Distinct loan kinds used (see [`LOAN_KINDS`]).
    pub loan_kinds: u32,
    /// Total borrowed over the history (base units, 8 decimals).
    pub borrowed_base: u128,
    /// Total repaid over the history, interest included (base units, 8 decimals).
    pub repaid_base: u128,
}

/// One address's validated features. Construct with [`DefiFeatures::new`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DefiFeatures {
    account: AccountData,
    history: History,
}

impl DefiFeatures {
    /// Validate pool data and history together.
    pub fn new(account: AccountData, history: History) -> Result<Self, DefiError> {
        if history.window_days == 0 {
            return Err(DefiError::EmptyWindow);
        }
        if history.transactions == 0 {
            return Err(DefiError::NoHistory);
        }
        for (field, value) in [("ltv", account.ltv_bps), ("liquidation threshold", account.liquidation_threshold_bps)] {
            if value > 10_000 {
                return Err(DefiError::BasisPoints { field, value });
            }
        }
        if account.ltv_bps > account.liquidation_threshold_bps {
            return Err(DefiError::LtvAboveThreshold {
                ltv: account.ltv_bps,
                threshold: account.liquidation_threshold_bps,
            });
        }
        let debt = account.total_debt_base;
        if debt > 0 && history.borrowed_base == 0 {
            return Err(DefiError::DebtWithoutBorrowing { debt });
        }
        if debt > 0 && account.health_factor_wad == U256::MAX {
            return Err(DefiError::InfiniteHealthWithDebt { debt });
        }
        if history.loan_kinds > LOAN_KINDS {
            return Err(DefiError::LoanKinds { kinds: history.loan_kinds });
        }
        let borrowed = history.borrowed_base > 0;
        if (history.loan_kinds > 0 && history.distinct_assets == 0) || (borrowed && history.loan_kinds == 0) {
            return Err(DefiError::Mix { assets: history.distinct_assets, kinds: history.loan_kinds });
        }
        Ok(Self { account, history })
    }

    /// The pool data.
    pub fn account(&self) -> &AccountData {
        &self.account
    }

    /// The history.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// Transactions per day over the window.
    pub fn activity(&self) -> f64 {
        f64::from(self.history.transactions) / f64::from(self.history.window_days)
    }

    /// The health factor as a real number, capped at [`HEALTH_FACTOR_CAP`] (no debt reads as the cap).
    pub fn health_factor(&self) -> f64 {
        let cap = U256::from(HEALTH_FACTOR_CAP as u64) * U256::from(1_000_000_000_000_000_000u64);
        if self.account.health_factor_wad >= cap {
            return HEALTH_FACTOR_CAP;
        }
        // Below the cap the value fits in u128 (10·1e18 < 2^127).
        self.account.health_factor_wad.to::<u128>() as f64 / WAD
    }

    /// Repaid over settled borrowing, capped at 1 (interest can push repaid above borrowed); `None` if
    /// nothing borrowed is settled yet. Settled = borrowed − the pool's debt outstanding: a pool loan has
    /// no due date, so what is still owed is not yet a missed payment; what left the debt without being
    /// repaid (liquidated, or an Aloe loan's default) is.
    pub fn repayment_rate(&self) -> Option<f64> {
        let h = &self.history;
        let settled = h.borrowed_base.saturating_sub(self.account.total_debt_base);
        (settled > 0).then(|| (h.repaid_base as f64 / settled as f64).min(1.0))
    }

    /// Share of the borrowing power in use: `debt / (debt + availableBorrows)`; 0 without debt.
    pub fn utilisation(&self) -> f64 {
        let (d, a) = (self.account.total_debt_base as f64, self.account.available_borrows_base as f64);
        if d == 0.0 { 0.0 } else { d / (d + a) }
    }

    /// The autoencoder's inputs, before min-max normalisation. Money amounts and counts with long tails
    /// enter as `ln(1 + v)` so one whale does not squash everyone else into 0 after normalisation.
    pub fn model_inputs(&self) -> [f64; INPUTS] {
        let a = &self.account;
        let h = &self.history;
        [
            self.activity().ln_1p(),
            self.health_factor(),
            f64::from(a.ltv_bps) / 1e4,
            f64::from(a.liquidation_threshold_bps) / 1e4,
            (a.total_collateral_base as f64 / BASE_UNIT).ln_1p(),
            (a.available_borrows_base as f64 / BASE_UNIT).ln_1p(),
            f64::from(h.distinct_assets),
            f64::from(h.loan_kinds),
            self.repayment_rate().unwrap_or(1.0),
            f64::from(h.history_days).ln_1p(),
            self.utilisation(),
        ]
    }
}

/// The four components, each in [0, 1].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Components {
    /// Payment history.
    pub p: f64,
    /// Amount owed.
    pub a: f64,
    /// Length of history.
    pub l: f64,
    /// Credit mix.
    pub c: f64,
}

impl Components {
    /// The components of an address.
    ///
    /// - `P` = repayment rate (repaid / settled borrowing, capped at 1; see [`DefiFeatures::repayment_rate`]);
    ///   ½ if nothing borrowed is settled yet. Paying back what one borrowed is the on-chain analogue of
    ///   paying bills on time; no settled borrowing is no evidence either way, hence the middle.
    /// - `A` = ½·(1 − utilisation) + ½·clamp((HF − 1) / (2 − 1), 0, 1). FICO's "amounts owed" is
    ///   utilisation of available credit; on a pool the health factor adds the distance to liquidation
    ///   (HF ≤ 1 is liquidatable, HF ≥ 2 counts as safe).
    /// - `L` = min(1, ln(1 + days) / ln(1 + 730)): longer histories are more evidence, with diminishing
    ///   returns (the first months say the most), full after two years.
    /// - `C` = ½·min(assets, 4)/4 + ½·kinds/3: having managed several assets and several kinds of loan
    ///   is the analogue of a mix of cards, instalments and mortgages.
    pub fn of(f: &DefiFeatures) -> Self {
        let h = f.history();
        let p = f.repayment_rate().unwrap_or(0.5);
        let health = ((f.health_factor() - 1.0) / (SAFE_HEALTH_FACTOR - 1.0)).clamp(0.0, 1.0);
        let a = 0.5 * (1.0 - f.utilisation()) + 0.5 * health;
        let l = (f64::from(h.history_days).ln_1p() / FULL_HISTORY_DAYS.ln_1p()).min(1.0);
        let c = 0.5 * f64::from(h.distinct_assets.min(FULL_ASSETS)) / f64::from(FULL_ASSETS)
            + 0.5 * f64::from(h.loan_kinds) / f64::from(LOAN_KINDS);
        Self { p, a, l, c }
    }
}

/// The score with each contribution, as `aloe score defi` will print it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DefiScore {
    /// The components.
    pub components: Components,
    /// The anomaly penalty `X` in [0, 20].
    pub penalty: f64,
}

impl DefiScore {
    /// Combine components and a penalty (refused outside [0, 20]).
    pub fn new(components: Components, penalty: f64) -> Result<Self, DefiError> {
        if !(0.0..=MAX_PENALTY).contains(&penalty) {
            return Err(DefiError::Penalty(penalty));
        }
        Ok(Self { components, penalty })
    }

    /// Points from each component: `[38.5·P, 33.5·A, 16.5·L, 11.5·C]`.
    pub fn contributions(&self) -> [f64; 4] {
        let c = &self.components;
        [WEIGHT_P * c.p, WEIGHT_A * c.a, WEIGHT_L * c.l, WEIGHT_C * c.c]
    }

    /// `38.5·P + 33.5·A + 16.5·L + 11.5·C − X`, in [−20, 100].
    pub fn points(&self) -> f64 {
        self.contributions().iter().sum::<f64>() - self.penalty
    }

    /// The points mapped linearly from [−20, 100] onto the familiar 300–850 range (the whole range, so
    /// the map loses nothing: a flawless account scores 850, the worst anomalous one 300).
    pub fn fico_scale(&self) -> f64 {
        300.0 + 550.0 * (self.points() + MAX_PENALTY) / (100.0 + MAX_PENALTY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn account(debt: u128, available: u128, hf: U256) -> AccountData {
        AccountData {
            total_collateral_base: 10_000 * 100_000_000,
            total_debt_base: debt,
            available_borrows_base: available,
            liquidation_threshold_bps: 8_250,
            ltv_bps: 8_000,
            health_factor_wad: hf,
        }
    }

    fn history(days: u32, assets: u32, kinds: u32, borrowed: u128, repaid: u128) -> History {
        History {
            transactions: 40,
            window_days: 365,
            history_days: days,
            distinct_assets: assets,
            loan_kinds: kinds,
            borrowed_base: borrowed,
            repaid_base: repaid,
        }
    }

    fn wad(hf: f64) -> U256 {
        U256::from((hf * 1e6) as u64) * U256::from(1_000_000_000_000u64)
    }

    #[test]
    fn the_best_account_scores_100_and_850() {
        let f = DefiFeatures::new(account(0, 8_000, U256::MAX), history(730, 4, 3, 100, 100)).unwrap();
        let s = DefiScore::new(Components::of(&f), 0.0).unwrap();
        assert_eq!(Components::of(&f), Components { p: 1.0, a: 1.0, l: 1.0, c: 1.0 });
        assert!((s.points() - 100.0).abs() < 1e-9 && (s.fico_scale() - 850.0).abs() < 1e-9);
        let worst = DefiScore::new(Components { p: 0.0, a: 0.0, l: 0.0, c: 0.0 }, 20.0).unwrap();
        assert_eq!((worst.points(), worst.fico_scale()), (-20.0, 300.0));
    }

    #[test]
    fn no_borrowing_is_neutral_and_a_liquidatable_account_has_no_health_term() {
        let f = DefiFeatures::new(account(0, 8_000, U256::MAX), history(10, 1, 0, 0, 0)).unwrap();
        assert_eq!(Components::of(&f).p, 0.5);
        let f = DefiFeatures::new(account(8_000, 0, wad(0.9)), history(10, 1, 1, 8_000, 0)).unwrap();
        assert_eq!(Components::of(&f).a, 0.0);
    }

    #[test]
    fn invalid_data_is_refused_with_its_reason() {
        let ok_h = history(10, 1, 1, 100, 50);
        let mut a = account(100, 10, wad(1.5));
        a.ltv_bps = 9_000;
        assert_eq!(DefiFeatures::new(a, ok_h), Err(DefiError::LtvAboveThreshold { ltv: 9_000, threshold: 8_250 }));
        a.liquidation_threshold_bps = 10_001;
        assert!(matches!(DefiFeatures::new(a, ok_h), Err(DefiError::BasisPoints { value: 10_001, .. })));
        let a = account(100, 10, U256::MAX);
        assert_eq!(DefiFeatures::new(a, ok_h), Err(DefiError::InfiniteHealthWithDebt { debt: 100 }));
        let a = account(100, 10, wad(1.5));
        assert_eq!(DefiFeatures::new(a, history(10, 1, 1, 0, 0)), Err(DefiError::DebtWithoutBorrowing { debt: 100 }));
        assert_eq!(DefiFeatures::new(a, history(10, 1, 4, 100, 0)), Err(DefiError::LoanKinds { kinds: 4 }));
        assert_eq!(DefiFeatures::new(a, History { transactions: 0, ..ok_h }), Err(DefiError::NoHistory));
        assert_eq!(DefiFeatures::new(a, history(10, 0, 1, 100, 0)), Err(DefiError::Mix { assets: 0, kinds: 1 }));
        assert_eq!(DefiFeatures::new(a, history(10, 1, 0, 100, 0)), Err(DefiError::Mix { assets: 1, kinds: 0 }));
        assert_eq!(DefiFeatures::new(a, History { window_days: 0, ..ok_h }), Err(DefiError::EmptyWindow));
        let c = Components { p: 1.0, a: 1.0, l: 1.0, c: 1.0 };
        assert!(DefiScore::new(c, 20.5).is_err() && DefiScore::new(c, f64::NAN).is_err());
    }

    proptest! {
        #[test]
        fn components_stay_in_the_unit_interval_and_move_the_right_way(
            debt in 1u128..1_000_000, avail in 0u128..1_000_000, hf in 0.5f64..5.0, days in 0u32..5_000,
            assets in 1u32..10, kinds in 1u32..=3, borrowed in 1u128..1_000_000, repaid in 0u128..2_000_000,
            x in 0.0f64..=20.0,
        ) {
            let borrowed = borrowed.max(debt);
            let f = DefiFeatures::new(account(debt, avail, wad(hf)), history(days, assets, kinds, borrowed, repaid)).unwrap();
            let c = Components::of(&f);
            for v in [c.p, c.a, c.l, c.c] {
                prop_assert!((0.0..=1.0).contains(&v));
            }
            let s = DefiScore::new(c, x).unwrap();
            prop_assert!((300.0..=850.0).contains(&s.fico_scale()));
            // More debt against the same borrowing power, a lower health factor, a shorter history or
            // less repaid never raise a component.
            let more_debt = DefiFeatures::new(account(debt + 1, avail.saturating_sub(1), wad(hf)), history(days, assets, kinds, borrowed + 1, repaid)).unwrap();
            prop_assert!(Components::of(&more_debt).a <= c.a);
            let riskier = DefiFeatures::new(account(debt, avail, wad(hf * 0.9)), history(days, assets, kinds, borrowed, repaid)).unwrap();
            prop_assert!(Components::of(&riskier).a <= c.a);
            let longer = DefiFeatures::new(account(debt, avail, wad(hf)), history(days + 1, assets, kinds, borrowed, repaid)).unwrap();
            prop_assert!(Components::of(&longer).l >= c.l);
            let paid_more = DefiFeatures::new(account(debt, avail, wad(hf)), history(days, assets, kinds, borrowed, repaid + 1)).unwrap();
            prop_assert!(Components::of(&paid_more).p >= c.p);
            // A larger penalty lowers the score point for point.
            let less = DefiScore::new(c, (x - 1.0).max(0.0)).unwrap();
            prop_assert!(less.points() >= s.points());
        }
    }
}
