//! A seeded population of Aave-style accounts for evaluating the DeFi anomaly penalty: no labelled
//! real data is reachable here, so normal behaviour is drawn from stated distributions and anomalies
//! of four named kinds are injected by rewriting a normal draft. What this can show: whether a
//! detector fitted on normal accounts separates these particular departures. What it cannot: how
//! often they occur on a real chain, or how real fraud looks.
//!
//! Normal account (window of [`WINDOW_DAYS`] days; `U` uniform in [0, 1), `N` standard normal):
//! collateral `exp(ln 5000 + N)` dollars in one of the [`COLLATERAL_RESERVES`] (uniformly; its LTV and
//! liquidation threshold are the account's, as a pool reports for a single collateral);
//! utilisation of borrowing power 0 with probability 0.2, `0.6 + 0.25U` (leveraged but healthy) with
//! probability 0.1, else `0.05 + 0.55U`; history `exp(U(ln 30, ln 1500))` days; activity
//! `exp(ln 0.08 + 0.8N)` transactions per day; 1–4 assets,
//! 1–2 loan kinds (a third, Aloe's loans, with probability 0.1); past borrowing `2U` times the
//! borrowing power, of which `0.9 + 0.1U` was repaid.

use aloe_score::defi::{AccountData, COLLATERAL_RESERVES, DefiFeatures, History};

use crate::rng::SplitMix64;

/// Length of the fixed activity window, in days.
pub const WINDOW_DAYS: u32 = 365;

/// The injected anomalies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AnomalyKind {
    /// Borrowing power used to 80–97 % in a burst of 1.5–4× the usual activity (health factor near 1).
    SuddenLeverage,
    /// Borrow-and-repay loops: 3–10× the activity, 4–12 times the borrowing power borrowed and 98–100 %
    /// repaid, one asset and one loan kind, under 10 % utilisation: volume farmed to look like a good payer.
    WashBorrowing,
    /// One of many fresh linked addresses: 3–30 days old, 3–15 transactions, small collateral
    /// (`exp(ln 1000 + 0.7N)` dollars) borrowed to 50–80 %, one asset, one kind, no past loans.
    FreshLinked,
    /// Collateral withdrawn ahead of default: collateral cut until the health factor is 1.01–1.4,
    /// 60–90 % of past borrowing repaid.
    CollateralFlight,
}

impl AnomalyKind {
    /// All kinds, in report order.
    pub const ALL: [AnomalyKind; 4] =
        [Self::SuddenLeverage, Self::WashBorrowing, Self::FreshLinked, Self::CollateralFlight];

    /// A short name for tables.
    pub fn name(self) -> &'static str {
        match self {
            Self::SuddenLeverage => "sudden leverage",
            Self::WashBorrowing => "wash borrowing",
            Self::FreshLinked => "fresh linked addresses",
            Self::CollateralFlight => "collateral flight",
        }
    }
}

/// A generated account and its label (`None` = normal).
#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    /// The features.
    pub features: DefiFeatures,
    /// The injected anomaly, if any.
    pub anomaly: Option<AnomalyKind>,
}

/// An account in real numbers before it is rounded into pool units.
struct Draft {
    collateral: f64,
    ltv: f64,
    threshold: f64,
    utilisation: f64,
    history_days: f64,
    activity: f64,
    assets: u32,
    kinds: u32,
    past_borrowed: f64,
    past_repaid_share: f64,
}

fn normal(rng: &mut SplitMix64) -> f64 {
    // Box–Muller; 1 − U lies in (0, 1] so the logarithm is finite.
    (-2.0 * (1.0 - rng.next_f64()).ln()).sqrt() * (std::f64::consts::TAU * rng.next_f64()).cos()
}

fn between(rng: &mut SplitMix64, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * rng.next_f64()
}

fn normal_draft(rng: &mut SplitMix64) -> Draft {
    let collateral = (5000f64.ln() + normal(rng)).exp();
    let reserve = COLLATERAL_RESERVES[rng.below(COLLATERAL_RESERVES.len())];
    let (ltv, threshold) = (f64::from(reserve.ltv_bps) / 1e4, f64::from(reserve.liquidation_threshold_bps) / 1e4);
    let segment = rng.next_f64();
    let utilisation = match segment {
        s if s < 0.2 => 0.0,
        s if s < 0.3 => between(rng, 0.60, 0.85),
        _ => between(rng, 0.05, 0.60),
    };
    Draft {
        collateral,
        ltv,
        threshold,
        utilisation,
        history_days: between(rng, 30f64.ln(), 1500f64.ln()).exp(),
        activity: (0.08f64.ln() + 0.8 * normal(rng)).exp(),
        assets: 1 + rng.below(4) as u32,
        kinds: 1 + rng.below(2) as u32 + u32::from(rng.next_f64() < 0.1),
        past_borrowed: collateral * ltv * between(rng, 0.0, 2.0),
        past_repaid_share: between(rng, 0.9, 1.0),
    }
}

