// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title ScheduleMath
/// @notice Level-payment amortisation, rounded in the lenders' favour.
/// @dev With r = intRatePerMil / 1000 per period and n periods, the installment is
///      P * r / (1 - (1 + r)^-n). The discount factor (1 + r)^-n is computed in ray (1e27) fixed point
///      and rounded *up* at every step, which can only raise the installment: borrowers never pay less
///      than the exact annuity, and pay at most a few wei more (see the Rust reference's property tests).
library ScheduleMath {
    uint256 internal constant RAY = 1e27;
    uint256 internal constant PER_MIL = 1000;

    /// @notice The installment owed each period on `principal` (rounded up).
    function installmentUp(uint256 principal, uint256 intRatePerMil, uint256 numPayments)
        internal
        pure
        returns (uint256)
    {
        if (intRatePerMil == 0) return Math.ceilDiv(principal, numPayments);
        // discount = (1000 / (1000 + m))^n >= the exact value, and < RAY since m > 0, n >= 1.
        uint256 perPeriodDiscount = Math.ceilDiv(PER_MIL * RAY, PER_MIL + intRatePerMil);
        uint256 discount = rpowUp(perPeriodDiscount, numPayments);
        return Math.mulDiv(principal * intRatePerMil, RAY, PER_MIL * (RAY - discount), Math.Rounding.Ceil);
    }

    /// @notice What the schedule says should have been paid by `elapsed` seconds after funding.
    /// @dev The k-th installment falls due k periods after funding, for k = 1..numPayments.
    function amountDue(uint256 installment, uint256 numPayments, uint256 secondsBetweenPayments, uint256 elapsed)
        internal
        pure
        returns (uint256)
    {
        return installment * Math.min(elapsed / secondsBetweenPayments, numPayments);
    }

    /// @notice `x^n` in ray fixed point, each product rounded up; `x <= RAY`, so `z * x <= 1e54` never overflows.
    function rpowUp(uint256 x, uint256 n) internal pure returns (uint256 z) {
        z = RAY;
        while (n > 0) {
            if (n & 1 == 1) z = Math.ceilDiv(z * x, RAY);
            n >>= 1;
            if (n > 0) x = Math.ceilDiv(x * x, RAY);
        }
    }
}
