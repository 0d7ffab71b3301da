//! `GET .../products/batch-requests/{batchRequestId}`: a batch result as of the sandbox
//! clock, or a 404 once Trendyol would have forgotten it.

use crate::app::App;
use crate::auth::Caller;
use crate::http::{ok, ApiError, ApiResult};
use axum::extract::{Path, State};
use axum::Extension;
use std::sync::Arc;

/// `GET .../products/batch-requests/{batchRequestId}`.
pub async fn get(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    Path((_seller, id)): Path<(String, String)>,
) -> ApiResult {
    let now = app.clock.now_ms();
    let ttl = app.settings().batch_ttl_ms;
    let result = {
        let w = crate::lock::lock(&app.world);
        w.batches
            .get(&id)
            .filter(|b| b.seller_id == caller.seller_id && now - b.created_ms < ttl)
            .map(|b| b.result(now))
    };
    match result {
        Some(r) => ok(&r),
        None => Err(ApiError::not_found(
            "batch.request.not.found",
            format!("Batch request {id} not found (results are kept for 4 hours)"),
        )),
    }
}
