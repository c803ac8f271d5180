//! The parties' pure steps: the notary splits, each auditor checks its delivery and later re-encrypts
//! its share for a lender, the lender reconstructs. Chain facts (the auditor set, the on-chain record)
//! come in as arguments; the roles that fetch them live with the services.

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::SolValue;
use rand::{CryptoRng, RngCore};

use crate::{
    Error, Result,
    encryption::{DecryptionKey, EncryptionKey},
    identity::{EscrowSecret, NationalId, TagKey},
    messages::{EscrowPackage, ReleasedShare, ShareDelivery, SharePlaintext, decode_canonical},
    sharing::{self, Commitments, Share},
};

const SHARE_TO_AUDITOR: &[u8] = b"aloe/share-to-auditor/v1";
const SHARE_TO_LENDER: &[u8] = b"aloe/share-to-lender/v1";

/// One auditor of a set, as the escrow contract lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditorInfo {
    /// Its account (it sends the hand-over transactions).
    pub account: Address,
    /// Its 1-based index in the set: the x of its share.
    pub index: u8,
    /// Its X25519 key.
    pub encryption_key: EncryptionKey,
}

/// An auditor set (one epoch of the escrow contract).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditorSet {
    /// The epoch.
    pub epoch: u32,
    /// Shares needed to reconstruct.
    pub threshold: u8,
    /// The auditors, by index.
    pub auditors: Vec<AuditorInfo>,
}

/// What the chain records about a borrower's identity (the escrow contract's `IdentityRecord`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IdentityCommitment {
    /// The keyed tag (one identity, one address).
    pub identity_tag: B256,
    /// keccak256(salt ‖ identifier).
    pub identity_hash: B256,
    /// The digest of the package every auditor received.
    pub escrow_digest: B256,
    /// The auditor set holding the shares.
    pub epoch: u32,
}

/// The notary's split of one registration: the on-chain commitment and one delivery per auditor.
#[derive(Debug)]
pub struct Escrow {
    /// What goes on-chain with the ledger.
    pub commitment: IdentityCommitment,
    /// One unsigned delivery per auditor, in index order.
    pub deliveries: Vec<ShareDelivery>,
}

