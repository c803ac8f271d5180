// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @notice Plain reference arithmetic for the loan's schedule and split, written for clarity, not gas.
library Reference {
    /// The creator's fee on `repaid`: its interest share (interest / scheduled) times the fee rate, rounded down.
    function fees(uint256 repaid, uint256 scheduled, uint256 total, uint256 feePerMil) internal pure returns (uint256) {
        if (repaid == 0) return 0;
        uint256 interest = scheduled - total;
        return repaid * interest * feePerMil / (scheduled * 1000);
    }

    /// A lender's share of the lenders' pool, pro rata to their investment, rounded down.
    function share(uint256 pool, uint256 invested, uint256 total) internal pure returns (uint256) {
        return pool * invested / total;
    }

    /// A lender's share once dust was swept at pool `poolAtSweep`: the parts before and after it, each pro rata
    /// and rounded down on its own.
    function shareSplit(uint256 pool, uint256 poolAtSweep, uint256 invested, uint256 total)
        internal
        pure
        returns (uint256)
    {
        return share(poolAtSweep, invested, total) + share(pool - poolAtSweep, invested, total);
    }

    /// What falls due by `elapsed` seconds after funding: installment k (k = 1..n) falls due at k * period.
    function amountDue(uint256 installment, uint256 n, uint256 period, uint256 elapsed)
        internal
        pure
        returns (uint256 due)
    {
        for (uint256 k = 1; k <= n && k * period <= elapsed; ++k) due += installment;
    }

    /// Amortises `principal` at `ratePerMil` per period with `n` payments of `payment`, interest rounded
    /// down (so never above the exact balance); the balance after the last payment, or early once its
    /// sign is decided: <= 0 stays <= 0, and with interest, above 1000 * (payment + 1) it only grows.
    function balanceAfter(uint256 principal, uint256 ratePerMil, uint256 n, int256 payment)
        internal
        pure
        returns (int256 b)
    {
        b = int256(principal);
        int256 ceiling = 1000 * (payment + 1);
        for (uint256 k; k < n; ++k) {
            b = b * int256(1000 + ratePerMil) / 1000 - payment;
            if (b <= 0 || (ratePerMil > 0 && b > ceiling)) return b;
        }
    }
}
