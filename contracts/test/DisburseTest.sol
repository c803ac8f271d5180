// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Loan} from "../src/Loan.sol";
import {Errors} from "../src/libraries/Errors.sol";
import {Events} from "../src/libraries/Events.sol";
import {BaseTest} from "./utils/BaseTest.sol";

/// @notice disburse (the paper's get$$$): each borrower takes exactly their principal, once, after funding.
contract DisburseTest is BaseTest {
    function _expectDisburseReverts(Loan loan, address borrower, bytes memory err) internal {
        bytes32 before = _stateHash();
        vm.expectRevert(err);
        vm.prank(borrower);
        loan.disburse();
        assertEq(_stateHash(), before, "state changed");
    }

    function testFuzz_disburse(bool inToken, uint256 lenderSeed, uint256 borrowerSeed, uint256 elapsed) public {
        Loan loan = inToken ? _tokenLoan() : _etherLoan();
        address asset = _asset(loan);
        _fund(loan, lenderSeed, borrowerSeed);
        // Disbursing late (but before the first installment's grace runs out: past it the borrower is in
        // default, see below) changes nothing about the amount.
        vm.warp(block.timestamp + bound(elapsed, 0, uint256(PERIOD) + GRACE - 1));
        uint256 a = loan.borrowerPosition(BORROWER_A).principal;
        uint256 b = TOTAL - a;

        vm.expectEmit(address(loan));
        emit Events.Disbursed(BORROWER_A, a);
        vm.prank(BORROWER_A);
        loan.disburse();
        assertEq(_balance(asset, BORROWER_A), a, "borrower A got the principal");
        assertEq(_balance(asset, address(loan)), b, "B's principal still held");
        assertTrue(loan.borrowerPosition(BORROWER_A).disbursed, "marked");

        if (b > 0) {
            vm.prank(BORROWER_B);
            loan.disburse();
            assertEq(_balance(asset, BORROWER_B), b, "borrower B got the principal");
        }
        assertEq(_balance(asset, address(loan)), 0, "everything lent out");
        _expectDisburseReverts(loan, BORROWER_A, abi.encodeWithSelector(Errors.AlreadyDisbursed.selector, BORROWER_A));
    }

    function testFuzz_disburse_revertsBeforeFunding(uint256 amount) public {
        // Both sides short of the total: not funded.
        Loan loan = _etherLoan();
        amount = bound(amount, 1, TOTAL - 1);
        _borrow(loan, BORROWER_A, amount);
        _invest(loan, LENDER_A, amount);
        _expectDisburseReverts(loan, BORROWER_A, abi.encodeWithSelector(Errors.NotFunded.selector));
    }

    function testFuzz_disburse_revertsWhenFailed(uint256 amount, uint256 late) public {
        Loan loan = _etherLoan();
        amount = bound(amount, 1, TOTAL - 1);
        _borrow(loan, BORROWER_A, amount);
        _invest(loan, LENDER_A, TOTAL);
        vm.warp(block.timestamp + FUND_WINDOW + bound(late, 1, 3650 days));
        _expectDisburseReverts(loan, BORROWER_A, abi.encodeWithSelector(Errors.NotFunded.selector));
    }

    function test_disburse_revertsForNonBorrower() public {
        Loan loan = _etherLoan();
        _fund(loan);
        _expectDisburseReverts(loan, LENDER_A, abi.encodeWithSelector(Errors.NoRequest.selector, LENDER_A));
        _expectDisburseReverts(loan, BORROWER_C, abi.encodeWithSelector(Errors.NoRequest.selector, BORROWER_C));
    }

    function test_disburse_refusedOnceInDefault() public {
        // The principal of a borrower already in default goes back to the lenders at the report; taking
        // it first (front-running the report) is refused.
        Loan loan = _etherLoan();
        _fund(loan);
        vm.warp(loan.fundedAt() + PERIOD + GRACE);
        assertTrue(loan.isInDefault(BORROWER_A, block.timestamp), "in default");
        bytes32 before = _stateHash();
        vm.expectRevert(abi.encodeWithSelector(Errors.InDefault.selector, BORROWER_A));
        vm.prank(BORROWER_A);
        loan.disburse();
        assertEq(_stateHash(), before, "state changed");
        bureau.reportDefault(address(loan), BORROWER_A);
        assertTrue(loan.borrowerPosition(BORROWER_A).reclaimed, "reclaimed for the lenders");
    }
}
