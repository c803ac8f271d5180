// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Loan} from "../src/Loan.sol";
import {Errors} from "../src/libraries/Errors.sol";
import {LoanTerms} from "../src/libraries/LoanTerms.sol";
import {BaseTest} from "./utils/BaseTest.sol";

/// @notice findLoan: only open loans that can still lend the amount, in creation order, in pages.
contract FindLoanTest is BaseTest {
    uint256 internal constant MAX_LOANS = 8;

    /// What each loan can still lend, by the test's own bookkeeping (not the loan's view).
    uint256[] internal expectedAvailable;

    /// Creates 1..MAX_LOANS loans in random states: open, partly requested, fully requested,
    /// funded, or failed (its fund date passes at the end).
    function _populate(uint256 seed, uint256 n) internal returns (uint256 count) {
        count = bound(n, 1, MAX_LOANS);
        for (uint256 i; i < count; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            LoanTerms memory t = _defaultTerms(address(0));
            t.totalAmount = uint96(bound(r, 1, 1000 ether));
            uint256 state = (r >> 128) % 5;
            if (state == 4) t.fundDate = uint40(block.timestamp + 1);
            Loan loan = _createLoan(t);
            uint256 available = state == 0 ? t.totalAmount : 0;
            // A borrower holds at most six requests at once: each loan gets a newly registered one.
            address borrower = address(uint160(uint256(keccak256(abi.encode("findLoan borrower", i)))));
            _register(borrower, 700);
            if (state == 1) {
                uint256 requested = bound(r >> 64, 1, t.totalAmount);
                _borrow(loan, borrower, requested);
                available = t.totalAmount - requested;
            } else if (state == 2) {
                _borrow(loan, borrower, t.totalAmount);
            } else if (state == 3) {
                _fund(loan, r >> 8, r >> 16);
            }
            expectedAvailable.push(available);
        }
        vm.warp(block.timestamp + 1 hours);
    }

    function _expected(uint256 amountNeeded, uint256 from, uint256 to) internal view returns (address[] memory out) {
        out = new address[](to > from ? to - from : 0);
        uint256 found;
        for (uint256 i = from; i < to; ++i) {
            uint256 a = expectedAvailable[i];
            if (a != 0 && a >= amountNeeded) out[found++] = address(loans[i]);
        }
        assembly ("memory-safe") {
            mstore(out, found)
        }
    }

    function _assertSame(address[] memory got, address[] memory want) internal pure {
        assertEq(got.length, want.length, "number of loans");
        for (uint256 i; i < got.length; ++i) assertEq(got[i], want[i], "loan");
    }

    function testFuzz_findLoan_filters(uint256 seed, uint256 n, uint256 amountNeeded) public {
        uint256 count = _populate(seed, n);
        // Half the runs ask for an amount around the loans' sizes, the rest for anything.
        if (amountNeeded % 2 == 0) amountNeeded = bound(amountNeeded, 0, 1000 ether);
        (address[] memory found, uint256 next) = bureau.findLoan(amountNeeded, 0, count);
        _assertSame(found, _expected(amountNeeded, 0, count));
        assertEq(next, count, "next");
        for (uint256 i; i < found.length; ++i) {
            assertGe(Loan(payable(found[i])).availableToBorrow(), amountNeeded, "found loan too small");
        }
    }

    function testFuzz_findLoan_pagesCoverEverything(uint256 seed, uint256 n, uint256 amountNeeded, uint256 pageSize)
        public
    {
        uint256 count = _populate(seed, n);
        amountNeeded = bound(amountNeeded, 0, 1000 ether);
        pageSize = bound(pageSize, 1, count + 1);
        address[] memory all = _expected(amountNeeded, 0, count);
        uint256 seen;
        uint256 offset;
        while (offset < count) {
            (address[] memory page, uint256 next) = bureau.findLoan(amountNeeded, offset, pageSize);
            assertEq(next, offset + pageSize < count ? offset + pageSize : count, "next");
            _assertSame(page, _expected(amountNeeded, offset, next));
            for (uint256 i; i < page.length; ++i) assertEq(page[i], all[seen++], "page order");
            offset = next;
        }
        assertEq(seen, all.length, "pages found them all");
    }

    function testFuzz_findLoan_offsetPastEnd(uint256 seed, uint256 n, uint256 offset, uint256 limit) public {
        uint256 count = _populate(seed, n);
        offset = bound(offset, count, type(uint256).max);
        (address[] memory found, uint256 next) = bureau.findLoan(0, offset, limit);
        assertEq(found.length, 0, "nothing past the end");
        assertEq(next, count, "next is the count");
    }

    function testFuzz_findLoan_zeroLimit(uint256 seed, uint256 n, uint256 offset) public {
        uint256 count = _populate(seed, n);
        offset = bound(offset, 0, count - 1);
        (address[] memory found, uint256 next) = bureau.findLoan(0, offset, 0);
        assertEq(found.length, 0, "empty page");
        assertEq(next, offset, "next stays");
    }

    /// Regression: `offset + limit` overflowed for a huge limit ("everything from here").
    function testFuzz_findLoan_hugeLimitDoesNotOverflow(uint256 seed, uint256 n, uint256 limit) public {
        uint256 count = _populate(seed, n);
        limit = bound(limit, type(uint256).max - count, type(uint256).max);
        (address[] memory found, uint256 next) = bureau.findLoan(0, 1, limit);
        _assertSame(found, _expected(0, 1, count));
        assertEq(next, count, "next");
    }

    function testFuzz_loanAt_inCreationOrder(uint256 seed, uint256 n, uint256 past) public {
        uint256 count = _populate(seed, n);
        assertEq(bureau.loanCount(), count, "count");
        for (uint256 i; i < count; ++i) assertEq(bureau.loanAt(i), address(loans[i]), "loanAt");
        past = bound(past, count, type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(Errors.LoanIndexOutOfRange.selector, past, count));
        bureau.loanAt(past);
    }

    function test_findLoan_noLoans() public view {
        (address[] memory found, uint256 next) = bureau.findLoan(0, 0, 10);
        assertEq(found.length + next, 0, "empty bureau");
    }
}
