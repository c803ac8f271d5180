//! The identity escrow's commands: `notary serve`, `auditor serve`, `escrow set-auditors`,
//! `borrower register`, `lender set-key | reveal`. Every key comes from an encrypted keystore (or a
//! service's data directory); the national identifier is read from the environment or the terminal,
//! never from the command line.

pub(crate) mod borrower;
pub(crate) mod escrow;
pub(crate) mod lender;
pub(crate) mod services;

use std::path::{Path, PathBuf};

use alloy::signers::local::PrivateKeySigner;
use aloe_chain::RpcChain;
use aloe_contracts::Protocol;
use aloe_server::registry::ChainRegistry;
use anyhow::Context;

/// Where the protocol is.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct ChainArgs {
    /// The node (anvil or any Ethereum JSON-RPC endpoint).
    #[arg(long)]
    rpc_url: String,
    /// The deployment file `aloe deploy` wrote.
    #[arg(long, default_value = "deployment.json")]
    deployment: PathBuf,
}

impl ChainArgs {
    fn protocol(&self) -> anyhow::Result<Protocol> {
        let text = std::fs::read_to_string(&self.deployment)
            .with_context(|| format!("reading the deployment file {}", self.deployment.display()))?;
        serde_json::from_str(&text)
            .with_context(|| format!("parsing the deployment file {}", self.deployment.display()))
    }

    /// The protocol's registry, sending as `signer`.
    pub(crate) fn registry(&self, signer: PrivateKeySigner) -> anyhow::Result<ChainRegistry> {
        let protocol = self.protocol()?;
        let chain = RpcChain::connect(&self.rpc_url, vec![signer])
            .with_context(|| format!("connecting to {}", self.rpc_url))?;
        Ok(ChainRegistry::new(Box::new(chain), protocol))
    }
}

/// A user's key.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct KeyArgs {
    /// Encrypted JSON keystore (Web3 Secret Storage) of the account.
    #[arg(long)]
    keystore: PathBuf,
    /// Environment variable holding the keystore password (prompted for when unset).
    #[arg(long, default_value = "ALOE_KEYSTORE_PASSWORD")]
    password_env: String,
}

impl KeyArgs {
    pub(crate) fn signer(&self) -> anyhow::Result<PrivateKeySigner> {
        decrypt(&self.keystore, &self.password_env)
    }
}

fn decrypt(keystore: &Path, password_env: &str) -> anyhow::Result<PrivateKeySigner> {
    PrivateKeySigner::decrypt_keystore(keystore, super::password(password_env)?)
        .with_context(|| format!("decrypting keystore {}", keystore.display()))
}
