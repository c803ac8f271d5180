//! A k-NN model point and its packed 256-bit form (the layout `KnnPoint.sol` documents).

use alloy_primitives::U256;

/// Ratios per point: UPR, CDBR, CPBR, RAR, ANCL.
pub const DIMENSIONS: usize = 5;
/// OSC-w windows: w = 1, 2, 4, ..., 16384 days.
pub const WINDOWS: usize = 15;
/// The fixed-point one of a ratio (16 bits).
pub const RATIO_ONE: u32 = 0xffff;
/// The fixed-point one of an OSC label (8 bits).
pub const LABEL_ONE: u32 = 0xff;

const LABEL_SHIFT: usize = 80;
const PACKED_BITS: usize = 200;

/// A packed word that is not a model point.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PointError {
    /// Bits at or above 200 are set.
    #[error("packed point {0:#x} has bits set above bit 200")]
    HighBits(U256),
}

/// A model point: the borrower's ratio vector and the OSC labels observed for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ModelPoint {
    /// UPR, CDBR, CPBR, RAR, ANCL as 16-bit fixed point (65535 = 1.0).
    pub ratios: [u16; DIMENSIONS],
    /// OSC-w for w = 2^j days, as 8-bit fixed point (255 = 1.0).
    pub osc: [u8; WINDOWS],
}

impl ModelPoint {
    /// The packed word: ratio i at bits 16*i, OSC label j at bits 80 + 8*j.
    pub fn pack(&self) -> U256 {
        let mut word = U256::ZERO;
        for (i, r) in self.ratios.iter().enumerate() {
            word |= U256::from(*r) << (16 * i);
        }
        word | (U256::from(self.label()) << LABEL_SHIFT)
    }

    /// Reads a packed word.
    pub fn unpack(word: U256) -> Result<Self, PointError> {
        if word >> PACKED_BITS != U256::ZERO {
            return Err(PointError::HighBits(word));
        }
        // The low 64 bits from `shift` on; the casts keep the field's own width.
        let bits = |shift: usize| (word >> shift).as_limbs()[0];
        let ratios = std::array::from_fn(|i| bits(16 * i) as u16);
        let osc = std::array::from_fn(|j| bits(LABEL_SHIFT + 8 * j) as u8);
        Ok(Self { ratios, osc })
    }

    /// The 120-bit label: OSC window j at bits 8*j (the tie-breaker between equally distant points).
    pub fn label(&self) -> u128 {
        self.osc.iter().enumerate().fold(0, |acc, (j, o)| acc | (u128::from(*o) << (8 * j)))
    }

    /// Squared Euclidean distance to `query`, in ratio units squared.
    pub fn distance_squared(&self, query: &[u16; DIMENSIONS]) -> u64 {
        self.ratios.iter().zip(query).map(|(p, q)| (i64::from(*p) - i64::from(*q)).unsigned_abs().pow(2)).sum()
    }
}
