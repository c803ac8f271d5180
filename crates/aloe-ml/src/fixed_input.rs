//! The model's inputs in fixed point, from the attributes a notary commits to: the integer encoding a
//! circuit computes, so that "the model approves these attributes" is one exact integer computation from
//! the committed values to the margin.
//!
//! [`CommittedAttributes`] are the 20 UCI attributes as bounded integers (a categorical attribute is the
//! index of its code, `codes.len()` for a documented code that never occurs) and one derived value, the
//! log monthly amount `round(ln(credit_amount / duration) · 2^20)`, which the notary computes with the
//! rest: a circuit cannot take a logarithm cheaply, and the notary vouches for it as for the others.
//!
//! [`FixedEncoder`] turns a fitted float [`Encoder`] into integer columns at `f` fractional bits:
//! - a categorical attribute's inputs are table lookups by level (`2^f` or `0` for one-hot; the
//!   standardised level index for the label encoding; `0` for an absent code);
//! - a standardised numeric `z = (v − μ)/σ` is `floor((A·v + B) / 2^G)` with `A = round(2^(f+G)/(σ·s))`,
//!   `B = round(−μ·2^(f+G)/σ) + 2^(G−1)` (`s` the source's own scale), `G` chosen per column so the
//!   rounding of `A` moves the result by at most 1/32 of a unit: within `1/2 + 1/16` units of `z·2^f`;
//! - a threshold indicator `v ≥ cut` is `2^f` or `0`.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::data::{ABSENT_LEVEL, ATTRIBUTES, Applicant, Kind, SCHEMA};
use crate::encoding::{Encoder, EncodingKind};
use crate::quantize::{MAX_FRAC_BITS, QuantizeError};

/// Fractional bits of the committed log monthly amount.
pub const LOG_MONTHLY_FRAC_BITS: u32 = 20;

/// Each numeric attribute's bound: a committed value is below `2^bits` (the UCI data is far inside:
/// duration ≤ 72 months, amount ≤ 18,424, age ≤ 75, the others ≤ 4).
pub const NUMERIC_BITS: [(usize, u32); 7] = [(1, 8), (4, 20), (7, 3), (10, 3), (12, 8), (15, 3), (17, 3)];

/// The committed log monthly amount lies in `(−2^LOG_MONTHLY_BITS, 2^LOG_MONTHLY_BITS)` (|ln| < 14).
pub const LOG_MONTHLY_BITS: u32 = 24;

/// Attributes that cannot be committed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AttributeError {
    /// A numeric attribute at or above its bound.
    #[error("{name} = {value} is not below 2^{bits}")]
    OutOfBounds {
        /// The attribute.
        name: &'static str,
        /// Its value.
        value: u32,
        /// The bound's bits.
        bits: u32,
    },
    /// A categorical level outside its codes.
    #[error("{name}: level {level} is not one of its {levels} codes")]
    Level {
        /// The attribute.
        name: &'static str,
        /// The level given.
        level: u32,
        /// Documented levels (present and absent).
        levels: usize,
    },
    /// A log monthly amount that is not the one the attributes give.
    #[error("log monthly amount {found} is not {expected} (round(ln(amount / duration) · 2^20))")]
    LogMonthly {
        /// Given.
        found: i64,
        /// Computed from the amount and duration.
        expected: i64,
    },
}

/// Why an encoder has no integer form.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum FixedEncodingError {
    /// `ln(1 + v)` of duration and amount: not computable in the circuit's integer arithmetic.
    #[error("the log-skewed encoding has no integer form (train without log_skewed)")]
    LogSkewed,
    /// A constant that does not quantize.
    #[error(transparent)]
    Quantize(#[from] QuantizeError),
}

/// Number of levels a categorical attribute's committed value may take: its codes and one for "absent".
pub fn level_count(attribute: usize) -> usize {
    match SCHEMA[attribute].kind {
        Kind::Categorical(codes, _) => codes.len() + 1,
        Kind::Numeric => 0,
    }
}

