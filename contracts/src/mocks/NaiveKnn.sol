// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {KnnPoint} from "../knn/KnnPoint.sol";
import {KnnScan} from "../knn/KnnScan.sol";

/// @title NaiveKnn
/// @notice The benchmark's baseline: the same points and the same answer as KnnModel, but one storage slot
///         per point and a plain Solidity loop (unpack five coordinates, square the differences, offer).
///         Not part of the protocol.
contract NaiveKnn {
    uint256[] public points;

    /// @notice Appends packed points (anyone: a benchmark fixture).
    function add(uint256[] calldata packed) external {
        for (uint256 i; i < packed.length; ++i) {
            KnnPoint.validate(packed[i]);
            points.push(packed[i]);
        }
    }

    /// @notice The k-NN answer over all points, in thousandths, as KnnModel's single-set answer.
    function score(uint256[5] memory vector, uint256 duration, uint256 k) external view returns (uint256, bool) {
        uint256[] memory top = KnnScan.empty(k);
        uint256 n = points.length;
        for (uint256 i; i < n; ++i) {
            uint256 point = points[i];
            uint256 d;
            for (uint256 j; j < KnnPoint.DIMENSIONS; ++j) {
                uint256 c = (point >> (16 * j)) & KnnPoint.COORDINATE_MASK;
                uint256 diff = c > vector[j] ? c - vector[j] : vector[j] - c;
                d += diff * diff;
            }
            KnnScan.offer(top, d, KnnPoint.label(point));
        }
        (uint256 wad, bool found) = KnnScan.weightedOsc(top, duration);
        return (found ? KnnScan.combine(wad, n, 0, 0) : 0, found);
    }
}
