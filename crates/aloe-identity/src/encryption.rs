//! Public-key encryption of shares (HPKE, RFC 9180: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
//! ChaCha20-Poly1305, base mode): the notary to each auditor, each auditor to each lender.
//!
//! Every ciphertext is bound by HPKE's `info` to its purpose and by the associated data to its context
//! (borrower, registration, loan, lender, auditor), so it cannot be replayed into another one.
//! Keys can be derived from an Ethereum private key, so a lender needs no second secret.

use hpke::{
    Deserializable, Kem as KemTrait, OpModeR, OpModeS, Serializable, aead::ChaCha20Poly1305, kdf::HkdfSha256,
    kem::X25519HkdfSha256,
};
use rand::{CryptoRng, RngCore};
use rand_chacha::{ChaCha20Rng, rand_core::SeedableRng};
use zeroize::Zeroizing;

use crate::{Error, Result};

type Kem = X25519HkdfSha256;
const ENCAPPED_LEN: usize = 32;

/// An X25519 public key (what the escrow contract stores for auditors and lenders).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EncryptionKey(pub [u8; 32]);

/// The matching private key.
#[derive(Clone)]
pub struct DecryptionKey(<Kem as KemTrait>::PrivateKey);

impl std::fmt::Debug for DecryptionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("DecryptionKey").field(&self.public()).finish()
    }
}

impl DecryptionKey {
    /// The key derived from `secret` (an Ethereum private key, say), deterministically.
    pub fn derive(secret: &[u8]) -> Self {
        let ikm = Zeroizing::new([b"aloe/x25519/v1".as_slice(), secret].concat());
        Self(Kem::derive_keypair(&ikm).0)
    }

    /// A fresh random key.
    pub fn random(rng: &mut (impl RngCore + CryptoRng)) -> Self {
        Self(Kem::gen_keypair(&mut hpke_rng(rng)).0)
    }

    /// The public key.
    pub fn public(&self) -> EncryptionKey {
        EncryptionKey(Kem::sk_to_pk(&self.0).to_bytes().into())
    }

    /// Opens `sealed` (encapsulated key ‖ ciphertext) made for this key with the same `info` and `aad`.
    pub fn open(&self, info: &[u8], aad: &[u8], sealed: &[u8], what: &'static str) -> Result<Zeroizing<Vec<u8>>> {
        if sealed.len() < ENCAPPED_LEN {
            return Err(Error::malformed(what, format!("{} bytes", sealed.len())));
        }
        let (encapped, ciphertext) = sealed.split_at(ENCAPPED_LEN);
        let encapped = <Kem as KemTrait>::EncappedKey::from_bytes(encapped)
            .map_err(|_| Error::malformed(what, "not an X25519 encapsulated key"))?;
        hpke::single_shot_open::<ChaCha20Poly1305, HkdfSha256, Kem>(
            &OpModeR::Base,
            &self.0,
            &encapped,
            info,
            ciphertext,
            aad,
        )
        .map(Zeroizing::new)
        .map_err(|_| Error::Decryption { what })
    }
}

impl EncryptionKey {
    /// Encrypts `plaintext` to this key: encapsulated key ‖ ciphertext.
    pub fn seal(
        &self,
        info: &[u8],
        aad: &[u8],
        plaintext: &[u8],
        rng: &mut (impl RngCore + CryptoRng),
    ) -> Result<Vec<u8>> {
        let public = <Kem as KemTrait>::PublicKey::from_bytes(&self.0)
            .map_err(|_| Error::malformed("encryption key", "not an X25519 public key"))?;
        let (encapped, ciphertext) = hpke::single_shot_seal::<ChaCha20Poly1305, HkdfSha256, Kem, _>(
            &OpModeS::Base,
            &public,
            info,
            plaintext,
            aad,
            &mut hpke_rng(rng),
        )
        .map_err(|e| Error::malformed("encryption", e))?;
        Ok([encapped.to_bytes().as_slice(), &ciphertext].concat())
    }
}

/// hpke draws from rand_core 0.9, the rest of the crate from 0.6 (vsss-rs, k256): a ChaCha20 stream
/// seeded from the caller's generator bridges them and keeps seeded tests reproducible.
fn hpke_rng(rng: &mut (impl RngCore + CryptoRng)) -> ChaCha20Rng {
    let mut seed = Zeroizing::new([0u8; 32]);
    rng.fill_bytes(seed.as_mut());
    ChaCha20Rng::from_seed(*seed)
}
