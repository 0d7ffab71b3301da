//! Batch request results.
//!
//! Every product and price/stock write creates a batch. It reads `IN_PROGRESS` (items too) for
//! the batch delay, then items turn `SUCCESS`/`FAILED` with `failureReasons`; the batch-level
//! status follows after an optional lag (Trendyol's batch status trails its items). Price &
//! inventory batches carry no batch-level status at all. After the TTL (4 h) the result is gone:
//! 404. All of it runs on the sandbox clock.

use crate::app::App;
use crate::auth::Caller;
use crate::http::{ok, ApiError, ApiResult};
use crate::world::{Ctx, World};
use axum::extract::{Path, State};
use axum::Extension;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::sync::Arc;
use trendyol_wire::batch::{BatchItemResult, BatchItemStatus, BatchRequestResult, BatchStatus};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchEntry {
    pub request_item: Value,
    pub failure_reasons: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Batch {
    pub id: String,
    pub seller_id: u64,
    pub kind: String,
    /// False for price & inventory batches (no batch-level status).
    pub with_status: bool,
    pub created_ms: i64,
    /// Items are final from here.
    pub items_done_ms: i64,
    /// The batch status reads COMPLETED from here.
    pub status_done_ms: i64,
    pub items: Vec<BatchEntry>,
}

impl Batch {
    /// The result as of `now`.
    pub fn result(&self, now: i64) -> BatchRequestResult {
        let items_done = now >= self.items_done_ms;
        let items: Vec<BatchItemResult> = self
            .items
            .iter()
            .map(|e| BatchItemResult {
                request_item: e.request_item.clone(),
                status: if !items_done {
                    BatchItemStatus::InProgress
                } else if e.failure_reasons.is_empty() {
                    BatchItemStatus::Success
                } else {
                    BatchItemStatus::Failed
                },
                failure_reasons: if items_done {
                    e.failure_reasons.clone()
                } else {
                    vec![]
                },
            })
            .collect();
        let failed = if items_done {
            self.items
                .iter()
                .filter(|e| !e.failure_reasons.is_empty())
                .count() as u64
        } else {
            0
        };
        BatchRequestResult {
            batch_request_id: self.id.clone(),
            status: self.with_status.then_some(if now >= self.status_done_ms {
                BatchStatus::Completed
            } else {
                BatchStatus::InProgress
            }),
            creation_date: Some(self.created_ms),
            last_modification: Some(if items_done {
                self.items_done_ms
            } else {
                self.created_ms
            }),
            source_type: Some("API".into()),
            item_count: Some(self.items.len() as u64),
            failed_item_count: Some(failed),
            batch_request_type: Some(self.kind.clone()),
            items: items.into(),
        }
    }
}

impl World {
    /// Records a batch and returns its id.
    pub fn new_batch(
        &mut self,
        ctx: &Ctx,
        seller: u64,
        kind: &str,
        with_status: bool,
        items: Vec<(Value, Vec<String>)>,
    ) -> String {
        let id = self.rng.uuid();
        let done = ctx.now + ctx.settings.batch_delay_ms.max(0);
        self.batches.insert(
            id.clone(),
            Batch {
                id: id.clone(),
                seller_id: seller,
                kind: kind.to_string(),
                with_status,
                created_ms: ctx.now,
                items_done_ms: done,
                status_done_ms: done + ctx.settings.batch_status_lag_ms.max(0),
                items: items
                    .into_iter()
                    .map(|(request_item, failure_reasons)| BatchEntry {
                        request_item,
                        failure_reasons,
                    })
                    .collect(),
            },
        );
        id
    }
}

/// `GET .../products/batch-requests/{batchRequestId}`.
pub async fn get(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    Path((_seller, id)): Path<(String, String)>,
) -> ApiResult {
    let now = app.clock.now_ms();
    let ttl = app.settings().batch_ttl_ms;
    let result = {
        let w = crate::app::lock(&app.world);
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
