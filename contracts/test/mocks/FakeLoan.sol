// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @notice A contract that looks like a loan from outside (the views the bureau reads, a confirmDefault
///         that "confirms" anyone) but was not created by the bureau. Acts through `execute`.
contract FakeLoan {
    address public immutable bureau;

    constructor(address bureau_) {
        bureau = bureau_;
    }

    function availableToBorrow() external pure returns (uint256) {
        return type(uint96).max;
    }

    function isReady() external pure returns (bool) {
        return true;
    }

    function confirmDefault(address) external pure returns (uint256) {
        return 1;
    }

    /// Calls `target` with `data` as this contract, bubbling any revert.
    function execute(address target, bytes calldata data) external returns (bytes memory result) {
        bool ok;
        (ok, result) = target.call(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(result, 32), mload(result))
            }
        }
    }
}
