//! The k-NN benchmark: the whole `CreditBureau.getScore` (ledger projection, both model sets, labels,
//! weighting) for a borrower with history, at growing model sizes, beside the naive baseline (points in a
//! storage array, a plain Solidity loop) over the same seeded synthetic points, in one run.

use alloy_primitives::{Address, U256};
use aloe_chain::Chain;
use aloe_score::{ModelPoint, synthetic::SplitMix64};

use crate::{
    LoanTerms, NaiveKnn, Protocol, Result,
    knn::{MAX_CHUNK_POINTS, PointSet},
    lifecycle::whole,
};

/// The requests the benchmark scores: 3 monthly payments (a 90-day loan, between the 64- and 128-day
/// windows), principals of 1 to `queries` ether at 1% a month.
pub const DURATION: u64 = 90 * 86_400;
const PERIOD: u64 = 30 * 86_400;

/// Points per baseline `add` transaction (each a fresh storage slot: ~22,100 gas).
const NAIVE_BATCH: usize = 500;

/// One model size's figures: medians over the queries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenchRow {
    /// Points in the model.
    pub points: usize,
    /// Median gas of `CreditBureau.getScore` as a transaction; `None` if it exceeded the transaction gas cap.
    pub model_gas: Option<u64>,
    /// Median gas of the naive baseline, when it was measured at this size; `None` if not measured or over
    /// the cap (see `naive_over_cap`).
    pub naive_gas: Option<u64>,
    /// Whether the baseline was tried at this size and could not run within the cap.
    pub naive_over_cap: bool,
}

/// What to measure.
#[derive(Debug, Clone)]
pub struct BenchPlan {
    /// Model sizes, ascending.
    pub sizes: Vec<usize>,
    /// Sizes at which to also run the baseline (it stops fitting a transaction near 3,000 points).
    pub naive_sizes: Vec<usize>,
    /// k.
    pub k: u8,
    /// Queries per size (the median is reported).
    pub queries: usize,
    /// Seed of the points and queries.
    pub seed: u64,
}

fn median(mut values: Vec<u64>) -> u64 {
    values.sort_unstable();
    values[values.len() / 2]
}

/// Runs the plan on `chain` (a development chain: it deploys the protocol with `owner`, gives a borrower a
/// day of history and uploads synthetic points). `progress` receives a line per step.
pub fn run(
    chain: &mut dyn Chain,
    owner: Address,
    plan: &BenchPlan,
    progress: &mut dyn FnMut(String),
) -> Result<Vec<BenchRow>> {
    let protocol = Protocol::deploy(chain, owner)?;
    let (bureau, model) = (protocol.bureau, protocol.score_model);
    let borrower = with_history(chain, owner, &protocol)?;
    let naive = NaiveKnn::deploy(chain, owner)?;
    let mut rng = SplitMix64::new(plan.seed);
    let queries: Vec<[u16; 5]> = (0..plan.queries).map(|_| rng.query()).collect();
    let mut staged = 0;
    let mut naive_points = 0;
    let naive_max = plan.naive_sizes.iter().copied().max().unwrap_or(0);
    let mut rows = Vec::new();
    for &size in &plan.sizes {
        // Stage up to `size`, then publish on a snapshot so the staged chunks stay for the next size.
        while staged < size {
            let n = (size - staged).min(MAX_CHUNK_POINTS);
            let chunk: Vec<ModelPoint> = (0..n).map(|_| rng.point()).collect();
            model.stage_chunk(chain, owner, &chunk)?;
            // The baseline holds the first points of the same stream, up to its largest size.
            let wanted = naive_max.saturating_sub(naive_points).min(chunk.len());
            for batch in chunk[..wanted].chunks(NAIVE_BATCH) {
                naive.add(chain, owner, batch)?;
                naive_points += batch.len();
            }
            staged += n;
        }
        progress(format!("{size} points staged in {} chunks", model.chunks(chain, PointSet::Staging)?.len()));
        let snapshot = chain.snapshot().map_err(|source| crate::Error::Chain {
            contract: "chain",
            function: "snapshot",
            source,
        })?;
        model.publish(chain, owner, plan.k)?;
        let model_gas = score_gas(chain, &bureau, borrower, plan.queries)?;
        chain.revert_to(snapshot).map_err(|source| crate::Error::Chain {
            contract: "chain",
            function: "revert",
            source,
        })?;
        let (naive_gas, naive_over_cap) = if plan.naive_sizes.contains(&size) && naive_points == size {
            let gas = measure(&queries, |q| naive.score_gas(chain, q, DURATION, plan.k))?;
            (gas, gas.is_none())
        } else {
            (None, false)
        };
        progress(format!("{size} points: model {model_gas:?} gas, baseline {naive_gas:?}"));
        rows.push(BenchRow { points: size, model_gas, naive_gas, naive_over_cap });
    }
    Ok(rows)
}

