//! The escrow's cryptography end to end, and the properties the issue asks for: any t shares reconstruct,
//! t − 1 are consistent with every secret, a tampered share or message is detected.

use alloy_primitives::{Address, B256, Bytes};
use alloy_signer_local::PrivateKeySigner;
use alloy_sol_types::SolValue;
use aloe_identity::{
    Error,
    encryption::DecryptionKey,
    escrow::{self, AuditorInfo, AuditorSet},
    identity::{EscrowSecret, NationalId, TagKey},
    messages::{self, ShareDelivery, Signed},
    sharing::{self, Commitments, Share},
};
use proptest::prelude::*;
use rand::{SeedableRng, rngs::StdRng};

const BORROWER: Address = Address::repeat_byte(0xb0);
const LOAN: Address = Address::repeat_byte(0x10);
const LENDER: Address = Address::repeat_byte(0x1e);

struct Fixture {
    set: AuditorSet,
    keys: Vec<DecryptionKey>,
    tag_key: TagKey,
}

fn fixture(threshold: u8, size: u8, rng: &mut StdRng) -> Fixture {
    let keys: Vec<DecryptionKey> = (0..size).map(|_| DecryptionKey::random(rng)).collect();
    let auditors = keys
        .iter()
        .enumerate()
        .map(|(i, key)| AuditorInfo {
            account: Address::repeat_byte(0xa0 + i as u8),
            index: i as u8 + 1,
            encryption_key: key.public(),
        })
        .collect();
    Fixture { set: AuditorSet { epoch: 1, threshold, auditors }, keys, tag_key: TagKey::random(rng) }
}

fn released(
    fixture: &Fixture,
    deliveries: &[ShareDelivery],
    lender_key: &DecryptionKey,
    rng: &mut StdRng,
) -> Vec<messages::ReleasedShare> {
    deliveries
        .iter()
        .zip(&fixture.keys)
        .map(|(delivery, key)| {
            let sealed = escrow::release_to_lender(delivery, key, LOAN, LENDER, &lender_key.public(), rng).unwrap();
            escrow::open_release(&sealed, lender_key, LOAN, BORROWER, LENDER, delivery.auditorIndex).unwrap()
        })
        .collect()
}

#[test]
fn register_check_release_reconstruct() {
    let mut rng = StdRng::seed_from_u64(1);
    let fixture = fixture(2, 3, &mut rng);
    let id = NationalId::new("078-05-1120").unwrap();
    let escrow = escrow::create(BORROWER, &id, &fixture.tag_key, &fixture.set, 1_000, &mut rng).unwrap();
    assert_eq!(escrow.deliveries.len(), 3);
    for (delivery, (auditor, key)) in escrow.deliveries.iter().zip(fixture.set.auditors.iter().zip(&fixture.keys)) {
        let digest = escrow::check_delivery(delivery, auditor, &fixture.set, key).unwrap();
        assert_eq!(digest, escrow.commitment.escrow_digest);
    }
    // Each auditor's share opens only with its own key.
    let wrong = escrow::check_delivery(&escrow.deliveries[0], &fixture.set.auditors[0], &fixture.set, &fixture.keys[1]);
    assert!(matches!(wrong, Err(Error::Decryption { .. })), "{wrong:?}");

    let lender_key = DecryptionKey::random(&mut rng);
    let shares = released(&fixture, &escrow.deliveries, &lender_key, &mut rng);
    for pair in [[0, 1], [0, 2], [1, 2]] {
        let subset = [shares[pair[0]].clone(), shares[pair[1]].clone()];
        assert_eq!(escrow::reconstruct(&subset, &escrow.commitment).unwrap(), id);
    }
    let one = escrow::reconstruct(&shares[..1], &escrow.commitment).unwrap_err();
    assert!(matches!(one, Error::NotEnoughShares { valid: 1, threshold: 2 }), "{one}");
    // The same identity gets the same tag from any notary holding the key, and a different one otherwise.
    let again =
        escrow::create(Address::repeat_byte(0xb1), &id, &fixture.tag_key, &fixture.set, 1_000, &mut rng).unwrap();
    assert_eq!(again.commitment.identity_tag, escrow.commitment.identity_tag);
    assert_ne!(again.commitment.identity_hash, escrow.commitment.identity_hash, "salted per registration");
    assert_ne!(TagKey::random(&mut rng).tag(&id), escrow.commitment.identity_tag);
}

