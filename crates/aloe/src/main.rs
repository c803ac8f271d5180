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
    /// Simulate years of a lending market on the real contracts and report what the scores predicted.
    Simulate(commands::simulate::Args),
    /// Run the protocol with its notary, auditors, keeper, indexer, JSON API and dashboard in one process.
    Serve(commands::serve::Args),
    /// Scores from chain data: `aloe score defi` (the DeFi behaviour score of an address, or a batch as CSV).
    Score(commands::score::Args),
    /// Private loan decisions: Groth16 setup, prove, verify, export the Solidity verifier.
    Zk(commands::zk::Args),
    /// The notary's service (`aloe notary serve`).
    #[command(subcommand)]
    Notary(Notary),
    /// An auditor's service (`aloe auditor serve`).
    #[command(subcommand)]
    Auditor(AuditorCommand),
    /// The identity escrow's governance (`aloe escrow set-auditors`).
    #[command(subcommand)]
    Escrow(Escrow),
    /// A borrower's commands (`aloe borrower register`).
    #[command(subcommand)]
    Borrower(Borrower),
    /// A lender's commands (`aloe lender set-key | reveal`).
    #[command(subcommand)]
    Lender(Lender),
}

#[derive(Debug, Subcommand)]
enum Notary {
    /// Serve registrations: check, split the identity among the auditors, register on-chain.
    Serve(commands::identity::services::NotaryArgs),
}

#[derive(Debug, Subcommand)]
enum AuditorCommand {
    /// Keep identity shares and release them to the lenders of confirmed defaults.
    Serve(commands::identity::services::AuditorArgs),
}

#[derive(Debug, Subcommand)]
enum Escrow {
    /// Start a new auditor set from the auditor services' own keys (owner only).
    SetAuditors(commands::identity::escrow::SetAuditorsArgs),
}

#[derive(Debug, Subcommand)]
enum Borrower {
    /// Register with a notary: proves the address, escrows the identity.
    Register(commands::identity::borrower::RegisterArgs),
}

#[derive(Debug, Subcommand)]
enum Lender {
    /// Publish the key auditors encrypt released shares to (derived from the account key).
    SetKey(commands::identity::lender::SetKeyArgs),
    /// Reconstruct a defaulter's identity from the shares released to this lender.
    Reveal(commands::identity::lender::RevealArgs),
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
        Command::Score(args) => commands::score::run(args),
        Command::Simulate(args) => commands::simulate::run_command(args),
        Command::Serve(args) => commands::serve::run(args),
        Command::Zk(args) => commands::zk::run(args),
        Command::Notary(Notary::Serve(args)) => commands::identity::services::notary(args),
        Command::Auditor(AuditorCommand::Serve(args)) => commands::identity::services::auditor(args),
        Command::Escrow(Escrow::SetAuditors(args)) => commands::identity::escrow::set_auditors(args),
        Command::Borrower(Borrower::Register(args)) => commands::identity::borrower::register(args),
        Command::Lender(Lender::SetKey(args)) => commands::identity::lender::set_key(args),
        Command::Lender(Lender::Reveal(args)) => commands::identity::lender::reveal(args),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
