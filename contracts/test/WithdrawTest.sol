// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Loan} from "../src/Loan.sol";
import {Errors} from "../src/libraries/Errors.sol";
import {Events} from "../src/libraries/Events.sol";
import {LoanTerms} from "../src/libraries/LoanTerms.sol";
import {BaseTest} from "./utils/BaseTest.sol";
import {Reference} from "./utils/Reference.sol";

/// @notice withdraw: a lender's pro-rata share of repayments after funding, a full refund after failure,
///         nothing while the loan is open, never more than entitled.
contract WithdrawTest is BaseTest {
    function _expectWithdrawReverts(Loan loan, address lender, uint256 amount, bytes memory err) internal {
        bytes32 before = _stateHash();
        vm.expectRevert(err);
        vm.prank(lender);
        loan.withdraw(amount);
        assertEq(_stateHash(), before, "state changed");
    }

    /// Funded, both principals disbursed, and the borrowers paid the given amounts (bounded to what they owe).
    function _repaidLoan(bool inToken, uint256 lenderSeed, uint256 borrowerSeed, uint256 paidA, uint256 paidB)
        internal
        returns (Loan loan, uint256 repaid)
    {
        loan = inToken ? _tokenLoan() : _etherLoan();
        _fund(loan, lenderSeed, borrowerSeed);
        vm.prank(BORROWER_A);
        loan.disburse();
        paidA = bound(paidA, 1, loan.owed(BORROWER_A));
        _pay(loan, BORROWER_A, paidA);
        repaid = paidA;
        if (loan.borrowerPosition(BORROWER_B).principal > 0) {
            paidB = bound(paidB, 0, loan.owed(BORROWER_B));
            if (paidB > 0) _pay(loan, BORROWER_B, paidB);
            repaid += paidB;
        }
    }

    function _pool(Loan loan, uint256 repaid) internal view returns (uint256) {
        (,,, uint256 scheduled) = loan.totals();
        return repaid - Reference.fees(repaid, scheduled, TOTAL, FEE);
    }

    function testFuzz_withdraw_shareOfRepayments(
        bool inToken,
        uint256 lenderSeed,
        uint256 borrowerSeed,
        uint256 paidA,
        uint256 paidB
    ) public {
        (Loan loan, uint256 repaid) = _repaidLoan(inToken, lenderSeed, borrowerSeed, paidA, paidB);
        address asset = _asset(loan);
        uint256 pool = _pool(loan, repaid);
        uint256 shareA = Reference.share(pool, loan.lenderPosition(LENDER_A).invested, TOTAL);
        uint256 shareB = Reference.share(pool, loan.lenderPosition(LENDER_B).invested, TOTAL);
        assertEq(loan.withdrawable(LENDER_A), shareA, "A's share");
        assertEq(loan.withdrawable(LENDER_B), shareB, "B's share");
        // Two lenders leave at most one unit of rounding dust in the pool.
        assertLe(shareA + shareB, pool, "shares within the pool");
        assertLe(pool - shareA - shareB, 1, "dust");

        if (shareA > 0) {
            uint256 before = _balance(asset, LENDER_A);
            vm.expectEmit(address(loan));
            emit Events.Withdrawn(LENDER_A, shareA, false);
            vm.prank(LENDER_A);
            loan.withdraw(shareA);
            assertEq(_balance(asset, LENDER_A), before + shareA, "A paid");
        }
        assertEq(loan.withdrawable(LENDER_A), 0, "A drained");
        assertEq(loan.lenderPosition(LENDER_A).withdrawn, shareA, "A's withdrawn");
        _expectWithdrawReverts(
            loan, LENDER_A, 1, abi.encodeWithSelector(Errors.WithdrawalExceedsAvailable.selector, 1, 0)
        );
    }

    function testFuzz_withdraw_inParts(uint256 paid, uint256 part, uint256 more) public {
        (Loan loan,) = _repaidLoan(false, TOTAL / 2, TOTAL, paid, 0);
        uint256 available = loan.withdrawable(LENDER_A);
        vm.assume(available > 0);
        part = bound(part, 1, available);
        vm.prank(LENDER_A);
        loan.withdraw(part);
        assertEq(loan.withdrawable(LENDER_A), available - part, "rest still available");

        // A later payment adds the lender's share of it to what remains.
        uint256 owed = loan.owed(BORROWER_A);
        vm.assume(owed > 0);
        more = bound(more, 1, owed);
        _pay(loan, BORROWER_A, more);
        (,, uint256 repaid,) = loan.totals();
        uint256 share = Reference.share(_pool(loan, repaid), loan.lenderPosition(LENDER_A).invested, TOTAL);
        assertEq(loan.withdrawable(LENDER_A), share - part, "share of everything, less what was taken");
    }

    function testFuzz_withdraw_revertsAboveAvailable(uint256 paid, uint256 amount) public {
        (Loan loan,) = _repaidLoan(true, TOTAL / 3, TOTAL, paid, 0);
        uint256 available = loan.withdrawable(LENDER_B);
        amount = bound(amount, available + 1, type(uint128).max);
        _expectWithdrawReverts(
            loan, LENDER_B, amount, abi.encodeWithSelector(Errors.WithdrawalExceedsAvailable.selector, amount, available)
        );
    }

    function testFuzz_withdraw_refundWhenFailed(bool inToken, uint256 a, uint256 b, uint256 late, uint256 part)
        public
    {
        Loan loan = inToken ? _tokenLoan() : _etherLoan();
        address asset = _asset(loan);
        a = bound(a, 1, TOTAL);
        b = bound(b, 0, TOTAL - a);
        _invest(loan, LENDER_A, a);
        if (b > 0) _invest(loan, LENDER_B, b);
        // Requests short of the total: the loan cannot fund, and fails at its fund date.
        _borrow(loan, BORROWER_A, TOTAL - 1);
        vm.warp(block.timestamp + FUND_WINDOW + bound(late, 1, 3650 days));
        assertTrue(loan.isFailed(), "failed");
        assertEq(loan.withdrawable(LENDER_A), a, "A's refund");
        assertEq(loan.withdrawable(LENDER_B), b, "B's refund");

        part = bound(part, 1, a);
        vm.expectEmit(address(loan));
        emit Events.Withdrawn(LENDER_A, part, true);
        vm.prank(LENDER_A);
        loan.withdraw(part);
        assertEq(loan.withdrawable(LENDER_A), a - part, "rest of the refund");
        _expectWithdrawReverts(
            loan,
            LENDER_A,
            a - part + 1,
            abi.encodeWithSelector(Errors.WithdrawalExceedsAvailable.selector, a - part + 1, a - part)
        );

        if (a > part) {
            vm.prank(LENDER_A);
            loan.withdraw(a - part);
        }
        if (b > 0) {
            vm.prank(LENDER_B);
            loan.withdraw(b);
        }
        assertEq(_balance(asset, LENDER_A), a, "A whole again");
        assertEq(_balance(asset, LENDER_B), b, "B whole again");
        assertEq(_balance(asset, address(loan)), 0, "nothing left behind");
    }

    function testFuzz_withdraw_revertsWhileOpen(uint256 invested, uint256 amount, uint256 elapsed) public {
        Loan loan = _etherLoan();
        invested = bound(invested, 1, TOTAL);
        _invest(loan, LENDER_A, invested);
        // Up to and including the fund date the loan may still fund: no refunds yet.
        vm.warp(block.timestamp + bound(elapsed, 0, FUND_WINDOW));
        amount = bound(amount, 1, invested);
        _expectWithdrawReverts(
            loan, LENDER_A, amount, abi.encodeWithSelector(Errors.WithdrawalExceedsAvailable.selector, amount, 0)
        );
    }

    function test_withdraw_revertsOnZeroAmount() public {
        (Loan loan,) = _repaidLoan(false, TOTAL / 2, TOTAL / 2, TOTAL, TOTAL);
        _expectWithdrawReverts(loan, LENDER_A, 0, abi.encodeWithSelector(Errors.ZeroAmount.selector));
    }

    /// End to end: every party takes all it may, and at most one unit of dust per lender but one stays.
    function testFuzz_withdraw_fullRepaymentLeavesOnlyDust(
        bool inToken,
        LoanTerms memory t,
        uint256 lenderSeed,
        uint256 borrowerSeed
    ) public {
        t = _boundTerms(t);
        t.asset = inToken ? address(token) : address(0);
        t.totalAmount = uint96(bound(t.totalAmount, 3, 1e27));
        t.numPayments = uint16(bound(t.numPayments, 1, 24));
        t.minCreditScore = 0;
        Loan loan = _createLoan(t);
        uint256 a = bound(lenderSeed, 1, t.totalAmount - 2);
        uint256 b = bound(lenderSeed >> 128, 1, t.totalAmount - a - 1);
        _invest(loan, LENDER_A, a);
        _invest(loan, LENDER_B, b);
        _invest(loan, LENDER_C, t.totalAmount - a - b);
        _requestAll(loan, borrowerSeed);
        address[2] memory borrowers = [BORROWER_A, BORROWER_B];
        for (uint256 i; i < 2; ++i) {
            uint256 owed = loan.owed(borrowers[i]);
            if (owed == 0) continue;
            vm.prank(borrowers[i]);
            loan.disburse();
            _pay(loan, borrowers[i], owed);
        }
        address[3] memory lenders = [LENDER_A, LENDER_B, LENDER_C];
        for (uint256 i; i < 3; ++i) {
            uint256 amount = loan.withdrawable(lenders[i]);
            // Interest is never negative: each lender gets at least their investment back.
            assertGe(amount, loan.lenderPosition(lenders[i]).invested, "principal back");
            vm.prank(lenders[i]);
            loan.withdraw(amount);
        }
        if (loan.feesWithdrawable() > 0) {
            vm.prank(CREATOR);
            loan.withdrawFees();
        }
        assertLe(_balance(t.asset, address(loan)), 2, "only rounding dust stays");
    }
}
