//! The Solidity Groth16 verifier generated from a verifying key, and the word encodings a caller passes it.
//!
//! [`verifier_source`] writes one self-contained contract per model: the circuit's first public input (the
//! model identifier) is folded into the verifying key at generation time, `IC0' = IC0 + model_id · IC1`, so the
//! contract answers `modelId()` and `verifyProof(proof, input)` takes only the remaining inputs (for Aloe's
//! decision circuit: the attributes commitment, the borrower's address, the minimum margin). Folding saves one
//! ecMul on-chain and makes a proof for another model fail here.
//!
//! The check is `e(-A, B) · e(α, β) · e(vk_x, γ) · e(C, δ) = 1` with `vk_x = IC0' + Σ input[i] · IC[i+1]`, on
//! the BN254 precompiles (0x06 ecAdd, 0x07 ecMul, 0x08 pairing; EIP-1108 prices). Inputs at or above the
//! scalar field order r and proof coordinates at or above the base field order q are refused (`false`, never a
//! revert), so every statement and proof has exactly one encoding. [`proof_words`] lays a proof out as the
//! contract reads it; [`field_word`] and [`signed_field`] encode public inputs.
//!
//! ```
//! use aloe_zk::solidity::{field_word, signed_field};
//! use alloy_primitives::U256;
//!
//! // A negative margin travels as r - |m|.
//! let r_minus_5 = field_word(signed_field(-5));
//! assert_eq!(r_minus_5 + U256::from(5), aloe_zk::solidity::scalar_field_order());
//! ```

use std::fmt::Write as _;

use alloy_primitives::U256;
use ark_bn254::{Bn254, Fq, Fr, G1Affine, G2Affine};
use ark_ec::{AffineRepr, CurveGroup};
use ark_ff::{BigInt, PrimeField};
use ark_groth16::{Proof, VerifyingKey};

/// EIP-1108 gas of the pairing check: a base and a price per pair.
const PAIRING_BASE_GAS: u64 = 45_000;
const PAIRING_PAIR_GAS: u64 = 34_000;

/// Why no verifier could be written.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum VerifierSourceError {
    /// The contract name is not a Solidity identifier (ASCII letter, `_` or `$` first, then also digits).
    #[error("{name:?} is not a Solidity contract name")]
    InvalidContractName {
        /// The name given.
        name: String,
    },
    /// The verifying key has no public input to fold the model identifier into.
    #[error("the verifying key has {public_inputs} public inputs; the model identifier needs at least one")]
    NoModelInput {
        /// Public inputs of the key's circuit (`gamma_abc_g1.len() - 1`).
        public_inputs: usize,
    },
}

/// `x` as the 256-bit word the EVM reads (its canonical integer below the field order, big-endian on the wire).
pub fn field_word<F: PrimeField<BigInt = BigInt<4>>>(x: F) -> U256 {
    U256::from_limbs(x.into_bigint().0)
}

/// `v` as an element of the scalar field: `v` itself when non-negative, `r - |v|` when negative (how a signed
/// public input such as the minimum margin is encoded, in the circuit and in the Loan contract alike).
pub fn signed_field(v: i64) -> Fr {
    crate::commitment::signed(v.into())
}

/// The decision verifier's `input`: the public inputs after the (folded) model identifier, as words.
pub fn input_words(public: &crate::circuit::PublicInputs) -> [U256; 3] {
    [field_word(public.commitment), field_word(public.borrower), field_word(signed_field(public.min_margin.into()))]
}

/// The BN254 scalar field order r: public inputs must be below it.
pub fn scalar_field_order() -> U256 {
    U256::from_limbs(Fr::MODULUS.0)
}

/// The BN254 base field order q: point coordinates must be below it.
pub fn base_field_order() -> U256 {
    U256::from_limbs(Fq::MODULUS.0)
}

/// The proof as `verifyProof` takes it: `[A.x, A.y, B.x.c1, B.x.c0, B.y.c1, B.y.c0, C.x, C.y]` (EIP-197 puts the
/// imaginary part of a G2 coordinate first). A point at infinity is written as zeros, as the precompiles read it.
pub fn proof_words(proof: &Proof<Bn254>) -> [U256; 8] {
    let [ax, ay] = g1_words(&proof.a);
    let [bx1, bx0, by1, by0] = g2_words(&proof.b);
    let [cx, cy] = g1_words(&proof.c);
    [ax, ay, bx1, bx0, by1, by0, cx, cy]
}

