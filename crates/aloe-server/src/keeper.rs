//! The keeper: reports borrowers the chain says are in default, so that the bureau confirms it and the
//! auditors release the identity shares to the loan's lenders. Anyone may report; the bureau checks the
//! arrears itself, so a wrong report only costs the reporter gas.

use alloy_primitives::Address;
use aloe_chain::Chain;
use aloe_contracts::{Loan, Protocol};

/// A default the keeper reported and the bureau confirmed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reported {
    /// The loan.
    pub loan: Address,
    /// The borrower.
    pub borrower: Address,
}

/// Reports each of `candidates` (loan, borrower: positions disbursed and neither repaid nor defaulted)
/// that `Loan.isInDefault` says is in default now; returns those the bureau confirmed.
pub fn pass(
    chain: &mut dyn Chain,
    protocol: &Protocol,
    keeper: Address,
    candidates: &[(Address, Address)],
) -> Result<Vec<Reported>, crate::Error> {
    let now = chain.timestamp()?;
    let mut reported = Vec::new();
    for &(loan, borrower) in candidates {
        // Only views are read before the report: the asset does not matter.
        let handle = Loan { address: loan, asset: Address::ZERO };
        if !handle.is_in_default(chain, borrower, now)? {
            continue;
        }
        let sent = protocol.bureau.report_default(chain, keeper, loan, borrower)?;
        tracing::info!(%loan, %borrower, arrears = %sent.value, "default reported and confirmed");
        reported.push(Reported { loan, borrower });
    }
    Ok(reported)
}
