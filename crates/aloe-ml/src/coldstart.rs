//! The cold-start evaluation protocol: how well the on-chain k-NN score, built from the Taiwan payment
//! histories, predicts next-month default, beside baselines, all on the same seeded stratified folds.
//!
//! The k-NN scores come from outside (a [`KnnScorer`]: the replay and scoring live in `aloe-score`, which
//! this crate does not depend on); everything else is here: folds, the stratified sample of each training
//! fold down to the model size, RMSE per k (to choose k, as the paper says), AUROC, calibration by decile,
//! and the baselines (logistic regression on the five ratios and on the 23 raw columns, gradient boosting
//! on both).

use crate::boosting::{Boosted, BoostingConfig, BoostingError};
use crate::folds::{stratified_folds, stratified_sample};
use crate::logistic::{Logistic, LogisticError};
use crate::metrics::{Bin, auroc, calibration, mean_std, rmse};
use crate::taiwan::{Client, MONTHS, TaiwanData};

/// Scores a fold's test rows with a k-NN model built from its (sampled) training rows.
pub trait KnnScorer: Sync {
    /// For each of `ks`, the score in [0, 1] of every `test` row (higher: less likely to default).
    fn scores(&self, train: &[usize], test: &[usize], ks: &[usize]) -> Vec<Vec<f64>>;
}

/// One k-NN variant to evaluate (e.g. a split of the months into history and outcome).
pub struct KnnVariant<'a> {
    /// Its name in the report.
    pub name: String,
    /// Its scorer.
    pub scorer: &'a dyn KnnScorer,
}

/// The protocol's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct ColdStartConfig {
    /// Folds (5).
    pub folds: usize,
    /// Fold seed (0).
    pub seed: u64,
    /// The k tried (the contract allows 1 to 32).
    pub ks: Vec<usize>,
    /// Points the model may hold: each training fold is sampled down to this, stratified.
    pub model_size: usize,
    /// L2 penalty of the logistic regressions.
    pub alpha: f64,
    /// The gradient-boosting baseline.
    pub boosting: BoostingConfig,
}

impl Default for ColdStartConfig {
    fn default() -> Self {
        Self {
            folds: 5,
            seed: 0,
            ks: vec![1, 2, 4, 8, 12, 16, 20, 24, 28, 32],
            model_size: 10_000,
            alpha: 1.0,
            boosting: BoostingConfig::default(),
        }
    }
}

