//! The identity escrow, narrated, for `aloe demo`: three auditors (any two reveal) and a notary in this
//! process, each with its own keys and store; a borrower registers (with a commitment to its credit
//! attributes), proves the credit model's approval to borrow from a loan that requires it, defaults, and
//! the loan's lender reveals the identity while one auditor is offline. Seeded: the same run on the same chain gives the
//! same output.

use std::path::Path;

use alloy_primitives::{Address, B256};
use aloe_chain::{Chain, SharedChain, dev_signer};
use aloe_contracts::{Auditor as ListedAuditor, LoanTerms, Protocol, lifecycle::whole};
use aloe_identity::{
    encryption::DecryptionKey,
    identity::TagKey,
    roles::{
        Registry,
        auditor::Auditor,
        lender,
        notary::{ModelAttributes, Notary, Registration, sign_request},
    },
    store::{AuditorStore, NotaryStore},
};
use rand::{SeedableRng, rngs::StdRng};

use crate::{
    Error, attributes::PoseidonCommitter, decision::register_dev_model, in_process::InProcessCourier,
    notary::FICO_RANGE, registry::ChainRegistry,
};

/// The demo borrower's credit attributes in the UCI coding (the data's first applicant).
const DEMO_ATTRIBUTES: &str = "A11 6 A34 A43 1169 A65 A75 4 A93 A101 4 A121 67 A143 A152 2 A173 1 A192 A201";

/// The demo borrower's national identifier (a well-known specimen SSN, never issued to anyone).
pub const DEMO_IDENTIFIER: &str = "078-05-1120";
/// Development accounts the walkthrough uses: notary, three auditors, borrower, lender, stranger.
pub const ACCOUNTS: std::ops::Range<usize> = 11..18;

/// What the walkthrough showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The identity the lender reconstructed.
    pub revealed: String,
    /// What a stranger got instead.
    pub stranger_error: String,
}

