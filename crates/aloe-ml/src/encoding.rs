//! Turning applicants into model inputs: one-hot (61 inputs, plus optional quantile threshold
//! indicators) or the 20 attributes label-encoded, with the standardisation (mean, standard deviation)
//! and the indicators' cuts fitted on the training rows only.

use serde::{Deserialize, Serialize};

use crate::data::{ABSENT_LEVEL, ATTRIBUTES, Applicant, Kind, SCHEMA};

/// Attributes that are log-transformed (`ln(1 + v)`) before standardising when asked: duration and
/// credit amount, the two right-skewed numerics.
pub const SKEWED: [usize; 2] = [1, 4];

/// How attributes become inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EncodingKind {
    /// One 0/1 input per occurring level of each categorical attribute (54), plus the 7 numerics
    /// standardised: 61 inputs. A documented-but-absent code encodes as all zeros.
    OneHot,
    /// The Leo post's variant: the 20 attributes as they come (a categorical attribute is its level
    /// index), each standardised. An absent code encodes as the training mean (0 after standardising).
    Label,
}

/// A fitted encoder: the kind, whether skewed numerics are logged, and the standardisation of each
/// standardised column (in the order the columns are produced).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Encoder {
    /// The encoding.
    pub kind: EncodingKind,
    /// Whether [`SKEWED`] attributes are mapped through `ln(1 + v)` first.
    pub log_skewed: bool,
    /// Mean of each standardised column on the training rows.
    pub mean: Vec<f64>,
    /// Population standard deviation of each standardised column on the training rows (1 if it was 0).
    pub std: Vec<f64>,
    /// Numeric attributes (indices into [`SCHEMA`]) that also get threshold indicators, in this order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub binned: Vec<usize>,
    /// For each of `binned`, the cut points fitted on the training rows (see [`Encoder::fit_binned`]):
    /// one extra input `1 if value ≥ cut else 0` per cut, appended after the other inputs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cuts: Vec<Vec<f64>>,
    /// If set, one more input before the indicators: the log monthly amount
    /// `ln(credit_amount / max(1, duration_months))`, standardised with this (mean, population std) of
    /// the training rows ([`Encoder::with_monthly`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly: Option<(f64, f64)>,
}

/// `ln(credit_amount / max(1, duration_months))` of an applicant: the log of the amount per month.
pub fn log_monthly_amount(applicant: &Applicant) -> f64 {
    (f64::from(applicant.0[4].max(1)) / f64::from(applicant.0[1].max(1))).ln()
}

/// Cut points of `bins` quantile bins of `values`: the sorted values at ranks `⌊k·n/bins⌋`,
/// `k = 1..bins`, without repeats and without the smallest value (an indicator that is always 1).
pub fn quantile_cuts(values: &[u32], bins: usize) -> Vec<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let (Some(&lowest), n) = (sorted.first(), sorted.len()) else { return Vec::new() };
    let mut cuts: Vec<f64> = Vec::new();
    for k in 1..bins {
        let v = sorted[k * n / bins];
        if v > lowest && cuts.last() != Some(&f64::from(v)) {
            cuts.push(f64::from(v));
        }
    }
    cuts
}

impl Encoder {
    /// The raw (unstandardised) value of attribute `index`, for a standardised column.
    fn raw(&self, applicant: &Applicant, index: usize) -> f64 {
        let v = applicant.0[index];
        if v == ABSENT_LEVEL {
            return f64::NAN;
        }
        let v = f64::from(v);
        if self.log_skewed && SKEWED.contains(&index) { v.ln_1p() } else { v }
    }

    /// Attributes whose value is standardised under `kind`.
    fn standardised(kind: EncodingKind) -> impl Iterator<Item = usize> {
        (0..ATTRIBUTES).filter(move |&i| kind == EncodingKind::Label || matches!(SCHEMA[i].kind, Kind::Numeric))
    }

