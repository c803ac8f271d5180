// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Loan} from "../src/Loan.sol";
import {KnnModel} from "../src/knn/KnnModel.sol";
import {Errors} from "../src/libraries/Errors.sol";
import {Events} from "../src/libraries/Events.sol";
import {LoanTerms} from "../src/libraries/LoanTerms.sol";
import {BaseTest} from "./utils/BaseTest.sol";

/// @notice How the protocol feeds its own k-NN model: a point is owed for each loan repaid in full or
///         defaulted, anyone records it (the borrower's ratios and OSC labels at that moment), and every
///         M-th createLoan runs the model's periodic update (sealing the buffer, rotating the sets).
contract ModelFeedTest is BaseTest {
    KnnModel internal model;

    function setUp() public override {
        super.setUp();
        model = bureau.scoreModel();
    }

    /// BORROWER_A borrows the whole default loan, takes it and repays it on schedule.
    function _repayOnSchedule() internal returns (Loan loan) {
        loan = _etherLoan();
        _invest(loan, LENDER_A, TOTAL);
        _borrow(loan, BORROWER_A, TOTAL);
        vm.prank(BORROWER_A);
        loan.disburse();
        uint256 installment = loan.installmentOf(BORROWER_A);
        for (uint256 k = 1; k <= NUM_PAYMENTS; ++k) {
            vm.warp(loan.fundedAt() + k * PERIOD - 1 days);
            _pay(loan, BORROWER_A, installment);
        }
    }

    function test_recordPoint_afterRepayingInFull() public {
        vm.expectRevert(abi.encodeWithSelector(Errors.NoPendingPoint.selector, BORROWER_A));
        bureau.recordPoint(BORROWER_A);
        _repayOnSchedule();
        assertEq(bureau.ledgerOf(BORROWER_A).totals.pendingPoints, 1, "a point is owed");

        (uint256[15] memory osc, uint256 observed) = bureau.labelsOf(BORROWER_A);
        assertEq(observed, 9, "windows up to 256 days fit a year of history");
        assertEq(osc[0], 255, "never behind: every window clean");
        assertEq(osc[14], 255, "unobservable windows repeat the largest observable one");
        uint256[5] memory ratios = bureau.ratiosOf(BORROWER_A, 0, 0, 0);
        assertEq(ratios[0], 0, "UPR: never behind");

        uint256 expected;
        for (uint256 i; i < 5; ++i) expected |= ratios[i] << (16 * i);
        for (uint256 j; j < 15; ++j) expected |= osc[j] << (80 + 8 * j);
        vm.expectEmit(address(bureau));
        emit Events.PointRecorded(BORROWER_A, expected);
        vm.prank(STRANGER); // anyone may take an owed point
        assertEq(bureau.recordPoint(BORROWER_A), expected, "the point");
        assertEq(model.size(KnnModel.Set.New), 1, "in the new set");
        assertEq(model.buffered()[0], expected, "buffered");
        assertEq(bureau.ledgerOf(BORROWER_A).totals.pendingPoints, 0, "taken");
        vm.expectRevert(abi.encodeWithSelector(Errors.NoPendingPoint.selector, BORROWER_A));
        bureau.recordPoint(BORROWER_A);
    }

    function test_recordPoint_afterADefault_carriesTheLateness() public {
        Loan loan = _etherLoan();
        _invest(loan, LENDER_A, TOTAL);
        _borrow(loan, BORROWER_B, TOTAL);
        vm.prank(BORROWER_B);
        loan.disburse();
        vm.warp(loan.fundedAt() + PERIOD + GRACE);
        bureau.reportDefault(address(loan), BORROWER_B);
        uint256[5] memory ratios = bureau.ratiosOf(BORROWER_B, 0, 0, 0);
        // Behind since the first due date: GRACE of PERIOD + GRACE seconds of history.
        assertEq(ratios[0], uint256(GRACE) * 65_535 / (uint256(PERIOD) + GRACE), "UPR");
        (uint256[15] memory osc,) = bureau.labelsOf(BORROWER_B);
        assertTrue(osc[0] > 0 && osc[0] < 255, "partly clean");
        uint256 point = bureau.recordPoint(BORROWER_B);
        assertEq(point & 0xffff, ratios[0], "the point carries the ratios");
    }

    function test_borrowWithHistory_afterAPointBeforeAnyPublish() public {
        _repayOnSchedule();
        bureau.recordPoint(BORROWER_A);
        Loan loan = _etherLoan();
        _invest(loan, LENDER_A, TOTAL);
        _borrow(loan, BORROWER_A, TOTAL); // scored by the one appended point
        assertEq(loan.borrowerPosition(BORROWER_A).principal, TOTAL, "borrowed");
    }

    function test_recordPoint_needsADayOfHistory() public {
        Loan loan = _etherLoan();
        _invest(loan, LENDER_A, TOTAL);
        _borrow(loan, BORROWER_C, TOTAL);
        vm.prank(BORROWER_C);
        loan.disburse();
        _pay(loan, BORROWER_C, loan.owed(BORROWER_C)); // repaid at once
        vm.expectRevert(abi.encodeWithSelector(Errors.HistoryTooShort.selector, BORROWER_C));
        bureau.recordPoint(BORROWER_C);
        vm.warp(block.timestamp + 1 days + 1);
        bureau.recordPoint(BORROWER_C);
    }

    function test_everyMthCreateLoan_runsTheModelUpdate() public {
        bureau.setModelUpdate(4, 32);
        _repayOnSchedule();
        bureau.recordPoint(BORROWER_A);
        assertEq(model.buffered().length, 1, "buffered");
        uint256 created = bureau.loanCount();
        // The update runs when the loan count reaches a multiple of 4: new (1) >= old (0) rotates.
        while ((created + 1) % 4 != 0) {
            _etherLoan();
            ++created;
        }
        assertEq(model.size(KnnModel.Set.Old), 0, "not yet");
        vm.expectEmit(address(model));
        emit Events.ModelRotated(1);
        _etherLoan();
        assertEq(model.size(KnnModel.Set.Old), 1, "rotated");
        assertEq(model.chunks(KnnModel.Set.Old).length, 1, "sealed into a chunk");
        assertEq(model.buffered().length, 0, "buffer empty");
    }

    function test_setModelUpdate_checksItsBounds() public {
        vm.expectRevert(abi.encodeWithSelector(Errors.InvalidModelUpdate.selector, 4, 31));
        bureau.setModelUpdate(4, 31);
        vm.expectRevert(abi.encodeWithSelector(Errors.InvalidModelUpdate.selector, 4, 65));
        bureau.setModelUpdate(4, 65);
        vm.expectRevert(abi.encodeWithSelector(Errors.InvalidModelUpdate.selector, 1 << 16, 32));
        bureau.setModelUpdate(1 << 16, 32);
        bureau.setModelUpdate(0, 32); // 0: never
        assertEq(bureau.modelUpdateInterval(), 0, "off");
    }
}
