//! The escrow parties over `ChainRegistry`: a notary, three auditors (t = 2) and a lender on one embedded
//! chain, through the real contracts: register, default, release, reveal; and the refusals (an
//! unreachable auditor, the same address or identity twice, a forged request, release before the default,
//! a stranger's key).

use alloy_primitives::{Address, B256};
use alloy_signer_local::PrivateKeySigner;
use aloe_chain::{Chain, SharedChain};
use aloe_contracts::{Auditor as OnChainAuditor, LoanTerms, Protocol, lifecycle::whole};
use aloe_identity::{
    Result,
    encryption::DecryptionKey,
    escrow::AuditorInfo,
    messages::Signed,
    roles::{
        lender,
        notary::{Courier, Registration, sign_request},
    },
};
use aloe_server::{in_process::InProcessCourier, registry::ChainRegistry};
use rand::{SeedableRng, rngs::StdRng};

#[allow(dead_code)] // each test binary uses part of it
mod common;

use common::{Deployment, signer};

const SSN: &str = "078-05-1120";

/// Auditors reached directly, each with its own registry (the services reach them over HTTP); the
/// `down` ones refuse as an unreachable one would.
struct Direct {
    inner: InProcessCourier,
    /// Every message delivered, to replay.
    delivered: Vec<(AuditorInfo, Signed)>,
    /// The owner starts a new auditor set right after the last delivery (so the registration reverts).
    race: Option<(SharedChain, Protocol, Address, Vec<OnChainAuditor>)>,
}

impl Courier for Direct {
    fn deliver(&mut self, auditor: &AuditorInfo, message: &Signed) -> Result<()> {
        self.inner.deliver(auditor, message)?;
        self.delivered.push((auditor.clone(), message.clone()));
        if usize::from(auditor.index) == self.inner.auditors.len()
            && let Some((mut chain, protocol, owner, set)) = self.race.take()
        {
            protocol.identity_escrow.set_auditors(&mut chain, owner, set, 2).unwrap();
        }
        Ok(())
    }
}

