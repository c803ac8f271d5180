// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Loan} from "../src/Loan.sol";
import {ScoreLedger} from "../src/interfaces/ICreditBureau.sol";
import {Errors} from "../src/libraries/Errors.sol";
import {Events} from "../src/libraries/Events.sol";
import {LoanTerms} from "../src/libraries/LoanTerms.sol";
import {BaseTest} from "./utils/BaseTest.sol";

/// @notice borrow: the request, its schedule, the ledger update, the funding moment, every refusal.
contract BorrowTest is BaseTest {
    function _expectBorrowReverts(Loan loan, address borrower, uint256 amount, bytes memory err) internal {
        bytes32 before = _stateHash();
        vm.expectRevert(err);
        vm.prank(borrower);
        loan.borrow(amount);
        assertEq(_stateHash(), before, "state changed");
    }

    function testFuzz_borrow(bool inToken, uint256 amount, uint256 elapsed) public {
        Loan loan = inToken ? _tokenLoan() : _etherLoan();
        amount = bound(amount, 1, TOTAL);
        vm.warp(block.timestamp + bound(elapsed, 0, FUND_WINDOW));
        uint256 installment = bureau.quoteInstallment(amount, RATE, NUM_PAYMENTS);

        vm.expectEmit(address(loan));
        emit Events.BorrowRequested(BORROWER_A, amount, installment, amount);
        vm.expectEmit(address(bureau));
        emit Events.ScoreBorrowUpdated(BORROWER_A, address(loan), amount);
        _borrow(loan, BORROWER_A, amount);

        assertEq(loan.borrowerPosition(BORROWER_A).principal, amount, "principal");
        assertEq(loan.installmentOf(BORROWER_A), installment, "installment");
        assertEq(loan.owed(BORROWER_A), installment * NUM_PAYMENTS, "owed");
        (, uint256 requested,, uint256 scheduled) = loan.totals();
        assertEq(requested, amount, "requested");
        assertEq(scheduled, installment * NUM_PAYMENTS, "scheduled total");
        assertEq(loan.availableToBorrow(), TOTAL - amount, "available");
        // Nothing moves before funding: no asset, no schedule.
        assertEq(_balance(_asset(loan), BORROWER_A), 0, "no funds yet");
        assertEq(loan.amountDue(BORROWER_A, type(uint40).max), 0, "nothing due before funding");

        ScoreLedger memory ledger = bureau.ledgerOf(BORROWER_A);
        assertEq(ledger.core.activeLoans, 1, "active loans");
        assertEq(ledger.amounts.debt, installment * NUM_PAYMENTS, "debt: the scheduled total");
        assertEq(ledger.amounts.paymentRate, installment * 1 days / PERIOD, "payment per day");
        assertEq(ledger.core.firstLoanAt, block.timestamp, "history starts");
        assertEq(ledger.core.lastUpdate, block.timestamp, "last update");
    }

    function testFuzz_borrow_lastRequestFundsTheLoan(uint256 split) public {
        Loan loan = _etherLoan();
        _invest(loan, LENDER_A, TOTAL);
        uint256 first = bound(split, 1, TOTAL - 1);
        _borrow(loan, BORROWER_A, first);
        vm.expectEmit(address(loan));
        emit Events.Funded(uint40(block.timestamp));
        _borrow(loan, BORROWER_B, TOTAL - first);
        assertEq(loan.fundedAt(), block.timestamp, "funded now");
        (, uint256 requested,, uint256 scheduled) = loan.totals();
        assertEq(requested, TOTAL, "fully requested");
        assertEq(
            scheduled,
            NUM_PAYMENTS * (loan.installmentOf(BORROWER_A) + loan.installmentOf(BORROWER_B)),
            "scheduled is the sum of both schedules"
        );
    }

    function testFuzz_borrow_inSeveralLoans(uint256 a, uint256 b) public {
        a = bound(a, 1, TOTAL);
        b = bound(b, 1, TOTAL);
        _borrow(_etherLoan(), BORROWER_C, a);
        _borrow(_tokenLoan(), BORROWER_C, b);
        ScoreLedger memory ledger = bureau.ledgerOf(BORROWER_C);
        assertEq(ledger.core.activeLoans, 2, "two active loans");
        uint256 scheduledA = bureau.quoteInstallment(a, RATE, NUM_PAYMENTS) * NUM_PAYMENTS;
        uint256 scheduledB = bureau.quoteInstallment(b, RATE, NUM_PAYMENTS) * NUM_PAYMENTS;
        assertEq(ledger.amounts.debt, scheduledA + scheduledB, "both requests");
    }

    function test_borrow_revertsOnZeroAmount() public {
        _expectBorrowReverts(_etherLoan(), BORROWER_A, 0, abi.encodeWithSelector(Errors.ZeroAmount.selector));
    }

    function testFuzz_borrow_revertsOnSecondRequest(uint256 first, uint256 second) public {
        Loan loan = _etherLoan();
        first = bound(first, 1, TOTAL - 1);
        second = bound(second, 1, TOTAL - first);
        _borrow(loan, BORROWER_A, first);
        _expectBorrowReverts(
            loan, BORROWER_A, second, abi.encodeWithSelector(Errors.AlreadyRequested.selector, BORROWER_A)
        );
    }

    function testFuzz_borrow_revertsOnOverRequest(uint256 first, uint256 second) public {
        Loan loan = _etherLoan();
        first = bound(first, 0, TOTAL);
        if (first > 0) _borrow(loan, BORROWER_A, first);
        second = bound(second, TOTAL - first + 1, type(uint256).max);
        _expectBorrowReverts(
            loan, BORROWER_B, second, abi.encodeWithSelector(Errors.OverRequest.selector, second, TOTAL - first)
        );
    }

    function testFuzz_borrow_revertsBelowMinimumScore(uint256 minScore, uint256 amount) public {
        LoanTerms memory t = _defaultTerms(address(0));
        t.minCreditScore = uint16(bound(minScore, FICO_B + 1, 1000));
        Loan loan = _createLoan(t);
        amount = bound(amount, 1, TOTAL);
        _expectBorrowReverts(
            loan,
            BORROWER_B,
            amount,
            abi.encodeWithSelector(Errors.ScoreBelowMinimum.selector, FICO_B, t.minCreditScore)
        );
    }

    function test_borrow_atExactlyMinimumScore() public {
        LoanTerms memory t = _defaultTerms(address(0));
        t.minCreditScore = FICO_B;
        _borrow(_createLoan(t), BORROWER_B, 1 ether);
    }

    function testFuzz_borrow_revertsForUnregistered(uint256 amount) public {
        Loan loan = _etherLoan();
        amount = bound(amount, 1, TOTAL);
        _expectBorrowReverts(loan, STRANGER, amount, abi.encodeWithSelector(Errors.NotRegistered.selector, STRANGER));
    }

    function testFuzz_borrow_revertsOnceFunded(uint256 amount) public {
        Loan loan = _etherLoan();
        _fund(loan);
        amount = bound(amount, 1, TOTAL);
        _expectBorrowReverts(loan, BORROWER_C, amount, abi.encodeWithSelector(Errors.FundingClosed.selector));
    }

    function testFuzz_borrow_revertsAfterFundDate(uint256 amount, uint256 late) public {
        Loan loan = _etherLoan();
        amount = bound(amount, 1, TOTAL);
        vm.warp(block.timestamp + FUND_WINDOW + bound(late, 1, 3650 days));
        _expectBorrowReverts(loan, BORROWER_A, amount, abi.encodeWithSelector(Errors.FundingClosed.selector));
    }

    function test_borrow_refusesASeventhActiveLoan() public {
        for (uint256 i; i < 6; ++i) _borrow(_etherLoan(), BORROWER_A, 1 ether);
        assertEq(bureau.ledgerOf(BORROWER_A).core.activeLoans, 6, "six at once");
        Loan seventh = _etherLoan();
        _expectBorrowReverts(seventh, BORROWER_A, 1 ether, abi.encodeWithSelector(Errors.TooManyActiveLoans.selector, 6));
        // Withdrawing one request frees a place.
        Loan first = loans[0];
        vm.prank(BORROWER_A);
        first.cancelBorrow();
        _borrow(seventh, BORROWER_A, 1 ether);
        assertEq(bureau.ledgerOf(BORROWER_A).core.activeLoans, 6, "six again");
    }
}
