// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Loan} from "../src/Loan.sol";
import {ScoreLedger} from "../src/interfaces/ICreditBureau.sol";
import {Errors} from "../src/libraries/Errors.sol";
import {Events} from "../src/libraries/Events.sol";
import {BaseTest} from "./utils/BaseTest.sol";

/// @notice makePayment: any amount up to what is owed, the ledger's record of it, every refusal.
contract MakePaymentTest is BaseTest {
    function _fundedLoan(bool inToken) internal returns (Loan loan) {
        loan = inToken ? _tokenLoan() : _etherLoan();
        _fund(loan);
        vm.prank(BORROWER_A);
        loan.disburse();
    }

    function _expectPayReverts(Loan loan, address borrower, uint256 amount, uint256 value, bytes memory err) internal {
        bytes32 before = _stateHash();
        vm.expectRevert(err);
        vm.prank(borrower);
        loan.makePayment{value: value}(amount);
        assertEq(_stateHash(), before, "state changed");
    }

    function testFuzz_makePayment(bool inToken, uint256 first, uint256 second, uint256 elapsed) public {
        Loan loan = _fundedLoan(inToken);
        address asset = _asset(loan);
        uint256 owed = loan.owed(BORROWER_A);
        first = bound(first, 1, owed);
        vm.warp(block.timestamp + bound(elapsed, 0, 2 * NUM_PAYMENTS * uint256(PERIOD)));
        _give(loan, BORROWER_A, first);
        uint256 loanBefore = _balance(asset, address(loan));
        uint256 value = _value(loan, first);

        vm.expectEmit(address(loan));
        emit Events.PaymentMade(BORROWER_A, first, first);
        vm.expectEmit(address(bureau));
        emit Events.ScoreRepaymentUpdated(BORROWER_A, address(loan), first);
        vm.prank(BORROWER_A);
        loan.makePayment{value: value}(first);

        assertEq(_balance(asset, address(loan)), loanBefore + first, "loan received");
        assertEq(loan.borrowerPosition(BORROWER_A).paid, first, "paid");
        assertEq(loan.owed(BORROWER_A), owed - first, "owed");
        (,, uint256 repaid,) = loan.totals();
        assertEq(repaid, first, "total repaid");
        ScoreLedger memory ledger = bureau.ledgerOf(BORROWER_A);
        assertEq(ledger.totals.repaid, first, "ledger repaid");
        assertEq(ledger.core.activeLoans, first == owed ? 0 : 1, "settled exactly when paid in full");

        if (first == owed) return;
        second = bound(second, 1, owed - first);
        _pay(loan, BORROWER_A, second);
        assertEq(loan.borrowerPosition(BORROWER_A).paid, first + second, "paid twice");
        assertEq(bureau.ledgerOf(BORROWER_A).core.activeLoans, first + second == owed ? 0 : 1, "settled");
    }

    function testFuzz_makePayment_installmentsRepayEverything(bool inToken) public {
        Loan loan = _fundedLoan(inToken);
        uint256 installment = loan.installmentOf(BORROWER_A);
        uint256 start = loan.fundedAt();
        for (uint256 k = 1; k <= NUM_PAYMENTS; ++k) {
            vm.warp(start + k * PERIOD);
            _pay(loan, BORROWER_A, installment);
            assertEq(loan.arrears(BORROWER_A, block.timestamp), 0, "on schedule");
        }
        assertEq(loan.owed(BORROWER_A), 0, "repaid");
        assertEq(bureau.ledgerOf(BORROWER_A).core.activeLoans, 0, "settled");
        _give(loan, BORROWER_A, 1);
        _expectPayReverts(
            loan, BORROWER_A, 1, _value(loan, 1), abi.encodeWithSelector(Errors.PaymentExceedsOwed.selector, 1, 0)
        );
    }

    function testFuzz_makePayment_revertsOnOverpayment(bool inToken, uint256 paid, uint256 amount) public {
        Loan loan = _fundedLoan(inToken);
        uint256 owed = loan.owed(BORROWER_A);
        paid = bound(paid, 0, owed);
        if (paid > 0) _pay(loan, BORROWER_A, paid);
        amount = bound(amount, owed - paid + 1, 4 * uint256(TOTAL));
        _give(loan, BORROWER_A, amount);
        _expectPayReverts(
            loan,
            BORROWER_A,
            amount,
            _value(loan, amount),
            abi.encodeWithSelector(Errors.PaymentExceedsOwed.selector, amount, owed - paid)
        );
    }

    function test_makePayment_revertsOnZeroAmount() public {
        Loan loan = _fundedLoan(false);
        _expectPayReverts(loan, BORROWER_A, 0, 0, abi.encodeWithSelector(Errors.ZeroAmount.selector));
    }

    function testFuzz_makePayment_ether_revertsOnWrongValue(uint256 amount, uint256 value) public {
        Loan loan = _fundedLoan(false);
        amount = bound(amount, 1, loan.owed(BORROWER_A));
        value = bound(value, 0, 4 * uint256(TOTAL));
        vm.assume(value != amount);
        vm.deal(BORROWER_A, value);
        _expectPayReverts(
            loan, BORROWER_A, amount, value, abi.encodeWithSelector(Errors.WrongEtherValue.selector, value, amount)
        );
    }

    function testFuzz_makePayment_token_revertsOnEther(uint256 amount, uint256 value) public {
        Loan loan = _fundedLoan(true);
        amount = bound(amount, 1, loan.owed(BORROWER_A));
        value = bound(value, 1, TOTAL);
        _give(loan, BORROWER_A, amount);
        vm.deal(BORROWER_A, value);
        _expectPayReverts(
            loan, BORROWER_A, amount, value, abi.encodeWithSelector(Errors.WrongEtherValue.selector, value, 0)
        );
    }

    function testFuzz_makePayment_revertsBeforeFunding(uint256 amount) public {
        Loan loan = _etherLoan();
        _borrow(loan, BORROWER_A, TOTAL);
        amount = bound(amount, 1, TOTAL);
        vm.deal(BORROWER_A, amount);
        _expectPayReverts(loan, BORROWER_A, amount, amount, abi.encodeWithSelector(Errors.NotFunded.selector));
    }

    function testFuzz_makePayment_revertsForNonBorrower(uint256 amount) public {
        Loan loan = _fundedLoan(false);
        amount = bound(amount, 1, TOTAL);
        vm.deal(BORROWER_C, amount);
        _expectPayReverts(
            loan, BORROWER_C, amount, amount, abi.encodeWithSelector(Errors.NoRequest.selector, BORROWER_C)
        );
    }

    function testFuzz_makePayment_revertsBeforeDisbursement(uint256 amount) public {
        // BORROWER_B's principal still sits in the loan: paying it back before taking it is refused.
        Loan loan = _fundedLoan(false);
        amount = bound(amount, 1, loan.owed(BORROWER_B));
        vm.deal(BORROWER_B, amount);
        _expectPayReverts(
            loan, BORROWER_B, amount, amount, abi.encodeWithSelector(Errors.NotDisbursed.selector, BORROWER_B)
        );
    }
}
