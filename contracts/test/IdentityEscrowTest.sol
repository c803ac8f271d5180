// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {CreditBureau} from "../src/CreditBureau.sol";
import {IdentityEscrow} from "../src/IdentityEscrow.sol";
import {Loan} from "../src/Loan.sol";
import {IdentityRecord, Auditor} from "../src/interfaces/IIdentityEscrow.sol";
import {Errors} from "../src/libraries/Errors.sol";
import {Events} from "../src/libraries/Events.sol";
import {BaseTest} from "./utils/BaseTest.sol";

/// @notice The identity escrow: auditor sets by epoch, one address per identity, and the hand-over of shares
///         to the lenders of a defaulted loan only.
contract IdentityEscrowTest is BaseTest {
    Loan internal loan;
    bytes internal constant SEALED = hex"0102030405";

    function setUp() public override {
        super.setUp();
        // BORROWER_A owes the whole loan and is in default on it (not yet reported); LENDER_A and LENDER_B
        // invested, and have encryption keys.
        loan = _etherLoan();
        _fund(loan, TOTAL / 2, TOTAL);
        vm.prank(BORROWER_A);
        loan.disburse();
        vm.warp(loan.fundedAt() + PERIOD + GRACE);
        vm.prank(LENDER_A);
        escrow.setEncryptionKey(keccak256("lenderA"));
        vm.prank(LENDER_B);
        escrow.setEncryptionKey(keccak256("lenderB"));
    }

    function _lenders() internal view returns (address[] memory lenders, bytes[] memory ciphertexts) {
        lenders = new address[](2);
        (lenders[0], lenders[1]) = (LENDER_A, LENDER_B);
        ciphertexts = new bytes[](2);
        (ciphertexts[0], ciphertexts[1]) = (SEALED, SEALED);
    }

    function _reportDefault() internal {
        vm.prank(STRANGER);
        bureau.reportDefault(address(loan), BORROWER_A);
    }

    function _expectReleaseRevert(
        address caller,
        address loan_,
        address[] memory lenders,
        bytes[] memory ciphertexts,
        bytes memory err
    ) internal {
        bytes32 before = _stateHash();
        vm.expectRevert(err);
        vm.prank(caller);
        escrow.releaseShares(loan_, BORROWER_A, lenders, ciphertexts);
        assertEq(_stateHash(), before, "state changed");
    }

    // ---- registration ----

    function test_registration_recordsTheIdentity() public {
        IdentityRecord memory identity = _identity(STRANGER);
        identity.attributesCommitment = keccak256("attributes");
        vm.expectEmit(address(escrow));
        emit Events.IdentityEscrowed(
            STRANGER,
            identity.identityTag,
            NOTARY,
            1,
            identity.identityHash,
            identity.escrowDigest,
            identity.attributesCommitment
        );
        vm.prank(NOTARY);
        bureau.initScoreLedger(STRANGER, 700, block.timestamp, identity);

        IdentityRecord memory stored = escrow.identityOf(STRANGER);
        assertEq(stored.identityHash, identity.identityHash, "hash");
        assertEq(stored.escrowDigest, identity.escrowDigest, "digest");
        assertEq(stored.attributesCommitment, identity.attributesCommitment, "attributes");
        assertEq(stored.epoch, 1, "epoch");
        assertEq(escrow.borrowerOfTag(identity.identityTag), STRANGER, "tag");
    }

    function testFuzz_registration_oneAddressPerIdentity(address fresh) public {
        _assumeUsable(fresh);
        vm.assume(fresh != BORROWER_A && fresh != BORROWER_B && fresh != BORROWER_C);
        // The same identity (tag) behind a fresh address is refused: no ledger, no record.
        IdentityRecord memory identity = _identity(fresh);
        identity.identityTag = _identity(BORROWER_A).identityTag;
        bytes32 before = _stateHash();
        vm.expectRevert(
            abi.encodeWithSelector(Errors.IdentityAlreadyRegistered.selector, identity.identityTag, BORROWER_A)
        );
        vm.prank(NOTARY);
        bureau.initScoreLedger(fresh, 700, block.timestamp, identity);
        assertEq(_stateHash(), before, "state changed");
        assertEq(bureau.ledgerOf(fresh).core.ficoScore, 0, "no ledger");
    }

    function test_registration_refusesAnIncompleteRecord() public {
        for (uint256 field; field < 3; ++field) {
            IdentityRecord memory identity = _identity(STRANGER);
            if (field == 0) identity.identityTag = 0;
            if (field == 1) identity.identityHash = 0;
            if (field == 2) identity.escrowDigest = 0;
            vm.expectRevert(Errors.InvalidIdentityRecord.selector);
            vm.prank(NOTARY);
            bureau.initScoreLedger(STRANGER, 700, block.timestamp, identity);
        }
    }

    function test_registration_refusesAStaleAuditorSet() public {
        IdentityRecord memory identity = _identity(STRANGER);
        escrow.setAuditors(_auditors(), 3);
        bytes32 before = _stateHash();
        vm.expectRevert(abi.encodeWithSelector(Errors.StaleAuditorSet.selector, 1, 2));
        vm.prank(NOTARY);
        bureau.initScoreLedger(STRANGER, 700, block.timestamp, identity);
        assertEq(_stateHash(), before, "state changed");
    }

    function test_registration_needsAnEscrow() public {
        CreditBureau bare = new CreditBureau(address(this), models);
        bare.addNotary(NOTARY);
        vm.expectRevert(Errors.IdentityEscrowNotSet.selector);
        vm.prank(NOTARY);
        bare.initScoreLedger(STRANGER, 700, block.timestamp, _identity(STRANGER));
        assertEq(bare.ledgerOf(STRANGER).core.ficoScore, 0, "no ledger");
    }

    function test_setIdentityEscrow_onlyOnce() public {
        vm.expectRevert(abi.encodeWithSelector(Errors.IdentityEscrowAlreadySet.selector, address(escrow)));
        bureau.setIdentityEscrow(STRANGER);
        CreditBureau bare = new CreditBureau(address(this), models);
        vm.expectRevert(Errors.ZeroAddress.selector);
        bare.setIdentityEscrow(address(0));
        vm.expectEmit(address(bare));
        emit Events.IdentityEscrowSet(STRANGER);
        bare.setIdentityEscrow(STRANGER);
        assertEq(address(bare.identityEscrow()), STRANGER, "set");
    }

    // ---- auditor sets ----

    function test_setAuditors_startsANewEpoch() public {
        Auditor[] memory next = new Auditor[](2);
        next[0] = Auditor(STRANGER, keccak256("s"));
        next[1] = Auditor(AUDITOR_1, keccak256("k"));
        address[] memory accounts = new address[](2);
        (accounts[0], accounts[1]) = (STRANGER, AUDITOR_1);
        bytes32[] memory keys = new bytes32[](2);
        (keys[0], keys[1]) = (keccak256("s"), keccak256("k"));
        vm.expectEmit(address(escrow));
        emit Events.AuditorSetChanged(2, 2, accounts, keys);
        assertEq(escrow.setAuditors(next, 2), 2, "epoch");

        assertEq(escrow.currentEpoch(), 2, "current");
        assertEq(escrow.auditorIndex(2, STRANGER), 1, "new member");
        assertEq(escrow.auditorIndex(2, AUDITOR_2), 0, "not in the new set");
        assertEq(escrow.auditorIndex(1, AUDITOR_2), 2, "still in the old set");
        (Auditor[] memory old, uint8 threshold) = escrow.auditorSet(1);
        assertEq(old.length, 3, "old set kept");
        assertEq(threshold, 2, "old threshold kept");
    }

    function test_setAuditors_refusesInvalidSets() public {
        Auditor[] memory three = _auditors();
        Auditor[] memory one = new Auditor[](1);
        one[0] = three[0];
        Auditor[] memory duplicate = _auditors();
        duplicate[2].account = duplicate[0].account;
        Auditor[] memory zeroAccount = _auditors();
        zeroAccount[1].account = address(0);
        Auditor[] memory zeroKey = _auditors();
        zeroKey[1].encryptionKey = 0;
        Auditor[] memory tooMany = new Auditor[](17);
        for (uint256 i; i < 17; ++i) {
            tooMany[i] = Auditor(address(uint160(0x1000 + i)), bytes32(i + 1));
        }

        Auditor[][6] memory sets = [one, duplicate, zeroAccount, zeroKey, tooMany, three];
        uint8[6] memory thresholds = [1, 2, 2, 2, 2, 4];
        bytes32 before = _stateHash();
        for (uint256 i; i < sets.length; ++i) {
            vm.expectRevert(Errors.InvalidAuditorSet.selector);
            escrow.setAuditors(sets[i], thresholds[i]);
        }
        vm.expectRevert(Errors.InvalidAuditorSet.selector);
        escrow.setAuditors(three, 1);
        assertEq(_stateHash(), before, "state changed");
    }

    // ---- keys ----

    function testFuzz_setEncryptionKey(address account, bytes32 key) public {
        vm.assume(key != 0);
        vm.expectEmit(address(escrow));
        emit Events.EncryptionKeySet(account, key);
        vm.prank(account);
        escrow.setEncryptionKey(key);
        assertEq(escrow.encryptionKeyOf(account), key, "key");

        vm.expectRevert(Errors.InvalidEncryptionKey.selector);
        vm.prank(account);
        escrow.setEncryptionKey(0);
    }

    // ---- hand-over ----

    function test_releaseShares_toTheLendersOfADefaultedLoan() public {
        _reportDefault();
        (address[] memory lenders, bytes[] memory ciphertexts) = _lenders();
        vm.expectEmit(address(escrow));
        emit Events.ShareReleased(address(loan), BORROWER_A, LENDER_A, AUDITOR_2, 2, SEALED);
        vm.expectEmit(address(escrow));
        emit Events.ShareReleased(address(loan), BORROWER_A, LENDER_B, AUDITOR_2, 2, SEALED);
        vm.prank(AUDITOR_2);
        escrow.releaseShares(address(loan), BORROWER_A, lenders, ciphertexts);
    }

    function test_releaseShares_byTheAuditorsOfTheBorrowersEpoch() public {
        // A new set after the registration: its members hold nothing of BORROWER_A; the old ones still do.
        Auditor[] memory next = new Auditor[](2);
        next[0] = Auditor(STRANGER, keccak256("s"));
        next[1] = Auditor(AUDITOR_3, keccak256("k"));
        escrow.setAuditors(next, 2);
        _reportDefault();
        (address[] memory lenders, bytes[] memory ciphertexts) = _lenders();
        _expectReleaseRevert(
            STRANGER, address(loan), lenders, ciphertexts, abi.encodeWithSelector(Errors.NotAuditor.selector, STRANGER)
        );
        vm.prank(AUDITOR_1);
        escrow.releaseShares(address(loan), BORROWER_A, lenders, ciphertexts);
    }

    function test_releaseShares_onlyAfterTheDefaultIsConfirmed() public {
        (address[] memory lenders, bytes[] memory ciphertexts) = _lenders();
        // In default by the schedule, but nobody reported it: the bureau has confirmed nothing.
        _expectReleaseRevert(
            AUDITOR_1,
            address(loan),
            lenders,
            ciphertexts,
            abi.encodeWithSelector(Errors.NotInDefault.selector, BORROWER_A)
        );
    }

    function test_releaseShares_refusesBadCalls() public {
        _reportDefault();
        (address[] memory lenders, bytes[] memory ciphertexts) = _lenders();
        // Not a loan of this bureau.
        _expectReleaseRevert(
            AUDITOR_1, STRANGER, lenders, ciphertexts, abi.encodeWithSelector(Errors.UnknownLoan.selector, STRANGER)
        );
        // Another loan of this bureau where the borrower is not in default.
        Loan other = _etherLoan();
        _expectReleaseRevert(
            AUDITOR_1,
            address(other),
            lenders,
            ciphertexts,
            abi.encodeWithSelector(Errors.NotInDefault.selector, BORROWER_A)
        );
        // Someone who never lent.
        lenders[1] = STRANGER;
        vm.prank(STRANGER);
        escrow.setEncryptionKey(keccak256("stranger"));
        _expectReleaseRevert(
            AUDITOR_1,
            address(loan),
            lenders,
            ciphertexts,
            abi.encodeWithSelector(Errors.NotLender.selector, address(loan), STRANGER)
        );
        // Mismatched, empty or oversized ciphertexts.
        (lenders, ciphertexts) = _lenders();
        bytes[] memory one = new bytes[](1);
        one[0] = SEALED;
        _expectReleaseRevert(
            AUDITOR_1, address(loan), lenders, one, abi.encodeWithSelector(Errors.InvalidRelease.selector)
        );
        ciphertexts[1] = "";
        _expectReleaseRevert(
            AUDITOR_1, address(loan), lenders, ciphertexts, abi.encodeWithSelector(Errors.InvalidRelease.selector)
        );
        ciphertexts[1] = new bytes(2049);
        _expectReleaseRevert(
            AUDITOR_1, address(loan), lenders, ciphertexts, abi.encodeWithSelector(Errors.InvalidRelease.selector)
        );
        _expectReleaseRevert(
            AUDITOR_1,
            address(loan),
            new address[](0),
            new bytes[](0),
            abi.encodeWithSelector(Errors.InvalidRelease.selector)
        );
    }

    function test_releaseShares_needsTheLendersKey() public {
        // LENDER_C lends in a loan where BORROWER_A defaults, but never set a key.
        Loan second = _etherLoan();
        _invest(second, LENDER_C, TOTAL);
        _borrow(second, BORROWER_A, TOTAL);
        vm.prank(BORROWER_A);
        second.disburse();
        vm.warp(second.fundedAt() + PERIOD + GRACE);
        bureau.reportDefault(address(second), BORROWER_A);
        address[] memory lenders = new address[](1);
        lenders[0] = LENDER_C;
        bytes[] memory ciphertexts = new bytes[](1);
        ciphertexts[0] = SEALED;
        _expectReleaseRevert(
            AUDITOR_1,
            address(second),
            lenders,
            ciphertexts,
            abi.encodeWithSelector(Errors.NoEncryptionKey.selector, LENDER_C)
        );
    }

    function testFuzz_releaseShares_onlyAuditors(address caller) public {
        vm.assume(caller != AUDITOR_1 && caller != AUDITOR_2 && caller != AUDITOR_3);
        _reportDefault();
        (address[] memory lenders, bytes[] memory ciphertexts) = _lenders();
        _expectReleaseRevert(
            caller, address(loan), lenders, ciphertexts, abi.encodeWithSelector(Errors.NotAuditor.selector, caller)
        );
    }

    function test_releaseShares_needsAnIdentity() public {
        address[] memory lenders = new address[](1);
        bytes[] memory ciphertexts = new bytes[](1);
        bytes32 before = _stateHash();
        vm.expectRevert(abi.encodeWithSelector(Errors.NoIdentity.selector, STRANGER));
        vm.prank(AUDITOR_1);
        escrow.releaseShares(address(loan), STRANGER, lenders, ciphertexts);
        assertEq(_stateHash(), before, "state changed");
    }
}