    /// Fit the standardisation on `train` (the training fold only).
    pub fn fit(kind: EncodingKind, log_skewed: bool, train: &[Applicant]) -> Self {
        let mut encoder = Self {
            kind,
            log_skewed,
            mean: Vec::new(),
            std: Vec::new(),
            binned: Vec::new(),
            cuts: Vec::new(),
            monthly: None,
        };
        for index in Self::standardised(kind) {
            let values: Vec<f64> = train.iter().map(|a| encoder.raw(a, index)).filter(|v| !v.is_nan()).collect();
            let n = values.len().max(1) as f64;
            let mean = values.iter().sum::<f64>() / n;
            let var = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
            let std = var.sqrt();
            encoder.mean.push(mean);
            encoder.std.push(if std > 0.0 { std } else { 1.0 });
        }
        encoder
    }

    /// [`Encoder::fit`], plus threshold indicators for the numeric attributes `binned`: `bins`
    /// quantile bins of each, cut points from the training rows only ([`quantile_cuts`]), encoded
    /// cumulatively (`value ≥ cut`, a monotone "thermometer" code). `bins` ≤ 1 adds nothing.
    pub fn fit_binned(
        kind: EncodingKind,
        log_skewed: bool,
        binned: &[usize],
        bins: usize,
        train: &[Applicant],
    ) -> Self {
        let mut encoder = Self::fit(kind, log_skewed, train);
        if bins > 1 {
            for &index in binned {
                assert!(matches!(SCHEMA[index].kind, Kind::Numeric), "only numeric attributes are binned");
                let values: Vec<u32> = train.iter().map(|a| a.0[index]).collect();
                encoder.binned.push(index);
                encoder.cuts.push(quantile_cuts(&values, bins));
            }
        }
        encoder
    }

    /// Add the log monthly amount input ([`log_monthly_amount`]), standardised on `train`.
    pub fn with_monthly(mut self, train: &[Applicant]) -> Self {
        let values: Vec<f64> = train.iter().map(log_monthly_amount).collect();
        let n = values.len().max(1) as f64;
        let mean = values.iter().sum::<f64>() / n;
        let std = (values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n).sqrt();
        self.monthly = Some((mean, if std > 0.0 { std } else { 1.0 }));
        self
    }

    /// Number of inputs produced per applicant.
    pub fn width(&self) -> usize {
        self.base_width() + usize::from(self.monthly.is_some()) + self.cuts.iter().map(Vec::len).sum::<usize>()
    }

    /// Inputs before the threshold indicators.
    fn base_width(&self) -> usize {
        match self.kind {
            EncodingKind::Label => ATTRIBUTES,
            EncodingKind::OneHot => SCHEMA
                .iter()
                .map(|a| match a.kind {
                    Kind::Categorical(codes, _) => codes.len(),
                    Kind::Numeric => 1,
                })
                .sum(),
        }
    }

    /// The inputs of one applicant.
    pub fn encode(&self, applicant: &Applicant) -> Vec<f64> {
        let mut out = Vec::with_capacity(self.width());
        let mut column = 0;
        for (index, attribute) in SCHEMA.iter().enumerate() {
            match (self.kind, attribute.kind) {
                (EncodingKind::OneHot, Kind::Categorical(codes, _)) => {
                    let level = applicant.0[index];
                    out.extend((0..codes.len()).map(|l| if l as u32 == level { 1.0 } else { 0.0 }));
                }
                _ => {
                    let v = self.raw(applicant, index);
                    out.push(if v.is_nan() { 0.0 } else { (v - self.mean[column]) / self.std[column] });
                    column += 1;
                }
            }
        }
        if let Some((mean, std)) = self.monthly {
            out.push((log_monthly_amount(applicant) - mean) / std);
        }
        for (&index, cuts) in self.binned.iter().zip(&self.cuts) {
            let v = f64::from(applicant.0[index]);
            out.extend(cuts.iter().map(|&c| if v >= c { 1.0 } else { 0.0 }));
        }
        out
    }

