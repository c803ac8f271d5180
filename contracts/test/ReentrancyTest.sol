// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {Loan} from "../src/Loan.sol";
import {LoanTerms} from "../src/libraries/LoanTerms.sol";
import {TestToken} from "../src/mocks/TestToken.sol";
import {Actor} from "./mocks/Actor.sol";
import {ReentrantToken} from "./mocks/ReentrantToken.sol";
import {BaseTest} from "./utils/BaseTest.sol";

/// @notice A token that calls back into the loan mid-transfer (for an attacker who lends and borrows)
///         gets every re-entry refused: the outer call either reverts whole or completes as if alone.
contract ReentrancyTest is BaseTest {
    ReentrantToken internal rtoken;
    Actor internal attacker;
    Loan internal openLoan;
    Loan internal fundedLoan;

    function setUp() public override {
        super.setUp();
        rtoken = new ReentrantToken();
        tokens.push(TestToken(address(rtoken)));
        attacker = new Actor();
        tracked.push(address(attacker));
        _register(address(attacker), 800);
        LoanTerms memory t = _defaultTerms(address(rtoken));
        openLoan = _createLoan(t);
        fundedLoan = _createLoan(t);
        // The attacker lends half of fundedLoan and borrows all of it.
        _attackerInvests(fundedLoan, TOTAL / 2);
        _invest(fundedLoan, LENDER_A, TOTAL - TOTAL / 2);
        _as(fundedLoan, abi.encodeCall(Loan.borrow, (TOTAL)));
    }

    function _as(Loan loan, bytes memory data) internal {
        attacker.execute(address(loan), 0, data);
    }

    function _attackerInvests(Loan loan, uint256 amount) internal {
        rtoken.mint(address(attacker), amount);
        attacker.execute(address(rtoken), 0, abi.encodeCall(rtoken.approve, (address(loan), type(uint256).max)));
        _as(loan, abi.encodeCall(Loan.invest, (amount)));
    }

    function _inner(uint256 i) internal pure returns (bytes memory) {
        if (i == 0) return abi.encodeCall(Loan.invest, (1));
        if (i == 1) return abi.encodeCall(Loan.borrow, (1));
        if (i == 2) return abi.encodeCall(Loan.cancelBorrow, ());
        if (i == 3) return abi.encodeCall(Loan.disburse, ());
        if (i == 4) return abi.encodeCall(Loan.makePayment, (1));
        if (i == 5) return abi.encodeCall(Loan.withdraw, (1));
        return abi.encodeCall(Loan.withdrawFees, ());
    }

    /// Readies `outer` (0 invest, 1 disburse, 2 makePayment, 3 withdraw): its loan, its call, and how
    /// much it moves into the loan (negative: out of it).
    function _prepare(uint256 outer) internal returns (Loan loan, bytes memory call, int256 inflow) {
        if (outer == 0) {
            rtoken.mint(address(attacker), 1 ether);
            attacker.execute(address(rtoken), 0, abi.encodeCall(rtoken.approve, (address(openLoan), 1 ether)));
            return (openLoan, abi.encodeCall(Loan.invest, (1 ether)), 1 ether);
        }
        loan = fundedLoan;
        if (outer == 1) return (loan, abi.encodeCall(Loan.disburse, ()), -int256(uint256(TOTAL)));
        _as(loan, abi.encodeCall(Loan.disburse, ()));
        uint256 installment = loan.installmentOf(address(attacker));
        attacker.execute(address(rtoken), 0, abi.encodeCall(rtoken.approve, (address(loan), type(uint256).max)));
        if (outer == 2) return (loan, abi.encodeCall(Loan.makePayment, (installment)), int256(installment));
        _as(loan, abi.encodeCall(Loan.makePayment, (3 * installment)));
        uint256 share = loan.withdrawable(address(attacker));
        return (loan, abi.encodeCall(Loan.withdraw, (share)), -int256(share));
    }

    /// What the loan should hold by its own books: invested - disbursed + repaid - withdrawn - fees taken.
    function _booked(Loan loan) internal view returns (uint256) {
        (uint256 invested,, uint256 repaid, uint256 scheduled) = loan.totals();
        uint256 disbursed = loan.borrowerPosition(address(attacker)).disbursed ? TOTAL : 0;
        uint256 withdrawn =
            loan.lenderPosition(address(attacker)).withdrawn + loan.lenderPosition(LENDER_A).withdrawn;
        uint256 feesTaken = repaid == 0 ? 0 : repaid * (scheduled - TOTAL) * FEE / (scheduled * 1000) - loan.feesWithdrawable();
        return invested - disbursed + repaid - withdrawn - feesTaken;
    }

    function testFuzz_reentry_isRefused(uint256 outer, uint256 inner, bool bubble) public {
        outer = bound(outer, 0, 3);
        inner = bound(inner, 0, 6);
        (Loan loan, bytes memory call, int256 inflow) = _prepare(outer);
        bytes memory refused = abi.encodeWithSelector(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
        rtoken.arm(address(attacker), abi.encodeCall(Actor.execute, (address(loan), 0, _inner(inner))), bubble);

        if (bubble) {
            // The token passes the refusal up: the whole outer call reverts and nothing changes.
            bytes32 before = _stateHash();
            vm.expectRevert(refused);
            attacker.execute(address(loan), 0, call);
            assertEq(_stateHash(), before, "state changed");
            return;
        }
        uint256 attackerBefore = rtoken.balanceOf(address(attacker));
        uint256 loanBefore = rtoken.balanceOf(address(loan));
        attacker.execute(address(loan), 0, call);
        assertTrue(rtoken.hookRan() && !rtoken.hookSucceeded(), "re-entry went through");
        assertEq(keccak256(rtoken.hookResult()), keccak256(refused), "refused by the guard");
        // The outer call alone moved tokens: its amount, once, and the books agree with the balance.
        uint256 attackerAfter = rtoken.balanceOf(address(attacker));
        uint256 loanAfter = rtoken.balanceOf(address(loan));
        assertEq(attackerBefore + loanBefore, attackerAfter + loanAfter, "tokens only between the two");
        assertEq(uint256(int256(loanBefore) + inflow), loanAfter, "exactly the outer call's amount");
        assertEq(loanAfter, _booked(loan), "balance matches the books");
    }
}
