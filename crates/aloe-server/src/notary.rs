//! The notary's service: `GET /v1/info`, `POST /v1/registrations` (a borrower's signed request and
//! national identifier; answers 201 with the epoch, or an error naming the refusal).

use std::collections::HashMap;

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

use crate::{ApiError, Info, blocking::Exclusive, registry::ChainRegistry};

/// FICO scores a notary accepts (the contract's range).
pub const FICO_RANGE: std::ops::RangeInclusive<u16> = 300..=850;

/// Delivers to auditors over HTTP: each configured URL names itself through `GET /v1/info`, so the
/// notary encrypts to the key the chain lists for that address, never to what a URL claims.
#[derive(Debug)]
pub struct HttpCourier {
    urls: Vec<String>,
    /// Which URL answered as which auditor, learnt on the first delivery to an unknown one.
    resolved: HashMap<Address, String>,
    client: reqwest::blocking::Client,
}

impl HttpCourier {
    /// A courier to the auditors at `urls` (base URLs, e.g. `http://127.0.0.1:7001`).
    pub fn new(urls: Vec<String>) -> Self {
        let client = reqwest::blocking::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .expect("a client with a timeout builds");
        Self { urls, resolved: HashMap::new(), client }
    }

    fn info(&self, url: &str) -> Result<Info, String> {
        let response = self.client.get(format!("{url}/v1/info")).send().map_err(|e| e.to_string())?;
        response.error_for_status().map_err(|e| e.to_string())?.json::<Info>().map_err(|e| e.to_string())
    }

    /// The URL answering as `auditor`: remembered, else asked of every configured URL (once per miss).
    fn url_of(&mut self, auditor: Address) -> Result<String, IdentityError> {
        if !self.resolved.contains_key(&auditor) {
            for url in &self.urls {
                if let Ok(info) = self.info(url) {
                    self.resolved.insert(info.address, url.clone());
                }
            }
        }
        self.resolved
            .get(&auditor)
            .cloned()
            .ok_or_else(|| IdentityError::refused(format!("no configured auditor URL answers as {auditor}")))
    }
}

impl Courier for HttpCourier {
    fn deliver(&mut self, auditor: &AuditorInfo, message: &Signed) -> aloe_identity::Result<()> {
        let url = self.url_of(auditor.account)?;
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
    courier: Box<dyn Courier + Send>,
}

/// The notary service's state.
#[derive(Clone)]
pub struct NotaryService(Exclusive<Inner>);

impl std::fmt::Debug for NotaryService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NotaryService")
    }
}

impl NotaryService {
    /// A service registering through `notary` on `registry`'s chain, delivering with `courier` (an
    /// [`HttpCourier`] to auditors elsewhere, a [`crate::in_process::ServiceCourier`] in this process).
    pub fn new(notary: Notary, registry: ChainRegistry, courier: Box<dyn Courier + Send>) -> Self {
        Self(Exclusive::new(Inner { notary, registry, courier }))
    }

    /// The notary's account.
    pub async fn address(&self) -> Result<alloy_primitives::Address, ApiError> {
        self.0.run(|inner| Ok(inner.notary.address())).await
    }

    /// Registers `registration` (what `POST /v1/registrations` does): the borrower's address and epoch.
    pub async fn register(&self, registration: Registration) -> Result<(alloy_primitives::Address, u32), ApiError> {
        self.0
            .run(move |inner| {
                let Inner { notary, registry, courier } = inner;
                let registered = notary.register(
                    registry,
                    courier.as_mut(),
                    &registration,
                    |f| FICO_RANGE.contains(&f),
                    &mut OsRng,
                )?;
                tracing::info!(borrower = %registered.borrower, epoch = registered.epoch, "registered");
                Ok((registered.borrower, registered.epoch))
            })
            .await
    }

    /// The routes.
    pub fn router(self) -> Router {
        Router::new().route("/v1/info", get(info)).route("/v1/registrations", post(register)).with_state(self)
    }
}

async fn info(State(service): State<NotaryService>) -> Result<Json<Info>, ApiError> {
    service
        .0
        .run(|inner| {
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
    let (borrower, epoch) = service.register(registration).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "borrower": borrower, "epoch": epoch }))))
}
