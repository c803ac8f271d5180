//! The attributes commitment the notary stores on-chain: `Poseidon(packed attributes, salt)`.
//!
//! The 20 committed attributes and the log monthly amount are packed, little end first, into one field
//! element: each categorical level in the fewest bits that hold its levels, each numeric attribute in
//! its bound's bits, the log monthly amount offset by `2^24` in 25 bits (108 bits in all), and the packing
//! version at bit 240. Every value is range-bounded in the circuit, so the packing is injective. The salt
//! is a uniformly random field element the borrower keeps: without it the commitment says nothing of
//! the attributes (they have little entropy).

use aloe_ml::data::ATTRIBUTES;
use aloe_ml::fixed_input::{CommittedAttributes, LOG_MONTHLY_BITS, level_count, numeric_bits};
use ark_bn254::Fr;
use ark_ff::{BigInteger, Field, PrimeField, UniformRand};
use rand::{CryptoRng, RngCore};

use crate::poseidon;

/// The packing version, at bit [`VERSION_BIT`] of the packed attributes.
pub const PACKING_VERSION: u64 = 1;
/// Where the version sits.
pub const VERSION_BIT: u32 = 240;

/// Bits of the committed log monthly amount once offset by `2^LOG_MONTHLY_BITS`.
pub const LOG_MONTHLY_PACKED_BITS: u32 = LOG_MONTHLY_BITS + 1;

/// Bits attribute `index` takes in the packing.
pub fn attribute_bits(index: usize) -> u32 {
    numeric_bits(index).unwrap_or_else(|| usize::BITS - (level_count(index) - 1).leading_zeros())
}

/// `2^k` in the field.
pub fn power_of_two(k: u32) -> Fr {
    Fr::from(2u64).pow([u64::from(k)])
}

/// A signed integer in the field (negative values as `r − |v|`).
pub fn signed(v: i128) -> Fr {
    let magnitude = Fr::from(v.unsigned_abs());
    if v < 0 { -magnitude } else { magnitude }
}

/// The packed attributes.
pub fn pack(attributes: &CommittedAttributes) -> Fr {
    let mut packed = Fr::from(0u64);
    let mut offset = 0;
    for index in 0..ATTRIBUTES {
        packed += Fr::from(attributes.values[index]) * power_of_two(offset);
        offset += attribute_bits(index);
    }
    packed += signed(i128::from(attributes.log_monthly) + (1i128 << LOG_MONTHLY_BITS)) * power_of_two(offset);
    packed + Fr::from(PACKING_VERSION) * power_of_two(VERSION_BIT)
}

/// `Poseidon(pack(attributes), salt)`.
pub fn commit(attributes: &CommittedAttributes, salt: Fr) -> Fr {
    poseidon::hash(poseidon::attributes_config(), &[pack(attributes), salt])
}

/// A fresh salt.
pub fn random_salt<R: RngCore + CryptoRng>(rng: &mut R) -> Fr {
    Fr::rand(rng)
}

/// A field element as 32 big-endian bytes (how the chain stores the commitment).
pub fn to_bytes32(x: Fr) -> [u8; 32] {
    let bytes = x.into_bigint().to_bytes_be();
    let mut out = [0u8; 32];
    out[32 - bytes.len()..].copy_from_slice(&bytes);
    out
}

/// 32 big-endian bytes as a field element, if canonical (below the field's order).
pub fn from_bytes32(bytes: &[u8; 32]) -> Option<Fr> {
    let x = Fr::from_be_bytes_mod_order(bytes);
    (to_bytes32(x) == *bytes).then_some(x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aloe_ml::data::german_credit;

    #[test]
    fn packing_fits_below_the_version_and_is_injective_on_the_data() {
        let total: u32 = (0..ATTRIBUTES).map(attribute_bits).sum::<u32>() + LOG_MONTHLY_PACKED_BITS;
        assert!(total < VERSION_BIT, "{total} bits");
        let data = german_credit();
        let mut seen = std::collections::HashSet::new();
        let mut distinct = std::collections::HashSet::new();
        for a in &data.applicants {
            let c = CommittedAttributes::from_applicant(a).unwrap();
            distinct.insert(c.values);
            seen.insert(to_bytes32(pack(&c)));
        }
        assert_eq!(seen.len(), distinct.len());
    }

    #[test]
    fn bytes_round_trip_and_non_canonical_bytes_are_refused() {
        let x = signed(-5);
        assert_eq!(from_bytes32(&to_bytes32(x)), Some(x));
        assert_eq!(from_bytes32(&[0xff; 32]), None);
    }
}
