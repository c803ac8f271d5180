//! The notary's service: `GET /v1/info`, `POST /v1/registrations` (a borrower's signed request and
//! national identifier; answers 201 with the epoch, or an error naming the refusal).

use std::sync::{Arc, Mutex};

use alloy_primitives::Address;
use aloe_identity::{
    Error as IdentityError,
    escrow::AuditorInfo,
    messages::Signed,
    roles::{
        Registry,
        notary::{Courier, Notary, Registration},
    },
};
use axum::{Json, Router, extract::State, http::StatusCode, routing::get, routing::post};
use rand::rngs::OsRng;

use crate::{ApiError, Info, registry::ChainRegistry};

/// FICO scores a notary accepts (the contract's range).
pub const FICO_RANGE: std::ops::RangeInclusive<u16> = 300..=850;

/// Delivers to auditors over HTTP: each configured URL names itself through `GET /v1/info`, so the
/// notary encrypts to the key the chain lists for that address, never to what a URL claims.
#[derive(Debug)]
pub struct HttpCourier {
    urls: Vec<String>,
    client: reqwest::blocking::Client,
}

impl HttpCourier {
    /// A courier to the auditors at `urls` (base URLs, e.g. `http://127.0.0.1:7001`).
    pub fn new(urls: Vec<String>) -> Self {
        let client = reqwest::blocking::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .expect("a client with a timeout builds");
        Self { urls, client }
    }

    fn info(&self, url: &str) -> Result<Info, String> {
        let response = self.client.get(format!("{url}/v1/info")).send().map_err(|e| e.to_string())?;
        response.error_for_status().map_err(|e| e.to_string())?.json::<Info>().map_err(|e| e.to_string())
    }

    fn url_of(&self, auditor: Address) -> Result<&str, IdentityError> {
        self.urls
            .iter()
            .find(|url| self.info(url).is_ok_and(|info| info.address == auditor))
            .map(String::as_str)
            .ok_or_else(|| IdentityError::refused(format!("no configured auditor URL answers as {auditor}")))
    }
}

impl Courier for HttpCourier {
    fn deliver(&mut self, auditor: &AuditorInfo, message: &Signed) -> aloe_identity::Result<()> {
        let url = self.url_of(auditor.account)?.to_owned();
        let response = self
            .client
            .post(format!("{url}/v1/deliveries"))
            .json(message)
            .send()
            .map_err(|e| IdentityError::refused(format!("{url}: {e}")))?;
        if response.status().is_success() {
            return Ok(());
        }
        let status = response.status();
        let body: serde_json::Value = response.json().unwrap_or_default();
        Err(IdentityError::refused(format!("{url} answered {status}: {}", body["error"].as_str().unwrap_or("?"))))
    }
}

struct Inner {
    notary: Notary,
    registry: ChainRegistry,
    courier: HttpCourier,
}

/// The notary service's state.
#[derive(Clone)]
pub struct NotaryService(Arc<Mutex<Inner>>);

impl std::fmt::Debug for NotaryService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NotaryService")
    }
}

impl NotaryService {
    /// A service registering through `notary` on `registry`'s chain, delivering with `courier`.
    pub fn new(notary: Notary, registry: ChainRegistry, courier: HttpCourier) -> Self {
        Self(Arc::new(Mutex::new(Inner { notary, registry, courier })))
    }

    /// The routes.
    pub fn router(self) -> Router {
        Router::new().route("/v1/info", get(info)).route("/v1/registrations", post(register)).with_state(self)
    }

    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Inner) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let inner = self.0.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = inner.lock().map_err(|_| ApiError(StatusCode::INTERNAL_SERVER_ERROR, "poisoned".into()))?;
            work(&mut guard)
        })
        .await
        .map_err(|e| ApiError(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
    }
}

async fn info(State(service): State<NotaryService>) -> Result<Json<Info>, ApiError> {
    service
        .blocking(|inner| {
            let (chain_id, escrow) = inner.registry.domain()?;
            Ok(Json(Info {
                role: "notary".into(),
                address: inner.notary.address(),
                encryption_key: None,
                chain_id,
                escrow,
            }))
        })
        .await
}

async fn register(
    State(service): State<NotaryService>,
    Json(registration): Json<Registration>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    service
        .blocking(move |inner| {
            let Inner { notary, registry, courier } = inner;
            let registered =
                notary.register(registry, courier, &registration, |f| FICO_RANGE.contains(&f), &mut OsRng)?;
            tracing::info!(borrower = %registered.borrower, epoch = registered.epoch, "registered");
            Ok((
                StatusCode::CREATED,
                Json(serde_json::json!({ "borrower": registered.borrower, "epoch": registered.epoch })),
            ))
        })
        .await
}
