//! An auditor (paper III-A, III-D): accepts a delivery only from a notary the bureau lists, only for its
//! own index in the current set, only if the share verifies, and only once; releases its share only
//! after seeing the default confirmed on-chain, only to that loan's lenders, encrypted to their keys.

use alloy_primitives::Address;
use alloy_signer_local::PrivateKeySigner;
use rand::{CryptoRng, RngCore};

use super::Registry;
use crate::{
    Error, Result,
    encryption::DecryptionKey,
    escrow,
    messages::{self, ShareDelivery, Signed},
    store::{AuditorStore, StoredDelivery},
};

/// How old a delivery may be when it arrives, in seconds (chain time).
pub const DELIVERY_LIFETIME: u64 = 86_400;
/// How long a delivery the chain has not recorded is kept (a registration in flight, or one that failed
/// and was retried with a fresh split): after this it can never become live, so it is deleted.
pub const UNRECORDED_RETENTION: u64 = 7 * 86_400;

/// What one pass over the confirmed defaults did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReleaseReport {
    /// (loan, borrower, lenders served) for each release transaction sent.
    pub released: Vec<(Address, Address, Vec<Address>)>,
    /// Lenders still waiting (no encryption key yet), to retry on the next pass.
    pub waiting: Vec<(Address, Address, Address)>,
    /// Deliveries deleted because the chain never recorded them (see [`UNRECORDED_RETENTION`]).
    pub pruned: usize,
}

/// An auditor: its account, its decryption key (derived from the account key) and its store.
#[derive(Debug)]
pub struct Auditor {
    signer: PrivateKeySigner,
    key: DecryptionKey,
    store: AuditorStore,
}

impl Auditor {
    /// An auditor acting as `signer`, its X25519 key derived from the same secret.
    pub fn new(signer: PrivateKeySigner, store: AuditorStore) -> Self {
        let key = DecryptionKey::derive(signer.to_bytes().as_slice());
        Self { signer, key, store }
    }

    /// Its account.
    pub fn address(&self) -> Address {
        self.signer.address()
    }

    /// Its X25519 public key (what the escrow's auditor set must list).
    pub fn encryption_key(&self) -> crate::encryption::EncryptionKey {
        self.key.public()
    }

    /// Its store.
    pub fn store(&self) -> &AuditorStore {
        &self.store
    }

    /// Checks and stores a delivery. Refuses a forged or foreign signature, a delivery for another auditor
    /// or set, a share that fails the commitments, a stale message, and a replay.
    pub fn receive(&self, registry: &mut dyn Registry, signed: &Signed) -> Result<()> {
        let (chain_id, escrow_address) = registry.domain()?;
        let (delivery, notary) =
            signed.open::<ShareDelivery>("share delivery", &messages::domain(chain_id, escrow_address))?;
        if !registry.is_notary(notary)? {
            return Err(Error::BadSignature { reason: format!("signed by {notary}, not a notary of the bureau") });
        }
        let now = registry.now()?;
        if delivery.issuedAt > now + 300 || delivery.issuedAt + DELIVERY_LIFETIME < now {
            return Err(Error::refused(format!("delivery issued at {}, chain time is {now}", delivery.issuedAt)));
        }
        let borrower = delivery.package.borrower;
        if self.store.has_delivery(borrower, delivery.registrationId)? {
            return Err(Error::refused("replayed: this delivery was already received"));
        }
        if registry.identity_of(borrower)?.is_some() {
            return Err(Error::refused(format!("{borrower} is already registered")));
        }
        let set = registry.current_auditor_set()?;
        let me = set
            .auditors
            .iter()
            .find(|auditor| auditor.account == self.address())
            .ok_or_else(|| Error::refused("this auditor is not in the current set"))?;
        let digest = escrow::check_delivery(&delivery, me, &set, &self.key)?;
        let stored = StoredDelivery {
            signed_json: serde_json::to_string(signed).map_err(|e| Error::malformed("delivery", e))?,
            notary,
        };
        if !self.store.insert_delivery(borrower, delivery.registrationId, digest, &stored, now)? {
            return Err(Error::refused("replayed: this delivery was already received"));
        }
        Ok(())
    }

    /// Deletes the deliveries older than [`UNRECORDED_RETENTION`] whose digest is not the one the chain
    /// recorded for their borrower: shares of splits that never became live are not kept.
    pub fn prune(&self, registry: &mut dyn Registry) -> Result<usize> {
        let now = registry.now()?;
        let mut pruned = 0;
        for (borrower, registration_id, digest) in
            self.store.unrecorded_before(now.saturating_sub(UNRECORDED_RETENTION))?
        {
            if registry.identity_of(borrower)?.is_some_and(|record| record.escrow_digest == digest) {
                self.store.mark_recorded(borrower, registration_id)?;
            } else {
                self.store.delete_delivery(borrower, registration_id)?;
                pruned += 1;
            }
        }
        Ok(pruned)
    }

    /// Scans the chain for confirmed defaults since the last pass and releases this auditor's share to
    /// every lender of each defaulted loan that has a key and was not served yet.
    pub fn release_pass(
        &self,
        registry: &mut dyn Registry,
        rng: &mut (impl RngCore + CryptoRng),
    ) -> Result<ReleaseReport> {
        let (defaults, latest) = registry.defaults_since(self.store.cursor()?)?;
        for default in defaults {
            self.store.add_default(default.loan, default.borrower, default.block)?;
        }
        self.store.set_cursor(latest + 1)?;

        let mut report = ReleaseReport { pruned: self.prune(registry)?, ..ReleaseReport::default() };
        let (chain_id, escrow_address) = registry.domain()?;
        let domain = messages::domain(chain_id, escrow_address);
        for (loan, borrower) in self.store.pending_defaults()? {
            // Registered borrowers only; and this auditor may hold no share of them (another set's epoch).
            let held = match registry.identity_of(borrower)? {
                Some(identity) => self.store.delivery_for(borrower, identity.escrow_digest)?,
                None => None,
            };
            let Some(signed_json) = held else {
                self.store.mark_default_served(loan, borrower)?;
                continue;
            };
            // The event is chain data, but the decision rests on the loan's state, read here.
            if !registry.is_defaulted(loan, borrower)? {
                continue;
            }
            let signed: Signed =
                serde_json::from_str(&signed_json).map_err(|e| Error::malformed("stored delivery", e))?;
            let (delivery, _) = signed.open::<ShareDelivery>("stored delivery", &domain)?;
            let mut releases = Vec::new();
            let mut waiting = false;
            for lender in registry.lenders_of(loan)? {
                if self.store.released(loan, borrower, lender)? {
                    continue;
                }
                match registry.encryption_key_of(lender)? {
                    Some(key) => releases
                        .push((lender, escrow::release_to_lender(&delivery, &self.key, loan, lender, &key, rng)?)),
                    None => {
                        waiting = true;
                        report.waiting.push((loan, borrower, lender));
                    }
                }
            }
            if !releases.is_empty() {
                let lenders: Vec<Address> = releases.iter().map(|(lender, _)| *lender).collect();
                registry.release_shares(self.address(), loan, borrower, releases)?;
                self.store.mark_released(loan, borrower, &lenders)?;
                report.released.push((loan, borrower, lenders));
            }
            // A defaulted loan is funded, so its lenders are final: once all are served, it is done.
            if !waiting {
                self.store.mark_default_served(loan, borrower)?;
            }
        }
        Ok(report)
    }
}
