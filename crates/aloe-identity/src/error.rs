//! Errors of the identity escrow.

/// What can go wrong in the escrow's cryptography, messages and roles.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A threshold scheme needs 2 ≤ t ≤ n ≤ 16.
    #[error("invalid threshold {threshold} of {shares} (need 2 <= t <= n <= {max})", max = crate::sharing::MAX_SHARES)]
    InvalidThreshold {
        /// t.
        threshold: usize,
        /// n.
        shares: usize,
    },
    /// A share that is not on the committed polynomial (tampered, or meant for another escrow).
    #[error("share {index} does not match the commitments")]
    ShareMismatch {
        /// The share's index.
        index: u8,
    },
    /// Fewer consistent shares than the threshold.
    #[error("{valid} valid shares, {threshold} needed")]
    NotEnoughShares {
        /// Shares that verified.
        valid: usize,
        /// Shares needed.
        threshold: usize,
    },
    /// Bytes that do not decode as what they claim to be.
    #[error("malformed {what}: {reason}")]
    Malformed {
        /// What was being decoded.
        what: &'static str,
        /// Why it failed.
        reason: String,
    },
    /// Authenticated decryption failed: wrong key, or the ciphertext or its context was altered.
    #[error("cannot decrypt {what}: wrong key or altered ciphertext")]
    Decryption {
        /// What was being decrypted.
        what: &'static str,
    },
    /// The identifier is empty or too long.
    #[error("a national identifier is 1 to {max} bytes", max = crate::identity::MAX_IDENTIFIER_LEN)]
    InvalidIdentifier,
    /// A signature that does not verify, or signed by someone else than expected.
    #[error("bad signature: {reason}")]
    BadSignature {
        /// Why.
        reason: String,
    },
    /// The chain failed or refused a transaction (its decoded reason).
    #[error("chain: {0}")]
    Chain(String),
    /// The party's own store failed.
    #[error("store: {0}")]
    Store(#[from] rusqlite::Error),
    /// A message that verified but must be refused (stale, replayed, for someone else...).
    #[error("refused: {reason}")]
    Refused {
        /// Why, in words a caller can act on.
        reason: String,
    },
}

/// Constructors for the common cases.
impl Error {
    /// Bytes that do not decode as `what`.
    pub fn malformed(what: &'static str, reason: impl std::fmt::Display) -> Self {
        Self::Malformed { what, reason: reason.to_string() }
    }

    /// A refusal with its reason.
    pub fn refused(reason: impl Into<String>) -> Self {
        Self::Refused { reason: reason.into() }
    }
}

/// Result of escrow operations.
pub type Result<T, E = Error> = std::result::Result<T, E>;
