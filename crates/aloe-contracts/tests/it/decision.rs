//! The decision model registry and proof-gated loans over the embedded chain, with a stand-in verifier that
//! accepts every proof (real proofs against the generated verifier: `crates/aloe-zk/tests/verifier.rs`).

use alloy_primitives::{Address, B256, U256, hex};
use aloe_chain::Chain;
use aloe_contracts::{Error, Sent, deploy_contract, lifecycle::whole, stand_in_identity};

use super::Fixture;

/// Creation code of a contract answering every call with the word 1: `modelId()` is 1, every proof verifies.
const ACCEPT_ALL: &str = "600a600c600039600a6000f3600160005260206000f3";
/// Ceiling on what a decision proof adds to a request (calldata, the commitment, the registry, the verifier's
/// call and the event), beyond what the verifier itself spends.
const PROOF_OVERHEAD_CEILING: u64 = 30_000;

fn revert_name(result: Result<Sent, Error>) -> String {
    result.expect_err("reverts").revert_name().unwrap_or_default()
}

#[test]
fn a_gated_loan_lends_only_through_a_proof() {
    let mut f = Fixture::new();
    let (owner, models) = (f.owner, f.protocol.decision_models);
    assert_eq!(models.owner(&mut f.chain).unwrap(), owner);
    let code = hex::decode(ACCEPT_ALL).unwrap();
    let verifier = deploy_contract(&mut f.chain, "AcceptAll", owner, code).unwrap().value;
    assert_eq!(
        revert_name(models.register(&mut f.chain, f.creator, verifier).map(drop_value)),
        "OwnableUnauthorizedAccount"
    );
    let index = models.register(&mut f.chain, owner, verifier).unwrap().value;
    assert_eq!((index, models.model_count(&mut f.chain).unwrap()), (1, 1));
    assert_eq!(models.verifier_of(&mut f.chain, index).unwrap().address, verifier);
    assert_eq!(models.model_id_of(&mut f.chain, index).unwrap(), U256::from(1));
    assert_eq!(models.verifier_of(&mut f.chain, 2).unwrap_err().revert_name().as_deref(), Some("UnknownDecisionModel"));

    // createLoan checks the model.
    let mut terms = f.ether_terms();
    terms.decisionModel = 2;
    assert_eq!(
        revert_name(f.protocol.bureau.create_loan(&mut f.chain, f.creator, terms.clone()).map(drop_value)),
        "UnknownDecisionModel"
    );
    (terms.decisionModel, terms.minDecisionMargin) = (0, -5);
    assert_eq!(
        revert_name(f.protocol.bureau.create_loan(&mut f.chain, f.creator, terms.clone()).map(drop_value)),
        "DecisionMarginWithoutModel"
    );
    terms.decisionModel = index;
    let gated = f.protocol.bureau.create_loan(&mut f.chain, f.creator, terms.clone()).unwrap().value;
    let (_, stored) = gated.terms(&mut f.chain).unwrap();
    assert_eq!((stored.decisionModel, stored.minDecisionMargin), (index, -5));

    // A borrower whose notary committed to attributes.
    let committed = aloe_chain::dev_signer(10).address();
    f.chain.set_balance(committed, whole(10)).unwrap();
    let mut identity = stand_in_identity(committed, 1);
    identity.attributesCommitment = B256::repeat_byte(0x5a);
    let now = f.chain.timestamp().unwrap();
    f.protocol.bureau.init_score_ledger(&mut f.chain, f.notary, committed, 700, now, identity).unwrap();
    let escrow = f.protocol.identity_escrow;
    assert_eq!(escrow.identity_of(&mut f.chain, committed).unwrap().attributesCommitment, B256::repeat_byte(0x5a));

    let proof: [U256; 8] = std::array::from_fn(|i| U256::from_be_bytes([0x11 + i as u8; 32]));
    let amount = whole(3);
    assert_eq!(revert_name(gated.borrow(&mut f.chain, committed, amount)), "DecisionProofRequired");
    assert_eq!(
        revert_name(gated.borrow_with_proof(&mut f.chain, f.borrowers[0], amount, proof)),
        "NoAttributesCommitment"
    );
    let plain = f.ether_loan();
    assert_eq!(revert_name(plain.borrow_with_proof(&mut f.chain, committed, amount, proof)), "NoDecisionModel");

    // Retiring the model stops new loans, not this one.
    models.retire(&mut f.chain, owner, index).unwrap();
    assert!(models.is_retired(&mut f.chain, index).unwrap());
    assert_eq!(
        revert_name(f.protocol.bureau.create_loan(&mut f.chain, f.creator, terms).map(drop_value)),
        "RetiredDecisionModel"
    );
    let with_proof = gated.borrow_with_proof(&mut f.chain, committed, amount, proof).unwrap();
    assert_eq!(U256::from(gated.borrower_position(&mut f.chain, committed).unwrap().principal), amount);

    // The same first request without a proof, for the gas it adds.
    let without = plain.borrow(&mut f.chain, f.borrowers[1], amount).unwrap();
    let (proved, plain_gas) = (with_proof.receipt.gas_used, without.receipt.gas_used);
    println!("borrowWithProof (ether, accept-all verifier): {proved} gas; borrow: {plain_gas} gas");
    assert!(proved - plain_gas <= PROOF_OVERHEAD_CEILING, "a proof adds {} gas", proved - plain_gas);
}

fn drop_value<T>(sent: Sent<T>) -> Sent {
    Sent { value: (), receipt: sent.receipt }
}

#[test]
fn an_account_without_code_is_no_verifier() {
    let mut f = Fixture::new();
    let error = f.protocol.decision_models.register(&mut f.chain, f.owner, Address::repeat_byte(0x42)).unwrap_err();
    assert_eq!(error.revert_name().as_deref(), Some("VerifierNotContract"));
}
