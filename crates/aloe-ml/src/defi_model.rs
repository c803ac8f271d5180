//! The fitted-detector file of the DeFi score: everything needed to compute the anomaly penalty `X`
//! of a new account (the min-max parameters, the autoencoder's six layers, the penalty ramp, the
//! training configuration, the input names) under a SHA-256 content hash.
//!
//! The hash is [`crate::model_file::content_hash`] of `payload`, as for the credit model's file.
//! Loading recomputes it and refuses a file whose format, version or hash is wrong, whose inputs are
//! not [`INPUT_NAMES`], whose clamp is not this build's [`CLAMP`], whose scaler or layers do not have
//! the shapes the configuration states or hold a value that is not finite, or whose ramp does not have
//! `0 ≤ threshold < cap`. `X` is then `ramp.penalty(error)`: exactly 0 at or below the threshold, 20 at
//! or above the cap.

use aloe_score::defi::{Components, DefiFeatures, DefiScore, INPUTS};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::autoencoder::{Autoencoder, AutoencoderConfig, CLAMP, MinMax, PenaltyRamp, ShapeError};
use crate::model_file::content_hash;

/// The `format` field of every DeFi detector file.
pub const FORMAT: &str = "aloe-ml/defi-autoencoder";
/// The current format version.
pub const VERSION: u32 = 1;

/// The shipped detector (`data/models/defi-autoencoder.json`, written by `aloe model defi train`).
pub const SHIPPED: &str = include_str!("../../../data/models/defi-autoencoder.json");

/// The inputs of [`DefiFeatures::model_inputs`], in its order (`ln1p` = `ln(1 + v)`; money in the
/// base currency's whole units).
pub const INPUT_NAMES: [&str; INPUTS] = [
    "ln1p_transactions_per_day",
    "health_factor_capped",
    "ltv",
    "liquidation_threshold",
    "ln1p_collateral",
    "ln1p_available_borrows",
    "distinct_assets",
    "loan_kinds",
    "repayment_rate",
    "ln1p_history_days",
    "utilisation",
];

/// What the hash covers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DefiPayload {
    /// The input names ([`INPUT_NAMES`]): a file made for another feature vector is refused.
    pub inputs: Vec<String>,
    /// The range normalised inputs are clamped to ([`CLAMP`]).
    pub clamp: [f64; 2],
    /// Min-max parameters fitted on the training accounts.
    pub scaler: MinMax,
    /// The trained autoencoder.
    pub autoencoder: Autoencoder,
    /// Threshold and cap of the penalty, fitted on the training reconstruction errors.
    pub ramp: PenaltyRamp,
    /// The configuration it was trained with (its `widths` are the layers').
    pub train: AutoencoderConfig,
    /// Training accounts (all normal).
    pub rows: usize,
    /// Where the training accounts came from, for people.
    pub source: String,
}

/// A DeFi detector file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DefiModelFile {
    /// Always [`FORMAT`].
    pub format: String,
    /// Format version ([`VERSION`]).
    pub version: u32,
    /// Lowercase hex SHA-256 of the compact JSON of `payload`.
    pub sha256: String,
    /// The detector.
    pub payload: DefiPayload,
}

