// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Loan} from "../src/Loan.sol";
import {Errors} from "../src/libraries/Errors.sol";
import {TestToken} from "../src/mocks/TestToken.sol";
import {FeeOnTransferToken} from "./mocks/FeeOnTransferToken.sol";
import {BaseTest} from "./utils/BaseTest.sol";

/// @notice A fee-on-transfer token cannot short a loan: investments and payments that arrive short revert
///         with TransferAmountMismatch, so the books never count more than the loan holds.
contract FeeOnTransferTest is BaseTest {
    FeeOnTransferToken internal fot;
    Loan internal loan;

    function setUp() public override {
        super.setUp();
        fot = new FeeOnTransferToken();
        tokens.push(TestToken(address(fot)));
        loan = _createLoan(_defaultTerms(address(fot)));
    }

    function _expectShort(address caller, bytes memory call, uint256 amount, uint256 fee) internal {
        bytes32 before = _stateHash();
        vm.prank(caller);
        (bool ok, bytes memory err) = address(loan).call(call);
        assertTrue(!ok, "short transfer accepted");
        bytes memory expected = abi.encodeWithSelector(Errors.TransferAmountMismatch.selector, amount, amount - fee);
        assertEq(keccak256(err), keccak256(expected), "TransferAmountMismatch");
        assertEq(_stateHash(), before, "state changed");
    }

    function testFuzz_invest_revertsWhenShort(uint256 amount, uint256 bps) public {
        bps = bound(bps, 1, 10_000);
        fot.setFee(bps);
        amount = bound(amount, 1, TOTAL);
        uint256 fee = amount * bps / 10_000;
        vm.assume(fee > 0);
        _give(loan, LENDER_A, amount);
        _expectShort(LENDER_A, abi.encodeCall(Loan.invest, (amount)), amount, fee);
    }

    function testFuzz_makePayment_revertsWhenShort(uint256 amount, uint256 bps) public {
        // The fee switch goes on after the loan funded.
        fot.setFee(0);
        _fund(loan);
        vm.prank(BORROWER_A);
        loan.disburse();
        bps = bound(bps, 1, 10_000);
        fot.setFee(bps);
        amount = bound(amount, 1, loan.owed(BORROWER_A));
        uint256 fee = amount * bps / 10_000;
        vm.assume(fee > 0);
        _give(loan, BORROWER_A, amount);
        _expectShort(BORROWER_A, abi.encodeCall(Loan.makePayment, (amount)), amount, fee);
    }

    function testFuzz_withdraw_withFeeOn_costsOnlyTheRecipient(uint256 paid, uint256 bps) public {
        // Outgoing transfers lose the fee on the way, but the loan's own balance drops by exactly the
        // amount withdrawn: the other lenders' entitlements stay fully backed.
        fot.setFee(0);
        _fund(loan);
        vm.prank(BORROWER_A);
        loan.disburse();
        paid = bound(paid, 1, loan.owed(BORROWER_A));
        _pay(loan, BORROWER_A, paid);
        fot.setFee(bound(bps, 1, 10_000));
        uint256 share = loan.withdrawable(LENDER_A);
        vm.assume(share > 0);
        uint256 loanBefore = fot.balanceOf(address(loan));
        uint256 otherShare = loan.withdrawable(LENDER_B);
        vm.prank(LENDER_A);
        loan.withdraw(share);
        assertEq(fot.balanceOf(address(loan)), loanBefore - share, "loan paid out exactly the share");
        assertEq(loan.withdrawable(LENDER_B), otherShare, "other lender untouched");
        if (otherShare > 0) {
            vm.prank(LENDER_B);
            loan.withdraw(otherShare);
        }
    }
}
