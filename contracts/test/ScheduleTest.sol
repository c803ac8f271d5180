// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {Loan} from "../src/Loan.sol";
import {Errors} from "../src/libraries/Errors.sol";
import {LoanTerms} from "../src/libraries/LoanTerms.sol";
import {BaseTest} from "./utils/BaseTest.sol";
import {Reference} from "./utils/Reference.sol";

/// @notice The schedule: installment (quoteInstallment / installmentOf), amountDue and arrears, against
///         the plain references in Reference.sol, over tiny to 2^96 amounts and 1 to 1200 payments.
contract ScheduleTest is BaseTest {
    /// A funded loan with one borrower (BORROWER_A) owing the whole of `t.totalAmount`.
    function _singleBorrowerLoan(LoanTerms memory t) internal returns (Loan loan) {
        t = _boundTerms(t);
        t.asset = address(0);
        t.minCreditScore = 0;
        loan = _createLoan(t);
        _borrow(loan, BORROWER_A, t.totalAmount);
        _invest(loan, LENDER_A, t.totalAmount);
    }

    function testFuzz_amountDue_matchesReference(LoanTerms memory t, uint256 elapsed, uint256 before) public {
        Loan loan = _singleBorrowerLoan(t);
        (, t) = loan.terms();
        uint256 start = loan.fundedAt();
        uint256 installment = loan.installmentOf(BORROWER_A);
        elapsed = bound(elapsed, 0, (uint256(t.numPayments) + 2) * t.secondsBetweenPayments);
        assertEq(
            loan.amountDue(BORROWER_A, start + elapsed),
            Reference.amountDue(installment, t.numPayments, t.secondsBetweenPayments, elapsed),
            "amountDue"
        );
        assertEq(loan.amountDue(BORROWER_A, bound(before, 0, start - 1)), 0, "nothing due before funding");
        assertEq(loan.amountDue(BORROWER_C, start + elapsed), 0, "nothing due from a non-borrower");
    }

    function testFuzz_arrears_matchesReference(LoanTerms memory t, uint256 paid, uint256 elapsed) public {
        Loan loan = _singleBorrowerLoan(t);
        (, t) = loan.terms();
        uint256 installment = loan.installmentOf(BORROWER_A);
        paid = bound(paid, 0, loan.owed(BORROWER_A));
        if (paid > 0) _pay(loan, BORROWER_A, paid);
        elapsed = bound(elapsed, 0, (uint256(t.numPayments) + 2) * t.secondsBetweenPayments);
        uint256 due = Reference.amountDue(installment, t.numPayments, t.secondsBetweenPayments, elapsed);
        assertEq(loan.arrears(BORROWER_A, loan.fundedAt() + elapsed), due > paid ? due - paid : 0, "arrears");
        assertEq(loan.owed(BORROWER_A), installment * t.numPayments - paid, "owed");
    }

    function testFuzz_installmentOf_isTheQuote(LoanTerms memory t) public {
        Loan loan = _singleBorrowerLoan(t);
        (, t) = loan.terms();
        assertEq(
            loan.installmentOf(BORROWER_A),
            bureau.quoteInstallment(t.totalAmount, t.intRatePerMil, t.numPayments),
            "installment"
        );
        (,,, uint256 scheduled) = loan.totals();
        assertEq(scheduled, loan.installmentOf(BORROWER_A) * t.numPayments, "scheduled total");
    }

    /// Checks `installment` against the exact annuity: never below it (lenders' favour), and above it
    /// by at most 4 units plus one part in 1e18.
    function _assertNearExactAnnuity(uint256 principal, uint256 rate, uint256 n, uint256 installment) internal pure {
        assertGe(installment * n, principal, "principal covered");
        if (rate == 0) {
            assertEq(installment, Math.ceilDiv(principal, n), "interest-free: principal / n rounded up");
            return;
        }
        // Interest rounded down can only help the borrower, so a balance <= 0 proves installment >= exact.
        int256 balance = Reference.balanceAfter(principal, rate, n, int256(installment));
        assertTrue(balance <= 0, "installment below the exact annuity");
        // Less the tolerance, the installment must leave something unpaid even with interest rounded down.
        int256 tolerance = int256(installment / 1e18 + 4);
        assertTrue(
            Reference.balanceAfter(principal, rate, n, int256(installment) - tolerance) > 0,
            "installment above the exact annuity"
        );
    }

    function testFuzz_quoteInstallment_isTheExactAnnuityRoundedUp(uint256 principal, uint256 rate, uint256 n)
        public
        view
    {
        principal = bound(principal, 1, type(uint96).max);
        rate = bound(rate, 0, 1000);
        n = bound(n, 1, 1200);
        _assertNearExactAnnuity(principal, rate, n, bureau.quoteInstallment(principal, rate, n));
    }

    function test_quoteInstallment_extremes() public view {
        uint256[4] memory principals = [uint256(1), 1000, 1e27, type(uint96).max];
        uint256[4] memory counts = [uint256(1), 12, 360, 1200];
        uint256[4] memory rates = [uint256(0), 1, 10, 1000];
        for (uint256 i; i < 4; ++i) {
            for (uint256 j; j < 4; ++j) {
                for (uint256 k; k < 4; ++k) {
                    uint256 installment = bureau.quoteInstallment(principals[i], rates[k], counts[j]);
                    _assertNearExactAnnuity(principals[i], rates[k], counts[j], installment);
                }
            }
        }
    }

    function testFuzz_quoteInstallment_revertsOnInvalidInput(uint256 principal, uint256 rate, uint256 n) public {
        vm.expectRevert(Errors.ZeroAmount.selector);
        bureau.quoteInstallment(0, 10, 12);

        principal = bound(principal, uint256(type(uint96).max) + 1, type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(Errors.AmountTooLarge.selector, principal));
        bureau.quoteInstallment(principal, 10, 12);

        rate = bound(rate, 1001, type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(Errors.InterestRateTooHigh.selector, rate));
        bureau.quoteInstallment(1 ether, rate, 12);

        n = n % 2 == 0 ? 0 : bound(n, 1201, type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(Errors.InvalidNumPayments.selector, n));
        bureau.quoteInstallment(1 ether, 10, n);
    }
}
