//! Following product batches to the end of every item.
//!
//! Each pending product batch is read once per run; the batch `status` may lag behind its items,
//! so only the items count: when every item is `SUCCESS` or `FAILED` the batch is settled. A
//! created or updated product whose item succeeded is now *in review* (approval comes from the
//! lists, see [`super::approval`]); one whose item failed gets Trendyol's reasons — `failed`
//! for a create, `UPDATE_FAILED` beside its unchanged state for an update. A batch Trendyol no
//! longer has (over four hours old, or a 404) expires; its products are left to the approval
//! poll, which finds them in the approved or unapproved list, or reports them failed.

use mysql_async::prelude::*;
use mysql_async::TxOpts;
use serde::Serialize;
use serde_json::Value;
use trendyol_wire::batch::{BatchItemStatus, BatchRequestResult};

use super::state;
use crate::error::{Error, Result};
use crate::runner::{JobContext, StopReason};
use crate::sync::catalog_batches::{
    self, marks, BatchKind, FollowCounts, PendingBatch, SettleStep,
};
use crate::sync::catalog_pace::Pacer;

/// What tracking did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TrackReport {
    pub batches_checked: u64,
    pub batches_settled: u64,
    pub batches_expired: u64,
    pub items_succeeded: u64,
    pub items_failed: u64,
}

/// Reads every pending product batch once.
pub async fn track(
    ctx: &JobContext,
    pacer: &mut Pacer,
    report: &mut TrackReport,
) -> Result<Option<StopReason>> {
    let mut counts = FollowCounts::default();
    let stopped = catalog_batches::follow(
        ctx,
        pacer,
        BatchKind::PRODUCT,
        &mut ProductSettle { report },
        &mut counts,
    )
    .await;
    report.batches_checked += counts.checked;
    report.batches_settled += counts.settled;
    report.batches_expired += counts.expired;
    stopped
}

/// The product job's part of following a batch.
struct ProductSettle<'a> {
    report: &'a mut TrackReport,
}

impl SettleStep for ProductSettle<'_> {
    async fn settle(
        &mut self,
        ctx: &JobContext,
        seller: u64,
        batch: &PendingBatch,
        result: &BatchRequestResult,
    ) -> Result<()> {
        settle(ctx, seller, batch, result, self.report).await
    }

    async fn expire(&mut self, ctx: &JobContext, seller: u64, batch: &PendingBatch) -> Result<()> {
        expire(ctx, seller, batch).await
    }
}

async fn expire(ctx: &JobContext, seller: u64, batch: &PendingBatch) -> Result<()> {
    if ctx.dry_run {
        return Ok(());
    }
    let db = &ctx.db;
    let mut conn = db.conn().await?;
    let mut tx = conn
        .start_transaction(TxOpts::default())
        .await
        .map_err(Error::db("starting to expire a batch"))?;
    // The products keep their state; the approval poll settles them from Trendyol's lists.
    tx.exec_drop(
        format!(
            "UPDATE {} SET batch_request_id = '', trendyol_status = 'UNKNOWN', updated_at = UTC_TIMESTAMP() \
             WHERE seller_id = ? AND batch_request_id = ?",
            db.table("trendyol_products")
        ),
        (seller, batch.id.as_str()),
    )
    .await
    .map_err(Error::db("releasing the products of an expired batch"))?;
    catalog_batches::finish(&mut tx, db, &batch.id, "expired", 0).await?;
    tx.commit()
        .await
        .map_err(Error::db("committing an expired batch"))
}

/// The key of an item: its barcode, or for content updates its content id.
fn item_key(kind: BatchKind, request_item: &Value) -> Option<String> {
    if kind == BatchKind::ProductContent {
        let id = request_item
            .get("contentId")
            .or_else(|| request_item.get("product").and_then(|p| p.get("contentId")))?;
        return id.as_u64().map(|n| n.to_string());
    }
    None
}

/// Whether a batch item's failure reason says the barcode is already on Trendyol (English or
/// Turkish wording).
pub fn is_already_exists(reason: &str) -> bool {
    let r = reason.to_lowercase();
    r.contains("already exist") || r.contains("zaten mevcut") || r.contains("zaten kayıtlı")
}

