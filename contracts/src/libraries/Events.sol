// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @title Events
/// @notice Every event of the Aloe protocol: enough for an indexer to rebuild all state.
library Events {
    // ---- CreditBureau ----
    /// @notice `notary` may now register borrowers.
    event NotaryAdded(address indexed notary);
    /// @notice `notary` may no longer register borrowers.
    event NotaryRemoved(address indexed notary);
    /// @notice `notary` registered `borrower` with an initial FICO score at `timestamp`.
    event ScoreLedgerInitialized(address indexed borrower, address indexed notary, uint16 ficoScore, uint40 timestamp);
    /// @notice A loan was created by `creator` with these terms (`decisionModel` 0: no decision proof required).
    event LoanCreated(
        address indexed loan,
        address indexed creator,
        address indexed asset,
        uint96 totalAmount,
        uint16 intRatePerMil,
        uint16 numPayments,
        uint32 secondsBetweenPayments,
        uint16 minCreditScore,
        uint40 fundDate,
        uint32 gracePeriod,
        uint16 creatorFeePerMil,
        uint32 decisionModel,
        int32 minDecisionMargin
    );
    /// @notice `borrower`'s ledger recorded a borrow request of `amount` in `loan`.
    event ScoreBorrowUpdated(address indexed borrower, address indexed loan, uint256 amount);
    /// @notice `borrower`'s ledger dropped a withdrawn or lapsed request of `amount` in `loan`.
    event ScoreBorrowCancelled(address indexed borrower, address indexed loan, uint256 amount);
    /// @notice `borrower`'s ledger recorded a payment of `amount` to `loan`.
    event ScoreRepaymentUpdated(address indexed borrower, address indexed loan, uint256 amount);
    /// @notice `loan` recorded that `borrower` took `principal`, due from `behindFrom`.
    event ScoreDisbursementUpdated(
        address indexed borrower, address indexed loan, uint256 principal, uint256 behindFrom
    );
    /// @notice `borrower`'s point went to the k-NN model.
    event PointRecorded(address indexed borrower, uint256 point);
    /// @notice Governance set `asset`'s cold-start limits.
    event ColdStartLimitsSet(address indexed asset, uint256 maxAmount, uint256 maxDailyPayment);
    /// @notice Governance set the model's periodic update.
    event ModelUpdateSet(uint256 interval, uint256 sealThreshold);
    /// @notice `reporter` showed that `borrower` is in default on `loan`, owing `arrears` past due.
    event DefaultConfirmed(address indexed loan, address indexed borrower, address indexed reporter, uint256 arrears);

    // ---- Loan ----
    /// @notice `lender` invested `amount`; the loan now holds `totalInvested` of investment.
    event Invested(address indexed lender, uint256 amount, uint256 totalInvested);
    /// @notice `borrower` requested `amount`, to be repaid in installments of `installment`.
    event BorrowRequested(address indexed borrower, uint256 amount, uint256 installment, uint256 totalRequested);
    /// @notice `borrower` withdrew their request of `amount` before the loan funded.
    event BorrowCancelled(address indexed borrower, uint256 amount);
    /// @notice The loan is fully invested and fully requested: its schedule starts at `fundedAt`.
    event Funded(uint40 fundedAt);
    /// @notice `borrower` received their `amount`.
    event Disbursed(address indexed borrower, uint256 amount);
    /// @notice `borrower` paid `amount`; they have paid `totalPaid` in all.
    event PaymentMade(address indexed borrower, uint256 amount, uint256 totalPaid);
    /// @notice `lender` withdrew `amount` (`refund` when the loan failed to fund).
    event Withdrawn(address indexed lender, uint256 amount, bool refund);
    /// @notice The creator withdrew `amount` of fees.
    event FeesWithdrawn(address indexed creator, uint256 amount);
    /// @notice The bureau confirmed `borrower`'s default on this loan.
    event DefaultMarked(address indexed borrower, uint256 arrears);
    /// @notice The principal of a borrower who never took it returned to the lenders' pool at their default.
    event PrincipalReclaimed(address indexed borrower, uint256 principal);
    /// @notice Rounding dust went to the creator.
    event DustSwept(address indexed creator, uint256 amount);
    /// @notice `borrower` proved that model `model` gives their committed attributes a margin of at least
    ///         `minMargin` (the borrow request follows in `BorrowRequested`).
    event DecisionProofAccepted(address indexed borrower, uint32 indexed model, int32 minMargin);

    // ---- k-NN model ----
    /// @notice Governance staged chunk number `index` (at `chunk`, `points` points) of the next model.
    event ChunkStaged(uint256 indexed index, address chunk, uint256 points);
    /// @notice Governance dropped the staged chunks.
    event StagingCleared();
    /// @notice The staged points became the model (old set, `size` points) with `k` neighbours.
    event ModelPublished(uint256 size, uint256 k);
    /// @notice k changed.
    event KChanged(uint256 k);
    /// @notice The bureau added a point to the new set; `buffered` points now wait for sealing.
    event PointAppended(uint256 point, uint256 buffered);
    /// @notice The buffer became a chunk of the new set.
    event BufferSealed(address chunk, uint256 points);
    /// @notice The new set became the old one (`size` points) and a new set started.
    event ModelRotated(uint256 size);

    // ---- IdentityEscrow ----
    /// @notice The bureau's identity escrow was set.
    event IdentityEscrowSet(address escrow);
    /// @notice A new auditor set, `epoch`, of which any `threshold` reconstruct an identity.
    event AuditorSetChanged(uint32 indexed epoch, uint8 threshold, address[] accounts, bytes32[] encryptionKeys);
    /// @notice `notary` escrowed `borrower`'s identity with the auditors of `epoch`.
    event IdentityEscrowed(
        address indexed borrower,
        bytes32 indexed identityTag,
        address indexed notary,
        uint32 epoch,
        bytes32 identityHash,
        bytes32 escrowDigest,
        bytes32 attributesCommitment
    );
    /// @notice `account` set the X25519 key shares are released to.
    event EncryptionKeySet(address indexed account, bytes32 encryptionKey);
    /// @notice Auditor number `auditorIndex` released its share of `borrower`'s identity to `lender`, a lender
    ///         of `loan` where the borrower defaulted, encrypted to the lender's key.
    event ShareReleased(
        address indexed loan,
        address indexed borrower,
        address indexed lender,
        address auditor,
        uint8 auditorIndex,
        bytes sealedShare
    );

    // ---- DecisionModels ----
    /// @notice Model `index` is `verifier`, fixed to model identifier `modelId`.
    event DecisionModelRegistered(uint32 indexed index, address indexed verifier, uint256 modelId);
    /// @notice Model `index` may no longer be required by new loans.
    event DecisionModelRetired(uint32 indexed index);
}
