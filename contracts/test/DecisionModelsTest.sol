// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {CreditBureau} from "../src/CreditBureau.sol";
import {IDecisionModels} from "../src/interfaces/IDecisionModels.sol";
import {Errors} from "../src/libraries/Errors.sol";
import {Events} from "../src/libraries/Events.sol";
import {MockDecisionVerifier} from "./mocks/MockDecisionVerifier.sol";
import {BaseTest} from "./utils/BaseTest.sol";

/// @notice The decision model registry: sequential write-once indices from 1, retirement, refusals. (Who may call
///         what is in AccessMatrixTest.)
contract DecisionModelsTest is BaseTest {
    function _verifier(uint256 modelId) internal returns (address) {
        return address(new MockDecisionVerifier(modelId, true));
    }

    function testFuzz_register_numbersFromOne(uint256[4] memory modelIds) public {
        address[4] memory verifiers;
        for (uint256 i; i < 4; ++i) {
            verifiers[i] = _verifier(modelIds[i]);
            vm.expectEmit(address(models));
            emit Events.DecisionModelRegistered(uint32(i + 1), verifiers[i], modelIds[i]);
            assertEq(models.register(verifiers[i]), i + 1, "index");
            assertEq(models.modelCount(), i + 1, "count");
        }
        // Write-once: later registrations and a retirement leave every index naming its verifier.
        models.retire(2);
        for (uint32 i = 1; i <= 4; ++i) {
            assertEq(models.verifierOf(i), verifiers[i - 1], "verifier");
            assertEq(models.modelIdOf(i), modelIds[i - 1], "model id");
            assertEq(models.isRetired(i), i == 2, "retired");
        }
    }

    function test_register_sameVerifierTwiceGetsTwoIndices() public {
        address verifier = _verifier(7);
        assertEq(models.register(verifier), 1, "first");
        assertEq(models.register(verifier), 2, "second");
        assertEq(models.verifierOf(1), models.verifierOf(2), "the same verifier");
    }

    function testFuzz_register_refusesAnAccountWithoutCode(address account) public {
        vm.assume(account.code.length == 0);
        bytes32 before = _stateHash();
        vm.expectRevert(abi.encodeWithSelector(Errors.VerifierNotContract.selector, account));
        models.register(account);
        assertEq(_stateHash(), before, "state changed");
    }

    function test_register_refusesAContractThatIsNoVerifier() public {
        bytes32 before = _stateHash();
        vm.expectRevert();
        models.register(address(token));
        assertEq(_stateHash(), before, "state changed");
    }

    function test_retire() public {
        uint32 index = models.register(_verifier(7));
        models.verifyUsable(index);
        vm.expectEmit(address(models));
        emit Events.DecisionModelRetired(index);
        models.retire(index);
        assertTrue(models.isRetired(index), "retired");
        vm.expectRevert(abi.encodeWithSelector(Errors.RetiredDecisionModel.selector, index));
        models.verifyUsable(index);
        // Once only.
        vm.expectRevert(abi.encodeWithSelector(Errors.RetiredDecisionModel.selector, index));
        models.retire(index);
    }

    function testFuzz_unknownIndices_revert(uint32 index) public {
        models.register(_verifier(7));
        index = index % 2 == 0 ? 0 : uint32(bound(index, 2, type(uint32).max));
        bytes memory err = abi.encodeWithSelector(Errors.UnknownDecisionModel.selector, index);
        vm.expectRevert(err);
        models.verifierOf(index);
        vm.expectRevert(err);
        models.modelIdOf(index);
        vm.expectRevert(err);
        models.verifyUsable(index);
        vm.expectRevert(err);
        models.retire(index);
        assertTrue(!models.isRetired(index), "unknown is not retired");
    }

    function test_ownership_movesInTwoSteps() public {
        address next = _actor("nextOwner");
        models.transferOwnership(next);
        assertEq(models.owner(), address(this), "still the owner until accepted");
        vm.prank(next);
        models.acceptOwnership();
        assertEq(models.owner(), next, "new owner");
        address verifier = _verifier(1);
        vm.prank(next);
        assertEq(models.register(verifier), 1, "the new owner registers");
    }

    function test_bureau_refusesAZeroRegistry() public {
        vm.expectRevert(Errors.ZeroAddress.selector);
        new CreditBureau(address(this), IDecisionModels(address(0)));
    }
}

