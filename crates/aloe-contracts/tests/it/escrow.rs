//! The IdentityEscrow handle over the embedded chain: records, keys, and the share hand-over read back
//! from the chain's logs (the ciphertexts here are stand-ins; aloe-identity makes real ones).

use alloy_primitives::{B256, Bytes, U256};
use aloe_chain::Chain;
use aloe_contracts::{Auditor, stand_in_identity};

use super::Fixture;

#[test]
fn shares_go_to_the_lenders_of_a_defaulted_loan_and_read_back_from_logs() {
    let mut f = Fixture::new();
    let escrow = f.protocol.identity_escrow;
    let borrower = f.borrowers[0];
    let (auditors, threshold) = escrow.auditor_set(&mut f.chain, 1).unwrap();
    assert_eq!((auditors.len(), threshold), (2, 2));
    let record = escrow.identity_of(&mut f.chain, borrower).unwrap();
    assert_eq!(record, stand_in_identity(borrower, 1));
    assert_eq!(escrow.borrower_of_tag(&mut f.chain, record.identityTag).unwrap(), borrower);

    // Two lenders fund the loan; the borrower takes it all and never pays.
    let loan = f.ether_loan();
    let (a, b) = (f.lenders[0], f.lenders[1]);
    loan.invest(&mut f.chain, a, U256::from(10u128.pow(19))).unwrap();
    loan.invest(&mut f.chain, b, U256::from(2 * 10u128.pow(19))).unwrap();
    loan.invest(&mut f.chain, a, U256::ZERO).unwrap_err();
    assert_eq!(loan.lenders(&mut f.chain).unwrap(), vec![a, b]);
    loan.borrow(&mut f.chain, borrower, U256::from(3 * 10u128.pow(19))).unwrap();
    loan.disburse(&mut f.chain, borrower).unwrap();
    for lender in [a, b] {
        escrow.set_encryption_key(&mut f.chain, lender, B256::repeat_byte(lender.0[0])).unwrap();
    }

    let auditor: Auditor = auditors[1].clone();
    let ciphertexts = vec![Bytes::from_static(b"for a"), Bytes::from_static(b"for b")];
    // Before the default is confirmed the escrow refuses.
    let early =
        escrow.release_shares(&mut f.chain, auditor.account, loan.address, borrower, vec![a, b], ciphertexts.clone());
    assert_eq!(early.unwrap_err().revert().unwrap().name(), "NotInDefault");

    f.chain.advance_time(60 * 86_400).unwrap();
    f.protocol.bureau.report_default(&mut f.chain, f.owner, loan.address, borrower).unwrap();
    let defaults = f.protocol.bureau.defaults_since(&mut f.chain, 0).unwrap();
    assert_eq!(defaults.len(), 1);
    assert_eq!((defaults[0].1.loan, defaults[0].1.borrower), (loan.address, borrower));
    assert!(f.protocol.bureau.defaults_since(&mut f.chain, defaults[0].0 + 1).unwrap().is_empty());

    escrow.release_shares(&mut f.chain, auditor.account, loan.address, borrower, vec![a, b], ciphertexts).unwrap();
    let for_a = escrow.released_shares(&mut f.chain, loan.address, borrower, a).unwrap();
    assert_eq!(for_a.len(), 1);
    assert_eq!(
        (for_a[0].auditor, for_a[0].auditorIndex, for_a[0].sealedShare.as_ref()),
        (auditor.account, 2, &b"for a"[..])
    );
    assert!(escrow.released_shares(&mut f.chain, loan.address, borrower, f.lenders[2]).unwrap().is_empty());

    // A real released share for t = 2 is 592 bytes (HPKE of the ABI-encoded share and package): the gas of
    // one auditor's release to both lenders (91,833 on 2026-11-25; BENCHMARKS.md).
    let real = vec![Bytes::from(vec![0xab; 592]), Bytes::from(vec![0xcd; 592])];
    let sent = escrow.release_shares(&mut f.chain, auditor.account, loan.address, borrower, vec![a, b], real).unwrap();
    assert!(sent.receipt.gas_used < 100_000, "{}", sent.receipt.gas_used);
}
