//! Proofs: a valid one verifies; another borrower, threshold, commitment or model does not; a refusal
//! before proving when the model does not approve.

use aloe_ml::fixed_input::CommittedAttributes;
use aloe_zk::ZkError;
use aloe_zk::circuit::PublicInputs;
use aloe_zk::groth16::{insecure_setup_from_seed, prepare, prove, verify};
use aloe_zk::model::DecisionModel;
use ark_bn254::Fr;
use rand::SeedableRng;

#[test]
fn a_proof_verifies_for_its_statement_only() {
    let attributes = CommittedAttributes::from_applicant(&aloe_ml::data::german_credit().applicants[0]).unwrap();
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    for model in [
        DecisionModel::public(&super::small_model()).unwrap(),
        DecisionModel::private(&super::small_model_f8()).unwrap(),
    ] {
        let pk = insecure_setup_from_seed(&model, 1).unwrap();
        let pvk = prepare(&pk.vk);
        let margin = model.margin(&attributes).unwrap() as i32;
        let salt = Fr::from(99u64);
        let (proof, public) = prove(&pk, &model, &attributes, salt, Fr::from(42u64), margin - 3, &mut rng).unwrap();
        assert!(verify(&pvk, model.model_id(), &public, &proof).unwrap());
        let others = [
            PublicInputs { borrower: Fr::from(43u64), ..public },
            PublicInputs { min_margin: margin - 4, ..public },
            PublicInputs { min_margin: margin + 1, ..public },
            PublicInputs { commitment: public.commitment + Fr::from(1u64), ..public },
        ];
        for other in others {
            assert!(!verify(&pvk, model.model_id(), &other, &proof).unwrap(), "{other:?}");
        }
        assert!(!verify(&pvk, model.model_id() + Fr::from(1u64), &public, &proof).unwrap());
        // The model does not approve above its margin: no proof is attempted.
        let refused = prove(&pk, &model, &attributes, salt, Fr::from(42u64), margin + 1, &mut rng);
        assert!(matches!(refused, Err(ZkError::NotApproved { .. })));
    }
}

#[test]
fn a_proof_under_another_model_s_circuit_does_not_verify() {
    let attributes = CommittedAttributes::from_applicant(&aloe_ml::data::german_credit().applicants[4]).unwrap();
    let model = DecisionModel::public(&super::small_model()).unwrap();
    let pk = insecure_setup_from_seed(&model, 2).unwrap();
    // The prover runs a circuit with one public weight changed, with the real model's keys.
    let mut tampered = model.clone();
    tampered.mlp.w1[0] += 1;
    let size = aloe_zk::groth16::circuit_size;
    assert_eq!(size(&tampered).unwrap(), size(&model).unwrap(), "same shape, other coefficients");
    let mut rng = rand::rngs::StdRng::seed_from_u64(3);
    let (proof, public) =
        prove(&pk, &tampered, &attributes, Fr::from(5u64), Fr::from(6u64), i32::MIN, &mut rng).unwrap();
    assert!(!verify(&prepare(&pk.vk), model.model_id(), &public, &proof).unwrap());
}
