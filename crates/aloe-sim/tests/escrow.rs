//! The simulated market's identity escrow on the real contracts: two borrowers registered through the
//! notary share an ether loan, one pays and one defaults; after the default is reported the auditors
//! release, and only the lender learns only the defaulter's identifier. Plus the refusals, the stores'
//! contents, determinism from the seed, and (ignored) a registration throughput measurement.

use std::time::Instant;

use alloy::signers::local::PrivateKeySigner;
use alloy_primitives::{Address, U256};
use aloe_chain::{Chain, EmbeddedChain, SharedChain, dev_signer};
use aloe_contracts::{LoanTerms, Protocol, lifecycle::whole};
use aloe_sim::escrow::IdentityDesk;

const DAY: u64 = 86_400;
const PAYER_ID: &str = "111-22-3333";
const DEFAULTER_ID: &str = "078-05-1120";

/// The protocol on a fresh embedded chain, governed by `dev_signer(0)`, and a desk with three auditors
/// (any two reveal) and `dev_signer(1)` as notary, its stores under `dir`.
fn deploy(dir: &std::path::Path, seed: u64) -> (SharedChain, Protocol, Address, IdentityDesk) {
    let chain = SharedChain::new(Box::new(EmbeddedChain::new()));
    let owner = dev_signer(0).address();
    chain.clone().set_balance(owner, whole(1_000)).unwrap();
    let protocol = Protocol::deploy(&mut chain.clone(), owner).unwrap();
    let desk = IdentityDesk::new(&chain, protocol, owner, dev_signer(1), 3, 2, dir, seed).unwrap();
    (chain, protocol, owner, desk)
}

/// Whether `needle` occurs in any file under `dir` (the stores, their WAL and journal files).
fn found_in_files(dir: &std::path::Path, needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        if bytes.windows(needle.len()).any(|w| w == needle.as_bytes()) {
            found.push(path.display().to_string());
        }
    }
    found
}

#[test]
fn the_lender_reveals_only_the_defaulter() {
    let dir = tempfile::tempdir().unwrap();
    let (chain, protocol, owner, mut desk) = deploy(dir.path(), 7);
    let mut c = chain.clone();
    let [payer, defaulter, lender, stranger, twin] = [20, 21, 22, 23, 24].map(dev_signer);
    for who in [&payer, &defaulter, &lender, &stranger] {
        c.set_balance(who.address(), whole(100)).unwrap();
    }

    // The ends of the simulation's FICO range are accepted; outside it is refused.
    desk.register(&payer, 850, PAYER_ID, None).unwrap();
    desk.register(&defaulter, 300, DEFAULTER_ID, None).unwrap();
    let low = desk.register(&twin, 299, "999-88-7777", None).unwrap_err().to_string();
    assert!(low.contains("outside 300..=850"), "{low}");
    for who in [&payer, &defaulter] {
        let record = protocol.identity_escrow.identity_of(&mut c, who.address()).unwrap();
        assert_ne!(record.epoch, 0, "{} has an identity escrow", who.address());
    }
    // The same identity behind a fresh address, and the same address again: refused.
    let again = desk.register(&twin, 700, DEFAULTER_ID, None).unwrap_err().to_string();
    assert!(again.contains("this identity is already registered"), "{again}");
    let twice = desk.register(&payer, 700, "222-33-4444", None).unwrap_err().to_string();
    assert!(twice.contains("already registered"), "{twice}");
    assert!(protocol.bureau.verify_unused_address(&mut c, twin.address()).is_ok(), "nothing registered for the twin");

    // One ether loan, one payment, both borrowers in it; the lender's key is on-chain before it invests.
    desk.set_lender_key(&lender).unwrap();
    desk.set_lender_key(&lender).unwrap(); // a second call sends nothing (and so does not revert)
    let now = c.timestamp().unwrap();
    let terms = LoanTerms {
        asset: Address::ZERO,
        totalAmount: whole(10).to(),
        intRatePerMil: 10,
        numPayments: 1,
        secondsBetweenPayments: 30 * 86_400,
        minCreditScore: 0,
        fundDate: alloy_primitives::Uint::from(now + DAY),
        gracePeriod: 10 * 86_400,
        creatorFeePerMil: 0,
        decisionModel: 0,
        minDecisionMargin: 0,
    };
    let loan = protocol.bureau.create_loan(&mut c, owner, terms).unwrap().value;
    for who in [&payer, &defaulter] {
        loan.borrow(&mut c, who.address(), whole(5)).unwrap();
    }
    loan.invest(&mut c, lender.address(), whole(10)).unwrap();
    for who in [&payer, &defaulter] {
        loan.disburse(&mut c, who.address()).unwrap();
    }
    c.advance_time(30 * DAY).unwrap();
    let installment = loan.installment_of(&mut c, payer.address()).unwrap();
    loan.make_payment(&mut c, payer.address(), installment).unwrap();
    assert_eq!(loan.owed(&mut c, payer.address()).unwrap(), U256::ZERO);

    // Before any default: nothing released, nothing revealed.
    assert_eq!(desk.release_pass().unwrap(), 0);
    assert!(desk.reveal(&lender, loan.address, defaulter.address()).is_err());

    // Past due and grace: the default is reported, every auditor releases its share to the one lender.
    c.advance_time(11 * DAY).unwrap();
    protocol.bureau.report_default(&mut c, owner, loan.address, defaulter.address()).unwrap();
    assert!(protocol.bureau.report_default(&mut c, owner, loan.address, payer.address()).is_err());
    assert_eq!(desk.release_pass().unwrap(), 3, "three auditors, one lender");
    assert_eq!(desk.release_pass().unwrap(), 0, "released once");

    assert_eq!(desk.reveal(&lender, loan.address, defaulter.address()).unwrap(), DEFAULTER_ID);
    let stranger_error = desk.reveal(&stranger, loan.address, defaulter.address()).unwrap_err().to_string();
    assert!(stranger_error.contains("no share was released"), "{stranger_error}");
    let payer_error = desk.reveal(&lender, loan.address, payer.address()).unwrap_err().to_string();
    assert!(payer_error.contains("no share was released"), "{payer_error}");

    // The stores hold neither identifier, in any file (databases and their WAL).
    assert!(std::fs::read_dir(dir.path()).unwrap().count() >= 4, "notary and three auditor stores");
    // (The scan does read what the stores wrote: the notary's log names the borrower's address.)
    assert!(!found_in_files(dir.path(), &payer.address().to_string()).is_empty());
    for identifier in [PAYER_ID, DEFAULTER_ID] {
        assert_eq!(found_in_files(dir.path(), identifier), Vec::<String>::new(), "{identifier} in a store");
    }
}