fn g1_words(p: &G1Affine) -> [U256; 2] {
    p.xy().map_or([U256::ZERO; 2], |(x, y)| [field_word(x), field_word(y)])
}

fn g2_words(p: &G2Affine) -> [U256; 4] {
    p.xy().map_or([U256::ZERO; 4], |(x, y)| [field_word(x.c1), field_word(x.c0), field_word(y.c1), field_word(y.c0)])
}

/// Appends each of `text` on its own line, after `indent` (empty lines stay empty).
fn lines(s: &mut String, indent: &str, text: &[&str]) {
    for line in text {
        if !line.is_empty() {
            s.push_str(indent);
            s.push_str(line);
        }
        s.push('\n');
    }
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    let first = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$');
    first && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

fn hex(word: U256) -> String {
    format!("0x{}", alloy_primitives::hex::encode(word.to_be_bytes::<32>()))
}

/// The selector of a custom error without arguments, as a hex literal.
fn selector(signature: &str) -> String {
    let hash = alloy_primitives::keccak256(signature.as_bytes());
    format!("0x{}", alloy_primitives::hex::encode(&hash[..4]))
}

/// The Solidity source (pragma 0.8.37, Apache-2.0) of `contract_name`, a Groth16 verifier for `vk` with the
/// circuit's first public input fixed to `model_id`.
///
/// The contract exposes `modelId() returns (uint256)` and
/// `verifyProof(uint256[8] calldata proof, uint256[N] calldata input) returns (bool)`, where
/// `N = vk.gamma_abc_g1.len() - 2` is the number of public inputs after the model identifier (with none, the
/// function takes only the proof). The output depends only on its arguments, so a committed verifier can be
/// checked for freshness by regenerating it.
///
/// # Errors
/// [`VerifierSourceError::InvalidContractName`] unless `contract_name` is a Solidity identifier;
/// [`VerifierSourceError::NoModelInput`] when the key has no public input.
pub fn verifier_source(
    vk: &VerifyingKey<Bn254>,
    model_id: Fr,
    contract_name: &str,
) -> Result<String, VerifierSourceError> {
    if !is_identifier(contract_name) {
        return Err(VerifierSourceError::InvalidContractName { name: contract_name.to_owned() });
    }
    let ic = &vk.gamma_abc_g1;
    if ic.len() < 2 {
        return Err(VerifierSourceError::NoModelInput { public_inputs: ic.len().saturating_sub(1) });
    }
    let folded = (ic[0].into_group() + ic[1] * model_id).into_affine();
    let mut points: Vec<G1Affine> = vec![folded];
    points.extend_from_slice(&ic[2..]);
    let inputs = points.len() - 1;
    Ok(Source { vk, model_id, name: contract_name, points: &points, inputs }.render())
}

/// What the template needs: the key, the folded IC points (`points[0]` = IC0', `points[i]` multiplies input i-1).
struct Source<'a> {
    vk: &'a VerifyingKey<Bn254>,
    model_id: Fr,
    name: &'a str,
    points: &'a [G1Affine],
    inputs: usize,
}

// Memory layout of `verifyProof` (it ends in `return`, so it may use all memory from 0):
// 0x000-0x300 the pairing input, four pairs of (G1: 2 words, G2: 4 words): (-A, B), (α, β), (vk_x, γ), (C, δ);
// vk_x accumulates in place at 0x180, each term input[i] · IC[i+1] lands right after it at 0x1c0 (so ecAdd reads
// 0x180-0x200 and writes back to 0x180) before γ is written there; ecMul's input (x, y, scalar) sits at 0x300.
const VK_X: u32 = 0x180;
const TERM: u32 = 0x1c0;
const MUL_INPUT: u32 = 0x300;

