//! `aloe simulate`: years of a lending market on the real contracts (`aloe-sim`), with a progress bar,
//! interruptible with Ctrl-C (the report then covers the days simulated), written as `report.json` and a
//! self-contained `report.html`; `aloe bench sim` runs one workload on both backends.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use aloe_sim::{SimConfig, run};
use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

use super::model::write_atomically;

/// Arguments of `aloe simulate`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Borrowers.
    #[arg(long, default_value_t = 1_000)]
    borrowers: usize,
    /// Lenders.
    #[arg(long, default_value_t = 100)]
    lenders: usize,
    /// Days to simulate.
    #[arg(long, default_value_t = 730)]
    days: u32,
    /// Seed of every draw.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Where to write report.json.
    #[arg(long, default_value = "simulation")]
    out: PathBuf,
    /// A JSON-RPC development node instead of the embedded chain (anvil): the agents sign with their
    /// seeded keys and are funded with `anvil_setBalance`.
    #[arg(long)]
    rpc_url: Option<String>,
    /// A k-NN model file (`aloe model knn build`) published before the market opens; without it the
    /// model starts empty and getScore answers FICO until the first rotation.
    #[arg(long)]
    cold_start_model: Option<PathBuf>,
}

fn cold_start(path: Option<&PathBuf>) -> anyhow::Result<Option<aloe_sim::ColdStartModel>> {
    let Some(path) = path else { return Ok(None) };
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let file = aloe_score::model_file::KnnModelFile::from_json(&text)
        .with_context(|| format!("loading {}", path.display()))?;
    let points = file.points().with_context(|| format!("the points of {}", path.display()))?;
    Ok(Some(aloe_sim::ColdStartModel { points, k: file.payload.k }))
}

/// Arguments of `aloe bench sim`.
#[derive(Debug, clap::Args)]
pub(crate) struct BenchArgs {
    /// The JSON-RPC node to compare with (anvil).
    #[arg(long)]
    rpc_url: String,
    /// Borrowers (a small market: JSON-RPC is the slow side).
    #[arg(long, default_value_t = 100)]
    borrowers: usize,
    /// Lenders.
    #[arg(long, default_value_t = 10)]
    lenders: usize,
    /// Days.
    #[arg(long, default_value_t = 120)]
    days: u32,
    /// Seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

fn chain_for(config: &SimConfig, rpc_url: Option<&str>) -> anyhow::Result<Box<dyn aloe_chain::Chain + Send>> {
    Ok(match rpc_url {
        None => Box::new(aloe_chain::EmbeddedChain::new()),
        Some(url) => {
            let signers = aloe_sim::agents::signers(config.borrowers, config.lenders);
            Box::new(aloe_chain::RpcChain::connect(url, signers).with_context(|| format!("connecting to {url}"))?)
        }
    })
}

/// A fresh directory for the notary's and auditors' stores of one run.
fn fresh_stores(dir: &std::path::Path) -> anyhow::Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).with_context(|| format!("clearing {}", dir.display()))?;
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))
}

/// The same workload on the embedded chain and on `--rpc-url`, with the wall times and their ratio.
pub(crate) fn bench(args: BenchArgs) -> anyhow::Result<()> {
    let config = SimConfig { borrowers: args.borrowers, lenders: args.lenders, days: args.days, seed: args.seed };
    let never = AtomicBool::new(false);
    let mut rows = Vec::new();
    let stores = std::env::temp_dir().join(format!("aloe-bench-sim-{}", std::process::id()));
    for (name, url) in [("embedded (revm)", None), ("JSON-RPC", Some(args.rpc_url.as_str()))] {
        let chain = chain_for(&config, url)?;
        fresh_stores(&stores)?;
        let report =
            run(chain, config, &stores, None, &never, &mut |_| {}).with_context(|| format!("simulating on {name}"))?;
        eprintln!("{name}: {} transactions in {:.2} s", report.transactions, report.wall_seconds);
        rows.push((name, report));
    }
    std::fs::remove_dir_all(&stores).ok();
    let (embedded, rpc) = (&rows[0].1, &rows[1].1);
    let borrower_days = config.borrowers as f64 * f64::from(config.days);
    println!("| backend | transactions | gas | wall s | borrower-days/s |");
    println!("|---|---:|---:|---:|---:|");
    for (name, r) in &rows {
        println!(
            "| {name} | {} | {} | {:.2} | {:.0} |",
            r.transactions,
            r.total_gas,
            r.wall_seconds,
            borrower_days / r.wall_seconds
        );
    }
    println!(
        "\nembedded / JSON-RPC speed: {:.1}x ({} borrowers, {} lenders, {} days, seed {}); same outcomes: {}",
        rpc.wall_seconds / embedded.wall_seconds,
        config.borrowers,
        config.lenders,
        config.days,
        config.seed,
        embedded.discrimination == rpc.discrimination && embedded.rotations == rpc.rotations
    );
    Ok(())
}

