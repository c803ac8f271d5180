// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {Loan} from "../src/Loan.sol";
import {TestToken} from "../src/mocks/TestToken.sol";
import {FalseReturnToken} from "./mocks/FalseReturnToken.sol";
import {BaseTest} from "./utils/BaseTest.sol";

/// @notice A token that returns false instead of reverting: SafeERC20 turns every such transfer into a
///         revert, nothing is counted that did not move, and the loan works again once the token does.
contract FalseReturnTokenTest is BaseTest {
    FalseReturnToken internal ftoken;
    Loan internal loan;
    bytes internal failed;

    function setUp() public override {
        super.setUp();
        ftoken = new FalseReturnToken();
        tokens.push(TestToken(address(ftoken)));
        loan = _createLoan(_defaultTerms(address(ftoken)));
        failed = abi.encodeWithSelector(SafeERC20.SafeERC20FailedOperation.selector, address(ftoken));
    }

    function _expectFailed(address caller, bytes memory call) internal {
        bytes32 before = _stateHash();
        vm.prank(caller);
        (bool ok, bytes memory err) = address(loan).call(call);
        assertTrue(!ok, "call succeeded");
        assertEq(keccak256(err), keccak256(failed), "SafeERC20FailedOperation");
        assertEq(_stateHash(), before, "state changed");
    }

    function testFuzz_invest_revertsOnFalse(uint256 amount) public {
        amount = bound(amount, 1, TOTAL);
        _give(loan, LENDER_A, amount);
        ftoken.setFailing(true);
        _expectFailed(LENDER_A, abi.encodeCall(Loan.invest, (amount)));
    }

    function testFuzz_lifecycle_survivesFailingSpells(uint256 paid) public {
        _fund(loan);
        ftoken.setFailing(true);
        _expectFailed(BORROWER_A, abi.encodeCall(Loan.disburse, ()));
        ftoken.setFailing(false);
        vm.prank(BORROWER_A);
        loan.disburse();

        paid = bound(paid, 1, loan.owed(BORROWER_A));
        _give(loan, BORROWER_A, paid);
        ftoken.setFailing(true);
        _expectFailed(BORROWER_A, abi.encodeCall(Loan.makePayment, (paid)));
        ftoken.setFailing(false);
        vm.prank(BORROWER_A);
        loan.makePayment(paid);

        uint256 share = loan.withdrawable(LENDER_A);
        vm.assume(share > 0);
        ftoken.setFailing(true);
        _expectFailed(LENDER_A, abi.encodeCall(Loan.withdraw, (share)));
        ftoken.setFailing(false);
        vm.prank(LENDER_A);
        loan.withdraw(share);
        assertEq(ftoken.balanceOf(LENDER_A), share, "lender paid once the token works");
    }
}
