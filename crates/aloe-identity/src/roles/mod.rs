//! The three parties, each with its own store, talking to the chain through [`Registry`].
//!
//! - [`notary`]: takes a registration, checks it against the chain, splits, delivers to every auditor,
//!   then registers on-chain; keeps no identifier and no share.
//! - [`auditor`]: checks and stores deliveries (shares stay encrypted to its key), watches the chain for
//!   confirmed defaults and releases its share to the lenders of the defaulted loan.
//! - [`lender`]: fetches its released shares, verifies and reconstructs.

pub mod auditor;
pub mod lender;
pub mod notary;

use alloy_primitives::{Address, B256};

use crate::{
    Result,
    encryption::EncryptionKey,
    escrow::{AuditorSet, IdentityCommitment},
};

/// A default the bureau confirmed (its `DefaultConfirmed` event).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConfirmedDefault {
    /// The block it was confirmed in.
    pub block: u64,
    /// The loan.
    pub loan: Address,
    /// The borrower.
    pub borrower: Address,
}

/// A share an auditor released (the escrow's `ShareReleased` event).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReleasedCiphertext {
    /// The releasing auditor's index.
    pub auditor_index: u8,
    /// The ciphertext, encrypted to the lender.
    pub sealed: Vec<u8>,
}

/// What the parties read from and write to the chain (the bureau and its identity escrow). Implemented
/// over `aloe-contracts` by the services; errors come back as [`crate::Error::Chain`] with the
/// contract's decoded reason.
pub trait Registry {
    /// The chain id and the escrow's address: the EIP-712 domain of every message.
    fn domain(&mut self) -> Result<(u64, Address)>;
    /// The chain's current time.
    fn now(&mut self) -> Result<u64>;
    /// Whether the bureau lists `account` as a notary.
    fn is_notary(&mut self, account: Address) -> Result<bool>;
    /// Whether `borrower` was ever registered.
    fn is_registered(&mut self, borrower: Address) -> Result<bool>;
    /// The borrower registered under `tag`, if any.
    fn borrower_of_tag(&mut self, tag: B256) -> Result<Option<Address>>;
    /// The current auditor set.
    fn current_auditor_set(&mut self) -> Result<AuditorSet>;
    /// `borrower`'s on-chain identity commitment, if registered.
    fn identity_of(&mut self, borrower: Address) -> Result<Option<IdentityCommitment>>;
    /// `notary` registers `borrower` (initScoreLedger with the identity commitment).
    fn register(
        &mut self,
        notary: Address,
        borrower: Address,
        fico_score: u16,
        commitment: &IdentityCommitment,
        attributes_commitment: B256,
    ) -> Result<()>;
    /// Defaults confirmed from `from_block` on, and the latest block searched.
    fn defaults_since(&mut self, from_block: u64) -> Result<(Vec<ConfirmedDefault>, u64)>;
    /// Whether the bureau confirmed `borrower`'s default on `loan` (the loan's own state).
    fn is_defaulted(&mut self, loan: Address, borrower: Address) -> Result<bool>;
    /// The accounts that invested in `loan`.
    fn lenders_of(&mut self, loan: Address) -> Result<Vec<Address>>;
    /// `account`'s registered X25519 key, if any.
    fn encryption_key_of(&mut self, account: Address) -> Result<Option<EncryptionKey>>;
    /// `auditor` releases to each listed lender its ciphertext.
    fn release_shares(
        &mut self,
        auditor: Address,
        loan: Address,
        borrower: Address,
        releases: Vec<(Address, Vec<u8>)>,
    ) -> Result<()>;
    /// The shares released to `lender` for `borrower`'s default on `loan`.
    fn released_to(&mut self, loan: Address, borrower: Address, lender: Address) -> Result<Vec<ReleasedCiphertext>>;
}
