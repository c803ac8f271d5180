// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @notice What a notary commits on-chain when it registers a borrower (paper III-A), beside the ledger.
///         Nothing here reveals the identity: the shares themselves live encrypted with the auditors.
struct IdentityRecord {
    /// @notice A keyed hash of the national identifier (HMAC under a key only notaries hold): equal
    ///         identities give equal tags, so one identity registers one address; without the key the
    ///         tag says nothing about the identifier.
    bytes32 identityTag;
    /// @notice keccak256(salt ‖ identifier), the salt recovered with the identifier: lenders check a
    ///         reconstruction against it.
    bytes32 identityHash;
    /// @notice keccak256 of everything the auditors received besides their shares (the Feldman
    ///         commitments, the sealed identifier, the threshold and epoch): lenders check what auditors
    ///         hand them against it.
    bytes32 escrowDigest;
    /// @notice A commitment to the borrower's model attributes, for the private-decision proof (zero if none).
    bytes32 attributesCommitment;
    /// @notice The auditor set that holds the shares (must be the current one).
    uint32 epoch;
}

/// @notice One auditor: its account (it signs the hand-over transactions) and its X25519 public key
///         (the notary encrypts its share to it).
struct Auditor {
    address account;
    bytes32 encryptionKey;
}

/// @title IIdentityEscrow
/// @notice The identity side of the ALOE bureau (paper III-A and III-D): which auditors hold a borrower's
///         identity shares, the commitments lenders verify a reconstruction against, one address per
///         identity, and the auditable hand-over of shares to the lenders of a defaulted loan, encrypted to
///         each lender's key (the paper publishes shares in the clear; Aloe does not).
interface IIdentityEscrow {
    // ---- governance ----

    /// @notice Starts a new auditor set (the next epoch): `threshold` of `auditors` reconstruct an identity.
    ///         Registrations already made stay with the set of their epoch. Owner only.
    function setAuditors(Auditor[] calldata auditors, uint8 threshold) external returns (uint32 epoch);

    // ---- registration (called by the bureau inside initScoreLedger) ----

    /// @notice Records `borrower`'s identity commitments, registered by `notary`. Bureau only.
    function record(address borrower, address notary, IdentityRecord calldata identity) external;

    // ---- keys ----

    /// @notice Sets the caller's X25519 public key, to which auditors encrypt the shares they release.
    function setEncryptionKey(bytes32 encryptionKey) external;

    // ---- hand-over ----

    /// @notice Releases the calling auditor's share of `borrower`'s identity to `lenders` of `loan`, one
    ///         ciphertext each (encrypted to the lender's key). Only an auditor of the borrower's epoch, only
    ///         once the bureau has confirmed the borrower's default on `loan`, only to its lenders.
    function releaseShares(address loan, address borrower, address[] calldata lenders, bytes[] calldata sealedShares)
        external;

    // ---- views ----

    /// @notice The bureau this escrow serves.
    function bureau() external view returns (address);

    /// @notice The current auditor set's epoch (0 before the first set).
    function currentEpoch() external view returns (uint32);

    /// @notice The auditors and threshold of `epoch`.
    function auditorSet(uint32 epoch) external view returns (Auditor[] memory auditors, uint8 threshold);

    /// @notice `account`'s 1-based index in the set of `epoch` (0 if not in it).
    function auditorIndex(uint32 epoch, address account) external view returns (uint8);

    /// @notice `borrower`'s identity record (all zero when unregistered).
    function identityOf(address borrower) external view returns (IdentityRecord memory);

    /// @notice `borrower`'s attributes commitment alone (zero when unregistered or committed none): what a
    ///         decision proof is checked against, one storage read.
    function attributesCommitmentOf(address borrower) external view returns (bytes32);

    /// @notice The borrower registered with `identityTag` (zero if none).
    function borrowerOfTag(bytes32 identityTag) external view returns (address);

    /// @notice `account`'s X25519 public key (zero if none).
    function encryptionKeyOf(address account) external view returns (bytes32);
}
