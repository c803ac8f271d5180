// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Loan} from "../src/Loan.sol";
import {BorrowerPosition} from "../src/interfaces/ILoan.sol";
import {IDecisionVerifier} from "../src/interfaces/IDecisionVerifier.sol";
import {IdentityRecord} from "../src/interfaces/IIdentityEscrow.sol";
import {DecisionInput} from "../src/libraries/DecisionInput.sol";
import {Errors} from "../src/libraries/Errors.sol";
import {Events} from "../src/libraries/Events.sol";
import {LoanTerms} from "../src/libraries/LoanTerms.sol";
import {MockDecisionVerifier} from "./mocks/MockDecisionVerifier.sol";
import {BaseTest} from "./utils/BaseTest.sol";

/// @notice borrowWithProof: the inputs the verifier sees (the caller's commitment, the caller, the loan's margin
///         encoded in the field), a valid proof borrowing exactly as `borrow`, and every refusal leaving the state
///         as it was.
contract BorrowWithProofTest is BaseTest {
    uint256 internal constant MODEL_ID = 0xa10e;
    /// BN254's r, written out here so the library's constant is checked against it.
    uint256 internal constant R = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    int32 internal constant MARGIN = -1500;

    address internal immutable PROVER = _actor("prover");
    address internal immutable PROVER_2 = _actor("prover2");
    MockDecisionVerifier internal verifier;
    uint32 internal model;

    function setUp() public override {
        super.setUp();
        verifier = new MockDecisionVerifier(MODEL_ID, true);
        model = models.register(address(verifier));
        _registerWithCommitment(PROVER, FICO_A);
        _registerWithCommitment(PROVER_2, FICO_A);
        tracked.push(PROVER);
        tracked.push(PROVER_2);
    }

    function _commitment(address borrower) internal pure returns (bytes32) {
        return bytes32(uint256(keccak256(abi.encode("attributes", borrower))) % R);
    }

    function _registerWithCommitment(address borrower, uint256 fico) internal {
        IdentityRecord memory identity = _identity(borrower);
        identity.attributesCommitment = _commitment(borrower);
        vm.prank(NOTARY);
        bureau.initScoreLedger(borrower, fico, block.timestamp, identity);
    }

    function _modelLoan(int32 margin) internal returns (Loan) {
        LoanTerms memory t = _defaultTerms(address(0));
        (t.decisionModel, t.minDecisionMargin) = (model, margin);
        return _createLoan(t);
    }

    /// The inputs the verifier must see when `borrower` borrows with margin `margin`.
    function _input(address borrower, int32 margin) internal pure returns (uint256[3] memory) {
        uint256 encoded = margin >= 0 ? uint256(int256(margin)) : R - uint256(-int256(margin));
        return [uint256(_commitment(borrower)), uint256(uint160(borrower)), encoded];
    }

    function _proof(uint256 seed) internal pure returns (uint256[8] memory proof) {
        for (uint256 i; i < 8; ++i) {
            proof[i] = uint256(keccak256(abi.encode(seed, i)));
        }
    }

    function _borrowWithProof(Loan loan, address borrower, uint256 amount, uint256[8] memory proof) internal {
        vm.prank(borrower);
        loan.borrowWithProof(amount, proof);
    }

    function _expectRefused(Loan loan, address borrower, uint256 amount, uint256[8] memory proof, bytes memory err)
        internal
    {
        bytes32 before = _stateHash();
        vm.expectRevert(err);
        vm.prank(borrower);
        loan.borrowWithProof(amount, proof);
        assertEq(_stateHash(), before, "state changed");
    }

    // ---- the statement's inputs ----

    function test_signedField_isRMinusTheMagnitude() public pure {
        assertEq(DecisionInput.SCALAR_FIELD, R, "r");
        assertEq(DecisionInput.signedField(0), 0, "zero");
        assertEq(DecisionInput.signedField(250), 250, "positive");
        assertEq(DecisionInput.signedField(-1), R - 1, "minus one");
        assertEq(DecisionInput.signedField(type(int32).min), R - 2 ** 31, "most negative");
        assertEq(DecisionInput.signedField(type(int32).max), 2 ** 31 - 1, "most positive");
    }

    function testFuzz_borrowWithProof_passesTheCallersInputs(int32 margin, uint256 seed) public {
        Loan loan = _modelLoan(margin);
        uint256[8] memory proof = _proof(seed);
        uint256[3] memory input = _input(PROVER, margin);
        verifier.expect(proof, input);
        vm.expectCall(address(verifier), abi.encodeCall(IDecisionVerifier.verifyProof, (proof, input)));
        _borrowWithProof(loan, PROVER, 1 ether, proof);
    }

    function test_borrowWithProof_encodesNegativeAndPositiveMargins() public {
        int32[3] memory margins = [int32(-1500), int32(0), int32(250)];
        uint256[3] memory encoded = [R - 1500, uint256(0), uint256(250)];
        for (uint256 i; i < margins.length; ++i) {
            Loan loan = _modelLoan(margins[i]);
            uint256[3] memory input = [uint256(_commitment(PROVER)), uint256(uint160(PROVER)), encoded[i]];
            verifier.expect(_proof(i), input);
            _borrowWithProof(loan, PROVER, 1 ether, _proof(i));
        }
    }

    /// The same proof from another borrower reaches the verifier with that borrower's commitment and address, so a
    /// proof made for PROVER proves nothing for PROVER_2.
    function test_borrowWithProof_bindsTheCaller() public {
        Loan loan = _modelLoan(MARGIN);
        uint256[8] memory proof = _proof(1);
        verifier.expect(proof, _input(PROVER, MARGIN));
        _expectRefused(
            loan,
            PROVER_2,
            1 ether,
            proof,
            abi.encodeWithSelector(MockDecisionVerifier.UnexpectedInput.selector, proof, _input(PROVER_2, MARGIN))
        );
    }

    // ---- a valid proof ----

    function testFuzz_borrowWithProof_borrowsLikeBorrow(uint256 amount, uint256 seed) public {
        amount = bound(amount, 1, TOTAL);
        Loan plain = _etherLoan();
        Loan gated = _modelLoan(MARGIN);
        uint256 installment = bureau.quoteInstallment(amount, RATE, NUM_PAYMENTS);

        uint256 snapshot = vm.snapshotState();
        _borrow(plain, PROVER, amount);
        bytes32 expected = _outcome(plain);
        vm.revertToState(snapshot);

        vm.expectEmit(address(gated));
        emit Events.DecisionProofAccepted(PROVER, model, MARGIN);
        vm.expectEmit(address(gated));
        emit Events.BorrowRequested(PROVER, amount, installment, amount);
        vm.expectEmit(address(bureau));
        emit Events.ScoreBorrowUpdated(PROVER, address(gated), amount);
        _borrowWithProof(gated, PROVER, amount, _proof(seed));
        assertEq(_outcome(gated), expected, "the same request as a plain borrow");
        assertEq(gated.borrowerPosition(PROVER).principal, amount, "principal");
    }

    /// What a request leaves behind: the borrower's position and ledger, the loan's totals, everyone's balances.
    function _outcome(Loan loan) internal view returns (bytes32) {
        BorrowerPosition memory p = loan.borrowerPosition(PROVER);
        (uint256 invested, uint256 requested, uint256 repaid, uint256 scheduled) = loan.totals();
        bytes32 ledger = keccak256(abi.encode(bureau.ledgerOf(PROVER)));
        return keccak256(abi.encode(p, invested, requested, repaid, scheduled, loan.availableToBorrow(), ledger));
    }

    function test_borrowWithProof_lastRequestFundsTheLoan() public {
        Loan loan = _modelLoan(MARGIN);
        _invest(loan, LENDER_A, TOTAL);
        _borrowWithProof(loan, PROVER, TOTAL / 3, _proof(1));
        vm.expectEmit(address(loan));
        emit Events.Funded(uint40(block.timestamp));
        _borrowWithProof(loan, PROVER_2, TOTAL - TOTAL / 3, _proof(2));
        assertTrue(loan.isReady(), "funded");
    }

    function test_borrowWithProof_stillWorksOnARetiredModel() public {
        Loan loan = _modelLoan(MARGIN);
        models.retire(model);
        _borrowWithProof(loan, PROVER, 1 ether, _proof(1));
        assertEq(loan.borrowerPosition(PROVER).principal, 1 ether, "existing loans keep their model");
    }

    // ---- refusals ----

    function test_borrow_revertsWhenAProofIsRequired() public {
        Loan loan = _modelLoan(MARGIN);
        bytes32 before = _stateHash();
        vm.expectRevert(abi.encodeWithSelector(Errors.DecisionProofRequired.selector, model));
        vm.prank(PROVER);
        loan.borrow(1 ether);
        assertEq(_stateHash(), before, "state changed");
    }

    function test_borrowWithProof_revertsWithoutADecisionModel() public {
        _expectRefused(_etherLoan(), PROVER, 1 ether, _proof(1), abi.encodeWithSelector(Errors.NoDecisionModel.selector));
    }

    function test_borrowWithProof_revertsWithoutACommitment() public {
        // BORROWER_A was registered with a zero attributes commitment.
        _expectRefused(
            _modelLoan(MARGIN),
            BORROWER_A,
            1 ether,
            _proof(1),
            abi.encodeWithSelector(Errors.NoAttributesCommitment.selector, BORROWER_A)
        );
        // So is anyone never registered.
        _expectRefused(
            _modelLoan(MARGIN),
            STRANGER,
            1 ether,
            _proof(1),
            abi.encodeWithSelector(Errors.NoAttributesCommitment.selector, STRANGER)
        );
    }

    function testFuzz_borrowWithProof_revertsOnAnInvalidProof(uint256 amount, uint256 seed) public {
        Loan loan = _modelLoan(MARGIN);
        verifier.setResult(false);
        amount = bound(amount, 1, TOTAL);
        _expectRefused(
            loan, PROVER, amount, _proof(seed), abi.encodeWithSelector(Errors.InvalidDecisionProof.selector, model)
        );
    }

    function test_borrowWithProof_keepsBorrowsChecks() public {
        Loan loan = _modelLoan(MARGIN);
        _expectRefused(loan, PROVER, 0, _proof(1), abi.encodeWithSelector(Errors.ZeroAmount.selector));
        _borrowWithProof(loan, PROVER, 1 ether, _proof(1));
        _expectRefused(
            loan, PROVER, 1 ether, _proof(2), abi.encodeWithSelector(Errors.AlreadyRequested.selector, PROVER)
        );
        vm.warp(block.timestamp + FUND_WINDOW + 1);
        _expectRefused(loan, PROVER_2, 1 ether, _proof(3), abi.encodeWithSelector(Errors.FundingClosed.selector));
    }

    function test_borrowWithProof_keepsTheScoreMinimum() public {
        LoanTerms memory t = _defaultTerms(address(0));
        (t.decisionModel, t.minDecisionMargin, t.minCreditScore) = (model, MARGIN, FICO_A + 1);
        _expectRefused(
            _createLoan(t),
            PROVER,
            1 ether,
            _proof(1),
            abi.encodeWithSelector(Errors.ScoreBelowMinimum.selector, FICO_A, FICO_A + 1)
        );
    }
}
