//! Service errors, and how they map to HTTP answers.

use axum::{Json, http::StatusCode, response::IntoResponse};

/// What can go wrong starting or running a service.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The escrow logic refused or failed.
    #[error(transparent)]
    Identity(#[from] aloe_identity::Error),
    /// A contract call failed.
    #[error(transparent)]
    Contracts(#[from] aloe_contracts::Error),
    /// The chain failed.
    #[error(transparent)]
    Chain(#[from] aloe_chain::Error),
    /// A key file could not be read, decrypted or written.
    #[error("key file {path}: {reason}")]
    Key {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// A deployment file that cannot be used.
    #[error("deployment file {path}: {reason}")]
    Deployment {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// An HTTP exchange with another service failed.
    #[error("{url}: {reason}")]
    Http {
        /// The endpoint.
        url: String,
        /// Why.
        reason: String,
    },
    /// Files and sockets.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// A decision proof could not be made.
    #[error("decision proof: {0}")]
    Decision(#[from] aloe_zk::ZkError),
    /// Credit-model attributes that cannot be committed.
    #[error(transparent)]
    Attributes(#[from] aloe_zk::files::FileError),
}

/// An error answer: `{"error": "..."}` with a status that says whose fault it was.
#[derive(Debug)]
pub struct ApiError(pub StatusCode, pub String);

impl From<aloe_identity::Error> for ApiError {
    fn from(error: aloe_identity::Error) -> Self {
        use aloe_identity::Error as E;
        let status = match &error {
            E::Chain(_) | E::Store(_) => StatusCode::BAD_GATEWAY,
            E::BadSignature { .. } => StatusCode::UNAUTHORIZED,
            E::Refused { .. } => StatusCode::CONFLICT,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        };
        Self(status, error.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> axum::response::Response {
        (self.0, Json(serde_json::json!({ "error": self.1 }))).into_response()
    }
}