/// The committed bits of numeric attribute `attribute`, if it is numeric.
pub fn numeric_bits(attribute: usize) -> Option<u32> {
    NUMERIC_BITS.iter().find(|(a, _)| *a == attribute).map(|(_, b)| *b)
}

/// `round(ln(max(1, amount) / max(1, duration)) · 2^20)`.
pub fn log_monthly_fixed(duration: u32, amount: u32) -> i64 {
    let ratio = f64::from(amount.max(1)) / f64::from(duration.max(1));
    (ratio.ln() * f64::from(1u32 << LOG_MONTHLY_FRAC_BITS)).round() as i64
}

/// What the notary commits to and the circuit takes as its private input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommittedAttributes {
    /// The 20 attributes: a categorical one as its level (`codes.len()` for an absent code), a numeric
    /// one as its value, each within its bound.
    pub values: [u32; ATTRIBUTES],
    /// [`log_monthly_fixed`] of duration and amount.
    pub log_monthly: i64,
}

impl CommittedAttributes {
    /// The committed form of an applicant, or why it has none.
    pub fn from_applicant(applicant: &Applicant) -> Result<Self, AttributeError> {
        let mut values = applicant.0;
        for (index, value) in values.iter_mut().enumerate() {
            if let Kind::Categorical(codes, _) = SCHEMA[index].kind
                && *value == ABSENT_LEVEL
            {
                *value = codes.len() as u32;
            }
        }
        let attributes = Self { values, log_monthly: log_monthly_fixed(values[1], values[4]) };
        attributes.check()?;
        Ok(attributes)
    }

    /// Every value within its bound, and the log monthly amount the one the attributes give.
    pub fn check(&self) -> Result<(), AttributeError> {
        for (index, &value) in self.values.iter().enumerate() {
            let name = SCHEMA[index].name;
            match numeric_bits(index) {
                Some(bits) if u64::from(value) >= 1u64 << bits => {
                    return Err(AttributeError::OutOfBounds { name, value, bits });
                }
                Some(_) => {}
                None if value as usize >= level_count(index) => {
                    return Err(AttributeError::Level { name, level: value, levels: level_count(index) });
                }
                None => {}
            }
        }
        let expected = log_monthly_fixed(self.values[1], self.values[4]);
        if self.log_monthly != expected {
            return Err(AttributeError::LogMonthly { found: self.log_monthly, expected });
        }
        Ok(())
    }
}

/// Where a standardised column's integer comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// A numeric attribute's value (scale 1).
    Attribute(usize),
    /// The committed log monthly amount (scale `2^20`).
    LogMonthly,
}

/// One model input as an integer function of the committed attributes, at scale `2^f`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FixedColumn {
    /// `table[level]` of a categorical attribute (`table.len()` = [`level_count`]).
    Lookup {
        /// The attribute.
        attribute: usize,
        /// The input for each level.
        table: Vec<i64>,
    },
    /// `floor((scale · v + offset) / 2^shift)`.
    Affine {
        /// The integer `v`.
        source: Source,
        /// `A`.
        scale: i64,
        /// `B` (the `2^(shift−1)` that makes the floor a rounding included).
        offset: i64,
        /// `G`.
        shift: u32,
    },
    /// `2^f` if numeric attribute `attribute` is at least `cut`, else 0.
    AtLeast {
        /// The attribute.
        attribute: usize,
        /// The cut.
        cut: u32,
    },
}

/// The integer form of a fitted [`Encoder`] at `frac_bits` fractional bits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixedEncoder {
    /// Fractional bits `f`.
    pub frac_bits: u32,
    /// The inputs, in the float encoder's order.
    pub columns: Vec<FixedColumn>,
}

/// Bits of `v`'s magnitude bound: `v < 2^bits` for every allowed value.
fn source_bits(source: Source) -> u32 {
    match source {
        Source::Attribute(a) => numeric_bits(a).expect("standardised attributes are numeric"),
        Source::LogMonthly => LOG_MONTHLY_BITS,
    }
}

