//! The evaluation of the DeFi anomaly penalty on a [`population`], with a validation split for the one
//! choice it makes.
//!
//! Protocol (fixed before the figures were seen):
//! 1. Generate the population (default 6,000 accounts, anomaly share 0.1, seed 8: a seed no earlier
//!    run looked at) and split it train / validation / test 50 / 20 / 30, stratified by kind (normal
//!    and each [`AnomalyKind`] are cut in the same shares), seeded.
//! 2. Fit the min-max scaler on the normal accounts of the training split (its anomalies are dropped:
//!    the detectors see normal behaviour only) and train one autoencoder per candidate encoder width
//!    ([`CANDIDATES`]; the training budget is [`AutoencoderConfig::default`]'s, not tuned).
//! 3. Choose the candidate with the highest AUROC of the reconstruction error for anomalous against
//!    normal validation accounts (the first listed on a tie). Its ramp is fitted on its training errors;
//!    this is the detector [`fit`] returns and `aloe model defi train` ships.
//! 4. Only then score the test split, once: AUROC of the chosen autoencoder's error, of its penalty `X`,
//!    of an Isolation Forest and of a max-|z| baseline (both fitted on the same training normals),
//!    overall and per kind (anomalies of that kind against all test normals), and the quantiles of
//!    `38.5·P + 33.5·A + 16.5·L + 11.5·C − X` for normal and anomalous test accounts.
//!
//! The Isolation Forest is `rustyml`'s (`machine_learning::ensemble::IsolationForest`): the standard
//! algorithm of Liu, Ting and Zhou (axis-parallel splits drawn uniformly between a node's minimum and
//! maximum, subsamples drawn without replacement, depth limit ⌈log₂ ψ⌉, anomaly score
//! `s = 2^(−E[h(x)] / c(ψ))`; the crate returns `−s`, lower meaning more anomalous, and this module
//! negates it back), on the min-max-normalised inputs (for such splits this is the same forest in
//! distribution as on the raw inputs). It is seeded: the row reports the forest with
//! [`ForestConfig::seed`] (0) and, for its variance, the median, min and max over [`ForestConfig::fits`]
//! forests. rustyml seeds tree `i` of a forest with `seed + i`, so consecutive seeds would share all
//! but one tree; fit `k` uses seed `seed + k · trees` (0, 200, …, 1600 by default), and no two fits share
//! a tree. Every figure depends only on the seeds.
//!
//! An earlier version of this evaluation reported test figures for encoder widths 16-8-2, chosen while
//! looking at them (4,000 accounts, seed 1, a 60 / 40 split). Those widths are one of the candidates
//! here, and the population, the seed and the split are new.

use std::fmt::Write as _;

use aloe_score::defi::DefiScore;
use ndarray::Array2;
use rustyml::machine_learning::IsolationForest;
use thiserror::Error;

use crate::autoencoder::{self, AutoencoderConfig, MinMax, PenaltyRamp};
use crate::defi_model::{DefiModelError, DefiModelFile};
use crate::defi_population::{Account, AnomalyKind, population};
use crate::metrics::{auroc, mean_std};
use crate::mlp::TrainError;
use crate::rng::SplitMix64;

/// Encoder widths tried (the decoder mirrors them), in tie-break order.
pub const CANDIDATES: [[usize; 3]; 4] = [[16, 8, 2], [16, 8, 4], [32, 16, 4], [8, 4, 2]];
/// Quantiles reported for the score distribution.
pub const QUANTILES: [f64; 5] = [0.05, 0.25, 0.5, 0.75, 0.95];

/// The Isolation Forest baseline.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ForestConfig {
    /// Seed of the reported forest (the first of the fits).
    pub seed: u64,
    /// Forests fitted for the spread (odd, so the median is one of them), fit `k` with
    /// [`ForestConfig::fit_seed`]`(k)`; 0 leaves the baseline out.
    pub fits: usize,
    /// Trees per forest.
    pub trees: usize,
    /// Training rows drawn for each tree (at most the training rows).
    pub sample_size: usize,
}

