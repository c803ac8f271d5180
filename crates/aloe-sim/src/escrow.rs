//! The identity escrow of the simulated market (issue 9): the real notary and auditors of `aloe-identity`
//! in this process, as `aloe demo`'s walkthrough runs them once, here for every borrower.
//!
//! [`IdentityDesk`] holds the notary and the auditors, each with its own SQLite store and its own
//! [`ChainRegistry`] over a clone of one [`SharedChain`] (separate services would each hold their own
//! connection); the notary reaches the auditors through [`InProcessCourier`]. A borrower registers with
//! an EIP-712 request signed by its own key; after `reportDefault` the auditors' release pass re-encrypts
//! their shares to the defaulted loan's lenders, who reconstruct the identifier. Every random draw (keys,
//! the notaries' tag key, splits, encryptions) comes from one `StdRng` seeded once, so the same seed and
//! the same calls give the same chain.

use std::collections::BTreeSet;
use std::path::Path;

use alloy::signers::local::PrivateKeySigner;
use alloy_primitives::{Address, B256, U256};
use aloe_chain::{Chain, SharedChain};
use aloe_contracts::{Auditor as ListedAuditor, Protocol};
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
use aloe_server::{
    Error as ServerError, attributes::PoseidonCommitter, in_process::InProcessCourier, notary::FICO_RANGE,
    registry::ChainRegistry,
};
use rand::{SeedableRng, rngs::StdRng};

/// What the desk could not do, and why (the escrow's, the chain's or a store's error). The cause is boxed:
/// `aloe_server::Error` is large, and the simulation passes results around on every call.
#[derive(Debug, thiserror::Error)]
#[error("{what}: {source}")]
pub struct DeskError {
    /// What was being done ("registering 0x…", "revealing 0x…'s identity for 0x…").
    pub what: String,
    /// Why it failed; an `aloe_identity::Error::Refused` inside is a refusal (a duplicate identity, a
    /// FICO outside 300..=850, nothing released to this lender), anything else a failure.
    #[source]
    pub source: Box<ServerError>,
}

/// A cause, boxed where it occurs (so that `?` works inside the desk's steps), until named by [`failed`].
struct Boxed(Box<ServerError>);

impl<E: Into<ServerError>> From<E> for Boxed {
    fn from(error: E) -> Self {
        Self(Box::new(error.into()))
    }
}

/// Names what failed (a cause boxed already, or any the escrow's parties return).
fn failed<E: Into<Boxed>>(what: impl Into<String>) -> impl FnOnce(E) -> DeskError {
    move |error| DeskError { what: what.into(), source: error.into().0 }
}

/// What each auditor is given for gas: its release transactions must never run dry, on any chain.
fn auditor_allowance() -> U256 {
    U256::from(10u64).pow(U256::from(30))
}

/// The notary and the auditors of the simulated market, with the lenders' side of a reveal.
pub struct IdentityDesk {
    chain: SharedChain,
    protocol: Protocol,
    notary: Notary,
    notary_registry: ChainRegistry,
    courier: InProcessCourier,
    /// Lenders whose encryption key is on-chain.
    published: BTreeSet<Address>,
    rng: StdRng,
}

impl std::fmt::Debug for IdentityDesk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdentityDesk")
            .field("notary", &self.notary.address())
            .field("auditors", &self.courier.auditors.len())
            .field("lenders_with_keys", &self.published.len())
            .finish()
    }
}

impl IdentityDesk {
    /// Lists `auditors` auditors (threshold `threshold`) with fresh seeded keys in the escrow, lists the
    /// notary, and opens the parties' SQLite stores under `dir`. `owner` governs `protocol`; the auditors
    /// are funded for their release transactions, the notary's account is the caller's to fund.
    #[allow(clippy::too_many_arguments)] // the simulation's one constructor, each argument a different role
    pub fn new(
        chain: &SharedChain,
        protocol: Protocol,
        owner: Address,
        notary: PrivateKeySigner,
        auditors: usize,
        threshold: u8,
        dir: &Path,
        seed: u64,
    ) -> Result<Self, DeskError> {
        Self::open(chain, protocol, owner, notary, auditors, threshold, dir, seed)
            .map_err(failed(format!("opening the identity escrow ({auditors} auditors, any {threshold})")))
    }