pub(crate) fn run_command(args: Args) -> anyhow::Result<()> {
    anyhow::ensure!(
        args.borrowers > 0 && args.lenders > 0 && args.days > 0,
        "--borrowers, --lenders and --days must be positive"
    );
    std::fs::create_dir_all(&args.out).with_context(|| format!("creating {}", args.out.display()))?;
    let config = SimConfig { borrowers: args.borrowers, lenders: args.lenders, days: args.days, seed: args.seed };
    let stop = Arc::new(AtomicBool::new(false));
    watch_ctrl_c(stop.clone());
    let chain = chain_for(&config, args.rpc_url.as_deref())?;
    // The notary's and auditors' stores: log lines and encrypted shares, never an identifier.
    let stores = args.out.join("parties");
    fresh_stores(&stores)?;
    let bar = ProgressBar::new(u64::from(args.days))
        .with_message(format!("{} borrowers, {} lenders", args.borrowers, args.lenders));
    bar.set_style(
        ProgressStyle::with_template("{msg} day {pos}/{len} [{bar:30}] {prefix} ({eta} left)")
            .expect("a valid template")
            .progress_chars("=> "),
    );
    let started = std::time::Instant::now();
    let model = cold_start(args.cold_start_model.as_ref())?;
    let report = run(chain, config, &stores, model.as_ref(), &stop, &mut |p| {
        bar.set_position(u64::from(p.day));
        let seconds = started.elapsed().as_secs_f64().max(1e-9);
        bar.set_prefix(format!(
            "{} registered, {} repaying, {} tx, {:.1} Mgas/s",
            p.registered,
            p.active_borrowers,
            p.transactions,
            p.gas as f64 / seconds / 1e6
        ));
    })
    .context("running the simulation")?;
    bar.finish_and_clear();
    let path = args.out.join("report.json");
    write_atomically(&path, &serde_json::to_string_pretty(&report).context("serialising the report")?)?;
    let html = args.out.join("report.html");
    write_atomically(&html, &aloe_sim::html::render(&report))?;
    let borrower_days = args.borrowers as f64 * f64::from(report.days_simulated);
    println!(
        "{}{} days, {} borrowers, {} lenders: {} transactions, {:.2e} gas, {} model rotations, {} identities revealed, {:.1} s ({:.0} borrower-days/s)",
        if report.partial { "interrupted after " } else { "" },
        report.days_simulated,
        args.borrowers,
        args.lenders,
        report.transactions,
        report.total_gas as f64,
        report.rotations,
        report.identity_reveals,
        report.wall_seconds,
        borrower_days / report.wall_seconds
    );
    for (name, d) in &report.discrimination {
        let auroc = d.auroc.map_or("n/a".to_owned(), |a| format!("{a:.3}"));
        println!(
            "  getScore AUROC for repayment ({name}): {auroc} over {} requests, {} defaulted",
            d.requests, d.defaults
        );
    }
    let decisions = &report.private_decisions;
    println!(
        "  private decisions: {} credit files committed, {} approved by the model, {} borrowers proved it, {} borrows with a proof",
        decisions.credit_files, decisions.approved, decisions.provers, decisions.borrows_with_proof
    );
    println!("wrote {} and {}", path.display(), html.display());
    Ok(())
}

/// Sets `stop` on Ctrl-C, so the run ends after the current day and writes what it has.
fn watch_ctrl_c(stop: Arc<AtomicBool>) {
    std::thread::spawn(move || {
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
        if runtime.block_on(tokio::signal::ctrl_c()).is_ok() {
            stop.store(true, Ordering::Relaxed);
        }
    });
}