#[test]
fn the_same_seed_gives_the_same_escrow() {
    let records: Vec<_> = (0..2)
        .map(|_| {
            let dir = tempfile::tempdir().unwrap();
            let (chain, protocol, _, mut desk) = deploy(dir.path(), 42);
            let borrower = dev_signer(20);
            desk.register(&borrower, 700, DEFAULTER_ID, None).unwrap();
            let record = protocol.identity_escrow.identity_of(&mut chain.clone(), borrower.address()).unwrap();
            (desk.auditors(), record.identityTag, record.identityHash, record.escrowDigest)
        })
        .collect();
    assert_eq!(records[0], records[1]);
    // Another seed: the same auditors (their keys are the market's roles), another split and tag key.
    let dir = tempfile::tempdir().unwrap();
    let (chain, protocol, _, mut other) = deploy(dir.path(), 43);
    let borrower = dev_signer(20);
    other.register(&borrower, 700, DEFAULTER_ID, None).unwrap();
    let record = protocol.identity_escrow.identity_of(&mut chain.clone(), borrower.address()).unwrap();
    assert_eq!(other.auditors(), records[0].0);
    assert_ne!((record.identityTag, record.escrowDigest), (records[0].1, records[0].3), "another seed, another escrow");
}

/// Registrations per second, the clock moving a day every 100 (as the simulation's day loop does):
/// `cargo test --release -p aloe-sim --test escrow -- --ignored --nocapture`; `ESCROW_BENCH_N` borrowers
/// (default 500).
#[test]
#[ignore = "a measurement, not a check"]
fn registrations_per_second() {
    let n: usize = std::env::var("ESCROW_BENCH_N").ok().and_then(|v| v.parse().ok()).unwrap_or(500);
    let dir = tempfile::tempdir().unwrap();
    let (chain, _, _, mut desk) = deploy(dir.path(), 1);
    let borrowers: Vec<PrivateKeySigner> = (0..n).map(|i| dev_signer(1_000 + i)).collect();
    let started = Instant::now();
    for (i, borrower) in borrowers.iter().enumerate() {
        if i > 0 && i % 100 == 0 {
            chain.clone().advance_time(DAY).unwrap();
        }
        desk.register(borrower, 300 + (i % 551) as u16, &format!("{:09}", 100_000_000 + i), None).unwrap();
    }
    let seconds = started.elapsed().as_secs_f64();
    println!("{n} registrations in {seconds:.2} s: {:.1} per second", n as f64 / seconds);
}
