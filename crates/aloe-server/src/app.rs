//! `aloe serve`'s HTTP server and its background work: the indexer following the chain, the auditors'
//! release passes and the keeper's default reports, each on its own interval, until shutdown.

use std::time::Duration;

use aloe_index::Indexer;

use crate::{api, node::Node};

/// How often each background task looks at the chain.
#[derive(Clone, Copy, Debug)]
pub struct Intervals {
    /// The indexer (writes through the API also sync it before they answer).
    pub index: Duration,
    /// The auditors' release passes.
    pub release: Duration,
    /// The keeper's default reports.
    pub keeper: Duration,
}

impl Default for Intervals {
    fn default() -> Self {
        Self { index: Duration::from_millis(500), release: Duration::from_secs(2), keeper: Duration::from_secs(5) }
    }
}

/// Every route of the process over `state`.
pub fn router(state: api::AppState) -> axum::Router {
    api::router(state.clone()).merge(crate::web::router(state))
}

/// Serves `node` on `listener` until `shutdown` completes, with the background tasks beside.
pub async fn serve(
    node: Node,
    index: Indexer,
    listener: tokio::net::TcpListener,
    intervals: Intervals,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let state = api::AppState::new(&node, index);
    let mut tasks = Vec::new();
    for auditor in node.auditors.iter().cloned() {
        tasks.push(tokio::spawn(auditor.watch(intervals.release)));
    }
    let indexer = state.clone();
    tasks.push(tokio::spawn(every(intervals.index, move || {
        let state = indexer.clone();
        async move {
            if let Err(problem) = state.sync().await {
                tracing::warn!(error = %problem.1.error, "index sync failed");
            }
        }
    })));
    let keeper = state.clone();
    tasks.push(tokio::spawn(every(intervals.keeper, move || {
        let state = keeper.clone();
        async move {
            if let Err(problem) = state.keep().await {
                tracing::warn!(error = %problem.1.error, "keeper pass failed");
            }
        }
    })));
    let served = axum::serve(listener, router(state)).with_graceful_shutdown(shutdown).await;
    for task in tasks {
        task.abort();
    }
    served
}

/// Runs `work` every `interval`, forever (each run finishes before the next wait starts).
async fn every<F, Fut>(interval: Duration, mut work: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    loop {
        tokio::time::sleep(interval).await;
        work().await;
    }
}
