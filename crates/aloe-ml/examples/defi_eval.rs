//! The DeFi anomaly-penalty evaluation as markdown: `cargo run --release -p aloe-ml --example defi_eval
//! [accounts] [epochs] [seed]` (defaults 4000 accounts, 100 epochs, seed 1).

use aloe_ml::autoencoder::AutoencoderConfig;
use aloe_ml::defi_eval::{EvalConfig, evaluate};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<u64> = std::env::args().skip(1).map(|a| a.parse()).collect::<Result<_, _>>()?;
    let default = EvalConfig::default();
    let arg = |i: usize, d: u64| args.get(i).copied().unwrap_or(d);
    let config = EvalConfig {
        accounts: arg(0, default.accounts as u64) as usize,
        autoencoder: AutoencoderConfig {
            epochs: arg(1, default.autoencoder.epochs as u64) as usize,
            ..default.autoencoder
        },
        seed: arg(2, default.seed),
        ..default
    };
    print!("{}", evaluate(&config)?.markdown());
    Ok(())
}