impl Default for ForestConfig {
    fn default() -> Self {
        Self { seed: 0, fits: 9, trees: 200, sample_size: 256 }
    }
}

impl ForestConfig {
    /// Seed of fit `k`: `seed + k · trees`. rustyml seeds tree `i` with `seed + i`, so this is the first
    /// seed none of the earlier fits' trees used.
    pub fn fit_seed(&self, k: usize) -> u64 {
        self.seed.wrapping_add((k as u64).wrapping_mul(self.trees as u64))
    }

    fn seeds(&self) -> String {
        let all: Vec<String> = (0..self.fits).map(|k| self.fit_seed(k).to_string()).collect();
        match all.len() {
            0..=3 => all.join(", "),
            n => format!("{}, {}, …, {}", all[0], all[1], all[n - 1]),
        }
    }
}

/// What to generate, how to split and how to train.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalConfig {
    /// Accounts generated.
    pub accounts: usize,
    /// Probability that an account is anomalous.
    pub anomaly_share: f64,
    /// Share of each kind in the training split.
    pub train_share: f64,
    /// Share of each kind in the validation split (the test split has the rest).
    pub validation_share: f64,
    /// Encoder widths to choose from.
    pub candidates: Vec<[usize; 3]>,
    /// Training budget of every candidate (its `widths` are replaced by the candidate's).
    pub autoencoder: AutoencoderConfig,
    /// The Isolation Forest baseline.
    pub forest: ForestConfig,
    /// Seed of the population and the split.
    pub seed: u64,
}

impl Default for EvalConfig {
    fn default() -> Self {
        Self {
            accounts: 6000,
            anomaly_share: 0.1,
            train_share: 0.5,
            validation_share: 0.2,
            candidates: CANDIDATES.to_vec(),
            autoencoder: AutoencoderConfig::default(),
            forest: ForestConfig::default(),
            seed: 8,
        }
    }
}

