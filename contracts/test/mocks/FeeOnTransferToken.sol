// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {TestToken} from "../../src/mocks/TestToken.sol";

/// @notice An ERC-20 that burns `feeBps` of every transfer (mints are free), switchable like some real
///         tokens' fee switches: the recipient gets less than was sent.
contract FeeOnTransferToken is TestToken {
    uint256 public feeBps = 100;

    constructor() TestToken("Fee", "FEE") {}

    function setFee(uint256 bps) external {
        feeBps = bps;
    }

    function _update(address from, address to, uint256 value) internal override {
        uint256 fee = from == address(0) || to == address(0) ? 0 : value * feeBps / 10_000;
        if (fee > 0) super._update(from, address(0), fee);
        super._update(from, to, value - fee);
    }
}
