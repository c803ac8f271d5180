//! `aloe zk setup | prove | verify | export-verifier`: private loan decisions (see `aloe-zk`).

use std::path::{Path, PathBuf};
use std::time::Instant;

use alloy_primitives::Address;
use aloe_ml::model_file::ModelFile;
use aloe_zk::files::{AttributesFile, ProofFile, VerifyingKeyFile, address_field};
use aloe_zk::groth16::{self, circuit_size};
use aloe_zk::model::DecisionModel;
use anyhow::{Context, bail};

use super::model::write_atomically;

/// Arguments of `aloe zk`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// A single-party Groth16 setup for a model's decision circuit. Whoever knows a setup's randomness
    /// can forge proofs: this one discards it, which is fine for development; production needs a
    /// multi-party ceremony.
    Setup(SetupArgs),
    /// Prove (borrower side) that the model approves the attributes behind the on-chain commitment.
    Prove(ProveArgs),
    /// Check a proof against a setup's verifying key.
    Verify(VerifyArgs),
    /// Write the Solidity verifier of a setup (the model identifier folded in).
    ExportVerifier(ExportArgs),
}

#[derive(Debug, clap::Args)]
struct SetupArgs {
    /// The model file (`aloe model mlp train`).
    #[arg(long)]
    model: PathBuf,
    /// Keep the weights private: witnesses bound to a Poseidon commitment, which becomes the model id.
    #[arg(long)]
    private_weights: bool,
    /// Directory to write `verifying-key.json` and `proving.key` into (created; existing keys refused).
    #[arg(long)]
    out: PathBuf,
}

#[derive(Debug, clap::Args)]
struct ProveArgs {
    /// The model file the setup was made for.
    #[arg(long)]
    model: PathBuf,
    /// The setup's directory.
    #[arg(long)]
    keys: PathBuf,
    /// The borrower's attributes file (written by `aloe borrower register --attributes`).
    #[arg(long)]
    attributes: PathBuf,
    /// The borrower's address: the proof is valid for it alone.
    #[arg(long)]
    borrower: Address,
    /// The least margin (logit_approve − logit_reject, in the model's fixed-point units) to prove.
    #[arg(long, allow_hyphen_values = true)]
    min_margin: i32,
    /// Where to write the proof.
    #[arg(long, default_value = "proof.json")]
    out: PathBuf,
}

#[derive(Debug, clap::Args)]
struct VerifyArgs {
    /// The setup's directory (only `verifying-key.json` is read).
    #[arg(long)]
    keys: PathBuf,
    /// The proof file.
    #[arg(long)]
    proof: PathBuf,
}

#[derive(Debug, clap::Args)]
struct ExportArgs {
    /// The setup's directory.
    #[arg(long)]
    keys: PathBuf,
    /// The contract's name.
    #[arg(long, default_value = "DecisionVerifier")]
    contract_name: String,
    /// Where to write the Solidity source.
    #[arg(long)]
    out: PathBuf,
}

const VERIFYING_KEY: &str = "verifying-key.json";
const PROVING_KEY: &str = "proving.key";

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

/// The model of a model file, with public or private weights.
pub(crate) fn decision_model(path: &Path, private_weights: bool) -> anyhow::Result<DecisionModel> {
    let file = ModelFile::from_json(&read(path)?).with_context(|| format!("model file {}", path.display()))?;
    let model = if private_weights { DecisionModel::private(&file) } else { DecisionModel::public(&file) };
    model.with_context(|| format!("model file {} has no circuit", path.display()))
}

fn verifying_key(keys: &Path) -> anyhow::Result<VerifyingKeyFile> {
    let path = keys.join(VERIFYING_KEY);
    VerifyingKeyFile::from_json(&read(&path)?).with_context(|| format!("verifying key {}", path.display()))
}

pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    match args.command {
        Command::Setup(args) => setup(args),
        Command::Prove(args) => prove(args),
        Command::Verify(args) => verify(args),
        Command::ExportVerifier(args) => export(args),
    }
}

