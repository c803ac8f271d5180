//! Notary, three auditors (t = 2) and lenders on the embedded chain, through the real contracts: register,
//! default, release, reveal; and the refusals (forged notary, replay, non-defaulted borrower, wrong lender,
//! one identity twice, an unreachable auditor).

use std::collections::HashMap;

use alloy_primitives::{Address, B256, Bytes, U256};
use alloy_signer_local::PrivateKeySigner;
use aloe_chain::{Chain, EmbeddedChain};
use aloe_contracts::{Auditor as OnChainAuditor, IdentityRecord, Loan, LoanTerms, Protocol, lifecycle::whole};
use aloe_identity::{
    Error, Result,
    encryption::{DecryptionKey, EncryptionKey},
    escrow::{AuditorInfo, AuditorSet, IdentityCommitment},
    identity::TagKey,
    messages::Signed,
    roles::{
        ConfirmedDefault, Registry, ReleasedCiphertext,
        auditor::Auditor,
        lender,
        notary::{Courier, Notary, Registration, sign_request},
    },
    store::{AuditorStore, NotaryStore},
};
use rand::{SeedableRng, rngs::StdRng};

/// The Registry over aloe-contracts (the services' adapter, in test form).
struct ChainRegistry<'a> {
    chain: &'a mut EmbeddedChain,
    protocol: Protocol,
}

fn chain_err(e: impl std::fmt::Display) -> Error {
    Error::Chain(e.to_string())
}

impl Registry for ChainRegistry<'_> {
    fn domain(&mut self) -> Result<(u64, Address)> {
        Ok((self.protocol.chain_id, self.protocol.identity_escrow.address))
    }
    fn now(&mut self) -> Result<u64> {
        self.chain.timestamp().map_err(chain_err)
    }
    fn is_notary(&mut self, account: Address) -> Result<bool> {
        self.protocol.bureau.is_notary(self.chain, account).map_err(chain_err)
    }
    fn is_registered(&mut self, borrower: Address) -> Result<bool> {
        Ok(self.protocol.bureau.verify_unused_address(self.chain, borrower).is_err())
    }
    fn borrower_of_tag(&mut self, tag: B256) -> Result<Option<Address>> {
        let holder = self.protocol.identity_escrow.borrower_of_tag(self.chain, tag).map_err(chain_err)?;
        Ok((holder != Address::ZERO).then_some(holder))
    }
    fn current_auditor_set(&mut self) -> Result<AuditorSet> {
        let escrow = self.protocol.identity_escrow;
        let epoch = escrow.current_epoch(self.chain).map_err(chain_err)?;
        let (auditors, threshold) = escrow.auditor_set(self.chain, epoch).map_err(chain_err)?;
        let auditors = auditors
            .into_iter()
            .enumerate()
            .map(|(i, a)| AuditorInfo {
                account: a.account,
                index: i as u8 + 1,
                encryption_key: EncryptionKey(a.encryptionKey.0),
            })
            .collect();
        Ok(AuditorSet { epoch, threshold, auditors })
    }
    fn identity_of(&mut self, borrower: Address) -> Result<Option<IdentityCommitment>> {
        let r = self.protocol.identity_escrow.identity_of(self.chain, borrower).map_err(chain_err)?;
        Ok((r.epoch != 0).then_some(IdentityCommitment {
            identity_tag: r.identityTag,
            identity_hash: r.identityHash,
            escrow_digest: r.escrowDigest,
            epoch: r.epoch,
        }))
    }
    fn register(
        &mut self,
        notary: Address,
        borrower: Address,
        fico: u16,
        c: &IdentityCommitment,
        attributes: B256,
    ) -> Result<()> {
        let now = self.now()?;
        let record = IdentityRecord {
            identityTag: c.identity_tag,
            identityHash: c.identity_hash,
            escrowDigest: c.escrow_digest,
            attributesCommitment: attributes,
            epoch: c.epoch,
        };
        self.protocol
            .bureau
            .init_score_ledger(self.chain, notary, borrower, u64::from(fico), now, record)
            .map_err(chain_err)?;
        Ok(())
    }
    fn defaults_since(&mut self, from_block: u64) -> Result<(Vec<ConfirmedDefault>, u64)> {
        let latest = self.chain.block_number().map_err(chain_err)?;
        let events = self.protocol.bureau.defaults_since(self.chain, from_block).map_err(chain_err)?;
        Ok((
            events
                .into_iter()
                .map(|(block, e)| ConfirmedDefault { block, loan: e.loan, borrower: e.borrower })
                .collect(),
            latest,
        ))
    }
    fn is_defaulted(&mut self, loan: Address, borrower: Address) -> Result<bool> {
        Ok(Loan { address: loan, asset: Address::ZERO }
            .borrower_position(self.chain, borrower)
            .map_err(chain_err)?
            .defaulted)
    }
    fn lenders_of(&mut self, loan: Address) -> Result<Vec<Address>> {
        Loan { address: loan, asset: Address::ZERO }.lenders(self.chain).map_err(chain_err)
    }
    fn encryption_key_of(&mut self, account: Address) -> Result<Option<EncryptionKey>> {
        let key = self.protocol.identity_escrow.encryption_key_of(self.chain, account).map_err(chain_err)?;
        Ok((key != B256::ZERO).then_some(EncryptionKey(key.0)))
    }
    fn release_shares(
        &mut self,
        auditor: Address,
        loan: Address,
        borrower: Address,
        releases: Vec<(Address, Vec<u8>)>,
    ) -> Result<()> {
        let (lenders, sealed): (Vec<_>, Vec<_>) = releases.into_iter().map(|(l, s)| (l, Bytes::from(s))).unzip();
        self.protocol
            .identity_escrow
            .release_shares(self.chain, auditor, loan, borrower, lenders, sealed)
            .map_err(chain_err)?;
        Ok(())
    }
    fn released_to(&mut self, loan: Address, borrower: Address, lender: Address) -> Result<Vec<ReleasedCiphertext>> {
        let events =
            self.protocol.identity_escrow.released_shares(self.chain, loan, borrower, lender).map_err(chain_err)?;
        Ok(events
            .into_iter()
            .map(|e| ReleasedCiphertext { auditor_index: e.auditorIndex, sealed: e.sealedShare.to_vec() })
            .collect())
    }
}

