//! What the market records while it runs, and the report built from it (`report.json`; `report.html`
//! draws the same figures).

use std::collections::BTreeMap;

use alloy_primitives::U256;
use aloe_ml::metrics::auroc;

use crate::SimConfig;
use crate::agents::Kind;
use crate::engine::{TIERS, Tier};

/// Progress after a simulated day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Days simulated.
    pub day: u32,
    /// Days in the run.
    pub days: u32,
    /// Borrowers registered so far.
    pub registered: usize,
    /// Borrowers with a disbursed loan running.
    pub active_borrowers: usize,
    /// Transactions so far (blocks on the embedded chain).
    pub transactions: u64,
    /// Gas so far.
    pub gas: u64,
}

/// How a borrow ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Still running at the end.
    Open,
    /// Paid in full.
    Repaid,
    /// Default confirmed on-chain.
    Defaulted,
    /// The loan was never funded; the request lapsed.
    Lapsed,
}

/// One accepted borrow request, with the score the chain gave it then.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BorrowRecord {
    /// Day of the request.
    pub day: u32,
    /// The borrower's hidden kind.
    pub kind: Kind,
    /// Its hidden reliability.
    pub reliability: f64,
    /// Its FICO.
    pub fico: u16,
    /// The loan's tier.
    pub tier: usize,
    /// `getScore` for this request, in thousandths.
    pub score: u64,
    /// Model rotations before the request (0: the cold-start model).
    pub rotations_before: u64,
    /// Amount, milli-ether.
    pub amount_milli: u64,
    /// How it ended.
    pub outcome: Outcome,
}

/// A simulated day's totals.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DayRow {
    /// The day.
    pub day: u32,
    /// Borrowers registered so far.
    pub registered: usize,
    /// Borrowers with a disbursed loan running.
    pub active_borrowers: usize,
    /// Loans created so far.
    pub loans: usize,
    /// Defaults confirmed so far.
    pub defaults: u64,
    /// Loans repaid in full so far.
    pub repaid: u64,
    /// Model rotations so far.
    pub rotations: u64,
    /// Gas so far.
    pub gas: u64,
}

/// What the market collects while it runs.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    /// Per day.
    pub days: Vec<DayRow>,
    /// Every accepted request.
    pub borrows: Vec<BorrowRecord>,
    /// Gas of every transaction, by operation.
    pub gas_by_operation: BTreeMap<String, Vec<u64>>,
    /// All gas.
    pub total_gas: u64,
    /// Transactions.
    pub transactions: u64,
    /// Model rotations seen.
    pub rotations: u64,
    /// Confirmed defaults.
    pub defaults: u64,
    /// Loans repaid in full.
    pub repaid: u64,
    /// Per tier: (invested, returned) by lenders of settled loans, in wei.
    pub lending: BTreeMap<usize, (U256, U256)>,
    /// Ctrl-C stopped the run early.
    pub interrupted: bool,
    /// Borrowers registered through the notary.
    pub registrations: u64,
    /// Shares the auditors released to lenders.
    pub shares_released: u64,
    /// Defaulters' identities reconstructed by a lender (each checked).
    pub reveals: u64,
    /// Points of the cold-start model published before the market opened (0: it started empty).
    pub cold_start_points: usize,
    /// Borrowers registered with a credit file.
    pub credit_files: usize,
    /// Of which the credit model approves.
    pub approved_files: usize,
    /// Borrowers that borrowed with a proof (each proved once).
    pub provers: usize,
}

impl Tally {
    /// Records a transaction's gas.
    pub fn gas(&mut self, operation: &str, gas: u64) {
        self.gas_by_operation.entry(operation.to_owned()).or_default().push(gas);
        self.total_gas += gas;
        self.transactions += 1;
    }

    /// Records what a lender put into and took out of a settled loan of `tier`.
    pub fn lent(&mut self, tier: usize, invested: U256, returned: U256) {
        let entry = self.lending.entry(tier).or_default();
        entry.0 += invested;
        entry.1 += returned;
    }
}

/// Gas of one operation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GasRow {
    /// Transactions.
    pub count: usize,
    /// Median gas.
    pub median: u64,
    /// Largest.
    pub max: u64,
    /// Sum.
    pub total: u64,
}

