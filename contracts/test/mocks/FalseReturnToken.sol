// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {TestToken} from "../../src/mocks/TestToken.sol";

/// @notice An ERC-20 whose transfer and transferFrom, while `failing`, move nothing and return false
///         instead of reverting (as some old tokens do).
contract FalseReturnToken is TestToken {
    bool public failing;

    constructor() TestToken("False", "FLS") {}

    function setFailing(bool failing_) external {
        failing = failing_;
    }

    function transfer(address to, uint256 value) public override returns (bool) {
        return failing ? false : super.transfer(to, value);
    }

    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        return failing ? false : super.transferFrom(from, to, value);
    }
}
