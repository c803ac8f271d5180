//! The `aloe` command line: parses, validates, and calls the libraries (no protocol logic here).

mod commands;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Aloe: unsecured lending on Ethereum with on-chain credit scores.
#[derive(Debug, Parser)]
#[command(name = "aloe", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the whole lending lifecycle on the embedded chain (or --rpc-url) and print each step.
    Demo(commands::demo::Args),
    /// Deploy the protocol to a JSON-RPC chain with a key from an encrypted keystore.
    Deploy(commands::deploy::Args),
    /// Print the gas of every protocol function, on the embedded chain and optionally on a node.
    Gas(commands::gas::Args),
    /// Benchmarks: `knn` prints the k-NN scan's gas per model size beside a naive baseline.
    Bench(commands::bench::Args),
    /// Train, evaluate and use the credit models (`aloe model mlp ...`, `aloe model knn ...`).
    Model(commands::model::Args),
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Demo(args) => commands::demo::run(args),
        Command::Deploy(args) => commands::deploy::run(args),
        Command::Gas(args) => commands::gas::run(args),
        Command::Bench(args) => commands::bench::run(args),
        Command::Model(args) => commands::model::run(args),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
