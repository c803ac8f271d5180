// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @notice The terms a loan creator sets at `createLoan`; fixed for the loan's life.
/// @dev Widths are the protocol's limits: they let the terms travel as 81 bytes of clone arguments (three words).
struct LoanTerms {
    /// @notice address(0) for native ether, otherwise the ERC-20 token lent and repaid.
    address asset;
    /// @notice The amount lenders must invest and borrowers must request before the loan funds.
    uint96 totalAmount;
    /// @notice Interest per payment period, in thousandths of the outstanding principal.
    uint16 intRatePerMil;
    /// @notice Number of level installments.
    uint16 numPayments;
    /// @notice Length of one payment period.
    uint32 secondsBetweenPayments;
    /// @notice Minimum credit score (thousandths) a borrower needs to request funds.
    uint16 minCreditScore;
    /// @notice Investments and requests close at this timestamp; unfunded by then, the loan fails.
    uint40 fundDate;
    /// @notice How long arrears of a full installment may last before the borrower is in default.
    uint32 gracePeriod;
    /// @notice The creator's fee, in thousandths of the interest repaid.
    uint16 creatorFeePerMil;
    /// @notice The decision model (its index in the bureau's `DecisionModels`) whose proof a borrower must present
    ///         with `borrowWithProof`; 0 for none (then `borrow`, the credit score alone, decides).
    uint32 decisionModel;
    /// @notice The least margin the proof must show: the model's approve logit minus its reject logit, in the
    ///         model's fixed-point units (2^-f of a logit; f = 12 for the shipped model, so 4,096 is one logit);
    ///         may be negative; 0 when there is no decision model.
    int32 minDecisionMargin;
}

/// @title LoanTermsCodec
/// @notice Packs a loan's creator and terms into the immutable arguments of its clone.
/// @dev Layout (81 bytes): creator(20) totalAmount(12) | asset(20) intRatePerMil(2) numPayments(2)
///      secondsBetweenPayments(4) minCreditScore(2) creatorFeePerMil(2) | fundDate(5) gracePeriod(4)
///      decisionModel(4) minDecisionMargin(4, two's complement).
library LoanTermsCodec {
    /// @notice The clone arguments for `creator` and `terms`.
    function encode(address creator, LoanTerms memory terms) internal pure returns (bytes memory) {
        return abi.encodePacked(
            creator,
            terms.totalAmount,
            terms.asset,
            terms.intRatePerMil,
            terms.numPayments,
            terms.secondsBetweenPayments,
            terms.minCreditScore,
            terms.creatorFeePerMil,
            terms.fundDate,
            terms.gracePeriod,
            terms.decisionModel,
            terms.minDecisionMargin
        );
    }

    /// @notice The creator and terms packed by `encode`.
    function decode(bytes memory args) internal pure returns (address creator, LoanTerms memory terms) {
        uint256 w0;
        uint256 w1;
        uint256 w2;
        assembly ("memory-safe") {
            w0 := mload(add(args, 32))
            w1 := mload(add(args, 64))
            w2 := mload(add(args, 96))
        }
        creator = address(uint160(w0 >> 96));
        terms.totalAmount = uint96(w0);
        terms.asset = address(uint160(w1 >> 96));
        terms.intRatePerMil = uint16(w1 >> 80);
        terms.numPayments = uint16(w1 >> 64);
        terms.secondsBetweenPayments = uint32(w1 >> 32);
        terms.minCreditScore = uint16(w1 >> 16);
        terms.creatorFeePerMil = uint16(w1);
        terms.fundDate = uint40(w2 >> 216);
        terms.gracePeriod = uint32(w2 >> 184);
        terms.decisionModel = uint32(w2 >> 152);
        terms.minDecisionMargin = int32(uint32(w2 >> 120));
    }
}
