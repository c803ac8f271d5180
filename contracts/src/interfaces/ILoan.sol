// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {LoanTerms} from "../libraries/LoanTerms.sol";
import {IDecisionModels} from "./IDecisionModels.sol";

/// @notice One borrower's position in a loan (one storage slot).
struct BorrowerPosition {
    /// @notice The amount requested (the principal).
    uint96 principal;
    /// @notice Everything paid so far.
    uint120 paid;
    /// @notice The due date (index k: fundedAt + k periods) from which the borrower has been, or with no
    ///         further payment will be, behind by a full installment; kept across payments that leave
    ///         them still behind, so the grace period runs from the start of the episode.
    uint16 behindSincePeriod;
    /// @notice Whether the principal was handed over.
    bool disbursed;
    /// @notice Whether the bureau confirmed a default.
    bool defaulted;
    /// @notice Whether the principal was never taken and repaid the debt at the default instead (the bureau's
    ///         ledger then keeps no due date for this loan).
    bool reclaimed;
}

/// @notice One lender's position in a loan (one storage slot).
struct LenderPosition {
    /// @notice The amount invested.
    uint128 invested;
    /// @notice Everything withdrawn so far (repayments share or refund).
    uint128 withdrawn;
}

/// @title ILoan
/// @notice One pooled loan: many lenders invest, many borrowers request, and once both sides reach
///         the total the schedule starts. Borrowers repay level installments; lenders withdraw their
///         pro-rata share of repayments less the creator's fee on interest.
interface ILoan {
    // ---- funding ----

    /// @notice Invests `amount` (ether: msg.value must equal it; token: pulled with transferFrom).
    function invest(uint256 amount) external payable;

    /// @notice Requests `amount`; needs a registered borrower with score >= minCreditScore. Reverts with
    ///         `DecisionProofRequired` on a loan whose terms name a decision model (see `borrowWithProof`).
    function borrow(uint256 amount) external;

    /// @notice Requests `amount` on a loan whose terms name a decision model, with a Groth16 proof (the verifier's
    ///         word order) that the model gives the attributes the notary committed to for the caller a margin of
    ///         at least the loan's `minDecisionMargin`; then exactly as `borrow` (the score minimum still applies).
    ///         Emits `DecisionProofAccepted` before `BorrowRequested`. Reverts with `NoDecisionModel` on a loan
    ///         without one, `NoAttributesCommitment` when the caller's registration committed none, and
    ///         `InvalidDecisionProof` when the proof does not verify.
    function borrowWithProof(uint256 amount, uint256[8] calldata proof) external;

    /// @notice Withdraws the caller's request before the loan funds (or after it failed to fund).
    function cancelBorrow() external;

    /// @notice Whether the loan has funded: invested == requested == totalAmount before fundDate.
    function isReady() external view returns (bool);

    /// @notice Whether the fund date passed without the loan funding; lenders may take refunds.
    function isFailed() external view returns (bool);

    /// @notice Sends the caller's requested principal once the loan has funded (the paper's get$$$).
    function disburse() external;

    // ---- repayment ----

    /// @notice Pays `amount` towards the caller's schedule (at most what they still owe).
    function makePayment(uint256 amount) external payable;

    /// @notice Withdraws up to what the caller may take: their share of repayments, or a refund.
    function withdraw(uint256 amount) external;

    /// @notice Sends the creator the fee accrued on repaid interest. Creator only.
    function withdrawFees() external;

    // ---- defaults ----

    /// @notice Marks `borrower` in default. Bureau only; reverts unless in default. Returns their arrears, the
    ///         principal reclaimed (a principal never disbursed repays their debt and goes to the lenders'
    ///         pool), the loan's payment per day for the borrower, and whether the reclaimed principal settled
    ///         the debt in full.
    function confirmDefault(address borrower)
        external
        returns (uint256 arrears, uint256 reclaimed, uint256 dailyRate, bool settled);

    /// @notice Sends the creator the rounding dust the lenders' pro-rata floors leave, so no base unit stays
    ///         behind. `lenders` must be every lender, in ascending address order (checked: their investments
    ///         sum to the total). Anyone may call, once the pool is settled (no borrower still open: each has
    ///         repaid in full or been confirmed in default), and again once every schedule is repaid in full
    ///         (payments from defaulters after the first sweep bring dust of their own).
    function sweepDust(address[] calldata lenders) external returns (uint256 dust);

    // ---- views ----

    /// @notice The bureau that created this loan.
    function bureau() external view returns (address);

    /// @notice The registry the loan's decision model index refers to (the bureau's).
    function decisionModels() external view returns (IDecisionModels);

    /// @notice The creator and the terms.
    function terms() external view returns (address creator, LoanTerms memory);

    /// @notice Timestamp the loan funded (0 before).
    function fundedAt() external view returns (uint256);

    /// @notice Totals: invested, requested, repaid, and the sum of all borrowers' scheduled payments.
    function totals()
        external
        view
        returns (uint256 invested, uint256 requested, uint256 repaid, uint256 scheduledTotal);

    /// @notice What can still be invested or requested (0 once funded, failed or closed).
    function availableToBorrow() external view returns (uint256);

    /// @notice `borrower`'s position.
    function borrowerPosition(address borrower) external view returns (BorrowerPosition memory);

    /// @notice `lender`'s position.
    function lenderPosition(address lender) external view returns (LenderPosition memory);

    /// @notice `borrower`'s per-period installment.
    function installmentOf(address borrower) external view returns (uint256);

    /// @notice What `borrower` should have paid by time `t` under the schedule.
    function amountDue(address borrower, uint256 t) external view returns (uint256);

    /// @notice How far `borrower` is behind the schedule at time `t` (0 when on or ahead of it).
    function arrears(address borrower, uint256 t) external view returns (uint256);

    /// @notice What `borrower` still owes in all.
    function owed(address borrower) external view returns (uint256);

    /// @notice Whether `borrower` is in default at time `t`: behind by a full installment (or by everything
    ///         left, when less remains) without interruption since at least `t - gracePeriod`.
    function isInDefault(address borrower, uint256 t) external view returns (bool);

    /// @notice What `lender` may withdraw now.
    function withdrawable(address lender) external view returns (uint256);

    /// @notice The creator's fee accrued and not yet withdrawn.
    function feesWithdrawable() external view returns (uint256);

    /// @notice Borrowers with a request who have neither repaid in full nor been confirmed in default.
    function openBorrowers() external view returns (uint256);

    /// @notice Rounding dust swept to the creator so far.
    function dustSwept() external view returns (uint256);

    /// @notice Principal reclaimed at defaults (never lent, so the creator's fee leaves it out).
    function reclaimedTotal() external view returns (uint256);
}
