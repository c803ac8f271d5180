//! A lender of a defaulted loan (paper III-D): fetches the shares released to it, decrypts and verifies
//! each, reconstructs from any t and checks the identity against the on-chain hash.

use alloy_primitives::Address;

use super::Registry;
use crate::{Error, Result, encryption::DecryptionKey, escrow, identity::NationalId};

/// `lender` (holding `key`) reveals `borrower`'s identity after their default on `loan`.
pub fn reveal(
    registry: &mut dyn Registry,
    key: &DecryptionKey,
    lender: Address,
    loan: Address,
    borrower: Address,
) -> Result<NationalId> {
    let identity =
        registry.identity_of(borrower)?.ok_or_else(|| Error::refused(format!("{borrower} has no identity escrow")))?;
    let released = registry.released_to(loan, borrower, lender)?;
    if released.is_empty() {
        return Err(Error::refused(format!("no share was released to {lender} for {borrower} on {loan}")));
    }
    let opened: Vec<_> = released
        .iter()
        .filter_map(|r| escrow::open_release(&r.sealed, key, loan, borrower, lender, r.auditor_index).ok())
        .collect();
    escrow::reconstruct(&opened, &identity)
}
