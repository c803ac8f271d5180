//! Feldman verifiable secret sharing over secp256k1 (vsss-rs): the escrow secret split t of n, with
//! public commitments C_j = a_j·G to the polynomial's coefficients, so each holder can check its share
//! (s_i·G = Σ i^j·C_j) and a reconstruction can be checked share by share.
//!
//! Feldman's commitments reveal s·G for the secret s: that is why the secret shared is a random key that
//! seals the identifier, never the identifier itself (a nine-digit SSN would fall to a brute force of
//! s·G). Given fewer than t shares, every secret remains possible: see the property tests.

use k256::{
    ProjectivePoint, Scalar,
    elliptic_curve::{PrimeField, group::GroupEncoding},
};
use rand::{CryptoRng, RngCore};
use vsss_rs::{DefaultShare, FeldmanVerifierSet, IdentifierPrimeField, ReadableShareSet, Share as _, ValueGroup};
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::{Error, Result, identity::EscrowSecret};

/// Most auditors one escrow splits among (the contract's limit too).
pub const MAX_SHARES: usize = 16;
/// Bytes of one compressed commitment point.
pub const COMMITMENT_LEN: usize = 33;

type VsssShare = DefaultShare<IdentifierPrimeField<Scalar>, IdentifierPrimeField<Scalar>>;
type Verifier = ValueGroup<ProjectivePoint>;

/// One auditor's share: the polynomial's value at x = `index` (1-based, the auditor's index on-chain).
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct Share {
    /// x, 1 to 16.
    pub index: u8,
    /// f(x), a secp256k1 scalar, big-endian.
    pub value: [u8; 32],
}

impl std::fmt::Debug for Share {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Share").field("index", &self.index).field("value", &"<redacted>").finish()
    }
}

impl Share {
    fn to_vsss(&self) -> Result<VsssShare> {
        if self.index == 0 || usize::from(self.index) > MAX_SHARES {
            return Err(Error::malformed("share", format!("index {} outside 1..={MAX_SHARES}", self.index)));
        }
        let value = Option::<Scalar>::from(Scalar::from_repr(self.value.into()))
            .ok_or_else(|| Error::malformed("share", "value is not a secp256k1 scalar"))?;
        Ok(VsssShare::with_identifier_and_value(
            IdentifierPrimeField(Scalar::from(u64::from(self.index))),
            IdentifierPrimeField(value),
        ))
    }
}

/// The Feldman commitments C_0..C_{t-1}; their count is the threshold t.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Commitments(Vec<ProjectivePoint>);

impl Commitments {
    /// The threshold: shares needed to reconstruct.
    pub fn threshold(&self) -> usize {
        self.0.len()
    }

    /// The compressed points, concatenated (33 bytes each).
    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.iter().flat_map(|point| point.to_affine().to_bytes().to_vec()).collect()
    }

    /// Parses compressed points: 2 to 16 of them, each on the curve and not the identity.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let count = bytes.len() / COMMITMENT_LEN;
        if !bytes.len().is_multiple_of(COMMITMENT_LEN) || !(2..=MAX_SHARES).contains(&count) {
            return Err(Error::malformed("commitments", format!("{} bytes is not 2 to 16 points", bytes.len())));
        }
        let points = bytes
            .chunks(COMMITMENT_LEN)
            .map(|chunk| {
                let encoding = k256::CompressedPoint::clone_from_slice(chunk);
                Option::<k256::AffinePoint>::from(k256::AffinePoint::from_bytes(&encoding))
                    .map(ProjectivePoint::from)
                    .filter(|point| *point != ProjectivePoint::IDENTITY)
                    .ok_or_else(|| Error::malformed("commitments", "not a point of secp256k1"))
            })
            .collect::<Result<_>>()?;
        Ok(Self(points))
    }

    /// Checks that `share` lies on the committed polynomial.
    pub fn verify(&self, share: &Share) -> Result<()> {
        let set: Vec<Verifier> =
            std::iter::once(ProjectivePoint::GENERATOR).chain(self.0.iter().copied()).map(ValueGroup).collect();
        set.verify_share(&share.to_vsss()?).map_err(|_| Error::ShareMismatch { index: share.index })
    }
}

/// Splits `secret` into `shares` shares, any `threshold` of which reconstruct it, with the commitments.
pub fn split(
    secret: &EscrowSecret,
    threshold: usize,
    shares: usize,
    rng: &mut (impl RngCore + CryptoRng),
) -> Result<(Vec<Share>, Commitments)> {
    if threshold < 2 || threshold > shares || shares > MAX_SHARES {
        return Err(Error::InvalidThreshold { threshold, shares });
    }
    let (split, verifiers) = vsss_rs::feldman::split_secret::<VsssShare, Verifier>(
        threshold,
        shares,
        &IdentifierPrimeField(*secret.scalar()),
        None,
        rng,
    )
    .map_err(|e| Error::malformed("split", format!("{e:?}")))?;
    let shares = split
        .iter()
        .map(|share| {
            let index = small_index(&share.identifier().0)
                .ok_or_else(|| Error::malformed("split", "participant identifier outside 1..=16"))?;
            Ok(Share { index, value: share.value().0.to_repr().into() })
        })
        .collect::<Result<_>>()?;
    // vsss-rs puts the generator first, then the t coefficient commitments.
    Ok((shares, Commitments(verifiers[1..].iter().map(|v| v.0).collect())))
}

/// Reconstructs the secret from shares (at least two, distinct indices). Check each against the
/// commitments first: interpolation itself cannot tell a wrong share.
pub fn combine(shares: &[Share]) -> Result<EscrowSecret> {
    let converted = shares.iter().map(Share::to_vsss).collect::<Result<Vec<_>>>()?;
    let secret = converted.combine().map_err(|e| Error::malformed("share set", format!("{e:?}")))?;
    EscrowSecret::from_scalar(secret.0)
}

/// The share at `index` of the degree-(`known.len()`) polynomial through `known` and (0, `secret`): with
/// `known` it reconstructs `secret`. It exists for every secret, which is what "t − 1 shares say nothing"
/// means; the property tests use it as the witness.
pub fn complete(known: &[Share], secret: &EscrowSecret, index: u8) -> Result<Share> {
    let mut points = vec![(Scalar::ZERO, *secret.scalar())];
    for share in known {
        let value = share.to_vsss()?.value().0;
        points.push((Scalar::from(u64::from(share.index)), value));
    }
    let x = Scalar::from(u64::from(index));
    let mut value = Scalar::ZERO;
    for (j, (xj, yj)) in points.iter().enumerate() {
        let mut basis = Scalar::ONE;
        for (m, (xm, _)) in points.iter().enumerate() {
            if m != j {
                let denominator = Option::<Scalar>::from((*xj - xm).invert())
                    .ok_or_else(|| Error::malformed("share set", "duplicate index"))?;
                basis *= (x - xm) * denominator;
            }
        }
        value += *yj * basis;
    }
    Ok(Share { index, value: value.to_repr().into() })
}

fn small_index(identifier: &Scalar) -> Option<u8> {
    let repr = identifier.to_repr();
    let (high, low) = repr.split_at(31);
    (high.iter().all(|b| *b == 0) && (1..=MAX_SHARES as u8).contains(&low[0])).then_some(low[0])
}
