// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Errors} from "../libraries/Errors.sol";

/// @title DataChunk
/// @notice Write-once data kept as contract code (the SSTORE2 pattern): reading it back costs 2,600 gas for
///         the first touch and 3 gas per word, against 2,100 gas per word from storage. The code starts with
///         a STOP byte so the chunk cannot be called into; the data follows it.
library DataChunk {
    /// Deploys `data` (which must start with the STOP byte) as a chunk's code; returns its address.
    function write(bytes memory data) internal returns (address chunk) {
        // Init code: PUSH2 len, DUP1, PUSH1 10, PUSH0, CODECOPY, PUSH0, RETURN, then the data: copies the
        // 10-byte prefix's tail (the data) to memory 0 and returns it as the runtime code.
        uint256 length = data.length;
        if (length == 0 || length > 24_576 || data[0] != 0x00) revert Errors.InvalidChunk(length);
        bytes memory init = abi.encodePacked(hex"61", uint16(length), hex"80600a5f395ff3", data);
        assembly ("memory-safe") {
            chunk := create(0, add(init, 32), mload(init))
        }
        if (chunk == address(0)) revert Errors.ChunkDeploymentFailed();
    }
}
