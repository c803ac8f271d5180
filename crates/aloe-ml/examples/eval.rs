//! The evaluation table of BENCHMARKS.md without building the `aloe` binary (same library call as
//! `aloe model mlp eval`): `cargo run --release -p aloe-ml --example eval [threads] [first_seed]
//! [training_seed]` (the training seed of the first member; default 0).

use aloe_ml::data::german_credit;
use aloe_ml::eval::{EvalConfig, default_config, evaluate, report};

fn main() {
    let mut args = std::env::args().skip(1);
    let threads = args.next().and_then(|t| t.parse().ok()).unwrap_or(2);
    let first_seed = args.next().and_then(|t| t.parse().ok()).unwrap_or(0);
    let mut config = EvalConfig { first_seed, ..default_config() };
    config.train.seed = args.next().and_then(|t| t.parse().ok()).unwrap_or(config.train.seed);
    let results = evaluate(&config, &german_credit(), threads, &|_| eprint!(".")).expect("evaluation runs");
    eprintln!();
    print!("{}", report(&config, &results));
}