    /// The inputs of many applicants.
    pub fn encode_all(&self, applicants: &[Applicant]) -> Vec<Vec<f64>> {
        applicants.iter().map(|a| self.encode(a)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::german_credit;

    #[test]
    fn one_hot_has_61_inputs_and_label_20() {
        let data = german_credit();
        let one_hot = Encoder::fit(EncodingKind::OneHot, false, &data.applicants);
        assert_eq!(one_hot.width(), 61);
        assert_eq!(one_hot.encode(&data.applicants[0]).len(), 61);
        assert_eq!(one_hot.mean.len(), 7);
        let label = Encoder::fit(EncodingKind::Label, true, &data.applicants);
        assert_eq!(label.encode(&data.applicants[0]).len(), 20);
        // One-hot blocks: exactly one 1 per categorical attribute for every row (no absent codes occur).
        for a in &data.applicants {
            let x = one_hot.encode(a);
            let mut start = 0;
            for attribute in SCHEMA {
                match attribute.kind {
                    Kind::Categorical(codes, _) => {
                        assert_eq!(x[start..start + codes.len()].iter().sum::<f64>(), 1.0);
                        start += codes.len();
                    }
                    Kind::Numeric => start += 1,
                }
            }
        }
    }

    #[test]
    fn standardisation_is_fitted_on_the_training_rows_only() {
        let data = german_credit();
        let (train, test) = data.applicants.split_at(800);
        let encoder = Encoder::fit(EncodingKind::OneHot, false, train);
        let amounts: Vec<f64> = train.iter().map(|a| f64::from(a.0[4])).collect();
        let mean = amounts.iter().sum::<f64>() / 800.0;
        assert!((encoder.mean[1] - mean).abs() < 1e-9);
        let all_mean = data.applicants.iter().map(|a| f64::from(a.0[4])).sum::<f64>() / 1000.0;
        assert!((encoder.mean[1] - all_mean).abs() > 1e-6);
        // Encoding the test rows does not change the encoder, and training columns are standardised.
        let before = encoder.clone();
        let _ = encoder.encode_all(test);
        assert_eq!(before, encoder);
        let x = encoder.encode_all(train);
        let column: Vec<f64> = x.iter().map(|r| r[one_hot_column_of_amount()]).collect();
        let m = column.iter().sum::<f64>() / 800.0;
        let v = column.iter().map(|c| (c - m) * (c - m)).sum::<f64>() / 800.0;
        assert!(m.abs() < 1e-9 && (v - 1.0).abs() < 1e-9);
    }

    #[test]
    fn binned_indicators_are_fitted_on_the_training_rows() {
        assert_eq!(quantile_cuts(&[1, 2, 3, 4, 5, 6, 7, 8], 4), vec![3.0, 5.0, 7.0]);
        assert_eq!(quantile_cuts(&[1, 1, 1, 1, 2, 2, 3, 4], 4), vec![2.0, 3.0]);
        let data = german_credit();
        let (train, test) = data.applicants.split_at(800);
        let encoder = Encoder::fit_binned(EncodingKind::OneHot, false, &[1, 4, 12], 4, train);
        assert_eq!(encoder.binned, vec![1, 4, 12]);
        assert!(encoder.cuts.iter().all(|c| !c.is_empty() && c.len() <= 3));
        let x = encoder.encode(&test[0]);
        assert_eq!(x.len(), 61 + encoder.cuts.iter().map(Vec::len).sum::<usize>());
        // Thermometer code: the indicators of one attribute are non-increasing.
        let tail = &x[61..61 + encoder.cuts[0].len()];
        assert!(tail.windows(2).all(|w| w[0] >= w[1]));
        let json = serde_json::to_string(&encoder).unwrap();
        assert_eq!(serde_json::from_str::<Encoder>(&json).unwrap(), encoder);
        // The log monthly amount: one more input before the indicators, standardised on `train`.
        let with = encoder.clone().with_monthly(train);
        assert_eq!(with.width(), encoder.width() + 1);
        let column: Vec<f64> = train.iter().map(|a| with.encode(a)[61]).collect();
        assert!(column.iter().sum::<f64>().abs() < 1e-9);
        let (mean, std) = with.monthly.unwrap();
        assert!((with.encode(&test[0])[61] - (log_monthly_amount(&test[0]) - mean) / std).abs() < 1e-12);
        assert_eq!(&with.encode(&test[0])[62..], &x[61..]);
    }

    /// Column of credit_amount in the one-hot layout: after checking (4), duration (1), history (5),
    /// purpose (10).
    fn one_hot_column_of_amount() -> usize {
        4 + 1 + 5 + 10
    }
}