impl Source<'_> {
    fn render(&self) -> String {
        let mut s = String::new();
        self.header(&mut s);
        self.constants(&mut s);
        self.model_id_fn(&mut s);
        self.verify_fn(&mut s);
        s.push_str("}\n");
        s
    }

    fn header(&self, s: &mut String) {
        let name = self.name;
        s.push_str(
            "// SPDX-License-Identifier: Apache-2.0\n\
             // Generated by aloe-zk (crates/aloe-zk/src/solidity.rs) from a Groth16 verifying key: do not edit.\n\
             pragma solidity 0.8.37;\n\n",
        );
        writeln!(s, "/// @title {name}").unwrap();
        lines(
            s,
            "",
            &[
                "/// @notice Verifies Groth16 proofs (BN254) for one circuit and one model: the circuit's first public input,",
                "///         the model identifier, is fixed to `modelId()`, so a proof made for any other model fails here.",
                "/// @dev Checks e(-A, B) * e(alpha, beta) * e(vk_x, gamma) * e(C, delta) = 1 in one pairing call, where",
                "///      vk_x = IC0' + sum of input[i] * IC[i + 1] and IC0' = IC0 + modelId * IC1 of the original key was",
                "///      folded at generation (one ecMul saved). Precompiles 0x06 (ecAdd), 0x07 (ecMul), 0x08 (pairing) at",
                "///      EIP-1108 prices. Inputs at or above the scalar field order and proof coordinates at or above the",
                "///      base field order make `verifyProof` return false, so a statement and a proof have one encoding.",
            ],
        );
        writeln!(s, "contract {name} {{").unwrap();
        lines(
            s,
            "    ",
            &[
                "/// @notice A BN254 precompile failed on this verifier's own valid points, or the gas left cannot pay",
                "///         for the pairing check: the call ran out of gas (never a verdict on the proof).",
                "error PrecompileFailed();",
                "",
            ],
        );
    }

    fn constants(&self, s: &mut String) {
        let vk = self.vk;
        let pairing_gas = PAIRING_BASE_GAS + 4 * PAIRING_PAIR_GAS;
        // The call gets at most 63/64 of what is left (EIP-150): this much before it always suffices.
        let pairing_gas_floor = pairing_gas + pairing_gas / 63 + 1_000;
        let constant = |s: &mut String, name: &str, value: U256| {
            writeln!(s, "    uint256 internal constant {name} = {};", hex(value)).unwrap();
        };
        s.push_str("    /// BN254 scalar field order r: public inputs are elements of F_r.\n");
        constant(s, "R", scalar_field_order());
        s.push_str("    /// BN254 base field order q: point coordinates are elements of F_q.\n");
        constant(s, "Q", base_field_order());
        s.push_str("    /// The model identifier folded into IC0.\n");
        constant(s, "MODEL_ID", field_word(self.model_id));
        s.push_str(
            "    /// Gas of the four-pair pairing check (EIP-1108: 45,000 + 34,000 a pair), and what must be left to\n",
        );
        s.push_str("    /// forward it (EIP-150 keeps 1/64 back), so that a failed check means invalid points, never too little gas.\n");
        writeln!(s, "    uint256 internal constant PAIRING_GAS = {pairing_gas};").unwrap();
        writeln!(s, "    uint256 internal constant PAIRING_GAS_FLOOR = {pairing_gas_floor};\n").unwrap();

        s.push_str("    // The verifying key. G2 coordinates in EIP-197 order: imaginary part (c1) first.\n");
        let [x, y] = g1_words(&vk.alpha_g1);
        constant(s, "ALPHA_X", x);
        constant(s, "ALPHA_Y", y);
        for (label, point) in [("BETA", &vk.beta_g2), ("GAMMA", &vk.gamma_g2), ("DELTA", &vk.delta_g2)] {
            let [x1, x0, y1, y0] = g2_words(point);
            constant(s, &format!("{label}_X1"), x1);
            constant(s, &format!("{label}_X0"), x0);
            constant(s, &format!("{label}_Y1"), y1);
            constant(s, &format!("{label}_Y0"), y0);
        }
        s.push_str("    // IC0 with the model identifier folded in, then IC[i + 1] for input[i].\n");
        for (i, point) in self.points.iter().enumerate() {
            let [x, y] = g1_words(point);
            constant(s, &format!("IC{i}_X"), x);
            constant(s, &format!("IC{i}_Y"), y);
        }
        s.push('\n');
    }

    fn model_id_fn(&self, s: &mut String) {
        lines(
            s,
            "    ",
            &[
                "/// @notice The model identifier this verifier is fixed to (the circuit's first public input).",
                "function modelId() external pure returns (uint256) {",
                "    return MODEL_ID;",
                "}",
                "",
            ],
        );
    }

    fn verify_fn(&self, s: &mut String) {
        let n = self.inputs;
        lines(
            s,
            "    ",
            &[
                "/// @notice Whether `proof` is a valid proof, for this verifier's model, of the statement with these public",
                "///         inputs. Returns false for any invalid proof, input or encoding; reverts only when out of gas.",
                "/// @param proof [A.x, A.y, B.x.c1, B.x.c0, B.y.c1, B.y.c0, C.x, C.y] (EIP-197 order for B).",
            ],
        );
        if n == 0 {
            s.push_str("    function verifyProof(uint256[8] calldata proof) external view returns (bool) {\n");
        } else {
            lines(
                s,
                "    ",
                &[
                    "/// @param input The public inputs after the model identifier, each below the scalar field order (for",
                    "///        Aloe's decision circuit: the attributes commitment, the borrower's address, the minimum margin",
                    "///        with a negative m as r - |m|).",
                ],
            );
            writeln!(
                s,
                "    function verifyProof(uint256[8] calldata proof, uint256[{n}] calldata input) external view returns (bool) {{"
            )
            .unwrap();
        }
        let error = selector("PrecompileFailed()");
        let mut body = String::new();
        let b = &mut body;
        // Range checks: every proof word below q, every input below r.
        b.push_str("// Canonical encodings only: proof coordinates below q, inputs below r.\n");
        b.push_str("let ok := lt(calldataload(proof), Q)\n");
        for i in 1..8 {
            writeln!(b, "ok := and(ok, lt(calldataload(add(proof, {:#x})), Q))", i * 32).unwrap();
        }
        for i in 0..n {
            if i == 0 {
                b.push_str("ok := and(ok, lt(calldataload(input), R))\n");
            } else {
                writeln!(b, "ok := and(ok, lt(calldataload(add(input, {:#x})), R))", i * 32).unwrap();
            }
        }
        b.push_str("if iszero(ok) {\n    mstore(0x00, 0)\n    return(0x00, 0x20)\n}\n");
        // vk_x.
        b.push_str("// vk_x = IC0' + sum of input[i] * IC[i + 1], accumulated at 0x180.\n");
        writeln!(b, "mstore({VK_X:#x}, IC0_X)\nmstore({:#x}, IC0_Y)", VK_X + 0x20).unwrap();
        for i in 0..n {
            let input = if i == 0 { "input".to_owned() } else { format!("add(input, {:#x})", i * 32) };
            writeln!(b, "mstore({MUL_INPUT:#x}, IC{}_X)", i + 1).unwrap();
            writeln!(b, "mstore({:#x}, IC{}_Y)", MUL_INPUT + 0x20, i + 1).unwrap();
            writeln!(b, "mstore({:#x}, calldataload({input}))", MUL_INPUT + 0x40).unwrap();
            writeln!(b, "ok := and(ok, staticcall(gas(), 0x07, {MUL_INPUT:#x}, 0x60, {TERM:#x}, 0x40))").unwrap();
            writeln!(b, "ok := and(ok, staticcall(gas(), 0x06, {VK_X:#x}, 0x80, {VK_X:#x}, 0x40))").unwrap();
        }
        writeln!(b, "if iszero(ok) {{\n    mstore(0x00, shl(224, {error}))\n    revert(0x00, 0x04)\n}}").unwrap();
        // The pairing input.
        b.push_str("// (-A, B): -A = (A.x, q - A.y), zero staying zero; B as given.\n");
        b.push_str("mstore(0x00, calldataload(proof))\n");
        b.push_str("mstore(0x20, mod(sub(Q, calldataload(add(proof, 0x20))), Q))\n");
        b.push_str("calldatacopy(0x40, add(proof, 0x40), 0x80)\n");
        b.push_str("// (alpha, beta)\n");
        for (offset, name) in [
            (0xc0, "ALPHA_X"),
            (0xe0, "ALPHA_Y"),
            (0x100, "BETA_X1"),
            (0x120, "BETA_X0"),
            (0x140, "BETA_Y1"),
            (0x160, "BETA_Y0"),
        ] {
            writeln!(b, "mstore({offset:#x}, {name})").unwrap();
        }
        b.push_str("// (vk_x, gamma): vk_x is already at 0x180.\n");
        for (offset, name) in [(0x1c0, "GAMMA_X1"), (0x1e0, "GAMMA_X0"), (0x200, "GAMMA_Y1"), (0x220, "GAMMA_Y0")] {
            writeln!(b, "mstore({offset:#x}, {name})").unwrap();
        }
        b.push_str("// (C, delta)\n");
        b.push_str("calldatacopy(0x240, add(proof, 0xc0), 0x40)\n");
        for (offset, name) in [(0x280, "DELTA_X1"), (0x2a0, "DELTA_X0"), (0x2c0, "DELTA_Y1"), (0x2e0, "DELTA_Y0")] {
            writeln!(b, "mstore({offset:#x}, {name})").unwrap();
        }
        b.push_str(
            "// Exactly the pairing's price is forwarded: a failure then means points off the curve or subgroup.\n",
        );
        writeln!(
            b,
            "if lt(gas(), PAIRING_GAS_FLOOR) {{\n    mstore(0x00, shl(224, {error}))\n    revert(0x00, 0x04)\n}}"
        )
        .unwrap();
        b.push_str("let success := staticcall(PAIRING_GAS, 0x08, 0x00, 0x300, 0x00, 0x20)\n");
        b.push_str("mstore(0x00, and(success, mload(0x00)))\n");
        b.push_str("return(0x00, 0x20)\n");

        s.push_str("        // Not memory-safe on purpose: it uses memory from 0 and ends the call itself (return or revert).\n");
        s.push_str("        assembly {\n");
        for line in body.lines() {
            writeln!(s, "            {line}").unwrap();
        }
        s.push_str("        }\n    }\n");
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn signed_field_round_trips_through_the_word(v in any::<i64>()) {
            let word = field_word(signed_field(v));
            let expected = if v >= 0 {
                U256::from(v as u64)
            } else {
                scalar_field_order() - U256::from(v.unsigned_abs())
            };
            prop_assert_eq!(word, expected);
            prop_assert!(word < scalar_field_order());
        }
    }

    #[test]
    fn signed_field_is_r_minus_the_magnitude_for_negatives() {
        assert_eq!(field_word(signed_field(0)), U256::ZERO);
        assert_eq!(field_word(signed_field(1234)), U256::from(1234));
        assert_eq!(field_word(signed_field(-1)), scalar_field_order() - U256::from(1));
        assert_eq!(field_word(signed_field(i64::MIN)), scalar_field_order() - U256::from(1u64 << 63));
    }

    #[test]
    fn contract_names_must_be_identifiers() {
        let vk = VerifyingKey::<Bn254> { gamma_abc_g1: vec![G1Affine::generator(); 2], ..Default::default() };
        for bad in ["", "1Verifier", "My Verifier", "a-b", "é"] {
            assert!(matches!(
                verifier_source(&vk, Fr::from(1u64), bad),
                Err(VerifierSourceError::InvalidContractName { .. })
            ));
        }
        assert!(verifier_source(&vk, Fr::from(1u64), "_Ok$1").is_ok());
    }

    #[test]
    fn a_key_without_public_inputs_has_no_model_to_fix() {
        let vk = VerifyingKey::<Bn254> { gamma_abc_g1: vec![G1Affine::generator()], ..Default::default() };
        assert_eq!(
            verifier_source(&vk, Fr::from(1u64), "V"),
            Err(VerifierSourceError::NoModelInput { public_inputs: 0 })
        );
    }

    #[test]
    fn the_input_array_follows_the_key() {
        let key = |inputs: usize| VerifyingKey::<Bn254> {
            gamma_abc_g1: vec![G1Affine::generator(); inputs + 1],
            ..Default::default()
        };
        let one = verifier_source(&key(1), Fr::from(7u64), "V").unwrap();
        assert!(one.contains("function verifyProof(uint256[8] calldata proof) external view returns (bool)"));
        let five = verifier_source(&key(5), Fr::from(7u64), "V").unwrap();
        assert!(five.contains("uint256[4] calldata input"));
        assert!(five.contains("IC4_X") && !five.contains("IC5_X"));
    }
}
