// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title TestToken
/// @notice A plain ERC-20 anyone can mint, for demos and tests only: never deploy it as a real asset.
contract TestToken is ERC20 {
    constructor(string memory name_, string memory symbol_) ERC20(name_, symbol_) {}

    /// @notice Mints `amount` to `to`; unrestricted on purpose (test only).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}
