//! `aloe model defi eval|train`: the DeFi score's anomaly detector (`aloe_ml::defi_eval` runs the
//! protocol and builds the file; this file only parses and prints).

use std::path::PathBuf;
use std::time::Instant;

use aloe_ml::defi_eval::{EvalConfig, evaluate, fit};
use anyhow::Context;

use super::model::write_atomically;

#[derive(Debug, clap::Subcommand)]
pub(crate) enum Defi {
    /// Run the evaluation (architecture chosen on validation; test AUROC of X beside an Isolation
    /// Forest and a z-score baseline, score quantiles) and print the markdown table.
    Eval(EvalArgs),
    /// Train on the normal accounts of the training split with the architecture chosen on validation,
    /// and write the detector file.
    Train(TrainArgs),
}

/// Overrides of the default population and training budget (BENCHMARKS.md uses the defaults).
#[derive(Debug, clap::Args)]
pub(crate) struct Population {
    /// Accounts generated.
    #[arg(long)]
    accounts: Option<usize>,
    /// Seed of the population and the split.
    #[arg(long)]
    seed: Option<u64>,
    /// Training epochs of every candidate.
    #[arg(long)]
    epochs: Option<usize>,
}

impl Population {
    fn apply(&self) -> EvalConfig {
        let mut c = EvalConfig::default();
        c.accounts = self.accounts.unwrap_or(c.accounts);
        c.seed = self.seed.unwrap_or(c.seed);
        c.autoencoder.epochs = self.epochs.unwrap_or(c.autoencoder.epochs);
        c
    }
}

#[derive(Debug, clap::Args)]
pub(crate) struct EvalArgs {
    /// Isolation Forest fits for its spread (seeds 0, 200, 400, …; the row gives seed 0's AUROC and the
    /// median and range over the fits); 0 leaves the forest out.
    #[arg(long)]
    forest_fits: Option<usize>,
    #[command(flatten)]
    population: Population,
}

#[derive(Debug, clap::Args)]
pub(crate) struct TrainArgs {
    /// Where to write the detector file (the shipped one is data/models/defi-autoencoder.json).
    #[arg(long, default_value = "defi-autoencoder.json")]
    out: PathBuf,
    #[command(flatten)]
    population: Population,
}

pub(crate) fn run(command: Defi) -> anyhow::Result<()> {
    let started = Instant::now();
    match command {
        Defi::Eval(args) => {
            let mut config = args.population.apply();
            config.forest.fits = args.forest_fits.unwrap_or(config.forest.fits);
            let report = evaluate(&config).context("evaluating the DeFi anomaly detector")?;
            print!("{}", report.markdown());
        }
        Defi::Train(args) => {
            let fitted = fit(&args.population.apply()).context("training the DeFi anomaly detector")?;
            for (k, c) in fitted.candidates.iter().enumerate() {
                let mark = if k == fitted.chosen { " (chosen)" } else { "" };
                println!("encoder widths {:?}: validation AUROC {:.4}{mark}", c.widths, c.validation_auroc);
            }
            write_atomically(&args.out, &fitted.model.to_json())?;
            println!("wrote {} (sha256 {})", args.out.display(), fitted.model.sha256);
        }
    }
    eprintln!("{:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}
