//! The gas half of `aloe bench zk`: the whole verification transaction of each development verifier, and
//! `borrowWithProof` on a gated loan beside `borrow` on the same loan terms without a model (the baseline,
//! in the same run), on the embedded chain.

use alloy_primitives::B256;
use aloe_chain::{Chain, EmbeddedChain, dev_signer};
use aloe_contracts::{Protocol, decision_loan_terms, lifecycle::whole, stand_in_auditors, stand_in_identity};
use aloe_ml::data::german_credit;
use aloe_ml::fixed_input::CommittedAttributes;
use aloe_server::decision::register_dev_model;
use aloe_zk::commitment::{commit, to_bytes32};
use aloe_zk::dev;
use aloe_zk::files::address_field;
use anyhow::Context;
use ark_bn254::Fr;
use rand::SeedableRng;

pub(crate) fn print_gas() -> anyhow::Result<()> {
    let mut chain = EmbeddedChain::new();
    let a = |i| dev_signer(i).address();
    let (owner, notary, creator) = (a(0), a(1), a(2));
    let borrowers = [a(3), a(4), a(5), a(6)];
    for who in [owner, notary, creator].iter().chain(&borrowers) {
        chain.set_balance(*who, whole(1_000))?;
    }
    let protocol = Protocol::deploy(&mut chain, owner)?;
    protocol.bureau.add_notary(&mut chain, owner, notary)?;
    let epoch = protocol.identity_escrow.set_auditors(&mut chain, owner, stand_in_auditors(), 2)?.value;
    let attributes = CommittedAttributes::from_applicant(&german_credit().applicants[0])?;
    let salt = Fr::from(5u64);
    let now = chain.timestamp()?;
    for who in borrowers {
        let mut identity = stand_in_identity(who, epoch);
        identity.attributesCommitment = B256::from(to_bytes32(commit(&attributes, salt)));
        protocol.bureau.init_score_ledger(&mut chain, notary, who, 700, now, identity)?;
    }
    let mut rng = rand::rngs::StdRng::seed_from_u64(3);
    println!();
    println!("Gas on the embedded chain (deterministic), whole transactions:");
    println!(
        "| verifier | verifyProof, margin ≥ 0 | verifyProof, margin < 0 | borrow (no model) | borrowWithProof | proof's cost |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    for (label, dev_model, pair) in
        [("shipped model, public weights", dev::PUBLIC, [0, 1]), ("71-10-2, private weights", dev::PRIVATE, [2, 3])]
    {
        let decision = register_dev_model(&mut chain, &protocol, owner, dev_model).context("registering the model")?;
        let mut verify_gas = Vec::new();
        for min_margin in [0, -5] {
            let borrower = address_field(&borrowers[0].into_array());
            let (proof, public) = aloe_zk::groth16::prove(
                &decision.keys,
                &decision.model,
                &attributes,
                salt,
                borrower,
                min_margin,
                &mut rng,
            )?;
            let input = aloe_zk::solidity::input_words(&public);
            verify_gas.push(decision.verifier.verify_proof_gas(
                &mut chain,
                aloe_zk::solidity::proof_words(&proof),
                input,
            )?);
        }
        let plain = protocol.bureau.create_loan(&mut chain, creator, decision_loan_terms(now, 0, 0))?.value;
        let gated =
            protocol.bureau.create_loan(&mut chain, creator, decision_loan_terms(now, decision.index, 0))?.value;
        let amount = whole(2);
        let borrow = plain.borrow(&mut chain, borrowers[pair[0]], amount)?.receipt.gas_used;
        let proof = decision.prove(&attributes, salt, borrowers[pair[1]], 0, &mut rng)?;
        let with_proof = gated.borrow_with_proof(&mut chain, borrowers[pair[1]], amount, proof)?.receipt.gas_used;
        println!(
            "| {label} | {} | {} | {borrow} | {with_proof} | {} |",
            verify_gas[0],
            verify_gas[1],
            with_proof - borrow
        );
    }
    Ok(())
}
