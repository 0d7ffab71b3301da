//! Price & inventory batch results: sent values become confirmed ones.
//!
//! Price/stock batches carry no batch-level status, only items. When every item is final, the
//! succeeded ones move their `sent_*` values to `confirmed_*` — the baseline of the next delta —
//! with a `trendyol_stock_history` row for each quantity that changed (source `stock_sync`) and
//! a low-stock alert where the new quantity is under the threshold; the failed ones keep their
//! confirmed values and get the reasons, and are retried after Trendyol's 15-minute window. A
//! batch Trendyol no longer has simply releases its rows: the next scan compares again and
//! sends what still differs.

use std::collections::HashMap;

use mysql_async::prelude::*;
use mysql_async::TxOpts;
use serde::Serialize;
use trendyol_wire::batch::{BatchItemStatus, BatchRequestResult};
use trendyol_wire::products::normalize_barcode;

use super::low_stock;
use crate::error::{Error, Result};
use crate::runner::{JobContext, StopReason};
use crate::sync::catalog_batches::{
    self, marks, BatchKind, FollowCounts, PendingBatch, SettleStep,
};
use crate::sync::catalog_pace::Pacer;

/// What confirming did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ConfirmReport {
    pub batches_checked: u64,
    pub batches_settled: u64,
    pub batches_expired: u64,
    pub items_confirmed: u64,
    pub items_failed: u64,
    pub history_rows: u64,
    pub low_stock_alerts: u64,
}

/// Reads every pending price/stock batch once.
pub async fn confirm(
    ctx: &JobContext,
    pacer: &mut Pacer,
    report: &mut ConfirmReport,
) -> Result<Option<StopReason>> {
    let mut counts = FollowCounts::default();
    let stopped = catalog_batches::follow(
        ctx,
        pacer,
        &[BatchKind::PriceInventory],
        &mut StockSettle { report },
        &mut counts,
    )
    .await;
    report.batches_checked += counts.checked;
    report.batches_settled += counts.settled;
    report.batches_expired += counts.expired;
    stopped
}

/// The stock job's part of following a batch.
struct StockSettle<'a> {
    report: &'a mut ConfirmReport,
}

impl SettleStep for StockSettle<'_> {
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
        release(ctx, seller, batch).await
    }
}

async fn release(ctx: &JobContext, seller: u64, batch: &PendingBatch) -> Result<()> {
    if ctx.dry_run {
        return Ok(());
    }
    let db = &ctx.db;
    let mut conn = db.conn().await?;
    let mut tx = conn
        .start_transaction(TxOpts::default())
        .await
        .map_err(Error::db(
            "starting to release an expired price/stock batch",
        ))?;
    tx.exec_drop(
        format!(
            "UPDATE {} SET sent_quantity = NULL, sent_list_price = NULL, sent_sale_price = NULL, \
             stock_batch_request_id = '' WHERE seller_id = ? AND stock_batch_request_id = ?",
            db.table("trendyol_products")
        ),
        (seller, batch.id.as_str()),
    )
    .await
    .map_err(Error::db(
        "releasing the rows of an expired price/stock batch",
    ))?;
    catalog_batches::finish(&mut tx, db, &batch.id, "expired", 0).await?;
    tx.commit()
        .await
        .map_err(Error::db("committing an expired price/stock batch"))
}

