// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {LoanTerms} from "../libraries/LoanTerms.sol";

/// @notice What the bureau remembers of each registered borrower (one storage slot plus one).
struct ScoreLedger {
    /// @notice FICO score the notary verified at registration (300-850); zero means unregistered.
    uint16 ficoScore;
    /// @notice When the notary registered the address.
    uint40 registeredAt;
    /// @notice Loans currently requested or running and not yet repaid in full.
    uint16 activeLoans;
    /// @notice Loans this borrower was confirmed in default on.
    uint16 defaults;
    /// @notice Last time a loan reported borrowing or repayment.
    uint40 lastUpdate;
    /// @notice Sum of all borrow requests that stand (withdrawn or lapsed requests are removed).
    uint128 totalBorrowed;
    /// @notice Sum of all repayments.
    uint128 totalRepaid;
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

    /// @notice Registers `borrower` with its verified FICO score; once per address, ever. Notary only.
    /// @param timestamp When the notary verified the borrower; not in the future.
    function initScoreLedger(address borrower, uint256 ficoScore, uint256 timestamp) external;

    /// @notice `borrower`'s ledger (all zero when unregistered).
    function ledgerOf(address borrower) external view returns (ScoreLedger memory);

    // ---- loans ----

    /// @notice Deploys a loan with `terms`, the caller as its creator.
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

    // ---- ledger updates from loans ----

    /// @notice A loan records that `borrower` requested `amount`. Callable only by this bureau's loans.
    function updateScoreBorrow(address borrower, uint256 amount) external;

    /// @notice A loan records that `borrower`'s request of `amount` was withdrawn before funding.
    function updateScoreBorrowCancelled(address borrower, uint256 amount) external;

    /// @notice A loan records that `borrower` paid `amount`; `settled` when they now owe nothing.
    function updateScoreRepayment(address borrower, uint256 amount, bool settled) external;

    // ---- scoring ----

    /// @notice `client`'s credit score in thousandths for a request with these terms.
    /// @dev Until the k-NN model lands, every registered client gets the paper's cold-start score,
    ///      FICO / 1000 (so a FICO of 720 scores 720 thousandths). Reverts for unregistered clients.
    function getScore(
        address client,
        uint256 amtRequested,
        uint256 intRatePerMil,
        uint256 numPayments,
        uint256 secondsBetweenPayments
    ) external view returns (uint256);

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