#[test]
fn a_release_opens_only_for_its_lender_loan_and_borrower() {
    let mut rng = StdRng::seed_from_u64(2);
    let fixture = fixture(2, 3, &mut rng);
    let id = NationalId::new("A1234567").unwrap();
    let escrow = escrow::create(BORROWER, &id, &fixture.tag_key, &fixture.set, 1_000, &mut rng).unwrap();
    let lender_key = DecryptionKey::random(&mut rng);
    let sealed = escrow::release_to_lender(
        &escrow.deliveries[0],
        &fixture.keys[0],
        LOAN,
        LENDER,
        &lender_key.public(),
        &mut rng,
    )
    .unwrap();
    let other_key = DecryptionKey::random(&mut rng);
    assert!(escrow::open_release(&sealed, &other_key, LOAN, BORROWER, LENDER, 1).is_err(), "another key");
    assert!(escrow::open_release(&sealed, &lender_key, LENDER, BORROWER, LENDER, 1).is_err(), "another loan");
    assert!(escrow::open_release(&sealed, &lender_key, LOAN, BORROWER, LOAN, 1).is_err(), "another lender");
    assert!(escrow::open_release(&sealed, &lender_key, LOAN, BORROWER, LENDER, 2).is_err(), "another auditor");
    assert!(escrow::open_release(&sealed, &lender_key, LOAN, BORROWER, LENDER, 1).is_ok());
}

#[test]
fn a_dishonest_auditor_is_outvoted_and_a_forged_package_refused() {
    let mut rng = StdRng::seed_from_u64(3);
    let fixture = fixture(2, 3, &mut rng);
    let id = NationalId::new("987654321").unwrap();
    let escrow = escrow::create(BORROWER, &id, &fixture.tag_key, &fixture.set, 1_000, &mut rng).unwrap();
    let lender_key = DecryptionKey::random(&mut rng);
    let mut shares = released(&fixture, &escrow.deliveries, &lender_key, &mut rng);
    // Auditor 1 lies about its value: skipped, and the two honest shares still reveal.
    shares[0].value = B256::repeat_byte(7);
    assert_eq!(escrow::reconstruct(&shares, &escrow.commitment).unwrap(), id);
    // With only the liar and one honest share, too few remain, and the error says why.
    let error = escrow::reconstruct(&shares[..2], &escrow.commitment).unwrap_err().to_string();
    assert!(error.contains("1 valid shares") && error.contains("does not match the commitments"), "{error}");
    // A whole forged package (other commitments, another sealed identity) does not match the chain's digest.
    let forged =
        escrow::create(BORROWER, &NationalId::new("000000000").unwrap(), &fixture.tag_key, &fixture.set, 1, &mut rng)
            .unwrap();
    let fakes = released(&fixture, &forged.deliveries, &lender_key, &mut rng);
    let error = escrow::reconstruct(&fakes, &escrow.commitment).unwrap_err().to_string();
    assert!(error.contains("does not match the on-chain digest"), "{error}");
}

#[test]
fn check_delivery_refuses_what_is_not_for_this_auditor_or_set() {
    let mut rng = StdRng::seed_from_u64(4);
    let fixture = fixture(2, 3, &mut rng);
    let escrow =
        escrow::create(BORROWER, &NationalId::new("x").unwrap(), &fixture.tag_key, &fixture.set, 1, &mut rng).unwrap();
    let (auditor, key) = (&fixture.set.auditors[0], &fixture.keys[0]);
    // Auditor 2's delivery presented to auditor 1.
    assert!(matches!(
        escrow::check_delivery(&escrow.deliveries[1], auditor, &fixture.set, key),
        Err(Error::Refused { .. })
    ));
    // A set that changed since.
    let mut next = fixture.set.clone();
    next.epoch = 2;
    assert!(matches!(escrow::check_delivery(&escrow.deliveries[0], auditor, &next, key), Err(Error::Refused { .. })));
    // Tampered commitments (one point swapped for another valid point) fail the Feldman check or decryption.
    let mut tampered = escrow.deliveries[0].clone();
    let other =
        escrow::create(BORROWER, &NationalId::new("y").unwrap(), &fixture.tag_key, &fixture.set, 1, &mut rng).unwrap();
    tampered.package.commitments = other.deliveries[0].package.commitments.clone();
    assert!(escrow::check_delivery(&tampered, auditor, &fixture.set, key).is_err());
    // A flipped ciphertext bit fails authentication.
    let mut flipped = escrow.deliveries[0].clone();
    let mut bytes = flipped.encryptedShare.to_vec();
    bytes[40] ^= 1;
    flipped.encryptedShare = Bytes::from(bytes);
    assert!(matches!(escrow::check_delivery(&flipped, auditor, &fixture.set, key), Err(Error::Decryption { .. })));
}