/// Lenders' realised return on the settled loans of a tier.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TierReturn {
    /// The tier.
    pub tier: Tier,
    /// Ether invested in settled loans.
    pub invested_ether: f64,
    /// Ether they returned.
    pub returned_ether: f64,
    /// `returned / invested − 1`.
    pub realised_return: f64,
}

/// How a tier's requests ended, where the outcome is known (repaid or defaulted).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TierDefaults {
    /// The tier.
    pub tier: Tier,
    /// Requests with a known outcome.
    pub requests: usize,
    /// Of which defaulted.
    pub defaults: usize,
}

/// The private-decision path (`crate::decisions`): files committed, approved, proved, borrowed on.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PrivateDecisions {
    /// Borrowers registered with a credit file (its Poseidon commitment on-chain).
    pub credit_files: usize,
    /// Of which the shipped credit model approves.
    pub approved: usize,
    /// Borrowers that borrowed with a Groth16 proof (each proves once and reuses it).
    pub provers: usize,
    /// Requests accepted through `borrowWithProof`.
    pub borrows_with_proof: usize,
}

/// The score's power to predict default, on requests whose outcome is known (repaid or defaulted).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Discrimination {
    /// Requests with a known outcome.
    pub requests: usize,
    /// Of which defaulted.
    pub defaults: usize,
    /// AUROC of the score (higher = safer) for repayment; `None` without both outcomes.
    pub auroc: Option<f64>,
}

/// One bin of the calibration plot: requests grouped by score, against the share that repaid.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CalibrationBin {
    /// Lowest score in the bin (thousandths).
    pub from: u64,
    /// One past the highest.
    pub to: u64,
    /// Requests with a known outcome.
    pub requests: usize,
    /// Mean score / 1000: what the score predicts as the chance of repaying.
    pub predicted: f64,
    /// Share that repaid.
    pub observed: f64,
}

/// The whole report (`report.json`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Report {
    /// What was run.
    pub config: SimConfig,
    /// The run stopped early (Ctrl-C): figures cover the days simulated.
    pub partial: bool,
    /// Days simulated.
    pub days_simulated: u32,
    /// Transactions sent.
    pub transactions: u64,
    /// All gas.
    pub total_gas: u64,
    /// Gas per operation.
    pub gas: BTreeMap<String, GasRow>,
    /// Points of the cold-start k-NN model published before the market opened (0: it started empty, so
    /// `getScore` answered FICO until the first rotation).
    pub cold_start_points: usize,
    /// Model rotations.
    pub rotations: u64,
    /// Borrowers registered through the notary (identity split among the auditors, then `initScoreLedger`).
    pub registrations: u64,
    /// Shares the auditors released to lenders after confirmed defaults.
    pub shares_released: u64,
    /// Identity reveals to lenders after confirmed defaults (each checked against the notary's).
    pub identity_reveals: u64,
    /// Per day.
    pub days: Vec<DayRow>,
    /// Score AUROC for repayment: every request, the cold-start model's, after at least one rotation.
    pub discrimination: BTreeMap<String, Discrimination>,
    /// Calibration of the score.
    pub calibration: Vec<CalibrationBin>,
    /// Lenders' realised return by tier.
    pub returns: Vec<TierReturn>,
    /// Defaults by tier.
    pub tier_defaults: Vec<TierDefaults>,
    /// The private-decision path.
    pub private_decisions: PrivateDecisions,
    /// Scores at borrow time of eventual defaulters and payers (thousandths).
    pub scores_defaulters: Vec<u64>,
    /// Same, payers.
    pub scores_payers: Vec<u64>,
    /// Every accepted request.
    pub borrows: Vec<BorrowRecord>,
    /// Seconds the run took (the one figure that differs between runs of the same seed).
    pub wall_seconds: f64,
}

