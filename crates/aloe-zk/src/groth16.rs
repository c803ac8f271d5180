//! Setup, proving and verification (arkworks' Groth16 over BN254), and the key and proof files.
//!
//! Groth16 needs a setup specific to the circuit, and whoever knows its randomness can forge proofs:
//! [`setup`] is a single-party setup that discards it, fit for development; production needs a
//! multi-party ceremony, where one honest participant suffices.

use aloe_ml::fixed_input::CommittedAttributes;
use ark_bn254::{Bn254, Fr};
use ark_groth16::{Groth16, PreparedVerifyingKey, Proof, ProvingKey, VerifyingKey};
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystem, OptimizationGoal, SynthesisMode};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};
use ark_snark::SNARK;
use rand::{CryptoRng, RngCore};

use crate::ZkError;
use crate::circuit::{DecisionCircuit, PublicInputs, Trace};
use crate::model::DecisionModel;

/// The circuit's size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CircuitSize {
    /// R1CS constraints.
    pub constraints: usize,
    /// Public inputs (with the constant 1).
    pub instance_variables: usize,
    /// Private variables.
    pub witness_variables: usize,
}

fn setup_circuit(model: &DecisionModel) -> DecisionCircuit<'_> {
    let public = PublicInputs { commitment: Fr::from(0u64), borrower: Fr::from(0u64), min_margin: 0 };
    DecisionCircuit { model, public, trace: None }
}

/// The size of `model`'s circuit (synthesised in setup mode, as the setup sees it).
pub fn circuit_size(model: &DecisionModel) -> Result<CircuitSize, ZkError> {
    let cs = ConstraintSystem::<Fr>::new_ref();
    cs.set_optimization_goal(OptimizationGoal::Constraints);
    cs.set_mode(SynthesisMode::Setup);
    setup_circuit(model).generate_constraints(cs.clone())?;
    cs.finalize();
    Ok(CircuitSize {
        constraints: cs.num_constraints(),
        instance_variables: cs.num_instance_variables(),
        witness_variables: cs.num_witness_variables(),
    })
}

/// A fresh single-party setup for `model`'s circuit.
pub fn setup<R: RngCore + CryptoRng>(model: &DecisionModel, rng: &mut R) -> Result<ProvingKey<Bn254>, ZkError> {
    Ok(Groth16::<Bn254>::circuit_specific_setup(setup_circuit(model), rng)?.0)
}

/// A proof that `model` approves `attributes` (committed with `salt`) for `borrower` at `min_margin`.
/// Refuses, before proving, attributes the model does not approve.
pub fn prove<R: RngCore + CryptoRng>(
    pk: &ProvingKey<Bn254>,
    model: &DecisionModel,
    attributes: &CommittedAttributes,
    salt: Fr,
    borrower: Fr,
    min_margin: i32,
    rng: &mut R,
) -> Result<(Proof<Bn254>, PublicInputs), ZkError> {
    let margin = model.margin(attributes)?;
    if margin < i128::from(min_margin) {
        return Err(ZkError::NotApproved { margin, min_margin });
    }
    let public = PublicInputs { commitment: crate::commitment::commit(attributes, salt), borrower, min_margin };
    let trace = Trace::honest(model, attributes, salt)?;
    let proof = Groth16::<Bn254>::prove(pk, DecisionCircuit { model, public, trace: Some(trace) }, rng)?;
    Ok((proof, public))
}

/// Whether `proof` shows that the model `model_id` approves the attributes behind `public`.
pub fn verify(
    pvk: &PreparedVerifyingKey<Bn254>,
    model_id: Fr,
    public: &PublicInputs,
    proof: &Proof<Bn254>,
) -> Result<bool, ZkError> {
    Ok(Groth16::<Bn254>::verify_with_processed_vk(pvk, &public.with_model_id(model_id), proof)?)
}

/// The prepared form of a verifying key (the pairing of α and β done once).
pub fn prepare(vk: &VerifyingKey<Bn254>) -> PreparedVerifyingKey<Bn254> {
    ark_groth16::prepare_verifying_key(vk)
}

/// Compressed canonical bytes of a key or proof.
pub fn to_bytes<T: CanonicalSerialize>(value: &T) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(value.compressed_size());
    value.serialize_compressed(&mut bytes).expect("writing to a vector cannot fail");
    bytes
}

/// A key or proof from compressed canonical bytes (points checked to be on the curve and in the group).
pub fn from_bytes<T: CanonicalDeserialize>(bytes: &[u8]) -> Result<T, ZkError> {
    T::deserialize_compressed(bytes).map_err(|e| ZkError::Encoding(e.to_string()))
}

/// A setup whose randomness comes from a public seed: ANYONE CAN FORGE PROOFS for its keys. For tests
/// and the development deployment on the embedded chain only, where reproducible keys let the committed
/// verifier contract be checked against its key.
pub fn insecure_setup_from_seed(model: &DecisionModel, seed: u64) -> Result<ProvingKey<Bn254>, ZkError> {
    use rand::SeedableRng;
    setup(model, &mut rand::rngs::StdRng::seed_from_u64(seed))
}
