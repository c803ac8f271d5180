// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Loan} from "../src/Loan.sol";
import {Errors} from "../src/libraries/Errors.sol";
import {Actor} from "./mocks/Actor.sol";
import {BaseTest} from "./utils/BaseTest.sol";

/// @notice An ether lender whose contract refuses ether: its own withdrawal fails with EtherTransferFailed,
///         nobody else's does, and its entitlement waits until it can receive.
contract RejectingLenderTest is BaseTest {
    Actor internal lender;
    Loan internal loan;

    function setUp() public override {
        super.setUp();
        lender = new Actor();
        tracked.push(address(lender));
        loan = _etherLoan();
    }

    function _lenderInvests(uint256 amount) internal {
        vm.deal(address(this), amount);
        lender.execute{value: amount}(address(loan), amount, abi.encodeCall(Loan.invest, (amount)));
        lender.setRefuseEther(true);
    }

    function _expectRefused(uint256 amount) internal {
        bytes32 before = _stateHash();
        vm.expectRevert(abi.encodeWithSelector(Errors.EtherTransferFailed.selector, address(lender), amount));
        lender.execute(address(loan), 0, abi.encodeCall(Loan.withdraw, (amount)));
        assertEq(_stateHash(), before, "state changed");
    }

    function testFuzz_funded_othersStillWithdraw(uint256 invested, uint256 paid) public {
        invested = bound(invested, 1, TOTAL - 1);
        _lenderInvests(invested);
        _invest(loan, LENDER_A, TOTAL - invested);
        _requestAll(loan, TOTAL);
        vm.prank(BORROWER_A);
        loan.disburse();
        paid = bound(paid, 1, loan.owed(BORROWER_A));
        _pay(loan, BORROWER_A, paid);

        uint256 share = loan.withdrawable(address(lender));
        uint256 other = loan.withdrawable(LENDER_A);
        vm.assume(share > 0 && other > 0);
        _expectRefused(share);
        vm.prank(LENDER_A);
        loan.withdraw(other);
        assertEq(LENDER_A.balance, other, "other lender paid");

        lender.setRefuseEther(false);
        lender.execute(address(loan), 0, abi.encodeCall(Loan.withdraw, (share)));
        assertEq(address(lender).balance, share, "paid once it accepts ether");
    }

    function testFuzz_failed_othersStillGetRefunds(uint256 invested, uint256 late) public {
        invested = bound(invested, 1, TOTAL - 1);
        _lenderInvests(invested);
        _invest(loan, LENDER_A, TOTAL - invested);
        vm.warp(block.timestamp + FUND_WINDOW + bound(late, 1, 3650 days));
        _expectRefused(invested);
        vm.prank(LENDER_A);
        loan.withdraw(TOTAL - invested);
        assertEq(LENDER_A.balance, TOTAL - invested, "refunded");
        assertEq(address(loan).balance, invested, "only the refusing lender's refund stays");
    }
}
