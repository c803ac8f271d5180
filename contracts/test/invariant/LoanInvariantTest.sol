// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Loan} from "../../src/Loan.sol";
import {BorrowerPosition, LenderPosition} from "../../src/interfaces/ILoan.sol";
import {ScoreLedger} from "../../src/interfaces/ICreditBureau.sol";
import {Errors} from "../../src/libraries/Errors.sol";
import {LoanTerms} from "../../src/libraries/LoanTerms.sol";
import {BaseTest} from "../utils/BaseTest.sol";
import {Reference} from "../utils/Reference.sol";
import {LoanHandler} from "./LoanHandler.sol";

/// @notice Invariants over random lifecycles (invest, borrow, cancel, disburse, pay, withdraw, take fees,
///         time passing, default reports, dust sweeps): the loan holds exactly what it owes, no lender takes
///         more than entitled, value is conserved, the books match the positions. After each sequence
///         everyone settles, the dust is swept, and not one base unit stays behind.
abstract contract LoanInvariantBase is BaseTest {
    /// forge reads targetSelectors() by this shape.
    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    uint16 internal constant I_FEE = 150;
    uint16 internal constant I_PAYMENTS = 6;

    LoanHandler internal handler;
    Loan internal loan;
    address[] internal lenders;
    address[] internal borrowers;
    uint256 internal initialValue;
    uint256 internal initialSupply;

    function _asset() internal view virtual returns (address);

    /// Odd totals, so the lenders' pro-rata floors leave dust to account for.
    function _totalAmount() internal pure virtual returns (uint96);

    function setUp() public override {
        super.setUp();
        LoanTerms memory t = LoanTerms({
            asset: _asset(),
            totalAmount: _totalAmount(),
            intRatePerMil: 20,
            numPayments: I_PAYMENTS,
            secondsBetweenPayments: 7 days,
            minCreditScore: MIN_SCORE,
            fundDate: uint40(block.timestamp + 10 days),
            gracePeriod: 3 days,
            creatorFeePerMil: I_FEE,
            decisionModel: 0,
            minDecisionMargin: 0
        });
        loan = _createLoan(t);
        (lenders, borrowers) = ([LENDER_A, LENDER_B, LENDER_C], [BORROWER_A, BORROWER_B, BORROWER_C]);
        handler = new LoanHandler(bureau, loan, lenders, borrowers);
        initialValue = _valueHeld();
        initialSupply = token.totalSupply();
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    function targetSelectors() public view returns (FuzzSelector[] memory targets) {
        targets = new FuzzSelector[](1);
        targets[0] = FuzzSelector(address(handler), handler.selectors());
    }

    /// Everything the cast and the loan hold: no one else ever receives the asset.
    function _valueHeld() internal view returns (uint256 sum) {
        for (uint256 i; i < 3; ++i) sum += handler.balanceOf(lenders[i]) + handler.balanceOf(borrowers[i]);
        sum += handler.balanceOf(CREATOR) + handler.balanceOf(address(loan));
    }

    function _lendersIn() internal view returns (uint256 n) {
        for (uint256 i; i < 3; ++i) if (loan.lenderPosition(lenders[i]).invested > 0) ++n;
    }

    /// The lenders' pool: repaid less the creator's fee, by the reference formula.
    function _pool() internal view returns (uint256) {
        (,, uint256 repaid, uint256 scheduled) = loan.totals();
        return repaid - Reference.fees(repaid - loan.reclaimedTotal(), scheduled, _totalAmount(), I_FEE);
    }

    // =========================================================================================
    //                                        INVARIANTS
    // =========================================================================================

    /// Funded: balance = lenders' unwithdrawn shares + creator's fees + undisbursed principal + dust,
    /// dust in [0, lenders). Otherwise: balance = investments not yet refunded.
    function invariant_balanceMatchesEntitlements() public view {
        uint256 balance = handler.balanceOf(address(loan));
        if (loan.isReady()) {
            uint256 accounted = loan.feesWithdrawable();
            for (uint256 i; i < 3; ++i) {
                accounted += loan.withdrawable(lenders[i]);
                BorrowerPosition memory b = loan.borrowerPosition(borrowers[i]);
                if (!b.disbursed) accounted += b.principal;
            }
            assertGe(balance, accounted, "loan holds less than it owes");
            assertLt(balance - accounted, _lendersIn(), "more than rounding dust unaccounted");
        } else {
            uint256 held;
            bool failed = loan.isFailed();
            for (uint256 i; i < 3; ++i) {
                LenderPosition memory l = loan.lenderPosition(lenders[i]);
                held += l.invested - l.withdrawn;
                assertEq(loan.withdrawable(lenders[i]), failed ? l.invested - l.withdrawn : 0, "refund");
            }
            assertEq(balance, held, "unfunded loan holds other than the investments");
        }
    }

    /// Each lender received exactly what the loan recorded, never above their share (or refund), and
    /// together never above the pool; a withdrawal above `withdrawable` never succeeded.
    function invariant_noLenderOverWithdraws() public view {
        assertTrue(!handler.ghostOverWithdrawal(), "withdrew above withdrawable");
        uint256 pool = _pool();
        uint256 sum;
        for (uint256 i; i < 3; ++i) {
            LenderPosition memory l = loan.lenderPosition(lenders[i]);
            assertEq(l.withdrawn, handler.ghostReceived(lenders[i]), "recorded vs received");
            uint256 entitled = loan.isReady()
                ? Reference.shareSplit(pool, handler.ghostPoolAtSweep(), l.invested, _totalAmount())
                : l.invested;
            assertLe(l.withdrawn, entitled, "lender above entitlement");
            sum += l.withdrawn;
        }
        if (loan.isReady()) assertLe(sum + handler.ghostDustTaken(), pool, "lenders and dust above the pool");
        assertEq(loan.dustSwept(), handler.ghostDustTaken(), "dust recorded vs received");
        (,, uint256 repaid, uint256 scheduled) = loan.totals();
        assertEq(
            loan.feesWithdrawable() + handler.ghostFeesTaken(),
            Reference.fees(repaid - loan.reclaimedTotal(), scheduled, _totalAmount(), I_FEE),
            "creator's fees"
        );
    }

    function invariant_valueConserved() public view {
        assertEq(_valueHeld(), initialValue, "value created or destroyed");
        assertEq(token.totalSupply(), initialSupply, "token supply changed");
    }

    /// Totals equal the sums of positions; each ledger mirrors its borrower's position; reports were right.
    function invariant_booksMatchPositions() public view {
        assertTrue(!handler.ghostReportMismatch(), "a false report passed or a true one failed");
        (uint256 invested, uint256 requested, uint256 repaid, uint256 scheduled) = loan.totals();
        uint256[4] memory sums;
        for (uint256 i; i < 3; ++i) {
            sums[0] += loan.lenderPosition(lenders[i]).invested;
            BorrowerPosition memory b = loan.borrowerPosition(borrowers[i]);
            sums[1] += b.principal;
            sums[2] += b.paid;
            sums[3] += loan.installmentOf(borrowers[i]) * I_PAYMENTS;
            ScoreLedger memory ledger = bureau.ledgerOf(borrowers[i]);
            uint256 scheduled_ = loan.installmentOf(borrowers[i]) * I_PAYMENTS;
            assertEq(ledger.amounts.debt, scheduled_ - b.paid, "ledger debt: scheduled less paid");
            assertEq(ledger.totals.repaid, b.paid, "ledger repaid");
            assertEq(ledger.core.activeLoans, b.principal > 0 && loan.owed(borrowers[i]) > 0 ? 1 : 0, "ledger active");
            assertEq(ledger.core.defaults, b.defaulted ? 1 : 0, "ledger defaults");
        }
        assertEq(sums[0], invested, "invested");
        assertEq(sums[1], requested, "requested");
        assertEq(sums[2], repaid, "repaid");
        assertEq(sums[3], scheduled, "scheduled");
    }

    /// Everyone settles and not one base unit stays: the borrowers still open take and repay everything,
    /// the defaulters pay nothing, the dust is swept (the pool is settled) and all take their due; then the
    /// defaulters repay after all, the last dust is swept, and again all take their due.
    function afterInvariant() public virtual {
        if (!loan.isReady()) {
            vm.warp(handler.fundDate() + 1);
            _withdrawAll();
            assertEq(handler.balanceOf(address(loan)), 0, "a failed loan keeps nothing");
            return;
        }
        _repayAll(false);
        assertEq(loan.openBorrowers(), 0, "every borrower settled");
        // A sweep during the run froze the pool earlier; defaulters' payments since bring dust of their own,
        // which waits until every schedule is repaid.
        bool sweptBefore = handler.ghostPoolAtSweep() != 0;
        _sweepAndTakeAll(sweptBefore);
        bool split = loan.dustSwept() > 0;
        _repayAll(true);
        _sweepAndTakeAll(false);
        (,, uint256 repaid, uint256 scheduled) = loan.totals();
        assertEq(repaid, scheduled, "every schedule repaid");
        // Every lender got their principal back, less one unit of rounding when a sweep split the pool
        // before the last payments (each part is floored on its own).
        for (uint256 i; i < 3; ++i) {
            LenderPosition memory l = loan.lenderPosition(lenders[i]);
            assertGe(l.withdrawn + (split ? 1 : 0), l.invested, "lender lost principal");
        }
    }

    function _repayAll(bool defaulters) internal {
        for (uint256 i; i < 3; ++i) {
            BorrowerPosition memory b = loan.borrowerPosition(borrowers[i]);
            if (b.principal == 0 || b.defaulted != defaulters) continue;
            if (!b.disbursed && loan.isInDefault(borrowers[i], block.timestamp)) {
                // Too late to take it: the report returns the principal to the lenders.
                bureau.reportDefault(address(loan), borrowers[i]);
                continue;
            }
            if (!b.disbursed) {
                vm.prank(borrowers[i]);
                loan.disburse();
            }
            uint256 owed = loan.owed(borrowers[i]);
            if (owed > 0) {
                vm.prank(borrowers[i]);
                loan.makePayment{value: _asset() == address(0) ? owed : 0}(owed);
            }
        }
    }

    function _sweepAndTakeAll(bool mayWait) internal {
        uint256 before = handler.balanceOf(CREATOR);
        (,, uint256 repaid, uint256 scheduled) = loan.totals();
        bool waits = mayWait && repaid < scheduled;
        try loan.sweepDust(handler.sortedLenders()) returns (uint256 dust) {
            assertTrue(!waits, "swept a pool that may still grow");
            assertEq(handler.balanceOf(CREATOR) - before, dust, "dust received");
        } catch (bytes memory reason) {
            bytes4 expected = waits ? Errors.NotSettled.selector : Errors.ZeroAmount.selector;
            assertEq(bytes4(reason), expected, "a settled pool sweeps or has no dust");
        }
        _withdrawAll();
        if (loan.feesWithdrawable() > 0) {
            vm.prank(CREATOR);
            loan.withdrawFees();
        }
        if (waits) assertLt(handler.balanceOf(address(loan)), _lendersIn(), "more than dust left behind");
        else assertEq(handler.balanceOf(address(loan)), 0, "a base unit left behind");
    }

    function _withdrawAll() internal {
        for (uint256 i; i < 3; ++i) {
            uint256 amount = loan.withdrawable(lenders[i]);
            if (amount > 0) {
                vm.prank(lenders[i]);
                loan.withdraw(amount);
            }
        }
    }
}

contract EtherLoanInvariantTest is LoanInvariantBase {
    function _asset() internal pure override returns (address) {
        return address(0);
    }

    function _totalAmount() internal pure override returns (uint96) {
        return 10 ether + 7;
    }
}

contract TokenLoanInvariantTest is LoanInvariantBase {
    function _asset() internal view override returns (address) {
        return address(token);
    }

    function _totalAmount() internal pure override returns (uint96) {
        return 1_000_003;
    }
}
