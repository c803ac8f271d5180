//! The notary's attributes commitment: `aloe-zk`'s Poseidon commitment over the borrower's credit-model
//! attributes, after checking them (the 20 UCI attributes within the committed bounds, a canonical
//! salt). A real notary checks the attributes against its evidence first, as it does the identifier.

use alloy_primitives::B256;
use aloe_identity::roles::notary::{AttributesCommitter, ModelAttributes};
use aloe_zk::commitment::{commit, to_bytes32};
use aloe_zk::files::{field_from_hex, parse_attributes};

/// Commits with `aloe-zk`.
#[derive(Debug, Clone, Copy, Default)]
pub struct PoseidonCommitter;

impl AttributesCommitter for PoseidonCommitter {
    fn commit(&self, attributes: &ModelAttributes) -> Result<B256, String> {
        let committed = parse_attributes(&attributes.uci).map_err(|e| e.to_string())?;
        let salt = field_from_hex(&attributes.salt).ok_or("the salt is not a 32-byte field element")?;
        Ok(B256::from(to_bytes32(commit(&committed, salt))))
    }
}
