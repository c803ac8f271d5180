// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @notice A contract account (lender, borrower or attacker) that makes whatever call it is told to,
///         bubbling reverts; it accepts ether unless told to refuse it.
contract Actor {
    error EtherRefused();

    bool public refuseEther;

    function setRefuseEther(bool refuse) external {
        refuseEther = refuse;
    }

    function execute(address target, uint256 value, bytes calldata data) external payable returns (bytes memory result) {
        bool ok;
        (ok, result) = target.call{value: value}(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(result, 32), mload(result))
            }
        }
    }

    receive() external payable {
        if (refuseEther) revert EtherRefused();
    }
}
