// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ScoreLedger} from "../interfaces/ICreditBureau.sol";
import {Errors} from "./Errors.sol";

/// @title BorrowerLedger
/// @notice The ALOE per-borrower ratios (paper section IV), kept incrementally: every update first brings the
///         time integrals up to now (`accumulate`, O(1): between two updates nothing changes but the clock),
///         then applies the event. Nothing about past loans is stored but these sums.
///
///         Owing more than scheduled: a disbursed loan leaves its borrower behind from the first due date its
///         payments do not cover until the next payment that covers it; the ledger keeps that date per loan
///         (`behindFrom`), so the borrower is behind at t iff some kept date is <= t. The timeline between two
///         updates is therefore one clean stretch, then possibly one behind stretch.
///
///         Two clocks: the integrals of the amounts (`lastUpdate`) move only when an amount changes (request,
///         cancellation, payment), the behind timeline (`timelineAt`) only when a due date changes
///         (disbursement, payment), so each update reads and writes only the slots it needs.
///
///         Ratios, 16-bit fixed point (65535 = 1), with T = now - FLT (FLT: the first borrow request):
///         - UPR = TOT / T: the share of the history spent owing more than scheduled.
///         - CDBR = COB / (AOB + 3 PSD), capped at 1, with AOB = (integral of COB) / T and
///           PSD = TAE / T, TAE accumulating dt * |COB - AOB| at each update. The paper writes TAE / FLT and
///           AOB = TEL / TOT; both are dimensionally wrong (a time is not a debt's scale), so Aloe uses the
///           elapsed time and a time-weighted average. Computed as COB * T / (integral + 3 TAE).
///         - CPBR: the same for the payment per day needed not to fall behind.
///         - RAR = (NOW * TEL - WTEL) / (T * TEL): the principal-weighted age of the loans received.
///         - ANCL = min(1, (integral of active loans / T) / 4): the average number of simultaneous loans,
///           4 or more mapping to 1.
///         OSC-w (8-bit, 255 = 1) for w = 2^j days: of the start times t in [FLT, NOW - w], the share with
///         [t, t + w] clean; a clean run of length L contributes max(0, L - w) (closed runs are summed in
///         the accumulators, the open one is added at reading). Not observable while T <= w.
///         Every division rounds down; the time integrals saturate instead of overflowing, so a ledger
///         update can never make a payment revert.
library BorrowerLedger {
    uint256 internal constant MAX_ACTIVE_LOANS = 6;
    uint256 internal constant RATIO_ONE = 65_535;
    uint256 internal constant LABEL_ONE = 255;
    uint256 internal constant WINDOWS = 15;
    uint256 internal constant LOAN_COUNT_CAP = 4;
    uint256 internal constant DAY = 1 days;
    uint256 internal constant MARK = 1;

    uint256 private constant DATE_BITS = 40;
    uint256 private constant DATE_MASK = (1 << 40) - 1;
    uint256 private constant MAX_120 = (1 << 120) - 1;
    uint256 private constant OSC_BITS = 30;
    uint256 private constant OSC_MAX = (1 << 30) - 1;

    // =========================================================================================
    //                                         EVENTS
    // =========================================================================================

    /// The registration: the FICO score, and a mark in every slot past the first.
    function register(ScoreLedger storage l, uint256 ficoScore) internal {
        l.core.ficoScore = uint16(ficoScore);
        l.due.mark = 1;
        l.amounts.mark = 1;
        l.debtIntegral.mark = 1;
        l.rateIntegral.mark = 1;
        l.lent.mark = 1;
        l.totals.mark = 1;
        l.oscLow.mark = 1;
        l.oscHigh.mark = 1;
    }

    /// A request of `scheduledTotal` to be repaid at `dailyRate` a day. Uses core, amounts, integrals, totals.
    function onBorrow(ScoreLedger memory l, uint256 now_, uint256 scheduledTotal, uint256 dailyRate) internal pure {
        if (l.core.firstLoanAt == 0) {
            uint40 t = uint40(now_);
            (l.core.firstLoanAt, l.core.lastUpdate, l.core.timelineAt, l.core.cleanRunStart) = (t, t, t, t);
        }
        advanceIntegrals(l, now_);
        if (l.core.activeLoans >= MAX_ACTIVE_LOANS) revert Errors.TooManyActiveLoans(MAX_ACTIVE_LOANS);
        l.core.activeLoans += 1;
        l.amounts.debt = uint120(_add120(l.amounts.debt, scheduledTotal));
        l.amounts.paymentRate = uint120(_add120(l.amounts.paymentRate, dailyRate));
    }

    /// A request withdrawn (before funding, or after a failed funding). Uses core, amounts, integrals, totals.
    function onBorrowCancelled(ScoreLedger memory l, uint256 now_, uint256 scheduledTotal, uint256 dailyRate)
        internal
        pure
    {
        advanceIntegrals(l, now_);
        l.core.activeLoans -= 1;
        l.amounts.debt = uint120(_sub(l.amounts.debt, scheduledTotal));
        l.amounts.paymentRate = uint120(_sub(l.amounts.paymentRate, dailyRate));
    }

    /// `principal` disbursed; the loan leaves the borrower behind from `behindFrom`. Uses core, due, lent, osc.
    function onDisbursed(ScoreLedger memory l, uint256 now_, uint256 principal, uint256 behindFrom) internal pure {
        advanceTimeline(l, now_);
        // Saturating, like every sum here: a junk loan must not make later updates or readings revert.
        l.lent.total = uint96(_min(l.lent.total + principal, type(uint96).max));
        l.lent.weightedTime = uint144(_min(l.lent.weightedTime + principal * now_, type(uint144).max));
        uint256 before = earliest(l.due.behindFrom);
        l.due.behindFrom = uint240(_replace(l.due.behindFrom, 0, behindFrom));
        _afterDatesChange(l, now_, before);
    }

    /// A payment of `amount` moved the loan's date from `oldBehindFrom` to `newBehindFrom` (both 0 for a loan
    /// whose principal was reclaimed: no date is kept for it); `settled` when the loan is repaid in full (its
    /// date and `dailyRate` leave the ledger, and a point becomes owed). Uses everything but lent.
    function onRepayment(
        ScoreLedger memory l,
        uint256 now_,
        uint256 amount,
        uint256 oldBehindFrom,
        uint256 newBehindFrom,
        uint256 dailyRate,
        bool settled
    ) internal pure {
        advanceIntegrals(l, now_);
        advanceTimeline(l, now_);
        l.amounts.debt = uint120(_sub(l.amounts.debt, amount));
        l.totals.repaid = uint120(_add120(l.totals.repaid, amount));
        uint256 before = earliest(l.due.behindFrom);
        if (oldBehindFrom != 0) {
            l.due.behindFrom = uint240(_replace(l.due.behindFrom, oldBehindFrom, settled ? 0 : newBehindFrom));
        }
        if (settled) {
            l.core.activeLoans -= 1;
            l.amounts.paymentRate = uint120(_sub(l.amounts.paymentRate, dailyRate));
            _owePoint(l);
        }
        _afterDatesChange(l, now_, before);
    }

    /// A default confirmed: counted, and a point becomes owed. Uses core, totals.
    function onDefault(ScoreLedger memory l) internal pure {
        l.core.defaults += 1;
        _owePoint(l);
    }

    function _owePoint(ScoreLedger memory l) private pure {
        if (l.totals.pendingPoints < type(uint8).max) l.totals.pendingPoints += 1;
    }

    // =========================================================================================
    //                                      TIME INTEGRALS
    // =========================================================================================

    /// Both clocks up to `now_` (for reading).
    function accumulate(ScoreLedger memory l, uint256 now_) internal pure {
        advanceIntegrals(l, now_);
        advanceTimeline(l, now_);
    }

    /// The behind timeline from `timelineAt` up to `now_`, the kept dates unchanged in between: the time
    /// behind grows, and a clean run going on at `timelineAt` ends at the earliest date if that has passed.
    function advanceTimeline(ScoreLedger memory l, uint256 now_) internal pure {
        uint256 last = l.core.timelineAt;
        if (l.core.firstLoanAt == 0 || now_ <= last) return;
        uint256 due = earliest(l.due.behindFrom);
        if (due != 0 && due <= last) {
            l.core.timeBehind += uint40(now_ - last);
        } else if (due != 0 && due <= now_) {
            l.core.timeBehind += uint40(now_ - due);
            _closeRun(l, due);
        }
        l.core.timelineAt = uint40(now_);
    }

    /// The integrals from `lastUpdate` up to `now_`, the amounts unchanged in between.
    function advanceIntegrals(ScoreLedger memory l, uint256 now_) internal pure {
        uint256 last = l.core.lastUpdate;
        if (l.core.firstLoanAt == 0 || now_ <= last) return;
        uint256 dt = now_ - last;
        uint256 history = last - l.core.firstLoanAt;
        (l.debtIntegral.time, l.debtIntegral.deviation) =
            _integrate(l.amounts.debt, l.debtIntegral.time, l.debtIntegral.deviation, history, dt);
        (l.rateIntegral.time, l.rateIntegral.deviation) =
            _integrate(l.amounts.paymentRate, l.rateIntegral.time, l.rateIntegral.deviation, history, dt);
        l.totals.loanCountTime += uint64(uint256(l.core.activeLoans) * dt);
        l.core.lastUpdate = uint40(now_);
    }

    /// One interval of `dt` at `current`: TAE grows by dt * |current - the average so far| (the current value
    /// itself when there is no history yet), the integral by current * dt.
    function _integrate(uint256 current, uint256 integral, uint256 deviation, uint256 history, uint256 dt)
        private
        pure
        returns (uint120, uint120)
    {
        uint256 average = history == 0 ? current : integral / history;
        uint256 gap = current > average ? current - average : average - current;
        return (uint120(_add120(integral, current * dt)), uint120(_add120(deviation, gap * dt)));
    }

    /// Closes the clean run [cleanRunStart, end]: each window's accumulator gains max(0, L - w).
    function _closeRun(ScoreLedger memory l, uint256 end) private pure {
        uint256 length = end - l.core.cleanRunStart;
        for (uint256 j; j < WINDOWS; ++j) {
            uint256 w = DAY << j;
            if (length <= w) break;
            _setOsc(l, j, _min(oscAccumulator(l, j) + (length - w), OSC_MAX));
        }
    }

    /// After the kept dates changed at `now_` (the timeline being at `now_`): a clean run ends now if the
    /// borrower just fell behind, and one starts now if they just caught up.
    function _afterDatesChange(ScoreLedger memory l, uint256 now_, uint256 before) private pure {
        uint256 after_ = earliest(l.due.behindFrom);
        bool wasBehind = before != 0 && before <= now_;
        bool isBehind = after_ != 0 && after_ <= now_;
        if (!wasBehind && isBehind) _closeRun(l, now_);
        if (wasBehind && !isBehind) l.core.cleanRunStart = uint40(now_);
    }

    // =========================================================================================
    //                                          READING
    // =========================================================================================

    /// UPR, CDBR, CPBR, RAR, ANCL at `now_` (of a ledger whose integrals are advanced to `now_`; the behind
    /// timeline is read as of `now_` without being advanced), as if a loan adding `extraDebt` to COB,
    /// `extraRate` to CPR and `extraLent` to TEL were approved now.
    function ratios(ScoreLedger memory l, uint256 now_, uint256 extraDebt, uint256 extraRate, uint256 extraLent)
        internal
        pure
        returns (uint256[5] memory r)
    {
        uint256 elapsed = l.core.firstLoanAt == 0 ? 0 : now_ - l.core.firstLoanAt;
        if (elapsed != 0) r[0] = timeBehindAt(l, now_) * RATIO_ONE / elapsed;
        r[1] = _burden(l.amounts.debt + extraDebt, l.debtIntegral.time, l.debtIntegral.deviation, elapsed);
        r[2] = _burden(l.amounts.paymentRate + extraRate, l.rateIntegral.time, l.rateIntegral.deviation, elapsed);
        uint256 lent = l.lent.total + extraLent;
        if (elapsed != 0 && lent != 0) {
            uint256 weighted = l.lent.weightedTime + extraLent * now_;
            // Saturated sums could put the weighted time above now * TEL: the age then reads as 0.
            uint256 age = now_ * lent;
            if (age > weighted) r[3] = _min((age - weighted) * RATIO_ONE / (elapsed * lent), RATIO_ONE);
        }
        if (elapsed != 0) r[4] = _min(uint256(l.totals.loanCountTime) * RATIO_ONE / (elapsed * LOAN_COUNT_CAP), RATIO_ONE);
    }

    /// TOT as of `now_`: what `advanceTimeline` would make of it, without touching the ledger.
    function timeBehindAt(ScoreLedger memory l, uint256 now_) internal pure returns (uint256 behind) {
        behind = l.core.timeBehind;
        uint256 last = l.core.timelineAt;
        if (l.core.firstLoanAt == 0 || now_ <= last) return behind;
        uint256 due = earliest(l.due.behindFrom);
        if (due != 0 && due <= now_) behind += now_ - (due > last ? due : last);
    }

    /// current / (average + 3 pseudo standard deviations), capped at 1; 1 for a debt without any average.
    function _burden(uint256 current, uint256 integral, uint256 deviation, uint256 elapsed)
        private
        pure
        returns (uint256)
    {
        if (current == 0) return 0;
        uint256 scale = integral + 3 * deviation;
        if (scale == 0 || elapsed == 0) return RATIO_ONE;
        return _min(current * elapsed * RATIO_ONE / scale, RATIO_ONE);
    }

    /// The OSC-w labels at `now_` (of a ledger accumulated to `now_`) and how many windows are observable
    /// (the first `observed`: T > w). Unobservable windows repeat the largest observable one's label.
    function labels(ScoreLedger memory l, uint256 now_) internal pure returns (uint256[15] memory osc, uint256 observed) {
        if (l.core.firstLoanAt == 0) return (osc, 0);
        uint256 elapsed = now_ - l.core.firstLoanAt;
        uint256 due = earliest(l.due.behindFrom);
        bool clean = due == 0 || due > now_;
        uint256 openRun = clean ? now_ - l.core.cleanRunStart : 0;
        for (uint256 j; j < WINDOWS; ++j) {
            uint256 w = DAY << j;
            if (elapsed <= w) break;
            uint256 good = oscAccumulator(l, j) + (openRun > w ? openRun - w : 0);
            osc[j] = _min(good * LABEL_ONE / (elapsed - w), LABEL_ONE);
            observed = j + 1;
        }
        for (uint256 j = observed; j < WINDOWS && observed != 0; ++j) osc[j] = osc[observed - 1];
    }

    /// The earliest kept date (0 if none).
    function earliest(uint256 dates) internal pure returns (uint256 min) {
        for (uint256 i; i < MAX_ACTIVE_LOANS; ++i) {
            uint256 d = (dates >> (DATE_BITS * i)) & DATE_MASK;
            if (d != 0 && (min == 0 || d < min)) min = d;
        }
    }

    /// The accumulator of window j (windows 0-7 in `oscLow`, 8-14 in `oscHigh`, 30 bits each).
    function oscAccumulator(ScoreLedger memory l, uint256 j) internal pure returns (uint256) {
        uint256 word = j < 8 ? l.oscLow.packed : l.oscHigh.packed;
        return (word >> (OSC_BITS * (j % 8))) & OSC_MAX;
    }

    function _setOsc(ScoreLedger memory l, uint256 j, uint256 value) private pure {
        uint256 shift = OSC_BITS * (j % 8);
        if (j < 8) l.oscLow.packed = uint240((uint256(l.oscLow.packed) & ~(OSC_MAX << shift)) | (value << shift));
        else l.oscHigh.packed = uint240((uint256(l.oscHigh.packed) & ~(OSC_MAX << shift)) | (value << shift));
    }

    // =========================================================================================
    //                                     SMALL HELPERS
    // =========================================================================================

    /// Replaces one occurrence (a free place is 0; there is one for every disbursed loan, since at most 6
    /// requests and loans are active) of `from` by `to`.
    function _replace(uint256 dates, uint256 from, uint256 to) private pure returns (uint256) {
        for (uint256 i; i < MAX_ACTIVE_LOANS; ++i) {
            uint256 shift = DATE_BITS * i;
            if ((dates >> shift) & DATE_MASK == from) return (dates & ~(DATE_MASK << shift)) | (to << shift);
        }
        revert Errors.LedgerDateMissing(from);
    }

    function _add120(uint256 a, uint256 b) private pure returns (uint256) {
        return _min(a + b, MAX_120);
    }

    function _sub(uint256 a, uint256 b) private pure returns (uint256) {
        return a > b ? a - b : 0;
    }

    function _min(uint256 a, uint256 b) private pure returns (uint256) {
        return a < b ? a : b;
    }
}
