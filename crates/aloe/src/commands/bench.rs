//! `aloe bench knn`: gas of the k-NN scan at growing model sizes, beside the naive baseline, in one run;
//! `aloe bench zk` (in `bench_zk`): the decision circuit's figures; `aloe bench sim` (in `simulate`): the
//! market simulation on both backends; `aloe bench serve` (in `bench_serve`): the JSON API under load.

use aloe_chain::{EmbeddedChain, TX_GAS_LIMIT_CAP, dev_signer};
use aloe_contracts::knn_bench::{self, BenchPlan, BenchRow};
use anyhow::Context;

/// Arguments of `aloe bench`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    what: What,
}

#[derive(Debug, clap::Subcommand)]
enum What {
    /// getScore gas (borrower with history) per model size, with the naive storage-array baseline.
    Knn(KnnArgs),
    /// The decision circuit: constraints, setup, proving, verification, memory, proof size and gas.
    Zk(super::bench_zk::Args),
    /// The market simulation: the same workload on the embedded chain and over JSON-RPC, and their ratio.
    Sim(super::simulate::BenchArgs),
    /// A load test of `aloe serve`'s JSON API on loopback: readers alone, then beside writers.
    Serve(super::bench_serve::Args),
}

#[derive(Debug, clap::Args)]
struct KnnArgs {
    /// Model sizes (points), ascending.
    #[arg(long, value_delimiter = ',', default_value = "1000,10000,50000,100000,150000")]
    sizes: Vec<usize>,
    /// Sizes at which to run the baseline too (it no longer fits one transaction near 3,000 points).
    #[arg(long, value_delimiter = ',', default_value = "1000,2000,3000")]
    naive_sizes: Vec<usize>,
    /// Neighbours.
    #[arg(long, default_value_t = 10)]
    k: u8,
    /// Random queries per size; the median gas is reported.
    #[arg(long, default_value_t = 5)]
    queries: usize,
    /// Seed of the synthetic points and queries.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    let args = match args.what {
        What::Knn(args) => args,
        What::Zk(args) => return super::bench_zk::run(args),
        What::Sim(args) => return super::simulate::bench(args),
        What::Serve(args) => return super::bench_serve::run(args),
    };
    anyhow::ensure!(args.sizes.windows(2).all(|w| w[0] < w[1]), "--sizes must be ascending");
    anyhow::ensure!(args.queries > 0, "--queries must be at least 1");
    let mut sizes = args.sizes.clone();
    sizes.extend(args.naive_sizes.iter().filter(|s| !args.sizes.contains(s)));
    sizes.sort_unstable();
    let plan = BenchPlan { sizes, naive_sizes: args.naive_sizes, k: args.k, queries: args.queries, seed: args.seed };
    let mut chain = EmbeddedChain::new();
    let rows = knn_bench::run(&mut chain, dev_signer(0).address(), &plan, &mut |line| eprintln!("{line}"))
        .context("the k-NN benchmark failed")?;
    print_table(&rows, plan.k);
    Ok(())
}

fn print_table(rows: &[BenchRow], k: u8) {
    let per_point = |gas: u64, n: usize| format!("{:.1}", gas as f64 / n as f64);
    println!(
        "k = {k}, loan duration {} days, median over the queries; transaction gas cap {TX_GAS_LIMIT_CAP}",
        knn_bench::DURATION / 86_400
    );
    println!("| points | getScore gas | gas/point | baseline gas | baseline gas/point | baseline / getScore |");
    println!("|---:|---:|---:|---:|---:|---:|");
    for row in rows {
        let (model, model_pp) = match row.model_gas {
            Some(gas) => (gas.to_string(), per_point(gas, row.points)),
            None => ("over the cap".into(), "-".into()),
        };
        let (naive, naive_pp, ratio) = match (row.naive_gas, row.model_gas) {
            (Some(n), Some(m)) => (n.to_string(), per_point(n, row.points), format!("{:.1}x", n as f64 / m as f64)),
            (Some(n), None) => (n.to_string(), per_point(n, row.points), "-".into()),
            (None, _) if row.naive_over_cap => ("over the cap".into(), "-".into(), "-".into()),
            (None, _) => ("".into(), "".into(), "".into()),
        };
        println!("| {} | {model} | {model_pp} | {naive} | {naive_pp} | {ratio} |", row.points);
    }
}
