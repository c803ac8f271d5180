//! `aloe escrow set-auditors`: the owner starts a new auditor set from the auditors' own answers.

use alloy_primitives::B256;
use aloe_contracts::Auditor;
use aloe_server::Info;
use anyhow::{Context, bail};

use super::{ChainArgs, KeyArgs};

/// Arguments of `aloe escrow set-auditors`.
#[derive(Debug, clap::Args)]
pub(crate) struct SetAuditorsArgs {
    #[command(flatten)]
    chain: ChainArgs,
    /// The escrow's owner.
    #[command(flatten)]
    owner: KeyArgs,
    /// Base URL of an auditor service (repeat for each; their order is their index).
    #[arg(long = "auditor", required = true)]
    auditors: Vec<String>,
    /// How many auditors reconstruct an identity.
    #[arg(long)]
    threshold: u8,
}

/// `GET {url}/v1/info`.
pub(crate) fn info(url: &str) -> anyhow::Result<Info> {
    reqwest::blocking::get(format!("{url}/v1/info"))
        .and_then(reqwest::blocking::Response::error_for_status)
        .and_then(|response| response.json())
        .with_context(|| format!("asking {url} who it is"))
}

pub(crate) fn set_auditors(args: SetAuditorsArgs) -> anyhow::Result<()> {
    let owner = args.owner.signer()?;
    let mut registry = args.chain.registry(owner.clone())?;
    let escrow = registry.protocol().identity_escrow;
    let mut auditors = Vec::new();
    for url in &args.auditors {
        let info = info(url)?;
        if info.role != "auditor" || info.escrow != escrow.address {
            bail!("{url} is a {} for escrow {}, not an auditor of {}", info.role, info.escrow, escrow.address);
        }
        let key = info.encryption_key.filter(|key| *key != B256::ZERO).context("the auditor gave no encryption key")?;
        auditors.push(Auditor { account: info.address, encryptionKey: key });
    }
    let count = auditors.len();
    let sent = escrow
        .set_auditors(registry.chain(), owner.address(), auditors, args.threshold)
        .context("setting the auditor set")?;
    println!("auditor set {} ({} of {count}), {} gas", sent.value, args.threshold, sent.receipt.gas_used);
    Ok(())
}
