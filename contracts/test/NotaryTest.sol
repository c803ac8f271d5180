// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

import {Errors} from "../src/libraries/Errors.sol";
import {Events} from "../src/libraries/Events.sol";
import {BaseTest} from "./utils/BaseTest.sol";

/// @notice addNotary / removeNotary and the bureau's two-step ownership, as the owner uses them.
///         Calls by everyone else are in AccessMatrixTest.
contract NotaryTest is BaseTest {
    function testFuzz_addNotary(address notary) public {
        _assumeUsable(notary);
        vm.assume(notary != NOTARY);
        vm.expectEmit(address(bureau));
        emit Events.NotaryAdded(notary);
        bureau.addNotary(notary);
        assertTrue(bureau.isNotary(notary), "notary added");

        // The new notary can register a borrower at once.
        vm.prank(notary);
        bureau.initScoreLedger(STRANGER, 700, block.timestamp, _identity(STRANGER));
        assertEq(bureau.ledgerOf(STRANGER).core.ficoScore, 700, "registered by new notary");
    }

    function test_addNotary_revertsOnZeroAddress() public {
        bytes32 before = _stateHash();
        vm.expectRevert(Errors.ZeroAddress.selector);
        bureau.addNotary(address(0));
        assertEq(_stateHash(), before, "state changed");
    }

    function test_addNotary_revertsWhenAlreadyNotary() public {
        bytes32 before = _stateHash();
        vm.expectRevert(abi.encodeWithSelector(Errors.AlreadyNotary.selector, NOTARY));
        bureau.addNotary(NOTARY);
        assertEq(_stateHash(), before, "state changed");
    }

    function test_removeNotary() public {
        vm.expectEmit(address(bureau));
        emit Events.NotaryRemoved(NOTARY);
        bureau.removeNotary(NOTARY);
        assertEq(bureau.isNotary(NOTARY), false, "notary removed");

        // A removed notary registers no one.
        vm.expectRevert(abi.encodeWithSelector(Errors.NotNotary.selector, NOTARY));
        vm.prank(NOTARY);
        bureau.initScoreLedger(STRANGER, 700, block.timestamp, _identity(STRANGER));
    }

    function testFuzz_removeNotary_revertsForNonNotary(address account) public {
        vm.assume(account != NOTARY);
        bytes32 before = _stateHash();
        vm.expectRevert(abi.encodeWithSelector(Errors.NotNotary.selector, account));
        bureau.removeNotary(account);
        assertEq(_stateHash(), before, "state changed");
    }

    function test_removedNotary_canBeAddedAgain() public {
        bureau.removeNotary(NOTARY);
        bureau.addNotary(NOTARY);
        assertTrue(bureau.isNotary(NOTARY), "re-added");
    }

    function testFuzz_transferOwnership_takesTwoSteps(address newOwner) public {
        _assumeUsable(newOwner);
        bureau.transferOwnership(newOwner);
        // Until accepted, the old owner still rules.
        assertEq(bureau.owner(), address(this), "owner before accept");
        assertEq(bureau.pendingOwner(), newOwner, "pending owner");

        vm.prank(newOwner);
        bureau.acceptOwnership();
        assertEq(bureau.owner(), newOwner, "owner after accept");

        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, address(this)));
        bureau.addNotary(STRANGER);
        vm.prank(newOwner);
        bureau.addNotary(STRANGER);
        assertTrue(bureau.isNotary(STRANGER), "new owner adds notaries");
    }
}
