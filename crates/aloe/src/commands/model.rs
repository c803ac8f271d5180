//! `aloe model mlp train|eval|score`: the German-credit MLP of `aloe-ml` (training, the evaluation
//! table of BENCHMARKS.md, scoring a file of applicants); `aloe model knn ...` is in `knn_model.rs`,
//! `aloe model defi ...` in `defi_model.rs`.

use std::path::{Path, PathBuf};

use aloe_ml::data::german_credit;
use aloe_ml::eval::{DEFAULT_FRAC_BITS, EvalConfig, default_config, evaluate, report, train_model};
use aloe_ml::model_file::ModelFile;
use aloe_ml::score::{score_text, to_csv};
use anyhow::Context;

/// Arguments of `aloe model`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    kind: Kind,
}

#[derive(Debug, clap::Subcommand)]
enum Kind {
    /// The MLP credit model (German credit data, fixed point for the circuit).
    #[command(subcommand)]
    Mlp(Mlp),
    /// The cold-start k-NN model (Taiwan payment histories): build, eval, upload, verify.
    #[command(subcommand)]
    Knn(super::knn_model::Knn),
    /// The DeFi score's anomaly detector (seeded account population): eval, train.
    #[command(subcommand)]
    Defi(super::defi_model::Defi),
}

#[derive(Debug, clap::Subcommand)]
enum Mlp {
    /// Train on all 1,000 applicants and write a versioned, hashed model file.
    Train(TrainArgs),
    /// Run the evaluation protocol (5 × stratified 5-fold CV) and print the markdown table.
    Eval(EvalArgs),
    /// Score a file of applicants in the UCI coding (class column optional) with a model file.
    Score(ScoreArgs),
}

/// Overrides of the default training configuration.
#[derive(Debug, clap::Args)]
struct Hyper {
    /// Hidden units per member.
    #[arg(long)]
    hidden: Option<usize>,
    /// Members averaged into one MLP.
    #[arg(long)]
    members: Option<usize>,
    /// Training epochs.
    #[arg(long)]
    epochs: Option<usize>,
    /// AdamW weight decay.
    #[arg(long)]
    weight_decay: Option<f64>,
    /// AdamW learning rate.
    #[arg(long)]
    learning_rate: Option<f64>,
    /// Seed of the first member.
    #[arg(long)]
    seed: Option<u64>,
}

impl Hyper {
    fn apply(&self) -> EvalConfig {
        let mut config = default_config();
        let t = &mut config.train;
        t.hidden = self.hidden.unwrap_or(t.hidden);
        t.members = self.members.unwrap_or(t.members);
        t.epochs = self.epochs.unwrap_or(t.epochs);
        t.weight_decay = self.weight_decay.unwrap_or(t.weight_decay);
        t.learning_rate = self.learning_rate.unwrap_or(t.learning_rate);
        t.seed = self.seed.unwrap_or(t.seed);
        config
    }
}

#[derive(Debug, clap::Args)]
struct TrainArgs {
    /// Where to write the model file.
    #[arg(long, default_value = "model.json")]
    out: PathBuf,
    /// Fractional bits of the fixed-point weights.
    #[arg(long, default_value_t = DEFAULT_FRAC_BITS)]
    frac_bits: u32,
    #[command(flatten)]
    hyper: Hyper,
}

#[derive(Debug, clap::Args)]
struct EvalArgs {
    /// Folds evaluated at once (results do not depend on it).
    #[arg(long, default_value_t = std::thread::available_parallelism().map_or(1, |n| n.get()))]
    threads: usize,
    /// First fold seed (the reported protocol uses 0; hyper-parameters were chosen with 100).
    #[arg(long, default_value_t = 0)]
    first_seed: u64,
    #[command(flatten)]
    hyper: Hyper,
}

#[derive(Debug, clap::Args)]
struct ScoreArgs {
    /// A model file written by `aloe model mlp train`.
    #[arg(long)]
    model: PathBuf,
    /// Applicants, one per line, 20 attributes in the UCI coding (spaces or commas), class optional.
    #[arg(long)]
    input: PathBuf,
    /// Where to write the scores (CSV); standard output if absent.
    #[arg(long)]
    out: Option<PathBuf>,
}

/// Write `contents` to a temporary file beside `path`, then rename it into place.
pub(crate) fn write_atomically(path: &Path, contents: &str) -> anyhow::Result<()> {
    let name = path.file_name().with_context(|| format!("{} is not a file name", path.display()))?;
    let tmp = path.with_file_name(format!(".{}.{}.tmp", name.to_string_lossy(), std::process::id()));
    std::fs::write(&tmp, contents).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("renaming {} to {}", tmp.display(), path.display()))
}

pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    let command = match args.kind {
        Kind::Mlp(command) => command,
        Kind::Knn(command) => return super::knn_model::run(command),
        Kind::Defi(command) => return super::defi_model::run(command),
    };
    match command {
        Mlp::Train(args) => {
            let config = args.hyper.apply();
            let model = train_model(&config, &german_credit(), args.frac_bits).context("training the MLP")?;
            write_atomically(&args.out, &model.to_json())?;
            println!("wrote {} (sha256 {})", args.out.display(), model.sha256);
        }
        Mlp::Eval(args) => {
            let config = EvalConfig { first_seed: args.first_seed, ..args.hyper.apply() };
            let data = german_credit();
            let total = config.repeats as usize * config.folds;
            let done = std::sync::atomic::AtomicUsize::new(0);
            let results = evaluate(&config, &data, args.threads, &|_| {
                let n = done.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
                eprint!("\rfold {n}/{total}");
            })
            .context("evaluating")?;
            eprintln!();
            print!("{}", report(&config, &results));
        }
        Mlp::Score(args) => {
            let text =
                std::fs::read_to_string(&args.model).with_context(|| format!("reading {}", args.model.display()))?;
            let model = ModelFile::from_json(&text).with_context(|| format!("loading {}", args.model.display()))?;
            let input =
                std::fs::read_to_string(&args.input).with_context(|| format!("reading {}", args.input.display()))?;
            let scores = score_text(&model, &input).with_context(|| format!("scoring {}", args.input.display()))?;
            let csv = to_csv(&scores);
            match &args.out {
                Some(out) => {
                    write_atomically(out, &csv)?;
                    eprintln!("scored {} applicant(s) into {}", scores.len(), out.display());
                }
                None => print!("{csv}"),
            }
        }
    }
    Ok(())
}
