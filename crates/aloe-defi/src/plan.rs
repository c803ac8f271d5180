//! How one generated account becomes transactions on the test pool, so that reading it back through the
//! chain gives the features it was generated with.
//!
//! The account's collateral is one of the [`COLLATERAL_RESERVES`] (the one with its LTV and threshold),
//! listed at $1 with 18 decimals like the shared borrow-only reserves, so every amount is exact in base
//! units. In order:
//! 1. a first supply of its collateral `H` days before the window's end (`H` = history days);
//! 2. a dust supply of each further asset when it never borrowed (credit mix without borrowing);
//! 3. borrow-and-repay cycles of its past borrowing, each within its borrowing power, over the borrow
//!    assets (its own reserve when it uses one asset, else the shared ones) and its loan kinds in turn;
//! 4. what it never repaid of the past is liquidated (the pool's owner lowers its collateral reserve's
//!    parameters for the moment, a stand-in for the market move that makes a real position liquidatable),
//!    and the seized collateral is supplied back;
//! 5. the final borrow (its debt now);
//! 6. small collateral supplies that bring its own transactions in the window to the generated count.
//!
//! Accounts that cannot be played exactly are refused with the reason ([`Unplayable`]), never approximated.

use aloe_score::defi::{COLLATERAL_RESERVES, DAY, DefiFeatures, LOAN_KINDS, Window};

/// Shared borrow-only reserves (a generated account uses at most four assets: its own and three).
pub const SHARED_RESERVES: usize = 3;

/// A reserve from the account's point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reserve {
    /// Its collateral reserve.
    Own,
    /// A shared borrow-only reserve.
    Shared(usize),
}

/// Aave's interest rate modes, in the order a generated account takes them up.
pub const MODES: [aloe_contracts::aave::InterestRateMode; 2] =
    [aloe_contracts::aave::InterestRateMode::Variable, aloe_contracts::aave::InterestRateMode::Stable];

/// One transaction of the plan (amounts in base units, 8 decimals).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Supply to a reserve.
    Supply(Reserve, u128),
    /// Borrow from a reserve in mode `MODES[mode]`.
    Borrow(Reserve, u128, usize),
    /// Repay own debt.
    Repay(Reserve, u128, usize),
    /// A liquidator covers all the account's debt (not the account's own transaction).
    Liquidate,
    /// Supply back what the liquidation seized.
    TopUp,
    /// Withdraw from a reserve.
    Withdraw(Reserve, u128),
}

impl Action {
    /// Whether the account sends it (what counts as its activity).
    pub fn own(&self) -> bool {
        !matches!(self, Action::Liquidate)
    }
}

/// A planned transaction at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// Block timestamp.
    pub at: u64,
    /// What.
    pub action: Action,
}

/// Why an account cannot be played exactly on the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Unplayable {
    /// Its LTV and threshold are no collateral reserve's.
    #[error("its LTV and liquidation threshold are not a collateral reserve's")]
    Reserve,
    /// A withdrawal of its plan would leave it below health factor 1.
    #[error("its health factor is below 1, which a withdrawal cannot reach")]
    Health,
    /// It uses Aloe loans, which the pool cannot play.
    #[error("it uses Aloe loans (the test pool plays Aave loans only)")]
    AloeLoans,
    /// Its history is inside the window and needs more transactions than it has.
    #[error("its plan needs {needed} transactions in the window, it has {have}")]
    TooFewTransactions {
        /// Transactions the plan needs.
        needed: u32,
        /// Transactions generated.
        have: u32,
    },
    /// Its unrepaid debt is too small against its collateral to make it liquidatable, or too large for its borrowing power.
    #[error("its unrepaid past debt cannot be liquidated on the pool")]
    Liquidation,
    /// It borrowed but its borrowing power is too small to play the cycles.
    #[error("its borrowing power is too small for its borrowing")]
    Power,
}

/// Collateral supplies after the first are one base unit each (a cent is 10^6 units).
const DUST: u128 = 1;

/// Liquidation lowers the collateral's parameters to 1 bps, which makes the position liquidatable
/// (health factor below 0.95) only if the debt exceeds this share of the collateral (with margin).
const LIQUIDATABLE_SHARE: f64 = 1.2e-4;

