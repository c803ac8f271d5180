//! `aloe model knn build|eval|upload|verify`: the cold-start k-NN model from the Taiwan payment histories
//! (`aloe-ml` loads the data and runs the evaluation protocol, `aloe-score` replays and scores,
//! `aloe-contracts` uploads); this file only wires them together.

use std::path::PathBuf;
use std::time::Instant;

use alloy::signers::local::PrivateKeySigner;
use alloy_primitives::Address;
use aloe_chain::{Chain, EmbeddedChain, RpcChain, dev_signer};
use aloe_contracts::knn::PointSet;
use aloe_contracts::knn_upload::{self, Difference};
use aloe_contracts::{KnnModel, Protocol, knn_bench};
use aloe_ml::coldstart::{ColdStartConfig, KnnScorer, KnnVariant, evaluate, report};
use aloe_ml::folds::stratified_sample;
use aloe_ml::taiwan::{Client, TaiwanData, taiwan_credit, taiwan_sha256};
use aloe_score::ModelPoint;
use aloe_score::account::Statement;
use aloe_score::coldstart::Replayed;
use aloe_score::model_file::{KnnModelFile, MAX_K};
use anyhow::Context;

use super::model::write_atomically;
use super::password;

/// The defaults `aloe model knn eval` chose (lowest cross-validated RMSE; see BENCHMARKS.md).
const DEFAULT_HISTORY: usize = 6;
const DEFAULT_K: u8 = 32;
/// Model size: about 0.93M gas for getScore (BENCHMARKS.md, k-NN score gas), a sixteenth of the cap.
const DEFAULT_SIZE: usize = 10_000;
const DATA: &str = "data/taiwan_credit_default/UCI_Credit_Card.csv";

#[derive(Debug, clap::Subcommand)]
pub(crate) enum Knn {
    /// Build the model file from all 30,000 clients (stratified sample to --size points).
    Build(BuildArgs),
    /// Run the evaluation (5-fold stratified CV: RMSE and AUROC per k, baselines, calibration).
    Eval(EvalArgs),
    /// Upload a model file (resumable): to a fresh embedded chain, or to a deployment with --rpc-url.
    Upload(UploadArgs),
    /// Compare the model on chain with a model file.
    Verify(VerifyArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct BuildArgs {
    /// Months of history behind each point's ratios (the rest, and the next month, are the outcome).
    #[arg(long, default_value_t = DEFAULT_HISTORY)]
    history: usize,
    /// Neighbours (1 to 32).
    #[arg(long, default_value_t = DEFAULT_K)]
    k: u8,
    /// Clients sampled (stratified) into the model; identical ratio vectors are then merged.
    #[arg(long, default_value_t = DEFAULT_SIZE)]
    size: usize,
    /// Sampling seed.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Where to write the model file.
    #[arg(long, default_value = "knn-model.json")]
    out: PathBuf,
}

#[derive(Debug, clap::Args)]
pub(crate) struct EvalArgs {
    /// History lengths (months) to compare; the rest of the six months and the next are the outcome.
    #[arg(long, value_delimiter = ',', default_value = "3,4,5,6")]
    history: Vec<usize>,
    /// Clients each training fold is sampled to.
    #[arg(long, default_value_t = DEFAULT_SIZE)]
    size: usize,
    /// Threads scoring the test clients (results do not depend on it).
    #[arg(long, default_value_t = std::thread::available_parallelism().map_or(1, |n| n.get()))]
    threads: usize,
}

/// Where to put the model.
#[derive(Debug, clap::Args)]
pub(crate) struct Target {
    /// A JSON-RPC node; without it a fresh embedded chain (the protocol is deployed there first).
    #[arg(long)]
    rpc_url: Option<String>,
    /// The deployment file written by `aloe deploy` (with --rpc-url).
    #[arg(long, default_value = "deployment.json")]
    deployment: PathBuf,
}

#[derive(Debug, clap::Args)]
pub(crate) struct UploadArgs {
    /// The model file.
    #[arg(long, default_value = "knn-model.json")]
    model: PathBuf,
    #[command(flatten)]
    target: Target,
    /// The bureau owner's encrypted keystore (with --rpc-url; otherwise development key 0 signs).
    #[arg(long)]
    keystore: Option<PathBuf>,
    /// Environment variable holding the keystore password (prompted for when unset).
    #[arg(long, default_value = "ALOE_KEYSTORE_PASSWORD")]
    password_env: String,
    /// Stage at most this many chunks now (a later run resumes).
    #[arg(long)]
    max_chunks: Option<usize>,
    /// Forget whatever is staged first (an upload of another model left behind).
    #[arg(long)]
    clear_staging: bool,
}

#[derive(Debug, clap::Args)]
pub(crate) struct VerifyArgs {
    /// The model file.
    #[arg(long, default_value = "knn-model.json")]
    model: PathBuf,
    /// The node (the embedded chain lives only inside one process: `upload` verifies there itself).
    #[arg(long)]
    rpc_url: String,
    /// The deployment file written by `aloe deploy`.
    #[arg(long, default_value = "deployment.json")]
    deployment: PathBuf,
    /// Check that the staged chunks (an upload in progress) are the file's first chunks, instead of the
    /// published model.
    #[arg(long)]
    staging: bool,
}

fn statements(client: &Client) -> Vec<Statement> {
    (0..client.bill.len())
        .map(|m| Statement { bill: client.bill[m], paid: client.paid[m], status: client.status[m] })
        .collect()
}

/// The clients as `aloe-score` replays them: months oldest first, and whether they defaulted next.
fn histories(data: &TaiwanData) -> Vec<(Vec<Statement>, bool)> {
    data.clients.iter().zip(&data.defaulted).map(|(c, d)| (statements(c), *d)).collect()
}

/// The k-NN scores for the evaluation, in [0, 1].
struct Scorer {
    replayed: Replayed,
    threads: usize,
}

impl KnnScorer for Scorer {
    fn scores(&self, train: &[usize], test: &[usize], ks: &[usize]) -> Vec<Vec<f64>> {
        let thousandths = self.replayed.scores(train, test, ks, self.threads);
        thousandths.iter().map(|per_k| per_k.iter().map(|s| *s as f64 / 1000.0).collect()).collect()
    }
}

fn load_model(path: &PathBuf) -> anyhow::Result<KnnModelFile> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    KnnModelFile::from_json(&text).with_context(|| format!("loading {}", path.display()))
}

fn load_deployment(path: &PathBuf) -> anyhow::Result<Protocol> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("parsing deployment file {}", path.display()))
}

