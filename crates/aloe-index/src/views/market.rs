//! The market at a glance, the score model's history, and how far the index has got.

use alloy_primitives::Address;
use serde::{Deserialize, Serialize};

use super::{Amount, LoanStatus};

/// The width of [`Market::defaults_over_time`]'s buckets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum Bucket {
    /// One day.
    Day,
    /// Thirty days (a loan period in the demo and the simulation).
    #[default]
    ThirtyDays,
}

impl Bucket {
    /// The bucket's width in seconds.
    pub fn seconds(self) -> u64 {
        match self {
            Self::Day => 86_400,
            Self::ThirtyDays => 30 * 86_400,
        }
    }
}

/// Loans per status.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct StatusCounts {
    /// [`LoanStatus::Open`].
    pub open: u64,
    /// [`LoanStatus::Funded`].
    pub funded: u64,
    /// [`LoanStatus::Active`].
    pub active: u64,
    /// [`LoanStatus::Repaid`].
    pub repaid: u64,
    /// [`LoanStatus::Defaulted`].
    pub defaulted: u64,
    /// [`LoanStatus::Failed`].
    pub failed: u64,
}

impl StatusCounts {
    pub(crate) fn add(&mut self, status: LoanStatus, count: u64) {
        let slot = match status {
            LoanStatus::Open => &mut self.open,
            LoanStatus::Funded => &mut self.funded,
            LoanStatus::Active => &mut self.active,
            LoanStatus::Repaid => &mut self.repaid,
            LoanStatus::Defaulted => &mut self.defaulted,
            LoanStatus::Failed => &mut self.failed,
        };
        *slot += count;
    }
}

/// Volumes of one asset (amounts of different assets do not add up).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AssetVolume {
    /// The asset (zero for ether).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub asset: Address,
    /// Loans in it.
    pub loans: u64,
    /// Invested by lenders.
    pub invested: Amount,
    /// Principal disbursed to borrowers.
    pub disbursed: Amount,
    /// Repaid by borrowers (including principal reclaimed at defaults).
    pub repaid: Amount,
    /// Arrears confirmed at defaults.
    pub defaulted_arrears: Amount,
}

/// Defaults confirmed in one time bucket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DefaultBucket {
    /// The bucket's start (Unix seconds, a multiple of its width).
    pub start: u64,
    /// Defaults confirmed in it.
    pub defaults: u64,
}

/// The market at a glance, for the dashboard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Market {
    /// Loans created.
    pub loans: u64,
    /// Loans per status.
    pub by_status: StatusCounts,
    /// Volumes per asset.
    pub volumes: Vec<AssetVolume>,
    /// Borrowers registered.
    pub registrations: u64,
    /// Distinct lenders.
    pub lenders: u64,
    /// Distinct borrowers with a request.
    pub borrowers: u64,
    /// Defaults confirmed.
    pub defaults: u64,
    /// The buckets' width in seconds.
    pub bucket_seconds: u64,
    /// Defaults per bucket, oldest first (buckets without defaults left out).
    pub defaults_over_time: Vec<DefaultBucket>,
}

/// What a k-NN model event was.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum ModelEventKind {
    /// A chunk of the next model was staged (`ChunkStaged`).
    ChunkStaged,
    /// The staged chunks were dropped (`StagingCleared`).
    StagingCleared,
    /// The staged points became the model (`ModelPublished`).
    Published,
    /// k changed (`KChanged`).
    KChanged,
    /// The bureau recorded a borrower's point (`PointRecorded`, from the bureau).
    PointRecorded,
    /// A point joined the new set's buffer (`PointAppended`).
    PointAppended,
    /// The buffer became a chunk (`BufferSealed`).
    BufferSealed,
    /// The new set became the old one (`ModelRotated`).
    Rotated,
}

impl ModelEventKind {
    const ALL: [Self; 8] = [
        Self::ChunkStaged,
        Self::StagingCleared,
        Self::Published,
        Self::KChanged,
        Self::PointRecorded,
        Self::PointAppended,
        Self::BufferSealed,
        Self::Rotated,
    ];

    /// The name stored in SQL.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::ChunkStaged => "chunkStaged",
            Self::StagingCleared => "stagingCleared",
            Self::Published => "published",
            Self::KChanged => "kChanged",
            Self::PointRecorded => "pointRecorded",
            Self::PointAppended => "pointAppended",
            Self::BufferSealed => "bufferSealed",
            Self::Rotated => "rotated",
        }
    }

    pub(crate) fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == name)
    }
}

/// One event of the score model's life; fields are set where the event carries them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ModelEvent {
    /// Its block.
    pub block_number: u64,
    /// Its position in the block.
    pub log_index: u64,
    /// The block's time.
    pub block_timestamp: u64,
    /// What happened.
    pub kind: ModelEventKind,
    /// The model's (old set's) size after a publication or rotation.
    pub size: Option<u64>,
    /// k after a publication or a change.
    pub k: Option<u64>,
    /// The packed point recorded or appended.
    pub point: Option<Amount>,
    /// Points waiting in the buffer after an append.
    pub buffered: Option<u64>,
    /// The data chunk staged or sealed.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub chunk: Option<Address>,
    /// Points in that chunk.
    pub points: Option<u64>,
    /// The staged chunk's number.
    pub chunk_index: Option<u64>,
    /// The borrower whose point was recorded.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub borrower: Option<Address>,
}

/// The score model's history and where it stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ModelHistory {
    /// The model's size after the latest publication or rotation.
    pub size: Option<u64>,
    /// k now.
    pub k: Option<u64>,
    /// Publications.
    pub publications: u64,
    /// Rotations.
    pub rotations: u64,
    /// Borrowers' points recorded.
    pub points_recorded: u64,
    /// Every model event, oldest first.
    pub events: Vec<ModelEvent>,
}

/// How far the index has got.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct IndexStatus {
    /// The last block indexed (none before the first range).
    pub cursor: Option<u64>,
    /// The chain's clock at the last sync: what the loan statuses are derived against.
    pub as_of: Option<u64>,
    /// Events indexed.
    pub events: u64,
    /// Loans indexed.
    pub loans: u64,
}