/// A detector file that cannot be used.
#[derive(Debug, Error)]
pub enum DefiModelError {
    /// Not JSON, or not the expected fields (a non-finite number reads as `null` and lands here).
    #[error("not a DeFi detector file: {0}")]
    Json(#[from] serde_json::Error),
    /// The `format` field is not [`FORMAT`].
    #[error("format {0:?} is not {FORMAT:?}")]
    Format(String),
    /// A version this build cannot read.
    #[error("format version {0} is not supported (this build reads version {VERSION})")]
    Version(u32),
    /// The content hash does not match the payload (the file was altered).
    #[error("content hash mismatch: the file says {stated}, the payload hashes to {computed}")]
    HashMismatch {
        /// The hash in the file.
        stated: String,
        /// The hash of the payload as read.
        computed: String,
    },
    /// The input names are not [`INPUT_NAMES`].
    #[error("inputs {found:?} are not this build's {INPUT_NAMES:?}")]
    Inputs {
        /// The names in the file.
        found: Vec<String>,
    },
    /// The clamp is not this build's [`CLAMP`].
    #[error("clamp {found:?} is not this build's {CLAMP:?}")]
    Clamp {
        /// The clamp in the file.
        found: [f64; 2],
    },
    /// The scaler or the layers do not fit the stated shape, or hold a non-finite value.
    #[error(transparent)]
    Shape(#[from] ShapeError),
    /// The ramp is not `0 ≤ threshold < cap`, both finite.
    #[error("penalty ramp from {threshold} to {cap}: need 0 <= threshold < cap, both finite")]
    Ramp {
        /// The threshold.
        threshold: f64,
        /// The cap.
        cap: f64,
    },
}

impl DefiPayload {
    /// Every check of a payload (see the module doc); the hash is the file's concern.
    pub fn check(&self) -> Result<(), DefiModelError> {
        if self.inputs.iter().map(String::as_str).ne(INPUT_NAMES) {
            return Err(DefiModelError::Inputs { found: self.inputs.clone() });
        }
        if self.clamp != [CLAMP.0, CLAMP.1] {
            return Err(DefiModelError::Clamp { found: self.clamp });
        }
        self.scaler.check(INPUTS)?;
        self.autoencoder.check(INPUTS, self.train.widths)?;
        let PenaltyRamp { threshold, cap } = self.ramp;
        // `!(a < b)` rather than `a >= b` so that NaN is refused too.
        if !(threshold.is_finite() && cap.is_finite() && 0.0 <= threshold && threshold < cap) {
            return Err(DefiModelError::Ramp { threshold, cap });
        }
        Ok(())
    }
}

impl DefiModelFile {
    /// A file of a fitted detector, training rows and provenance; refused as [`DefiPayload::check`] refuses.
    pub fn new(
        scaler: MinMax,
        autoencoder: Autoencoder,
        ramp: PenaltyRamp,
        train: AutoencoderConfig,
        rows: usize,
        source: String,
    ) -> Result<Self, DefiModelError> {
        let inputs = INPUT_NAMES.iter().map(|s| s.to_string()).collect();
        let clamp = [CLAMP.0, CLAMP.1];
        Self::from_payload(DefiPayload { inputs, clamp, scaler, autoencoder, ramp, train, rows, source })
    }

    /// Wrap a checked payload, computing its hash.
    pub fn from_payload(payload: DefiPayload) -> Result<Self, DefiModelError> {
        payload.check()?;
        Ok(Self { format: FORMAT.into(), version: VERSION, sha256: content_hash(&payload), payload })
    }

    /// The file as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a detector file serialises")
    }

    /// Read and verify a detector file.
    pub fn from_json(text: &str) -> Result<Self, DefiModelError> {
        let file: Self = serde_json::from_str(text)?;
        if file.format != FORMAT {
            return Err(DefiModelError::Format(file.format));
        }
        if file.version != VERSION {
            return Err(DefiModelError::Version(file.version));
        }
        let computed = content_hash(&file.payload);
        if computed != file.sha256 {
            return Err(DefiModelError::HashMismatch { stated: file.sha256, computed });
        }
        file.payload.check()?;
        Ok(file)
    }

    /// The autoencoder's reconstruction error (MSLE) of an account's normalised inputs.
    pub fn reconstruction_error(&self, features: &DefiFeatures) -> f64 {
        let p = &self.payload;
        p.autoencoder.error(&p.scaler.apply(&features.model_inputs()))
    }

    /// The anomaly penalty `X` in [0, 20].
    pub fn penalty(&self, features: &DefiFeatures) -> f64 {
        self.payload.ramp.penalty(self.reconstruction_error(features))
    }

    /// The account's score: its components and this detector's penalty.
    pub fn score(&self, features: &DefiFeatures) -> DefiScore {
        DefiScore::new(Components::of(features), self.penalty(features)).expect("the ramp keeps X in [0, 20]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::autoencoder::train;
    use crate::defi_population::{Account, population};

    fn small() -> (DefiModelFile, Vec<Account>) {
        let accounts = population(300, 0.2, 3);
        let raw: Vec<Vec<f64>> =
            accounts.iter().filter(|a| a.anomaly.is_none()).map(|a| a.features.model_inputs().to_vec()).collect();
        let scaler = MinMax::fit(&raw);
        let x: Vec<Vec<f64>> = raw.iter().map(|r| scaler.apply(r)).collect();
        let config = AutoencoderConfig { widths: [6, 4, 2], epochs: 3, batch_size: 32, ..Default::default() };
        let model = train(&x, &config).unwrap();
        let ramp = PenaltyRamp::fit(&x.iter().map(|r| model.error(r)).collect::<Vec<_>>());
        let file = DefiModelFile::new(scaler, model, ramp, config, x.len(), "test".into()).unwrap();
        (file, accounts)
    }

    /// The payload as JSON, edited, written back under a fresh hash (so only the payload checks can refuse it).
    fn rehashed(file: &DefiModelFile, edit: impl FnOnce(&mut serde_json::Value)) -> String {
        let mut value = serde_json::to_value(&file.payload).unwrap();
        edit(&mut value);
        let payload: DefiPayload = serde_json::from_value(value).unwrap();
        let sha256 = content_hash(&payload);
        DefiModelFile { sha256, payload, ..file.clone() }.to_json()
    }

    #[test]
    fn round_trip_gives_identical_penalties() {
        let (file, accounts) = small();
        let back = DefiModelFile::from_json(&file.to_json()).unwrap();
        assert_eq!(back, file);
        for a in &accounts {
            let x = back.penalty(&a.features);
            assert_eq!(x.to_bits(), file.penalty(&a.features).to_bits());
            assert!((0.0..=20.0).contains(&x));
            assert_eq!(back.score(&a.features).penalty, x);
        }
        assert!(accounts.iter().any(|a| file.penalty(&a.features) > 0.0));
    }

    #[test]
    fn the_penalty_is_zero_to_the_threshold_and_twenty_from_the_cap() {
        let (file, accounts) = small();
        let ramp = file.payload.ramp;
        for a in &accounts {
            let (e, x) = (file.reconstruction_error(&a.features), file.penalty(&a.features));
            if e <= ramp.threshold {
                assert_eq!(x, 0.0);
            } else if e >= ramp.cap {
                assert_eq!(x, 20.0);
            } else {
                assert!(x > 0.0 && x < 20.0);
            }
        }
        assert_eq!([ramp.threshold, ramp.cap, f64::NAN].map(|e| ramp.penalty(e)), [0.0, 20.0, 20.0]);
    }

    #[test]
    fn tampered_and_malformed_files_are_refused() {
        let (file, _) = small();
        let json = file.to_json();
        // A changed weight under the old hash.
        let mut edited = serde_json::to_value(&file).unwrap();
        let w = &mut edited["payload"]["autoencoder"]["layers"][2]["weights"][0];
        *w = serde_json::json!(w.as_f64().unwrap() + 1e-9);
        assert!(matches!(DefiModelFile::from_json(&edited.to_string()), Err(DefiModelError::HashMismatch { .. })));
        let old = DefiModelFile { version: 0, ..file.clone() }.to_json();
        assert!(matches!(DefiModelFile::from_json(&old), Err(DefiModelError::Version(0))));
        let other = DefiModelFile { format: "aloe-ml/mlp".into(), ..file.clone() }.to_json();
        assert!(matches!(DefiModelFile::from_json(&other), Err(DefiModelError::Format(_))));
        assert!(matches!(DefiModelFile::from_json("{}"), Err(DefiModelError::Json(_))));
        // Re-hashed, so only the payload checks stand in the way.
        let wide = rehashed(&file, |v| v["train"]["widths"][0] = 7.into());
        assert!(matches!(
            DefiModelFile::from_json(&wide),
            Err(DefiModelError::Shape(ShapeError::LayerWidth { layer: 0, outputs: 6, expected_outputs: 7, .. }))
        ));
        let short = rehashed(&file, |v| {
            v["autoencoder"]["layers"][1]["biases"].as_array_mut().unwrap().pop();
        });
        assert!(matches!(
            DefiModelFile::from_json(&short),
            Err(DefiModelError::Shape(ShapeError::LayerSize { layer: 1, .. }))
        ));
        let narrow = rehashed(&file, |v| {
            v["scaler"]["min"].as_array_mut().unwrap().pop();
        });
        assert!(matches!(
            DefiModelFile::from_json(&narrow),
            Err(DefiModelError::Shape(ShapeError::ScalerWidth { .. }))
        ));
        let flat = rehashed(&file, |v| v["ramp"]["cap"] = v["ramp"]["threshold"].clone());
        assert!(matches!(DefiModelFile::from_json(&flat), Err(DefiModelError::Ramp { .. })));
        let inverted = rehashed(&file, |v| v["ramp"]["threshold"] = 1e3.into());
        assert!(matches!(DefiModelFile::from_json(&inverted), Err(DefiModelError::Ramp { .. })));
        let renamed = rehashed(&file, |v| v["inputs"][0] = "activity".into());
        assert!(matches!(DefiModelFile::from_json(&renamed), Err(DefiModelError::Inputs { .. })));
        let clamp = rehashed(&file, |v| v["clamp"][1] = 5.0.into());
        assert!(matches!(DefiModelFile::from_json(&clamp), Err(DefiModelError::Clamp { .. })));
        // JSON has no NaN: written, it is `null`, which does not parse as a weight; and an overflowing
        // literal is refused by the parser.
        let mut nan = file.clone();
        nan.payload.autoencoder.layer_mut(3).0[0] = f64::NAN;
        assert!(matches!(DefiModelFile::from_json(&nan.to_json()), Err(DefiModelError::Json(_))));
        let huge = json.replacen("\"weights\": [\n", "\"weights\": [\n1e999,\n", 1);
        assert!(matches!(DefiModelFile::from_json(&huge), Err(DefiModelError::Json(_))));
        // And such a detector cannot be made into a file in the first place.
        assert!(matches!(
            DefiModelFile::from_payload(nan.payload),
            Err(DefiModelError::Shape(ShapeError::NotFinite { layer: 3 }))
        ));
    }
}
