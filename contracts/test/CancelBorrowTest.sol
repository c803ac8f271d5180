// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Loan} from "../src/Loan.sol";
import {ScoreLedger} from "../src/interfaces/ICreditBureau.sol";
import {Errors} from "../src/libraries/Errors.sol";
import {Events} from "../src/libraries/Events.sol";
import {BaseTest} from "./utils/BaseTest.sol";

/// @notice cancelBorrow: a request withdrawn before funding (or after the loan failed) leaves no trace.
contract CancelBorrowTest is BaseTest {
    function testFuzz_cancelBorrow_undoesTheRequest(uint256 other, uint256 amount, uint256 elapsed) public {
        Loan loan = _etherLoan();
        other = bound(other, 0, TOTAL - 1);
        if (other > 0) _borrow(loan, BORROWER_B, other);
        (, uint256 requestedBefore,, uint256 scheduledBefore) = loan.totals();
        ScoreLedger memory ledgerBefore = bureau.ledgerOf(BORROWER_A);

        amount = bound(amount, 1, TOTAL - other);
        _borrow(loan, BORROWER_A, amount);
        vm.warp(block.timestamp + bound(elapsed, 0, FUND_WINDOW));

        vm.expectEmit(address(loan));
        emit Events.BorrowCancelled(BORROWER_A, amount);
        vm.expectEmit(address(bureau));
        emit Events.ScoreBorrowCancelled(BORROWER_A, address(loan), amount);
        vm.prank(BORROWER_A);
        loan.cancelBorrow();

        (, uint256 requested,, uint256 scheduled) = loan.totals();
        assertEq(requested, requestedBefore, "requested restored");
        assertEq(scheduled, scheduledBefore, "scheduled restored");
        assertEq(loan.borrowerPosition(BORROWER_A).principal, 0, "request gone");
        ScoreLedger memory ledger = bureau.ledgerOf(BORROWER_A);
        assertEq(ledger.core.activeLoans, ledgerBefore.core.activeLoans, "active loans restored");
        assertEq(ledger.amounts.debt, ledgerBefore.amounts.debt, "debt restored");
        assertEq(ledger.amounts.paymentRate, ledgerBefore.amounts.paymentRate, "payment rate restored");

        // The borrower may ask again, for a different amount.
        _borrow(loan, BORROWER_A, TOTAL - other);
        assertEq(loan.borrowerPosition(BORROWER_A).principal, TOTAL - other, "new request");
    }

    function testFuzz_cancelBorrow_afterTheLoanFailed(uint256 amount, uint256 late) public {
        // A failed loan's requests lapse; cancelling clears them from the borrower's ledger.
        Loan loan = _etherLoan();
        amount = bound(amount, 1, TOTAL);
        _borrow(loan, BORROWER_A, amount);
        vm.warp(block.timestamp + FUND_WINDOW + bound(late, 1, 3650 days));
        assertTrue(loan.isFailed(), "failed");
        vm.prank(BORROWER_A);
        loan.cancelBorrow();
        assertEq(bureau.ledgerOf(BORROWER_A).core.activeLoans, 0, "ledger cleared");
        assertEq(bureau.ledgerOf(BORROWER_A).amounts.debt, 0, "ledger cleared");
    }

    function test_cancelBorrow_revertsWithoutRequest() public {
        Loan loan = _etherLoan();
        _borrow(loan, BORROWER_A, 1 ether);
        bytes32 before = _stateHash();
        vm.expectRevert(abi.encodeWithSelector(Errors.NoRequest.selector, BORROWER_B));
        vm.prank(BORROWER_B);
        loan.cancelBorrow();
        assertEq(_stateHash(), before, "state changed");
    }

    function testFuzz_cancelBorrow_revertsOnceFunded(uint256 lenderSeed, uint256 borrowerSeed) public {
        Loan loan = _etherLoan();
        _fund(loan, lenderSeed, borrowerSeed);
        bytes32 before = _stateHash();
        vm.expectRevert(Errors.AlreadyFunded.selector);
        vm.prank(BORROWER_A);
        loan.cancelBorrow();
        assertEq(_stateHash(), before, "state changed");
    }
}