async fn settle(
    ctx: &JobContext,
    seller: u64,
    batch: &PendingBatch,
    result: &BatchRequestResult,
    report: &mut ConfirmReport,
) -> Result<()> {
    let db = &ctx.db;
    let table = db.table("trendyol_products");
    let mut ok: Vec<String> = Vec::new();
    let mut failed: HashMap<String, Vec<String>> = HashMap::new();
    for u in result.items.unreadable() {
        tracing::warn!(batch = %batch.id, "a batch result item could not be read; its barcode is compared again: {u}");
    }
    for item in &result.items {
        let Some(barcode) = BatchRequestResult::item_barcode(item).map(normalize_barcode) else {
            continue;
        };
        match item.status {
            BatchItemStatus::Success => ok.push(barcode),
            _ => {
                failed.insert(barcode, item.failure_reasons.clone());
            }
        }
    }
    report.items_confirmed += ok.len() as u64;
    report.items_failed += failed.len() as u64;

    let mut conn = db.conn().await?;
    let mut tx = conn
        .start_transaction(TxOpts::default())
        .await
        .map_err(Error::db("starting to confirm a price/stock batch"))?;
    let mut low = Vec::new();
    for chunk in ok.chunks(1000) {
        let mut params: Vec<mysql_async::Value> = vec![
            batch.id.as_str().into(),
            seller.into(),
            batch.id.as_str().into(),
        ];
        params.extend(chunk.iter().map(|b| b.as_str().into()));
        let history = tx
            .exec_iter(
                format!(
                    "INSERT INTO {} (product_id, product_option_value_id, barcode, quantity_before, \
                     quantity_after, delta, source, reference, created_at) \
                     SELECT product_id, product_option_value_id, barcode, confirmed_quantity, \
                     sent_quantity, sent_quantity - COALESCE(confirmed_quantity, 0), 'stock_sync', ?, \
                     UTC_TIMESTAMP(3) FROM {table} WHERE seller_id = ? AND stock_batch_request_id = ? \
                     AND sent_quantity IS NOT NULL AND NOT (sent_quantity <=> confirmed_quantity) \
                     AND barcode IN ({})",
                    db.table("trendyol_stock_history"),
                    marks(chunk.len())
                ),
                params.clone(),
            )
            .await
            .map_err(Error::db("recording stock history"))?
            .affected_rows();
        report.history_rows += history;
        if ctx.settings.alert_on_low_stock {
            let mut p: Vec<mysql_async::Value> = vec![
                seller.into(),
                batch.id.as_str().into(),
                ctx.settings.low_stock_threshold.into(),
            ];
            p.extend(chunk.iter().map(|b| b.as_str().into()));
            let rows: Vec<(u32, String, i64)> = tx
                .exec(
                    format!(
                        "SELECT product_id, barcode, sent_quantity FROM {table} WHERE seller_id = ? \
                         AND stock_batch_request_id = ? AND sent_quantity IS NOT NULL \
                         AND sent_quantity < ? AND barcode IN ({})",
                        marks(chunk.len())
                    ),
                    p,
                )
                .await
                .map_err(Error::db("finding low stock"))?;
            low.extend(rows);
        }
        let mut p: Vec<mysql_async::Value> = vec![seller.into(), batch.id.as_str().into()];
        p.extend(chunk.iter().map(|b| b.as_str().into()));
        tx.exec_drop(
            format!(
                "UPDATE {table} SET confirmed_quantity = COALESCE(sent_quantity, confirmed_quantity), \
                 confirmed_list_price = COALESCE(sent_list_price, confirmed_list_price), \
                 confirmed_sale_price = COALESCE(sent_sale_price, confirmed_sale_price), \
                 sent_quantity = NULL, sent_list_price = NULL, sent_sale_price = NULL, \
                 stock_batch_request_id = '', stock_reasons = NULL, stock_failed_at = NULL, \
                 stock_synced_at = UTC_TIMESTAMP(), updated_at = UTC_TIMESTAMP() \
                 WHERE seller_id = ? AND stock_batch_request_id = ? AND barcode IN ({})",
                marks(chunk.len())
            ),
            p,
        )
        .await
        .map_err(Error::db("confirming stock and prices"))?;
    }
    for (barcode, reasons) in &failed {
        tx.exec_drop(
            format!(
                "UPDATE {table} SET sent_quantity = NULL, sent_list_price = NULL, sent_sale_price = NULL, \
                 stock_batch_request_id = '', stock_reasons = ?, stock_failed_at = UTC_TIMESTAMP(), \
                 updated_at = UTC_TIMESTAMP() \
                 WHERE seller_id = ? AND stock_batch_request_id = ? AND barcode = ?"
            ),
            (
                serde_json::to_string(reasons).unwrap_or_default(),
                seller,
                batch.id.as_str(),
                barcode.as_str(),
            ),
        )
        .await
        .map_err(Error::db("recording a failed price/stock item"))?;
    }
    // Items the result did not mention are released; the next scan compares them again.
    tx.exec_drop(
        format!(
            "UPDATE {table} SET sent_quantity = NULL, sent_list_price = NULL, sent_sale_price = NULL, \
             stock_batch_request_id = '' WHERE seller_id = ? AND stock_batch_request_id = ?"
        ),
        (seller, batch.id.as_str()),
    )
    .await
    .map_err(Error::db("releasing unmentioned price/stock items"))?;
    catalog_batches::finish(&mut tx, db, &batch.id, "done", failed.len() as u64).await?;
    tx.commit()
        .await
        .map_err(Error::db("committing a confirmed price/stock batch"))?;
    for (product_id, barcode, quantity) in low {
        low_stock::raise(ctx, seller, product_id, &barcode, quantity).await?;
        report.low_stock_alerts += 1;
    }
    Ok(())
}