/// The plan of `features` over `window`; `jitter` (< half a day) staggers accounts within a second.
pub fn plan(features: &DefiFeatures, window: Window, jitter: u64) -> Result<Vec<Step>, Unplayable> {
    let (a, h) = (features.account(), features.history());
    if h.loan_kinds >= LOAN_KINDS {
        return Err(Unplayable::AloeLoans);
    }
    if !COLLATERAL_RESERVES
        .iter()
        .any(|r| (r.ltv_bps, r.liquidation_threshold_bps) == (a.ltv_bps, a.liquidation_threshold_bps))
    {
        return Err(Unplayable::Reserve);
    }
    let collateral = a.total_collateral_base;
    let debt = a.total_debt_base;
    let past = h.borrowed_base - debt;
    let unrepaid = past.checked_sub(h.repaid_base).ok_or(Unplayable::Liquidation)?;
    let assets = h.distinct_assets.max(1) as usize;
    let kinds = h.loan_kinds as usize;
    let borrow_reserves: Vec<Reserve> =
        if assets == 1 { vec![Reserve::Own] } else { (0..assets - 1).map(Reserve::Shared).collect() };

    let mut structure = Vec::new();
    // Dust supplies of the other assets when borrowing will not touch them.
    if h.borrowed_base == 0 {
        structure.extend((0..assets - 1).map(|s| Action::Supply(Reserve::Shared(s), DUST)));
    }
    // Cycles: chunks within 90 % of the power left over the unrepaid part, enough of them to use every
    // borrow reserve and loan kind (together with the final borrow).
    let power = collateral * u128::from(a.ltv_bps) / 10_000;
    let final_borrows = usize::from(debt > 0);
    let mut cycles = 0usize;
    if past > 0 {
        let room = power.saturating_sub(unrepaid) * 9 / 10;
        if room == 0 {
            return Err(Unplayable::Power);
        }
        cycles = past.div_ceil(room) as usize;
    }
    let needed_borrows = borrow_reserves.len().max(kinds);
    if cycles + final_borrows < needed_borrows && h.borrowed_base > 0 {
        cycles = needed_borrows - final_borrows;
    }
    if cycles > 0 && past < cycles as u128 {
        return Err(Unplayable::Power);
    }
    // Repayments in proportion to the chunks, the rounding spread over the chunks with room.
    let chunks: Vec<u128> =
        (0..cycles).map(|j| past / cycles as u128 + u128::from(j == 0) * (past % cycles as u128)).collect();
    let mut shares: Vec<u128> = chunks.iter().map(|&c| h.repaid_base * c / past.max(1)).collect();
    let mut rest = h.repaid_base - shares.iter().sum::<u128>();
    for (share, &chunk) in shares.iter_mut().zip(&chunks) {
        let more = rest.min(chunk - *share);
        *share += more;
        rest -= more;
    }
    for (j, (&chunk, &share)) in chunks.iter().zip(&shares).enumerate() {
        let reserve = borrow_reserves[j % borrow_reserves.len()];
        let mode = j % kinds.max(1);
        structure.push(Action::Borrow(reserve, chunk, mode));
        if share > 0 {
            structure.push(Action::Repay(reserve, share, mode));
        }
    }
    if unrepaid > 0 {
        // Each debt reserve is liquidated in turn; each must stay liquidatable on its own.
        let mut owed = vec![0i128; borrow_reserves.len()];
        for action in &structure {
            match *action {
                Action::Borrow(r, v, _) => owed[reserve_index(&borrow_reserves, r)] += v as i128,
                Action::Repay(r, v, _) => owed[reserve_index(&borrow_reserves, r)] -= v as i128,
                _ => {}
            }
        }
        if owed.iter().any(|&o| o != 0 && (o as f64) < LIQUIDATABLE_SHARE * collateral as f64) {
            return Err(Unplayable::Liquidation);
        }
        structure.extend([Action::Liquidate, Action::TopUp]);
    }
    if debt > 0 {
        // The final borrow takes the loan kind and reserve the cycles have not, if any. A debt beyond 90 %
        // of the power (collateral flight) is borrowed against extra collateral, withdrawn right after.
        let j = cycles;
        let reserve = borrow_reserves[j % borrow_reserves.len()];
        let needed = (debt * 10_000 * 10 / 9).div_ceil(u128::from(a.ltv_bps));
        let extra = needed.saturating_sub(collateral);
        if extra > 0 && a.health_factor_wad < alloy_primitives::U256::from(1_000_000_000_000_000_000u64) {
            return Err(Unplayable::Health);
        }
        if extra > 0 {
            structure.push(Action::Supply(Reserve::Own, extra));
        }
        structure.push(Action::Borrow(reserve, debt, j % kinds.max(1)));
        if extra > 0 {
            structure.push(Action::Withdraw(Reserve::Own, extra));
        }
    }

    let own_structure = 1 + structure.iter().filter(|s| s.own()).count() as u32;
    let first = window.end()
        - u64::from(h.history_days) * DAY
        - if u64::from(h.history_days) * DAY == window.end() - window.start() { 0 } else { jitter };
    let before_window = first < window.start();
    // Transactions in the window beyond the structure's: collateral dust.
    let fillers = if before_window {
        h.transactions
    } else {
        h.transactions
            .checked_sub(own_structure)
            .ok_or(Unplayable::TooFewTransactions { needed: own_structure, have: h.transactions })?
    };
    let dust = u128::from(fillers) * DUST;
    if collateral <= dust {
        return Err(Unplayable::Power);
    }

    let mut actions = vec![Action::Supply(Reserve::Own, collateral - dust)];
    actions.extend(structure);
    let mut steps = Vec::with_capacity(actions.len() + fillers as usize);
    // Structure: evenly from the first supply to just before the window (or to the end, inside it).
    let structure_end = if before_window { window.start() } else { window.end() - (u64::from(fillers) + 1) };
    spread(&mut steps, &actions, first, structure_end);
    let fill_start = if before_window { window.start() } else { structure_end };
    spread(&mut steps, &vec![Action::Supply(Reserve::Own, DUST); fillers as usize], fill_start, window.end());
    Ok(steps)
}

fn reserve_index(reserves: &[Reserve], r: Reserve) -> usize {
    reserves.iter().position(|&x| x == r).expect("borrows use the plan's reserves")
}

/// `actions` at distinct seconds evenly over `[from, to)`.
fn spread(steps: &mut Vec<Step>, actions: &[Action], from: u64, to: u64) {
    let n = actions.len() as u64;
    let gap = (to.saturating_sub(from) / n.max(1)).max(1);
    steps.extend(actions.iter().enumerate().map(|(i, &action)| Step { at: from + i as u64 * gap, action }));
}
