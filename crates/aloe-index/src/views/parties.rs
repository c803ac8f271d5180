//! The parties: lenders' and borrowers' positions, registrations, defaults and the events naming them.

use alloy_primitives::Address;
use serde::Serialize;

use super::{Amount, LoanStatus};
use crate::Source;

/// Where one borrower stands in one loan (their request's life, from `BorrowerPosition` in `ILoan.sol`):
/// `defaulted` once confirmed, else `repaid` once paid and reclaimed cover the schedule, else `active` once
/// the principal was taken, else `requested` while a request is held, else `cancelled`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum BorrowerStatus {
    /// Requested, not yet taken.
    Requested,
    /// Withdrew the request before funding (and holds none now).
    Cancelled,
    /// Took the principal and owes installments.
    Active,
    /// Paid the whole schedule.
    Repaid,
    /// Confirmed in default by the bureau.
    Defaulted,
}

/// One lender in one loan (the contract's `lenderPosition`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LenderPosition {
    /// The loan.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub loan: Address,
    /// The lender.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub lender: Address,
    /// Invested.
    pub invested: Amount,
    /// Withdrawn (shares of repayments and refunds).
    pub withdrawn: Amount,
    /// The part of `withdrawn` that was a refund.
    pub refunded: Amount,
    /// The block of the first investment.
    pub first_block: u64,
}

/// One borrower in one loan (the contract's `borrowerPosition`, amounts split by origin).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct BorrowerPosition {
    /// The loan.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub loan: Address,
    /// The borrower.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub borrower: Address,
    /// Where the request stands.
    pub status: BorrowerStatus,
    /// The principal requested (zero after a cancellation).
    pub requested: Amount,
    /// The installment.
    pub installment: Amount,
    /// installment × number of payments.
    pub scheduled: Amount,
    /// Principal received.
    pub disbursed: Amount,
    /// Paid by the borrower.
    pub paid: Amount,
    /// Principal never taken that repaid the debt at the default (the contract counts it in `paid`).
    pub reclaimed: Amount,
    /// Confirmed in default.
    pub defaulted: bool,
    /// Requests withdrawn before funding.
    pub cancellations: u64,
    /// The block of the (latest) request.
    pub requested_block: u64,
}

/// A confirmed default (`DefaultConfirmed`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DefaultRecord {
    /// The loan.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub loan: Address,
    /// The borrower.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub borrower: Address,
    /// Who reported it.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub reporter: Address,
    /// Arrears past due, confirmed by the loan.
    pub arrears: Amount,
    /// Its block.
    pub block_number: u64,
    /// Its time.
    pub confirmed_at: u64,
    /// Identity shares the auditors released to this loan's lenders since.
    pub shares_released: u64,
}

/// A borrower's registration (`ScoreLedgerInitialized`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Registration {
    /// The borrower.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub address: Address,
    /// The notary who registered them.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub notary: Address,
    /// The FICO score the notary verified.
    pub fico_score: u16,
    /// When the notary verified it (the event's argument).
    pub verified_at: u64,
    /// The block of the registration.
    pub registered_block: u64,
    /// Its time.
    pub registered_at: u64,
}

/// One indexed event.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct EventRecord {
    /// Its block.
    pub block_number: u64,
    /// Its position in the block.
    pub log_index: u64,
    /// The block's time.
    pub block_timestamp: u64,
    /// The emitting contract.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub contract: Address,
    /// Which of the protocol's contracts that is.
    pub source: Source,
    /// The event's name.
    pub event: String,
    /// Its arguments by name: addresses checksummed, integers of at most 48 bits as numbers and wider ones
    /// as decimal strings, bytes as 0x-hex.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub args: serde_json::Value,
}

/// A borrower: registration, positions, defaults and every event naming them, oldest first.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct BorrowerDetail {
    /// The borrower.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub address: Address,
    /// Their registration, if indexed.
    pub registration: Option<Registration>,
    /// Their requests, by loan creation.
    pub positions: Vec<BorrowerPosition>,
    /// Their confirmed defaults.
    pub defaults: Vec<DefaultRecord>,
    /// Every event with them as an argument, in chain order.
    pub history: Vec<EventRecord>,
}

/// A lender's position with the loan it is in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LenderLoan {
    /// The position.
    #[serde(flatten)]
    pub position: LenderPosition,
    /// The loan's asset.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub asset: Address,
    /// The loan's status.
    pub status: LoanStatus,
}

/// A lender: positions across loans and every event naming them.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LenderDetail {
    /// The lender.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub address: Address,
    /// Positions, by loan creation.
    pub positions: Vec<LenderLoan>,
    /// Every event with them as an argument, in chain order.
    pub history: Vec<EventRecord>,
}
