// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

import {CreditBureau} from "../src/CreditBureau.sol";
import {Loan} from "../src/Loan.sol";
import {Errors} from "../src/libraries/Errors.sol";
import {FakeLoan} from "./mocks/FakeLoan.sol";
import {MockDecisionVerifier} from "./mocks/MockDecisionVerifier.sol";
import {BaseTest} from "./utils/BaseTest.sol";

/// @notice Every privileged function called by every role that lacks the privilege reverts with its own
///         error and changes nothing. The setup makes each call succeed for its rightful caller (checked
///         in test_privilegedCallersSucceed), so the access check alone stops the others.
contract AccessMatrixTest is BaseTest {
    uint256 internal constant FUNCTIONS = 18;

    Loan internal loan;
    Loan internal otherLoan;
    Loan internal foreignLoan;
    FakeLoan internal fake;
    address internal verifier;
    address internal immutable PENDING_OWNER = _actor("pendingOwner");
    address internal immutable NEWCOMER = _actor("newcomer");
    address[] internal roles;

    function setUp() public override {
        super.setUp();
        // A funded loan whose creator has fees to take and whose borrower is in default.
        loan = _etherLoan();
        _fund(loan, TOTAL / 2, TOTAL);
        vm.prank(BORROWER_A);
        loan.disburse();
        _pay(loan, BORROWER_A, loan.installmentOf(BORROWER_A) / 2);
        vm.warp(loan.fundedAt() + 2 * uint256(PERIOD) + GRACE);
        // A second loan of this bureau, one of another bureau, and a look-alike nobody created.
        otherLoan = _createLoan(_defaultTerms(address(0)));
        CreditBureau foreign = new CreditBureau(address(this), models);
        foreignLoan = Loan(payable(foreign.createLoan(_defaultTerms(address(0)))));
        loans.push(foreignLoan);
        fake = new FakeLoan(address(bureau));
        // A registered decision model to retire, and a verifier to register.
        verifier = address(new MockDecisionVerifier(7, true));
        models.register(verifier);
        bureau.transferOwnership(PENDING_OWNER);

        address[11] memory all = [
            address(this),
            NOTARY,
            CREATOR,
            LENDER_A,
            BORROWER_A,
            STRANGER,
            address(fake),
            address(otherLoan),
            address(foreignLoan),
            address(bureau),
            PENDING_OWNER
        ];
        for (uint256 i; i < all.length; ++i) {
            roles.push(all[i]);
        }
        tracked.push(address(fake));
        tracked.push(PENDING_OWNER);
        tracked.push(NEWCOMER);
    }

    /// The `fn`-th privileged call: where it goes and its calldata.
    function _call(uint256 fn) internal view returns (address target, bytes memory data) {
        target = address(bureau);
        if (fn == 0) {
            data = abi.encodeCall(bureau.addNotary, (NEWCOMER));
        } else if (fn == 1) {
            data = abi.encodeCall(bureau.removeNotary, (NOTARY));
        } else if (fn == 2) {
            data = abi.encodeCall(bureau.transferOwnership, (NEWCOMER));
        } else if (fn == 3) {
            data = abi.encodeCall(bureau.renounceOwnership, ());
        } else if (fn == 4) {
            data = abi.encodeCall(bureau.acceptOwnership, ());
        } else if (fn == 5) {
            data = abi.encodeCall(bureau.initScoreLedger, (NEWCOMER, 700, block.timestamp, _identity(NEWCOMER)));
        } else if (fn == 6) {
            data = abi.encodeCall(bureau.updateScoreBorrow, (BORROWER_A, 1, 1, 1, 1 days));
        } else if (fn == 7) {
            data = abi.encodeCall(bureau.updateScoreBorrowCancelled, (BORROWER_A, 1, 2, 1));
        } else if (fn == 8) {
            data = abi.encodeCall(bureau.updateScoreRepayment, (BORROWER_A, 1, 0, 0, 1, true));
        } else if (fn == 9) {
            data = abi.encodeCall(bureau.updateScoreDisbursed, (BORROWER_A, 1, 1));
        } else if (fn == 10) {
            (target, data) = (address(loan), abi.encodeCall(loan.confirmDefault, (BORROWER_A)));
        } else if (fn == 11) {
            data = abi.encodeCall(bureau.setColdStartLimits, (address(0), 1 ether, 0.1 ether));
        } else if (fn == 12) {
            data = abi.encodeCall(bureau.setModelUpdate, (8, 32));
        } else if (fn == 13) {
            (target, data) = (address(loan), abi.encodeCall(loan.withdrawFees, ()));
        } else if (fn == 14) {
            (target, data) = (address(escrow), abi.encodeCall(escrow.setAuditors, (_auditors(), 2)));
        } else if (fn == 15) {
            (target, data) = (address(escrow), abi.encodeCall(escrow.record, (NEWCOMER, NOTARY, _identity(NEWCOMER))));
        } else if (fn == 16) {
            (target, data) = (address(models), abi.encodeCall(models.register, (verifier)));
        } else {
            (target, data) = (address(models), abi.encodeCall(models.retire, (1)));
        }
    }

    /// Whether `caller` holds `fn`'s privilege.
    function _privileged(uint256 fn, address caller) internal view returns (bool) {
        if (fn <= 3) return caller == bureau.owner();
        if (fn == 4) return caller == bureau.pendingOwner();
        if (fn == 5) return bureau.isNotary(caller);
        if (fn <= 9) return bureau.isLoan(caller);
        if (fn == 10) return caller == loan.bureau();
        if (fn <= 12) return caller == bureau.owner();
        if (fn == 13) return caller == CREATOR;
        if (fn == 14) return caller == escrow.owner();
        if (fn == 15) return caller == address(bureau);
        return caller == models.owner();
    }

    /// The error `caller` gets from `fn` without the privilege.
    function _error(uint256 fn, address caller) internal pure returns (bytes memory) {
        if (fn <= 4) return abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, caller);
        if (fn == 5) return abi.encodeWithSelector(Errors.NotNotary.selector, caller);
        if (fn <= 9) return abi.encodeWithSelector(Errors.NotLoan.selector, caller);
        if (fn == 10) return abi.encodeWithSelector(Errors.NotBureau.selector, caller);
        if (fn <= 12) return abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, caller);
        if (fn == 13) return abi.encodeWithSelector(Errors.NotCreator.selector, caller);
        if (fn == 14) return abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, caller);
        if (fn == 15) return abi.encodeWithSelector(Errors.NotBureau.selector, caller);
        return abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, caller);
    }

    function _expectDenied(uint256 fn, address caller) internal {
        (address target, bytes memory data) = _call(fn);
        bytes32 before = _stateHash();
        vm.prank(caller);
        (bool ok, bytes memory err) = target.call(data);
        assertTrue(!ok, "unprivileged call succeeded");
        assertEq(keccak256(err), keccak256(_error(fn, caller)), "wrong error");
        assertEq(_stateHash(), before, "state changed");
    }

    function test_accessMatrix() public {
        uint256 denied;
        for (uint256 fn; fn < FUNCTIONS; ++fn) {
            for (uint256 r; r < roles.length; ++r) {
                if (_privileged(fn, roles[r])) continue;
                _expectDenied(fn, roles[r]);
                ++denied;
            }
        }
        // Exactly one role holds each privilege (for the ledger updates: otherLoan).
        assertEq(denied, FUNCTIONS * (roles.length - 1), "cells checked");
    }

    function testFuzz_accessMatrix_anyCaller(address caller, uint256 fn) public {
        _assumeUsable(caller);
        fn = bound(fn, 0, FUNCTIONS - 1);
        vm.assume(!_privileged(fn, caller));
        _expectDenied(fn, caller);
    }

    function test_privilegedCallersSucceed() public {
        address[FUNCTIONS] memory rightful = [
            address(this),
            address(this),
            address(this),
            address(this),
            PENDING_OWNER,
            NOTARY,
            address(loan),
            address(loan),
            address(loan),
            address(loan),
            address(bureau),
            address(this),
            address(this),
            CREATOR,
            address(this),
            address(bureau),
            address(this),
            address(this)
        ];
        for (uint256 fn; fn < FUNCTIONS; ++fn) {
            uint256 snapshot = vm.snapshotState();
            (address target, bytes memory data) = _call(fn);
            vm.prank(rightful[fn]);
            (bool ok,) = target.call(data);
            assertTrue(ok, "rightful caller refused");
            vm.revertToState(snapshot);
        }
    }

    /// The look-alike acting for itself (not through a prank) is refused by the bureau and the loan.
    function test_fakeLoan_cannotActAsALoan() public {
        for (uint256 fn = 6; fn <= 10; ++fn) {
            (address target, bytes memory data) = _call(fn);
            bytes32 before = _stateHash();
            vm.expectRevert(_error(fn, address(fake)));
            fake.execute(target, data);
            assertEq(_stateHash(), before, "state changed");
        }
        // Nor can it get a default recorded by claiming one.
        bytes32 stateBefore = _stateHash();
        vm.expectRevert(abi.encodeWithSelector(Errors.UnknownLoan.selector, address(fake)));
        bureau.reportDefault(address(fake), BORROWER_B);
        assertEq(_stateHash(), stateBefore, "state changed");
    }
}
