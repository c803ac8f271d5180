//! `aloe bench zk`: the decision circuit's figures (BENCHMARKS.md). Each model is measured in a process
//! of its own, so that its peak memory is its own; the gas of the on-chain verification is measured on
//! the embedded chain against the committed development verifiers.

use std::process::Command;

use aloe_ml::model_file::ModelFile;
use aloe_zk::bench::{CircuitFigures, measure};
use aloe_zk::dev;
use aloe_zk::model::DecisionModel;
use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};

/// Arguments of `aloe bench zk`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Proofs per model (distinct applicants); the median time is reported.
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Leave out the 237,000-constraint private shipped model (about a minute and 1 GB).
    #[arg(long)]
    skip_large: bool,
    /// Measure one model in this process and print its figures as JSON (what the parent runs).
    #[arg(long, hide = true)]
    only: Option<usize>,
}

/// The models measured: (label, model file, private weights).
const MODELS: [(&str, &str, bool); 5] = [
    ("71-10-2, public weights, f = 12", dev::SMALL_MODEL, false),
    ("71-200-2 (shipped), public weights, f = 12", dev::SHIPPED_MODEL, false),
    ("71-10-2, private weights, f = 8", dev::SMALL_MODEL_F8, true),
    ("71-10-2, private weights, f = 12", dev::SMALL_MODEL, true),
    ("71-200-2 (shipped), private weights, f = 12", dev::SHIPPED_MODEL, true),
];

#[derive(Debug, Serialize, Deserialize)]
struct Row {
    figures: CircuitFigures,
    peak_rss_kib: u64,
}

/// The process's peak resident set (`VmHWM`), in KiB.
fn peak_rss_kib() -> anyhow::Result<u64> {
    let status = std::fs::read_to_string("/proc/self/status").context("reading /proc/self/status")?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).context("no VmHWM in /proc/self/status")?;
    line.split_whitespace().nth(1).context("VmHWM has no value")?.parse().context("VmHWM is not a number")
}

fn measure_one(index: usize, runs: usize) -> anyhow::Result<()> {
    let (_, json, private) = MODELS.get(index).context("no such model")?;
    let file = ModelFile::from_json(json)?;
    let model = if *private { DecisionModel::private(&file)? } else { DecisionModel::public(&file)? };
    let figures = measure(&model, runs)?;
    println!("{}", serde_json::to_string(&Row { figures, peak_rss_kib: peak_rss_kib()? })?);
    Ok(())
}

pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    if let Some(index) = args.only {
        return measure_one(index, args.runs);
    }
    let exe = std::env::current_exe().context("finding this executable")?;
    let mut rows = Vec::new();
    for (index, (label, _, _)) in MODELS.iter().enumerate() {
        if args.skip_large && index == MODELS.len() - 1 {
            continue;
        }
        eprintln!("measuring {label}");
        let output = Command::new(&exe)
            .args(["bench", "zk", "--only", &index.to_string(), "--runs", &args.runs.to_string()])
            .output()
            .with_context(|| format!("running {}", exe.display()))?;
        if !output.status.success() {
            bail!("measuring {label} failed: {}", String::from_utf8_lossy(&output.stderr));
        }
        let row: Row = serde_json::from_slice(&output.stdout).with_context(|| format!("the figures of {label}"))?;
        rows.push((label, row));
    }
    println!("{} proofs a model (distinct applicants), 10 verifications a proof; medians; one setup", args.runs);
    println!(
        "| model | constraints | setup s | prove s | verify ms | inference µs | prove / inference | peak RSS MiB | proof bytes | proving key KiB |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (label, row) in &rows {
        let f = &row.figures;
        println!(
            "| {label} | {} | {:.2} | {:.3} | {:.2} | {:.1} | {:.0}x | {:.0} | {} | {} |",
            f.constraints,
            f.setup_s,
            f.prove_s,
            f.verify_s * 1e3,
            f.inference_s * 1e6,
            f.prove_s / f.inference_s,
            row.peak_rss_kib as f64 / 1024.0,
            f.proof_bytes,
            f.proving_key_bytes / 1024
        );
    }
    super::zk_gas::print_gas()
}
