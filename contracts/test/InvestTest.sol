// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Loan} from "../src/Loan.sol";
import {Errors} from "../src/libraries/Errors.sol";
import {Events} from "../src/libraries/Events.sol";
import {BaseTest} from "./utils/BaseTest.sol";

/// @notice invest: ether and token, accumulation, the funding moment, and every refusal.
contract InvestTest is BaseTest {
    function _loan(bool inToken) internal returns (Loan) {
        return inToken ? _tokenLoan() : _etherLoan();
    }

    /// Expects `lender`'s invest of `amount` with `value` wei to revert with `err`, changing nothing.
    function _expectInvestReverts(Loan loan, address lender, uint256 amount, uint256 value, bytes memory err)
        internal
    {
        bytes32 before = _stateHash();
        vm.expectRevert(err);
        vm.prank(lender);
        loan.invest{value: value}(amount);
        assertEq(_stateHash(), before, "state changed");
    }

    function testFuzz_invest(bool inToken, uint256 amount, address lender) public {
        _assumeUsable(lender);
        Loan loan = _loan(inToken);
        address asset = _asset(loan);
        amount = bound(amount, 1, TOTAL);
        _give(loan, lender, amount);
        uint256 lenderBefore = _balance(asset, lender);
        uint256 value = _value(loan, amount);

        vm.expectEmit(address(loan));
        emit Events.Invested(lender, amount, amount);
        vm.prank(lender);
        loan.invest{value: value}(amount);

        assertEq(_balance(asset, lender), lenderBefore - amount, "lender paid");
        assertEq(_balance(asset, address(loan)), amount, "loan holds it");
        assertEq(loan.lenderPosition(lender).invested, amount, "position");
        (uint256 invested,,,) = loan.totals();
        assertEq(invested, amount, "total invested");
        assertEq(loan.isReady(), false, "no requests yet: not funded");
        assertEq(loan.withdrawable(lender), 0, "nothing to withdraw while open");
    }

    function testFuzz_invest_accumulates(bool inToken, uint256 a, uint256 b, uint256 c) public {
        Loan loan = _loan(inToken);
        a = bound(a, 1, TOTAL - 2);
        b = bound(b, 1, TOTAL - a - 1);
        c = bound(c, 1, TOTAL - a - b);
        _invest(loan, LENDER_A, a);
        _invest(loan, LENDER_B, b);
        _invest(loan, LENDER_A, c);
        assertEq(loan.lenderPosition(LENDER_A).invested, a + c, "lender A");
        assertEq(loan.lenderPosition(LENDER_B).invested, b, "lender B");
        (uint256 invested,,,) = loan.totals();
        assertEq(invested, a + b + c, "total");
        assertEq(_balance(_asset(loan), address(loan)), a + b + c, "balance");
    }

    function testFuzz_invest_lastInvestmentFundsTheLoan(bool inToken, uint256 split, uint256 elapsed) public {
        Loan loan = _loan(inToken);
        _borrow(loan, BORROWER_A, TOTAL);
        uint256 first = bound(split, 1, TOTAL - 1);
        _invest(loan, LENDER_A, first);
        assertEq(loan.isReady(), false, "not yet");
        // Funding may complete at any moment up to and including the fund date.
        vm.warp(block.timestamp + bound(elapsed, 0, FUND_WINDOW));
        _give(loan, LENDER_B, TOTAL - first);
        uint256 value = _value(loan, TOTAL - first);

        vm.expectEmit(address(loan));
        emit Events.Funded(uint40(block.timestamp));
        vm.prank(LENDER_B);
        loan.invest{value: value}(TOTAL - first);

        assertEq(loan.fundedAt(), block.timestamp, "schedule starts now");
        assertEq(loan.isReady(), true, "ready");
        assertEq(loan.availableToBorrow(), 0, "closed to borrowers");
    }

    function testFuzz_invest_revertsOnZeroAmount(bool inToken) public {
        Loan loan = _loan(inToken);
        _expectInvestReverts(loan, LENDER_A, 0, 0, abi.encodeWithSelector(Errors.ZeroAmount.selector));
    }

    function testFuzz_invest_ether_revertsOnWrongValue(uint256 amount, uint256 value) public {
        Loan loan = _etherLoan();
        amount = bound(amount, 1, TOTAL);
        value = bound(value, 0, 2 * TOTAL);
        vm.assume(value != amount);
        vm.deal(LENDER_A, value);
        _expectInvestReverts(
            loan, LENDER_A, amount, value, abi.encodeWithSelector(Errors.WrongEtherValue.selector, value, amount)
        );
    }

    function testFuzz_invest_token_revertsOnEther(uint256 amount, uint256 value) public {
        Loan loan = _tokenLoan();
        amount = bound(amount, 1, TOTAL);
        value = bound(value, 1, TOTAL);
        _give(loan, LENDER_A, amount);
        vm.deal(LENDER_A, value);
        _expectInvestReverts(
            loan, LENDER_A, amount, value, abi.encodeWithSelector(Errors.WrongEtherValue.selector, value, 0)
        );
    }

    function testFuzz_invest_revertsOnOverInvestment(bool inToken, uint256 first, uint256 second) public {
        Loan loan = _loan(inToken);
        first = bound(first, 0, TOTAL - 1);
        if (first > 0) _invest(loan, LENDER_A, first);
        uint256 available = TOTAL - first;
        second = bound(second, available + 1, type(uint96).max);
        _give(loan, LENDER_B, second);
        _expectInvestReverts(
            loan,
            LENDER_B,
            second,
            _value(loan, second),
            abi.encodeWithSelector(Errors.OverInvestment.selector, second, available)
        );
    }

    function testFuzz_invest_revertsOnceFunded(bool inToken, uint256 amount) public {
        Loan loan = _loan(inToken);
        _fund(loan);
        amount = bound(amount, 1, TOTAL);
        _give(loan, LENDER_C, amount);
        _expectInvestReverts(
            loan, LENDER_C, amount, _value(loan, amount), abi.encodeWithSelector(Errors.FundingClosed.selector)
        );
    }

    function testFuzz_invest_revertsAfterFundDate(bool inToken, uint256 amount, uint256 late) public {
        Loan loan = _loan(inToken);
        amount = bound(amount, 1, TOTAL);
        _give(loan, LENDER_A, amount);
        vm.warp(block.timestamp + FUND_WINDOW + bound(late, 1, 3650 days));
        _expectInvestReverts(
            loan, LENDER_A, amount, _value(loan, amount), abi.encodeWithSelector(Errors.FundingClosed.selector)
        );
    }
}