#[test]
fn register_default_reveal_and_every_refusal() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = StdRng::seed_from_u64(7);
    let Deployment { chain, protocol, owner, notary, auditors, set } = Deployment::new(dir.path(), 3, &mut rng);
    let registry = || ChainRegistry::new(Box::new(chain.clone()), protocol);
    let down = auditors[2].0.address();
    let mut courier = Direct { inner: InProcessCourier { auditors, offline: vec![] }, delivered: vec![], race: None };

    let borrower = signer(0x20);
    let now = chain.clone().timestamp().unwrap();
    let domain = (protocol.chain_id, protocol.identity_escrow.address);
    let registration = |who: &PrivateKeySigner, id: &str| Registration {
        national_id: id.into(),
        request: sign_request(who, notary.address(), 720, now, domain).unwrap(),
        attributes: None,
    };
    let fico_ok = |f: u16| (300..=850).contains(&f);
    let mut notary_registry = registry();

    // An unreachable auditor: nothing registered, and a retry succeeds.
    courier.inner.offline = vec![down];
    let first = notary.register(&mut notary_registry, &mut courier, &registration(&borrower, SSN), fico_ok, &mut rng);
    assert!(first.unwrap_err().to_string().contains("nothing was registered"));
    assert!(protocol.bureau.verify_unused_address(&mut chain.clone(), borrower.address()).is_ok());
    courier.inner.offline.clear();
    // The chain refuses halfway (the auditor set changed while the shares travelled): nothing registered,
    // and the auditors' copies of that split are never used.
    courier.race = Some((chain.clone(), protocol, owner, set));
    let raced = notary.register(&mut notary_registry, &mut courier, &registration(&borrower, SSN), fico_ok, &mut rng);
    assert!(raced.unwrap_err().to_string().contains("StaleAuditorSet"));
    assert!(protocol.bureau.verify_unused_address(&mut chain.clone(), borrower.address()).is_ok());
    let stale = courier.delivered.len();
    notary.register(&mut notary_registry, &mut courier, &registration(&borrower, SSN), fico_ok, &mut rng).unwrap();
    assert_eq!(protocol.identity_escrow.identity_of(&mut chain.clone(), borrower.address()).unwrap().epoch, 2);

    // A delivery sent again is a replay, refused.
    let (auditor, message) = courier.delivered[stale].clone();
    let replay = courier.deliver(&auditor, &message).unwrap_err().to_string();
    assert!(replay.contains("replayed"), "{replay}");

    // The same address again, and the same identity behind a fresh address: refused before anything is sent.
    let again = notary.register(&mut notary_registry, &mut courier, &registration(&borrower, SSN), fico_ok, &mut rng);
    assert!(again.unwrap_err().to_string().contains("already registered"));
    let twin =
        notary.register(&mut notary_registry, &mut courier, &registration(&signer(0x21), SSN), fico_ok, &mut rng);
    assert!(twin.unwrap_err().to_string().contains("this identity is already registered"));
    // A request signed by someone else than the address it names.
    let mut forged = registration(&signer(0x22), "111-22-3333");
    forged.request = sign_request(&signer(0x23), notary.address(), 720, now, domain).unwrap();
    forged.request.message = registration(&signer(0x22), "x").request.message;
    assert!(notary.register(&mut notary_registry, &mut courier, &forged, fico_ok, &mut rng).is_err());

    // The notary's store holds no identifier and no share.
    for file in ["notary.sqlite", "notary.sqlite-wal"] {
        let bytes = std::fs::read(dir.path().join(file)).unwrap_or_default();
        assert!(!bytes.windows(SSN.len()).any(|w| w == SSN.as_bytes()), "identifier in the notary's {file}");
    }

    // A loan the borrower defaults on; the lender has a key.
    let (lender_a, stranger) = (signer(0x30), signer(0x31));
    let mut c = chain.clone();
    for who in [borrower.address(), lender_a.address(), owner] {
        c.set_balance(who, whole(100)).unwrap();
    }
    let terms = LoanTerms {
        asset: Address::ZERO,
        totalAmount: whole(10).to(),
        intRatePerMil: 10,
        numPayments: 3,
        secondsBetweenPayments: 30 * 86_400,
        minCreditScore: 0,
        fundDate: alloy_primitives::Uint::from(now + 86_400),
        gracePeriod: 86_400,
        creatorFeePerMil: 0,
        decisionModel: 0,
        minDecisionMargin: 0,
    };
    let loan = protocol.bureau.create_loan(&mut c, owner, terms).unwrap().value;
    loan.invest(&mut c, lender_a.address(), whole(10)).unwrap();
    loan.borrow(&mut c, borrower.address(), whole(10)).unwrap();
    loan.disburse(&mut c, borrower.address()).unwrap();
    let lender_key = DecryptionKey::derive(lender_a.to_bytes().as_slice());
    protocol.identity_escrow.set_encryption_key(&mut c, lender_a.address(), B256::from(lender_key.public().0)).unwrap();
    let mut lender_registry = registry();
    let reveal = |registry: &mut ChainRegistry, key: &DecryptionKey, who: Address| {
        lender::reveal(registry, key, who, loan.address, borrower.address())
    };

    // Before the default: auditors release nothing, the lender learns nothing.
    for (auditor, registry) in &mut courier.inner.auditors {
        assert!(auditor.release_pass(registry, &mut rng).unwrap().released.is_empty());
    }
    assert!(reveal(&mut lender_registry, &lender_key, lender_a.address()).is_err());

    c.advance_time(40 * 86_400).unwrap();
    protocol.bureau.report_default(&mut c, owner, loan.address, borrower.address()).unwrap();
    // Two of three auditors answer (the third is down): enough. Each releases once.
    for (auditor, registry) in &mut courier.inner.auditors[..2] {
        let report = auditor.release_pass(registry, &mut rng).unwrap();
        assert_eq!(report.released, vec![(loan.address, borrower.address(), vec![lender_a.address()])]);
        // Forty days on, the splits the chain never recorded (the unreachable-auditor attempt, the raced
        // one) are deleted; the live one stays.
        assert_eq!(report.pruned, 2);
        assert!(auditor.release_pass(registry, &mut rng).unwrap().released.is_empty(), "released once");
        assert!(auditor.store().pending_defaults().unwrap().is_empty(), "a served default is not revisited");
    }
    let identity = reveal(&mut lender_registry, &lender_key, lender_a.address()).unwrap();
    assert_eq!(identity.expose(), SSN);
    // A stranger's key opens nothing, and nothing was released to the stranger.
    let stranger_key = DecryptionKey::derive(stranger.to_bytes().as_slice());
    assert!(reveal(&mut lender_registry, &stranger_key, stranger.address()).is_err());
    assert!(reveal(&mut lender_registry, &stranger_key, lender_a.address()).is_err());

    // The offline auditor prunes its one unrecorded split when it comes back; every auditor keeps the live one.
    let record = protocol.identity_escrow.identity_of(&mut c, borrower.address()).unwrap();
    for ((auditor, registry), expected) in courier.inner.auditors.iter_mut().zip([0, 0, 1]) {
        assert_eq!(auditor.prune(registry).unwrap(), expected);
        assert!(auditor.store().delivery_for(borrower.address(), record.escrowDigest).unwrap().is_some());
    }
}
