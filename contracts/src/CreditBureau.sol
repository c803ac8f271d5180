// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";

import {ICreditBureau, ScoreLedger} from "./interfaces/ICreditBureau.sol";
import {IIdentityEscrow, IdentityRecord} from "./interfaces/IIdentityEscrow.sol";
import {IDecisionModels} from "./interfaces/IDecisionModels.sol";
import {ILoan} from "./interfaces/ILoan.sol";
import {Errors} from "./libraries/Errors.sol";
import {Events} from "./libraries/Events.sol";
import {LoanTerms, LoanTermsCodec} from "./libraries/LoanTerms.sol";
import {ScheduleMath} from "./libraries/ScheduleMath.sol";
import {BorrowerLedger} from "./libraries/BorrowerLedger.sol";
import {Loan} from "./Loan.sol";
import {KnnModel} from "./knn/KnnModel.sol";
import {KnnPoint} from "./knn/KnnPoint.sol";

/// @title CreditBureau
/// @notice The ALOE credit bureau (paper section III). Aloe's changes to the paper's design:
///         - the owner manages a set of notaries (the paper: the deployer is the only notary);
///         - `initScoreLedger` works once per address ever, so a borrower cannot wipe a bad history;
///         - loans identify the borrower explicitly and only loans this bureau created may update a
///           ledger; nothing uses `tx.origin`, so a contract a user touches cannot act for them;
///         - defaults are confirmed against the loan's own state, so a false report reverts.
contract CreditBureau is ICreditBureau, Ownable2Step {
    uint256 internal constant MIN_FICO = 300;
    uint256 internal constant MAX_FICO = 850;
    uint256 internal constant MAX_SCORE = 1000;
    uint256 internal constant MAX_NUM_PAYMENTS = 1200;
    uint256 internal constant MIN_PERIOD = 1 minutes;
    uint256 internal constant MAX_PERIOD = 3650 days;

    /// @notice The Loan every loan of this bureau clones.
    address public immutable loanImplementation;
    /// @notice The k-NN model getScore consults (governed by this bureau's owner, fed by this bureau).
    KnnModel public immutable scoreModel;
    /// @inheritdoc ICreditBureau
    IDecisionModels public immutable decisionModels;

    /// @inheritdoc ICreditBureau
    /// @dev Set once, after deployment: the escrow is its own contract, deployed with this bureau's address.
    IIdentityEscrow public identityEscrow;

    mapping(address => bool) private _notaries;

    /// A loan this bureau created, and its asset (what getScore's cold-start limits are kept in).
    struct LoanRecord {
        bool exists;
        address asset;
    }

    /// Cold-start limits for one asset: a borrower without history asking for at most `maxAmount` at most
    /// `maxDailyPayment` a day scores FICO / 1000 (paper IV). Unconfigured assets have no limit.
    struct ColdStartLimits {
        uint120 maxAmount;
        uint120 maxDailyPayment;
        bool configured;
    }

    mapping(address => ScoreLedger) private _ledgers;
    mapping(address => LoanRecord) private _loans;
    mapping(uint256 => address) private _loanAt;
    mapping(address => ColdStartLimits) private _coldStart;
    /// Shares its slot with `deployedAt` and the model update settings, written at deployment, so the first
    /// loan pays no fresh slot and createLoan reads them all at once.
    uint64 private _loanCount;
    /// @notice When the bureau was deployed.
    uint40 public deployedAt;
    /// @notice The k-NN model's periodic update runs at every this many createLoan calls (paper IV's M).
    uint16 public modelUpdateInterval;
    /// @notice The periodic update seals the buffer of new points once it holds this many.
    uint16 public modelSealThreshold;

    /// @param decisionModels_ The registry of decision models (its own contract, deployed first: deploying it here
    ///        would take this contract's creation code past the EIP-3860 limit).
    constructor(address owner, IDecisionModels decisionModels_) Ownable(owner) {
        if (address(decisionModels_) == address(0)) revert Errors.ZeroAddress();
        decisionModels = decisionModels_;
        loanImplementation = address(new Loan(address(this), decisionModels_));
        scoreModel = new KnnModel(owner, address(this));
        deployedAt = uint40(block.timestamp);
        (modelUpdateInterval, modelSealThreshold) = (16, 32);
    }

    // =========================================================================================
    //                                         NOTARIES
    // =========================================================================================

    /// @inheritdoc ICreditBureau
    function addNotary(address notary) external onlyOwner {
        if (notary == address(0)) revert Errors.ZeroAddress();
        if (_notaries[notary]) revert Errors.AlreadyNotary(notary);
        _notaries[notary] = true;
        emit Events.NotaryAdded(notary);
    }

    /// @inheritdoc ICreditBureau
    function removeNotary(address notary) external onlyOwner {
        if (!_notaries[notary]) revert Errors.NotNotary(notary);
        _notaries[notary] = false;
        emit Events.NotaryRemoved(notary);
    }

    /// @inheritdoc ICreditBureau
    function isNotary(address account) external view returns (bool) {
        return _notaries[account];
    }

    /// @inheritdoc ICreditBureau
    function setIdentityEscrow(address escrow) external onlyOwner {
        if (escrow == address(0)) revert Errors.ZeroAddress();
        if (address(identityEscrow) != address(0)) revert Errors.IdentityEscrowAlreadySet(address(identityEscrow));
        identityEscrow = IIdentityEscrow(escrow);
        emit Events.IdentityEscrowSet(escrow);
    }

    // =========================================================================================
    //                                       REGISTRATION
    // =========================================================================================

    /// @inheritdoc ICreditBureau
    function verifyUnusedAddress(address borrower) public view {
        if (_ledgers[borrower].core.ficoScore != 0) revert Errors.AddressAlreadyUsed(borrower);
    }

    /// @inheritdoc ICreditBureau
    function initScoreLedger(address borrower, uint256 ficoScore, uint256 timestamp, IdentityRecord calldata identity)
        external
    {
        if (!_notaries[msg.sender]) revert Errors.NotNotary(msg.sender);
        if (borrower == address(0)) revert Errors.ZeroAddress();
        verifyUnusedAddress(borrower);
        if (ficoScore < MIN_FICO || ficoScore > MAX_FICO) revert Errors.InvalidFicoScore(ficoScore);
        if (timestamp == 0 || timestamp > block.timestamp) revert Errors.TimestampInFuture(timestamp);
        IIdentityEscrow escrow = identityEscrow;
        if (address(escrow) == address(0)) revert Errors.IdentityEscrowNotSet();

        BorrowerLedger.register(_ledgers[borrower], ficoScore);
        emit Events.ScoreLedgerInitialized(borrower, msg.sender, uint16(ficoScore), uint40(timestamp));
        // The escrow is this bureau's own contract; it reverts the whole registration on a reused identity.
        escrow.record(borrower, msg.sender, identity);
    }

    /// @inheritdoc ICreditBureau
    function ledgerOf(address borrower) external view returns (ScoreLedger memory) {
        return _ledgers[borrower];
    }

    // =========================================================================================
    //                                          LOANS
    // =========================================================================================

    /// @inheritdoc ICreditBureau
    function createLoan(LoanTerms calldata terms) external returns (address loan) {
        _validate(terms);
        loan = Clones.cloneWithImmutableArgs(loanImplementation, LoanTermsCodec.encode(msg.sender, terms));
        _loans[loan] = LoanRecord({exists: true, asset: terms.asset});
        uint256 count = ++_loanCount;
        _loanAt[count - 1] = loan;
        emit Events.LoanCreated(
            loan,
            msg.sender,
            terms.asset,
            terms.totalAmount,
            terms.intRatePerMil,
            terms.numPayments,
            terms.secondsBetweenPayments,
            terms.minCreditScore,
            terms.fundDate,
            terms.gracePeriod,
            terms.creatorFeePerMil,
            terms.decisionModel,
            terms.minDecisionMargin
        );
        // Paper IV: the model's periodic update runs every M createLoan calls, paid by that caller (at most
        // one sealing of the bounded buffer).
        uint256 interval = modelUpdateInterval;
        if (interval != 0 && count % interval == 0) scoreModel.update(modelSealThreshold);
    }

    /// @inheritdoc ICreditBureau
    function findLoan(uint256 amountNeeded, uint256 offset, uint256 limit)
        external
        view
        returns (address[] memory loans, uint256 next)
    {
        uint256 count = _loanCount;
        // Compared without adding, so a huge `limit` (or `offset`) cannot overflow.
        next = offset < count && limit < count - offset ? offset + limit : count;
        loans = new address[](next > offset ? next - offset : 0);
        uint256 found;
        for (uint256 i = offset; i < next; ++i) {
            address loan = _loanAt[i];
            uint256 available = ILoan(loan).availableToBorrow();
            if (available != 0 && available >= amountNeeded) loans[found++] = loan;
        }
        assembly ("memory-safe") {
            mstore(loans, found)
        }
    }

    /// @inheritdoc ICreditBureau
    function isLoan(address account) external view returns (bool) {
        return _loans[account].exists;
    }

    /// @inheritdoc ICreditBureau
    function loanCount() external view returns (uint256) {
        return _loanCount;
    }

    /// @inheritdoc ICreditBureau
    function loanAt(uint256 index) external view returns (address) {
        if (index >= _loanCount) revert Errors.LoanIndexOutOfRange(index, _loanCount);
        return _loanAt[index];
    }

    // =========================================================================================
    //                                 LEDGER UPDATES FROM LOANS
    // =========================================================================================

    /// @inheritdoc ICreditBureau
    function updateScoreBorrow(
        address borrower,
        uint256 amount,
        uint256 installment,
        uint256 numPayments,
        uint256 period
    ) external returns (uint256 score) {
        LoanRecord memory caller = _loans[msg.sender];
        if (!caller.exists) revert Errors.NotLoan(msg.sender);
        ScoreLedger storage stored = _ledgers[borrower];
        ScoreLedger memory ledger;
        _loadIntegrals(stored, ledger);
        if (ledger.core.ficoScore == 0) revert Errors.NotRegistered(borrower);
        Request memory request = _request(amount, installment, numPayments, period);
        score = _score(stored, ledger, caller.asset, request);
        BorrowerLedger.onBorrow(ledger, block.timestamp, request.scheduledTotal, request.dailyRate);
        _saveIntegrals(stored, ledger);
        emit Events.ScoreBorrowUpdated(borrower, msg.sender, amount);
    }

    /// @inheritdoc ICreditBureau
    function updateScoreBorrowCancelled(address borrower, uint256 amount, uint256 scheduledTotal, uint256 dailyRate)
        external
    {
        ScoreLedger storage stored = _ledgerForLoanUpdate(borrower);
        ScoreLedger memory ledger;
        _loadIntegrals(stored, ledger);
        BorrowerLedger.onBorrowCancelled(ledger, block.timestamp, scheduledTotal, dailyRate);
        _saveIntegrals(stored, ledger);
        emit Events.ScoreBorrowCancelled(borrower, msg.sender, amount);
    }

    /// @inheritdoc ICreditBureau
    function updateScoreDisbursed(address borrower, uint256 principal, uint256 behindFrom) external {
        ScoreLedger storage stored = _ledgerForLoanUpdate(borrower);
        ScoreLedger memory ledger;
        _loadTimeline(stored, ledger);
        ledger.lent = stored.lent;
        BorrowerLedger.onDisbursed(ledger, block.timestamp, principal, behindFrom);
        _saveTimeline(stored, ledger);
        stored.lent = ledger.lent;
        emit Events.ScoreDisbursementUpdated(borrower, msg.sender, principal, behindFrom);
    }

    /// @inheritdoc ICreditBureau
    function updateScoreRepayment(
        address borrower,
        uint256 amount,
        uint256 oldBehindFrom,
        uint256 newBehindFrom,
        uint256 dailyRate,
        bool settled
    ) external {
        ScoreLedger storage stored = _ledgerForLoanUpdate(borrower);
        ScoreLedger memory ledger;
        _loadIntegrals(stored, ledger);
        _loadTimeline(stored, ledger);
        BorrowerLedger.onRepayment(ledger, block.timestamp, amount, oldBehindFrom, newBehindFrom, dailyRate, settled);
        _saveIntegrals(stored, ledger);
        _saveTimeline(stored, ledger);
        emit Events.ScoreRepaymentUpdated(borrower, msg.sender, amount);
    }

    // =========================================================================================
    //                                         SCORING
    // =========================================================================================

    /// @inheritdoc ICreditBureau
    function getScore(
        address client,
        uint256 amtRequested,
        uint256 intRatePerMil,
        uint256 numPayments,
        uint256 secondsBetweenPayments
    ) external view returns (uint256) {
        ScoreLedger storage stored = _ledgers[client];
        ScoreLedger memory ledger;
        _loadIntegrals(stored, ledger);
        if (ledger.core.ficoScore == 0) revert Errors.NotRegistered(client);
        _checkRequest(amtRequested, intRatePerMil, numPayments, secondsBetweenPayments);
        uint256 installment = ScheduleMath.installmentUp(amtRequested, intRatePerMil, numPayments);
        // A loan asks in its own asset's cold-start limits; anyone else asks in ether's.
        LoanRecord memory caller = _loans[msg.sender];
        Request memory request = _request(amtRequested, installment, numPayments, secondsBetweenPayments);
        return _score(stored, ledger, caller.exists ? caller.asset : address(0), request);
    }

    /// A request's figures as the ledger sees them.
    struct Request {
        uint256 amount;
        uint256 scheduledTotal;
        uint256 dailyRate;
        uint256 duration;
    }

    function _request(uint256 amount, uint256 installment, uint256 numPayments, uint256 period)
        private
        pure
        returns (Request memory)
    {
        return Request({
            amount: amount,
            scheduledTotal: installment * numPayments,
            dailyRate: installment * BorrowerLedger.DAY / period,
            duration: numPayments * period
        });
    }

    /// The score for `request` of a ledger whose integral parts are in `ledger` (they are advanced to now
    /// here; the rest is read from `stored` when needed). Cold start (paper IV): no history and a loan within
    /// the asset's limits score FICO / 1000, in thousandths; so does everyone while the model is empty.
    function _score(ScoreLedger storage stored, ScoreLedger memory ledger, address asset, Request memory request)
        private
        view
        returns (uint256)
    {
        uint256 fico = ledger.core.ficoScore;
        if (ledger.core.firstLoanAt == 0) {
            ColdStartLimits memory limits = _coldStart[asset];
            bool small = request.amount <= limits.maxAmount && request.dailyRate <= limits.maxDailyPayment;
            if (!limits.configured || small) return fico;
        }
        ledger.due = stored.due;
        ledger.lent = stored.lent;
        BorrowerLedger.advanceIntegrals(ledger, block.timestamp);
        uint256[5] memory vector =
            BorrowerLedger.ratios(ledger, block.timestamp, request.scheduledTotal, request.dailyRate, request.amount);
        (uint256 score, bool found) = scoreModel.score(vector, request.duration);
        return found ? score : fico;
    }

    /// @inheritdoc ICreditBureau
    function ratiosOf(address borrower, uint256 extraDebt, uint256 extraDailyRate, uint256 extraLent)
        external
        view
        returns (uint256[5] memory)
    {
        ScoreLedger memory ledger = _load(borrower);
        BorrowerLedger.accumulate(ledger, block.timestamp);
        return BorrowerLedger.ratios(ledger, block.timestamp, extraDebt, extraDailyRate, extraLent);
    }

    /// @inheritdoc ICreditBureau
    function labelsOf(address borrower) external view returns (uint256[15] memory osc, uint256 observed) {
        ScoreLedger memory ledger = _load(borrower);
        BorrowerLedger.accumulate(ledger, block.timestamp);
        return BorrowerLedger.labels(ledger, block.timestamp);
    }

    /// @inheritdoc ICreditBureau
    function recordPoint(address borrower) external returns (uint256 point) {
        ScoreLedger memory ledger = _load(borrower);
        if (ledger.totals.pendingPoints == 0) revert Errors.NoPendingPoint(borrower);
        BorrowerLedger.accumulate(ledger, block.timestamp);
        (uint256[15] memory osc, uint256 observed) = BorrowerLedger.labels(ledger, block.timestamp);
        if (observed == 0) revert Errors.HistoryTooShort(borrower);
        uint256[5] memory vector = BorrowerLedger.ratios(ledger, block.timestamp, 0, 0, 0);
        for (uint256 i; i < KnnPoint.DIMENSIONS; ++i) {
            point |= vector[i] << (16 * i);
        }
        for (uint256 j; j < KnnPoint.WINDOWS; ++j) {
            point |= osc[j] << (KnnPoint.LABEL_SHIFT + 8 * j);
        }
        _ledgers[borrower].totals.pendingPoints = ledger.totals.pendingPoints - 1;
        emit Events.PointRecorded(borrower, point);

        scoreModel.append(point);
    }

    /// @inheritdoc ICreditBureau
    function setColdStartLimits(address asset, uint256 maxAmount, uint256 maxDailyPayment) external onlyOwner {
        if (maxAmount > type(uint120).max || maxDailyPayment > type(uint120).max) {
            revert Errors.AmountTooLarge(maxAmount > maxDailyPayment ? maxAmount : maxDailyPayment);
        }
        _coldStart[asset] = ColdStartLimits(uint120(maxAmount), uint120(maxDailyPayment), true);
        emit Events.ColdStartLimitsSet(asset, maxAmount, maxDailyPayment);
    }

    /// @inheritdoc ICreditBureau
    function coldStartLimits(address asset)
        external
        view
        returns (uint256 maxAmount, uint256 maxDailyPayment, bool configured)
    {
        ColdStartLimits memory limits = _coldStart[asset];
        return (limits.maxAmount, limits.maxDailyPayment, limits.configured);
    }

    /// @inheritdoc ICreditBureau
    function setModelUpdate(uint256 interval, uint256 sealThreshold) external onlyOwner {
        if (
            interval > type(uint16).max || sealThreshold < scoreModel.MIN_SEAL()
                || sealThreshold > scoreModel.BUFFER_CAPACITY()
        ) {
            revert Errors.InvalidModelUpdate(interval, sealThreshold);
        }
        (modelUpdateInterval, modelSealThreshold) = (uint16(interval), uint16(sealThreshold));
        emit Events.ModelUpdateSet(interval, sealThreshold);
    }

    /// @inheritdoc ICreditBureau
    function quoteInstallment(uint256 principal, uint256 intRatePerMil, uint256 numPayments)
        external
        pure
        returns (uint256)
    {
        if (principal == 0) revert Errors.ZeroAmount();
        if (principal > type(uint96).max) revert Errors.AmountTooLarge(principal);
        if (intRatePerMil > MAX_SCORE) revert Errors.InterestRateTooHigh(intRatePerMil);
        if (numPayments == 0 || numPayments > MAX_NUM_PAYMENTS) revert Errors.InvalidNumPayments(numPayments);
        return ScheduleMath.installmentUp(principal, intRatePerMil, numPayments);
    }

    // =========================================================================================
    //                                         DEFAULTS
    // =========================================================================================

    /// @inheritdoc ICreditBureau
    function reportDefault(address loan, address borrower) external {
        if (!_loans[loan].exists) revert Errors.UnknownLoan(loan);
        // The loan reverts unless the borrower is in default by its own schedule and state.
        (uint256 arrearsNow, uint256 reclaimed, uint256 dailyRate, bool settled) = ILoan(loan).confirmDefault(borrower);
        ScoreLedger storage stored = _ledgers[borrower];
        ScoreLedger memory ledger;
        _loadIntegrals(stored, ledger);
        _loadTimeline(stored, ledger);
        BorrowerLedger.onDefault(ledger);
        // A principal never taken repays the debt; no due date was ever kept for it.
        if (reclaimed != 0) {
            BorrowerLedger.onRepayment(ledger, block.timestamp, reclaimed, 0, 0, dailyRate, settled);
        }
        _saveIntegrals(stored, ledger);
        _saveTimeline(stored, ledger);
        emit Events.DefaultConfirmed(loan, borrower, msg.sender, arrearsNow);
    }

    // =========================================================================================
    //                                        INTERNALS
    // =========================================================================================

    function _ledgerForLoanUpdate(address borrower) private view returns (ScoreLedger storage ledger) {
        if (!_loans[msg.sender].exists) revert Errors.NotLoan(msg.sender);
        ledger = _ledgers[borrower];
        if (ledger.core.ficoScore == 0) revert Errors.NotRegistered(borrower);
    }

    // Each update reads and writes only the slots it needs: the amounts and their integrals, or the behind
    // timeline (dates, clean run, OSC accumulators); both share the core slot.

    function _loadIntegrals(ScoreLedger storage stored, ScoreLedger memory ledger) private view {
        ledger.core = stored.core;
        ledger.amounts = stored.amounts;
        ledger.debtIntegral = stored.debtIntegral;
        ledger.rateIntegral = stored.rateIntegral;
        ledger.totals = stored.totals;
    }

    function _saveIntegrals(ScoreLedger storage stored, ScoreLedger memory ledger) private {
        stored.core = ledger.core;
        stored.amounts = ledger.amounts;
        stored.debtIntegral = ledger.debtIntegral;
        stored.rateIntegral = ledger.rateIntegral;
        stored.totals = ledger.totals;
    }

    function _loadTimeline(ScoreLedger storage stored, ScoreLedger memory ledger) private view {
        ledger.core = stored.core;
        ledger.due = stored.due;
        ledger.oscLow = stored.oscLow;
        ledger.oscHigh = stored.oscHigh;
    }

    function _saveTimeline(ScoreLedger storage stored, ScoreLedger memory ledger) private {
        stored.core = ledger.core;
        stored.due = ledger.due;
        stored.oscLow = ledger.oscLow;
        stored.oscHigh = ledger.oscHigh;
    }

    /// Reads a whole ledger (one place, so the nine-slot copy is compiled once).
    function _load(address borrower) private view returns (ScoreLedger memory) {
        return _ledgers[borrower];
    }

    /// getScore's request must be one a loan could make.
    function _checkRequest(uint256 amount, uint256 intRatePerMil, uint256 numPayments, uint256 period) private pure {
        if (amount == 0) revert Errors.ZeroAmount();
        if (amount > type(uint96).max) revert Errors.AmountTooLarge(amount);
        if (intRatePerMil > MAX_SCORE) revert Errors.InterestRateTooHigh(intRatePerMil);
        if (numPayments == 0 || numPayments > MAX_NUM_PAYMENTS) revert Errors.InvalidNumPayments(numPayments);
        if (period < MIN_PERIOD || period > MAX_PERIOD) revert Errors.InvalidPaymentPeriod(period);
    }

    function _validate(LoanTerms calldata terms) private view {
        if (terms.totalAmount == 0) revert Errors.ZeroAmount();
        if (terms.intRatePerMil > 1000) revert Errors.InterestRateTooHigh(terms.intRatePerMil);
        if (terms.numPayments == 0 || terms.numPayments > MAX_NUM_PAYMENTS) {
            revert Errors.InvalidNumPayments(terms.numPayments);
        }
        if (terms.secondsBetweenPayments < MIN_PERIOD || terms.secondsBetweenPayments > MAX_PERIOD) {
            revert Errors.InvalidPaymentPeriod(terms.secondsBetweenPayments);
        }
        if (terms.minCreditScore > MAX_SCORE) revert Errors.InvalidMinCreditScore(terms.minCreditScore);
        if (terms.fundDate <= block.timestamp) revert Errors.InvalidFundDate(terms.fundDate);
        if (terms.gracePeriod > MAX_PERIOD) revert Errors.InvalidGracePeriod(terms.gracePeriod);
        if (terms.creatorFeePerMil > 1000) revert Errors.CreatorFeeTooHigh(terms.creatorFeePerMil);
        if (terms.asset != address(0) && terms.asset.code.length == 0) revert Errors.AssetNotContract(terms.asset);
        if (terms.decisionModel != 0) {
            decisionModels.verifyUsable(terms.decisionModel);
        } else if (terms.minDecisionMargin != 0) {
            revert Errors.DecisionMarginWithoutModel(terms.minDecisionMargin);
        }
    }
}
