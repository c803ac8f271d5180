//! Deterministic development keys: the same accounts on the embedded chain and on anvil.

use alloy::signers::local::PrivateKeySigner;
use alloy_primitives::{B256, keccak256};

/// The `index`-th development key, derived as keccak256("aloe-dev-account-{index}").
///
/// These keys are public knowledge: use them only on development chains.
pub fn dev_signer(index: usize) -> PrivateKeySigner {
    let seed: B256 = keccak256(format!("aloe-dev-account-{index}"));
    PrivateKeySigner::from_bytes(&seed).expect("keccak output is a valid secp256k1 key with overwhelming probability")
}

/// The first `count` development keys.
pub fn dev_signers(count: usize) -> Vec<PrivateKeySigner> {
    (0..count).map(dev_signer).collect()
}
