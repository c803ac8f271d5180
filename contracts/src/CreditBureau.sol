// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";

import {ICreditBureau, ScoreLedger} from "./interfaces/ICreditBureau.sol";
import {ILoan} from "./interfaces/ILoan.sol";
import {Errors} from "./libraries/Errors.sol";
import {Events} from "./libraries/Events.sol";
import {LoanTerms, LoanTermsCodec} from "./libraries/LoanTerms.sol";
import {ScheduleMath} from "./libraries/ScheduleMath.sol";
import {Loan} from "./Loan.sol";
import {KnnModel} from "./knn/KnnModel.sol";

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

    mapping(address => bool) private _notaries;
    mapping(address => ScoreLedger) private _ledgers;
    mapping(address => bool) private _isLoan;
    mapping(uint256 => address) private _loanAt;
    /// Shares its slot with `deployedAt`, written at deployment, so the first loan pays no fresh slot.
    uint64 private _loanCount;
    /// @notice When the bureau was deployed.
    uint40 public deployedAt;

    constructor(address owner) Ownable(owner) {
        loanImplementation = address(new Loan(address(this)));
        scoreModel = new KnnModel(owner, address(this));
        deployedAt = uint40(block.timestamp);
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

    // =========================================================================================
    //                                       REGISTRATION
    // =========================================================================================

    /// @inheritdoc ICreditBureau
    function verifyUnusedAddress(address borrower) public view {
        if (_ledgers[borrower].registeredAt != 0) revert Errors.AddressAlreadyUsed(borrower);
    }

    /// @inheritdoc ICreditBureau
    function initScoreLedger(address borrower, uint256 ficoScore, uint256 timestamp) external {
        if (!_notaries[msg.sender]) revert Errors.NotNotary(msg.sender);
        if (borrower == address(0)) revert Errors.ZeroAddress();
        verifyUnusedAddress(borrower);
        if (ficoScore < MIN_FICO || ficoScore > MAX_FICO) revert Errors.InvalidFicoScore(ficoScore);
        if (timestamp == 0 || timestamp > block.timestamp) revert Errors.TimestampInFuture(timestamp);

        ScoreLedger storage ledger = _ledgers[borrower];
        ledger.ficoScore = uint16(ficoScore);
        ledger.registeredAt = uint40(timestamp);
        emit Events.ScoreLedgerInitialized(borrower, msg.sender, uint16(ficoScore), uint40(timestamp));
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
        _isLoan[loan] = true;
        _loanAt[_loanCount++] = loan;
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
            terms.creatorFeePerMil
        );
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
        return _isLoan[account];
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
    function updateScoreBorrow(address borrower, uint256 amount) external {
        ScoreLedger storage ledger = _ledgerForLoanUpdate(borrower);
        ledger.activeLoans += 1;
        ledger.totalBorrowed += uint128(amount);
        ledger.lastUpdate = uint40(block.timestamp);
        emit Events.ScoreBorrowUpdated(borrower, msg.sender, amount);
    }

    /// @inheritdoc ICreditBureau
    function updateScoreBorrowCancelled(address borrower, uint256 amount) external {
        ScoreLedger storage ledger = _ledgerForLoanUpdate(borrower);
        ledger.activeLoans -= 1;
        ledger.totalBorrowed -= uint128(amount);
        ledger.lastUpdate = uint40(block.timestamp);
        emit Events.ScoreBorrowCancelled(borrower, msg.sender, amount);
    }

    /// @inheritdoc ICreditBureau
    function updateScoreRepayment(address borrower, uint256 amount, bool settled) external {
        ScoreLedger storage ledger = _ledgerForLoanUpdate(borrower);
        ledger.totalRepaid += uint128(amount);
        if (settled) ledger.activeLoans -= 1;
        ledger.lastUpdate = uint40(block.timestamp);
        emit Events.ScoreRepaymentUpdated(borrower, msg.sender, amount);
    }

    // =========================================================================================
    //                                         SCORING
    // =========================================================================================

    /// @inheritdoc ICreditBureau
    function getScore(address client, uint256, uint256, uint256, uint256) external view returns (uint256) {
        uint256 fico = _ledgers[client].ficoScore;
        if (fico == 0) revert Errors.NotRegistered(client);
        // Cold start (paper IV): score = FICO / 1000, expressed in thousandths.
        return fico;
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
        if (!_isLoan[loan]) revert Errors.UnknownLoan(loan);
        // The loan reverts unless the borrower is in default by its own schedule and state.
        (uint256 arrearsNow, uint256 reclaimed, bool settled) = ILoan(loan).confirmDefault(borrower);
        ScoreLedger storage ledger = _ledgers[borrower];
        ledger.defaults += 1;
        if (reclaimed != 0) {
            ledger.totalRepaid += uint128(reclaimed);
            if (settled) ledger.activeLoans -= 1;
        }
        emit Events.DefaultConfirmed(loan, borrower, msg.sender, arrearsNow);
    }

    // =========================================================================================
    //                                        INTERNALS
    // =========================================================================================

    function _ledgerForLoanUpdate(address borrower) private view returns (ScoreLedger storage ledger) {
        if (!_isLoan[msg.sender]) revert Errors.NotLoan(msg.sender);
        ledger = _ledgers[borrower];
        if (ledger.ficoScore == 0) revert Errors.NotRegistered(borrower);
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
    }
}
