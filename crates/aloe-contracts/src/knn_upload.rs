//! Uploading a model file's points to the bureau's `KnnModel`, resumably, and verifying what is on chain.
//!
//! The points go in chunks of [`MAX_CHUNK_POINTS`], in file order. A rerun reads the staged chunks back
//! (`chunks`, `pointsOf`) and continues after them if each equals the file's chunk at its index; if one
//! differs it refuses instead of mixing two uploads (clearing the staging set is the caller's decision).
//! Publishing happens once every chunk is staged.

use alloy_primitives::Address;
use aloe_chain::Chain;
use aloe_score::ModelPoint;

use crate::{
    Error, KnnModel, Result,
    knn::{MAX_CHUNK_POINTS, PointSet},
};

/// What [`upload`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadReport {
    /// Chunks found already staged and equal to the file's.
    pub resumed: usize,
    /// Chunks staged by this call.
    pub staged: usize,
    /// Chunks in the file.
    pub total: usize,
    /// Whether the model was published (every chunk staged).
    pub published: bool,
    /// Gas of this call's transactions.
    pub gas: u64,
}

/// The first difference between a set on chain and the file, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Difference {
    /// The set has another number of chunks.
    ChunkCount {
        /// On chain.
        on_chain: usize,
        /// In the file.
        in_file: usize,
    },
    /// Chunk `chunk` differs, first at point `point` of the file (`None`: the chunk's length differs).
    Point {
        /// Chunk index.
        chunk: usize,
        /// Point index in the file.
        point: Option<usize>,
    },
    /// The published k is not the file's.
    K {
        /// On chain.
        on_chain: u64,
        /// In the file.
        in_file: u8,
    },
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::ChunkCount { on_chain, in_file } => write!(f, "{on_chain} chunks on chain, {in_file} in the file"),
            Self::Point { chunk, point: Some(p) } => write!(f, "chunk {chunk} differs at point {p} of the file"),
            Self::Point { chunk, point: None } => write!(f, "chunk {chunk} has another number of points"),
            Self::K { on_chain, in_file } => write!(f, "k is {on_chain} on chain, {in_file} in the file"),
        }
    }
}

fn compare_chunk(on_chain: &[ModelPoint], file: &[ModelPoint], chunk: usize) -> Option<Difference> {
    if on_chain.len() != file.len() {
        return Some(Difference::Point { chunk, point: None });
    }
    let at = on_chain.iter().zip(file).position(|(a, b)| a != b)?;
    Some(Difference::Point { chunk, point: Some(chunk * MAX_CHUNK_POINTS + at) })
}

/// Compares `set` on chain with `points` chunk by chunk (and, for the old set, k with `k`).
pub fn verify(
    chain: &mut dyn Chain,
    model: &KnnModel,
    set: PointSet,
    points: &[ModelPoint],
    k: Option<u8>,
) -> Result<Option<Difference>> {
    let file: Vec<&[ModelPoint]> = points.chunks(MAX_CHUNK_POINTS).collect();
    let on_chain = model.chunks(chain, set)?.len();
    if on_chain != file.len() {
        return Ok(Some(Difference::ChunkCount { on_chain, in_file: file.len() }));
    }
    for (i, expected) in file.iter().enumerate() {
        if let Some(difference) = compare_chunk(&model.points_of(chain, set, i)?, expected, i) {
            return Ok(Some(difference));
        }
    }
    if let Some(k) = k {
        let on_chain = model.k(chain)?;
        if on_chain != u64::from(k) {
            return Ok(Some(Difference::K { on_chain, in_file: k }));
        }
    }
    Ok(None)
}

/// How many chunks of `points` are staged, if the staging set is a prefix of the file's chunks; otherwise
/// the first difference.
pub fn staged_prefix(
    chain: &mut dyn Chain,
    model: &KnnModel,
    points: &[ModelPoint],
) -> Result<std::result::Result<usize, Difference>> {
    let file: Vec<&[ModelPoint]> = points.chunks(MAX_CHUNK_POINTS).collect();
    let staged = model.chunks(chain, PointSet::Staging)?.len();
    if staged > file.len() {
        return Ok(Err(Difference::ChunkCount { on_chain: staged, in_file: file.len() }));
    }
    for (i, expected) in file.iter().enumerate().take(staged) {
        if let Some(difference) = compare_chunk(&model.points_of(chain, PointSet::Staging, i)?, expected, i) {
            return Ok(Err(difference));
        }
    }
    Ok(Ok(staged))
}

/// Stages what is missing of `points` (after the staged chunks that match), at most `max_chunks` new
/// chunks, then publishes with `k` once all are staged. Refuses with [`Error::StagedMismatch`] if a
/// staged chunk differs from the file. `progress` gets a line per chunk.
pub fn upload(
    chain: &mut dyn Chain,
    model: &KnnModel,
    owner: Address,
    points: &[ModelPoint],
    k: u8,
    max_chunks: Option<usize>,
    progress: &mut dyn FnMut(String),
) -> Result<UploadReport> {
    let staged = staged_prefix(chain, model, points)?
        .map_err(|difference| Error::StagedMismatch { difference: difference.to_string() })?;
    let file: Vec<&[ModelPoint]> = points.chunks(MAX_CHUNK_POINTS).collect();
    let mut report = UploadReport { resumed: staged, staged: 0, total: file.len(), published: false, gas: 0 };
    for (i, chunk) in file.iter().enumerate().skip(staged).take(max_chunks.unwrap_or(usize::MAX)) {
        report.gas += model.stage_chunk(chain, owner, chunk)?.receipt.gas_used;
        report.staged += 1;
        progress(format!("staged chunk {}/{} ({} points)", i + 1, file.len(), chunk.len()));
    }
    if report.resumed + report.staged == file.len() {
        report.gas += model.publish(chain, owner, k)?.receipt.gas_used;
        report.published = true;
        progress(format!("published {} points with k = {k}", points.len()));
    }
    Ok(report)
}
