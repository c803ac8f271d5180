// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Loan} from "../src/Loan.sol";
import {Errors} from "../src/libraries/Errors.sol";
import {Events} from "../src/libraries/Events.sol";
import {LoanTerms} from "../src/libraries/LoanTerms.sol";
import {MockDecisionVerifier} from "./mocks/MockDecisionVerifier.sol";
import {BaseTest} from "./utils/BaseTest.sol";

/// @notice createLoan: every valid set of terms deploys a loan that returns them; each invalid term
///         reverts with its own error and creates nothing.
contract CreateLoanTest is BaseTest {
    function _assertSameTerms(LoanTerms memory a, LoanTerms memory b) internal pure {
        assertEq(a.asset, b.asset, "asset");
        assertEq(a.totalAmount, b.totalAmount, "totalAmount");
        assertEq(a.intRatePerMil, b.intRatePerMil, "intRatePerMil");
        assertEq(a.numPayments, b.numPayments, "numPayments");
        assertEq(a.secondsBetweenPayments, b.secondsBetweenPayments, "secondsBetweenPayments");
        assertEq(a.minCreditScore, b.minCreditScore, "minCreditScore");
        assertEq(a.fundDate, b.fundDate, "fundDate");
        assertEq(a.gracePeriod, b.gracePeriod, "gracePeriod");
        assertEq(a.creatorFeePerMil, b.creatorFeePerMil, "creatorFeePerMil");
        assertEq(a.decisionModel, b.decisionModel, "decisionModel");
        assertEqInt(a.minDecisionMargin, b.minDecisionMargin, "minDecisionMargin");
    }

    function testFuzz_createLoan(LoanTerms memory t, bool inToken, address creator) public {
        _assumeUsable(creator);
        t = _boundTerms(t);
        t.asset = inToken ? address(token) : address(0);
        uint256 countBefore = bureau.loanCount();

        _expectLoanCreated(creator, t);
        vm.prank(creator);
        Loan loan = Loan(payable(bureau.createLoan(t)));

        (address gotCreator, LoanTerms memory got) = loan.terms();
        assertEq(gotCreator, creator, "creator");
        _assertSameTerms(got, t);
        assertEq(loan.bureau(), address(bureau), "bureau");
        assertTrue(bureau.isLoan(address(loan)), "registered");
        assertEq(bureau.loanCount(), countBefore + 1, "count");
        assertEq(bureau.loanAt(countBefore), address(loan), "loanAt");
        // A fresh loan: nothing invested or requested, open for the whole amount.
        (uint256 invested, uint256 requested, uint256 repaid, uint256 scheduled) = loan.totals();
        assertEq(invested + requested + repaid + scheduled, 0, "totals");
        assertEq(loan.fundedAt(), 0, "fundedAt");
        assertEq(loan.isReady(), false, "ready");
        assertEq(loan.isFailed(), false, "failed");
        assertEq(loan.availableToBorrow(), t.totalAmount, "available");
        assertEq(loan.feesWithdrawable(), 0, "fees");
    }

    function test_createLoan_acceptsEveryLimit() public {
        LoanTerms memory t = _defaultTerms(address(token));
        t.totalAmount = type(uint96).max;
        t.intRatePerMil = 1000;
        t.numPayments = 1200;
        t.secondsBetweenPayments = 3650 days;
        t.minCreditScore = 1000;
        t.fundDate = type(uint40).max;
        t.gracePeriod = 3650 days;
        t.creatorFeePerMil = 1000;
        (, LoanTerms memory got) = _createLoan(t).terms();
        _assertSameTerms(got, t);

        t.totalAmount = 1;
        t.intRatePerMil = 0;
        t.numPayments = 1;
        t.secondsBetweenPayments = 1 minutes;
        t.minCreditScore = 0;
        t.fundDate = uint40(block.timestamp + 1);
        t.gracePeriod = 0;
        t.creatorFeePerMil = 0;
        (, got) = _createLoan(t).terms();
        _assertSameTerms(got, t);
    }

    /// Expects createLoan(t) to revert with `err` and leave the bureau as it was.
    function _expectInvalid(LoanTerms memory t, bytes memory err) internal {
        bytes32 before = _stateHash();
        vm.expectRevert(err);
        vm.prank(CREATOR);
        bureau.createLoan(t);
        assertEq(_stateHash(), before, "state changed");
    }

    function testFuzz_createLoan_revertsOnZeroAmount(LoanTerms memory t) public {
        t = _boundTerms(t);
        t.totalAmount = 0;
        _expectInvalid(t, abi.encodeWithSelector(Errors.ZeroAmount.selector));
    }

    function testFuzz_createLoan_revertsOnRateTooHigh(LoanTerms memory t, uint16 rate) public {
        t = _boundTerms(t);
        t.intRatePerMil = uint16(bound(rate, 1001, type(uint16).max));
        _expectInvalid(t, abi.encodeWithSelector(Errors.InterestRateTooHigh.selector, t.intRatePerMil));
    }

    function testFuzz_createLoan_revertsOnNumPayments(LoanTerms memory t, uint16 n) public {
        t = _boundTerms(t);
        t.numPayments = n % 4 == 0 ? 0 : uint16(bound(n, 1201, type(uint16).max));
        _expectInvalid(t, abi.encodeWithSelector(Errors.InvalidNumPayments.selector, t.numPayments));
    }

    function testFuzz_createLoan_revertsOnPaymentPeriod(LoanTerms memory t, uint32 period) public {
        t = _boundTerms(t);
        t.secondsBetweenPayments =
            uint32(period % 2 == 0 ? bound(period, 0, 59) : bound(period, 3650 days + 1, type(uint32).max));
        _expectInvalid(t, abi.encodeWithSelector(Errors.InvalidPaymentPeriod.selector, t.secondsBetweenPayments));
    }

    function testFuzz_createLoan_revertsOnMinCreditScore(LoanTerms memory t, uint16 score) public {
        t = _boundTerms(t);
        t.minCreditScore = uint16(bound(score, 1001, type(uint16).max));
        _expectInvalid(t, abi.encodeWithSelector(Errors.InvalidMinCreditScore.selector, t.minCreditScore));
    }

    function testFuzz_createLoan_revertsOnPastFundDate(LoanTerms memory t, uint40 fundDate) public {
        t = _boundTerms(t);
        t.fundDate = uint40(bound(fundDate, 0, block.timestamp));
        _expectInvalid(t, abi.encodeWithSelector(Errors.InvalidFundDate.selector, t.fundDate));
    }

    function testFuzz_createLoan_revertsOnGracePeriod(LoanTerms memory t, uint32 grace) public {
        t = _boundTerms(t);
        t.gracePeriod = uint32(bound(grace, 3650 days + 1, type(uint32).max));
        _expectInvalid(t, abi.encodeWithSelector(Errors.InvalidGracePeriod.selector, t.gracePeriod));
    }

    function testFuzz_createLoan_revertsOnCreatorFee(LoanTerms memory t, uint16 fee) public {
        t = _boundTerms(t);
        t.creatorFeePerMil = uint16(bound(fee, 1001, type(uint16).max));
        _expectInvalid(t, abi.encodeWithSelector(Errors.CreatorFeeTooHigh.selector, t.creatorFeePerMil));
    }

    function testFuzz_createLoan_revertsOnAssetWithoutCode(LoanTerms memory t, address asset) public {
        vm.assume(asset != address(0) && asset.code.length == 0);
        t = _boundTerms(t);
        t.asset = asset;
        _expectInvalid(t, abi.encodeWithSelector(Errors.AssetNotContract.selector, asset));
    }

    // ---- decision models ----

    function testFuzz_createLoan_withDecisionModel(LoanTerms memory t, int32 margin) public {
        models.register(address(new MockDecisionVerifier(1, true)));
        uint32 index = models.register(address(new MockDecisionVerifier(2, true)));
        t = _boundTerms(t);
        t.asset = address(0);
        (t.decisionModel, t.minDecisionMargin) = (index, margin);
        _expectLoanCreated(CREATOR, t);
        vm.prank(CREATOR);
        Loan loan = Loan(payable(bureau.createLoan(t)));
        (, LoanTerms memory got) = loan.terms();
        _assertSameTerms(got, t);
        assertEq(address(loan.decisionModels()), address(models), "the bureau's registry");
    }

    function test_createLoan_marginsRoundTripAtTheirLimits() public {
        uint32 index = models.register(address(new MockDecisionVerifier(1, true)));
        LoanTerms memory t = _defaultTerms(address(0));
        t.decisionModel = index;
        int32[4] memory margins = [type(int32).min, -1, 1, type(int32).max];
        for (uint256 i; i < margins.length; ++i) {
            t.minDecisionMargin = margins[i];
            (, LoanTerms memory got) = _createLoan(t).terms();
            _assertSameTerms(got, t);
        }
    }

    function testFuzz_createLoan_revertsOnUnknownDecisionModel(LoanTerms memory t, uint32 index) public {
        models.register(address(new MockDecisionVerifier(1, true)));
        t = _boundTerms(t);
        t.asset = address(0);
        t.decisionModel = uint32(bound(index, 2, type(uint32).max));
        _expectInvalid(t, abi.encodeWithSelector(Errors.UnknownDecisionModel.selector, t.decisionModel));
    }

    function test_createLoan_revertsOnRetiredDecisionModel() public {
        uint32 index = models.register(address(new MockDecisionVerifier(1, true)));
        LoanTerms memory t = _defaultTerms(address(0));
        t.decisionModel = index;
        Loan before = _createLoan(t);
        models.retire(index);
        _expectInvalid(t, abi.encodeWithSelector(Errors.RetiredDecisionModel.selector, index));
        // A loan created before keeps its model.
        (, LoanTerms memory got) = before.terms();
        assertEq(got.decisionModel, index, "existing loan keeps its model");
    }

    function testFuzz_createLoan_revertsOnMarginWithoutModel(LoanTerms memory t, int32 margin) public {
        vm.assume(margin != 0);
        t = _boundTerms(t);
        t.asset = address(0);
        t.minDecisionMargin = margin;
        _expectInvalid(t, abi.encodeWithSelector(Errors.DecisionMarginWithoutModel.selector, margin));
    }

    function test_implementation_isUnusableDirectly() public {
        Loan implementation = Loan(payable(bureau.loanImplementation()));
        vm.expectRevert(Errors.NotAClone.selector);
        implementation.terms();
        vm.deal(LENDER_A, 1 ether);
        vm.expectRevert(Errors.NotAClone.selector);
        vm.prank(LENDER_A);
        implementation.invest{value: 1 ether}(1 ether);
        assertTrue(!bureau.isLoan(address(implementation)), "implementation is no loan");
    }

    /// Expects the bureau's `LoanCreated` for `creator` and `t` (any loan address).
    function _expectLoanCreated(address creator, LoanTerms memory t) private {
        vm.expectEmit(false, true, true, true, address(bureau));
        emit Events.LoanCreated(
            address(0),
            creator,
            t.asset,
            t.totalAmount,
            t.intRatePerMil,
            t.numPayments,
            t.secondsBetweenPayments,
            t.minCreditScore,
            t.fundDate,
            t.gracePeriod,
            t.creatorFeePerMil,
            t.decisionModel,
            t.minDecisionMargin
        );
    }
}
