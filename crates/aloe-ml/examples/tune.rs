//! The hyper-parameter search behind the defaults: the protocol with fold seeds 100–104 (not the
//! reported 0–4), printing the mean AUROC of the averaged MLP for each training setting given in
//! `TUNE_GRID` (`hidden,members,epochs,lr,weight_decay,batch,l2[,bagging 0/1]`, `;`-separated) and of the
//! logistic regression for L2 strengths 0.3, 1, 3, 10, 30 (one per row, in that order). `TUNE_NOLOG=1`
//! turns the log of duration and amount off. BENCHMARKS.md lists what was tried.
//!
//! `TUNE_GRID="10,20,60,0.003,3,64,0" cargo run --release -p aloe-ml --example tune [threads]`

use aloe_ml::data::german_credit;
use aloe_ml::eval::{EvalConfig, default_config, evaluate};
use aloe_ml::metrics::mean_std;
use aloe_ml::mlp::TrainConfig;

fn main() {
    let threads = std::env::args().nth(1).and_then(|t| t.parse().ok()).unwrap_or(2);
    let data = german_credit();
    let base = EvalConfig { first_seed: 100, frac_bits: vec![], label_variant: false, ..default_config() };
    let grid = grid(&base.train);
    println!(
        "| log duration/amount | hidden | members | epochs | batch | lr | weight decay | L2 | bagging | MLP AUROC | LR α | LR AUROC |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|");
    for log_skewed in [std::env::var("TUNE_NOLOG").is_err()] {
        for (i, train) in grid.iter().enumerate() {
            // The logistic regression is refitted with each α once per encoding (first rows).
            let alpha = [0.3, 1.0, 3.0, 10.0, 30.0].get(i).copied().unwrap_or(base.logistic_alpha);
            let config = EvalConfig { train: *train, log_skewed, logistic_alpha: alpha, ..base.clone() };
            let results = evaluate(&config, &data, threads, &|_| {}).expect("evaluation runs");
            let mlp = mean_std(&results.iter().map(|r| r.ensemble.auroc).collect::<Vec<_>>()).0;
            let lr = mean_std(&results.iter().map(|r| r.logistic.auroc).collect::<Vec<_>>()).0;
            println!(
                "| {log_skewed} | {} | {} | {} | {} | {} | {} | {} | {} | {mlp:.4} | {alpha} | {lr:.4} |",
                train.hidden,
                train.members,
                train.epochs,
                train.batch_size,
                train.learning_rate,
                train.weight_decay,
                train.l2,
                train.bootstrap
            );
        }
    }
}

/// The training settings tried: weight decay × epochs at the post's width, then width and members.
fn grid(base: &TrainConfig) -> Vec<TrainConfig> {
    let mut grid = Vec::new();
    let spec = std::env::var("TUNE_GRID").unwrap_or_default();
    for item in spec.split(';').filter(|s| !s.is_empty()) {
        // hidden,members,epochs,lr,wd,batch,l2[,bootstrap 0/1]
        let v: Vec<f64> = item.split(',').map(|x| x.parse().expect("number")).collect();
        grid.push(TrainConfig {
            hidden: v[0] as usize,
            members: v[1] as usize,
            epochs: v[2] as usize,
            learning_rate: v[3],
            weight_decay: v[4],
            batch_size: v[5] as usize,
            l2: v[6],
            bootstrap: v.get(7).is_some_and(|b| *b != 0.0),
            ..*base
        });
    }
    grid
}
