//! Approval and rejection, found by polling Trendyol's lists.
//!
//! Review is a human step on Trendyol's side and there is no webhook for it, so while any
//! product is in review the job reads the unapproved list (rejections, with reasons) and then
//! the approved list, a page of 100 at a time, and stops reading as soon as every product in
//! review has its verdict. Each verdict is one transition in `trendyol_products`, then one
//! `PRODUCT_APPROVED` / `PRODUCT_REJECTED` job in the queue; the queue's dedupe key (seller,
//! barcode, verdict, content hash) makes a verdict seen twice one event.
//! An approval also records what Trendyol shows for stock and prices as the *confirmed*
//! values, the baseline of the stock job's delta.

use std::collections::HashMap;
use std::time::Instant;

use mysql_async::prelude::*;
use mysql_async::TxOpts;
use serde::Serialize;
use serde_json::json;
use trendyol_wire::products::{normalize_barcode, MAX_V2_PAGE_SIZE};

use super::state;
use crate::error::{Error, Result};
use crate::queue::{enqueue_batch, EventType, NewJob};
use crate::runner::{JobContext, StopReason};
use crate::sync::catalog_batches::marks;
use crate::sync::catalog_pace::Pacer;
use crate::trendyol::ProductListQuery;

/// What the poll found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ApprovalReport {
    pub in_review: u64,
    pub approved: u64,
    pub rejected: u64,
    pub pages_read: u64,
    pub events: u64,
}

/// A verdict for one barcode.
struct Verdict {
    barcode: String,
    approved: bool,
    reasons: Vec<String>,
    content_id: Option<u64>,
    quantity: Option<i64>,
    list_price: Option<f64>,
    sale_price: Option<f64>,
}

/// Polls until every product in review has a verdict or the lists end.
pub async fn poll(
    ctx: &JobContext,
    pacer: &mut Pacer,
    report: &mut ApprovalReport,
) -> Result<Option<StopReason>> {
    let seller = ctx.client.seller_id();
    let mut waiting = in_review(ctx, seller).await?;
    report.in_review = waiting;
    if waiting == 0 {
        return Ok(None);
    }
    for approved_list in [false, true] {
        let mut token: Option<String> = None;
        let mut first = true;
        while waiting > 0 && (first || token.is_some()) {
            if let Some(stop) = pacer.should_stop(ctx) {
                return Ok(Some(stop));
            }
            let query = ProductListQuery {
                size: Some(MAX_V2_PAGE_SIZE),
                page: first.then_some(0),
                next_page_token: token.take(),
                ..ProductListQuery::default()
            };
            first = false;
            let started = Instant::now();
            let verdicts: Vec<Verdict> = if approved_list {
                let page = ctx.client.approved_products(&query).await?;
                token = page.next_page_token.filter(|t| !t.is_empty());
                page.content
                    .into_iter()
                    .flat_map(|c| {
                        let content_id = c.content_id;
                        c.variants.into_iter().map(move |v| Verdict {
                            barcode: normalize_barcode(&v.barcode),
                            approved: true,
                            reasons: Vec::new(),
                            content_id: Some(content_id),
                            quantity: v.stock.as_ref().and_then(|s| s.quantity),
                            list_price: v.price.as_ref().and_then(|p| p.list_price),
                            sale_price: v.price.as_ref().and_then(|p| p.sale_price),
                        })
                    })
                    .collect()
            } else {
                let page = ctx.client.unapproved_products(&query).await?;
                token = page.next_page_token.filter(|t| !t.is_empty());
                page.content
                    .into_iter()
                    .filter(|p| p.rejected || p.status.as_deref() == Some("REJECTED"))
                    .map(|p| Verdict {
                        barcode: normalize_barcode(&p.barcode),
                        approved: false,
                        reasons: p
                            .reject_reason_details
                            .iter()
                            .map(|r| {
                                if r.reject_reason_detail.is_empty() {
                                    r.reject_reason.clone()
                                } else {
                                    format!("{}: {}", r.reject_reason, r.reject_reason_detail)
                                }
                            })
                            .collect(),
                        content_id: None,
                        quantity: p.quantity,
                        list_price: p.list_price,
                        sale_price: p.sale_price,
                    })
                    .collect()
            };
            pacer.observe(started.elapsed());
            report.pages_read += 1;
            let applied = apply(ctx, seller, verdicts, report).await?;
            waiting = waiting.saturating_sub(applied);
        }
    }
    Ok(None)
}