fn build(args: BuildArgs) -> anyhow::Result<()> {
    anyhow::ensure!((1..=6).contains(&args.history), "--history must be 1 to 6 months");
    anyhow::ensure!((1..=MAX_K).contains(&args.k), "--k must be 1 to {MAX_K} (the contract's MAX_K)");
    anyhow::ensure!(args.size > 0, "--size must be at least 1");
    let data = taiwan_credit();
    let replayed = Replayed::new(&histories(&data), args.history)?;
    let all: Vec<usize> = (0..data.clients.len()).collect();
    let sample = stratified_sample(&all, &data.defaulted, args.size, args.seed);
    let points = replayed.model(&sample);
    let source = format!(
        "{DATA} (sha256 {}), history {} months, stratified sample seed {}",
        taiwan_sha256(),
        args.history,
        args.seed
    );
    let file = KnnModelFile::new(args.k, args.history, source, sample.len(), &points);
    // Re-read what is written, so a file that does not load is never left behind silently.
    KnnModelFile::from_json(&file.to_json()).context("the built model file does not load")?;
    write_atomically(&args.out, &file.to_json())?;
    println!(
        "wrote {}: {} points from {} clients, k = {}, history {} months (sha256 {})",
        args.out.display(),
        points.len(),
        sample.len(),
        args.k,
        args.history,
        file.sha256
    );
    Ok(())
}

