// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Loan} from "../src/Loan.sol";
import {Errors} from "../src/libraries/Errors.sol";
import {Events} from "../src/libraries/Events.sol";
import {LoanTerms} from "../src/libraries/LoanTerms.sol";
import {BaseTest} from "./utils/BaseTest.sol";
import {Reference} from "./utils/Reference.sol";

/// @notice withdrawFees: the creator's cut of the interest repaid, never more, never twice.
///         Calls by anyone but the creator are in AccessMatrixTest.
contract WithdrawFeesTest is BaseTest {
    function _loanWithFee(bool inToken, uint256 feePerMil) internal returns (Loan loan) {
        LoanTerms memory t = _defaultTerms(inToken ? address(token) : address(0));
        t.creatorFeePerMil = uint16(feePerMil);
        loan = _createLoan(t);
        _fund(loan);
        vm.prank(BORROWER_A);
        loan.disburse();
    }

    function _expectNoFees(Loan loan) internal {
        bytes32 before = _stateHash();
        vm.expectRevert(Errors.ZeroAmount.selector);
        vm.prank(CREATOR);
        loan.withdrawFees();
        assertEq(_stateHash(), before, "state changed");
    }

    function testFuzz_withdrawFees(bool inToken, uint256 fee, uint256[3] memory payments) public {
        fee = bound(fee, 0, 1000);
        Loan loan = _loanWithFee(inToken, fee);
        address asset = _asset(loan);
        (,,, uint256 scheduled) = loan.totals();
        uint256 taken;
        uint256 repaid;
        // Fees accrue with each payment; taking them in between never takes a unit twice.
        for (uint256 i; i < payments.length; ++i) {
            uint256 owed = loan.owed(BORROWER_A);
            if (owed == 0) break;
            uint256 amount = bound(payments[i], 1, owed);
            _pay(loan, BORROWER_A, amount);
            repaid += amount;
            uint256 expected = Reference.fees(repaid, scheduled, TOTAL, fee) - taken;
            assertEq(loan.feesWithdrawable(), expected, "fees accrued");
            if (expected == 0) {
                _expectNoFees(loan);
                continue;
            }
            vm.expectEmit(address(loan));
            emit Events.FeesWithdrawn(CREATOR, expected);
            vm.prank(CREATOR);
            loan.withdrawFees();
            taken += expected;
            assertEq(_balance(asset, CREATOR), taken, "creator paid");
            _expectNoFees(loan);
        }
        // The fee never exceeds its rate on the interest share of what was repaid.
        assertLe(taken * scheduled * 1000, repaid * (scheduled - TOTAL) * fee, "fee bounded by its rate");
    }

    function testFuzz_withdrawFees_zeroFeeNeverPays(uint256 amount) public {
        Loan loan = _loanWithFee(false, 0);
        amount = bound(amount, 1, loan.owed(BORROWER_A));
        _pay(loan, BORROWER_A, amount);
        assertEq(loan.feesWithdrawable(), 0, "no fee");
        _expectNoFees(loan);
    }

    function test_withdrawFees_fullFeeLeavesLendersThePrincipal() public {
        // At 1000 per mil the creator takes all the interest: once everything is repaid the lenders'
        // pool is exactly the principal.
        Loan loan = _loanWithFee(false, 1000);
        vm.prank(BORROWER_B);
        loan.disburse();
        _pay(loan, BORROWER_A, loan.owed(BORROWER_A));
        _pay(loan, BORROWER_B, loan.owed(BORROWER_B));
        (,, uint256 repaid, uint256 scheduled) = loan.totals();
        assertEq(loan.feesWithdrawable(), scheduled - TOTAL, "all the interest");
        assertEq(repaid - loan.feesWithdrawable(), TOTAL, "lenders' pool is the principal");
    }

    /// Regression: with requests short of the total the interest term underflowed, so feesWithdrawable()
    /// and withdrawFees() panicked before funding and forever after a failed funding.
    function testFuzz_withdrawFees_beforeFundingAndAfterFailure(uint256 requested, uint256 late) public {
        Loan loan = _etherLoan();
        requested = bound(requested, 1, TOTAL - 1);
        _borrow(loan, BORROWER_A, requested);
        _invest(loan, LENDER_A, TOTAL);
        assertEq(loan.feesWithdrawable(), 0, "open: no fees");
        _expectNoFees(loan);

        vm.warp(block.timestamp + FUND_WINDOW + bound(late, 1, 3650 days));
        assertTrue(loan.isFailed(), "failed");
        assertEq(loan.feesWithdrawable(), 0, "failed: no fees");
        _expectNoFees(loan);
    }
}
