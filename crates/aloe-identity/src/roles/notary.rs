//! The notary (paper III-A): checks a registration, splits the identity, delivers a signed share to every
//! auditor, then registers the borrower on-chain. If an auditor is unreachable nothing goes on-chain and
//! the registration can simply be retried (a fresh split; auditors ignore deliveries the chain never
//! recorded). Afterwards the notary holds nothing but a log line.

use alloy_primitives::{Address, B256};
use alloy_signer_local::PrivateKeySigner;
use rand::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};

use super::Registry;
use crate::{
    Error, Result,
    escrow::{self, AuditorInfo},
    identity::{NationalId, TagKey},
    messages::{self, RegistrationRequest, Signed},
    store::NotaryStore,
};

/// How long a borrower's signed request stays valid, in seconds (chain time).
pub const REQUEST_LIFETIME: u64 = 3_600;

/// A registration as the borrower submits it.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Registration {
    /// The national identifier (sent over TLS to the notary only).
    pub national_id: String,
    /// The [`RegistrationRequest`], signed by the borrower's address.
    pub request: Signed,
    /// The credit model's attributes, for private loan decisions; without them the chain records no
    /// attributes commitment and the borrower cannot prove a model's approval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<ModelAttributes>,
}

/// The credit model's attributes as the borrower submits them with a registration: the 20 attributes
/// in the UCI coding and the salt of their commitment (the borrower keeps both to prove with later).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ModelAttributes {
    /// `A11 6 A34 ...`: the 20 attributes, space separated.
    pub uci: String,
    /// The salt, 32-byte hex.
    pub salt: String,
}

/// Computes the attributes commitment the chain stores, over attributes the notary has checked against
/// its evidence (the services commit with `aloe-zk`'s Poseidon commitment). An error refuses the
/// registration before anything is split or sent.
pub trait AttributesCommitter: Send {
    /// The commitment of `attributes`, or why they are refused.
    fn commit(&self, attributes: &ModelAttributes) -> std::result::Result<B256, String>;
}

/// Sends a signed delivery to one auditor (HTTP in the services, direct calls in tests).
pub trait Courier {
    /// Delivers `message` to `auditor`; an error if it did not accept it.
    fn deliver(&mut self, auditor: &AuditorInfo, message: &Signed) -> Result<()>;
}

/// A registered borrower.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Registered {
    /// The address.
    pub borrower: Address,
    /// The auditor set holding the shares.
    pub epoch: u32,
}

/// A notary: its signing account, the notaries' tag key, its log, and what commits model attributes.
pub struct Notary {
    signer: PrivateKeySigner,
    tag_key: TagKey,
    store: NotaryStore,
    committer: Option<Box<dyn AttributesCommitter>>,
}

impl std::fmt::Debug for Notary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Notary")
            .field("address", &self.address())
            .field("commits_attributes", &self.committer.is_some())
            .finish()
    }
}

impl Notary {
    /// A notary signing with `signer` (an account the bureau lists); it refuses model attributes until
    /// given a committer ([`Notary::with_committer`]).
    pub fn new(signer: PrivateKeySigner, tag_key: TagKey, store: NotaryStore) -> Self {
        Self { signer, tag_key, store, committer: None }
    }

    /// The same notary, committing model attributes with `committer`.
    pub fn with_committer(mut self, committer: Box<dyn AttributesCommitter>) -> Self {
        self.committer = Some(committer);
        self
    }

    /// Its account.
    pub fn address(&self) -> Address {
        self.signer.address()
    }

    /// Its log.
    pub fn store(&self) -> &NotaryStore {
        &self.store
    }

    /// Registers a borrower: every check first, then the deliveries, then the chain.
    pub fn register(
        &self,
        registry: &mut dyn Registry,
        courier: &mut dyn Courier,
        registration: &Registration,
        fico_score_check: impl Fn(u16) -> bool,
        rng: &mut (impl RngCore + CryptoRng),
    ) -> Result<Registered> {
        let (chain_id, escrow_address) = registry.domain()?;
        let domain = messages::domain(chain_id, escrow_address);
        let (request, signer) = registration.request.open::<RegistrationRequest>("registration request", &domain)?;
        if signer != request.borrower {
            return Err(Error::BadSignature { reason: format!("signed by {signer}, not by {}", request.borrower) });
        }
        if request.notary != self.address() {
            return Err(Error::refused(format!("addressed to notary {}, not {}", request.notary, self.address())));
        }
        let now = registry.now()?;
        if request.issuedAt > now + 300 || request.issuedAt + REQUEST_LIFETIME < now {
            return Err(Error::refused(format!("request issued at {}, chain time is {now}", request.issuedAt)));
        }
        if !fico_score_check(request.ficoScore) {
            return Err(Error::refused(format!("FICO score {} outside 300..=850", request.ficoScore)));
        }
        let attributes_commitment = match (&registration.attributes, &self.committer) {
            (None, _) => B256::ZERO,
            (Some(_), None) => return Err(Error::refused("this notary does not commit model attributes")),
            (Some(attributes), Some(committer)) => committer
                .commit(attributes)
                .map_err(|reason| Error::refused(format!("model attributes refused: {reason}")))?,
        };
        let identifier = NationalId::new(registration.national_id.clone())?;
        if !registry.is_notary(self.address())? {
            return Err(Error::refused(format!("{} is not a notary of the bureau", self.address())));
        }
        if registry.is_registered(request.borrower)? {
            return Err(Error::refused(format!("{} is already registered", request.borrower)));
        }
        let tag = self.tag_key.tag(&identifier);
        // The refusal names no address: whoever submits an identifier must not learn where it is registered.
        if registry.borrower_of_tag(tag)?.is_some() {
            return Err(Error::refused("this identity is already registered to another address"));
        }

        let set = registry.current_auditor_set()?;
        let escrow = escrow::create(request.borrower, &identifier, &self.tag_key, &set, now, rng)?;
        drop(identifier);
        for (auditor, delivery) in set.auditors.iter().zip(&escrow.deliveries) {
            let signed = Signed::sign(delivery, &domain, &self.signer)?;
            if let Err(error) = courier.deliver(auditor, &signed) {
                let detail = format!("auditor {} ({}) did not accept: {error}", auditor.index, auditor.account);
                self.store.log(request.borrower, "failed", &detail, now)?;
                return Err(Error::refused(format!("{detail}; nothing was registered, retry")));
            }
        }
        // The attributes commitment is the notary's, over attributes it checked: the private-decision
        // proof binds to it, so a borrower-supplied commitment would prove nothing.
        if let Err(error) = registry.register(
            self.address(),
            request.borrower,
            request.ficoScore,
            &escrow.commitment,
            attributes_commitment,
        ) {
            self.store.log(request.borrower, "failed", &format!("chain refused: {error}"), now)?;
            return Err(error);
        }
        self.store.log(request.borrower, "registered", &format!("epoch {}", set.epoch), now)?;
        Ok(Registered { borrower: request.borrower, epoch: set.epoch })
    }
}

/// The borrower's side: a signed request to `notary` (the key is the borrower's address key).
pub fn sign_request(
    borrower: &PrivateKeySigner,
    notary: Address,
    fico_score: u16,
    issued_at: u64,
    domain: (u64, Address),
) -> Result<Signed> {
    let request =
        RegistrationRequest { borrower: borrower.address(), notary, ficoScore: fico_score, issuedAt: issued_at };
    Signed::sign(&request, &messages::domain(domain.0, domain.1), borrower)
}
