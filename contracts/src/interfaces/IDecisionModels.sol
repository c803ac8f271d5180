// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @title IDecisionModels
/// @notice The owner-managed registry of decision models a loan may require (issue 7): each index, from 1, names
///         one verifier for ever (write-once), so a loan that records an index keeps checking proofs against the
///         verifier its lenders agreed to. Retiring an index stops new loans from requiring it; loans created
///         before keep using it.
interface IDecisionModels {
    // ---- governance ----

    /// @notice Registers `verifier` (an IDecisionVerifier) under the next index, reading its model identifier.
    ///         Owner only.
    function register(address verifier) external returns (uint32 index);

    /// @notice Stops new loans from requiring model `index` (existing loans are unaffected). Owner only.
    function retire(uint32 index) external;

    // ---- views ----

    /// @notice How many models were registered (the last index; 0 before the first).
    function modelCount() external view returns (uint32);

    /// @notice The verifier of model `index`; reverts with `UnknownDecisionModel` if there is none.
    function verifierOf(uint32 index) external view returns (address);

    /// @notice The model identifier of model `index` (its verifier's); reverts with `UnknownDecisionModel`.
    function modelIdOf(uint32 index) external view returns (uint256);

    /// @notice Whether model `index` was retired (false for an unknown index).
    function isRetired(uint32 index) external view returns (bool);

    /// @notice Reverts with `UnknownDecisionModel` or `RetiredDecisionModel` unless a new loan may require model
    ///         `index` (what createLoan checks).
    function verifyUsable(uint32 index) external view;
}
