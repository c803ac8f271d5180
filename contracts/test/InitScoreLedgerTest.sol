// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ScoreLedger} from "../src/interfaces/ICreditBureau.sol";
import {Errors} from "../src/libraries/Errors.sol";
import {Events} from "../src/libraries/Events.sol";
import {BaseTest} from "./utils/BaseTest.sol";

/// @notice initScoreLedger, verifyUnusedAddress and the cold-start getScore.
contract InitScoreLedgerTest is BaseTest {
    function _assumeFresh(address borrower) internal view {
        vm.assume(borrower != address(0) && bureau.ledgerOf(borrower).core.ficoScore == 0);
    }

    function testFuzz_initScoreLedger(address borrower, uint256 fico, uint256 timestamp) public {
        _assumeFresh(borrower);
        fico = bound(fico, 300, 850);
        timestamp = bound(timestamp, 1, block.timestamp);
        bureau.verifyUnusedAddress(borrower);

        vm.expectEmit(address(bureau));
        emit Events.ScoreLedgerInitialized(borrower, NOTARY, uint16(fico), uint40(timestamp));
        vm.prank(NOTARY);
        bureau.initScoreLedger(borrower, fico, timestamp, _identity(borrower));

        ScoreLedger memory ledger = bureau.ledgerOf(borrower);
        assertEq(ledger.core.ficoScore, fico, "fico");

        assertEq(ledger.core.activeLoans + ledger.core.defaults + ledger.core.lastUpdate, 0, "counters start at zero");
        assertEq(
            ledger.amounts.debt + ledger.totals.repaid + ledger.lent.total + ledger.core.firstLoanAt,
            0,
            "sums start at zero"
        );
        assertEq(
            ledger.due.mark + ledger.lent.mark + ledger.oscHigh.mark,
            3,
            "every slot marked, so no update pays a fresh one"
        );
        // Cold start: FICO / 1000, in thousandths, whatever the request.
        assertEq(bureau.getScore(borrower, 1 ether, 10, 12, 30 days), fico, "cold-start score");
    }

    function testFuzz_initScoreLedger_onceEver(uint256 fico, uint256 secondNotarySeed) public {
        // A second registration is refused, even by another notary and after the first notary left:
        // a borrower cannot wipe a bad history.
        fico = bound(fico, 300, 850);
        address second = address(uint160(bound(secondNotarySeed, 1, type(uint160).max)));
        _assumeUsable(second);
        vm.assume(second != NOTARY);
        bureau.addNotary(second);
        bureau.removeNotary(NOTARY);

        bytes32 before = _stateHash();
        vm.expectRevert(abi.encodeWithSelector(Errors.AddressAlreadyUsed.selector, BORROWER_A));
        vm.prank(second);
        bureau.initScoreLedger(BORROWER_A, fico, block.timestamp, _identity(BORROWER_A));
        assertEq(_stateHash(), before, "state changed");
        assertEq(bureau.ledgerOf(BORROWER_A).core.ficoScore, FICO_A, "first score kept");
    }

    function testFuzz_initScoreLedger_revertsOnFicoOutOfRange(address borrower, uint256 fico) public {
        _assumeFresh(borrower);
        fico = fico % 2 == 0 ? bound(fico, 0, 299) : bound(fico, 851, type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(Errors.InvalidFicoScore.selector, fico));
        vm.prank(NOTARY);
        bureau.initScoreLedger(borrower, fico, block.timestamp, _identity(borrower));
        bureau.verifyUnusedAddress(borrower);
    }

    function testFuzz_initScoreLedger_revertsOnFutureTimestamp(address borrower, uint256 timestamp) public {
        _assumeFresh(borrower);
        timestamp = bound(timestamp, block.timestamp + 1, type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(Errors.TimestampInFuture.selector, timestamp));
        vm.prank(NOTARY);
        bureau.initScoreLedger(borrower, 700, timestamp, _identity(borrower));
        bureau.verifyUnusedAddress(borrower);
    }

    function test_initScoreLedger_revertsOnZeroTimestamp() public {
        vm.expectRevert(abi.encodeWithSelector(Errors.TimestampInFuture.selector, 0));
        vm.prank(NOTARY);
        bureau.initScoreLedger(STRANGER, 700, 0, _identity(STRANGER));
    }

    function test_initScoreLedger_revertsOnZeroAddress() public {
        vm.expectRevert(Errors.ZeroAddress.selector);
        vm.prank(NOTARY);
        bureau.initScoreLedger(address(0), 700, block.timestamp, _identity(address(0)));
    }

    function testFuzz_verifyUnusedAddress_revertsForRegistered(uint256 which) public {
        address[3] memory registered = [BORROWER_A, BORROWER_B, BORROWER_C];
        address borrower = registered[bound(which, 0, 2)];
        vm.expectRevert(abi.encodeWithSelector(Errors.AddressAlreadyUsed.selector, borrower));
        bureau.verifyUnusedAddress(borrower);
    }

    function testFuzz_getScore_revertsForUnregistered(address client) public {
        _assumeFresh(client);
        vm.expectRevert(abi.encodeWithSelector(Errors.NotRegistered.selector, client));
        bureau.getScore(client, 1 ether, 10, 12, 30 days);
    }
}