/// Auditors reached directly (the services reach them over HTTP); `down` ones refuse.
struct Direct<'a> {
    auditors: &'a HashMap<Address, Auditor>,
    chain: *mut EmbeddedChain,
    protocol: Protocol,
    down: Vec<Address>,
}

impl Courier for Direct<'_> {
    fn deliver(&mut self, auditor: &AuditorInfo, message: &Signed) -> Result<()> {
        if self.down.contains(&auditor.account) {
            return Err(Error::Refused { reason: "connection refused".into() });
        }
        // SAFETY-free alternative would thread the chain through; the test is single-threaded and the
        // notary does not touch the chain while delivering.
        let chain = unsafe { &mut *self.chain };
        let mut registry = ChainRegistry { chain, protocol: self.protocol };
        self.auditors[&auditor.account].receive(&mut registry, message)
    }
}

fn signer(byte: u8) -> PrivateKeySigner {
    PrivateKeySigner::from_bytes(&B256::repeat_byte(byte)).unwrap()
}

#[test]
fn register_default_reveal_and_every_refusal() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = StdRng::seed_from_u64(7);
    let mut chain = EmbeddedChain::new();
    let owner = signer(1).address();
    let protocol = Protocol::deploy(&mut chain, owner).unwrap();
    let notary_key = signer(2);
    protocol.bureau.add_notary(&mut chain, owner, notary_key.address()).unwrap();
    let notary = Notary::new(
        notary_key,
        TagKey::random(&mut rng),
        NotaryStore::open(&dir.path().join("notary.sqlite")).unwrap(),
    );

    let auditors: HashMap<Address, Auditor> = (0..3u8)
        .map(|i| {
            let a = Auditor::new(
                signer(0x10 + i),
                AuditorStore::open(&dir.path().join(format!("auditor{i}.sqlite"))).unwrap(),
            );
            (a.address(), a)
        })
        .collect();
    let mut listed: Vec<&Auditor> = auditors.values().collect();
    listed.sort_by_key(|a| a.address());
    let set = listed
        .iter()
        .map(|a| OnChainAuditor { account: a.address(), encryptionKey: B256::from(a.encryption_key().0) })
        .collect();
    protocol.identity_escrow.set_auditors(&mut chain, owner, set, 2).unwrap();

    let borrower = signer(0x20);
    let chain_ptr: *mut EmbeddedChain = &mut chain;
    let mut courier = Direct { auditors: &auditors, chain: chain_ptr, protocol, down: vec![] };
    let now = chain.timestamp().unwrap();
    let domain = (protocol.chain_id, protocol.identity_escrow.address);
    let registration = |who: &PrivateKeySigner, id: &str, now| Registration {
        national_id: id.into(),
        attributes_commitment: None,
        request: sign_request(who, notary.address(), 720, now, domain).unwrap(),
    };
    let fico_ok = |f: u16| (300..=850).contains(&f);

    // An unreachable auditor: nothing registered, and a retry succeeds.
    courier.down = vec![listed[2].address()];
    let first = notary.register(
        &mut ChainRegistry { chain: unsafe { &mut *chain_ptr }, protocol },
        &mut courier,
        &registration(&borrower, "078-05-1120", now),
        fico_ok,
        &mut rng,
    );
    assert!(first.unwrap_err().to_string().contains("nothing was registered"));
    assert!(protocol.bureau.verify_unused_address(&mut chain, borrower.address()).is_ok());
    courier.down.clear();
    notary
        .register(
            &mut ChainRegistry { chain: unsafe { &mut *chain_ptr }, protocol },
            &mut courier,
            &registration(&borrower, "078-05-1120", now),
            fico_ok,
            &mut rng,
        )
        .unwrap();

    // The same identity behind a fresh address is refused before anything is sent.
    let again = notary.register(
        &mut ChainRegistry { chain: unsafe { &mut *chain_ptr }, protocol },
        &mut courier,
        &registration(&signer(0x21), "078-05-1120", now),
        fico_ok,
        &mut rng,
    );
    assert!(again.unwrap_err().to_string().contains("already registered address"));

    // The notary's store holds no identifier and no share.
    let bytes = std::fs::read(dir.path().join("notary.sqlite")).unwrap();
    let wal = std::fs::read(dir.path().join("notary.sqlite-wal")).unwrap_or_default();
    for haystack in [&bytes, &wal] {
        assert!(!haystack.windows(11).any(|w| w == b"078-05-1120"), "identifier in the notary's store");
    }

    // A loan the borrower defaults on; LENDER_A has a key, the stranger invests nothing.
    let (lender_a, stranger) = (signer(0x30), signer(0x31));
    for who in [&borrower, &lender_a] {
        chain.set_balance(who.address(), whole(100)).unwrap();
    }
    chain.set_balance(owner, whole(100)).unwrap();
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
    };
    let loan = protocol.bureau.create_loan(&mut chain, owner, terms).unwrap().value;
    loan.invest(&mut chain, lender_a.address(), whole(10)).unwrap();
    loan.borrow(&mut chain, borrower.address(), whole(10)).unwrap();
    loan.disburse(&mut chain, borrower.address()).unwrap();
    let lender_key = DecryptionKey::derive(lender_a.to_bytes().as_slice());
    protocol
        .identity_escrow
        .set_encryption_key(&mut chain, lender_a.address(), B256::from(lender_key.public().0))
        .unwrap();

    // Before the default: auditors release nothing, the lender learns nothing.
    for a in &listed {
        let report = a.release_pass(&mut ChainRegistry { chain: &mut chain, protocol }, &mut rng).unwrap();
        assert!(report.released.is_empty());
    }
    assert!(
        lender::reveal(
            &mut ChainRegistry { chain: &mut chain, protocol },
            &lender_key,
            lender_a.address(),
            loan.address,
            borrower.address()
        )
        .is_err()
    );

    chain.advance_time(40 * 86_400).unwrap();
    protocol.bureau.report_default(&mut chain, owner, loan.address, borrower.address()).unwrap();
    // Two of three auditors answer (one is down): enough.
    for a in &listed[..2] {
        let report = a.release_pass(&mut ChainRegistry { chain: &mut chain, protocol }, &mut rng).unwrap();
        assert_eq!(report.released, vec![(loan.address, borrower.address(), vec![lender_a.address()])]);
        let again = a.release_pass(&mut ChainRegistry { chain: &mut chain, protocol }, &mut rng).unwrap();
        assert!(again.released.is_empty(), "released once");
    }
    let identity = lender::reveal(
        &mut ChainRegistry { chain: &mut chain, protocol },
        &lender_key,
        lender_a.address(),
        loan.address,
        borrower.address(),
    )
    .unwrap();
    assert_eq!(identity.expose(), "078-05-1120");
    // A stranger's key opens nothing, and nothing was released to the stranger.
    let stranger_key = DecryptionKey::derive(stranger.to_bytes().as_slice());
    assert!(
        lender::reveal(
            &mut ChainRegistry { chain: &mut chain, protocol },
            &stranger_key,
            stranger.address(),
            loan.address,
            borrower.address()
        )
        .is_err()
    );
    assert!(
        lender::reveal(
            &mut ChainRegistry { chain: &mut chain, protocol },
            &stranger_key,
            lender_a.address(),
            loan.address,
            borrower.address()
        )
        .is_err()
    );
    let _ = U256::ZERO;
}
