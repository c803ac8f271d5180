//! Private loan decisions end to end on the embedded chain: the notary commits to a borrower's credit-model
//! attributes at registration (refusing malformed ones, registering nothing), a loan requires the shipped
//! model's approval, and only the borrower's own proof over its own committed attributes borrows.

use alloy_primitives::B256;
use alloy_signer_local::PrivateKeySigner;
use aloe_chain::Chain;
use aloe_contracts::{decision_loan_terms, lifecycle::whole};
use aloe_identity::roles::notary::{ModelAttributes, Registration, sign_request};
use aloe_ml::data::GERMAN_DATA;
use aloe_server::{
    attributes::PoseidonCommitter, decision::register_dev_model, in_process::InProcessCourier, registry::ChainRegistry,
};
use aloe_zk::commitment::{commit, to_bytes32};
use aloe_zk::files::{field_hex, parse_attributes};
use ark_bn254::Fr;
use rand::{SeedableRng, rngs::StdRng};

#[allow(dead_code)] // each test binary uses part of it
mod common;

use common::{Deployment, signer};

/// Applicant `i`'s 20 attributes in the UCI coding (its line of the data, without the class).
fn uci(i: usize) -> String {
    let fields: Vec<&str> = GERMAN_DATA.lines().nth(i).unwrap().split_whitespace().collect();
    fields[..20].join(" ")
}

#[test]
fn the_notary_commits_and_only_the_borrowers_own_proof_borrows() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = StdRng::seed_from_u64(11);
    let Deployment { chain, protocol, owner, notary, auditors, .. } = Deployment::new(dir.path(), 2, &mut rng);
    let notary = notary.with_committer(Box::new(PoseidonCommitter));
    let registry = || ChainRegistry::new(Box::new(chain.clone()), protocol);
    let mut courier = InProcessCourier { auditors, offline: vec![] };
    let mut notary_registry = registry();
    let domain = (protocol.chain_id, protocol.identity_escrow.address);
    let now = chain.clone().timestamp().unwrap();
    let fico_ok = |f: u16| (300..=850).contains(&f);
    let registration = |who: &PrivateKeySigner, id: &str, attributes: Option<ModelAttributes>| Registration {
        national_id: id.into(),
        request: sign_request(who, notary.address(), 720, now, domain).unwrap(),
        attributes,
    };
    let salt = Fr::from(0xa10e_5a17_u64);
    let attributes = |i: usize| ModelAttributes { uci: uci(i), salt: field_hex(salt) };

    // Malformed attributes are refused before anything is split or registered.
    let (approved, rejected, plain) = (signer(0x20), signer(0x21), signer(0x22));
    let mut bad_salt = attributes(0);
    bad_salt.salt = "0x1234".into();
    let mut too_old = attributes(0);
    too_old.uci = too_old.uci.replacen(" 67 ", " 999 ", 1);
    assert!(too_old.uci.contains(" 999 "));
    for bad in [bad_salt, too_old, ModelAttributes { uci: "A11 6".into(), salt: field_hex(salt) }] {
        let refused = notary.register(
            &mut notary_registry,
            &mut courier,
            &registration(&approved, "111-00-0001", Some(bad)),
            fico_ok,
            &mut rng,
        );
        assert!(refused.unwrap_err().to_string().contains("model attributes refused"));
        assert!(protocol.bureau.verify_unused_address(&mut chain.clone(), approved.address()).is_ok());
    }

    // Applicant 0 the shipped model approves; applicant 1 it rejects (margin below 0); one without attributes.
    let registry_reg = &mut notary_registry;
    for (who, id, attrs) in [
        (&approved, "111-00-0001", Some(attributes(0))),
        (&rejected, "111-00-0002", Some(attributes(1))),
        (&plain, "111-00-0003", None),
    ] {
        notary.register(registry_reg, &mut courier, &registration(who, id, attrs), fico_ok, &mut rng).unwrap();
    }
    let stored =
        protocol.identity_escrow.identity_of(&mut chain.clone(), approved.address()).unwrap().attributesCommitment;
    assert_eq!(stored, B256::from(to_bytes32(commit(&parse_attributes(&uci(0)).unwrap(), salt))));
    let none = protocol.identity_escrow.identity_of(&mut chain.clone(), plain.address()).unwrap().attributesCommitment;
    assert_eq!(none, B256::ZERO);

    // The shipped model's development verifier, and a loan that requires its approval (margin ≥ 0: the
    // model rates good more likely than bad).
    let mut c = chain.clone();
    c.set_balance(owner, whole(1_000)).unwrap();
    let decision = register_dev_model(&mut c, &protocol, owner, aloe_zk::dev::PUBLIC).unwrap();
    let model = &decision.model;
    assert!(model.margin(&parse_attributes(&uci(0)).unwrap()).unwrap() >= 0);
    assert!(model.margin(&parse_attributes(&uci(1)).unwrap()).unwrap() < 0);
    let (creator, lender) = (signer(0x30).address(), signer(0x31).address());
    for who in [creator, lender, approved.address(), rejected.address(), plain.address()] {
        c.set_balance(who, whole(100)).unwrap();
    }
    let terms = decision_loan_terms(now, decision.index, 0);
    let loan = protocol.bureau.create_loan(&mut c, creator, terms).unwrap().value;
    loan.invest(&mut c, lender, whole(10)).unwrap();
    let amount = whole(3);
    let refused = |result: aloe_contracts::Result<aloe_contracts::Sent>| result.unwrap_err().revert_name().unwrap();

    let committed = parse_attributes(&uci(0)).unwrap();
    let proof = decision.prove(&committed, salt, approved.address(), 0, &mut rng).unwrap();
    assert_eq!(refused(loan.borrow(&mut c, approved.address(), amount)), "DecisionProofRequired");
    // Someone else's proof: refused for another borrower, and for one the notary committed nothing for.
    assert_eq!(refused(loan.borrow_with_proof(&mut c, rejected.address(), amount, proof)), "InvalidDecisionProof");
    assert_eq!(refused(loan.borrow_with_proof(&mut c, plain.address(), amount, proof)), "NoAttributesCommitment");
    // The rejected applicant cannot prove approval: the prover refuses, and a proof of its true margin is
    // for another threshold.
    let theirs = parse_attributes(&uci(1)).unwrap();
    assert!(decision.prove(&theirs, salt, rejected.address(), 0, &mut rng).is_err());
    let margin = model.margin(&theirs).unwrap() as i32;
    let honest_low = decision.prove(&theirs, salt, rejected.address(), margin, &mut rng).unwrap();
    assert_eq!(refused(loan.borrow_with_proof(&mut c, rejected.address(), amount, honest_low)), "InvalidDecisionProof");
    // A proof over attributes other than the committed ones (another applicant's, salt and all).
    let other = decision.prove(&parse_attributes(&uci(2)).unwrap(), salt, approved.address(), 0, &mut rng);
    if let Ok(other) = other {
        assert_eq!(refused(loan.borrow_with_proof(&mut c, approved.address(), amount, other)), "InvalidDecisionProof");
    }

    let sent = loan.borrow_with_proof(&mut c, approved.address(), amount, proof).unwrap();
    println!("borrowWithProof (shipped model, first request): {} gas", sent.receipt.gas_used);
    assert_eq!(
        alloy_primitives::U256::from(loan.borrower_position(&mut c, approved.address()).unwrap().principal),
        amount
    );
}