/// Why the evaluation could not run.
#[derive(Debug, Error)]
pub enum DefiEvalError {
    /// Training an autoencoder failed.
    #[error(transparent)]
    Train(#[from] TrainError),
    /// The Isolation Forest refused its options or its data.
    #[error("Isolation Forest: {0}")]
    Forest(#[from] rustyml::error::Error),
    /// The configuration leaves a split or the candidate list empty.
    #[error("bad evaluation configuration: {0}")]
    Config(&'static str),
    /// The chosen detector does not make a valid file.
    #[error(transparent)]
    Model(#[from] DefiModelError),
}

/// Indices into the population, each split in ascending order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// Training accounts (the detectors use only the normal ones).
    pub train: Vec<usize>,
    /// Validation accounts: choose the architecture.
    pub validation: Vec<usize>,
    /// Test accounts: the reported figures.
    pub test: Vec<usize>,
}

/// Cut each kind (normal and every anomaly kind) into train / validation / test at the given shares,
/// after a seeded shuffle.
pub fn split(accounts: &[Account], train_share: f64, validation_share: f64, seed: u64) -> Split {
    let mut rng = SplitMix64::new(seed ^ 0x5EED_5B17);
    let mut out = Split { train: Vec::new(), validation: Vec::new(), test: Vec::new() };
    let strata = std::iter::once(None).chain(AnomalyKind::ALL.map(Some));
    for kind in strata {
        let mut members: Vec<usize> = (0..accounts.len()).filter(|&i| accounts[i].anomaly == kind).collect();
        rng.shuffle(&mut members);
        let n = members.len() as f64;
        let a = (n * train_share).round() as usize;
        let b = ((n * (train_share + validation_share)).round() as usize).clamp(a, members.len());
        out.train.extend(&members[..a]);
        out.validation.extend(&members[a..b]);
        out.test.extend(&members[b..]);
    }
    for part in [&mut out.train, &mut out.validation, &mut out.test] {
        part.sort_unstable();
    }
    out
}

/// One candidate architecture and how it did on the validation split.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    /// Encoder widths.
    pub widths: [usize; 3],
    /// AUROC of its reconstruction error, anomalous against normal validation accounts.
    pub validation_auroc: f64,
}

/// The population, its split and the chosen detector.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    /// The generated accounts.
    pub accounts: Vec<Account>,
    /// The split.
    pub split: Split,
    /// Every candidate, in [`EvalConfig::candidates`] order.
    pub candidates: Vec<Candidate>,
    /// Index of the chosen candidate.
    pub chosen: usize,
    /// The chosen detector as a model file.
    pub model: DefiModelFile,
}

fn inputs(a: &Account) -> Vec<f64> {
    a.features.model_inputs().to_vec()
}

/// Steps 1–3 of the protocol: generate, split, train every candidate, choose on validation.
pub fn fit(config: &EvalConfig) -> Result<Fitted, DefiEvalError> {
    let accounts = population(config.accounts, config.anomaly_share, config.seed);
    let split = split(&accounts, config.train_share, config.validation_share, config.seed);
    let normals: Vec<Vec<f64>> =
        split.train.iter().map(|&i| &accounts[i]).filter(|a| a.anomaly.is_none()).map(inputs).collect();
    let positive: Vec<bool> = split.validation.iter().map(|&i| accounts[i].anomaly.is_some()).collect();
    if normals.is_empty() || split.test.is_empty() || !positive.contains(&true) || !positive.contains(&false) {
        return Err(DefiEvalError::Config("every split needs accounts, and validation both classes"));
    }
    let scaler = MinMax::fit(&normals);
    let train_x: Vec<Vec<f64>> = normals.iter().map(|r| scaler.apply(r)).collect();
    let validation_x: Vec<Vec<f64>> = split.validation.iter().map(|&i| scaler.apply(&inputs(&accounts[i]))).collect();
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut best: Option<(usize, autoencoder::Autoencoder, AutoencoderConfig)> = None;
    for &widths in &config.candidates {
        let train = AutoencoderConfig { widths, ..config.autoencoder };
        let model = autoencoder::train(&train_x, &train)?;
        let errors: Vec<f64> = validation_x.iter().map(|r| model.error(r)).collect();
        let validation_auroc = auroc(&errors, &positive).expect("both classes are present");
        // Strictly greater: a tie keeps the earlier candidate.
        if best.as_ref().is_none_or(|(k, ..)| validation_auroc > candidates[*k].validation_auroc) {
            best = Some((candidates.len(), model, train));
        }
        candidates.push(Candidate { widths, validation_auroc });
    }
    let (chosen, model, train) = best.ok_or(DefiEvalError::Config("no candidate architectures"))?;
    let ramp = PenaltyRamp::fit(&train_x.iter().map(|r| model.error(r)).collect::<Vec<_>>());
    let source = format!(
        "aloe_ml::defi_population, {} accounts, anomaly share {}, seed {}: the normal accounts of the training \
         split (stratified {}/{}/rest by kind); encoder widths chosen by validation AUROC among {:?}",
        config.accounts,
        config.anomaly_share,
        config.seed,
        config.train_share,
        config.validation_share,
        config.candidates,
    );
    let model = DefiModelFile::new(scaler, model, ramp, train, train_x.len(), source)?;
    Ok(Fitted { accounts, split, candidates, chosen, model })
}

/// One detector's AUROC, overall and per [`AnomalyKind::ALL`] (anomalies of that kind against all test normals).
#[derive(Debug, Clone, PartialEq)]
pub struct DetectorRow {
    /// The detector.
    pub name: String,
    /// AUROC over all test anomalies.
    pub overall: f64,
    /// AUROC per kind.
    pub per_kind: [f64; 4],
}

/// The Isolation Forest's AUROCs: the seeded forest's, and the median, min and max over its fits (each
/// column separately).
#[derive(Debug, Clone, PartialEq)]
pub struct ForestRows {
    /// Seed, fits, trees per forest and the sample size used.
    pub config: ForestConfig,
    /// The forest with seed `config.seed` (fit 0).
    pub seeded: DetectorRow,
    /// Median over the fits.
    pub median: DetectorRow,
    /// Smallest.
    pub min: DetectorRow,
    /// Largest.
    pub max: DetectorRow,
}

/// The evaluation's outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct DefiReport {
    /// What was run.
    pub config: EvalConfig,
    /// Normal training accounts the detectors were fitted on, and the training anomalies dropped.
    pub train_counts: (usize, usize),
    /// Normal and anomalous accounts of the validation split.
    pub validation_counts: (usize, usize),
    /// Normal and anomalous accounts of the test split.
    pub test_counts: (usize, usize),
    /// Every candidate's validation AUROC.
    pub candidates: Vec<Candidate>,
    /// Index of the chosen one.
    pub chosen: usize,
    /// The chosen detector's penalty ramp.
    pub ramp: PenaltyRamp,
    /// Its file's SHA-256 (the file `aloe model defi train` writes with the same configuration).
    pub sha256: String,
    /// AUROC of the seeded detectors: reconstruction error, `X`, z-score.
    pub detectors: Vec<DetectorRow>,
    /// The Isolation Forest, unless `forest.fits` is 0.
    pub forest: Option<ForestRows>,
    /// Share of test normals and of test anomalies with `X > 0`.
    pub flagged: (f64, f64),
    /// Score quantiles ([`QUANTILES`]) of test normals and anomalies.
    pub score_quantiles: ([f64; 5], [f64; 5]),
}

