//! An auditor's service: `GET /v1/info`, `POST /v1/deliveries` (a notary's signed delivery; 201, or an
//! error naming the refusal), `POST /v1/release-pass` (look at the chain now), and a loop that does the
//! same every few seconds.

use std::time::Duration;

use alloy_primitives::B256;
use aloe_identity::{
    messages::Signed,
    roles::{Registry, auditor::Auditor},
};
use axum::{Json, Router, extract::State, http::StatusCode, routing::get, routing::post};
use rand::rngs::OsRng;

use crate::{ApiError, Info, blocking::Exclusive, registry::ChainRegistry};

struct Inner {
    auditor: Auditor,
    registry: ChainRegistry,
}

/// The auditor service's state.
#[derive(Clone)]
pub struct AuditorService(Exclusive<Inner>);

impl std::fmt::Debug for AuditorService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditorService")
    }
}

impl AuditorService {
    /// A service for `auditor` on `registry`'s chain.
    pub fn new(auditor: Auditor, registry: ChainRegistry) -> Self {
        Self(Exclusive::new(Inner { auditor, registry }))
    }

    /// The routes.
    pub fn router(self) -> Router {
        Router::new()
            .route("/v1/info", get(info))
            .route("/v1/deliveries", post(receive))
            .route("/v1/release-pass", post(release_pass))
            .with_state(self)
    }

    /// The auditor's account.
    pub fn address(&self) -> alloy_primitives::Address {
        self.0.lock().auditor.address()
    }

    /// The auditor's X25519 key, as the escrow lists it.
    pub fn encryption_key(&self) -> B256 {
        B256::from(self.0.lock().auditor.encryption_key().0)
    }

    /// Receives a notary's delivery on the caller's thread (the in-process courier's path; a blocking call).
    pub fn receive_blocking(&self, signed: &Signed) -> aloe_identity::Result<()> {
        let mut inner = self.0.lock();
        let Inner { auditor, registry } = &mut *inner;
        auditor.receive(registry, signed)
    }

    /// Runs a release pass every `interval`, forever (errors are logged and retried next time).
    pub async fn watch(self, interval: Duration) {
        loop {
            tokio::time::sleep(interval).await;
            if let Err(error) = self.pass().await {
                tracing::warn!(error = %error.1, "release pass failed");
            }
        }
    }

    async fn pass(&self) -> Result<serde_json::Value, ApiError> {
        self.0
            .run(|inner| {
                let report = inner.auditor.release_pass(&mut inner.registry, &mut OsRng)?;
                for (loan, borrower, lenders) in &report.released {
                    tracing::info!(%loan, %borrower, lenders = lenders.len(), "share released");
                }
                Ok(serde_json::json!({
                    "released": report.released.iter().map(|(loan, borrower, lenders)| serde_json::json!({
                        "loan": loan, "borrower": borrower, "lenders": lenders
                    })).collect::<Vec<_>>(),
                    "waiting": report.waiting.len(),
                }))
            })
            .await
    }
}

async fn info(State(service): State<AuditorService>) -> Result<Json<Info>, ApiError> {
    service
        .0
        .run(|inner| {
            let (chain_id, escrow) = inner.registry.domain()?;
            Ok(Json(Info {
                role: "auditor".into(),
                address: inner.auditor.address(),
                encryption_key: Some(B256::from(inner.auditor.encryption_key().0)),
                chain_id,
                escrow,
            }))
        })
        .await
}

async fn receive(State(service): State<AuditorService>, Json(signed): Json<Signed>) -> Result<StatusCode, ApiError> {
    service
        .0
        .run(move |inner| {
            inner.auditor.receive(&mut inner.registry, &signed)?;
            Ok(StatusCode::CREATED)
        })
        .await
}

async fn release_pass(State(service): State<AuditorService>) -> Result<Json<serde_json::Value>, ApiError> {
    service.pass().await.map(Json)
}
