//! What the parties' tests share: keys from a byte, and a deployment with a notary and listed auditors,
//! each with its own store and registry on one shared embedded chain.

use std::path::Path;

use alloy_primitives::{Address, B256};
use alloy_signer_local::PrivateKeySigner;
use aloe_chain::{EmbeddedChain, SharedChain};
use aloe_contracts::{Auditor as OnChainAuditor, Protocol};
use aloe_identity::{
    identity::TagKey,
    roles::{auditor::Auditor, notary::Notary},
    store::{AuditorStore, NotaryStore},
};
use aloe_server::registry::ChainRegistry;
use rand::rngs::StdRng;

/// The key whose 32 bytes are all `byte`.
pub(crate) fn signer(byte: u8) -> PrivateKeySigner {
    PrivateKeySigner::from_bytes(&B256::repeat_byte(byte)).unwrap()
}

/// The protocol on a fresh embedded chain, governed by `signer(1)`, with `signer(2)` as its notary and
/// `auditors` auditors (`signer(0x10 + i)`, any two reveal) listed.
pub(crate) struct Deployment {
    /// The shared chain.
    pub(crate) chain: SharedChain,
    /// The contracts.
    pub(crate) protocol: Protocol,
    /// The owner.
    pub(crate) owner: Address,
    /// The notary, not yet committing model attributes.
    pub(crate) notary: Notary,
    /// The auditors with their registries.
    pub(crate) auditors: Vec<(Auditor, ChainRegistry)>,
    /// The auditor set as listed on-chain.
    pub(crate) set: Vec<OnChainAuditor>,
}

impl Deployment {
    /// Deploy, with the parties' stores under `dir`.
    pub(crate) fn new(dir: &Path, auditors: u8, rng: &mut StdRng) -> Self {
        let chain = SharedChain::new(Box::new(EmbeddedChain::new()));
        let owner = signer(1).address();
        let protocol = Protocol::deploy(&mut chain.clone(), owner).unwrap();
        let notary_key = signer(2);
        protocol.bureau.add_notary(&mut chain.clone(), owner, notary_key.address()).unwrap();
        let notary =
            Notary::new(notary_key, TagKey::random(rng), NotaryStore::open(&dir.join("notary.sqlite")).unwrap());
        let auditors: Vec<(Auditor, ChainRegistry)> = (0..auditors)
            .map(|i| {
                let store = AuditorStore::open(&dir.join(format!("auditor{i}.sqlite"))).unwrap();
                (Auditor::new(signer(0x10 + i), store), ChainRegistry::new(Box::new(chain.clone()), protocol))
            })
            .collect();
        let set: Vec<OnChainAuditor> = auditors
            .iter()
            .map(|(a, _)| OnChainAuditor { account: a.address(), encryptionKey: B256::from(a.encryption_key().0) })
            .collect();
        protocol.identity_escrow.set_auditors(&mut chain.clone(), owner, set.clone(), 2).unwrap();
        Self { chain, protocol, owner, notary, auditors, set }
    }
}
