// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Errors} from "../libraries/Errors.sol";

/// @title KnnPoint
/// @notice The two encodings of a k-NN model point.
///
///         Packed (what is uploaded, appended and read back; one word): the five ratios (UPR, CDBR, CPBR,
///         RAR, ANCL) as 16-bit fixed point (65535 = 1.0) at bits 16*i, then the fifteen OSC-w labels
///         (w = 1, 2, 4, ..., 16384 days) as 8-bit fixed point (255 = 1.0) at bits 80 + 8*j; bits 200 and up
///         are zero.
///
///         Scan word (what the scan reads): C - |p|^2 at bits 0..35 (C = 5 * 2^32 > any |p|^2), and ratio i at
///         bits 76 + 36*i. The query word holds 2*q_j at bits 36*(4-j) and a 1 at bit 220. In the product
///         word * query (mod 2^256) the top 36 bits (220..255) are then exactly
///             S = (C - |p|^2) + 2 p.q = C + |q|^2 - |p - q|^2:
///         p_i * 2q_j lands at bit 220 + 36*(i-j), so i = j gives the dot product at the top, i > j falls off
///         the word and i < j stays below bit 220; C - |p|^2 times the 1 at bit 220 lands at the top too,
///         and times the 2q_j stays below bit 200. Every lane sum is below 2^36 and everything under the top
///         adds up to less than 2^220, so nothing carries into it. One multiplication and one shift give
///         a number that grows as the point gets nearer: the scan's whole hot path.
library KnnPoint {
    uint256 internal constant DIMENSIONS = 5;
    uint256 internal constant WINDOWS = 15;
    uint256 internal constant COORDINATE_MASK = 0xffff;
    uint256 internal constant LABEL_SHIFT = 80;
    uint256 internal constant LABEL_MASK = (1 << 120) - 1;
    uint256 internal constant PACKED_BITS = 200;

    uint256 internal constant LANE_BITS = 36;
    uint256 internal constant LANE_MASK = (1 << 36) - 1;
    uint256 internal constant COORDINATE_SHIFT = 76;
    uint256 internal constant SCORE_SHIFT = 220;
    /// C: above the largest |p|^2 (5 * 65535^2), and C + |q|^2 stays below 2^36.
    uint256 internal constant NORM_BIAS = 5 << 32;

    /// Reverts unless `packed` is a well-formed packed point.
    function validate(uint256 packed) internal pure {
        if (packed >> PACKED_BITS != 0) revert Errors.InvalidPoint(packed);
    }

    /// The 120-bit OSC label of a packed point.
    function label(uint256 packed) internal pure returns (uint256) {
        return (packed >> LABEL_SHIFT) & LABEL_MASK;
    }

    /// The scan word of a packed point.
    function scanWord(uint256 packed) internal pure returns (uint256 word) {
        uint256 norm;
        for (uint256 i; i < DIMENSIONS; ++i) {
            uint256 c = (packed >> (16 * i)) & COORDINATE_MASK;
            word |= c << (COORDINATE_SHIFT + LANE_BITS * i);
            norm += c * c;
        }
        word |= NORM_BIAS - norm;
    }

    /// The packed point a scan word and label came from.
    function unpack(uint256 word, uint256 label_) internal pure returns (uint256 packed) {
        for (uint256 i; i < DIMENSIONS; ++i) {
            packed |= ((word >> (COORDINATE_SHIFT + LANE_BITS * i)) & COORDINATE_MASK) << (16 * i);
        }
        packed |= label_ << LABEL_SHIFT;
    }

    /// The query word, and C + |q|^2 (so |p - q|^2 = that - S). Each coordinate must fit 16 bits.
    function query(uint256[5] memory q) internal pure returns (uint256 word, uint256 bias) {
        bias = NORM_BIAS;
        for (uint256 i; i < DIMENSIONS; ++i) {
            if (q[i] > COORDINATE_MASK) revert Errors.InvalidQuery(i, q[i]);
            word |= (2 * q[i]) << (LANE_BITS * (DIMENSIONS - 1 - i));
            bias += q[i] * q[i];
        }
        word |= 1 << SCORE_SHIFT;
    }

    /// |p - q|^2 for a scan word and a query word with its bias.
    function distance(uint256 word, uint256 queryWord, uint256 bias) internal pure returns (uint256) {
        unchecked {
            // The product wraps modulo 2^256 by design; see the layout above.
            return bias - ((word * queryWord) >> SCORE_SHIFT);
        }
    }
}
