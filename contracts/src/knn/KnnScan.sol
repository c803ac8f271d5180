// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {KnnPoint} from "./KnnPoint.sol";

/// @title KnnScan
/// @notice The k-nearest-neighbour scan over scan words in memory, and the inverse-distance weighting of
///         the winners' OSC labels.
///
///         The k best candidates are kept as keys `d << 120 | label`, ascending, where d = |p - q|^2: ties
///         in distance are broken by the label, so the answer does not depend on the order of the points
///         (two points with equal distance and label weigh the same). Unused places hold the maximum key.
library KnnScan {
    uint256 internal constant EMPTY = type(uint256).max;
    uint256 internal constant KEY_SHIFT = 120;
    uint256 internal constant WAD = 1e18;
    uint256 internal constant DAY = 1 days;
    /// OSC labels are 8-bit fixed point.
    uint256 internal constant LABEL_ONE = 255;

    /// A top-k list of `k` empty places.
    function empty(uint256 k) internal pure returns (uint256[] memory top) {
        top = new uint256[](k);
        for (uint256 i; i < k; ++i) top[i] = EMPTY;
    }

    /// Offers one candidate.
    function offer(uint256[] memory top, uint256 distance, uint256 label) internal pure {
        uint256 key = distance << KEY_SHIFT | label;
        uint256 last = top.length - 1;
        if (key >= top[last]) return;
        uint256 i = last;
        while (i > 0 && top[i - 1] > key) {
            top[i] = top[i - 1];
            --i;
        }
        top[i] = key;
    }

    /// Scans `n` scan words at memory `words`, followed by their labels (16 bytes each, big-endian), against
    /// the query word `q` with bias `bias` (see KnnPoint). Per point the hot path is one multiplication, a
    /// shift and a compare against the current k-th candidate (eight points a loop turn); only a point at
    /// least as near as that candidate goes on to build its key and enter the list.
    function scan(uint256[] memory top, uint256 words, uint256 n, uint256 q, uint256 bias) internal pure {
        assembly ("memory-safe") {
            // The slow path's context, just past the free memory pointer (temporary, nothing allocates
            // while the scan runs): words, labels, first place, last place, bias.
            let ctx := mload(0x40)
            mstore(ctx, words)
            mstore(add(ctx, 0x20), add(words, shl(5, n)))
            mstore(add(ctx, 0x40), add(top, 32))
            mstore(add(ctx, 0x60), add(top, shl(5, mload(top))))
            mstore(add(ctx, 0x80), bias)

            // A point enters when S > t, i.e. when its distance is at most the k-th candidate's.
            function threshold(c) -> t {
                let worst := mload(mload(add(c, 0x60)))
                if iszero(eq(worst, not(0))) { t := sub(sub(mload(add(c, 0x80)), shr(120, worst)), 1) }
            }
            // Offers the point at `p` whose top lane is `s`; returns the new threshold.
            function enter(c, p, s) -> t {
                let words_ := mload(c)
                let d := sub(mload(add(c, 0x80)), s)
                // The label of the word at offset o lies at labels + o / 2.
                let key := or(shl(120, d), shr(128, mload(add(mload(add(c, 0x20)), shr(1, sub(p, words_))))))
                let first := mload(add(c, 0x40))
                let last := mload(add(c, 0x60))
                if lt(key, mload(last)) {
                    let at := last
                    for {} gt(at, first) {} {
                        let previous := mload(sub(at, 32))
                        if iszero(gt(previous, key)) { break }
                        mstore(at, previous)
                        at := sub(at, 32)
                    }
                    mstore(at, key)
                }
                t := threshold(c)
            }

            let t := threshold(ctx)
            let p := words
            let end := add(words, shl(5, n))
            // The remainder first, then eight points a turn.
            for {} lt(p, add(words, shl(5, and(n, 7)))) { p := add(p, 32) } {
                let s := shr(220, mul(mload(p), q))
                if gt(s, t) { t := enter(ctx, p, s) }
            }
            for {} lt(p, end) { p := add(p, 256) } {
                let s := shr(220, mul(mload(p), q))
                if gt(s, t) { t := enter(ctx, p, s) }
                s := shr(220, mul(mload(add(p, 32)), q))
                if gt(s, t) { t := enter(ctx, add(p, 32), s) }
                s := shr(220, mul(mload(add(p, 64)), q))
                if gt(s, t) { t := enter(ctx, add(p, 64), s) }
                s := shr(220, mul(mload(add(p, 96)), q))
                if gt(s, t) { t := enter(ctx, add(p, 96), s) }
                s := shr(220, mul(mload(add(p, 128)), q))
                if gt(s, t) { t := enter(ctx, add(p, 128), s) }
                s := shr(220, mul(mload(add(p, 160)), q))
                if gt(s, t) { t := enter(ctx, add(p, 160), s) }
                s := shr(220, mul(mload(add(p, 192)), q))
                if gt(s, t) { t := enter(ctx, add(p, 192), s) }
                s := shr(220, mul(mload(add(p, 224)), q))
                if gt(s, t) { t := enter(ctx, add(p, 224), s) }
            }
        }
    }

    /// The winners' inverse-distance weighted OSC at a loan of `duration` seconds, as a wad (1e18 = 1.0);
    /// `found` is false when the list holds no candidate.
    /// - The OSC at `duration` interpolates linearly (in time) between the two bracketing windows 2^j and
    ///   2^(j+1) days; at most one day uses the 1-day window, at least 16384 days the 16384-day window.
    /// - Weights are 2^128 / floor(sqrt(d * 2^32)), i.e. the inverse Euclidean distance; if any winner is at
    ///   distance 0, the winners at distance 0 alone count, equally.
    /// Every division rounds down.
    function weightedOsc(uint256[] memory top, uint256 duration) internal pure returns (uint256 wad, bool found) {
        (uint256 window, uint256 num, uint256 den) = bracket(duration);
        bool exact = top.length > 0 && top[0] >> KEY_SHIFT == 0;
        uint256 weighted;
        uint256 weights;
        for (uint256 i; i < top.length && top[i] != EMPTY; ++i) {
            uint256 d = top[i] >> KEY_SHIFT;
            if (exact && d != 0) break;
            uint256 value = oscAt(top[i] & KnnPoint.LABEL_MASK, window, num, den);
            uint256 weight = exact ? 1 : (1 << 128) / Math.sqrt(d << 32);
            weighted += weight * value;
            weights += weight;
        }
        if (weights == 0) return (0, false);
        return (Math.mulDiv(weighted, WAD, weights * LABEL_ONE * den), true);
    }

    /// label_window * (den - num) + label_(window+1) * num: the OSC at the duration, times den.
    function oscAt(uint256 label, uint256 window, uint256 num, uint256 den) internal pure returns (uint256) {
        uint256 low = (label >> (8 * window)) & 0xff;
        if (num == 0) return low * den;
        uint256 high = (label >> (8 * (window + 1))) & 0xff;
        return low * (den - num) + high * num;
    }

    /// The window index j with 2^j days <= duration < 2^(j+1) days, and the position num/den between them.
    function bracket(uint256 duration) internal pure returns (uint256 window, uint256 num, uint256 den) {
        uint256 last = KnnPoint.WINDOWS - 1;
        if (duration <= DAY) return (0, 0, 1);
        if (duration >= DAY << last) return (last, 0, 1);
        window = Math.log2(duration / DAY);
        den = DAY << window;
        num = duration - den;
    }

    /// The two sets' answers weighted by their sizes, in thousandths (rounded down).
    function combine(uint256 wadOld, uint256 sizeOld, uint256 wadNew, uint256 sizeNew)
        internal
        pure
        returns (uint256)
    {
        return (wadOld * sizeOld + wadNew * sizeNew) * 1000 / ((sizeOld + sizeNew) * WAD);
    }
}
