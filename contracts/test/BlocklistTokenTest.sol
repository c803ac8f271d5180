// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Loan} from "../src/Loan.sol";
import {TestToken} from "../src/mocks/TestToken.sol";
import {BlocklistToken} from "./mocks/BlocklistToken.sol";
import {BaseTest} from "./utils/BaseTest.sol";

/// @notice A token that blocks one address: only that party's transfers fail; everyone else's go on,
///         and the blocked party's entitlement waits intact until it is unblocked.
contract BlocklistTokenTest is BaseTest {
    BlocklistToken internal btoken;
    Loan internal loan;

    function setUp() public override {
        super.setUp();
        btoken = new BlocklistToken();
        tokens.push(TestToken(address(btoken)));
        loan = _createLoan(_defaultTerms(address(btoken)));
        _fund(loan);
    }

    function _expectBlocked(address caller, bytes memory call) internal {
        bytes32 before = _stateHash();
        vm.prank(caller);
        (bool ok, bytes memory err) = address(loan).call(call);
        assertTrue(!ok, "blocked transfer went through");
        bytes memory expected = abi.encodeWithSelector(BlocklistToken.Blocked.selector, caller);
        assertEq(keccak256(err), keccak256(expected), "Blocked");
        assertEq(_stateHash(), before, "state changed");
    }

    function testFuzz_blockedLender_othersStillWithdraw(uint256 paid) public {
        vm.prank(BORROWER_A);
        loan.disburse();
        paid = bound(paid, 1, loan.owed(BORROWER_A));
        _pay(loan, BORROWER_A, paid);
        uint256 shareA = loan.withdrawable(LENDER_A);
        uint256 shareB = loan.withdrawable(LENDER_B);
        vm.assume(shareA > 0 && shareB > 0);

        btoken.setBlocked(LENDER_A, true);
        _expectBlocked(LENDER_A, abi.encodeCall(Loan.withdraw, (shareA)));
        vm.prank(LENDER_B);
        loan.withdraw(shareB);
        assertEq(btoken.balanceOf(LENDER_B), shareB, "B paid");
        if (loan.feesWithdrawable() > 0) {
            vm.prank(CREATOR);
            loan.withdrawFees();
        }

        assertEq(loan.withdrawable(LENDER_A), shareA, "A's share waits");
        btoken.setBlocked(LENDER_A, false);
        vm.prank(LENDER_A);
        loan.withdraw(shareA);
        assertEq(btoken.balanceOf(LENDER_A), shareA, "A paid once unblocked");
    }

    function test_blockedBorrower_othersStillDisburse() public {
        btoken.setBlocked(BORROWER_A, true);
        _expectBlocked(BORROWER_A, abi.encodeCall(Loan.disburse, ()));
        vm.prank(BORROWER_B);
        loan.disburse();
        assertEq(btoken.balanceOf(BORROWER_B), loan.borrowerPosition(BORROWER_B).principal, "B got the principal");
        assertEq(loan.borrowerPosition(BORROWER_A).disbursed, false, "A's principal still held for A");
    }

    function test_blockedCreator_lendersUnaffected() public {
        vm.prank(BORROWER_A);
        loan.disburse();
        _pay(loan, BORROWER_A, loan.owed(BORROWER_A));
        btoken.setBlocked(CREATOR, true);
        bytes32 before = _stateHash();
        vm.expectRevert(abi.encodeWithSelector(BlocklistToken.Blocked.selector, CREATOR));
        vm.prank(CREATOR);
        loan.withdrawFees();
        assertEq(_stateHash(), before, "state changed");
        uint256 share = loan.withdrawable(LENDER_A);
        vm.prank(LENDER_A);
        loan.withdraw(share);
        assertEq(btoken.balanceOf(LENDER_A), share, "lender paid");
    }
}
