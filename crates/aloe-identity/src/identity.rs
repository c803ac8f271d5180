//! The escrowed secret and what it protects.
//!
//! The notary draws a random secp256k1 scalar s, the escrow secret, and splits it among the auditors.
//! From s come a sealing key and a salt (HKDF-SHA256): the identifier is sealed under the key
//! (ChaCha20-Poly1305, bound to the borrower's address) and committed on-chain as keccak256(salt ‖ id).
//! Whoever reconstructs s opens the identifier and checks it against the on-chain hash; without s the
//! salt is unknown, so the hash of a low-entropy identifier cannot be brute-forced.
//!
//! Separately, notaries share a tag key: the on-chain tag HMAC-SHA256(tag key, id) makes one identity one
//! address without revealing anything to those who lack the key.

use alloy_primitives::{Address, B256, keccak256};
use chacha20poly1305::{
    ChaCha20Poly1305, KeyInit,
    aead::{Aead, Payload},
};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use k256::{NonZeroScalar, Scalar, elliptic_curve::PrimeField};
use rand::{CryptoRng, RngCore};
use sha2::Sha256;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::{Error, Result};

/// Longest national identifier accepted, in bytes.
pub const MAX_IDENTIFIER_LEN: usize = 64;
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;

/// A borrower's national identifier (the paper's SSN): an opaque secret string, compared byte for byte.
/// Its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct NationalId(String);

impl NationalId {
    /// Accepts 1 to [`MAX_IDENTIFIER_LEN`] bytes.
    pub fn new(identifier: impl Into<String>) -> Result<Self> {
        let identifier = identifier.into();
        if identifier.is_empty() || identifier.len() > MAX_IDENTIFIER_LEN {
            return Err(Error::InvalidIdentifier);
        }
        Ok(Self(identifier))
    }

    /// The identifier itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NationalId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NationalId(<redacted>)")
    }
}

/// The secret split among the auditors: a uniformly random non-zero scalar.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct EscrowSecret(Scalar);

impl std::fmt::Debug for EscrowSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EscrowSecret(<redacted>)")
    }
}

impl EscrowSecret {
    /// A fresh secret.
    pub fn random(rng: &mut (impl RngCore + CryptoRng)) -> Self {
        Self(*NonZeroScalar::random(rng))
    }

    pub(crate) fn from_scalar(scalar: Scalar) -> Result<Self> {
        if bool::from(scalar.is_zero()) {
            return Err(Error::malformed("escrow secret", "zero"));
        }
        Ok(Self(scalar))
    }

    pub(crate) fn scalar(&self) -> &Scalar {
        &self.0
    }

    fn derive(&self, label: &[u8]) -> Zeroizing<[u8; 32]> {
        let ikm = Zeroizing::new(self.0.to_repr());
        let mut out = Zeroizing::new([0u8; 32]);
        Hkdf::<Sha256>::new(Some(b"aloe/identity-escrow/v1"), &ikm)
            .expand(label, out.as_mut())
            .expect("32 bytes is a valid HKDF-SHA256 output length");
        out
    }

    /// keccak256(salt ‖ identifier): the commitment lenders check a reconstruction against.
    pub fn identity_hash(&self, identifier: &NationalId) -> B256 {
        let salt = self.derive(b"salt");
        let mut preimage = Zeroizing::new(salt.to_vec());
        preimage.extend_from_slice(identifier.expose().as_bytes());
        keccak256(preimage.as_slice())
    }

    /// Seals `identifier` for `borrower`: nonce ‖ ChaCha20-Poly1305 ciphertext, the address as associated data.
    pub fn seal(&self, borrower: Address, identifier: &NationalId, rng: &mut (impl RngCore + CryptoRng)) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        rng.fill_bytes(&mut nonce);
        let cipher = ChaCha20Poly1305::new(self.derive(b"seal-key").as_ref().into());
        let payload = Payload { msg: identifier.expose().as_bytes(), aad: borrower.as_slice() };
        let ciphertext = cipher.encrypt(&nonce.into(), payload).expect("in-memory encryption cannot fail");
        [nonce.as_slice(), &ciphertext].concat()
    }

    /// Opens what [`EscrowSecret::seal`] sealed for `borrower`.
    pub fn open(&self, borrower: Address, sealed: &[u8]) -> Result<NationalId> {
        if sealed.len() < NONCE_LEN + TAG_LEN + 1 || sealed.len() > NONCE_LEN + TAG_LEN + MAX_IDENTIFIER_LEN {
            return Err(Error::malformed("sealed identity", format!("{} bytes", sealed.len())));
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        let cipher = ChaCha20Poly1305::new(self.derive(b"seal-key").as_ref().into());
        let plaintext = Zeroizing::new(
            cipher
                .decrypt(nonce.into(), Payload { msg: ciphertext, aad: borrower.as_slice() })
                .map_err(|_| Error::Decryption { what: "sealed identity" })?,
        );
        let text = std::str::from_utf8(&plaintext).map_err(|_| Error::malformed("identity", "not UTF-8"))?;
        NationalId::new(text)
    }
}

/// The notaries' shared key for identity tags.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct TagKey([u8; 32]);

impl std::fmt::Debug for TagKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TagKey(<redacted>)")
    }
}

impl TagKey {
    /// A key from its bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// A fresh key (the first notary makes it; the others import it).
    pub fn random(rng: &mut (impl RngCore + CryptoRng)) -> Self {
        let mut key = [0u8; 32];
        rng.fill_bytes(&mut key);
        Self(key)
    }

    /// The key's bytes, to store (encrypted) or hand to another notary.
    pub fn expose(&self) -> &[u8; 32] {
        &self.0
    }

    /// HMAC-SHA256(key, "aloe/identity-tag/v1" ‖ identifier).
    pub fn tag(&self, identifier: &NationalId) -> B256 {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(b"aloe/identity-tag/v1");
        mac.update(identifier.expose().as_bytes());
        B256::from_slice(&mac.finalize().into_bytes())
    }
}
