// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {IDecisionVerifier} from "../../src/interfaces/IDecisionVerifier.sol";

/// @notice A stand-in decision verifier: answers what the test configured, and, once told which proof and inputs
///         to expect, reverts with what it actually received for anything else (the loan calls it read-only, so
///         it cannot record them; the revert carries them to the test instead).
contract MockDecisionVerifier is IDecisionVerifier {
    /// @notice The call did not carry the proof and inputs the test expects.
    error UnexpectedInput(uint256[8] proof, uint256[3] input);

    uint256 public modelId;
    bool public result;
    bool public checking;
    bytes32 public expectedHash;

    constructor(uint256 modelId_, bool result_) {
        (modelId, result) = (modelId_, result_);
    }

    function setResult(bool result_) external {
        result = result_;
    }

    /// From now on, only exactly `proof` and `input` are answered.
    function expect(uint256[8] calldata proof, uint256[3] calldata input) external {
        (checking, expectedHash) = (true, keccak256(abi.encode(proof, input)));
    }

    function verifyProof(uint256[8] calldata proof, uint256[3] calldata input) external view returns (bool) {
        if (checking && keccak256(abi.encode(proof, input)) != expectedHash) revert UnexpectedInput(proof, input);
        return result;
    }
}
