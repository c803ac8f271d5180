// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Loan} from "../src/Loan.sol";
import {Errors} from "../src/libraries/Errors.sol";
import {Events} from "../src/libraries/Events.sol";
import {LoanTerms} from "../src/libraries/LoanTerms.sol";
import {BaseTest} from "./utils/BaseTest.sol";
import {Reference} from "./utils/Reference.sol";

/// @notice sweepDust: the lenders' rounding dust goes to the creator once the pool is settled, so that
///         after everyone takes their due the loan holds not one base unit; a wrong lender list, an
///         unsettled pool or a second sweep of nothing reverts and changes nothing.
contract SweepDustTest is BaseTest {
    /// An odd total split three ways by odd amounts, so the pro-rata floors leave dust.
    uint96 internal constant ODD_TOTAL = 1_000_003;

    function _oddLoan(bool inToken) internal returns (Loan loan) {
        LoanTerms memory t = _defaultTerms(inToken ? address(token) : address(0));
        t.totalAmount = ODD_TOTAL;
        t.intRatePerMil = 7;
        t.numPayments = 3;
        loan = _createLoan(t);
        _invest(loan, LENDER_A, 333_331);
        _invest(loan, LENDER_B, 333_337);
        _invest(loan, LENDER_C, ODD_TOTAL - 333_331 - 333_337);
        _borrow(loan, BORROWER_A, 500_001);
        _borrow(loan, BORROWER_B, ODD_TOTAL - 500_001);
    }

    function _lenders() internal view returns (address[] memory sorted) {
        sorted = new address[](3);
        (sorted[0], sorted[1], sorted[2]) = (LENDER_A, LENDER_B, LENDER_C);
        for (uint256 i = 1; i < 3; ++i) {
            for (uint256 j = i; j > 0 && sorted[j - 1] > sorted[j]; --j) {
                (sorted[j - 1], sorted[j]) = (sorted[j], sorted[j - 1]);
            }
        }
    }

    function _pool(Loan loan) internal view returns (uint256) {
        (,, uint256 repaid, uint256 scheduled) = loan.totals();
        return repaid - Reference.fees(repaid, scheduled, ODD_TOTAL, FEE);
    }

    function _expectSweepRevert(Loan loan, address[] memory lenders, bytes memory err) internal {
        bytes32 before = _stateHash();
        vm.expectRevert(err);
        vm.prank(STRANGER);
        loan.sweepDust(lenders);
        assertEq(_stateHash(), before, "state changed");
    }

    function _takeAll(Loan loan) internal {
        address[3] memory all = [LENDER_A, LENDER_B, LENDER_C];
        for (uint256 i; i < 3; ++i) {
            uint256 amount = loan.withdrawable(all[i]);
            if (amount == 0) continue;
            vm.prank(all[i]);
            loan.withdraw(amount);
        }
        if (loan.feesWithdrawable() > 0) {
            vm.prank(CREATOR);
            loan.withdrawFees();
        }
    }

    function test_sweepDust_fullyRepaid_leavesNothing() public {
        for (uint256 k; k < 2; ++k) {
            Loan loan = _oddLoan(k == 1);
            address asset = _asset(loan);
            _pay(loan, BORROWER_A, loan.owed(BORROWER_A));
            _pay(loan, BORROWER_B, loan.owed(BORROWER_B));
            assertEq(loan.openBorrowers(), 0, "settled");

            uint256 pool = _pool(loan);
            uint256 expected = pool - Reference.share(pool, 333_331, ODD_TOTAL)
                - Reference.share(pool, 333_337, ODD_TOTAL) - Reference.share(pool, ODD_TOTAL - 666_668, ODD_TOTAL);
            assertTrue(expected > 0, "the fixture leaves dust");
            uint256 creatorBefore = _balance(asset, CREATOR);
            vm.expectEmit(address(loan));
            emit Events.DustSwept(CREATOR, expected);
            vm.prank(STRANGER);
            assertEq(loan.sweepDust(_lenders()), expected, "dust");
            assertEq(_balance(asset, CREATOR) - creatorBefore, expected, "creator received it");

            _takeAll(loan);
            assertEq(_balance(asset, address(loan)), 0, "not one unit left");
            _expectSweepRevert(loan, _lenders(), abi.encodeWithSelector(Errors.ZeroAmount.selector));
        }
    }

    function test_sweepDust_revertsWhileABorrowerIsOpen() public {
        Loan loan = _oddLoan(false);
        _expectSweepRevert(loan, _lenders(), abi.encodeWithSelector(Errors.NotSettled.selector));
        _pay(loan, BORROWER_A, loan.owed(BORROWER_A));
        _pay(loan, BORROWER_B, loan.owed(BORROWER_B) - 1);
        assertEq(loan.openBorrowers(), 1, "B still owes a unit");
        _expectSweepRevert(loan, _lenders(), abi.encodeWithSelector(Errors.NotSettled.selector));
    }

    function test_sweepDust_revertsOnAWrongLenderList() public {
        Loan loan = _oddLoan(false);
        _pay(loan, BORROWER_A, loan.owed(BORROWER_A));
        _pay(loan, BORROWER_B, loan.owed(BORROWER_B));
        address[] memory sorted = _lenders();

        address[] memory missing = new address[](2);
        (missing[0], missing[1]) = (sorted[0], sorted[1]);
        uint256 listed = loan.lenderPosition(sorted[0]).invested + loan.lenderPosition(sorted[1]).invested;
        _expectSweepRevert(
            loan, missing, abi.encodeWithSelector(Errors.LendersIncomplete.selector, listed, ODD_TOTAL)
        );

        address[] memory twice = new address[](4);
        (twice[0], twice[1], twice[2], twice[3]) = (sorted[0], sorted[1], sorted[1], sorted[2]);
        _expectSweepRevert(loan, twice, abi.encodeWithSelector(Errors.LendersNotAscending.selector, sorted[1]));

        address[] memory reversed = new address[](3);
        (reversed[0], reversed[1], reversed[2]) = (sorted[2], sorted[1], sorted[0]);
        _expectSweepRevert(loan, reversed, abi.encodeWithSelector(Errors.LendersNotAscending.selector, sorted[1]));

        // A stranger with nothing invested adds nothing to the sum, and cannot make up a missing lender.
        address[] memory padded = new address[](3);
        (padded[0], padded[1], padded[2]) = (sorted[0], sorted[1], STRANGER);
        if (STRANGER > sorted[1]) {
            _expectSweepRevert(
                loan, padded, abi.encodeWithSelector(Errors.LendersIncomplete.selector, listed, ODD_TOTAL)
            );
        }
    }

    function test_sweepDust_revertsBeforeFundingAndAfterFailure() public {
        LoanTerms memory t = _defaultTerms(address(0));
        t.totalAmount = ODD_TOTAL;
        Loan loan = _createLoan(t);
        _invest(loan, LENDER_A, ODD_TOTAL);
        address[] memory one = new address[](1);
        one[0] = LENDER_A;
        _expectSweepRevert(loan, one, abi.encodeWithSelector(Errors.NotSettled.selector));
        vm.warp(block.timestamp + FUND_WINDOW + 1);
        _expectSweepRevert(loan, one, abi.encodeWithSelector(Errors.NotSettled.selector));
    }

    /// A default settles the pool: the dust is swept, then the defaulter repays after all; that second
    /// part's dust waits until every schedule is repaid, and in the end the loan is empty.
    function test_sweepDust_afterDefaultAndRecovery() public {
        Loan loan = _oddLoan(true);
        address asset = _asset(loan);
        _pay(loan, BORROWER_A, loan.owed(BORROWER_A));
        vm.prank(BORROWER_B);
        loan.disburse();
        vm.warp(loan.fundedAt() + PERIOD + GRACE);
        bureau.reportDefault(address(loan), BORROWER_B);
        assertEq(loan.openBorrowers(), 0, "settled by the default");

        uint256 first = loan.sweepDust(_lenders());
        _takeAll(loan);
        assertEq(_balance(asset, address(loan)), 0, "nothing left after the first sweep");

        _pay(loan, BORROWER_B, loan.owed(BORROWER_B) / 3);
        _expectSweepRevert(loan, _lenders(), abi.encodeWithSelector(Errors.NotSettled.selector));
        _takeAll(loan);
        _pay(loan, BORROWER_B, loan.owed(BORROWER_B));
        uint256 second;
        try loan.sweepDust(_lenders()) returns (uint256 dust) {
            second = dust;
        } catch (bytes memory reason) {
            assertEq(bytes4(reason), Errors.ZeroAmount.selector, "only for want of dust");
        }
        _takeAll(loan);
        assertEq(_balance(asset, address(loan)), 0, "not one unit left");
        assertEq(loan.dustSwept(), first + second, "dust recorded");
    }
}