/// The median gas of `CreditBureau.getScore` for `borrower` (see [`with_history`]) over `queries` requests
/// of 1, 2, ... ether, 3 monthly payments at 1% a month; `None` if one exceeds the transaction gas cap.
pub fn score_gas(
    chain: &mut dyn Chain,
    bureau: &crate::CreditBureau,
    borrower: Address,
    queries: usize,
) -> Result<Option<u64>> {
    let amounts: Vec<U256> = (1..=queries as u64).map(whole).collect();
    measure(&amounts, |amount| bureau.get_score_gas(chain, borrower, amount, 10, 3, PERIOD))
}

/// The gas of the model's answer (`KnnModel.score` as a transaction: the scan of both sets, no ledger) for
/// each query at `duration`, sorted ascending; `None` if one exceeds the transaction gas cap.
pub fn scan_gas(
    chain: &mut dyn Chain,
    model: &crate::KnnModel,
    queries: &[[u16; 5]],
    duration: u64,
) -> Result<Option<Vec<u64>>> {
    let mut values = Vec::with_capacity(queries.len());
    for query in queries {
        match model.score_gas(chain, *query, duration) {
            Ok(used) => values.push(used),
            Err(crate::Error::Chain { source: aloe_chain::Error::Halted { .. }, .. }) => return Ok(None),
            Err(error) => return Err(error),
        }
    }
    values.sort_unstable();
    Ok(Some(values))
}

/// A registered borrower who requested a loan a day ago: getScore consults the model for them.
pub fn with_history(chain: &mut dyn Chain, owner: Address, protocol: &Protocol) -> Result<Address> {
    let borrower = Address::repeat_byte(0xb0);
    let bureau = protocol.bureau;
    bureau.add_notary(chain, owner, owner)?;
    let now =
        chain.timestamp().map_err(|source| crate::Error::Chain { contract: "chain", function: "timestamp", source })?;
    let epoch = protocol.identity_escrow.set_auditors(chain, owner, crate::stand_in_auditors(), 2)?.value;
    bureau.init_score_ledger(chain, owner, borrower, 700, now, crate::stand_in_identity(borrower, epoch))?;
    let terms = LoanTerms {
        asset: Address::ZERO,
        totalAmount: whole(10).to(),
        intRatePerMil: 10,
        numPayments: 3,
        secondsBetweenPayments: PERIOD as u32,
        minCreditScore: 0,
        fundDate: alloy_primitives::Uint::from(now + 7 * 86_400),
        gracePeriod: 0,
        creatorFeePerMil: 0,
        decisionModel: 0,
        minDecisionMargin: 0,
    };
    let loan = bureau.create_loan(chain, owner, terms)?.value;
    loan.borrow(chain, borrower, whole(10))?;
    chain.advance_time(86_400).map_err(|source| crate::Error::Chain {
        contract: "chain",
        function: "advanceTime",
        source,
    })?;
    Ok(borrower)
}

/// The median gas over the queries; `None` if a query ran out of gas under the transaction cap.
fn measure<Q: Copy>(queries: &[Q], mut gas: impl FnMut(Q) -> Result<u64>) -> Result<Option<u64>> {
    let mut values = Vec::with_capacity(queries.len());
    for &query in queries {
        match gas(query) {
            Ok(used) => values.push(used),
            Err(crate::Error::Chain { source: aloe_chain::Error::Halted { .. }, .. }) => return Ok(None),
            Err(error) => return Err(error),
        }
    }
    Ok(Some(median(values)))
}