/// Runs the walkthrough on `chain`, where `protocol` is deployed and `owner` governs it; the parties'
/// stores go under `dir`.
pub fn run(
    chain: &SharedChain,
    protocol: Protocol,
    owner: Address,
    dir: &Path,
    say: &mut dyn FnMut(String),
) -> Result<Outcome, Error> {
    let mut rng = StdRng::seed_from_u64(4);
    let mut owner_chain = chain.clone();
    let registry = || ChainRegistry::new(Box::new(chain.clone()), protocol);
    let [notary_key, a1, a2, a3, borrower, lender_key, stranger] =
        std::array::from_fn(|i| dev_signer(ACCOUNTS.start + i));
    for key in [&notary_key, &a1, &a2, &a3, &borrower, &lender_key, &stranger] {
        owner_chain.set_balance(key.address(), whole(1_000))?;
    }

    let auditors: Vec<(Auditor, ChainRegistry)> = [a1, a2, a3]
        .into_iter()
        .enumerate()
        .map(|(i, key)| {
            Ok((Auditor::new(key, AuditorStore::open(&dir.join(format!("auditor{}.sqlite", i + 1)))?), registry()))
        })
        .collect::<Result<_, Error>>()?;
    let listed = auditors
        .iter()
        .map(|(auditor, _)| ListedAuditor {
            account: auditor.address(),
            encryptionKey: B256::from(auditor.encryption_key().0),
        })
        .collect();
    let epoch = protocol.identity_escrow.set_auditors(&mut owner_chain, owner, listed, 2)?.value;
    say(format!("identity escrow: auditor set {epoch}, any 2 of 3 auditors, each with its own X25519 key and store"));
    protocol.bureau.add_notary(&mut owner_chain, owner, notary_key.address())?;
    let notary =
        Notary::new(notary_key, TagKey::from_bytes([0x5a; 32]), NotaryStore::open(&dir.join("notary.sqlite"))?)
            .with_committer(Box::new(PoseidonCommitter));
    let mut notary_registry = registry();
    let offline = auditors[2].0.address();
    let mut courier = InProcessCourier { auditors, offline: Vec::new() };

    let domain = notary_registry.domain()?;
    let request = sign_request(&borrower, notary.address(), 700, notary_registry.now()?, domain)?;
    let salt = aloe_zk::commitment::random_salt(&mut rng);
    let attributes = ModelAttributes { uci: DEMO_ATTRIBUTES.into(), salt: aloe_zk::files::field_hex(salt) };
    let registration = Registration { national_id: DEMO_IDENTIFIER.into(), request, attributes: Some(attributes) };
    notary.register(&mut notary_registry, &mut courier, &registration, |f| FICO_RANGE.contains(&f), &mut rng)?;
    let record = protocol.identity_escrow.identity_of(&mut owner_chain, borrower.address())?;
    say(format!(
        "notary registered {} (FICO 700): identity split among the auditors, on-chain only its tag {}… and salted hash {}…, and a Poseidon commitment {}… to its credit attributes",
        borrower.address(),
        &record.identityTag.to_string()[..12],
        &record.identityHash.to_string()[..12],
        &record.attributesCommitment.to_string()[..12]
    ));
    let twin = Registration {
        national_id: DEMO_IDENTIFIER.into(),
        request: sign_request(&stranger, notary.address(), 700, notary_registry.now()?, domain)?,
        attributes: None,
    };
    let refused = notary.register(&mut notary_registry, &mut courier, &twin, |f| FICO_RANGE.contains(&f), &mut rng);
    say(format!(
        "the same identity on a fresh address is refused: {}",
        refused.map(|_| "registered?!".to_owned()).unwrap_or_else(|e| e.to_string())
    ));

    // A one-payment loan that requires the credit model's approval; the borrower proves it, and never repays.
    let decision = register_dev_model(&mut owner_chain, &protocol, owner, aloe_zk::dev::PUBLIC)?;
    say(format!(
        "the shipped credit model (71-200-2 MLP, {} constraints) is decision model {}: its Groth16 verifier, development keys from a public seed",
        aloe_zk::groth16::circuit_size(&decision.model)?.constraints,
        decision.index
    ));
    let now = owner_chain.timestamp()?;
    let terms = LoanTerms {
        asset: Address::ZERO,
        totalAmount: whole(5).to(),
        intRatePerMil: 20,
        numPayments: 1,
        secondsBetweenPayments: 30 * 86_400,
        minCreditScore: 0,
        fundDate: alloy_primitives::Uint::from(now + 86_400),
        gracePeriod: 10 * 86_400,
        creatorFeePerMil: 0,
        decisionModel: decision.index,
        minDecisionMargin: 0,
    };
    let loan = protocol.bureau.create_loan(&mut owner_chain, owner, terms)?.value;
    loan.invest(&mut owner_chain, lender_key.address(), whole(5))?;
    let committed = aloe_zk::files::parse_attributes(DEMO_ATTRIBUTES)?;
    let proof = decision.prove(&committed, salt, borrower.address(), 0, &mut rng)?;
    let replay = loan
        .borrow_with_proof(&mut owner_chain, stranger.address(), whole(5), proof)
        .map(|_| "borrowed?!".to_owned())
        .unwrap_or_else(|e| e.revert_name().unwrap_or_else(|| e.to_string()));
    say(format!(
        "the loan requires the model's approval (margin ≥ 0): the borrower proves it without revealing its attributes; the same proof from another address: {replay}"
    ));
    let sent = loan.borrow_with_proof(&mut owner_chain, borrower.address(), whole(5), proof)?;
    say(format!("the borrower borrows with its proof ({} gas)", sent.receipt.gas_used));
    loan.disburse(&mut owner_chain, borrower.address())?;
    let lender_secret = DecryptionKey::derive(lender_key.to_bytes().as_slice());
    protocol.identity_escrow.set_encryption_key(
        &mut owner_chain,
        lender_key.address(),
        B256::from(lender_secret.public().0),
    )?;
    say(format!("lender {} funds a 5 ETH loan the borrower takes and never repays", lender_key.address()));

    owner_chain.advance_time(45 * 86_400)?;
    protocol.bureau.report_default(&mut owner_chain, owner, loan.address, borrower.address())?;
    courier.offline.push(offline);
    let mut released = 0;
    for (auditor, registry) in courier.auditors.iter_mut().filter(|(a, _)| a.address() != offline) {
        released += auditor.release_pass(registry, &mut rng)?.released.len();
    }
    say(format!(
        "default confirmed; auditor 3 is offline, {released} auditors saw it on-chain and released their shares to the lender"
    ));

    let mut lender_registry = registry();
    let revealed =
        lender::reveal(&mut lender_registry, &lender_secret, lender_key.address(), loan.address, borrower.address())?;
    say(format!("the lender reconstructs the identity from 2 shares: {}", revealed.expose()));
    let stranger_secret = DecryptionKey::derive(stranger.to_bytes().as_slice());
    let stranger_error =
        lender::reveal(&mut lender_registry, &stranger_secret, stranger.address(), loan.address, borrower.address())
            .map(|_| "revealed?!".to_owned())
            .unwrap_or_else(|e| e.to_string());
    say(format!("someone who did not lend gets nothing: {stranger_error}"));
    Ok(Outcome { revealed: revealed.expose().to_owned(), stranger_error })
}
