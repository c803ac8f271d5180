// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Loan} from "../src/Loan.sol";
import {Errors} from "../src/libraries/Errors.sol";
import {Events} from "../src/libraries/Events.sol";
import {LoanTerms} from "../src/libraries/LoanTerms.sol";
import {BaseTest} from "./utils/BaseTest.sol";

/// @notice reportDefault / isInDefault: a full installment of arrears lasting the whole grace period is a
///         default; anything less (or a borrower who caught up) is not, and a false report reverts.
contract ReportDefaultTest is BaseTest {
    Loan internal loan;
    uint256 internal start;
    uint256 internal installment;

    function setUp() public override {
        super.setUp();
        loan = _etherLoan();
        _fund(loan, TOTAL / 2, TOTAL); // BORROWER_A owes everything
        vm.prank(BORROWER_A);
        loan.disburse();
        start = loan.fundedAt();
        installment = loan.installmentOf(BORROWER_A);
    }

    /// The k-th due date (k = 1..NUM_PAYMENTS).
    function _due(uint256 k) internal view returns (uint256) {
        return start + k * PERIOD;
    }

    function _expectFalseReport(Loan l, address borrower, bytes memory err) internal {
        bytes32 before = _stateHash();
        vm.expectRevert(err);
        vm.prank(STRANGER);
        bureau.reportDefault(address(l), borrower);
        assertEq(_stateHash(), before, "state changed");
    }

    function test_reportDefault_afterOneInstallmentPastGrace() public {
        vm.warp(_due(1) + GRACE - 1);
        assertEq(loan.isInDefault(BORROWER_A, block.timestamp), false, "still within grace");
        _expectFalseReport(loan, BORROWER_A, abi.encodeWithSelector(Errors.NotInDefault.selector, BORROWER_A));

        vm.warp(_due(1) + GRACE);
        assertTrue(loan.isInDefault(BORROWER_A, block.timestamp), "grace over");
        vm.expectEmit(address(loan));
        emit Events.DefaultMarked(BORROWER_A, installment);
        vm.expectEmit(address(bureau));
        emit Events.DefaultConfirmed(address(loan), BORROWER_A, STRANGER, installment);
        vm.prank(STRANGER);
        bureau.reportDefault(address(loan), BORROWER_A);

        assertEq(bureau.ledgerOf(BORROWER_A).core.defaults, 1, "ledger counts it");
        assertTrue(loan.borrowerPosition(BORROWER_A).defaulted, "loan marks it");
        _expectFalseReport(loan, BORROWER_A, abi.encodeWithSelector(Errors.AlreadyDefaulted.selector, BORROWER_A));

        // A defaulted borrower can still pay, and the lenders still get their share of it.
        _pay(loan, BORROWER_A, loan.owed(BORROWER_A));
        assertEq(loan.owed(BORROWER_A), 0, "repaid after default");
    }

    /// A borrower who never took the principal defaults like anyone else; the principal, which would
    /// otherwise stay in the loan for good, repays their debt and goes to the lenders.
    function testFuzz_reportDefault_reclaimsUndisbursedPrincipal(bool inToken, uint256 split) public {
        Loan l = inToken ? _tokenLoan() : _etherLoan();
        _fund(l, TOTAL / 3, bound(split, 1, TOTAL - 1e6)); // B borrows the rest: enough to share out
        uint256 principal = l.borrowerPosition(BORROWER_B).principal;
        uint256 ledgerRepaid = bureau.ledgerOf(BORROWER_B).totals.repaid;
        vm.warp(l.fundedAt() + PERIOD + GRACE);

        vm.expectEmit(address(l));
        emit Events.PrincipalReclaimed(BORROWER_B, principal);
        bureau.reportDefault(address(l), BORROWER_B);

        assertTrue(l.borrowerPosition(BORROWER_B).disbursed, "no longer held for them");
        assertEq(l.borrowerPosition(BORROWER_B).paid, principal, "counts as their payment");
        assertEq(l.owed(BORROWER_B), l.installmentOf(BORROWER_B) * NUM_PAYMENTS - principal, "interest still owed");
        assertEq(bureau.ledgerOf(BORROWER_B).totals.repaid, ledgerRepaid + principal, "ledger repaid");
        (,, uint256 repaid,) = l.totals();
        assertEq(repaid, principal, "in the lenders' pool");
        assertTrue(l.withdrawable(LENDER_A) > 0, "lenders can take it");
        assertEq(l.reclaimedTotal(), principal, "recorded as reclaimed");
        assertEq(l.feesWithdrawable(), 0, "no creator fee on principal never lent");

        bytes32 before = _stateHash();
        vm.expectRevert(abi.encodeWithSelector(Errors.AlreadyDisbursed.selector, BORROWER_B));
        vm.prank(BORROWER_B);
        l.disburse();
        assertEq(_stateHash(), before, "state changed");
    }

    function testFuzz_isInDefault_afterKInstallments(uint256 k, uint256 t) public {
        // Paid k installments (whenever): in default exactly from the (k+1)-th due date plus grace.
        k = bound(k, 0, NUM_PAYMENTS);
        if (k > 0) _pay(loan, BORROWER_A, k * installment);
        t = bound(t, start, _due(NUM_PAYMENTS + 2) + GRACE);
        bool expected = k < NUM_PAYMENTS && t >= _due(k + 1) + GRACE;
        assertEq(loan.isInDefault(BORROWER_A, t), expected, "isInDefault");
    }

    function testFuzz_isInDefault_lessThanAnInstallmentBehind(uint256 paid, uint256 t) public {
        // One installment due, a part of it paid: the arrears stay below a full installment until the
        // second due date, so no default before that date plus grace.
        paid = bound(paid, 1, installment - 1);
        _pay(loan, BORROWER_A, paid);
        t = bound(t, start, _due(2) + GRACE - 1);
        assertEq(loan.isInDefault(BORROWER_A, t), false, "less than an installment behind");
        assertTrue(loan.isInDefault(BORROWER_A, _due(2) + GRACE), "a full installment behind");
    }

    function testFuzz_isInDefault_catchingUpClearsIt(uint256 catchUp, uint256 t) public {
        // Behind a full installment since the first due date, the borrower pays it at any moment, even
        // after becoming reportable: from then on until the next slip they are not in default.
        catchUp = bound(catchUp, _due(1), _due(2) - 1);
        vm.warp(catchUp);
        _pay(loan, BORROWER_A, installment);
        t = bound(t, catchUp, _due(2) + GRACE - 1);
        vm.warp(t);
        assertEq(loan.isInDefault(BORROWER_A, t), false, "caught up");
        _expectFalseReport(loan, BORROWER_A, abi.encodeWithSelector(Errors.NotInDefault.selector, BORROWER_A));
    }

    function testFuzz_isInDefault_smallRemainderAfterTheLastDueDate(uint256 remainder, uint256 t) public {
        // Everything but a few units paid: those units are "everything left", in default after the
        // final due date plus grace.
        remainder = bound(remainder, 1, installment - 1);
        _pay(loan, BORROWER_A, loan.owed(BORROWER_A) - remainder);
        t = bound(t, start, _due(NUM_PAYMENTS + 2) + GRACE);
        assertEq(loan.isInDefault(BORROWER_A, t), t >= _due(NUM_PAYMENTS) + GRACE, "remainder overdue");
    }

    function testFuzz_isInDefault_neverOnceRepaid(uint256 t) public {
        _pay(loan, BORROWER_A, loan.owed(BORROWER_A));
        t = bound(t, start, type(uint40).max);
        assertEq(loan.isInDefault(BORROWER_A, t), false, "repaid");
    }

    function testFuzz_isInDefault_againstDueDates(LoanTerms memory t, uint256 paid, uint256 when) public {
        // Reference by due dates: let k be the first due date from which, with today's payments, the
        // borrower is behind by min(installment, what remains); they are in default from k's date + grace.
        t = _boundTerms(t);
        t.asset = address(0);
        t.minCreditScore = 0;
        t.numPayments = uint16(bound(t.numPayments, 1, 60));
        Loan l = _createLoan(t);
        _borrow(l, BORROWER_C, t.totalAmount);
        _invest(l, LENDER_C, t.totalAmount);
        uint256 inst = l.installmentOf(BORROWER_C);
        uint256 owed = inst * t.numPayments;
        paid = bound(paid, 0, owed);
        if (paid > 0) _pay(l, BORROWER_C, paid);
        uint256 behindBy = owed - paid < inst ? owed - paid : inst;
        uint256 first = type(uint256).max;
        for (uint256 k = 1; k <= t.numPayments; ++k) {
            if (behindBy > 0 && k * inst >= paid + behindBy) {
                first = l.fundedAt() + k * uint256(t.secondsBetweenPayments) + t.gracePeriod;
                break;
            }
        }
        when = bound(when, l.fundedAt(), l.fundedAt() + (uint256(t.numPayments) + 1) * t.secondsBetweenPayments + t.gracePeriod);
        assertEq(l.isInDefault(BORROWER_C, when), when >= first, "isInDefault");
    }

    /// Regression: judging arrears at `t - grace` with today's payments let a borrower who stays one
    /// installment behind forever (paying each installment a period late) escape default whenever the
    /// grace period is at least a period. The grace period now runs from the start of the episode.
    function test_reportDefault_alwaysOneInstallmentBehindWithLongGrace() public {
        LoanTerms memory t = _defaultTerms(address(0));
        t.gracePeriod = PERIOD + 10 days;
        Loan l = _createLoan(t);
        _borrow(l, BORROWER_C, t.totalAmount);
        _invest(l, LENDER_C, t.totalAmount);
        uint256 funded = l.fundedAt();
        uint256 inst = l.installmentOf(BORROWER_C);
        // The first installment is paid at the second due date: a full installment behind from due
        // date 1 onwards, without a break.
        vm.warp(funded + 2 * PERIOD);
        _pay(l, BORROWER_C, inst);
        vm.warp(funded + PERIOD + t.gracePeriod - 1);
        assertEq(l.isInDefault(BORROWER_C, block.timestamp), false, "within grace of the episode's start");
        vm.warp(funded + PERIOD + t.gracePeriod);
        assertTrue(l.isInDefault(BORROWER_C, block.timestamp), "behind for the whole grace period");
        vm.prank(STRANGER);
        bureau.reportDefault(address(l), BORROWER_C);
        assertTrue(l.borrowerPosition(BORROWER_C).defaulted, "confirmed");
    }

    function test_reportDefault_gracePeriodZero() public {
        LoanTerms memory t = _defaultTerms(address(0));
        t.gracePeriod = 0;
        Loan l = _createLoan(t);
        _borrow(l, BORROWER_C, TOTAL);
        _invest(l, LENDER_C, TOTAL);
        vm.warp(l.fundedAt() + PERIOD - 1);
        _expectFalseReport(l, BORROWER_C, abi.encodeWithSelector(Errors.NotInDefault.selector, BORROWER_C));
        vm.warp(l.fundedAt() + PERIOD);
        vm.prank(STRANGER);
        bureau.reportDefault(address(l), BORROWER_C);
        assertEq(bureau.ledgerOf(BORROWER_C).core.defaults, 1, "default on the due date itself");
    }

    function testFuzz_reportDefault_revertsForNonBorrower(uint256 t) public {
        vm.warp(bound(t, start, start + 100 * uint256(PERIOD)));
        _expectFalseReport(loan, BORROWER_C, abi.encodeWithSelector(Errors.NotInDefault.selector, BORROWER_C));
        _expectFalseReport(loan, LENDER_A, abi.encodeWithSelector(Errors.NotInDefault.selector, LENDER_A));
    }

    function testFuzz_reportDefault_revertsBeforeFundingAndWhenFailed(uint256 t) public {
        Loan l = _etherLoan();
        _borrow(l, BORROWER_C, TOTAL);
        vm.warp(bound(t, block.timestamp, block.timestamp + 100 * uint256(PERIOD)));
        assertEq(l.isInDefault(BORROWER_C, block.timestamp), false, "never funded: no schedule");
        _expectFalseReport(l, BORROWER_C, abi.encodeWithSelector(Errors.NotInDefault.selector, BORROWER_C));
    }

    function testFuzz_reportDefault_revertsForUnknownLoan(address fake) public {
        vm.assume(!bureau.isLoan(fake));
        _expectFalseReport(Loan(payable(fake)), BORROWER_A, abi.encodeWithSelector(Errors.UnknownLoan.selector, fake));
    }
}
