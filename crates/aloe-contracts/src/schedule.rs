//! The amortisation math in plain Rust: the reference the contracts' `ScheduleMath` is tested against.
//!
//! Same algorithm, same rounding: the installment on principal `P` at `m` per mil for `n` periods is
//! `ceil(P·m·RAY / (1000·(RAY − d)))` where `d = (ceil(1000·RAY / (1000 + m)))^n` in ray fixed point,
//! every product rounded up, so `d` is never below the exact discount factor and the installment is
//! never below the exact annuity.

use alloy_primitives::U256;

const RAY: U256 = U256::from_limbs([11515845246265065472, 54210108, 0, 0]); // 1e27
const PER_MIL: u64 = 1000;

fn ceil_div(a: U256, b: U256) -> U256 {
    a.div_ceil(b)
}

/// `x^n` in ray fixed point, every product rounded up.
pub fn rpow_up(mut x: U256, mut n: u64) -> U256 {
    let mut z = RAY;
    while n > 0 {
        if n & 1 == 1 {
            z = ceil_div(z * x, RAY);
        }
        n >>= 1;
        if n > 0 {
            x = ceil_div(x * x, RAY);
        }
    }
    z
}

/// The level installment per period, rounded up (the lenders' favour).
pub fn installment_up(principal: U256, int_rate_per_mil: u64, num_payments: u64) -> U256 {
    if int_rate_per_mil == 0 {
        return ceil_div(principal, U256::from(num_payments));
    }
    let per_period = ceil_div(U256::from(PER_MIL) * RAY, U256::from(PER_MIL + int_rate_per_mil));
    let discount = rpow_up(per_period, num_payments);
    let numerator =
        alloy_primitives::U512::from(principal * U256::from(int_rate_per_mil)) * alloy_primitives::U512::from(RAY);
    let denominator = alloy_primitives::U512::from(U256::from(PER_MIL) * (RAY - discount));
    U256::from(numerator.div_ceil(denominator))
}

/// What the schedule says should be paid `elapsed` seconds after funding.
pub fn amount_due(installment: U256, num_payments: u64, seconds_between_payments: u64, elapsed: u64) -> U256 {
    installment * U256::from((elapsed / seconds_between_payments).min(num_payments))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ray_is_1e27() {
        assert_eq!(RAY, U256::from(10u64).pow(U256::from(27)));
    }

    #[test]
    fn zero_rate_splits_principal_evenly_rounding_up() {
        assert_eq!(installment_up(U256::from(10), 0, 3), U256::from(4));
        assert_eq!(installment_up(U256::from(9), 0, 3), U256::from(3));
    }

    #[test]
    fn one_payment_is_principal_plus_one_period_of_interest() {
        // 1000 at 10% for one period: 1100 exactly (the discount 1/1.1 rounds up, so allow +1).
        let i = installment_up(U256::from(1000), 100, 1);
        assert!(i == U256::from(1100) || i == U256::from(1101), "{i}");
    }

    #[test]
    fn textbook_annuity() {
        // 100,000.00 (in cents) at 1% per month for 360 months: 1,028.61 per month, rounded up a cent.
        let i = installment_up(U256::from(10_000_000u64), 10, 360);
        assert_eq!(i, U256::from(102_862u64));
    }
}