async fn settle(
    ctx: &JobContext,
    seller: u64,
    batch: &PendingBatch,
    result: &BatchRequestResult,
    report: &mut TrackReport,
) -> Result<()> {
    let db = &ctx.db;
    let table = db.table("trendyol_products");
    let key_column = if batch.kind == BatchKind::ProductContent {
        "content_id"
    } else {
        "barcode"
    };
    let mut ok: Vec<String> = Vec::new();
    let mut failed: Vec<(String, Vec<String>)> = Vec::new();
    for u in result.items.unreadable() {
        tracing::warn!(batch = %batch.id, "a batch result item could not be read; its product is followed again: {u}");
    }
    for item in &result.items {
        let key = item_key(batch.kind, &item.request_item).or_else(|| {
            BatchRequestResult::item_barcode(item).map(trendyol_wire::products::normalize_barcode)
        });
        let Some(key) = key else { continue };
        match item.status {
            BatchItemStatus::Success => ok.push(key),
            // Our own create was applied earlier (its answer was lost) and this one came after:
            // Trendyol has the product, so it is in review, not failed.
            _ if batch.kind == BatchKind::ProductCreate
                && !item.failure_reasons.is_empty()
                && item.failure_reasons.iter().all(|r| is_already_exists(r)) =>
            {
                tracing::info!(
                    barcode = %key,
                    "Trendyol already has this product: counted as created and in review"
                );
                ok.push(key)
            }
            _ => failed.push((key, item.failure_reasons.clone())),
        }
    }
    report.items_succeeded += ok.len() as u64;
    report.items_failed += failed.len() as u64;

    let mut conn = db.conn().await?;
    let mut tx = conn
        .start_transaction(TxOpts::default())
        .await
        .map_err(Error::db("starting to settle a batch"))?;
    let (ok_status_sql, ok_trendyol) = match batch.kind {
        BatchKind::ProductCreate | BatchKind::ProductUpdate => ("sync_status", "IN_REVIEW"),
        _ => ("sync_status", "APPROVED"),
    };
    for chunk in ok.chunks(1000) {
        let mut params: Vec<mysql_async::Value> =
            vec![ok_trendyol.into(), seller.into(), batch.id.as_str().into()];
        params.extend(chunk.iter().map(|k| k.as_str().into()));
        tx.exec_drop(
            format!(
                "UPDATE {table} SET {ok_status_sql} = {ok_status_sql}, trendyol_status = ?, \
                 batch_request_id = '', reasons = NULL, updated_at = UTC_TIMESTAMP() \
                 WHERE seller_id = ? AND batch_request_id = ? AND {key_column} IN ({})",
                marks(chunk.len())
            ),
            params,
        )
        .await
        .map_err(Error::db("settling succeeded batch items"))?;
    }
    for (key, reasons) in &failed {
        let reasons = if reasons.is_empty() {
            vec!["Trendyol reported the item as failed without a reason".to_string()]
        } else {
            reasons.clone()
        };
        let (status_sql, trendyol_status) = if batch.kind == BatchKind::ProductCreate {
            (format!("'{}'", state::FAILED), "FAILED")
        } else {
            ("sync_status".to_string(), "UPDATE_FAILED")
        };
        tx.exec_drop(
            format!(
                "UPDATE {table} SET sync_status = {status_sql}, trendyol_status = ?, reasons = ?, \
                 batch_request_id = '', updated_at = UTC_TIMESTAMP() \
                 WHERE seller_id = ? AND batch_request_id = ? AND {key_column} = ?"
            ),
            (
                trendyol_status,
                state::reasons_json(&reasons),
                seller,
                batch.id.as_str(),
                key.as_str(),
            ),
        )
        .await
        .map_err(Error::db("settling a failed batch item"))?;
    }
    // Variant updates ride with a content update whose id the rows carry; clear them too.
    tx.exec_drop(
        format!(
            "UPDATE {table} SET batch_request_id = '' WHERE seller_id = ? AND batch_request_id = ?"
        ),
        (seller, batch.id.as_str()),
    )
    .await
    .map_err(Error::db("releasing the rest of a settled batch"))?;
    catalog_batches::finish(&mut tx, db, &batch.id, "done", failed.len() as u64).await?;
    tx.commit()
        .await
        .map_err(Error::db("committing a settled batch"))
}