#[test]
fn signed_messages_verify_and_refuse_tampering_and_other_domains() {
    let mut rng = StdRng::seed_from_u64(5);
    let fixture = fixture(2, 3, &mut rng);
    let escrow =
        escrow::create(BORROWER, &NationalId::new("x").unwrap(), &fixture.tag_key, &fixture.set, 1, &mut rng).unwrap();
    let notary = PrivateKeySigner::from_bytes(&B256::repeat_byte(0x42)).unwrap();
    let domain = messages::domain(31337, Address::repeat_byte(0xe5));
    let signed = Signed::sign(&escrow.deliveries[0], &domain, &notary).unwrap();
    let (opened, signer) = signed.open::<ShareDelivery>("delivery", &domain).unwrap();
    assert_eq!((opened, signer), (escrow.deliveries[0].clone(), notary.address()));

    // Another chain or escrow: the signature recovers someone else.
    let (_, elsewhere) =
        signed.open::<ShareDelivery>("delivery", &messages::domain(1, Address::repeat_byte(0xe5))).unwrap();
    assert_ne!(elsewhere, notary.address());
    // A changed field: someone else again.
    let mut changed = escrow.deliveries[0].clone();
    changed.issuedAt += 1;
    let tampered = Signed { message: changed.abi_encode().into(), signature: signed.signature.clone() };
    assert_ne!(tampered.open::<ShareDelivery>("delivery", &domain).unwrap().1, notary.address());
    // Trailing bytes or a truncated message: not the canonical encoding.
    let mut longer = signed.message.to_vec();
    longer.extend_from_slice(&[0; 32]);
    let padded = Signed { message: longer.into(), signature: signed.signature.clone() };
    assert!(matches!(padded.open::<ShareDelivery>("delivery", &domain), Err(Error::Malformed { .. })));
    let short = Signed { message: signed.message.slice(..100), signature: signed.signature.clone() };
    assert!(matches!(short.open::<ShareDelivery>("delivery", &domain), Err(Error::Malformed { .. })));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// Any t of n shares reconstruct the secret, and each verifies against the commitments.
    #[test]
    fn any_t_shares_reconstruct(seed: u64, threshold in 2usize..=5, extra in 0usize..=4, pick: u64) {
        let mut rng = StdRng::seed_from_u64(seed);
        let n = threshold + extra;
        let secret = EscrowSecret::random(&mut rng);
        let (shares, commitments) = sharing::split(&secret, threshold, n, &mut rng).unwrap();
        prop_assert_eq!(commitments.threshold(), threshold);
        for share in &shares {
            prop_assert!(commitments.verify(share).is_ok());
        }
        // A pseudo-random subset of exactly t shares.
        let mut indices: Vec<usize> = (0..n).collect();
        let mut state = pick;
        for i in (1..n).rev() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            indices.swap(i, (state >> 33) as usize % (i + 1));
        }
        let subset: Vec<Share> = indices[..threshold].iter().map(|&i| shares[i].clone()).collect();
        prop_assert_eq!(sharing::combine(&subset).unwrap(), secret);
    }

    /// t − 1 shares say nothing: for ANY candidate secret there is a degree t − 1 polynomial through those
    /// shares and that secret (interpolation with the candidate as the share at x = 0), so the shares
    /// are consistent with every secret. (The commitments bind the polynomial only computationally, which
    /// is why the identifier is sealed under a random secret rather than shared directly.)
    #[test]
    fn t_minus_one_shares_fit_every_secret(seed: u64, threshold in 2usize..=5, candidate_seed: u64) {
        let mut rng = StdRng::seed_from_u64(seed);
        let secret = EscrowSecret::random(&mut rng);
        let (shares, _) = sharing::split(&secret, threshold, threshold + 1, &mut rng).unwrap();
        let known = &shares[..threshold - 1];
        let candidate = EscrowSecret::random(&mut StdRng::seed_from_u64(candidate_seed));
        // The polynomial through the known shares and (0, candidate), evaluated at the missing index, gives a
        // share that, with the known ones, reconstructs the candidate: a consistent completion exists.
        let completion = sharing::complete(known, &candidate, threshold as u8 + 1).unwrap();
        let mut with_candidate = known.to_vec();
        with_candidate.push(completion);
        prop_assert_eq!(sharing::combine(&with_candidate).unwrap(), candidate);
    }

    /// Changing any byte of a share's value is detected by the commitments.
    #[test]
    fn a_tampered_share_is_detected(seed: u64, byte in 0usize..32, flip in 1u8..=255) {
        let mut rng = StdRng::seed_from_u64(seed);
        let secret = EscrowSecret::random(&mut rng);
        let (shares, commitments) = sharing::split(&secret, 2, 3, &mut rng).unwrap();
        let mut tampered = shares[1].clone();
        tampered.value[byte] ^= flip;
        prop_assert!(commitments.verify(&tampered).is_err());
        // So is presenting it under another index.
        let mut moved = shares[1].clone();
        moved.index = 3;
        prop_assert!(commitments.verify(&moved).is_err());
    }

    /// Commitments round-trip through bytes; garbage is refused, never a panic.
    #[test]
    fn commitments_decode_or_refuse(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = Commitments::from_bytes(&bytes);
    }
}