fn inject(d: &mut Draft, kind: AnomalyKind, rng: &mut SplitMix64) {
    match kind {
        AnomalyKind::SuddenLeverage => {
            d.utilisation = between(rng, 0.80, 0.97);
            d.activity *= between(rng, 1.5, 4.0);
        }
        AnomalyKind::WashBorrowing => {
            d.activity *= between(rng, 3.0, 10.0);
            d.past_borrowed = d.collateral * d.ltv * between(rng, 4.0, 12.0);
            d.past_repaid_share = between(rng, 0.98, 1.0);
            d.utilisation = between(rng, 0.0, 0.1);
            (d.assets, d.kinds) = (1, 1);
        }
        AnomalyKind::FreshLinked => {
            d.history_days = between(rng, 3.0, 30.0);
            d.activity = between(rng, 3.0, 15.0) / f64::from(WINDOW_DAYS);
            d.collateral = (1000f64.ln() + 0.7 * normal(rng)).exp();
            d.utilisation = between(rng, 0.5, 0.8);
            (d.assets, d.kinds, d.past_borrowed) = (1, 1, 0.0);
        }
        AnomalyKind::CollateralFlight => {
            let debt = d.collateral * d.ltv * d.utilisation.max(0.3);
            let health = between(rng, 1.01, 1.4);
            d.collateral = health * debt / d.threshold;
            d.utilisation = debt / (d.collateral * d.ltv);
            d.past_repaid_share = between(rng, 0.6, 0.9);
        }
    }
}

/// Round a draft into pool units and validate it (generated drafts always validate).
fn features(d: &Draft) -> DefiFeatures {
    let base = |usd: f64| (usd * 1e8).round() as u128;
    let debt_base = base(d.collateral * d.ltv * d.utilisation);
    let account = AccountData::single_collateral(
        base(d.collateral),
        debt_base,
        (d.ltv * 1e4).round() as u32,
        (d.threshold * 1e4).round() as u32,
    );
    let borrowed_base = base(d.past_borrowed) + debt_base;
    let history = History {
        transactions: ((d.activity * f64::from(WINDOW_DAYS)).round() as u32).max(1),
        window_days: WINDOW_DAYS,
        history_days: d.history_days.round() as u32,
        distinct_assets: d.assets,
        // A loan kind is used by borrowing under it: an account that never borrowed has none.
        loan_kinds: if borrowed_base == 0 { 0 } else { d.kinds },
        borrowed_base,
        repaid_base: base(d.past_borrowed * d.past_repaid_share),
    };
    DefiFeatures::new(account, history).expect("generated accounts are valid")
}

/// `n` accounts from `seed`, each anomalous with probability `anomaly_share`, of a kind drawn uniformly.
pub fn population(n: usize, anomaly_share: f64, seed: u64) -> Vec<Account> {
    let mut rng = SplitMix64::new(seed);
    (0..n)
        .map(|_| {
            let mut draft = normal_draft(&mut rng);
            let anomaly = (rng.next_f64() < anomaly_share).then(|| AnomalyKind::ALL[rng.below(4)]);
            if let Some(kind) = anomaly {
                inject(&mut draft, kind, &mut rng);
            }
            Account { features: features(&draft), anomaly }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_population_is_seeded_and_has_every_kind() {
        let a = population(400, 0.3, 9);
        assert_eq!(a, population(400, 0.3, 9));
        assert_ne!(a, population(400, 0.3, 10));
        for kind in AnomalyKind::ALL {
            assert!(a.iter().any(|x| x.anomaly == Some(kind)), "{}", kind.name());
        }
        let leveraged = a.iter().filter(|x| x.anomaly == Some(AnomalyKind::CollateralFlight));
        assert!(leveraged.into_iter().all(|x| x.features.health_factor() < 1.45));
    }
}