fn discrimination<'a>(records: impl Iterator<Item = &'a BorrowRecord>) -> Discrimination {
    let known: Vec<&BorrowRecord> =
        records.filter(|r| matches!(r.outcome, Outcome::Repaid | Outcome::Defaulted)).collect();
    let scores: Vec<f64> = known.iter().map(|r| r.score as f64).collect();
    let repaid: Vec<bool> = known.iter().map(|r| r.outcome == Outcome::Repaid).collect();
    let defaults = repaid.iter().filter(|&&r| !r).count();
    let auroc = if defaults == 0 || defaults == known.len() { None } else { auroc(&scores, &repaid) };
    Discrimination { requests: known.len(), defaults, auroc }
}

impl Report {
    /// The report of a run.
    pub fn new(config: SimConfig, tally: Tally, wall_seconds: f64) -> Self {
        let gas = tally
            .gas_by_operation
            .iter()
            .map(|(name, values)| {
                let mut v = values.clone();
                v.sort_unstable();
                let row = GasRow {
                    count: v.len(),
                    median: v[v.len() / 2],
                    max: *v.last().unwrap_or(&0),
                    total: v.iter().sum(),
                };
                (name.clone(), row)
            })
            .collect();
        let mut discrimination_rows = BTreeMap::new();
        discrimination_rows.insert("all".to_owned(), discrimination(tally.borrows.iter()));
        discrimination_rows
            .insert("cold_start".to_owned(), discrimination(tally.borrows.iter().filter(|r| r.rotations_before == 0)));
        discrimination_rows.insert(
            "after_rotation".to_owned(),
            discrimination(tally.borrows.iter().filter(|r| r.rotations_before > 0)),
        );
        let known: Vec<&BorrowRecord> =
            tally.borrows.iter().filter(|r| matches!(r.outcome, Outcome::Repaid | Outcome::Defaulted)).collect();
        let calibration = (0..10u64)
            .filter_map(|b| {
                let (from, to) = (b * 100, if b == 9 { u64::MAX } else { (b + 1) * 100 });
                let bin: Vec<&&BorrowRecord> = known.iter().filter(|r| r.score >= from && r.score < to).collect();
                (!bin.is_empty()).then(|| CalibrationBin {
                    from,
                    to: to.min(1001),
                    requests: bin.len(),
                    predicted: bin.iter().map(|r| r.score as f64 / 1000.0).sum::<f64>() / bin.len() as f64,
                    observed: bin.iter().filter(|r| r.outcome == Outcome::Repaid).count() as f64 / bin.len() as f64,
                })
            })
            .collect();
        let ether = |w: U256| w.to::<u128>() as f64 / 1e18;
        let returns = tally
            .lending
            .iter()
            .map(|(&tier, &(invested, returned))| TierReturn {
                tier: TIERS[tier],
                invested_ether: ether(invested),
                returned_ether: ether(returned),
                realised_return: ether(returned) / ether(invested) - 1.0,
            })
            .collect();
        let tier_defaults = TIERS
            .iter()
            .enumerate()
            .map(|(i, &tier)| {
                let of_tier = || known.iter().filter(move |r| r.tier == i);
                let defaults = of_tier().filter(|r| r.outcome == Outcome::Defaulted).count();
                TierDefaults { tier, requests: of_tier().count(), defaults }
            })
            .collect();
        let private_decisions = PrivateDecisions {
            credit_files: tally.credit_files,
            approved: tally.approved_files,
            provers: tally.provers,
            borrows_with_proof: tally.borrows.iter().filter(|r| TIERS[r.tier].decision).count(),
        };
        let scores = |o: Outcome| known.iter().filter(|r| r.outcome == o).map(|r| r.score).collect();
        Self {
            partial: tally.interrupted,
            days_simulated: tally.days.len() as u32,
            transactions: tally.transactions,
            total_gas: tally.total_gas,
            gas,
            rotations: tally.rotations,
            cold_start_points: tally.cold_start_points,
            registrations: tally.registrations,
            shares_released: tally.shares_released,
            identity_reveals: tally.reveals,
            discrimination: discrimination_rows,
            calibration,
            returns,
            tier_defaults,
            private_decisions,
            scores_defaulters: scores(Outcome::Defaulted),
            scores_payers: scores(Outcome::Repaid),
            days: tally.days,
            borrows: tally.borrows,
            config,
            wall_seconds,
        }
    }
}
