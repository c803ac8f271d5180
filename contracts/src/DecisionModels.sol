// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";

import {IDecisionModels} from "./interfaces/IDecisionModels.sol";
import {IDecisionVerifier} from "./interfaces/IDecisionVerifier.sol";
import {Errors} from "./libraries/Errors.sol";
import {Events} from "./libraries/Events.sol";

/// @title DecisionModels
/// @notice The registry of decision models loans may require (issue 7): one generated Groth16 verifier per index,
///         from 1, never replaced. Deployed before the bureau, which takes its address as an immutable and hands it
///         to every loan, so neither pays a storage read to find it.
/// @dev Registering reads the verifier's `modelId()`, which both checks that it answers the verifier interface and
///      records the identifier in the event; the identifier is not stored (a verifier's code cannot change).
contract DecisionModels is IDecisionModels, Ownable2Step {
    /// One slot per model: its verifier and whether new loans are refused.
    struct Model {
        address verifier;
        bool retired;
    }

    /// @inheritdoc IDecisionModels
    uint32 public modelCount;
    mapping(uint32 index => Model) private _models;

    constructor(address owner) Ownable(owner) {}

    // =========================================================================================
    //                                        GOVERNANCE
    // =========================================================================================

    /// @inheritdoc IDecisionModels
    function register(address verifier) external onlyOwner returns (uint32 index) {
        if (verifier.code.length == 0) revert Errors.VerifierNotContract(verifier);
        uint256 modelId = IDecisionVerifier(verifier).modelId();
        index = modelCount + 1;
        modelCount = index;
        _models[index] = Model({verifier: verifier, retired: false});
        emit Events.DecisionModelRegistered(index, verifier, modelId);
    }

    /// @inheritdoc IDecisionModels
    function retire(uint32 index) external onlyOwner {
        verifyUsable(index);
        _models[index].retired = true;
        emit Events.DecisionModelRetired(index);
    }

    // =========================================================================================
    //                                          VIEWS
    // =========================================================================================

    /// @inheritdoc IDecisionModels
    function verifierOf(uint32 index) public view returns (address verifier) {
        verifier = _models[index].verifier;
        if (verifier == address(0)) revert Errors.UnknownDecisionModel(index);
    }

    /// @inheritdoc IDecisionModels
    function modelIdOf(uint32 index) external view returns (uint256) {
        return IDecisionVerifier(verifierOf(index)).modelId();
    }

    /// @inheritdoc IDecisionModels
    function isRetired(uint32 index) external view returns (bool) {
        return _models[index].retired;
    }

    /// @inheritdoc IDecisionModels
    function verifyUsable(uint32 index) public view {
        Model memory model = _models[index];
        if (model.verifier == address(0)) revert Errors.UnknownDecisionModel(index);
        if (model.retired) revert Errors.RetiredDecisionModel(index);
    }
}