/// `max_j |x_j − μ_j| / σ_j` with `μ, σ` per column of the training rows (σ = 0 counts as 1).
fn z_score_fit(rows: &[Vec<f64>]) -> impl Fn(&[f64]) -> f64 {
    let d = rows[0].len();
    let stats: Vec<(f64, f64)> = (0..d)
        .map(|j| mean_std(&rows.iter().map(|r| r[j]).collect::<Vec<_>>()))
        .map(|(m, s)| (m, if s > 0.0 { s } else { 1.0 }))
        .collect();
    move |x: &[f64]| x.iter().zip(&stats).map(|(v, (m, s))| ((v - m) / s).abs()).fold(0.0, f64::max)
}

/// Quantile `q` of sorted values (nearest rank).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    sorted.get(((sorted.len().max(1) - 1) as f64 * q).round() as usize).copied().unwrap_or(f64::NAN)
}

fn quantiles(values: &[f64]) -> [f64; 5] {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    QUANTILES.map(|q| quantile(&sorted, q))
}

fn matrix(rows: &[Vec<f64>]) -> Array2<f64> {
    let d = rows.first().map_or(0, Vec::len);
    Array2::from_shape_fn((rows.len(), d), |(i, j)| rows[i][j])
}

/// Anomaly scores `s = 2^(−E[h(x)] / c(ψ))` (higher: more anomalous) of `test` rows, from one forest with
/// `seed` fitted on `train` rows.
fn forest_scores(
    train: &Array2<f64>,
    test: &Array2<f64>,
    c: &ForestConfig,
    seed: u64,
) -> Result<Vec<f64>, DefiEvalError> {
    let mut forest = IsolationForest::new(c.trees, c.sample_size.min(train.nrows()))?.with_random_state(seed);
    forest.fit(train)?;
    // rustyml returns −s (lower: more anomalous).
    Ok(forest.score_samples(test)?.iter().map(|v| -v).collect())
}

