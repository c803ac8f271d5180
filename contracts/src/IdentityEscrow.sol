// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";

import {ICreditBureau} from "./interfaces/ICreditBureau.sol";
import {IIdentityEscrow, IdentityRecord, Auditor} from "./interfaces/IIdentityEscrow.sol";
import {ILoan} from "./interfaces/ILoan.sol";
import {Errors} from "./libraries/Errors.sol";
import {Events} from "./libraries/Events.sol";

/// @title IdentityEscrow
/// @notice The identity half of the bureau (paper III-A, III-D), in its own contract: the bureau is close
///         to the code size limit, and identity custody is its own concern. Aloe's changes to the paper:
///         - a keyed tag of the identifier makes one identity one address (the paper only checks that an
///           address is unused, so a defaulter could come back with a fresh one);
///         - auditor sets are versioned by epoch, so changing auditors never strands the shares of earlier
///           registrations;
///         - a share goes to each lender of the defaulted loan encrypted to that lender's key, through an
///           event anyone can audit, instead of being published in the clear.
/// @dev No value moves here and the only external calls are views of this bureau and of loans it
///      created, so no reentrancy guard is needed.
contract IdentityEscrow is IIdentityEscrow, Ownable2Step {
    uint256 internal constant MAX_AUDITORS = 16;
    /// A released share is about 600 bytes for t = 2 and grows 33 bytes per extra auditor of the threshold.
    uint256 internal constant MAX_SEALED_SHARE = 2048;

    /// @inheritdoc IIdentityEscrow
    address public immutable bureau;
    /// @inheritdoc IIdentityEscrow
    uint32 public currentEpoch;

    mapping(uint32 epoch => Auditor[]) private _auditors;
    mapping(uint32 epoch => uint8) private _thresholds;
    mapping(uint32 epoch => mapping(address account => uint8 index)) private _auditorIndex;
    mapping(address borrower => IdentityRecord) private _identities;
    mapping(bytes32 identityTag => address borrower) private _borrowerOfTag;
    mapping(address account => bytes32 key) private _encryptionKeys;

    constructor(address owner, address bureau_) Ownable(owner) {
        if (bureau_ == address(0)) revert Errors.ZeroAddress();
        bureau = bureau_;
    }

    // =========================================================================================
    //                                        GOVERNANCE
    // =========================================================================================

    /// @inheritdoc IIdentityEscrow
    function setAuditors(Auditor[] calldata auditors, uint8 threshold) external onlyOwner returns (uint32 epoch) {
        uint256 size = auditors.length;
        if (size < 2 || size > MAX_AUDITORS || threshold < 2 || threshold > size) revert Errors.InvalidAuditorSet();
        epoch = currentEpoch + 1;
        address[] memory accounts = new address[](size);
        bytes32[] memory keys = new bytes32[](size);
        for (uint256 i; i < size; ++i) {
            Auditor calldata auditor = auditors[i];
            bool duplicate = _auditorIndex[epoch][auditor.account] != 0;
            if (auditor.account == address(0) || auditor.encryptionKey == 0 || duplicate) {
                revert Errors.InvalidAuditorSet();
            }
            _auditorIndex[epoch][auditor.account] = uint8(i + 1);
            _auditors[epoch].push(auditor);
            (accounts[i], keys[i]) = (auditor.account, auditor.encryptionKey);
        }
        _thresholds[epoch] = threshold;
        currentEpoch = epoch;
        emit Events.AuditorSetChanged(epoch, threshold, accounts, keys);
    }

    // =========================================================================================
    //                                       REGISTRATION
    // =========================================================================================

    /// @inheritdoc IIdentityEscrow
    function record(address borrower, address notary, IdentityRecord calldata identity) external {
        if (msg.sender != bureau) revert Errors.NotBureau(msg.sender);
        if (identity.identityTag == 0 || identity.identityHash == 0 || identity.escrowDigest == 0) {
            revert Errors.InvalidIdentityRecord();
        }
        uint32 epoch = currentEpoch;
        if (epoch == 0 || identity.epoch != epoch) revert Errors.StaleAuditorSet(identity.epoch, epoch);
        address holder = _borrowerOfTag[identity.identityTag];
        if (holder != address(0)) revert Errors.IdentityAlreadyRegistered(identity.identityTag, holder);

        _borrowerOfTag[identity.identityTag] = borrower;
        _identities[borrower] = identity;
        emit Events.IdentityEscrowed(
            borrower,
            identity.identityTag,
            notary,
            epoch,
            identity.identityHash,
            identity.escrowDigest,
            identity.attributesCommitment
        );
    }

    // =========================================================================================
    //                                      KEYS AND HAND-OVER
    // =========================================================================================

    /// @inheritdoc IIdentityEscrow
    function setEncryptionKey(bytes32 encryptionKey) external {
        if (encryptionKey == 0) revert Errors.InvalidEncryptionKey();
        _encryptionKeys[msg.sender] = encryptionKey;
        emit Events.EncryptionKeySet(msg.sender, encryptionKey);
    }

    /// @inheritdoc IIdentityEscrow
    function releaseShares(address loan, address borrower, address[] calldata lenders, bytes[] calldata sealedShares)
        external
    {
        if (lenders.length == 0 || lenders.length != sealedShares.length) revert Errors.InvalidRelease();
        uint32 epoch = _identities[borrower].epoch;
        if (epoch == 0) revert Errors.NoIdentity(borrower);
        uint8 index = _auditorIndex[epoch][msg.sender];
        if (index == 0) revert Errors.NotAuditor(msg.sender);
        if (!ICreditBureau(bureau).isLoan(loan)) revert Errors.UnknownLoan(loan);
        // The bureau sets `defaulted` only in reportDefault, after checking the loan's own schedule.
        if (!ILoan(loan).borrowerPosition(borrower).defaulted) revert Errors.NotInDefault(borrower);

        for (uint256 i; i < lenders.length; ++i) {
            address lender = lenders[i];
            if (ILoan(loan).lenderPosition(lender).invested == 0) revert Errors.NotLender(loan, lender);
            if (_encryptionKeys[lender] == 0) revert Errors.NoEncryptionKey(lender);
            uint256 length = sealedShares[i].length;
            if (length == 0 || length > MAX_SEALED_SHARE) revert Errors.InvalidRelease();
            emit Events.ShareReleased(loan, borrower, lender, msg.sender, index, sealedShares[i]);
        }
    }

    // =========================================================================================
    //                                          VIEWS
    // =========================================================================================

    /// @inheritdoc IIdentityEscrow
    function auditorSet(uint32 epoch) external view returns (Auditor[] memory auditors, uint8 threshold) {
        return (_auditors[epoch], _thresholds[epoch]);
    }

    /// @inheritdoc IIdentityEscrow
    function auditorIndex(uint32 epoch, address account) external view returns (uint8) {
        return _auditorIndex[epoch][account];
    }

    /// @inheritdoc IIdentityEscrow
    function identityOf(address borrower) external view returns (IdentityRecord memory) {
        return _identities[borrower];
    }

    /// @inheritdoc IIdentityEscrow
    function attributesCommitmentOf(address borrower) external view returns (bytes32) {
        return _identities[borrower].attributesCommitment;
    }

    /// @inheritdoc IIdentityEscrow
    function borrowerOfTag(bytes32 identityTag) external view returns (address) {
        return _borrowerOfTag[identityTag];
    }

    /// @inheritdoc IIdentityEscrow
    function encryptionKeyOf(address account) external view returns (bytes32) {
        return _encryptionKeys[account];
    }
}