/// Something that failed while fitting a baseline.
#[derive(Debug, thiserror::Error)]
pub enum ColdStartError {
    /// The logistic regression.
    #[error(transparent)]
    Logistic(#[from] LogisticError),
    /// The gradient boosting.
    #[error(transparent)]
    Boosting(#[from] BoostingError),
}

/// A k-NN variant's results.
#[derive(Debug, Clone)]
pub struct VariantResult {
    /// Its name.
    pub name: String,
    /// Cross-validated RMSE of the score against "did not default" (1 or 0), per k, over all test rows.
    pub rmse: Vec<f64>,
    /// AUROC per fold, per k.
    pub auroc: Vec<Vec<f64>>,
    /// Out-of-fold scores of every client, per k.
    pub scores: Vec<Vec<f64>>,
}

/// A baseline's AUROC per fold.
#[derive(Debug, Clone)]
pub struct BaselineResult {
    /// Its name.
    pub name: &'static str,
    /// AUROC per fold.
    pub auroc: Vec<f64>,
}

/// Everything the report prints.
#[derive(Debug, Clone)]
pub struct ColdStartResults {
    /// The settings.
    pub config: ColdStartConfig,
    /// Clients and defaults.
    pub clients: usize,
    /// Defaults among them.
    pub defaults: usize,
    /// Model points per fold (after sampling; before merging identical ones).
    pub sampled: usize,
    /// The k-NN variants.
    pub variants: Vec<VariantResult>,
    /// The baselines.
    pub baselines: Vec<BaselineResult>,
}

impl ColdStartResults {
    /// The (variant, k index) of lowest RMSE: the model to ship.
    pub fn chosen(&self) -> (usize, usize) {
        let mut best = (0, 0);
        for (v, variant) in self.variants.iter().enumerate() {
            for (i, r) in variant.rmse.iter().enumerate() {
                if *r < self.variants[best.0].rmse[best.1] {
                    best = (v, i);
                }
            }
        }
        best
    }
}

/// Columns standardised with the training rows' mean and standard deviation.
fn standardised(rows: &[Vec<f64>], train: &[usize]) -> Vec<Vec<f64>> {
    let width = rows[0].len();
    let stats: Vec<(f64, f64)> = (0..width)
        .map(|c| {
            let (mean, std) = mean_std(&train.iter().map(|&r| rows[r][c]).collect::<Vec<_>>());
            (mean, if std > 0.0 { std } else { 1.0 })
        })
        .collect();
    rows.iter().map(|row| row.iter().zip(&stats).map(|(v, (m, s))| (v - m) / s).collect()).collect()
}

fn pick<T: Clone>(rows: &[T], which: &[usize]) -> Vec<T> {
    which.iter().map(|&r| rows[r].clone()).collect()
}

/// A baseline's learner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Baseline {
    Logistic,
    Boosting,
}

/// The baselines: both learners on the five ratios and on the raw columns, and gradient boosting on the
/// ratios plus one candidate feature each (what a sixth ratio would add).
fn baseline_plans(data: &TaiwanData, ratios: &[Vec<f64>]) -> Vec<(&'static str, Vec<Vec<f64>>, Baseline)> {
    let raw: Vec<Vec<f64>> = data.clients.iter().map(|c| c.raw().to_vec()).collect();
    let with = |extra: &dyn Fn(&Client) -> f64| -> Vec<Vec<f64>> {
        ratios.iter().zip(&data.clients).map(|(r, c)| r.iter().copied().chain([extra(c)]).collect()).collect()
    };
    let behind_now = |c: &Client| c.status[MONTHS - 1].max(0) as f64;
    let utilisation = |c: &Client| c.bill[MONTHS - 1] as f64 / (c.limit.max(1) as f64);
    vec![
        ("logistic regression, five ratios", ratios.to_vec(), Baseline::Logistic),
        ("logistic regression, 23 raw columns", raw.clone(), Baseline::Logistic),
        ("gradient boosting, five ratios", ratios.to_vec(), Baseline::Boosting),
        ("gradient boosting, 23 raw columns", raw, Baseline::Boosting),
        ("gradient boosting, five ratios + months behind now", with(&behind_now), Baseline::Boosting),
        ("gradient boosting, five ratios + utilisation (bill / limit)", with(&utilisation), Baseline::Boosting),
    ]
}

/// Runs the protocol. `ratios` holds each client's five ratios (for the ratio baselines); `progress`
/// gets a line per step.
pub fn evaluate(
    config: &ColdStartConfig,
    data: &TaiwanData,
    ratios: &[Vec<f64>],
    variants: &[KnnVariant<'_>],
    progress: &mut dyn FnMut(String),
) -> Result<ColdStartResults, ColdStartError> {
    let n = data.clients.len();
    let good: Vec<bool> = data.defaulted.iter().map(|d| !d).collect();
    let folds = stratified_folds(&good, config.folds, config.seed);
    let mut results: Vec<VariantResult> = variants
        .iter()
        .map(|v| VariantResult {
            name: v.name.clone(),
            rmse: Vec::new(),
            auroc: vec![Vec::new(); config.ks.len()],
            scores: vec![vec![0.0; n]; config.ks.len()],
        })
        .collect();
    let plans = baseline_plans(data, ratios);
    let mut baselines: Vec<BaselineResult> =
        plans.iter().map(|(name, _, _)| BaselineResult { name, auroc: Vec::new() }).collect();
    let mut sampled = 0;
    for (f, fold) in folds.iter().enumerate() {
        let sample = stratified_sample(&fold.train, &data.defaulted, config.model_size, config.seed + f as u64);
        sampled = sample.len();
        let test_good = pick(&good, &fold.test);
        for (variant, result) in variants.iter().zip(&mut results) {
            let per_k = variant.scorer.scores(&sample, &fold.test, &config.ks);
            for (i, scores) in per_k.iter().enumerate() {
                result.auroc[i].push(auroc(scores, &test_good).expect("both classes in every fold"));
                for (&row, &s) in fold.test.iter().zip(scores) {
                    result.scores[i][row] = s;
                }
            }
            progress(format!("fold {}/{}: {}", f + 1, config.folds, variant.name));
        }
        for ((_, features, kind), result) in plans.iter().zip(&mut baselines) {
            let train_good = pick(&good, &fold.train);
            let scores = match kind {
                Baseline::Logistic => {
                    let x = standardised(features, &fold.train);
                    let lr = Logistic::fit(&pick(&x, &fold.train), &train_good, config.alpha)?;
                    fold.test.iter().map(|&r| lr.score(&x[r])).collect()
                }
                Baseline::Boosting => Boosted::fit(&pick(features, &fold.train), &train_good, &config.boosting)?
                    .scores(&pick(features, &fold.test)),
            };
            result.auroc.push(auroc(&scores, &test_good).expect("both classes in every fold"));
        }
        progress(format!("fold {}/{}: baselines", f + 1, config.folds));
    }
    let observed: Vec<f64> = good.iter().map(|&g| f64::from(u8::from(g))).collect();
    for result in &mut results {
        result.rmse = result.scores.iter().map(|s| rmse(s, &observed)).collect();
    }
    let defaults = data.defaulted.iter().filter(|d| **d).count();
    Ok(ColdStartResults { config: config.clone(), clients: n, defaults, sampled, variants: results, baselines })
}

fn summary(values: &[f64]) -> String {
    let (mean, std) = mean_std(values);
    format!("{mean:.4} ± {std:.4}")
}

/// The calibration of the chosen model: observed default rate per score decile.
pub fn deciles(results: &ColdStartResults, data: &TaiwanData) -> Vec<Bin> {
    let (v, i) = results.chosen();
    calibration(&results.variants[v].scores[i], &data.defaulted, 10)
}

/// The markdown report: RMSE and AUROC per k and variant, the comparison table, the calibration.
pub fn report(results: &ColdStartResults, data: &TaiwanData) -> String {
    let c = &results.config;
    let mut out = format!(
        "{} clients, {} defaults ({:.2} %); {}-fold stratified cross-validation, fold seed {}; each training fold \
         sampled (stratified) to {} clients for the k-NN model\n\n",
        results.clients,
        results.defaults,
        100.0 * results.defaults as f64 / results.clients as f64,
        c.folds,
        c.seed,
        results.sampled,
    );
    out += "RMSE of the score (0..1) against \"no default\" (1/0), out of fold, and mean AUROC, per k:\n\n";
    out += "| variant | metric |";
    for k in &c.ks {
        out += &format!(" k = {k} |");
    }
    out += "\n|---|---|";
    out += &"---:|".repeat(c.ks.len());
    out += "\n";
    for v in &results.variants {
        out += &format!("| {} | RMSE |", v.name);
        for r in &v.rmse {
            out += &format!(" {r:.4} |");
        }
        out += &format!("\n| {} | AUROC |", v.name);
        for a in &v.auroc {
            out += &format!(" {:.4} |", mean_std(a).0);
        }
        out += "\n";
    }
    let (v, i) = results.chosen();
    let chosen = &results.variants[v];
    out += &format!("\nChosen by lowest RMSE: {}, k = {} (RMSE {:.4}).\n\n", chosen.name, c.ks[i], chosen.rmse[i]);
    out += "| model | AUROC mean ± std over folds |\n|---|---:|\n";
    out += &format!(
        "| k-NN score ({}, k = {}), on-chain scoring path | {} |\n",
        chosen.name,
        c.ks[i],
        summary(&chosen.auroc[i])
    );
    for b in &results.baselines {
        out += &format!("| {} | {} |\n", b.name, summary(&b.auroc));
    }
    // The baselines are the first four; the others test candidate features.
    let best = results.baselines.iter().take(4).map(|b| mean_std(&b.auroc).0).fold(f64::MIN, f64::max);
    out += &format!(
        "\nk-NN minus the best of the first four baselines: {:+.4} AUROC (target: within 0.03).\n\n",
        mean_std(&chosen.auroc[i]).0 - best
    );
    out += "Calibration of the chosen score (out of fold), by decile of score:\n\n";
    out += "| decile | clients | score range | mean score | observed default rate |\n|---:|---:|---|---:|---:|\n";
    for (d, bin) in deciles(results, data).iter().enumerate() {
        out += &format!(
            "| {} | {} | {:.3}–{:.3} | {:.3} | {:.3} |\n",
            d + 1,
            bin.rows,
            bin.score_range.0,
            bin.score_range.1,
            bin.mean_score,
            bin.positive_rate
        );
    }
    out
}
