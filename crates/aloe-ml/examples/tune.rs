//! The hyper-parameter search behind the defaults: the protocol with fold seeds 100–104 (not the
//! reported 0–4). For each training setting in `TUNE_GRID`
//! (`hidden,members,epochs,lr,weight_decay,batch,l2[,bagging 0/1[,label smoothing[,input dropout[,bad
//! weight]]]]]`, `;`-separated) it prints the mean
//! AUROC (and lowest repetition mean) of the averaged MLP, of the MLP with the logistic regression
//! folded in at each weight of `TUNE_BLEND` (`0.25,0.5`: [`Mlp::blend_linear`], LR α = `TUNE_BLEND_ALPHA`,
//! default 10), and of the logistic regression for each α of `TUNE_ALPHAS` (default `10`).
//! Encoding: `TUNE_LOG=1` logs duration and amount; `TUNE_BINS="1,4,12:4"` adds quantile threshold
//! indicators (4 bins) for those attributes; `TUNE_RATIO=1` adds the log monthly amount
//! (`Encoder::with_monthly`). BENCHMARKS.md lists what was tried.
//!
//! `TUNE_GRID="10,20,60,0.003,3,64,0" cargo run --release -p aloe-ml --example tune [threads]`

use aloe_ml::data::german_credit;
use aloe_ml::encoding::{Encoder, EncodingKind};
use aloe_ml::folds::stratified_folds;
use aloe_ml::logistic::Logistic;
use aloe_ml::metrics::{auroc, mean_std};
use aloe_ml::mlp::{Mlp, TrainConfig, train};

fn list(name: &str, default: &str) -> Vec<f64> {
    let spec = std::env::var(name).unwrap_or_else(|_| default.to_owned());
    spec.split(',').filter(|s| !s.is_empty()).map(|x| x.parse().expect("number")).collect()
}

/// Mean over folds and lowest repetition mean (5 folds per repetition, in order).
fn summary(aurocs: &[f64]) -> String {
    let reps: Vec<f64> = aurocs.chunks(5).map(|c| mean_std(c).0).collect();
    format!("{:.4} ({:.4})", mean_std(aurocs).0, reps.iter().copied().fold(f64::INFINITY, f64::min))
}

fn main() {
    let threads: usize = std::env::args().nth(1).and_then(|t| t.parse().ok()).unwrap_or(2);
    let data = german_credit();
    let log = std::env::var("TUNE_LOG").is_ok();
    let ratio = std::env::var("TUNE_RATIO").is_ok();
    let (binned, bins) = match std::env::var("TUNE_BINS") {
        Ok(spec) if !spec.is_empty() => {
            let (attrs, bins) = spec.split_once(':').expect("attrs:bins");
            (attrs.split(',').map(|a| a.parse().expect("index")).collect::<Vec<usize>>(), bins.parse().expect("bins"))
        }
        _ => (Vec::new(), 0),
    };
    let alphas = list("TUNE_ALPHAS", "10");
    let blends = list("TUNE_BLEND", "");
    let blend_alpha = list("TUNE_BLEND_ALPHA", "10")[0];
    let mut jobs = Vec::new();
    for seed in 100..105 {
        for fold in stratified_folds(&data.good, 5, seed) {
            jobs.push(fold);
        }
    }
    println!(
        "encoding: log {log}, binned {binned:?} into {bins}; LR α {alphas:?}; blend {blends:?} at α {blend_alpha}"
    );
    for train_config in grid() {
        // Per fold: MLP, each blend, each LR α.
        let results: Vec<Vec<f64>> = std::thread::scope(|scope| {
            let chunks: Vec<_> = jobs.chunks(jobs.len().div_ceil(threads.max(1))).collect();
            let handles: Vec<_> = chunks
                .into_iter()
                .map(|chunk| {
                    let (binned, alphas, blends, data) = (&binned, &alphas, &blends, &data);
                    scope.spawn(move || {
                        chunk
                            .iter()
                            .map(|fold| {
                                let pick = |rows: &[usize]| -> (Vec<_>, Vec<bool>) {
                                    (
                                        rows.iter().map(|&i| data.applicants[i]).collect(),
                                        rows.iter().map(|&i| data.good[i]).collect(),
                                    )
                                };
                                let ((tr, tr_good), (te, te_good)) = (pick(&fold.train), pick(&fold.test));
                                let encoder = Encoder::fit_binned(EncodingKind::OneHot, log, binned, bins, &tr);
                                let encoder = if ratio { encoder.with_monthly(&tr) } else { encoder };
                                let (x_tr, x_te) = (encoder.encode_all(&tr), encoder.encode_all(&te));
                                let auc = |m: &Mlp| {
                                    auroc(&x_te.iter().map(|x| m.margin(x)).collect::<Vec<_>>(), &te_good)
                                        .expect("two classes")
                                };
                                let mlp = train(&x_tr, &tr_good, &train_config).expect("trains");
                                let mut row = vec![auc(&mlp)];
                                let lr = Logistic::fit(&x_tr, &tr_good, blend_alpha).expect("fits");
                                for &l in blends {
                                    row.push(auc(&mlp.blend_linear(&lr.weights, lr.intercept, l)));
                                }
                                for &a in alphas {
                                    let lr = Logistic::fit(&x_tr, &tr_good, a).expect("fits");
                                    let s: Vec<f64> = x_te.iter().map(|x| lr.score(x)).collect();
                                    row.push(auroc(&s, &te_good).expect("two classes"));
                                }
                                row
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles.into_iter().flat_map(|h| h.join().expect("no panic")).collect()
        });
        let column = |i: usize| summary(&results.iter().map(|r| r[i]).collect::<Vec<_>>());
        let t = train_config;
        let mut line = format!(
            "| {},{},{},{},{},{},{},{},{},{},{} | MLP {}",
            t.hidden,
            t.members,
            t.epochs,
            t.learning_rate,
            t.weight_decay,
            t.batch_size,
            t.l2,
            u8::from(t.bootstrap),
            t.label_smoothing,
            t.input_dropout,
            t.bad_weight,
            column(0)
        );
        for (i, l) in blends.iter().enumerate() {
            line.push_str(&format!(" | blend {l}: {}", column(1 + i)));
        }
        for (i, a) in alphas.iter().enumerate() {
            line.push_str(&format!(" | LR α {a}: {}", column(1 + blends.len() + i)));
        }
        println!("{line} |");
    }
}

/// The training settings to try (`TUNE_GRID`); members 0 skips the MLP (LR only).
fn grid() -> Vec<TrainConfig> {
    let base = TrainConfig::default();
    let spec = std::env::var("TUNE_GRID").unwrap_or_else(|_| "10,20,60,0.003,3,64,0".into());
    spec.split(';')
        .filter(|s| !s.is_empty())
        .map(|item| {
            let v: Vec<f64> = item.split(',').map(|x| x.parse().expect("number")).collect();
            TrainConfig {
                hidden: v[0] as usize,
                members: v[1] as usize,
                epochs: v[2] as usize,
                learning_rate: v[3],
                weight_decay: v[4],
                batch_size: v[5] as usize,
                l2: v[6],
                bootstrap: v.get(7).is_some_and(|b| *b != 0.0),
                label_smoothing: v.get(8).copied().unwrap_or(0.0),
                input_dropout: v.get(9).copied().unwrap_or(0.0),
                bad_weight: v.get(10).copied().unwrap_or(1.0),
                ..base
            }
        })
        .collect()
}
