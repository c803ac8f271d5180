//! The two Poseidon hashes over BN254's scalar field: one for a borrower's attributes commitment (width
//! 3: the packed attributes and the salt, one permutation) and one for a private model's weights
//! (width 9: eight packed words a permutation). Round constants and MDS matrices come from the
//! reference Grain LFSR generation (arkworks' `find_poseidon_ark_and_mds`); x^5 S-box, 8 full rounds,
//! and the partial rounds of the Poseidon paper's table for a 254-bit field at 128-bit security (57 for
//! width 3, 63 for width 9). Different widths are different functions, which keeps the two uses apart.

use std::sync::OnceLock;

use ark_bn254::Fr;
use ark_crypto_primitives::sponge::poseidon::{PoseidonConfig, PoseidonSponge, find_poseidon_ark_and_mds};
use ark_crypto_primitives::sponge::{CryptographicSponge, FieldBasedCryptographicSponge};
use ark_ff::PrimeField;

fn config(rate: usize, partial_rounds: usize) -> PoseidonConfig<Fr> {
    const FULL_ROUNDS: usize = 8;
    let (ark, mds) = find_poseidon_ark_and_mds::<Fr>(
        u64::from(Fr::MODULUS_BIT_SIZE),
        rate,
        FULL_ROUNDS as u64,
        partial_rounds as u64,
        0,
    );
    PoseidonConfig::new(FULL_ROUNDS, partial_rounds, 5, mds, ark, rate, 1)
}

/// Width 3 (rate 2): the attributes commitment `H(packed attributes, salt)`.
pub fn attributes_config() -> &'static PoseidonConfig<Fr> {
    static CONFIG: OnceLock<PoseidonConfig<Fr>> = OnceLock::new();
    CONFIG.get_or_init(|| config(2, 57))
}

/// Width 9 (rate 8): a private model's commitment over its packed weights.
pub fn model_config() -> &'static PoseidonConfig<Fr> {
    static CONFIG: OnceLock<PoseidonConfig<Fr>> = OnceLock::new();
    CONFIG.get_or_init(|| config(8, 63))
}

/// The sponge's first output after absorbing `inputs`.
pub fn hash(config: &PoseidonConfig<Fr>, inputs: &[Fr]) -> Fr {
    let mut sponge = PoseidonSponge::new(config);
    sponge.absorb(&inputs);
    sponge.squeeze_native_field_elements(1)[0]
}