/// Run the whole protocol.
pub fn evaluate(config: &EvalConfig) -> Result<DefiReport, DefiEvalError> {
    let Fitted { accounts, split, candidates, chosen, model } = fit(config)?;
    let normals: Vec<Vec<f64>> =
        split.train.iter().map(|&i| &accounts[i]).filter(|a| a.anomaly.is_none()).map(inputs).collect();
    let test: Vec<&Account> = split.test.iter().map(|&i| &accounts[i]).collect();
    let kinds: Vec<Option<AnomalyKind>> = test.iter().map(|a| a.anomaly).collect();
    let anomalous: Vec<bool> = kinds.iter().map(Option::is_some).collect();
    let row = |name: String, scores: &[f64]| {
        let per_kind = AnomalyKind::ALL.map(|k| {
            let keep: Vec<usize> = (0..scores.len()).filter(|&i| kinds[i].is_none() || kinds[i] == Some(k)).collect();
            let s: Vec<f64> = keep.iter().map(|&i| scores[i]).collect();
            auroc(&s, &keep.iter().map(|&i| anomalous[i]).collect::<Vec<_>>()).unwrap_or(f64::NAN)
        });
        DetectorRow { name, overall: auroc(scores, &anomalous).unwrap_or(f64::NAN), per_kind }
    };

    let error: Vec<f64> = test.iter().map(|a| model.reconstruction_error(&a.features)).collect();
    let penalty: Vec<f64> = test.iter().map(|a| model.penalty(&a.features)).collect();
    let z = z_score_fit(&normals);
    let zs: Vec<f64> = test.iter().map(|a| z(&inputs(a))).collect();
    let detectors = vec![
        row("autoencoder reconstruction error".into(), &error),
        row("autoencoder penalty X".into(), &penalty),
        row("z-score (max abs z)".into(), &zs),
    ];

    let scaler = &model.payload.scaler;
    let forest = if config.forest.fits == 0 {
        None
    } else {
        let train_x = matrix(&normals.iter().map(|r| scaler.apply(r)).collect::<Vec<_>>());
        let test_x = matrix(&test.iter().map(|a| scaler.apply(&inputs(a))).collect::<Vec<_>>());
        let fits = (0..config.forest.fits)
            .map(|k| {
                let scores = forest_scores(&train_x, &test_x, &config.forest, config.forest.fit_seed(k))?;
                Ok(row("Isolation Forest".into(), &scores))
            })
            .collect::<Result<Vec<_>, DefiEvalError>>()?;
        let summary = |q: f64| {
            let column = |get: &dyn Fn(&DetectorRow) -> f64| {
                let mut v: Vec<f64> = fits.iter().map(get).collect();
                v.sort_by(f64::total_cmp);
                quantile(&v, q)
            };
            let per_kind = [0, 1, 2, 3].map(|k| column(&|r: &DetectorRow| r.per_kind[k]));
            DetectorRow { name: "Isolation Forest".into(), overall: column(&|r: &DetectorRow| r.overall), per_kind }
        };
        let sample_size = config.forest.sample_size.min(normals.len());
        let config = ForestConfig { sample_size, ..config.forest };
        Some(ForestRows { config, seeded: fits[0].clone(), median: summary(0.5), min: summary(0.0), max: summary(1.0) })
    };

    let points: Vec<f64> = test.iter().map(|a| model.score(&a.features)).map(|s: DefiScore| s.points()).collect();
    let pick = |want: bool, v: &[f64]| {
        v.iter().zip(&anomalous).filter(|(_, a)| **a == want).map(|(x, _)| *x).collect::<Vec<_>>()
    };
    let share_flagged = |v: Vec<f64>| v.iter().filter(|x| **x > 0.0).count() as f64 / v.len().max(1) as f64;
    let counts = |part: &[usize]| {
        let a = part.iter().filter(|&&i| accounts[i].anomaly.is_some()).count();
        (part.len() - a, a)
    };
    Ok(DefiReport {
        config: config.clone(),
        train_counts: counts(&split.train),
        validation_counts: counts(&split.validation),
        test_counts: counts(&split.test),
        candidates,
        chosen,
        ramp: model.payload.ramp,
        sha256: model.sha256.clone(),
        detectors,
        forest,
        flagged: (share_flagged(pick(false, &penalty)), share_flagged(pick(true, &penalty))),
        score_quantiles: (quantiles(&pick(false, &points)), quantiles(&pick(true, &points))),
    })
}

