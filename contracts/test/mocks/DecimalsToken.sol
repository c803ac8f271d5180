// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {TestToken} from "../../src/mocks/TestToken.sol";

/// @notice A mintable ERC-20 with any number of decimals (USDC's 6, WBTC's 8...), for the lending pool's value math.
contract DecimalsToken is TestToken {
    uint8 private immutable _decimals;

    constructor(string memory name_, string memory symbol_, uint8 decimals_) TestToken(name_, symbol_) {
        _decimals = decimals_;
    }

    function decimals() public view override returns (uint8) {
        return _decimals;
    }
}
