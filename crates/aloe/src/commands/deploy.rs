//! `aloe deploy`: the protocol onto a JSON-RPC chain, signed with a key from an encrypted keystore.

use std::path::PathBuf;

use alloy::signers::local::PrivateKeySigner;
use alloy_primitives::Address;
use aloe_chain::RpcChain;
use aloe_contracts::Protocol;
use anyhow::Context;

/// Arguments of `aloe deploy`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The node to deploy to (anvil or any Ethereum JSON-RPC endpoint).
    #[arg(long)]
    rpc_url: String,
    /// Encrypted JSON keystore (Web3 Secret Storage) of the deployer, who becomes the bureau's owner.
    #[arg(long)]
    keystore: PathBuf,
    /// Environment variable holding the keystore password (prompted for when unset).
    #[arg(long, default_value = "ALOE_KEYSTORE_PASSWORD")]
    password_env: String,
    /// Notaries to authorise right after deployment.
    #[arg(long = "notary")]
    notaries: Vec<Address>,
    /// Where to write the deployment file that other commands read.
    #[arg(long, default_value = "deployment.json")]
    out: PathBuf,
}

pub(crate) fn password(env: &str) -> anyhow::Result<String> {
    match std::env::var(env) {
        Ok(password) => Ok(password),
        Err(_) => rpassword::prompt_password("keystore password: ").context("reading the keystore password"),
    }
}

pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    let signer = PrivateKeySigner::decrypt_keystore(&args.keystore, password(&args.password_env)?)
        .with_context(|| format!("decrypting keystore {}", args.keystore.display()))?;
    let owner = signer.address();
    let mut chain =
        RpcChain::connect(&args.rpc_url, vec![signer]).with_context(|| format!("connecting to {}", args.rpc_url))?;
    let protocol = Protocol::deploy(&mut chain, owner).context("deploying the CreditBureau")?;
    for notary in &args.notaries {
        protocol.bureau.add_notary(&mut chain, owner, *notary).with_context(|| format!("adding notary {notary}"))?;
    }
    let json = serde_json::to_string_pretty(&protocol).context("serialising the deployment")?;
    std::fs::write(&args.out, json + "\n").with_context(|| format!("writing {}", args.out.display()))?;
    println!(
        "CreditBureau {} (owner {owner}, chain {}), {} gas",
        protocol.bureau.address, protocol.chain_id, protocol.deploy_gas
    );
    println!("deployment written to {}", args.out.display());
    Ok(())
}
