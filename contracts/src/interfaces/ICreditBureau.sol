// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {IIdentityEscrow, IdentityRecord} from "./IIdentityEscrow.sol";
import {IDecisionModels} from "./IDecisionModels.sol";

import {LoanTerms} from "../libraries/LoanTerms.sol";

/// @notice A borrower's ledger, slot 0: registration, the clock of the integrals, the counters.
struct LedgerCore {
    /// @notice FICO score the notary verified at registration (300-850); zero means unregistered.
    uint16 ficoScore;
    /// @notice FLT: when the first borrow request was made (0: no history yet).
    uint40 firstLoanAt;
    /// @notice The time the debt, payment-rate and loan-count integrals are accumulated up to.
    uint40 lastUpdate;
    /// @notice The time `timeBehind`, the clean run and the OSC accumulators are accumulated up to.
    uint40 timelineAt;
    /// @notice Start of the current run of time not owing more than scheduled (meaningful while in one).
    uint40 cleanRunStart;
    /// @notice TOT: seconds spent owing more than scheduled, up to `lastUpdate`.
    uint40 timeBehind;
    /// @notice Requests and loans not yet repaid in full (at most 6).
    uint8 activeLoans;
    /// @notice Loans this borrower was confirmed in default on.
    uint16 defaults;
}

/// @notice For each disbursed loan not repaid in full, the due date from which it leaves the borrower owing
///         more than scheduled (6 x 40 bits, 0 = free place): behind at t iff some date <= t.
struct LedgerDueDates {
    uint240 behindFrom;
    uint16 mark;
}

/// @notice COB, everything still owed on the requests and loans (scheduled totals less payments), and CPR,
///         the payment per day needed not to fall behind on them.
struct LedgerAmounts {
    uint120 debt;
    uint120 paymentRate;
    uint16 mark;
}

/// @notice A quantity's integral over time since FLT (its average is this over the elapsed time), and its
///         TAE: the integral of |the quantity - its average so far| (the pseudo standard deviation is this
///         over the elapsed time).
struct LedgerIntegral {
    uint120 time;
    uint120 deviation;
    uint16 mark;
}

/// @notice TEL, the principal disbursed over all loans, and WTEL, principal times disbursement time.
struct LedgerLent {
    uint96 total;
    uint144 weightedTime;
    uint16 mark;
}

/// @notice Everything repaid; the integral of `activeLoans`; the points owed to the k-NN model (one per loan
///         repaid in full or defaulted, taken by `recordPoint`).
struct LedgerTotals {
    uint120 repaid;
    uint64 loanCountTime;
    uint8 pendingPoints;
    uint16 mark;
}

/// @notice OSC accumulators of 30 bits each (saturating at 34 years): over the closed runs of not owing more
///         than scheduled, of length L, the sum of max(0, L - w) seconds for window w.
struct LedgerOsc {
    uint240 packed;
    uint16 mark;
}

/// @notice What the bureau keeps of each registered borrower: nine storage slots, one per member, updated in
///         O(1) by the loans at each request, disbursement, payment and default;
///         `libraries/BorrowerLedger.sol` documents how the ALOE ratios come out of them. Amounts are in the
///         loans' base units, times in seconds. Every slot past the first carries a `mark` set at
///         registration, so that no later update pays for a fresh storage slot (the notary pays that once).
struct ScoreLedger {
    LedgerCore core;
    LedgerDueDates due;
    LedgerAmounts amounts;
    LedgerIntegral debtIntegral;
    LedgerIntegral rateIntegral;
    LedgerLent lent;
    LedgerTotals totals;
    /// @notice Windows 2^0 .. 2^7 days.
    LedgerOsc oscLow;
    /// @notice Windows 2^8 .. 2^14 days.
    LedgerOsc oscHigh;
}

/// @title ICreditBureau
/// @notice The ALOE credit bureau: registers borrowers through notaries, creates and finds loans,
///         keeps each borrower's ledger (updated only by loans it created) and scores borrowers.
interface ICreditBureau {
    // ---- notaries ----

    /// @notice Allows `notary` to register borrowers. Owner only.
    function addNotary(address notary) external;

    /// @notice Revokes `notary`. Owner only.
    function removeNotary(address notary) external;

    /// @notice Whether `account` is a notary.
    function isNotary(address account) external view returns (bool);

    // ---- registration ----

    /// @notice Reverts with `AddressAlreadyUsed` unless `borrower` has never been registered.
    function verifyUnusedAddress(address borrower) external view;

    /// @notice Sets the identity escrow registrations record into; once. Owner only.
    function setIdentityEscrow(address escrow) external;

    /// @notice The identity escrow registrations record into (zero until set); loans read borrowers' attributes
    ///         commitments from it.
    function identityEscrow() external view returns (IIdentityEscrow);

    /// @notice The registry of decision models loans may require (fixed at deployment).
    function decisionModels() external view returns (IDecisionModels);

    /// @notice Registers `borrower` with its verified FICO score and escrows its identity (`identity`: the
    ///         commitments the notary made after handing the shares to the auditors); once per address and
    ///         once per identity, ever. Notary only.
    /// @param timestamp When the notary verified the borrower; not in the future.
    function initScoreLedger(address borrower, uint256 ficoScore, uint256 timestamp, IdentityRecord calldata identity)
        external;

