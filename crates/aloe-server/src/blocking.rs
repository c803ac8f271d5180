//! A service's state behind a mutex, worked on from a blocking thread: the role logic, the chain and the
//! store are synchronous, and a request is a few chain calls.

use std::sync::{Arc, Mutex};

use axum::http::StatusCode;

use crate::ApiError;

/// Shared, one request at a time.
pub(crate) struct Exclusive<T>(Arc<Mutex<T>>);

impl<T> Clone for Exclusive<T> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<T: Send + 'static> Exclusive<T> {
    pub(crate) fn new(value: T) -> Self {
        Self(Arc::new(Mutex::new(value)))
    }

    /// The state, on the caller's thread (for callers already on a blocking thread).
    pub(crate) fn lock(&self) -> std::sync::MutexGuard<'_, T> {
        // Role logic commits to its store and the chain atomically, so a panic leaves nothing half-done.
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Runs `work` on the state on a blocking thread.
    pub(crate) async fn run<R: Send + 'static>(
        &self,
        work: impl FnOnce(&mut T) -> Result<R, ApiError> + Send + 'static,
    ) -> Result<R, ApiError> {
        let state = self.0.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = state.lock().map_err(|_| ApiError(StatusCode::INTERNAL_SERVER_ERROR, "poisoned".into()))?;
            work(&mut guard)
        })
        .await
        .map_err(|e| ApiError(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
    }
}
