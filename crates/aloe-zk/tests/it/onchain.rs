//! The development deployment's verifiers (`aloe_zk::dev`) on the embedded chain: the committed contracts are
//! what the generator writes for the seeded keys, they accept the decision circuit's real proofs, and
//! nothing else.
//!
//! Regenerate them with `ALOE_UPDATE_VERIFIER=1 cargo test -p aloe-zk --test it onchain`, then
//! `node contracts/tools/build-artifacts.js`.

use alloy_primitives::U256;
use aloe_chain::{Chain, EmbeddedChain, dev_signer};
use aloe_contracts::{DecisionVerifier, artifacts};
use aloe_ml::data::german_credit;
use aloe_ml::fixed_input::CommittedAttributes;
use aloe_zk::dev::{self, DevModel};
use aloe_zk::files::address_field;
use aloe_zk::groth16::prove;
use aloe_zk::solidity::{field_word, input_words, proof_words};
use ark_bn254::Fr;
use rand::{SeedableRng, rngs::StdRng};

/// The target for the whole verification transaction.
const VERIFY_GAS_CEILING: u64 = 230_000;

fn committed_path(dev: &DevModel) -> String {
    format!("{}/../../contracts/src/verifiers/{}.sol", env!("CARGO_MANIFEST_DIR"), dev.contract)
}

#[test]
fn committed_dev_verifiers_are_what_the_generator_writes() {
    for dev in [dev::PUBLIC, dev::PRIVATE] {
        let generated = dev.verifier_source().unwrap();
        if std::env::var_os("ALOE_UPDATE_VERIFIER").is_some() {
            std::fs::write(committed_path(&dev), &generated).unwrap();
        }
        let committed = std::fs::read_to_string(committed_path(&dev)).unwrap();
        assert!(committed == generated, "{} is stale: see this file's documentation", dev.contract);
    }
}

#[test]
fn dev_verifiers_accept_the_circuits_proofs_and_nothing_else() {
    let mut chain = EmbeddedChain::new();
    let deployer = dev_signer(0).address();
    chain.set_balance(deployer, U256::from(10u64).pow(U256::from(18))).unwrap();
    let borrower = dev_signer(4).address();
    let attributes = CommittedAttributes::from_applicant(&german_credit().applicants[2]).unwrap();
    let mut rng = StdRng::seed_from_u64(21);
    for (dev, artifact) in
        [(dev::PUBLIC, &artifacts::DEV_DECISION_VERIFIER), (dev::PRIVATE, &artifacts::DEV_PRIVATE_DECISION_VERIFIER)]
    {
        let model = dev.model().unwrap();
        let pk = dev.keys(&model).unwrap();
        let verifier = DecisionVerifier::deploy(&mut chain, deployer, artifact.bytecode.to_vec()).unwrap().value;
        assert_eq!(verifier.model_id(&mut chain).unwrap(), field_word(model.model_id()));
        // A negative threshold: the dearest calldata (r − |m| has no zero bytes).
        let min_margin = -(model.margin(&attributes).unwrap() as i32).abs() - 1;
        let borrower_field = address_field(&borrower.into_array());
        let (proof, public) =
            prove(&pk, &model, &attributes, Fr::from(77u64), borrower_field, min_margin, &mut rng).unwrap();
        let words = proof_words(&proof);
        let input = input_words(&public);
        assert!(verifier.verify_proof(&mut chain, words, input).unwrap(), "{}", dev.contract);
        let gas = verifier.verify_proof_gas(&mut chain, words, input).unwrap();
        println!("{}: verifyProof transaction {gas} gas", dev.contract);
        assert!(gas <= VERIFY_GAS_CEILING, "{}: {gas} gas", dev.contract);
        for i in 0..8 {
            let mut tampered = words;
            tampered[i] += U256::from(1);
            assert!(!verifier.verify_proof(&mut chain, tampered, input).unwrap(), "{}: proof word {i}", dev.contract);
        }
        for i in 0..3 {
            let mut tampered = input;
            tampered[i] += U256::from(1);
            assert!(!verifier.verify_proof(&mut chain, words, tampered).unwrap(), "{}: input {i}", dev.contract);
        }
    }
}
