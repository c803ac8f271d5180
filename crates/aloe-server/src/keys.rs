//! A service's keys in its data directory, made on first start and kept: its account key (`key.json`) and,
//! for a notary, the notaries' shared tag key (`tag-key.json`). Both are Web3 Secret Storage files
//! (scrypt + AES-128-CTR) under the operator's password: nothing secret is on disk in the clear.

use std::path::{Path, PathBuf};

use alloy_signer_local::PrivateKeySigner;
use aloe_identity::identity::TagKey;
use rand::rngs::OsRng;
use zeroize::Zeroizing;

use crate::Error;

type Secret = Zeroizing<[u8; 32]>;

fn secret_from(path: &Path, bytes: &[u8]) -> Result<Secret, Error> {
    let array: [u8; 32] = bytes.try_into().map_err(|_| key_error(path, "not a 32-byte key"))?;
    Ok(Zeroizing::new(array))
}

fn key_error(path: &Path, reason: impl std::fmt::Display) -> Error {
    Error::Key { path: path.display().to_string(), reason: reason.to_string() }
}

/// Reads `dir/name`, or writes `fresh()` there first if it does not exist.
fn load_or_create(dir: &Path, name: &str, password: &str, fresh: impl FnOnce() -> Secret) -> Result<Secret, Error> {
    let path: PathBuf = dir.join(name);
    if !path.exists() {
        std::fs::create_dir_all(dir)?;
        let secret = fresh();
        eth_keystore::encrypt_key(dir, &mut OsRng, secret.as_slice(), password, Some(name))
            .map_err(|e| key_error(&path, e))?;
        return Ok(secret);
    }
    let bytes = Zeroizing::new(eth_keystore::decrypt_key(&path, password).map_err(|e| key_error(&path, e))?);
    secret_from(&path, &bytes)
}

/// The service's account key.
pub fn account(dir: &Path, password: &str) -> Result<PrivateKeySigner, Error> {
    let secret = load_or_create(dir, "key.json", password, || Zeroizing::new(PrivateKeySigner::random().to_bytes().0))?;
    PrivateKeySigner::from_slice(secret.as_slice()).map_err(|e| key_error(&dir.join("key.json"), e))
}

/// The notaries' tag key: imported from `import` (another notary's `tag-key.json`, same password) on
/// first start, else made fresh.
pub fn tag_key(dir: &Path, password: &str, import: Option<&Path>) -> Result<TagKey, Error> {
    let imported = match import {
        Some(path) if !dir.join("tag-key.json").exists() => {
            let bytes = Zeroizing::new(eth_keystore::decrypt_key(path, password).map_err(|e| key_error(path, e))?);
            Some(secret_from(path, &bytes)?)
        }
        _ => None,
    };
    let secret = load_or_create(dir, "tag-key.json", password, || {
        imported.unwrap_or_else(|| Zeroizing::new(*TagKey::random(&mut OsRng).expose()))
    })?;
    Ok(TagKey::from_bytes(*secret))
}
