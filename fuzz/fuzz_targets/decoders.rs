//! Every decoder a peer's bytes reach: an auditor's intake of a notary's JSON delivery (envelope, ABI
//! message, signature, share decryption and Feldman check), a lender's decryption and decoding of a
//! released share, and the commitments parser. None may panic; what passes must be self-consistent.

#![no_main]

use std::sync::LazyLock;

use alloy_primitives::{Address, B256};
use aloe_identity::{
    encryption::DecryptionKey,
    escrow::{self, AuditorInfo, AuditorSet, IdentityCommitment},
    messages::{self, ReleasedShare, ShareDelivery, Signed, decode_canonical},
    sharing::Commitments,
};
use libfuzzer_sys::fuzz_target;

static KEY: LazyLock<DecryptionKey> = LazyLock::new(|| DecryptionKey::derive(b"fuzz auditor"));

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else { return };
    match selector % 4 {
        0 => {
            // The auditor's HTTP body.
            let Ok(signed) = serde_json::from_slice::<Signed>(bytes) else { return };
            let domain = messages::domain(31337, Address::repeat_byte(0xe5));
            if let Ok((delivery, _signer)) = signed.open::<ShareDelivery>("delivery", &domain) {
                let me = AuditorInfo {
                    account: delivery.auditor,
                    index: delivery.auditorIndex,
                    encryption_key: KEY.public(),
                };
                let set = AuditorSet {
                    epoch: delivery.package.epoch,
                    threshold: delivery.package.threshold,
                    auditors: vec![me.clone()],
                };
                if let Ok(digest) = escrow::check_delivery(&delivery, &me, &set, &KEY) {
                    assert_eq!(digest, delivery.package.digest());
                }
            }
        }
        1 => {
            // A share released on-chain, as the lender decrypts it.
            let _ = escrow::open_release(bytes, &KEY, Address::ZERO, Address::ZERO, Address::ZERO, 1);
        }
        2 => {
            // A released share's plaintext, then a reconstruction attempt against a record it cannot match.
            if let Ok(released) = decode_canonical::<ReleasedShare>("released share", bytes) {
                let record = IdentityCommitment {
                    identity_tag: B256::ZERO,
                    identity_hash: B256::ZERO,
                    escrow_digest: released.package.digest(),
                    epoch: released.package.epoch,
                };
                let _ = escrow::reconstruct(&[released.clone(), released], &record);
            }
        }
        _ => {
            if let Ok(commitments) = Commitments::from_bytes(bytes) {
                assert_eq!(Commitments::from_bytes(&commitments.to_bytes()).unwrap(), commitments);
            }
        }
    }
});
