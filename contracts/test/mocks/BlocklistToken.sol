// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {TestToken} from "../../src/mocks/TestToken.sol";

/// @notice An ERC-20 whose owner can block an address from sending or receiving (as USDC can).
contract BlocklistToken is TestToken {
    error Blocked(address account);

    mapping(address => bool) public blocked;

    constructor() TestToken("Blocklist", "BLK") {}

    function setBlocked(address account, bool isBlocked) external {
        blocked[account] = isBlocked;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (blocked[from]) revert Blocked(from);
        if (blocked[to]) revert Blocked(to);
        super._update(from, to, value);
    }
}
