//! Scoring a file of applicants in the UCI coding with a model file: every row is checked first, so a
//! file with a bad row yields an error for each bad row and no scores at all.

use std::fmt;

use thiserror::Error;

use crate::data::{DataError, Labels, parse_line};
use crate::model_file::{InferenceError, ModelFile};

/// The score of one applicant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    /// Line in the input file (1-based).
    pub line: usize,
    /// `logit_approve − logit_reject` from integer inference, at scale `2^f`.
    pub margin_fixed: i128,
    /// The same in real units (`margin_fixed / 2^f`).
    pub margin: f64,
    /// The class, if the row had one (`true` = good).
    pub good: Option<bool>,
}

/// The rows that could not be scored, each with its reason.
#[derive(Debug, Error)]
pub struct ScoreError(pub Vec<RowError>);

/// Why one row could not be scored.
#[derive(Debug, Error)]
pub enum RowError {
    /// The row is malformed.
    #[error(transparent)]
    Data(#[from] DataError),
    /// Integer inference failed on the row.
    #[error("line {0}: {1}")]
    Inference(usize, InferenceError),
}

impl fmt::Display for ScoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} bad row(s), nothing scored:", self.0.len())?;
        for row in &self.0 {
            write!(f, "\n  {row}")?;
        }
        Ok(())
    }
}

/// Score every applicant of `text` (20 attributes per line, class optional, all rows alike).
pub fn score_text(model: &ModelFile, text: &str) -> Result<Vec<Score>, ScoreError> {
    let scale = (1u64 << model.payload.quantized.frac_bits) as f64;
    let (mut scores, mut errors) = (Vec::new(), Vec::new());
    let mut labelled: Option<bool> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        match parse_line(line, raw, Labels::Optional) {
            Ok(None) => {}
            Err(e) => errors.push(e.into()),
            Ok(Some((applicant, good))) => {
                if let Some(earlier) = labelled.filter(|l| *l != good.is_some()) {
                    let width = |l: bool| 20 + usize::from(l);
                    errors.push(
                        DataError::MixedLabels { line, found: width(good.is_some()), earlier: width(earlier) }.into(),
                    );
                    continue;
                }
                labelled = Some(good.is_some());
                match model.margin_fixed(&applicant) {
                    Ok(margin_fixed) => {
                        scores.push(Score { line, margin_fixed, margin: margin_fixed as f64 / scale, good })
                    }
                    Err(e) => errors.push(RowError::Inference(line, e)),
                }
            }
        }
    }
    if scores.is_empty() && errors.is_empty() {
        errors.push(DataError::Empty.into());
    }
    if errors.is_empty() { Ok(scores) } else { Err(ScoreError(errors)) }
}

/// The scores as CSV: `line,margin_fixed,margin[,class]` (class 1 = good, 2 = bad, as in the input).
pub fn to_csv(scores: &[Score]) -> String {
    let labelled = scores.first().is_some_and(|s| s.good.is_some());
    let mut out =
        String::from(if labelled { "line,margin_fixed,margin,class\n" } else { "line,margin_fixed,margin\n" });
    for s in scores {
        out.push_str(&format!("{},{},{}", s.line, s.margin_fixed, s.margin));
        if let Some(good) = s.good {
            out.push_str(if good { ",1" } else { ",2" });
        }
        out.push('\n');
    }
    out
}
