//! The k-NN model file: the packed points to upload, k, and how they were built, under a SHA-256 content
//! hash. The hash is the SHA-256 of the compact JSON of `payload` (fields in declaration order), as
//! lowercase hex; loading recomputes it and refuses a file whose hash, format or version is wrong or
//! whose points are not model points.

use alloy_primitives::U256;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::point::{ModelPoint, PointError};

/// The `format` field of every k-NN model file.
pub const FORMAT: &str = "aloe-score/knn-model";
/// The current format version.
pub const VERSION: u32 = 1;
/// The contract's largest k (`KnnModel.MAX_K`).
pub const MAX_K: u8 = 32;

/// What the hash covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payload {
    /// Neighbours to publish the model with.
    pub k: u8,
    /// Months of history behind each point's ratios (the rest of the data is the outcome).
    pub history_months: usize,
    /// Where the points come from (data file and its SHA-256, sampling seed, ...), for people.
    pub source: String,
    /// Clients the points were built from (before merging identical ratio vectors).
    pub clients: usize,
    /// The points, packed as the contract stores them (`ModelPoint::pack`), hex.
    pub points: Vec<U256>,
}

/// A k-NN model file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnnModelFile {
    /// Always [`FORMAT`].
    pub format: String,
    /// Format version ([`VERSION`]).
    pub version: u32,
    /// Lowercase hex SHA-256 of the compact JSON of `payload`.
    pub sha256: String,
    /// The model.
    pub payload: Payload,
}

/// A model file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ModelFileError {
    /// Not JSON, or not the expected fields.
    #[error("not a k-NN model file: {0}")]
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
    /// A point is not a packed model point.
    #[error("point {index}: {source}")]
    Point {
        /// Its position in the file.
        index: usize,
        /// Why.
        #[source]
        source: PointError,
    },
    /// k is 0 or above the contract's [`MAX_K`], or there are no points.
    #[error("k = {k} with {points} points: a model needs 1 <= k <= {MAX_K} and at least one point")]
    Shape {
        /// k.
        k: u8,
        /// Points.
        points: usize,
    },
}

/// SHA-256 of the compact JSON of `payload`, as lowercase hex.
pub fn payload_hash(payload: &Payload) -> String {
    let json = serde_json::to_vec(payload).expect("a payload serialises");
    Sha256::digest(&json).iter().map(|b| format!("{b:02x}")).collect()
}

impl KnnModelFile {
    /// A file of `points` (packed here), computing its hash.
    pub fn new(k: u8, history_months: usize, source: String, clients: usize, points: &[ModelPoint]) -> Self {
        let points = points.iter().map(ModelPoint::pack).collect();
        let payload = Payload { k, history_months, source, clients, points };
        Self { format: FORMAT.into(), version: VERSION, sha256: payload_hash(&payload), payload }
    }

    /// The file as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a model file serialises")
    }

    /// Reads and verifies a model file.
    pub fn from_json(text: &str) -> Result<Self, ModelFileError> {
        let file: Self = serde_json::from_str(text)?;
        if file.format != FORMAT {
            return Err(ModelFileError::Format(file.format));
        }
        if file.version != VERSION {
            return Err(ModelFileError::Version(file.version));
        }
        let computed = payload_hash(&file.payload);
        if computed != file.sha256 {
            return Err(ModelFileError::HashMismatch { stated: file.sha256, computed });
        }
        let (k, points) = (file.payload.k, file.payload.points.len());
        if k == 0 || k > MAX_K || points == 0 {
            return Err(ModelFileError::Shape { k, points });
        }
        file.points()?;
        Ok(file)
    }

    /// The points, unpacked.
    pub fn points(&self) -> Result<Vec<ModelPoint>, ModelFileError> {
        self.payload
            .points
            .iter()
            .enumerate()
            .map(|(index, word)| ModelPoint::unpack(*word).map_err(|source| ModelFileError::Point { index, source }))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synthetic;

    fn file() -> KnnModelFile {
        KnnModelFile::new(12, 6, "test".into(), 40, &synthetic::points(3, 40))
    }

    #[test]
    fn round_trip_keeps_every_point() {
        let model = file();
        let back = KnnModelFile::from_json(&model.to_json()).unwrap();
        assert_eq!(back, model);
        assert_eq!(back.points().unwrap(), synthetic::points(3, 40));
        assert_eq!(back.sha256.len(), 64);
    }

    #[test]
    fn altered_or_invalid_files_are_refused() {
        let model = file();
        let mut edited = serde_json::to_value(&model).unwrap();
        edited["payload"]["points"][7] = serde_json::json!("0x1");
        assert!(matches!(KnnModelFile::from_json(&edited.to_string()), Err(ModelFileError::HashMismatch { .. })));
        let mut high = model.payload.clone();
        high.points[3] = U256::from(1) << 201;
        let rehashed = KnnModelFile { sha256: payload_hash(&high), payload: high, ..model.clone() };
        let error = KnnModelFile::from_json(&rehashed.to_json()).unwrap_err();
        assert!(matches!(error, ModelFileError::Point { index: 3, .. }), "{error}");
        let mut zero_k = model.payload.clone();
        zero_k.k = 0;
        let rehashed = KnnModelFile { sha256: payload_hash(&zero_k), payload: zero_k, ..model.clone() };
        assert!(matches!(KnnModelFile::from_json(&rehashed.to_json()), Err(ModelFileError::Shape { k: 0, .. })));
        let mut old = model.clone();
        old.version = 0;
        assert!(matches!(KnnModelFile::from_json(&old.to_json()), Err(ModelFileError::Version(0))));
        assert!(matches!(KnnModelFile::from_json("[]"), Err(ModelFileError::Json(_))));
    }
}
