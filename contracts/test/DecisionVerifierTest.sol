// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {TestDecisionVerifier} from "../src/mocks/TestDecisionVerifier.sol";
import {BaseTest} from "./utils/BaseTest.sol";

/// @notice The generated verifier's gas discipline (its verdicts on real proofs are checked from Rust, against
///         arkworks: crates/aloe-zk/tests/verifier.rs): a verdict never depends on the gas the caller sends, and
///         points off the curve cost the pairing's price, not all the gas left.
contract DecisionVerifierTest is BaseTest {
    TestDecisionVerifier internal verifier;

    function setUp() public override {
        super.setUp();
        verifier = new TestDecisionVerifier();
    }

    /// Every point at infinity: well-formed, so the pairing runs, and the check fails.
    function test_pointsAtInfinity_areAWellFormedWrongProof() public view {
        uint256[8] memory proof;
        uint256[3] memory input;
        assertTrue(!verifier.verifyProof(proof, input), "verified");
    }

    function testFuzz_tooLittleGas_revertsInsteadOfAnsweringFalse(uint256 gasSent) public {
        uint256[8] memory proof;
        uint256[3] memory input;
        // Below what the ecMuls, ecAdds and the forwarded pairing need.
        gasSent = bound(gasSent, 30_000, 200_000);
        vm.expectRevert(TestDecisionVerifier.PrecompileFailed.selector);
        verifier.verifyProof{gas: gasSent}(proof, input);
    }

    function test_pointsOffTheCurve_costThePairingOnly() public view {
        uint256[8] memory proof;
        uint256[3] memory input;
        (proof[0], proof[1]) = (1, 3); // (1, 2) generates G1; (1, 3) is on no curve point
        uint256 before = gasleft();
        assertTrue(!verifier.verifyProof{gas: 5_000_000}(proof, input), "verified");
        assertLt(before - gasleft(), 230_000, "gas used");
    }
}
