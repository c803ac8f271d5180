//! `aloe borrower register`: sign a registration request with the borrower's key and hand it, with the
//! national identifier (and, for private loan decisions, the credit model's attributes with a fresh
//! salt), to a notary.

use std::path::PathBuf;

use aloe_identity::roles::{
    Registry,
    notary::{ModelAttributes, Registration, sign_request},
};
use aloe_zk::files::AttributesFile;
use anyhow::{Context, bail};

use super::{ChainArgs, KeyArgs, escrow::info};

/// Arguments of `aloe borrower register`.
#[derive(Debug, clap::Args)]
pub(crate) struct RegisterArgs {
    #[command(flatten)]
    chain: ChainArgs,
    /// The borrower's key (proves they own the address).
    #[command(flatten)]
    key: KeyArgs,
    /// The notary's base URL.
    #[arg(long)]
    notary: String,
    /// The FICO score the notary verified.
    #[arg(long)]
    fico: u16,
    /// Environment variable holding the national identifier (asked for when unset; never an argument).
    #[arg(long, default_value = "ALOE_NATIONAL_ID")]
    national_id_env: String,
    /// The credit model's 20 attributes in the UCI coding (a one-line file), for private loan decisions.
    #[arg(long)]
    attributes: Option<PathBuf>,
    /// Where to keep the attributes and the salt of their commitment (needed to prove; written before
    /// anything is sent, refused if it exists).
    #[arg(long, default_value = "attributes.json")]
    attributes_out: PathBuf,
}

pub(crate) fn register(args: RegisterArgs) -> anyhow::Result<()> {
    let borrower = args.key.signer()?;
    let national_id = match std::env::var(&args.national_id_env) {
        Ok(id) => id,
        Err(_) => rpassword::prompt_password("national identifier: ").context("reading the national identifier")?,
    };
    let notary = info(&args.notary)?;
    let mut registry = args.chain.registry(borrower.clone())?;
    let domain = registry.domain()?;
    if notary.role != "notary" || (notary.chain_id, notary.escrow) != domain {
        bail!("{} is not a notary of this deployment", args.notary);
    }
    let request = sign_request(&borrower, notary.address, args.fico, registry.now()?, domain)?;
    let attributes = match &args.attributes {
        None => None,
        Some(path) => {
            let uci = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
            let salt = aloe_zk::commitment::random_salt(&mut rand::rngs::OsRng);
            let file = AttributesFile::new(&uci, salt).with_context(|| format!("attributes in {}", path.display()))?;
            if args.attributes_out.exists() {
                bail!("{} exists: it may hold the salt of an earlier registration", args.attributes_out.display());
            }
            super::super::model::write_atomically(&args.attributes_out, &serde_json::to_string_pretty(&file)?)?;
            println!(
                "kept the attributes and their salt in {} (commitment {})",
                args.attributes_out.display(),
                file.commitment
            );
            Some(ModelAttributes { uci: file.uci, salt: file.salt })
        }
    };
    let registration = Registration { national_id, request, attributes };
    let response = reqwest::blocking::Client::new()
        .post(format!("{}/v1/registrations", args.notary))
        .json(&registration)
        .send()
        .with_context(|| format!("sending the registration to {}", args.notary))?;
    let status = response.status();
    let body: serde_json::Value = response.json().context("reading the notary's answer")?;
    if !status.is_success() {
        bail!("the notary refused ({status}): {}", body["error"].as_str().unwrap_or("no reason given"));
    }
    println!("registered {} (auditor set {})", borrower.address(), body["epoch"]);
    Ok(())
}