fn setup(args: SetupArgs) -> anyhow::Result<()> {
    let model = decision_model(&args.model, args.private_weights)?;
    let (vk_path, pk_path) = (args.out.join(VERIFYING_KEY), args.out.join(PROVING_KEY));
    if vk_path.exists() || pk_path.exists() {
        bail!("{} already holds keys: a new setup would not verify the old proofs", args.out.display());
    }
    std::fs::create_dir_all(&args.out).with_context(|| format!("creating {}", args.out.display()))?;
    let size = circuit_size(&model)?;
    let started = Instant::now();
    let pk = groth16::setup(&model, &mut rand::rngs::OsRng)?;
    let elapsed = started.elapsed();
    let vk_file = VerifyingKeyFile::new(&model, &pk.vk, size.constraints);
    let pk_bytes = groth16::to_bytes(&pk);
    let pk_tmp = pk_path.with_extension("key.tmp");
    std::fs::write(&pk_tmp, &pk_bytes).with_context(|| format!("writing {}", pk_tmp.display()))?;
    std::fs::rename(&pk_tmp, &pk_path).with_context(|| format!("writing {}", pk_path.display()))?;
    write_atomically(&vk_path, &serde_json::to_string_pretty(&vk_file)?)?;
    println!(
        "{} constraints; setup {:.2} s; model id {}; wrote {} and {} ({} bytes)",
        size.constraints,
        elapsed.as_secs_f64(),
        vk_file.model_id,
        vk_path.display(),
        pk_path.display(),
        pk_bytes.len()
    );
    println!("single-party setup: fine for development; production keys need a multi-party ceremony");
    Ok(())
}

fn prove(args: ProveArgs) -> anyhow::Result<()> {
    let vk_file = verifying_key(&args.keys)?;
    let model = decision_model(&args.model, vk_file.private_weights)?;
    vk_file.check_model(&model)?;
    let pk_path = args.keys.join(PROVING_KEY);
    let pk_bytes = std::fs::read(&pk_path).with_context(|| format!("reading {}", pk_path.display()))?;
    let pk = vk_file.proving_key(&pk_bytes).with_context(|| format!("proving key {}", pk_path.display()))?;
    let attributes = AttributesFile::from_json(&read(&args.attributes)?)
        .with_context(|| format!("attributes file {}", args.attributes.display()))?;
    let (committed, salt) = attributes.opening()?;
    let borrower: [u8; 20] = args.borrower.into();
    let started = Instant::now();
    let (proof, public) = groth16::prove(
        &pk,
        &model,
        &committed,
        salt,
        address_field(&borrower),
        args.min_margin,
        &mut rand::rngs::OsRng,
    )?;
    let elapsed = started.elapsed();
    let file = ProofFile::new(model.model_id(), &public, &borrower, &proof);
    write_atomically(&args.out, &serde_json::to_string_pretty(&file)?)?;
    println!("proved in {:.3} s; wrote {}", elapsed.as_secs_f64(), args.out.display());
    Ok(())
}

fn verify(args: VerifyArgs) -> anyhow::Result<()> {
    let vk_file = verifying_key(&args.keys)?;
    let proof_file =
        ProofFile::from_json(&read(&args.proof)?).with_context(|| format!("proof {}", args.proof.display()))?;
    let (model_id, public, proof) = proof_file.parts()?;
    if model_id != vk_file.model_id()? {
        bail!("the proof is for model {}, the key for {}", proof_file.model_id, vk_file.model_id);
    }
    let pvk = groth16::prepare(&vk_file.key()?);
    if !groth16::verify(&pvk, model_id, &public, &proof)? {
        bail!("invalid proof");
    }
    println!("valid: model {} approves {} at margin ≥ {}", vk_file.model_id, proof_file.borrower, public.min_margin);
    Ok(())
}

fn export(args: ExportArgs) -> anyhow::Result<()> {
    let vk_file = verifying_key(&args.keys)?;
    let source = aloe_zk::solidity::verifier_source(&vk_file.key()?, vk_file.model_id()?, &args.contract_name)?;
    write_atomically(&args.out, &source)?;
    println!("wrote {} (compile with solc 0.8.37, deploy, then register it in DecisionModels)", args.out.display());
    Ok(())
}
