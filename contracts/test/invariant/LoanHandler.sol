// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {CreditBureau} from "../../src/CreditBureau.sol";
import {Loan} from "../../src/Loan.sol";
import {LoanTerms} from "../../src/libraries/LoanTerms.sol";
import {TestToken} from "../../src/mocks/TestToken.sol";
import {VM, Vm} from "../utils/Vm.sol";

/// @notice Drives one loan through random sequences of the whole lifecycle for a fixed cast: three lenders,
///         three borrowers, the creator. Inputs are bounded so most calls succeed; ghost variables record
///         what actually moved, for the invariants to check against the loan's books.
contract LoanHandler {
    Vm internal constant vm = VM;
    uint256 internal constant START_BALANCE = 1e30;

    CreditBureau public immutable bureau;
    Loan public immutable loan;
    address public immutable asset;
    address public immutable creator;
    uint256 public immutable total;
    uint256 public immutable fundDate;
    address[] public lenders;
    address[] public borrowers;

    /// What each lender actually received from the loan, measured on their balance.
    mapping(address => uint256) public ghostReceived;
    uint256 public ghostFeesTaken;
    /// Dust the creator received from sweeps, and the pool at the first sweep (0 before).
    uint256 public ghostDustTaken;
    uint256 public ghostPoolAtSweep;
    /// Set if a withdrawal above `withdrawable` ever succeeded.
    bool public ghostOverWithdrawal;
    /// Set if a report on a borrower not in default succeeded, or one on a borrower in default failed.
    bool public ghostReportMismatch;

    constructor(CreditBureau bureau_, Loan loan_, address[] memory lenders_, address[] memory borrowers_) {
        bureau = bureau_;
        loan = loan_;
        (address creator_, LoanTerms memory t) = loan_.terms();
        (asset, creator, total, fundDate) = (t.asset, creator_, t.totalAmount, t.fundDate);
        lenders = lenders_;
        borrowers = borrowers_;
        for (uint256 i; i < 3; ++i) {
            _endow(lenders_[i]);
            _endow(borrowers_[i]);
        }
    }

    function _endow(address account) internal {
        if (asset == address(0)) {
            vm.deal(account, START_BALANCE);
        } else {
            TestToken(asset).mint(account, START_BALANCE);
            vm.prank(account);
            TestToken(asset).approve(address(loan), type(uint256).max);
        }
    }

    function _value(uint256 amount) internal view returns (uint256) {
        return asset == address(0) ? amount : 0;
    }

    function balanceOf(address account) public view returns (uint256) {
        return asset == address(0) ? account.balance : TestToken(asset).balanceOf(account);
    }

    function _open() internal view returns (bool) {
        return !loan.isReady() && block.timestamp <= fundDate;
    }

    /// Half the time exactly `max` (so loans fill and debts clear), otherwise anything in [1, max].
    function _amount(uint256 seed, uint256 max) internal pure returns (uint256) {
        return seed % 2 == 0 ? max : 1 + (seed >> 1) % max;
    }

    // =========================================================================================
    //                                         ACTIONS
    // =========================================================================================
    // Each action picks its actor from a seed, skipping to the next one it can apply to, and bounds its
    // amount to what is valid. An action that has no place in the loan's current phase takes a step of
    // that phase instead (funding before the loan funds, repaying after), so little of the depth is wasted.

    function invest(uint256 who, uint256 amount) external {
        if (!_open()) return _repaymentStep(who, amount);
        _invest(who, amount);
    }

    function borrow(uint256 who, uint256 amount) external {
        if (!_open()) return _withdraw(who, amount);
        _borrow(who, amount);
    }

    function cancelBorrow(uint256 who) external {
        if (!_open()) return loan.isReady() ? _disburse(who) : _withdraw(who, who >> 8);
        address borrower = _pick(borrowers, who, _hasRequest);
        if (borrower == address(0)) return;
        vm.prank(borrower);
        loan.cancelBorrow();
    }

    function disburse(uint256 who) external {
        if (_open()) return _fundingStep(who, who >> 8);
        loan.isReady() ? _disburse(who) : _withdraw(who, who >> 8);
    }

    function makePayment(uint256 who, uint256 amount) external {
        if (_open()) return _fundingStep(who, amount);
        _repaymentStep(who, amount);
    }

    function withdraw(uint256 who, uint256 amount) external {
        if (_open()) return _fundingStep(who, amount);
        _withdraw(who, amount);
    }

    function withdrawFees() external {
        uint256 fees = loan.feesWithdrawable();
        if (fees == 0) return;
        uint256 before = balanceOf(creator);
        vm.prank(creator);
        loan.withdrawFees();
        ghostFeesTaken += balanceOf(creator) - before;
    }

    /// Sweeps with every lender listed in ascending order; it goes through only once the pool is settled.
    function sweepDust() external {
        uint256 before = balanceOf(creator);
        (,, uint256 repaid,) = loan.totals();
        uint256 pool = repaid - loan.feesWithdrawable() - ghostFeesTaken;
        try loan.sweepDust(sortedLenders()) {
            if (ghostPoolAtSweep == 0) ghostPoolAtSweep = pool;
            ghostDustTaken += balanceOf(creator) - before;
        } catch {}
    }

    function warp(uint256 seconds_) external {
        // While open: steps of up to 3 days, and one in eight jumps past the fund date (the loan fails).
        // Once funded: up to ~3 payment periods at a time.
        uint256 step = 1 hours + seconds_ % (loan.isReady() ? 20 days : 3 days);
        if (_open() && seconds_ % 8 == 0) step = fundDate + 1 - block.timestamp;
        vm.warp(block.timestamp + step);
    }

    function reportDefault(uint256 who, uint256 reporter) external {
        if (_open()) return _fundingStep(who, reporter);
        // A reportable borrower if there is one; otherwise a false report, which must revert.
        address borrower = _pick(borrowers, who, _reportable);
        if (borrower == address(0)) borrower = borrowers[who % 3];
        bool expected = _reportable(borrower);
        vm.prank(lenders[reporter % 3]);
        try bureau.reportDefault(address(loan), borrower) {
            if (!expected) ghostReportMismatch = true;
        } catch {
            if (expected) ghostReportMismatch = true; // a true report must go through
        }
    }

    // =========================================================================================
    //                                      ACTION BODIES
    // =========================================================================================

    function _fundingStep(uint256 who, uint256 amount) internal {
        (uint256 invested, uint256 requested,,) = loan.totals();
        if (requested == total || (who % 2 == 0 && invested < total)) _invest(who, amount);
        else _borrow(who, amount);
    }

    /// After funding a payment; after a failed funding a refund.
    function _repaymentStep(uint256 who, uint256 amount) internal {
        loan.isReady() ? _makePayment(who, amount) : _withdraw(who, amount);
    }

    function _invest(uint256 who, uint256 amount) internal {
        (uint256 invested,,,) = loan.totals();
        if (invested == total) return;
        address lender = lenders[who % 3];
        amount = _amount(amount, total - invested);
        vm.prank(lender);
        loan.invest{value: _value(amount)}(amount);
    }

    function _borrow(uint256 who, uint256 amount) internal {
        (, uint256 requested,,) = loan.totals();
        address borrower = _pick(borrowers, who, _hasNoRequest);
        if (requested == total || borrower == address(0)) return;
        amount = _amount(amount, total - requested);
        vm.prank(borrower);
        loan.borrow(amount);
    }

    function _disburse(uint256 who) internal {
        address borrower = _pick(borrowers, who, _awaitsDisbursement);
        if (borrower == address(0)) return;
        vm.prank(borrower);
        loan.disburse();
    }

    function _makePayment(uint256 who, uint256 amount) internal {
        address borrower = _pick(borrowers, who, _canPay);
        if (borrower == address(0)) return _disburse(who);
        uint256 owed = loan.owed(borrower);
        // Mostly one installment (on-time behaviour), sometimes anything up to the rest.
        uint256 installment = loan.installmentOf(borrower);
        amount = amount % 3 == 0 ? 1 + (amount >> 2) % owed : (installment < owed ? installment : owed);
        vm.prank(borrower);
        loan.makePayment{value: _value(amount)}(amount);
    }

    function _withdraw(uint256 who, uint256 amount) internal {
        address lender = lenders[who % 3];
        uint256 available = loan.withdrawable(lender);
        // Every time, a try at one unit more than allowed: it must fail.
        vm.prank(lender);
        try loan.withdraw(available + 1) {
            ghostOverWithdrawal = true;
        } catch {}
        if (available == 0) return;
        amount = _amount(amount, available);
        uint256 before = balanceOf(lender);
        vm.prank(lender);
        loan.withdraw(amount);
        ghostReceived[lender] += balanceOf(lender) - before;
    }

    /// The first of `list`, starting at `who`, for which `eligible` holds; address(0) if none.
    function _pick(address[] storage list, uint256 who, function(address) view returns (bool) eligible)
        internal
        view
        returns (address)
    {
        for (uint256 i; i < 3; ++i) {
            address a = list[(who % 3 + i) % 3];
            if (eligible(a)) return a;
        }
        return address(0);
    }

    function _hasRequest(address b) internal view returns (bool) {
        return loan.borrowerPosition(b).principal != 0;
    }

    function _hasNoRequest(address b) internal view returns (bool) {
        return loan.borrowerPosition(b).principal == 0;
    }

    function _awaitsDisbursement(address b) internal view returns (bool) {
        return _hasRequest(b) && !loan.borrowerPosition(b).disbursed && !loan.isInDefault(b, block.timestamp);
    }

    function _reportable(address b) internal view returns (bool) {
        return loan.isInDefault(b, block.timestamp) && !loan.borrowerPosition(b).defaulted;
    }

    function _canPay(address b) internal view returns (bool) {
        return loan.borrowerPosition(b).disbursed && loan.owed(b) > 0;
    }

    // =========================================================================================
    //                                     VIEWS FOR THE TEST
    // =========================================================================================

    function lenderList() external view returns (address[] memory) {
        return lenders;
    }

    function borrowerList() external view returns (address[] memory) {
        return borrowers;
    }

    /// The lenders in ascending address order, as `sweepDust` takes them.
    function sortedLenders() public view returns (address[] memory sorted) {
        sorted = lenders;
        for (uint256 i = 1; i < sorted.length; ++i) {
            for (uint256 j = i; j > 0 && sorted[j - 1] > sorted[j]; --j) {
                (sorted[j - 1], sorted[j]) = (sorted[j], sorted[j - 1]);
            }
        }
    }

    function selectors() external pure returns (bytes4[] memory s) {
        s = new bytes4[](10);
        s[0] = this.invest.selector;
        s[1] = this.borrow.selector;
        s[2] = this.cancelBorrow.selector;
        s[3] = this.disburse.selector;
        s[4] = this.makePayment.selector;
        s[5] = this.withdraw.selector;
        s[6] = this.withdrawFees.selector;
        s[7] = this.warp.selector;
        s[8] = this.reportDefault.selector;
        s[9] = this.sweepDust.selector;
    }
}