fn affine(source: Source, mean: f64, std: f64, frac_bits: u32) -> Result<FixedColumn, QuantizeError> {
    let source_scale = match source {
        Source::Attribute(_) => 1.0,
        Source::LogMonthly => f64::from(1u32 << LOG_MONTHLY_FRAC_BITS),
    };
    // |ΔA|·|v| / 2^G ≤ 2^(bits − 1 − G) ≤ 1/32 with G = bits + 4.
    let shift = source_bits(source) + 4;
    let unit = 2f64.powi((frac_bits + shift) as i32);
    let scale = (unit / (std * source_scale)).round();
    let offset = (-mean * unit / std).round() + 2f64.powi(shift as i32 - 1);
    let fits = |v: f64| v.is_finite() && v.abs() < 2f64.powi(62);
    if !fits(scale) || !fits(offset) {
        return Err(QuantizeError::OutOfRange(scale.max(offset), frac_bits));
    }
    Ok(FixedColumn::Affine { source, scale: scale as i64, offset: offset as i64, shift })
}

impl FixedEncoder {
    /// The integer form of `encoder` at `frac_bits`.
    pub fn new(encoder: &Encoder, frac_bits: u32) -> Result<Self, FixedEncodingError> {
        if !(1..=MAX_FRAC_BITS).contains(&frac_bits) {
            return Err(QuantizeError::FracBits(frac_bits).into());
        }
        if encoder.log_skewed {
            return Err(FixedEncodingError::LogSkewed);
        }
        let one = 1i64 << frac_bits;
        let mut columns = Vec::with_capacity(encoder.width());
        let mut standardised = 0;
        for (index, attribute) in SCHEMA.iter().enumerate() {
            match (encoder.kind, attribute.kind) {
                (EncodingKind::OneHot, Kind::Categorical(codes, _)) => {
                    for level in 0..codes.len() {
                        let table = (0..level_count(index)).map(|l| if l == level { one } else { 0 }).collect();
                        columns.push(FixedColumn::Lookup { attribute: index, table });
                    }
                }
                (EncodingKind::Label, Kind::Categorical(codes, _)) => {
                    let (mean, std) = (encoder.mean[standardised], encoder.std[standardised]);
                    let mut table = (0..codes.len())
                        .map(|l| crate::quantize::quantize_value((l as f64 - mean) / std, frac_bits))
                        .collect::<Result<Vec<_>, _>>()?;
                    table.push(0); // an absent code encodes as the mean
                    columns.push(FixedColumn::Lookup { attribute: index, table });
                    standardised += 1;
                }
                (_, Kind::Numeric) => {
                    let (mean, std) = (encoder.mean[standardised], encoder.std[standardised]);
                    columns.push(affine(Source::Attribute(index), mean, std, frac_bits)?);
                    standardised += 1;
                }
            }
        }
        if let Some((mean, std)) = encoder.monthly {
            columns.push(affine(Source::LogMonthly, mean, std, frac_bits)?);
        }
        for (&index, cuts) in encoder.binned.iter().zip(&encoder.cuts) {
            // Values are integers, so `v ≥ cut` is `v ≥ ceil(cut)`.
            columns.extend(cuts.iter().map(|&c| FixedColumn::AtLeast { attribute: index, cut: c.ceil() as u32 }));
        }
        Ok(Self { frac_bits, columns })
    }

    /// The inputs of `attributes` at scale `2^f` (the attributes must pass [`CommittedAttributes::check`]).
    pub fn encode(&self, attributes: &CommittedAttributes) -> Vec<i64> {
        let one = 1i64 << self.frac_bits;
        self.columns
            .iter()
            .map(|column| match column {
                FixedColumn::Lookup { attribute, table } => table[attributes.values[*attribute] as usize],
                FixedColumn::Affine { source, scale, offset, shift } => {
                    let v = match source {
                        Source::Attribute(a) => i128::from(attributes.values[*a]),
                        Source::LogMonthly => i128::from(attributes.log_monthly),
                    };
                    let q = (i128::from(*scale) * v + i128::from(*offset)).div_euclid(1i128 << shift);
                    i64::try_from(q).expect("bounded attributes give bounded inputs")
                }
                FixedColumn::AtLeast { attribute, cut } => {
                    if attributes.values[*attribute] >= *cut {
                        one
                    } else {
                        0
                    }
                }
            })
            .collect()
    }

