//! The simulated market: deterministic for a seed, interruptible, and consistent with the chain.

use std::sync::atomic::{AtomicBool, Ordering};

use aloe_chain::{Chain, EmbeddedChain, RpcChain};
use aloe_sim::report::Outcome;
use aloe_sim::{Report, SimConfig, agents::Kind, run};

fn stores() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn simulate(config: SimConfig) -> Report {
    let dir = stores();
    run(Box::new(EmbeddedChain::new()), config, dir.path(), None, &AtomicBool::new(false), &mut |_| {}).unwrap()
}

fn without_wall_time(report: &Report) -> serde_json::Value {
    let mut value = serde_json::to_value(report).unwrap();
    value.as_object_mut().unwrap().remove("wall_seconds");
    value
}

#[test]
fn the_same_seed_gives_the_same_report_and_scores_rank_payers_above_defaulters() {
    let config = SimConfig { borrowers: 300, lenders: 30, days: 730, seed: 7 };
    let report = simulate(config);
    assert_eq!(without_wall_time(&report), without_wall_time(&simulate(config)));
    let short = SimConfig { borrowers: 40, lenders: 4, days: 120, seed: 7 };
    assert_ne!(without_wall_time(&simulate(short)), without_wall_time(&simulate(SimConfig { seed: 8, ..short })));

    assert!(!report.partial);
    assert_eq!(report.days_simulated, 730);
    assert!(report.rotations >= 1, "the model rotated");
    let all = &report.discrimination["all"];
    assert!(all.requests > 100 && all.defaults > 10, "{all:?}");
    assert!(all.auroc.unwrap() > 0.6, "{all:?}");
    assert!(report.discrimination["after_rotation"].requests > 0);
    // Every borrower registered through the notary; every default revealed to a lender, checked.
    assert_eq!(report.registrations, 300);
    let defaults = report.borrows.iter().filter(|b| b.outcome == Outcome::Defaulted).count() as u64;
    assert_eq!(report.identity_reveals, defaults);
    assert!(report.shares_released >= 2 * defaults);
    // A strategic defaulter never repays; every default in the report was confirmed on-chain.
    assert!(report.borrows.iter().all(|b| !(b.kind == Kind::Strategic && b.outcome == Outcome::Repaid)));
    assert_eq!(
        report.gas["reportDefault"].count,
        report.borrows.iter().filter(|b| b.outcome == Outcome::Defaulted).count()
    );
    assert_eq!(report.gas["recordPoint"].count, all.requests, "one point per loan repaid or defaulted on");
    let lent: f64 = report.returns.iter().map(|r| r.invested_ether).sum();
    assert!(lent > 0.0 && report.returns.iter().all(|r| r.returned_ether >= 0.0));
    assert_eq!(report.transactions, report.gas.values().map(|g| g.count as u64).sum::<u64>());
    // Private decisions: borrowers with a credit file the model approves borrow from the decision tier with a
    // proof, each proving once; nobody else does.
    let decisions = &report.private_decisions;
    assert!(decisions.credit_files > 0 && decisions.approved <= decisions.credit_files, "{decisions:?}");
    assert!(decisions.provers > 0 && decisions.provers <= decisions.approved, "{decisions:?}");
    assert!(decisions.borrows_with_proof >= decisions.provers, "{decisions:?}");
    assert_eq!(report.gas["borrowWithProof"].count, decisions.borrows_with_proof);
    assert_eq!(report.gas["registerDecisionModel"].count, 1);
    let decision_tier = report.tier_defaults.iter().find(|t| t.tier.decision).unwrap();
    assert!(decision_tier.requests > 0, "{decision_tier:?}");
    assert_eq!(report.tier_defaults.iter().map(|t| t.requests).sum::<usize>(), all.requests);
    // The escrow parties' transactions are metered too.
    assert_eq!(report.gas["initScoreLedger"].count, 300);
    assert!(report.gas["releaseShares"].count as u64 >= defaults);
}

#[test]
fn an_interrupted_run_reports_the_days_it_simulated() {
    let stop = AtomicBool::new(false);
    let config = SimConfig { borrowers: 50, lenders: 5, days: 400, seed: 3 };
    let dir = stores();
    let report = run(Box::new(EmbeddedChain::new()), config, dir.path(), None, &stop, &mut |p| {
        if p.day == 60 {
            stop.store(true, Ordering::Relaxed);
        }
    })
    .unwrap();
    assert!(report.partial);
    assert_eq!(report.days_simulated, 60);
    assert_eq!(report.days.len(), 60);
}

#[test]
#[ignore = "needs anvil: run scripts/test, or set ALOE_ANVIL_URL and pass --include-ignored"]
fn anvil_runs_the_same_market_with_the_same_gas() {
    let url = std::env::var("ALOE_ANVIL_URL").expect("ALOE_ANVIL_URL must point at anvil (scripts/test starts one)");
    let config = SimConfig { borrowers: 20, lenders: 4, days: 45, seed: 2 };
    let connect = || RpcChain::connect(&url, aloe_sim::agents::signers(config.borrowers, config.lenders)).unwrap();
    // A second connection keeps the snapshot: anvil's snapshots are the node's, whoever asks.
    let mut node = connect();
    let (clock, block) = (node.timestamp().unwrap(), node.block_number().unwrap());
    let snapshot = node.snapshot().unwrap();
    let dir = stores();
    let on_anvil = run(Box::new(connect()), config, dir.path(), None, &AtomicBool::new(false), &mut |_| {}).unwrap();
    node.revert_to(snapshot).unwrap();
    assert_eq!((node.timestamp().unwrap(), node.block_number().unwrap()), (clock, block), "anvil restored");
    let embedded = simulate(config);
    // The same transactions and outcomes; gas equal up to the calldata of the dates (anvil's clock may
    // not start where the embedded chain's does).
    assert_eq!(on_anvil.transactions, embedded.transactions);
    assert_eq!(on_anvil.discrimination, embedded.discrimination);
    let ratio = on_anvil.total_gas as f64 / embedded.total_gas as f64;
    assert!((ratio - 1.0).abs() < 1e-3, "gas {} on anvil, {} embedded", on_anvil.total_gas, embedded.total_gas);
    assert_eq!(serde_json::to_value(&on_anvil.borrows).unwrap(), serde_json::to_value(&embedded.borrows).unwrap());
}
