//! The IdentityEscrow handle: auditor sets, identity records, encryption keys and the share hand-over.

use alloy_primitives::{Address, B256, Bytes, U256};
use alloy_sol_types::{SolCall, SolEvent, SolValue};
use aloe_chain::{Chain, LogFilter};

use crate::{
    Result, Sent,
    bindings::IdentityEscrow as abi,
    tx::{deploy, events, expect_event, send, view},
};

pub use abi::{Auditor, ShareReleased};

use crate::IdentityRecord;

const NAME: &str = "IdentityEscrow";

/// A deployed IdentityEscrow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct IdentityEscrow {
    /// Its address.
    pub address: Address,
}

impl IdentityEscrow {
    /// Deploys an escrow for `bureau`, owned by `owner` (the bureau must then be pointed at it).
    pub fn deploy(chain: &mut dyn Chain, owner: Address, bureau: Address) -> Result<Sent<Self>> {
        let mut code = crate::artifacts::IDENTITY_ESCROW.bytecode.to_vec();
        code.extend((owner, bureau).abi_encode_params());
        let sent = deploy(chain, NAME, owner, code)?;
        Ok(Sent { value: Self { address: sent.value }, receipt: sent.receipt })
    }

    fn send<C: SolCall>(&self, chain: &mut dyn Chain, from: Address, call: C) -> Result<Sent> {
        send(chain, NAME, from, self.address, U256::ZERO, call)
    }

    fn view<C: SolCall>(&self, chain: &mut dyn Chain, call: C) -> Result<C::Return> {
        view(chain, NAME, self.address, call)
    }

    /// Starts a new auditor set (owner only); returns its epoch.
    pub fn set_auditors(
        &self,
        chain: &mut dyn Chain,
        owner: Address,
        auditors: Vec<Auditor>,
        threshold: u8,
    ) -> Result<Sent<u32>> {
        let sent = self.send(chain, owner, abi::setAuditorsCall { auditors, threshold })?;
        let changed = expect_event::<abi::setAuditorsCall, abi::AuditorSetChanged>(&sent.receipt, NAME, self.address)?;
        Ok(Sent { value: changed.epoch, receipt: sent.receipt })
    }

    /// The current auditor set's epoch (0 before the first).
    pub fn current_epoch(&self, chain: &mut dyn Chain) -> Result<u32> {
        self.view(chain, abi::currentEpochCall {})
    }

    /// The auditors and threshold of `epoch`.
    pub fn auditor_set(&self, chain: &mut dyn Chain, epoch: u32) -> Result<(Vec<Auditor>, u8)> {
        let set = self.view(chain, abi::auditorSetCall { epoch })?;
        Ok((set.auditors, set.threshold))
    }

    /// `borrower`'s identity record (zero when unregistered).
    pub fn identity_of(&self, chain: &mut dyn Chain, borrower: Address) -> Result<IdentityRecord> {
        let record = self.view(chain, abi::identityOfCall { borrower })?;
        Ok(IdentityRecord {
            identityTag: record.identityTag,
            identityHash: record.identityHash,
            escrowDigest: record.escrowDigest,
            attributesCommitment: record.attributesCommitment,
            epoch: record.epoch,
        })
    }

    /// The borrower registered with `tag` (zero if none).
    pub fn borrower_of_tag(&self, chain: &mut dyn Chain, tag: B256) -> Result<Address> {
        self.view(chain, abi::borrowerOfTagCall { identityTag: tag })
    }

    /// `account`'s X25519 key (zero if none).
    pub fn encryption_key_of(&self, chain: &mut dyn Chain, account: Address) -> Result<B256> {
        self.view(chain, abi::encryptionKeyOfCall { account })
    }

    /// Sets `account`'s X25519 key.
    pub fn set_encryption_key(&self, chain: &mut dyn Chain, account: Address, key: B256) -> Result<Sent> {
        self.send(chain, account, abi::setEncryptionKeyCall { encryptionKey: key })
    }

    /// `auditor` releases its share of `borrower`'s identity to `lenders` of `loan`, one ciphertext each.
    pub fn release_shares(
        &self,
        chain: &mut dyn Chain,
        auditor: Address,
        loan: Address,
        borrower: Address,
        lenders: Vec<Address>,
        sealed_shares: Vec<Bytes>,
    ) -> Result<Sent> {
        self.send(chain, auditor, abi::releaseSharesCall { loan, borrower, lenders, sealedShares: sealed_shares })
    }

    /// The shares released to `lender` for `borrower`'s default on `loan`, oldest first.
    pub fn released_shares(
        &self,
        chain: &mut dyn Chain,
        loan: Address,
        borrower: Address,
        lender: Address,
    ) -> Result<Vec<ShareReleased>> {
        let filter = LogFilter::event(self.address, ShareReleased::SIGNATURE_HASH)
            .with_topic(1, loan.into_word())
            .with_topic(2, borrower.into_word())
            .with_topic(3, lender.into_word());
        Ok(events::<ShareReleased>(chain, NAME, &filter)?.into_iter().map(|(_, event)| event).collect())
    }
}

/// A stand-in identity record for scenarios that exercise the ledger, not the identity cryptography (the
/// gas table, benchmarks, contract tests): a distinct tag per address. Real records come from
/// `aloe-identity`'s notary.
pub fn stand_in_identity(borrower: Address, epoch: u32) -> IdentityRecord {
    let word = |label: &str| alloy_primitives::keccak256((label.to_owned(), borrower).abi_encode());
    IdentityRecord {
        identityTag: word("tag"),
        identityHash: word("hash"),
        escrowDigest: word("digest"),
        attributesCommitment: B256::ZERO,
        epoch,
    }
}

/// Two stand-in auditors (threshold 2) for the same scenarios.
pub fn stand_in_auditors() -> Vec<Auditor> {
    (1..=2u8)
        .map(|i| Auditor { account: Address::repeat_byte(0xa0 + i), encryptionKey: B256::repeat_byte(i) })
        .collect()
}