/// Products sent whose batch item succeeded (or whose batch expired), waiting for review —
/// and rejected ones, which may be approved after an update.
async fn in_review(ctx: &JobContext, seller: u64) -> Result<u64> {
    let mut conn = ctx.db.conn().await?;
    let n: Option<u64> = conn
        .exec_first(
            format!(
                "SELECT COUNT(*) FROM {} WHERE seller_id = ? AND sync_status = ? AND batch_request_id = ''",
                ctx.db.table("trendyol_products")
            ),
            (seller, state::SUBMITTED),
        )
        .await
        .map_err(Error::db("counting products in review"))?;
    Ok(n.unwrap_or(0))
}

/// Applies the verdicts that change a product in review; returns how many did.
async fn apply(
    ctx: &JobContext,
    seller: u64,
    verdicts: Vec<Verdict>,
    report: &mut ApprovalReport,
) -> Result<u64> {
    if verdicts.is_empty() {
        return Ok(0);
    }
    let db = &ctx.db;
    let table = db.table("trendyol_products");
    let mut conn = db.conn().await?;
    let mut params: Vec<mysql_async::Value> = vec![seller.into(), state::SUBMITTED.into()];
    params.extend(verdicts.iter().map(|v| v.barcode.as_str().into()));
    let rows: Vec<(u64, u32, String, String)> = conn
        .exec(
            format!(
                "SELECT trendyol_product_id, product_id, barcode, submitted_hash FROM {table} \
                 WHERE seller_id = ? AND sync_status = ? AND batch_request_id = '' AND barcode IN ({})",
                marks(verdicts.len())
            ),
            params,
        )
        .await
        .map_err(Error::db("reading products in review"))?;
    if rows.is_empty() {
        return Ok(0);
    }
    let by_barcode: HashMap<&str, &Verdict> =
        verdicts.iter().map(|v| (v.barcode.as_str(), v)).collect();
    if ctx.dry_run {
        return Ok(rows.len() as u64);
    }
    let mut jobs = Vec::with_capacity(rows.len());
    let mut tx = conn
        .start_transaction(TxOpts::default())
        .await
        .map_err(Error::db("starting to record verdicts"))?;
    for (id, product_id, barcode, hash) in &rows {
        let Some(v) = by_barcode.get(barcode.as_str()) else {
            continue;
        };
        if v.approved {
            tx.exec_drop(
                format!(
                    "UPDATE {table} SET sync_status = ?, trendyol_status = 'APPROVED', reasons = NULL, \
                     content_id = ?, approved_at = UTC_TIMESTAMP(), confirmed_quantity = ?, \
                     confirmed_list_price = ?, confirmed_sale_price = ?, stock_synced_at = UTC_TIMESTAMP(), \
                     updated_at = UTC_TIMESTAMP() WHERE trendyol_product_id = ?"
                ),
                (
                    state::APPROVED,
                    v.content_id,
                    v.quantity,
                    v.list_price,
                    v.sale_price,
                    id,
                ),
            )
            .await
            .map_err(Error::db("recording an approval"))?;
            report.approved += 1;
        } else {
            tx.exec_drop(
                format!(
                    "UPDATE {table} SET sync_status = ?, trendyol_status = 'REJECTED', reasons = ?, \
                     updated_at = UTC_TIMESTAMP() WHERE trendyol_product_id = ?"
                ),
                (state::REJECTED, state::reasons_json(&v.reasons), id),
            )
            .await
            .map_err(Error::db("recording a rejection"))?;
            report.rejected += 1;
        }
        let (event, word) = if v.approved {
            (EventType::ProductApproved, "approved")
        } else {
            (EventType::ProductRejected, "rejected")
        };
        let short_hash: String = hash.chars().take(16).collect();
        jobs.push(
            NewJob::new(
                event,
                json!({
                    "seller_id": seller,
                    "barcode": barcode,
                    "product_id": product_id,
                    "content_id": v.content_id,
                    "reasons": v.reasons,
                }),
            )
            .dedupe_key(format!("product:{seller}:{barcode}:{word}:{short_hash}")),
        );
    }
    tx.commit()
        .await
        .map_err(Error::db("committing verdicts"))?;
    // After the commit: a crash in between loses no verdict (the poll finds it again and the
    // product is no longer in review, so only the event could be missed — enqueued below,
    // deduplicated, and the verdict itself is in `trendyol_products` for the admin).
    let enqueued = enqueue_batch(db, &jobs).await?;
    report.events += enqueued.inserted;
    Ok(rows.len() as u64)
}