fn eval(args: EvalArgs) -> anyhow::Result<()> {
    anyhow::ensure!(args.history.iter().all(|h| (1..=6).contains(h)), "--history values must be 1 to 6");
    let started = Instant::now();
    let data = taiwan_credit();
    let clients = histories(&data);
    let scorers: Vec<Scorer> = args
        .history
        .iter()
        .map(|&h| Ok(Scorer { replayed: Replayed::new(&clients, h)?, threads: args.threads }))
        .collect::<anyhow::Result<_>>()?;
    let variants: Vec<KnnVariant<'_>> = args
        .history
        .iter()
        .zip(&scorers)
        .map(|(h, scorer)| KnnVariant { name: format!("history {h} months"), scorer })
        .collect();
    // The ratio baselines see the same ratios as the k-NN's queries (the last history's, six months by default).
    let last = scorers.last().expect("at least one history length");
    let ratios: Vec<Vec<f64>> = last
        .replayed
        .queries
        .iter()
        .map(|(ledger, now)| ledger.ratios(*now, 0, 0, 0).iter().map(|r| f64::from(*r)).collect())
        .collect();
    let config = ColdStartConfig { model_size: args.size, ..ColdStartConfig::default() };
    let results = evaluate(&config, &data, &ratios, &variants, &mut |line| eprintln!("{line}"))
        .context("evaluating the cold-start model")?;
    print!("{}", report(&results, &data));
    eprintln!("wall time {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// The chain, the protocol on it and the bureau owner's address.
fn connect(target: &Target, signer: Option<PrivateKeySigner>) -> anyhow::Result<(Box<dyn Chain>, Protocol, Address)> {
    match &target.rpc_url {
        None => {
            let owner = dev_signer(0).address();
            let mut chain = EmbeddedChain::new();
            let protocol =
                Protocol::deploy(&mut chain, owner).context("deploying the protocol on the embedded chain")?;
            Ok((Box::new(chain), protocol, owner))
        }
        Some(url) => {
            let protocol = load_deployment(&target.deployment)?;
            let signer = signer.unwrap_or_else(|| dev_signer(0));
            let owner = signer.address();
            let chain = RpcChain::connect(url, vec![signer]).with_context(|| format!("connecting to {url}"))?;
            Ok((Box::new(chain), protocol, owner))
        }
    }
}

fn report_difference(difference: Option<Difference>, what: &str) -> anyhow::Result<()> {
    match difference {
        None => {
            println!("verified: {what} equals the model file");
            Ok(())
        }
        Some(difference) => anyhow::bail!("{what} differs from the model file: {difference}"),
    }
}

fn upload(args: UploadArgs) -> anyhow::Result<()> {
    let file = load_model(&args.model)?;
    let points = file.points()?;
    let signer = match &args.keystore {
        Some(path) => Some(
            PrivateKeySigner::decrypt_keystore(path, password(&args.password_env)?)
                .with_context(|| format!("decrypting keystore {}", path.display()))?,
        ),
        None => None,
    };
    let (mut chain, protocol, owner) = connect(&args.target, signer)?;
    let chain = chain.as_mut();
    let model: KnnModel = protocol.score_model;
    let k = file.payload.k;
    if knn_upload::verify(chain, &model, PointSet::Old, &points, Some(k))?.is_none() {
        println!("the published model already equals {}", args.model.display());
        return Ok(());
    }
    if args.clear_staging {
        model.clear_staging(chain, owner).context("clearing the staging set")?;
    }
    let done = knn_upload::upload(chain, &model, owner, &points, k, args.max_chunks, &mut |line| eprintln!("{line}"))
        .context("uploading the model (--clear-staging forgets chunks staged by another upload)")?;
    println!(
        "{} chunks already staged, {} staged now ({} gas), {} in all",
        done.resumed, done.staged, done.gas, done.total
    );
    if !done.published {
        println!("not published yet: rerun to stage the remaining chunks (the staged ones are checked first)");
        return Ok(());
    }
    report_difference(knn_upload::verify(chain, &model, PointSet::Old, &points, Some(k))?, "the published model")?;
    if args.target.rpc_url.is_none() {
        print_gas(chain, &protocol, owner, &points, k)?;
    }
    Ok(())
}

/// Gas on the embedded chain: the whole getScore for the benchmark's borrower (`aloe bench knn`), and
/// the model's answer alone for real queries (the ratios of 25 points spread over the file).
fn print_gas(
    chain: &mut dyn Chain,
    protocol: &Protocol,
    owner: Address,
    points: &[ModelPoint],
    k: u8,
) -> anyhow::Result<()> {
    let over = || "over the transaction cap".to_string();
    let borrower = knn_bench::with_history(chain, owner, protocol)?;
    let gas = knn_bench::score_gas(chain, &protocol.bureau, borrower, 5)?;
    let n = points.len();
    println!(
        "getScore (the benchmark's borrower), {n} points, k = {k}: {} gas, median over 5 requests",
        gas.map_or_else(over, |g| g.to_string())
    );
    let queries: Vec<[u16; 5]> = (0..25).map(|i| points[i * n / 25].ratios).collect();
    let scans = knn_bench::scan_gas(chain, &protocol.score_model, &queries, aloe_score::coldstart::REQUEST.duration())?;
    let summary =
        scans.map_or_else(over, |g| format!("median {} gas, min {}, max {}", g[g.len() / 2], g[0], g[g.len() - 1]));
    println!("KnnModel.score for 25 clients' own ratios (30-day loan): {summary}");
    Ok(())
}

fn verify(args: VerifyArgs) -> anyhow::Result<()> {
    let file = load_model(&args.model)?;
    let points = file.points()?;
    let target = Target { rpc_url: Some(args.rpc_url), deployment: args.deployment };
    let (mut chain, protocol, _) = connect(&target, None)?;
    let model = protocol.score_model;
    if args.staging {
        return match knn_upload::staged_prefix(chain.as_mut(), &model, &points)? {
            Ok(staged) => {
                let total = points.len().div_ceil(aloe_contracts::knn::MAX_CHUNK_POINTS);
                println!("verified: the {staged} staged chunks of {total} equal the model file's first ones");
                Ok(())
            }
            Err(difference) => anyhow::bail!("the staging set differs from the model file: {difference}"),
        };
    }
    let difference = knn_upload::verify(chain.as_mut(), &model, PointSet::Old, &points, Some(file.payload.k))?;
    report_difference(difference, "the published model")
}

pub(crate) fn run(command: Knn) -> anyhow::Result<()> {
    match command {
        Knn::Build(args) => build(args),
        Knn::Eval(args) => eval(args),
        Knn::Upload(args) => upload(args),
        Knn::Verify(args) => verify(args),
    }
}
