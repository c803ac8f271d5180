//! Errors of contract interactions.

use crate::Revert;

/// Result of contract interactions.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What can go wrong calling Aloe's contracts.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The contract reverted with this (decoded) reason.
    #[error("{contract}.{function} reverted: {reason}")]
    Reverted {
        /// Which contract.
        contract: &'static str,
        /// Which function.
        function: &'static str,
        /// The decoded custom error (boxed: the decoded enums are large).
        reason: Box<Revert>,
    },
    /// The chain failed for another reason.
    #[error("{contract}.{function}: {source}")]
    Chain {
        /// Which contract.
        contract: &'static str,
        /// Which function.
        function: &'static str,
        /// The chain's error.
        #[source]
        source: aloe_chain::Error,
    },
    /// The contract returned data that does not decode as its ABI says.
    #[error("{contract}.{function} returned undecodable data: {source}")]
    Decode {
        /// Which contract.
        contract: &'static str,
        /// Which function.
        function: &'static str,
        /// The decoder's error.
        #[source]
        source: alloy_sol_types::Error,
    },
    /// The chunks already staged on chain are not the start of the model being uploaded.
    #[error("the staged chunks are not this model's ({difference}): clear the staging set to start over")]
    StagedMismatch {
        /// The first difference found.
        difference: String,
    },
    /// A contract returned a value too large for the Rust type it is read into (never truncated).
    #[error("{contract}.{function} returned {field} = {value}, which does not fit a {target}")]
    OutOfRange {
        /// Which contract.
        contract: &'static str,
        /// Which function.
        function: &'static str,
        /// The returned field.
        field: &'static str,
        /// Its value.
        value: alloy_primitives::U256,
        /// The Rust type it was read into.
        target: &'static str,
    },
    /// A transaction succeeded but did not emit the event that carries its result.
    #[error("{contract}.{function} emitted no {event} event")]
    MissingEvent {
        /// Which contract.
        contract: &'static str,
        /// Which function.
        function: &'static str,
        /// The expected event.
        event: &'static str,
    },
}

impl Error {
    /// The decoded revert, if this error is one.
    pub fn revert(&self) -> Option<&Revert> {
        match self {
            Self::Reverted { reason, .. } => Some(reason.as_ref()),
            _ => None,
        }
    }

    /// The custom error's name if this is a revert ("OverInvestment", ...).
    pub fn revert_name(&self) -> Option<String> {
        self.revert().map(Revert::name)
    }
}
