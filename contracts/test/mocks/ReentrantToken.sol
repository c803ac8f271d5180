// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {TestToken} from "../../src/mocks/TestToken.sol";

/// @notice An ERC-20 that, once armed, makes one call of the attacker's choosing in the middle of its next
///         transfer (as an ERC-777 hook would), after balances moved. The call's outcome is recorded; with
///         `bubble` its failure also fails the transfer.
contract ReentrantToken is TestToken {
    address public hookTarget;
    bytes public hookData;
    bool public bubble;
    bool public hookRan;
    bool public hookSucceeded;
    bytes public hookResult;

    constructor() TestToken("Reentrant", "RE") {}

    function arm(address target, bytes calldata data, bool bubble_) external {
        (hookTarget, hookData, bubble) = (target, data, bubble_);
        hookRan = false;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        address target = hookTarget;
        if (target == address(0) || from == address(0)) return;
        hookTarget = address(0); // one call per arming; also stops the hook re-entering itself
        (bool ok, bytes memory result) = target.call(hookData);
        (hookRan, hookSucceeded, hookResult) = (true, ok, result);
        if (!ok && bubble) {
            assembly ("memory-safe") {
                revert(add(result, 32), mload(result))
            }
        }
    }
}
