//! `aloe gas`: gas of every protocol function from the lifecycle scenario (the BENCHMARKS.md table).

use aloe_chain::Chain;
use aloe_contracts::lifecycle::{self, GasLog};
use anyhow::Context;

use super::dev_chain;

/// Arguments of `aloe gas`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Also run on this development node (anvil) and show whether its gas equals the embedded chain's.
    #[arg(long)]
    rpc_url: Option<String>,
}

/// Ceilings on the ether path (asserted by the gas test).
const CEILINGS: [(&str, u64); 6] = [
    ("createLoan (ether)", 150_000),
    ("invest (ether)", 80_000),
    ("borrow (ether)", 150_000),
    ("disburse (ether)", 80_000),
    ("makePayment (ether)", 120_000),
    ("withdraw (ether)", 80_000),
];

fn measure(chain: &mut dyn Chain) -> anyhow::Result<GasLog> {
    let report =
        lifecycle::run(chain, &mut |_| {}).with_context(|| format!("lifecycle on the {} chain", chain.backend()))?;
    Ok(report.gas)
}

pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    let embedded = measure(dev_chain(None)?.as_mut())?;
    let node = match &args.rpc_url {
        Some(url) => Some(measure(dev_chain(Some(url))?.as_mut())?),
        None => None,
    };
    println!(
        "| function | calls | median gas | max gas | ceiling | {}",
        if node.is_some() { "equal on node |" } else { "" }
    );
    println!("|---|---:|---:|---:|---:|{}", if node.is_some() { "---|" } else { "" });
    for (function, calls) in &embedded.0 {
        let ceiling = CEILINGS.iter().find(|(f, _)| f == function).map_or("".to_owned(), |(_, c)| c.to_string());
        let equal =
            node.as_ref().map(|n| if n.0.get(function) == Some(calls) { " yes |" } else { " NO |" }).unwrap_or("");
        println!(
            "| {function} | {} | {} | {} | {ceiling} |{equal}",
            calls.len(),
            embedded.median(function).unwrap_or_default(),
            embedded.max(function).unwrap_or_default(),
        );
    }
    if let Some(node) = node
        && node != embedded
    {
        anyhow::bail!("gas on the node differs from the embedded chain");
    }
    Ok(())
}