    #[allow(clippy::too_many_arguments)] // `new`'s
    fn open(
        chain: &SharedChain,
        protocol: Protocol,
        owner: Address,
        notary: PrivateKeySigner,
        auditors: usize,
        threshold: u8,
        dir: &Path,
        seed: u64,
    ) -> Result<Self, Boxed> {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut owner_chain = chain.clone();
        let registry = || ChainRegistry::new(Box::new(chain.clone()), protocol);

        let auditors: Vec<(Auditor, ChainRegistry)> = (1..=auditors)
            .map(|i| {
                let key = crate::agents::signer("auditor", i);
                owner_chain.set_balance(key.address(), auditor_allowance())?;
                let store = AuditorStore::open(&dir.join(format!("auditor{i}.sqlite")))?;
                Ok((Auditor::new(key, store), registry()))
            })
            .collect::<Result<_, Boxed>>()?;
        let listed = auditors
            .iter()
            .map(|(auditor, _)| ListedAuditor {
                account: auditor.address(),
                encryptionKey: B256::from(auditor.encryption_key().0),
            })
            .collect();
        protocol.identity_escrow.set_auditors(&mut owner_chain, owner, listed, threshold)?;
        // Listing twice reverts (AlreadyNotary); a notary the market listed already is simply kept.
        if !protocol.bureau.is_notary(&mut owner_chain, notary.address())? {
            protocol.bureau.add_notary(&mut owner_chain, owner, notary.address())?;
        }
        let notary = Notary::new(notary, TagKey::random(&mut rng), NotaryStore::open(&dir.join("notary.sqlite"))?)
            .with_committer(Box::new(PoseidonCommitter));
        Ok(Self {
            chain: chain.clone(),
            protocol,
            notary,
            notary_registry: registry(),
            courier: InProcessCourier { auditors, offline: Vec::new() },
            published: BTreeSet::new(),
            rng,
        })
    }

    /// The notary's account.
    pub fn notary(&self) -> Address {
        self.notary.address()
    }

    /// The auditors' accounts, in their order in the escrow's set.
    pub fn auditors(&self) -> Vec<Address> {
        self.courier.auditors.iter().map(|(auditor, _)| auditor.address()).collect()
    }

    /// Registers `borrower` with `fico` and the national identifier `national_id` through the notary
    /// (EIP-712 request signed by the borrower's key, checks, Feldman split, deliveries to every auditor,
    /// initScoreLedger), with the Poseidon commitment to its credit-model `attributes` if it brings them. The
    /// request is issued at the chain's current time, so it is fresh however far the simulation has moved
    /// the clock.
    pub fn register(
        &mut self,
        borrower: &PrivateKeySigner,
        fico: u16,
        national_id: &str,
        attributes: Option<ModelAttributes>,
    ) -> Result<(), DeskError> {
        self.try_register(borrower, fico, national_id, attributes)
            .map_err(failed(format!("registering {} (FICO {fico})", borrower.address())))
    }

    fn try_register(
        &mut self,
        borrower: &PrivateKeySigner,
        fico: u16,
        national_id: &str,
        attributes: Option<ModelAttributes>,
    ) -> Result<(), Boxed> {
        let domain = self.notary_registry.domain()?;
        let issued_at = self.notary_registry.now()?;
        let request = sign_request(borrower, self.notary.address(), fico, issued_at, domain)?;
        let registration = Registration { national_id: national_id.to_owned(), request, attributes };
        self.notary.register(
            &mut self.notary_registry,
            &mut self.courier,
            &registration,
            |f| FICO_RANGE.contains(&f),
            &mut self.rng,
        )?;
        Ok(())
    }

    /// `lender` publishes its encryption key (once per lender, before it invests, so releases can reach
    /// it); later calls for the same lender send nothing.
    pub fn set_lender_key(&mut self, lender: &PrivateKeySigner) -> Result<(), DeskError> {
        if self.published.contains(&lender.address()) {
            return Ok(());
        }
        let key = DecryptionKey::derive(lender.to_bytes().as_slice()).public();
        let mut registry = self.lender_registry();
        self.protocol
            .identity_escrow
            .set_encryption_key(registry.chain(), lender.address(), B256::from(key.0))
            .map_err(failed(format!("publishing {}'s encryption key", lender.address())))?;
        self.published.insert(lender.address());
        Ok(())
    }

    /// Every auditor runs its release pass (shares of confirmed defaults re-encrypted to those loans'
    /// lenders); returns how many ShareReleased events that made (one per auditor and lender served).
    pub fn release_pass(&mut self) -> Result<usize, DeskError> {
        let mut released = 0;
        for (auditor, registry) in &mut self.courier.auditors {
            let report = auditor
                .release_pass(registry, &mut self.rng)
                .map_err(failed(format!("auditor {}'s release pass", auditor.address())))?;
            released += report.released.iter().map(|(_, _, lenders)| lenders.len()).sum::<usize>();
        }
        Ok(released)
    }

    /// `lender` reconstructs `borrower`'s identifier from the shares released for `loan`.
    pub fn reveal(&mut self, lender: &PrivateKeySigner, loan: Address, borrower: Address) -> Result<String, DeskError> {
        let key = DecryptionKey::derive(lender.to_bytes().as_slice());
        let identifier = lender::reveal(&mut self.lender_registry(), &key, lender.address(), loan, borrower)
            .map_err(failed(format!("{} revealing {borrower}'s identity for loan {loan}", lender.address())))?;
        Ok(identifier.expose().to_owned())
    }

    /// A lender's own view of the chain (a lender is a separate party, as the notary and auditors are).
    fn lender_registry(&self) -> ChainRegistry {
        ChainRegistry::new(Box::new(self.chain.clone()), self.protocol)
    }
}