fn widths(w: [usize; 3]) -> String {
    w.map(|v| v.to_string()).join("-")
}

impl DefiReport {
    /// The report as markdown.
    pub fn markdown(&self) -> String {
        let mut s = String::new();
        let c = &self.config;
        let ((tn, ta), (vn, va), (sn, sa)) = (self.train_counts, self.validation_counts, self.test_counts);
        let _ = writeln!(
            s,
            "Population: {} accounts from `aloe_ml::defi_population` (seed {}, anomaly share {}), split {}/{}/{} by \
             kind: training {} ({tn} normal used, {ta} anomalous dropped), validation {} ({vn} normal, {va} \
             anomalous), test {} ({sn} normal, {sa} anomalous).\n",
            c.accounts,
            c.seed,
            c.anomaly_share,
            c.train_share,
            c.validation_share,
            ((1.0 - c.train_share - c.validation_share) * 100.0).round() / 100.0,
            tn + ta,
            vn + va,
            sn + sa,
        );
        let a = &c.autoencoder;
        let _ = writeln!(
            s,
            "Architecture, chosen by validation AUROC of the reconstruction error ({} epochs, batch {}, Adam lr {}, \
             MSLE, seed {}):\n\n| encoder widths | validation AUROC |\n|---|---:|",
            a.epochs, a.batch_size, a.learning_rate, a.seed,
        );
        for (k, cand) in self.candidates.iter().enumerate() {
            let mark = if k == self.chosen { " (chosen)" } else { "" };
            let _ = writeln!(s, "| {}{mark} | {:.4} |", widths(cand.widths), cand.validation_auroc);
        }
        let _ = writeln!(
            s,
            "\nPenalty ramp (training errors): X = 0 at error {:.5}, 20 at {:.5}. Detector file sha256 {}.\n",
            self.ramp.threshold, self.ramp.cap, self.sha256
        );
        let _ = writeln!(s, "Test split, AUROC (anomalies of each kind against all test normals):\n");
        let _ = write!(s, "| detector | all anomalies |");
        for k in AnomalyKind::ALL {
            let _ = write!(s, " {} |", k.name());
        }
        let _ = writeln!(s, "\n|---|---:|---:|---:|---:|---:|");
        let mut line = |name: &str, cells: Vec<String>| {
            let _ = writeln!(s, "| {name} | {} |", cells.join(" | "));
        };
        let plain = |d: &DetectorRow| std::iter::once(d.overall).chain(d.per_kind).map(|v| format!("{v:.3}")).collect();
        for d in &self.detectors[..2] {
            line(&d.name, plain(d));
        }
        if let Some(f) = &self.forest {
            let column = |d: &DetectorRow| std::iter::once(d.overall).chain(d.per_kind).collect::<Vec<_>>();
            let (seeded, median, min, max) = (column(&f.seeded), column(&f.median), column(&f.min), column(&f.max));
            let cells =
                (0..5).map(|k| format!("{:.3} [{:.3}, {:.3}–{:.3}]", seeded[k], median[k], min[k], max[k])).collect();
            let name = format!(
                "Isolation Forest (rustyml), {} trees, {} samples, seed {} [median, min–max over {} seeds {}]",
                f.config.trees,
                f.config.sample_size,
                f.config.seed,
                f.config.fits,
                f.config.seeds(),
            );
            line(&name, cells);
        }
        for d in &self.detectors[2..] {
            line(&d.name, plain(d));
        }
        let _ = writeln!(s, "\nShare with X > 0: normal {:.3}, anomalous {:.3}.\n", self.flagged.0, self.flagged.1);
        let _ = writeln!(
            s,
            "| score 38.5·P + 33.5·A + 16.5·L + 11.5·C − X (test) | q05 | q25 | median | q75 | q95 |\n|---|---:|---:|---:|---:|---:|"
        );
        for (name, q) in [("normal", self.score_quantiles.0), ("anomalous", self.score_quantiles.1)] {
            let _ = writeln!(s, "| {name} | {} |", q.map(|v| format!("{v:.1}")).join(" | "));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small(fits: usize) -> EvalConfig {
        EvalConfig {
            accounts: 500,
            anomaly_share: 0.2,
            candidates: vec![[6, 4, 2], [8, 4, 2]],
            autoencoder: AutoencoderConfig { epochs: 10, batch_size: 32, ..Default::default() },
            forest: ForestConfig { fits, trees: 50, ..Default::default() },
            ..Default::default()
        }
    }

    #[test]
    fn the_split_is_stratified_disjoint_and_seeded() {
        let accounts = population(1000, 0.2, 4);
        let s = split(&accounts, 0.5, 0.2, 4);
        assert_eq!(s, split(&accounts, 0.5, 0.2, 4));
        assert_ne!(s, split(&accounts, 0.5, 0.2, 5));
        let mut all: Vec<usize> = [&s.train, &s.validation, &s.test].into_iter().flatten().copied().collect();
        all.sort_unstable();
        assert_eq!(all, (0..1000).collect::<Vec<_>>());
        for kind in std::iter::once(None).chain(AnomalyKind::ALL.map(Some)) {
            let count = |part: &[usize]| part.iter().filter(|&&i| accounts[i].anomaly == kind).count() as f64;
            let n = count(&all);
            assert!((count(&s.train) - 0.5 * n).abs() <= 1.0 && (count(&s.validation) - 0.2 * n).abs() <= 1.0);
        }
    }

    #[test]
    fn the_forest_is_seeded_and_scores_outliers_higher() {
        let mut rng = SplitMix64::new(3);
        let train: Vec<Vec<f64>> = (0..300).map(|_| (0..4).map(|_| 0.4 + 0.2 * rng.next_f64()).collect()).collect();
        let (train, test) = (matrix(&train), matrix(&[vec![0.5; 4], vec![0.95; 4]]));
        let c = ForestConfig { trees: 50, ..Default::default() };
        assert_eq!((c.fit_seed(0), c.fit_seed(2)), (0, 100), "fits share no tree seed");
        let scores = forest_scores(&train, &test, &c, 0).unwrap();
        assert!(scores[1] > scores[0] && scores.iter().all(|s| (0.0..=1.0).contains(s)), "{scores:?}");
        assert_eq!(scores, forest_scores(&train, &test, &c, 0).unwrap(), "same seed, same scores to the bit");
        assert_ne!(scores, forest_scores(&train, &test, &c, c.fit_seed(1)).unwrap());
    }

    #[test]
    fn a_small_run_beats_chance_and_is_reproducible() {
        let report = evaluate(&small(3)).unwrap();
        let again = evaluate(&small(3)).unwrap();
        assert_eq!(report, again, "same seeds, same figures to the bit, the forest's included");
        let forest = report.forest.as_ref().unwrap();
        assert!(forest.min.overall <= forest.median.overall && forest.median.overall <= forest.max.overall);
        assert!(forest.min.overall <= forest.seeded.overall && forest.seeded.overall <= forest.max.overall);
        for d in report.detectors.iter().chain([&forest.min]) {
            assert!(d.overall > 0.6, "{}: {}", d.name, d.overall);
        }
        let best = report.candidates.iter().map(|c| c.validation_auroc).fold(f64::NEG_INFINITY, f64::max);
        assert_eq!(report.candidates[report.chosen].validation_auroc, best);
        let (normal, anomalous) = report.score_quantiles;
        assert!(anomalous[2] < normal[2], "anomalies score lower at the median");
        let text = report.markdown();
        assert!(text.contains("| autoencoder penalty X |") && text.contains("(chosen)"), "{text}");
        assert!(text.contains("seed 0 [median, min–max over 3 seeds 0, 50, 100]"), "{text}");
        assert_eq!(report.sha256, fit(&small(0)).unwrap().model.sha256, "eval reports the file train writes");
    }
}
