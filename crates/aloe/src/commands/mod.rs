//! One module per subcommand.

pub(crate) mod bench;
mod bench_serve;
mod bench_zk;
pub(crate) mod defi_model;
pub(crate) mod demo;
pub(crate) mod deploy;
pub(crate) mod gas;
pub(crate) mod identity;
pub(crate) mod knn_model;
pub(crate) mod model;
pub(crate) mod score;
pub(crate) mod serve;
pub(crate) mod simulate;
pub(crate) mod zk;
mod zk_gas;

use aloe_chain::{Chain, EmbeddedChain, RpcChain, dev_signers};
use anyhow::Context;

/// The number of development accounts the scenarios use (the lifecycle's ten, the escrow walkthrough's seven).
const DEV_ACCOUNTS: usize = aloe_server::walkthrough::ACCOUNTS.end;

/// The embedded chain, or a development node at `rpc_url` signing with the development keys.
pub(crate) fn dev_chain(rpc_url: Option<&str>) -> anyhow::Result<Box<dyn Chain + Send>> {
    Ok(match rpc_url {
        None => Box::new(EmbeddedChain::new()),
        Some(url) => {
            Box::new(RpcChain::connect(url, dev_signers(DEV_ACCOUNTS)).with_context(|| format!("connecting to {url}"))?)
        }
    })
}

/// `amount` base units as a decimal with 18 decimals, trimmed ("12.5"), as the dashboard writes them.
pub(crate) use aloe_server::api::problem::format_amount as format_units;

/// The password in environment variable `env`, or asked for at the terminal.
pub(crate) fn password(env: &str) -> anyhow::Result<String> {
    match std::env::var(env) {
        Ok(password) => Ok(password),
        Err(_) => rpassword::prompt_password("keystore password: ").context("reading the keystore password"),
    }
}
