//! What the handlers share: the chain, the deployment, the notary's service and the index. Chain and
//! index work is synchronous, so it runs on blocking threads; a write syncs the index before it answers,
//! so a client reads its own writes.

use std::sync::{Arc, Mutex, MutexGuard};

use aloe_chain::{Chain, SharedChain};
use aloe_contracts::Protocol;
use aloe_identity::roles::Registry;
use aloe_index::Indexer;
use axum::http::StatusCode;

use super::{
    dev,
    problem::{ApiResult, Problem},
};
use crate::{node::Node, notary::NotaryService, registry::ChainRegistry};

struct Shared {
    chain: SharedChain,
    protocol: Protocol,
    notary: NotaryService,
    keeper: alloy_primitives::Address,
    lending_pool: crate::node::LendingPool,
    decision: Arc<crate::decision::LazyModel>,
    wallet: dev::DevWallet,
    /// The DeFi score's anomaly detector (the shipped file, checked once at start).
    detector: aloe_ml::defi_model::DefiModelFile,
    index: Mutex<Indexer>,
}

/// The handlers' state.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").field("protocol", &self.0.protocol).finish()
    }
}

fn joined(error: tokio::task::JoinError) -> Problem {
    Problem::failed(StatusCode::INTERNAL_SERVER_ERROR, error)
}

impl AppState {
    /// The state of `node`, indexed by `index`.
    pub fn new(node: &Node, index: Indexer) -> Self {
        Self(Arc::new(Shared {
            chain: node.chain.clone(),
            protocol: node.protocol,
            notary: node.notary.clone(),
            keeper: node.keeper,
            lending_pool: node.lending_pool,
            decision: node.decision.clone(),
            wallet: dev::DevWallet::new(node.data_dir.join("dev-wallet")),
            detector: aloe_ml::defi_model::DefiModelFile::from_json(aloe_ml::defi_model::SHIPPED)
                .expect("the shipped detector file is checked by aloe-ml's tests"),
            index: Mutex::new(index),
        }))
    }

    /// The deployment.
    pub fn protocol(&self) -> Protocol {
        self.0.protocol
    }

    /// The development credit model's index in the decision-model registry.
    pub fn decision_model(&self) -> u32 {
        self.0.decision.index
    }

    /// Borrows with a proof as a development account (see [`dev::borrow_with_proof`]), then syncs the index.
    pub async fn borrow_with_proof(
        &self,
        loan: String,
        request: dev::LoanActionRequest,
    ) -> ApiResult<dev::ActionOutcome> {
        let state = self.clone();
        self.write(move |chain, protocol| {
            dev::borrow_with_proof(chain, protocol, (&state.0.decision, &state.0.wallet), &loan, &request)
        })
        .await
    }

    fn index(&self) -> MutexGuard<'_, Indexer> {
        // A sync applies each range in one SQLite transaction: a panic mid-sync leaves the tables whole.
        self.0.index.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Runs `work` with the chain on a blocking thread.
    pub async fn with_chain<R: Send + 'static>(
        &self,
        work: impl FnOnce(&mut dyn Chain, &Protocol) -> ApiResult<R> + Send + 'static,
    ) -> ApiResult<R> {
        let state = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut chain = state.0.chain.clone();
            work(&mut chain, &state.0.protocol)
        })
        .await
        .map_err(joined)?
    }

    /// What the DeFi score reads: the node's lending pool and the anomaly detector.
    pub fn defi_inputs(&self) -> (crate::node::LendingPool, &aloe_ml::defi_model::DefiModelFile) {
        (self.0.lending_pool, &self.0.detector)
    }

    /// Runs `work` with the index (and the chain, for what holds now) on a blocking thread.
    pub async fn with_index<R: Send + 'static>(
        &self,
        work: impl FnOnce(&Indexer, &mut dyn Chain, &Protocol) -> ApiResult<R> + Send + 'static,
    ) -> ApiResult<R> {
        let state = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut chain = state.0.chain.clone();
            let index = state.index();
            work(&index, &mut chain, &state.0.protocol)
        })
        .await
        .map_err(joined)?
    }

    /// Runs the write `work` with the chain, then brings the index up to date before answering.
    pub async fn write<R: Send + 'static>(
        &self,
        work: impl FnOnce(&mut dyn Chain, &Protocol) -> ApiResult<R> + Send + 'static,
    ) -> ApiResult<R> {
        let outcome = self.with_chain(work).await?;
        self.sync().await?;
        Ok(outcome)
    }

    /// Brings the index up to the chain's head.
    pub async fn sync(&self) -> ApiResult<aloe_index::SyncReport> {
        let state = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut chain = state.0.chain.clone();
            Ok(state.index().sync(&mut chain)?)
        })
        .await
        .map_err(joined)?
    }

    /// A development account registers through the notary.
    pub async fn register(&self, request: dev::RegisterRequest) -> ApiResult<dev::Registered> {
        let notary = self.0.notary.address().await?;
        let protocol = self.0.protocol;
        let chain = self.0.chain.clone();
        let wallet = self.0.wallet.clone();
        let registration = tokio::task::spawn_blocking(move || {
            let mut registry = ChainRegistry::new(Box::new(chain), protocol);
            let (registration, kept) = dev::registration(&mut registry as &mut dyn Registry, notary, &request)?;
            // Kept before the notary sees them: a borrower never holds a commitment it cannot open.
            if let Some(file) = kept {
                wallet.keep(request.user, &file)?;
            }
            Ok::<_, Problem>(registration)
        })
        .await
        .map_err(joined)??;
        let (borrower, epoch) = self.0.notary.register(registration).await?;
        self.sync().await?;
        Ok(dev::Registered { borrower, epoch })
    }

    /// One keeper pass over the index's open positions.
    pub async fn keep(&self) -> ApiResult<Vec<crate::keeper::Reported>> {
        let state = self.clone();
        let reported = tokio::task::spawn_blocking(move || {
            let candidates: Vec<_> =
                state.index().positions_in_repayment()?.into_iter().map(|p| (p.loan, p.borrower)).collect();
            let mut chain = state.0.chain.clone();
            crate::keeper::pass(&mut chain, &state.0.protocol, state.0.keeper, &candidates)
                .map_err(|e| Problem::failed(StatusCode::BAD_GATEWAY, e))
        })
        .await
        .map_err(joined)??;
        if !reported.is_empty() {
            self.sync().await?;
        }
        Ok(reported)
    }
}
