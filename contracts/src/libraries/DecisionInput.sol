// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @title DecisionInput
/// @notice How a loan's signed decision threshold becomes a public input of the decision circuit.
library DecisionInput {
    /// @notice The BN254 scalar field order r: the circuit's public inputs are elements of F_r.
    uint256 internal constant SCALAR_FIELD =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;

    /// @notice `m` as a field element: m itself when non-negative, r - |m| when negative (the circuit's encoding,
    ///         `aloe_zk::solidity::signed_field`).
    function signedField(int32 m) internal pure returns (uint256) {
        return m >= 0 ? uint256(int256(m)) : SCALAR_FIELD - uint256(-int256(m));
    }
}
