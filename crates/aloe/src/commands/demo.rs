//! `aloe demo`: the lifecycle scenario, then the identity escrow's walkthrough, narrated.

use aloe_chain::{Chain, SharedChain};
use aloe_contracts::lifecycle;
use aloe_server::walkthrough;
use anyhow::Context;

use super::{dev_chain, format_units};

/// Arguments of `aloe demo`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Run against a development node (anvil) instead of the embedded chain.
    #[arg(long)]
    rpc_url: Option<String>,
}

pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    let chain = SharedChain::new(dev_chain(args.rpc_url.as_deref())?);
    println!("Aloe demo on the {} chain\n", chain.backend());
    let mut step = 0;
    let mut say = |line: String| {
        step += 1;
        println!("{step:>2}. {line}");
    };
    let report = lifecycle::run(&mut chain.clone(), &mut say).context("the lifecycle scenario failed")?;
    // The parties' stores live for the demo only.
    let stores = std::env::temp_dir().join(format!("aloe-demo-{}", std::process::id()));
    std::fs::create_dir_all(&stores).with_context(|| format!("creating {}", stores.display()))?;
    let escrow = walkthrough::run(&chain, report.protocol, report.protocol.owner, &stores, &mut say);
    std::fs::remove_dir_all(&stores).with_context(|| format!("removing {}", stores.display()))?;
    escrow.context("the identity escrow walkthrough failed")?;

    println!("\nBalances (ETH, aUSD), before -> after:");
    println!(
        "{:<18} {:>14} {:>14} {:>12} {:>12}",
        "participant", "ETH before", "ETH after", "aUSD before", "aUSD after"
    );
    for row in &report.balances {
        println!(
            "{:<18} {:>14} {:>14} {:>12} {:>12}",
            row.label,
            format_units(row.ether_before),
            format_units(row.ether_after),
            format_units(row.token_before),
            format_units(row.token_after)
        );
    }
    println!(
        "rounding dust swept to the creator: {} wei, {} aUSD units; left in the loans: {} ETH, {} aUSD",
        report.dust_swept[0],
        report.dust_swept[1],
        format_units(report.left_in_loans[0]),
        format_units(report.left_in_loans[1])
    );
    println!("\nGas per function (calls, median, max):");
    for (function, gas) in &report.gas.0 {
        println!(
            "{:<24} {:>3} {:>9} {:>9}",
            function,
            gas.len(),
            report.gas.median(function).unwrap_or_default(),
            report.gas.max(function).unwrap_or_default()
        );
    }
    Ok(())
}