    /// @notice `borrower`'s ledger (all zero when unregistered).
    function ledgerOf(address borrower) external view returns (ScoreLedger memory);

    // ---- loans ----

    /// @notice Deploys a loan with `terms`, the caller as its creator. A decision model in the terms must be
    ///         registered and not retired (`UnknownDecisionModel`, `RetiredDecisionModel`); without one the margin
    ///         must be 0 (`DecisionMarginWithoutModel`).
    function createLoan(LoanTerms calldata terms) external returns (address loan);

    /// @notice Loans `offset .. offset + limit` (in creation order) that are open and can still lend
    ///         `amountNeeded`; `next` is where the next page starts (the loan count when done).
    function findLoan(uint256 amountNeeded, uint256 offset, uint256 limit)
        external
        view
        returns (address[] memory loans, uint256 next);

    /// @notice Whether `account` is a loan this bureau created.
    function isLoan(address account) external view returns (bool);

    /// @notice Number of loans created.
    function loanCount() external view returns (uint256);

    /// @notice The `index`-th loan created.
    function loanAt(uint256 index) external view returns (address);

    // ---- ledger updates from loans (callable only by this bureau's loans) ----

    /// @notice `borrower` requests `amount`, repaid in `numPayments` installments of `installment`, one every
    ///         `period` seconds: returns their score for it (as `getScore` computes it, before the request)
    ///         and records the request. One call, so a borrow reads the ledger once.
    function updateScoreBorrow(
        address borrower,
        uint256 amount,
        uint256 installment,
        uint256 numPayments,
        uint256 period
    ) external returns (uint256 score);

    /// @notice `borrower`'s request of `amount` was withdrawn (before funding, or after a failed funding).
    function updateScoreBorrowCancelled(address borrower, uint256 amount, uint256 scheduledTotal, uint256 dailyRate)
        external;

    /// @notice `borrower` took `principal`; unpaid, the loan leaves them owing more than scheduled from
    ///         `behindFrom` (its first due date).
    function updateScoreDisbursed(address borrower, uint256 principal, uint256 behindFrom) external;

    /// @notice `borrower` paid `amount`, which moved the date from which the loan leaves them behind from
    ///         `oldBehindFrom` to `newBehindFrom`; `settled` when they now owe nothing on it (its `dailyRate`
    ///         leaves the ledger).
    function updateScoreRepayment(
        address borrower,
        uint256 amount,
        uint256 oldBehindFrom,
        uint256 newBehindFrom,
        uint256 dailyRate,
        bool settled
    ) external;

    // ---- scoring ----

    /// @notice `client`'s credit score in thousandths for a request with these terms (paper IV): the k-NN
    ///         model's answer for the client's ratios (UPR, CDBR, CPBR, RAR, ANCL) as if this loan were
    ///         approved, at the loan's duration. Cold start: a client without history asking for a loan within
    ///         the cold-start limits of its asset (a loan asks in its own asset, anyone else in ether's) scores
    ///         FICO / 1000; so does everyone while the model has no point. Reverts for unregistered clients and
    ///         for terms no loan could have.
    function getScore(
        address client,
        uint256 amtRequested,
        uint256 intRatePerMil,
        uint256 numPayments,
        uint256 secondsBetweenPayments
    ) external view returns (uint256);

    /// @notice `borrower`'s five ratios now (16-bit fixed point), as if a loan adding `extraDebt` to the debt,
    ///         `extraDailyRate` to the payment rate and `extraLent` to the principal received were approved.
    function ratiosOf(address borrower, uint256 extraDebt, uint256 extraDailyRate, uint256 extraLent)
        external
        view
        returns (uint256[5] memory);

    /// @notice `borrower`'s OSC-w labels now (8-bit) and how many windows are observable (the rest repeat the
    ///         largest observable one).
    function labelsOf(address borrower) external view returns (uint256[15] memory osc, uint256 observed);

    /// @notice Adds `borrower`'s point to the k-NN model's new set: their ratios and OSC labels now. A point
    ///         is owed for every loan they repaid in full or defaulted on; anyone may take it (a keeper does).
    function recordPoint(address borrower) external returns (uint256 point);

    /// @notice Sets the cold-start limits of `asset` (amount, payment per day, in its base units). Owner only.
    function setColdStartLimits(address asset, uint256 maxAmount, uint256 maxDailyPayment) external;

    /// @notice The cold-start limits of `asset`; an unconfigured asset has none.
    function coldStartLimits(address asset)
        external
        view
        returns (uint256 maxAmount, uint256 maxDailyPayment, bool configured);

    /// @notice Runs the model's periodic update every `interval` createLoan calls (0: never), sealing new
    ///         points once `sealThreshold` wait (between the model's MIN_SEAL and BUFFER_CAPACITY). Owner only.
    function setModelUpdate(uint256 interval, uint256 sealThreshold) external;

    /// @notice The installment a borrower of `principal` would pay per period (rounded up).
    function quoteInstallment(uint256 principal, uint256 intRatePerMil, uint256 numPayments)
        external
        pure
        returns (uint256);

    // ---- defaults ----

    /// @notice Anyone may report that `borrower` is in default on `loan`; a false report reverts.
    ///         Emits `DefaultConfirmed` and counts the default in the borrower's ledger.
    function reportDefault(address loan, address borrower) external;
}