/// Splits `identifier` for `borrower` among `set` (paper III-A): a fresh escrow secret, its shares
/// encrypted to each auditor, the sealed identifier, the hash and the tag.
pub fn create(
    borrower: Address,
    identifier: &NationalId,
    tag_key: &TagKey,
    set: &AuditorSet,
    issued_at: u64,
    rng: &mut (impl RngCore + CryptoRng),
) -> Result<Escrow> {
    if borrower == Address::ZERO {
        return Err(Error::refused("the zero address cannot register"));
    }
    let secret = EscrowSecret::random(rng);
    let (shares, commitments) = sharing::split(&secret, usize::from(set.threshold), set.auditors.len(), rng)?;
    let package = EscrowPackage {
        borrower,
        epoch: set.epoch,
        threshold: set.threshold,
        identityHash: secret.identity_hash(identifier),
        commitments: commitments.to_bytes().into(),
        sealedIdentity: secret.seal(borrower, identifier, rng).into(),
    };
    let mut registration_id = B256::ZERO;
    rng.fill_bytes(registration_id.as_mut_slice());
    let deliveries = set
        .auditors
        .iter()
        .map(|auditor| {
            let share = shares
                .iter()
                .find(|share| share.index == auditor.index)
                .ok_or_else(|| Error::refused(format!("auditor index {} outside the set", auditor.index)))?;
            let aad = auditor_aad(&package, registration_id, auditor.account, auditor.index);
            let plaintext = SharePlaintext { index: share.index, value: B256::from(share.value) }.abi_encode();
            Ok(ShareDelivery {
                package: package.clone(),
                registrationId: registration_id,
                auditor: auditor.account,
                auditorIndex: auditor.index,
                encryptedShare: auditor.encryption_key.seal(SHARE_TO_AUDITOR, &aad, &plaintext, rng)?.into(),
                issuedAt: issued_at,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let commitment = IdentityCommitment {
        identity_tag: tag_key.tag(identifier),
        identity_hash: package.identityHash,
        escrow_digest: package.digest(),
        epoch: set.epoch,
    };
    Ok(Escrow { commitment, deliveries })
}

fn auditor_aad(package: &EscrowPackage, registration_id: B256, auditor: Address, index: u8) -> Vec<u8> {
    (package.digest(), registration_id, auditor, U256::from(index)).abi_encode()
}

fn lender_aad(loan: Address, borrower: Address, lender: Address, index: u8) -> Vec<u8> {
    (loan, borrower, lender, U256::from(index)).abi_encode()
}

/// Decrypts the share in `delivery` with the auditor's key.
fn decrypt_share(delivery: &ShareDelivery, key: &DecryptionKey) -> Result<Share> {
    let aad = auditor_aad(&delivery.package, delivery.registrationId, delivery.auditor, delivery.auditorIndex);
    let plaintext = key.open(SHARE_TO_AUDITOR, &aad, &delivery.encryptedShare, "share")?;
    let share: SharePlaintext = decode_canonical("share", &plaintext)?;
    Ok(Share { index: share.index, value: share.value.0 })
}

/// An auditor's check of a delivery before storing it (the signature and the replay check are the
/// caller's): addressed to `me` in the current `set`, its share decrypts and lies on the committed
/// polynomial. Returns the escrow digest the chain must later record for it.
pub fn check_delivery(
    delivery: &ShareDelivery,
    me: &AuditorInfo,
    set: &AuditorSet,
    key: &DecryptionKey,
) -> Result<B256> {
    let package = &delivery.package;
    if delivery.auditor != me.account || delivery.auditorIndex != me.index {
        return Err(Error::refused(format!(
            "addressed to auditor {} (index {}), not this one ({}, index {})",
            delivery.auditor, delivery.auditorIndex, me.account, me.index
        )));
    }
    if package.epoch != set.epoch || package.threshold != set.threshold {
        return Err(Error::refused(format!(
            "made for auditor set {} (threshold {}); the current set is {} (threshold {})",
            package.epoch, package.threshold, set.epoch, set.threshold
        )));
    }
    if package.borrower == Address::ZERO {
        return Err(Error::refused("no borrower"));
    }
    let commitments = Commitments::from_bytes(&package.commitments)?;
    if commitments.threshold() != usize::from(set.threshold) {
        return Err(Error::malformed(
            "commitments",
            format!("{} points for threshold {}", commitments.threshold(), set.threshold),
        ));
    }
    let share = decrypt_share(delivery, key)?;
    if share.index != me.index {
        return Err(Error::refused(format!("the share is for index {}, not {}", share.index, me.index)));
    }
    commitments.verify(&share)?;
    Ok(package.digest())
}

/// An auditor's share of `delivery`, re-encrypted for `lender` of `loan` (paper III-D).
pub fn release_to_lender(
    delivery: &ShareDelivery,
    key: &DecryptionKey,
    loan: Address,
    lender: Address,
    lender_key: &EncryptionKey,
    rng: &mut (impl RngCore + CryptoRng),
) -> Result<Vec<u8>> {
    let share = decrypt_share(delivery, key)?;
    let released =
        ReleasedShare { package: delivery.package.clone(), index: share.index, value: B256::from(share.value) };
    let aad = lender_aad(loan, delivery.package.borrower, lender, share.index);
    lender_key.seal(SHARE_TO_LENDER, &aad, &released.abi_encode(), rng)
}

/// A lender's decryption of one released share (as the escrow's `ShareReleased` event carries it).
pub fn open_release(
    sealed: &[u8],
    key: &DecryptionKey,
    loan: Address,
    borrower: Address,
    lender: Address,
    auditor_index: u8,
) -> Result<ReleasedShare> {
    let plaintext =
        key.open(SHARE_TO_LENDER, &lender_aad(loan, borrower, lender, auditor_index), sealed, "released share")?;
    let released: ReleasedShare = decode_canonical("released share", &plaintext)?;
    if released.index != auditor_index || released.package.borrower != borrower {
        return Err(Error::refused("the released share names another auditor or borrower"));
    }
    Ok(released)
}

/// A lender's reconstruction: the shares whose package matches the on-chain digest and which lie on its
/// committed polynomial, at least the threshold of them, give the secret; it opens the identifier, which
/// must match the on-chain hash. Shares that fail are skipped (a dishonest auditor cannot block a
/// reveal while t honest ones answered) and reported in the error if too few remain.
pub fn reconstruct(released: &[ReleasedShare], on_chain: &IdentityCommitment) -> Result<NationalId> {
    let mut package = None;
    let mut valid: Vec<Share> = Vec::new();
    let mut rejected = Vec::new();
    for candidate in released {
        if candidate.package.digest() != on_chain.escrow_digest {
            rejected.push(format!("share {}: package does not match the on-chain digest", candidate.index));
            continue;
        }
        let commitments = Commitments::from_bytes(&candidate.package.commitments)?;
        let share = Share { index: candidate.index, value: candidate.value.0 };
        match commitments.verify(&share) {
            Ok(()) if valid.iter().all(|s| s.index != share.index) => valid.push(share),
            Ok(()) => {}
            Err(e) => rejected.push(e.to_string()),
        }
        package = Some(&candidate.package);
    }
    let Some(package) = package else {
        return Err(with_rejections(Error::refused("no released share matches the on-chain record"), &rejected));
    };
    let threshold = usize::from(package.threshold);
    if valid.len() < threshold {
        return Err(with_rejections(Error::NotEnoughShares { valid: valid.len(), threshold }, &rejected));
    }
    let secret = sharing::combine(&valid[..threshold])?;
    let identifier = secret.open(package.borrower, &package.sealedIdentity)?;
    if secret.identity_hash(&identifier) != on_chain.identity_hash || package.identityHash != on_chain.identity_hash {
        return Err(Error::refused("the reconstructed identity does not match the on-chain hash"));
    }
    Ok(identifier)
}

fn with_rejections(error: Error, rejected: &[String]) -> Error {
    if rejected.is_empty() { error } else { Error::refused(format!("{error}; rejected: {}", rejected.join("; "))) }
}