    /// The largest distance, in real units, of each fixed input from its float encoding: `1/2 + 1/16`
    /// units for a standardised numeric, plus the log monthly amount's own rounding (`2^-21 / σ`); 0 for
    /// lookups of one-hot levels and indicators (exact), `1/2` unit for label-encoded levels.
    pub fn input_error(&self, encoder: &Encoder) -> Vec<f64> {
        let unit = 1.0 / f64::from(1u32 << self.frac_bits);
        self.columns
            .iter()
            .map(|column| match column {
                FixedColumn::Lookup { .. } if encoder.kind == EncodingKind::OneHot => 0.0,
                FixedColumn::Lookup { .. } => unit / 2.0,
                FixedColumn::Affine { source: Source::Attribute(_), .. } => unit * (0.5 + 1.0 / 16.0),
                FixedColumn::Affine { source: Source::LogMonthly, .. } => {
                    let std = encoder.monthly.map_or(1.0, |(_, s)| s);
                    unit * (0.5 + 1.0 / 16.0) + 2f64.powi(-(LOG_MONTHLY_FRAC_BITS as i32) - 1) / std
                }
                FixedColumn::AtLeast { .. } => 0.0,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::german_credit;
    use crate::encoding::Encoder;

    #[test]
    fn every_applicant_commits_and_encodes_within_the_stated_error() {
        let data = german_credit();
        let encoder = Encoder::fit_binned(EncodingKind::OneHot, false, &[1, 4, 12], 4, &data.applicants[..800])
            .with_monthly(&data.applicants[..800]);
        for f in [7, 8, 12, 16] {
            let fixed = FixedEncoder::new(&encoder, f).unwrap();
            assert_eq!(fixed.columns.len(), encoder.width());
            let error = fixed.input_error(&encoder);
            let scale = f64::from(1u32 << f);
            for a in &data.applicants {
                let committed = CommittedAttributes::from_applicant(a).unwrap();
                let x = fixed.encode(&committed);
                for ((fixed, float), e) in x.iter().zip(encoder.encode(a)).zip(&error) {
                    assert!((*fixed as f64 / scale - float).abs() <= e + 1e-12, "{fixed} vs {float} at f = {f}");
                }
            }
        }
    }

    #[test]
    fn label_encoding_has_an_integer_form_and_log_skewed_has_none() {
        let data = german_credit();
        let label = Encoder::fit(EncodingKind::Label, false, &data.applicants);
        let fixed = FixedEncoder::new(&label, 8).unwrap();
        assert_eq!(fixed.encode(&CommittedAttributes::from_applicant(&data.applicants[3]).unwrap()).len(), 20);
        let skewed = Encoder::fit(EncodingKind::OneHot, true, &data.applicants);
        assert_eq!(FixedEncoder::new(&skewed, 8), Err(FixedEncodingError::LogSkewed));
    }

    #[test]
    fn bounds_and_the_derived_value_are_checked() {
        let data = german_credit();
        let mut a = data.applicants[0];
        a.0[4] = 1 << 20;
        assert!(matches!(CommittedAttributes::from_applicant(&a), Err(AttributeError::OutOfBounds { .. })));
        let mut c = CommittedAttributes::from_applicant(&data.applicants[0]).unwrap();
        c.values[0] = 5;
        assert!(matches!(c.check(), Err(AttributeError::Level { .. })));
        let mut c = CommittedAttributes::from_applicant(&data.applicants[0]).unwrap();
        c.log_monthly += 1;
        assert!(matches!(c.check(), Err(AttributeError::LogMonthly { .. })));
        // An absent code commits as the extra level and one-hot encodes as all zeros.
        let mut a = data.applicants[0];
        a.0[3] = ABSENT_LEVEL;
        let c = CommittedAttributes::from_applicant(&a).unwrap();
        assert_eq!(c.values[3], 10);
        assert_eq!(log_monthly_fixed(12, 1200), (100f64.ln() * 1048576.0).round() as i64);
    }
}
