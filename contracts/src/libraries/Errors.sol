// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @title Errors
/// @notice Every custom error of the Aloe protocol, in one place so off-chain code decodes them all.
library Errors {
    // ---- access control ----
    /// @notice The caller is not a notary of this bureau.
    error NotNotary(address caller);
    /// @notice The caller is not a loan created by this bureau.
    error NotLoan(address caller);
    /// @notice The caller is not the bureau that created this loan.
    error NotBureau(address caller);
    /// @notice The caller is not this loan's creator.
    error NotCreator(address caller);

    // ---- registration ----
    /// @notice The address already has (or once had) a score ledger.
    error AddressAlreadyUsed(address borrower);
    /// @notice The address has no score ledger.
    error NotRegistered(address borrower);
    /// @notice FICO scores lie in [300, 850].
    error InvalidFicoScore(uint256 ficoScore);
    /// @notice A registration timestamp may not lie in the future.
    error TimestampInFuture(uint256 timestamp);
    /// @notice The zero address cannot be a notary or a borrower.
    error ZeroAddress();
    /// @notice The notary is already in the set.
    error AlreadyNotary(address notary);

    // ---- loan terms ----
    /// @notice Amounts must be positive.
    error ZeroAmount();
    /// @notice A loan's total must fit in 96 bits (about 7.9e28 base units).
    error AmountTooLarge(uint256 amount);
    /// @notice Interest per period is at most 1000 per mil (100%).
    error InterestRateTooHigh(uint256 intRatePerMil);
    /// @notice A schedule has between 1 and 1200 payments.
    error InvalidNumPayments(uint256 numPayments);
    /// @notice The payment period must be between one minute and ten years.
    error InvalidPaymentPeriod(uint256 secondsBetweenPayments);
    /// @notice Credit scores are in thousandths, at most 1000.
    error InvalidMinCreditScore(uint256 minCreditScore);
    /// @notice The fund date must lie in the future (and fit 40 bits).
    error InvalidFundDate(uint256 fundDate);
    /// @notice The grace period must be at most ten years.
    error InvalidGracePeriod(uint256 gracePeriod);
    /// @notice The creator's fee is at most 1000 per mil of the interest.
    error CreatorFeeTooHigh(uint256 creatorFeePerMil);
    /// @notice An ERC-20 asset must be a contract.
    error AssetNotContract(address asset);

    // ---- loan lifecycle ----
    /// @notice The loan no longer takes investments or borrow requests.
    error FundingClosed();
    /// @notice The loan has not funded.
    error NotFunded();
    /// @notice The loan has already funded.
    error AlreadyFunded();
    /// @notice The Loan implementation is only used through its clones.
    error NotAClone();
    /// @notice There is no loan at `index`; `count` loans exist.
    error LoanIndexOutOfRange(uint256 index, uint256 count);
    /// @notice `loan` was not created by this bureau.
    error UnknownLoan(address loan);
    /// @notice Investing this much would exceed the loan's total.
    error OverInvestment(uint256 amount, uint256 available);
    /// @notice Requesting this much would exceed the loan's total.
    error OverRequest(uint256 amount, uint256 available);
    /// @notice Each borrower makes one request per loan.
    error AlreadyRequested(address borrower);
    /// @notice The borrower has no request in this loan.
    error NoRequest(address borrower);
    /// @notice The borrower's score is below the loan's minimum.
    error ScoreBelowMinimum(uint256 score, uint256 minCreditScore);
    /// @notice The borrower already received their funds.
    error AlreadyDisbursed(address borrower);
    /// @notice The payment is larger than what the borrower still owes.
    error PaymentExceedsOwed(uint256 amount, uint256 owed);
    /// @notice The withdrawal is larger than what the caller may withdraw now.
    error WithdrawalExceedsAvailable(uint256 amount, uint256 available);
    /// @notice For an ether loan msg.value must equal the amount; for a token loan it must be zero.
    error WrongEtherValue(uint256 sent, uint256 expected);
    /// @notice The token delivered a different amount than asked (fee-on-transfer tokens are refused).
    error TransferAmountMismatch(uint256 expected, uint256 received);
    /// @notice Sending ether to the recipient failed.
    error EtherTransferFailed(address to, uint256 amount);
    /// @notice The borrower is not in default on this loan.
    error NotInDefault(address borrower);
    /// @notice The borrower's default on this loan was already confirmed.
    error AlreadyDefaulted(address borrower);
    /// @notice A borrower pays only after taking the principal.
    error NotDisbursed(address borrower);

    // ---- dust ----
    /// @notice The pool may still change: some borrower has neither repaid in full nor defaulted (or, after
    ///         the first sweep, not every schedule is repaid in full).
    error NotSettled();
    /// @notice The lender list must be strictly ascending (so no lender is counted twice).
    error LendersNotAscending(address lender);
    /// @notice The listed lenders' investments must sum to the loan's total (so no lender is missing).
    error LendersIncomplete(uint256 listed, uint256 totalAmount);

    // ---- k-NN model ----
    /// @notice The caller is not the model's operator (the bureau).
    error NotOperator(address caller);
    /// @notice A packed point has bits set above bit 200.
    error InvalidPoint(uint256 point);
    /// @notice Query coordinate `index` does not fit 16 bits.
    error InvalidQuery(uint256 index, uint256 value);
    /// @notice A chunk holds 1 to 511 points.
    error InvalidChunkSize(uint256 points);
    /// @notice Chunk data must start with a STOP byte and fit the code size limit.
    error InvalidChunk(uint256 length);
    /// @notice Deploying a data chunk failed.
    error ChunkDeploymentFailed();
    /// @notice k lies in [1, 32].
    error InvalidK(uint256 k);
    /// @notice Nothing staged to publish.
    error EmptyModel();

    // ---- ledger ----
    /// @notice A borrower holds at most this many requests and unsettled loans at once.
    error TooManyActiveLoans(uint256 max);
    /// @notice A loan reported a due date the ledger does not keep (a bug, never expected).
    error LedgerDateMissing(uint256 date);
    /// @notice No point is owed for this borrower.
    error NoPendingPoint(address borrower);
    /// @notice The borrower's history does not cover a single OSC window yet (one day).
    error HistoryTooShort(address borrower);
    /// @notice The update interval must fit 16 bits and the seal threshold lie in [MIN_SEAL, the buffer capacity].
    error InvalidModelUpdate(uint256 interval, uint256 sealThreshold);
    /// @notice A published model holds at most this many points.
    error ModelTooLarge(uint256 maxPoints);
    /// @notice The new set is full until the next rotation.
    error NewSetFull(uint256 maxPoints);
    /// @notice No chunk at this index.
    error ChunkIndexOutOfRange(uint256 index, uint256 count);
    /// @notice A borrower in default may not take the principal (it goes back to the lenders at the report).
    error InDefault(address borrower);

    // ---- identity escrow ----
    /// @notice The caller is not an auditor of the borrower's auditor set.
    error NotAuditor(address caller);
    /// @notice The bureau's identity escrow is set once; registrations need it.
    error IdentityEscrowAlreadySet(address escrow);
    /// @notice No identity escrow is set yet.
    error IdentityEscrowNotSet();
    /// @notice An auditor set has 2 to 16 distinct auditors with keys and a threshold in [2, size].
    error InvalidAuditorSet();
    /// @notice The registration was prepared for another auditor set than the current one.
    error StaleAuditorSet(uint256 epoch, uint256 currentEpoch);
    /// @notice The identity tag, hash and escrow digest must all be set.
    error InvalidIdentityRecord();
    /// @notice The identity behind this tag already registered an address.
    error IdentityAlreadyRegistered(bytes32 identityTag, address borrower);
    /// @notice The borrower has no identity escrow.
    error NoIdentity(address borrower);
    /// @notice The account is not a lender of the loan.
    error NotLender(address loan, address account);
    /// @notice The lender has no encryption key to release a share to.
    error NoEncryptionKey(address lender);
    /// @notice An encryption key cannot be zero.
    error InvalidEncryptionKey();
    /// @notice Lenders and ciphertexts pair one to one, at least one, each ciphertext 1 to 2048 bytes.
    error InvalidRelease();

    // ---- decision models ----
    /// @notice No decision model has index `index`.
    error UnknownDecisionModel(uint32 index);
    /// @notice Model `index` was retired: no new loan may require it.
    error RetiredDecisionModel(uint32 index);
    /// @notice A decision verifier must be a contract.
    error VerifierNotContract(address verifier);
    /// @notice A minimum decision margin needs a decision model to prove it against.
    error DecisionMarginWithoutModel(int32 minDecisionMargin);
    /// @notice This loan requires a decision proof for model `model`: borrow with `borrowWithProof`.
    error DecisionProofRequired(uint32 model);
    /// @notice This loan requires no decision model: borrow with `borrow`.
    error NoDecisionModel();
    /// @notice The notary committed no model attributes for the borrower, so there is nothing to prove against.
    error NoAttributesCommitment(address borrower);
    /// @notice The decision proof does not verify for model `model`, the caller's commitment and the loan's margin.
    error InvalidDecisionProof(uint32 model);
}
