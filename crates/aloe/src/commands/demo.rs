//! `aloe demo`: the lifecycle scenario, narrated.

use aloe_contracts::lifecycle;
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
    let mut chain = dev_chain(args.rpc_url.as_deref())?;
    println!("Aloe demo on the {} chain\n", chain.backend());
    let mut step = 0;
    let report = lifecycle::run(chain.as_mut(), &mut |line| {
        step += 1;
        println!("{step:>2}. {line}");
    })
    .context("the lifecycle scenario failed")?;

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
