// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {ILoan, BorrowerPosition, LenderPosition} from "./interfaces/ILoan.sol";
import {ICreditBureau} from "./interfaces/ICreditBureau.sol";
import {IDecisionModels} from "./interfaces/IDecisionModels.sol";
import {IDecisionVerifier} from "./interfaces/IDecisionVerifier.sol";
import {DecisionInput} from "./libraries/DecisionInput.sol";
import {Errors} from "./libraries/Errors.sol";
import {Events} from "./libraries/Events.sol";
import {LoanTerms, LoanTermsCodec} from "./libraries/LoanTerms.sol";
import {ScheduleMath} from "./libraries/ScheduleMath.sol";

/// @title Loan
/// @notice One pooled ALOE loan, deployed by the CreditBureau as a clone whose immutable arguments
///         carry the creator and the terms (so creating a loan writes no storage of its own).
/// @dev Accounting, all in the loan's asset:
///      - lenders' pool = repaid - fee, where fee = (repaid - reclaimed principal) * interestShare *
///        creatorFeePerMil / 1000 and
///        interestShare = (scheduledTotal - totalAmount) / scheduledTotal, i.e. every payment is split
///        between principal and interest in the loan-wide proportion; the fee rounds down;
///      - a lender is entitled to floor(pool * invested / totalAmount), so lenders never take more than
///        the pool and an entitlement never shrinks as the pool grows; the floors leave at most
///        (lenders - 1) base units of rounding dust, which `sweepDust` hands to the creator once the pool
///        is settled (see there);
///      - a loan whose terms name a decision model takes requests only with a proof (`borrowWithProof`) that the
///        model approves the attributes the notary committed to for the caller, by at least the loan's margin;
///      - a borrower pays only after disbursement; principal never disbursed returns to the pool as the
///        borrower's payment when their default is confirmed;
///      - before funding, nothing leaves; after a failed funding, lenders get exactly their investment.
///      Every state-changing entry point is nonReentrant and moves tokens last.
contract Loan is ILoan, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @inheritdoc ILoan
    address public immutable bureau;
    /// @inheritdoc ILoan
    IDecisionModels public immutable decisionModels;
    address private immutable _implementation;

    // ---- state: four packed slots and two position maps ----
    // Slot 0 is written by every invest and borrow, so the funding moment costs no fresh slot.
    uint96 private _totalInvested;
    uint96 private _totalRequested;
    uint40 private _fundedAt;
    /// Borrowers with a request who have neither repaid in full nor been confirmed in default.
    uint24 private _openBorrowers;
    uint128 private _totalRepaid;
    /// Sum over borrowers of installment * numPayments: everything the schedules will collect.
    uint128 private _scheduledTotal;
    uint128 private _feesWithdrawn;
    /// The lenders' pool when dust was first swept (0 before): shares split at this point (see `sweepDust`).
    uint128 private _poolAtSweep;
    uint128 private _dustSwept;
    /// Principal reclaimed at defaults: part of `_totalRepaid`, but no interest on it, so no fee.
    uint128 private _reclaimed;
    mapping(address => LenderPosition) private _lenders;
    mapping(address => BorrowerPosition) private _borrowers;

    constructor(address bureau_, IDecisionModels decisionModels_) {
        bureau = bureau_;
        decisionModels = decisionModels_;
        _implementation = address(this);
    }

    // =========================================================================================
    //                                         FUNDING
    // =========================================================================================

    /// @inheritdoc ILoan
    function invest(uint256 amount) external payable nonReentrant {
        LoanTerms memory t = _terms();
        _checkEtherValue(t, amount);
        if (amount == 0) revert Errors.ZeroAmount();
        _checkAcceptingFunds(t);
        uint256 available = t.totalAmount - _totalInvested;
        if (amount > available) revert Errors.OverInvestment(amount, available);

        // Safe casts: amount <= available < 2^96.
        _lenders[msg.sender].invested += uint128(amount);
        _totalInvested += uint96(amount);
        emit Events.Invested(msg.sender, amount, _totalInvested);
        _fundIfComplete(t);

        _pull(t, msg.sender, amount);
    }

    /// @inheritdoc ILoan
    function borrow(uint256 amount) external nonReentrant {
        LoanTerms memory t = _terms();
        if (t.decisionModel != 0) revert Errors.DecisionProofRequired(t.decisionModel);
        _borrow(t, amount);
    }

    /// @inheritdoc ILoan
    function borrowWithProof(uint256 amount, uint256[8] calldata proof) external nonReentrant {
        LoanTerms memory t = _terms();
        uint32 model = t.decisionModel;
        if (model == 0) revert Errors.NoDecisionModel();
        // The statement's public inputs: what the notary committed to for the caller at registration, the caller
        // (so nobody replays the proof), the loan's threshold. All three calls are views.
        bytes32 commitment = ICreditBureau(bureau).identityEscrow().attributesCommitmentOf(msg.sender);
        if (commitment == 0) revert Errors.NoAttributesCommitment(msg.sender);
        uint256[3] memory input =
            [uint256(commitment), uint256(uint160(msg.sender)), DecisionInput.signedField(t.minDecisionMargin)];
        // Indices are write-once: this is the verifier the loan's lenders agreed to at createLoan.
        IDecisionVerifier verifier = IDecisionVerifier(decisionModels.verifierOf(model));
        if (!verifier.verifyProof(proof, input)) revert Errors.InvalidDecisionProof(model);
        emit Events.DecisionProofAccepted(msg.sender, model, t.minDecisionMargin);
        _borrow(t, amount);
    }

    /// A borrow request once any decision proof has been checked: the request, its schedule, the bureau's score.
    function _borrow(LoanTerms memory t, uint256 amount) private {
        if (amount == 0) revert Errors.ZeroAmount();
        _checkAcceptingFunds(t);
        BorrowerPosition storage position = _borrowers[msg.sender];
        if (position.principal != 0) revert Errors.AlreadyRequested(msg.sender);
        uint256 available = t.totalAmount - _totalRequested;
        if (amount > available) revert Errors.OverRequest(amount, available);

        uint256 installment = ScheduleMath.installmentUp(amount, t.intRatePerMil, t.numPayments);
        position.principal = uint96(amount);
        position.behindSincePeriod = 1; // unpaid, a full installment is behind from the first due date
        _totalRequested += uint96(amount);
        _openBorrowers += 1;
        // installment <= 2 * amount for rates <= 100%, so this stays far below 2^128.
        _scheduledTotal += uint128(installment * t.numPayments);
        emit Events.BorrowRequested(msg.sender, amount, installment, _totalRequested);
        _fundIfComplete(t);

        // The bureau scores the request and records it in one call; a score below the minimum undoes both.
        uint256 score = ICreditBureau(bureau)
            .updateScoreBorrow(msg.sender, amount, installment, t.numPayments, t.secondsBetweenPayments);
        if (score < t.minCreditScore) revert Errors.ScoreBelowMinimum(score, t.minCreditScore);
    }

    /// @inheritdoc ILoan
    function cancelBorrow() external nonReentrant {
        LoanTerms memory t = _terms();
        if (_fundedAt != 0) revert Errors.AlreadyFunded();
        BorrowerPosition storage position = _borrowers[msg.sender];
        uint256 principal = position.principal;
        if (principal == 0) revert Errors.NoRequest(msg.sender);

        uint256 installment = ScheduleMath.installmentUp(principal, t.intRatePerMil, t.numPayments);
        position.principal = 0;
        position.behindSincePeriod = 0;
        _totalRequested -= uint96(principal);
        _openBorrowers -= 1;
        _scheduledTotal -= uint128(installment * t.numPayments);
        emit Events.BorrowCancelled(msg.sender, principal);

        ICreditBureau(bureau)
            .updateScoreBorrowCancelled(msg.sender, principal, installment * t.numPayments, _dailyRate(t, installment));
    }

    /// @inheritdoc ILoan
    function disburse() external nonReentrant {
        LoanTerms memory t = _terms();
        if (_fundedAt == 0) revert Errors.NotFunded();
        BorrowerPosition storage position = _borrowers[msg.sender];
        uint256 principal = position.principal;
        if (principal == 0) revert Errors.NoRequest(msg.sender);
        if (position.disbursed) revert Errors.AlreadyDisbursed(msg.sender);
        // A borrower already in default cannot front-run the report to take what would go back to the lenders.
        (bool inDefault,) = _defaultState(t, position, block.timestamp);
        if (inDefault) revert Errors.InDefault(msg.sender);

        position.disbursed = true;
        emit Events.Disbursed(msg.sender, principal);

        // Nothing is paid before disbursement: unpaid, the borrower is behind from the first due date.
        ICreditBureau(bureau).updateScoreDisbursed(msg.sender, principal, _fundedAt + t.secondsBetweenPayments);
        _push(t, msg.sender, principal);
    }

    // =========================================================================================
    //                                        REPAYMENT
    // =========================================================================================

    /// @inheritdoc ILoan
    function makePayment(uint256 amount) external payable nonReentrant {
        LoanTerms memory t = _terms();
        _checkEtherValue(t, amount);
        if (amount == 0) revert Errors.ZeroAmount();
        if (_fundedAt == 0) revert Errors.NotFunded();
        BorrowerPosition storage position = _borrowers[msg.sender];
        uint256 principal = position.principal;
        if (principal == 0) revert Errors.NoRequest(msg.sender);
        if (!position.disbursed) revert Errors.NotDisbursed(msg.sender);
        uint256 installment = ScheduleMath.installmentUp(principal, t.intRatePerMil, t.numPayments);
        uint256 owing = installment * t.numPayments - position.paid;
        if (amount > owing) revert Errors.PaymentExceedsOwed(amount, owing);

        uint256 paidBefore = position.paid;
        uint120 paid = position.paid + uint120(amount);
        position.paid = paid;
        // Still a full installment behind after paying: the episode goes on from where it began.
        // Otherwise the next episode would begin at the first due date that puts them behind again.
        uint256 next = _firstBehindPeriod(installment, t.numPayments, paid);
        if (_fundedAt + next * t.secondsBetweenPayments > block.timestamp) position.behindSincePeriod = uint16(next);
        _totalRepaid += uint128(amount);
        bool settled = amount == owing;
        if (settled && !position.defaulted) _openBorrowers -= 1;
        emit Events.PaymentMade(msg.sender, amount, paid);

        _reportPayment(t, installment, paidBefore, amount, settled, !position.reclaimed);
        _pull(t, msg.sender, amount);
    }

    /// Tells the bureau's ledger how the payment moved the date from which the loan leaves the borrower
    /// owing more than scheduled (no date when the ledger keeps none: the principal was reclaimed).
    function _reportPayment(
        LoanTerms memory t,
        uint256 installment,
        uint256 paidBefore,
        uint256 amount,
        bool settled,
        bool tracked
    ) private {
        uint256 oldBehindFrom = tracked ? _behindFrom(t, installment, paidBefore) : 0;
        uint256 newBehindFrom = tracked && !settled ? _behindFrom(t, installment, paidBefore + amount) : 0;
        ICreditBureau(bureau)
            .updateScoreRepayment(msg.sender, amount, oldBehindFrom, newBehindFrom, _dailyRate(t, installment), settled);
    }

    /// @inheritdoc ILoan
    function withdraw(uint256 amount) external nonReentrant {
        LoanTerms memory t = _terms();
        if (amount == 0) revert Errors.ZeroAmount();
        uint256 available = _withdrawable(t, msg.sender);
        if (amount > available) revert Errors.WithdrawalExceedsAvailable(amount, available);

        _lenders[msg.sender].withdrawn += uint128(amount);
        emit Events.Withdrawn(msg.sender, amount, _fundedAt == 0);

        _push(t, msg.sender, amount);
    }

    /// @inheritdoc ILoan
    function withdrawFees() external nonReentrant {
        (address creator, LoanTerms memory t) = _creatorAndTerms();
        if (msg.sender != creator) revert Errors.NotCreator(msg.sender);
        uint256 amount = _feesAccrued(t) - _feesWithdrawn;
        if (amount == 0) revert Errors.ZeroAmount();

        _feesWithdrawn += uint128(amount);
        emit Events.FeesWithdrawn(creator, amount);

        _push(t, creator, amount);
    }

    // =========================================================================================
    //                                         DEFAULTS
    // =========================================================================================

    /// @inheritdoc ILoan
    function confirmDefault(address borrower)
        external
        returns (uint256 arrearsNow, uint256 reclaimed, uint256 dailyRate, bool settled)
    {
        if (msg.sender != bureau) revert Errors.NotBureau(msg.sender);
        LoanTerms memory t = _terms();
        BorrowerPosition storage position = _borrowers[borrower];
        if (position.defaulted) revert Errors.AlreadyDefaulted(borrower);
        bool inDefault;
        (inDefault, arrearsNow) = _defaultState(t, position, block.timestamp);
        if (!inDefault) revert Errors.NotInDefault(borrower);

        position.defaulted = true;
        _openBorrowers -= 1;
        emit Events.DefaultMarked(borrower, arrearsNow);
        // Principal the borrower never took would otherwise sit here forever: it repays their debt, which
        // it always covers (a borrower pays only after disbursement, so nothing was paid yet).
        if (!position.disbursed) {
            reclaimed = position.principal;
            position.disbursed = true;
            position.paid = uint120(reclaimed);
            position.reclaimed = true;
            _totalRepaid += uint128(reclaimed);
            _reclaimed += uint128(reclaimed);
            uint256 installment = _installment(t, position);
            settled = installment * t.numPayments == reclaimed;
            dailyRate = _dailyRate(t, installment);
            emit Events.PrincipalReclaimed(borrower, reclaimed);
        }
    }

    /// @inheritdoc ILoan
    function sweepDust(address[] calldata lenders) external nonReentrant returns (uint256 dust) {
        (address creator, LoanTerms memory t) = _creatorAndTerms();
        uint256 pool = _totalRepaid - _feesAccrued(t);
        uint256 poolAtSweep = _poolAtSweep;
        bool firstSweep = poolAtSweep == 0;
        // The pool is settled once no borrower can still be scheduled to pay: every one repaid in full or
        // confirmed in default. Defaulters may still pay later, so after the first sweep the shares of what
        // arrives are floored separately (see `_share`), and only a fully repaid pool is swept again.
        bool settled = _fundedAt != 0 && _openBorrowers == 0;
        if (!(firstSweep ? settled : _totalRepaid == _scheduledTotal)) revert Errors.NotSettled();
        if (firstSweep) poolAtSweep = pool;

        uint256 shares;
        uint256 invested;
        address previous;
        for (uint256 i; i < lenders.length; ++i) {
            address lender = lenders[i];
            if (lender <= previous) revert Errors.LendersNotAscending(lender);
            previous = lender;
            uint256 amount = _lenders[lender].invested;
            invested += amount;
            shares += _share(t, pool, poolAtSweep, amount);
        }
        // Ascending addresses are distinct; summing to the total, they are every lender.
        if (invested != t.totalAmount) revert Errors.LendersIncomplete(invested, t.totalAmount);
        dust = pool - shares - _dustSwept;
        if (dust == 0) revert Errors.ZeroAmount();

        if (firstSweep) _poolAtSweep = uint128(pool);
        _dustSwept += uint128(dust);
        emit Events.DustSwept(creator, dust);

        _push(t, creator, dust);
    }

    // =========================================================================================
    //                                          VIEWS
    // =========================================================================================

    /// @inheritdoc ILoan
    function terms() external view returns (address creator, LoanTerms memory) {
        return _creatorAndTerms();
    }

    /// @inheritdoc ILoan
    function fundedAt() external view returns (uint256) {
        return _fundedAt;
    }

    /// @inheritdoc ILoan
    function isReady() external view returns (bool) {
        return _fundedAt != 0;
    }

    /// @inheritdoc ILoan
    function isFailed() external view returns (bool) {
        return _isFailed(_terms());
    }

    /// @inheritdoc ILoan
    function totals()
        external
        view
        returns (uint256 invested, uint256 requested, uint256 repaid, uint256 scheduledTotal)
    {
        return (_totalInvested, _totalRequested, _totalRepaid, _scheduledTotal);
    }

    /// @inheritdoc ILoan
    function availableToBorrow() external view returns (uint256) {
        LoanTerms memory t = _terms();
        if (_fundedAt != 0 || block.timestamp > t.fundDate) return 0;
        return t.totalAmount - _totalRequested;
    }

    /// @inheritdoc ILoan
    function borrowerPosition(address borrower) external view returns (BorrowerPosition memory) {
        return _borrowers[borrower];
    }

    /// @inheritdoc ILoan
    function lenderPosition(address lender) external view returns (LenderPosition memory) {
        return _lenders[lender];
    }

    /// @inheritdoc ILoan
    function installmentOf(address borrower) external view returns (uint256) {
        return _installment(_terms(), _borrowers[borrower]);
    }

    /// @inheritdoc ILoan
    function amountDue(address borrower, uint256 t) external view returns (uint256) {
        LoanTerms memory terms_ = _terms();
        return _amountDue(terms_, _installment(terms_, _borrowers[borrower]), t);
    }

    /// @inheritdoc ILoan
    function arrears(address borrower, uint256 t) external view returns (uint256) {
        LoanTerms memory terms_ = _terms();
        BorrowerPosition storage position = _borrowers[borrower];
        return _arrears(terms_, _installment(terms_, position), position.paid, t);
    }

    /// @inheritdoc ILoan
    function owed(address borrower) external view returns (uint256) {
        BorrowerPosition storage position = _borrowers[borrower];
        LoanTerms memory t = _terms();
        return _installment(t, position) * t.numPayments - position.paid;
    }

    /// @inheritdoc ILoan
    function isInDefault(address borrower, uint256 t) external view returns (bool) {
        (bool inDefault,) = _defaultState(_terms(), _borrowers[borrower], t);
        return inDefault;
    }

    /// @inheritdoc ILoan
    function withdrawable(address lender) external view returns (uint256) {
        return _withdrawable(_terms(), lender);
    }

    /// @inheritdoc ILoan
    function feesWithdrawable() external view returns (uint256) {
        return _feesAccrued(_terms()) - _feesWithdrawn;
    }

    /// @inheritdoc ILoan
    function openBorrowers() external view returns (uint256) {
        return _openBorrowers;
    }

    /// @inheritdoc ILoan
    function dustSwept() external view returns (uint256) {
        return _dustSwept;
    }

    /// @inheritdoc ILoan
    function reclaimedTotal() external view returns (uint256) {
        return _reclaimed;
    }

    // =========================================================================================
    //                                        INTERNALS
    // =========================================================================================

    function _creatorAndTerms() private view returns (address, LoanTerms memory) {
        if (address(this) == _implementation) revert Errors.NotAClone();
        return LoanTermsCodec.decode(Clones.fetchCloneArgs(address(this)));
    }

    function _terms() private view returns (LoanTerms memory t) {
        (, t) = _creatorAndTerms();
    }

    function _checkAcceptingFunds(LoanTerms memory t) private view {
        if (_fundedAt != 0 || block.timestamp > t.fundDate) revert Errors.FundingClosed();
    }

    function _isFailed(LoanTerms memory t) private view returns (bool) {
        return _fundedAt == 0 && block.timestamp > t.fundDate;
    }

    /// The schedule starts the moment both sides reach the total.
    function _fundIfComplete(LoanTerms memory t) private {
        if (_totalInvested == t.totalAmount && _totalRequested == t.totalAmount) {
            _fundedAt = uint40(block.timestamp);
            emit Events.Funded(uint40(block.timestamp));
        }
    }

    function _installment(LoanTerms memory t, BorrowerPosition storage position) private view returns (uint256) {
        return ScheduleMath.installmentUp(position.principal, t.intRatePerMil, t.numPayments);
    }

    // The schedule helpers take the installment as an argument: it costs an exponentiation, so each
    // entry point computes it once.
    function _amountDue(LoanTerms memory t, uint256 installment, uint256 time) private view returns (uint256) {
        uint256 start = _fundedAt;
        if (start == 0 || time < start) return 0;
        return ScheduleMath.amountDue(installment, t.numPayments, t.secondsBetweenPayments, time - start);
    }

    function _arrears(LoanTerms memory t, uint256 installment, uint256 paid, uint256 time)
        private
        view
        returns (uint256)
    {
        uint256 due = _amountDue(t, installment, time);
        return due > paid ? due - paid : 0;
    }

    /// Whether the borrower is in default at `time` (behind by the threshold, in an episode that began at
    /// least `gracePeriod` earlier), and their arrears then.
    function _defaultState(LoanTerms memory t, BorrowerPosition storage position, uint256 time)
        private
        view
        returns (bool inDefault, uint256 arrearsThen)
    {
        if (_fundedAt == 0 || position.principal == 0) return (false, 0);
        uint256 installment = _installment(t, position);
        uint256 paid = position.paid;
        arrearsThen = _arrears(t, installment, paid, time);
        uint256 remaining = installment * t.numPayments - paid;
        if (remaining == 0) return (false, arrearsThen);
        uint256 episodeStart = uint256(_fundedAt) + uint256(position.behindSincePeriod) * t.secondsBetweenPayments;
        inDefault = time >= episodeStart + t.gracePeriod && arrearsThen >= Math.min(installment, remaining);
    }

    /// The payment per day a borrower needs not to fall behind (the ledger's CPR share of this loan).
    function _dailyRate(LoanTerms memory t, uint256 installment) private pure returns (uint256) {
        return installment * 1 days / t.secondsBetweenPayments;
    }

    /// The due date from which `paid` leaves the borrower owing more than scheduled: the first one it does
    /// not cover, fundedAt + (floor(paid / installment) + 1) periods (only asked while something is owed).
    function _behindFrom(LoanTerms memory t, uint256 installment, uint256 paid) private view returns (uint256) {
        return _fundedAt + (paid / installment + 1) * t.secondsBetweenPayments;
    }

    /// The first due date k at which `paid` leaves the borrower behind by min(installment, remaining):
    /// k * installment - paid >= installment, i.e. k = ceil(paid / installment) + 1, capped at the last.
    function _firstBehindPeriod(uint256 installment, uint256 numPayments, uint256 paid)
        private
        pure
        returns (uint256)
    {
        return Math.min(Math.ceilDiv(paid, installment) + 1, numPayments);
    }

    function _feesAccrued(LoanTerms memory t) private view returns (uint256) {
        // Principal reclaimed at a default was never lent: the creator takes no fee on it.
        uint256 repaid = _totalRepaid - _reclaimed;
        // Nothing is repaid before funding, when requests may still sum to less than totalAmount;
        // from funding on scheduled >= totalAmount (installments round up), so the interest cannot underflow.
        if (repaid == 0) return 0;
        uint256 scheduled = _scheduledTotal;
        // repaid, interest < 2^113 and fee <= 1000: the product stays below 2^236.
        return repaid * (scheduled - t.totalAmount) * t.creatorFeePerMil / (scheduled * ScheduleMath.PER_MIL);
    }

    function _withdrawable(LoanTerms memory t, address lender) private view returns (uint256) {
        LenderPosition storage position = _lenders[lender];
        if (_fundedAt == 0) return _isFailed(t) ? position.invested - position.withdrawn : 0;
        uint256 pool = _totalRepaid - _feesAccrued(t);
        return _share(t, pool, _poolAtSweep, position.invested) - position.withdrawn;
    }

    /// A lender's share of the pool: floor(pool * invested / total), with the pool split at the first dust
    /// sweep and each part floored on its own. The dust swept at that point is then never owed to a lender,
    /// the share still never shrinks as the pool grows, and all shares together never exceed the pool.
    function _share(LoanTerms memory t, uint256 pool, uint256 poolAtSweep, uint256 invested)
        private
        pure
        returns (uint256)
    {
        uint256 total = t.totalAmount;
        return poolAtSweep * invested / total + (pool - poolAtSweep) * invested / total;
    }

    function _checkEtherValue(LoanTerms memory t, uint256 amount) private view {
        uint256 expected = t.asset == address(0) ? amount : 0;
        if (msg.value != expected) revert Errors.WrongEtherValue(msg.value, expected);
    }

    /// Pulls `amount` of a token loan's asset from `from`; ether arrived with the call.
    function _pull(LoanTerms memory t, address from, uint256 amount) private {
        if (t.asset == address(0)) return;
        IERC20 token = IERC20(t.asset);
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(from, address(this), amount);
        uint256 received = token.balanceOf(address(this)) - before;
        if (received != amount) revert Errors.TransferAmountMismatch(amount, received);
    }

    function _push(LoanTerms memory t, address to, uint256 amount) private {
        if (t.asset == address(0)) {
            (bool ok,) = to.call{value: amount}("");
            if (!ok) revert Errors.EtherTransferFailed(to, amount);
        } else {
            IERC20(t.asset).safeTransfer(to, amount);
        }
    }
}
