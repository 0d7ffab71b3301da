//! Product writes whose answer was lost: a 5xx after the body was sent, a connection cut
//! before the answer, an unreadable 2xx. Trendyol may well have applied them — it often does —
//! so the item's fate is read back from Trendyol rather than guessed.
//!
//! - A **create** is never sent blind a second time: Trendyol would answer every item
//!   "barcode already exists" and the products would look failed while they are in review.
//!   Barcodes Trendyol shows are marked in review (the approval poll follows them); the others
//!   are left unsent and go out with the next run.
//! - An **update** (in-review products, or content and variant fields of approved ones) is
//!   harmless to send again, but it must not fail the run: items Trendyol shows with the sent
//!   fields are recorded as sent; the others keep their old submitted hash, so the next run
//!   sends them again.
//!
//! Either way the run goes on: one lost answer never fails a batch of a thousand products.

use std::collections::HashSet;
use std::time::Instant;

use mysql_async::prelude::*;

use super::outgoing::{commit_sent, Outgoing, SendKind, UploadReport};
use super::state;
use crate::error::{ApiErrorClass, Error, Result};
use crate::runner::JobContext;
use crate::sync::catalog_batches::marks;
use crate::sync::catalog_pace::Pacer;
use crate::trendyol::reconcile::{ItemCheck, ItemReconcile, UpdateProbe};

/// A call's answer with a lost one set apart: `Ok(Err(why))` when the write's outcome is unknown.
pub(super) fn lost<T>(r: Result<T>) -> Result<std::result::Result<T, String>> {
    match r {
        Ok(v) => Ok(Ok(v)),
        Err(Error::Api {
            class: ApiErrorClass::Ambiguous,
            message,
            ..
        }) => Ok(Err(message)),
        Err(e) => Err(e),
    }
}

/// Splits a batch into the items reading back showed applied and the others.
fn split(batch: Vec<Outgoing>, checks: Vec<ItemReconcile>) -> (Vec<Outgoing>, Vec<Outgoing>) {
    let applied: HashSet<String> = checks
        .into_iter()
        .filter(|c| c.check == ItemCheck::Applied)
        .map(|c| c.barcode)
        .collect();
    batch
        .into_iter()
        .partition(|o| applied.contains(&o.item.barcode))
}

/// After a create whose outcome is unknown: each barcode is read back. The ones Trendyol shows
/// were created — they are in review like any created product, and the approval poll follows
/// them. The others are left unsent for the next run, which sends them as a new write.
pub(super) async fn settle_create(
    ctx: &JobContext,
    seller: u64,
    batch: Vec<Outgoing>,
    why: &str,
    pacer: &mut Pacer,
    report: &mut UploadReport,
) -> Result<()> {
    let barcodes: Vec<String> = batch.iter().map(|o| o.item.barcode.clone()).collect();
    tracing::warn!(
        items = batch.len(),
        error = why,
        "a product create's outcome is unknown; reading the barcodes back before anything is re-sent"
    );
    let started = Instant::now();
    let checks = ctx.client.reconcile_product_create(&barcodes).await?;
    pacer.observe(started.elapsed());
    let (applied, unseen) = split(batch, checks);
    report.ambiguous += (applied.len() + unseen.len()) as u64;
    if !unseen.is_empty() {
        tracing::warn!(
            items = unseen.len(),
            "Trendyol does not show these products after the unknown create; the next run sends them"
        );
    }
    if applied.is_empty() {
        return Ok(());
    }
    commit_sent(ctx, seller, &applied, "", "", "", &[]).await?;
    mark_in_review(ctx, seller, &applied).await?;
    report.created += applied.len() as u64;
    Ok(())
}

/// What an update of `o` changes on Trendyol, as the read-back compares it.
fn probe(kind: SendKind, o: &Outgoing) -> UpdateProbe {
    // An approved product's title and description travel in the content update, which only
    // products with a known content id get.
    let content = kind != SendKind::UpdateApproved || o.content_id.is_some();
    UpdateProbe {
        barcode: o.item.barcode.clone(),
        title: content.then(|| o.item.title.clone()),
        description: content.then(|| o.item.description.clone()),
        stock_code: Some(o.item.stock_code.clone()),
        vat_rate: o.item.vat_rate,
        dimensional_weight: o.item.dimensional_weight,
    }
}

/// After an update whose outcome is unknown: items Trendyol shows with the sent fields are
/// recorded as sent (in review again for an in-review product, as any update of one is); the
/// others are left as they were, and the next run sends them again. A failed read-back only
/// leaves more for that run.
pub(super) async fn settle_update(
    ctx: &JobContext,
    seller: u64,
    kind: SendKind,
    batch: Vec<Outgoing>,
    why: &str,
    pacer: &mut Pacer,
    report: &mut UploadReport,
) -> Result<()> {
    tracing::warn!(
        items = batch.len(),
        error = why,
        "a product update's outcome is unknown; reading the products back"
    );
    report.ambiguous += batch.len() as u64;
    let probes: Vec<UpdateProbe> = batch.iter().map(|o| probe(kind, o)).collect();
    let started = Instant::now();
    let checks = ctx.client.reconcile_product_update(&probes).await;
    pacer.observe(started.elapsed());
    let checks = match checks {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(error = %e, "reading back an unanswered product update failed; the next run sends it again");
            return Ok(());
        }
    };
    let (applied, unseen) = split(batch, checks);
    if !unseen.is_empty() {
        tracing::warn!(
            items = unseen.len(),
            "Trendyol does not show these updates yet; the next run sends them again"
        );
    }
    if applied.is_empty() {
        return Ok(());
    }
    commit_sent(ctx, seller, &applied, "", "", "", &[]).await?;
    if kind == SendKind::UpdateUnapproved {
        mark_in_review(ctx, seller, &applied).await?;
    }
    report.updated += applied.len() as u64;
    Ok(())
}

/// Rows Trendyol is known to hold, without a batch to follow: in review, for the approval poll.
async fn mark_in_review(ctx: &JobContext, seller: u64, batch: &[Outgoing]) -> Result<()> {
    let db = &ctx.db;
    let mut params: Vec<mysql_async::Value> = vec![state::SUBMITTED.into(), seller.into()];
    params.extend(batch.iter().map(|o| o.item.barcode.as_str().into()));
    let mut conn = db.conn().await?;
    conn.exec_drop(
        format!(
            "UPDATE {} SET sync_status = ?, trendyol_status = 'IN_REVIEW', batch_request_id = '', \
             reasons = NULL, updated_at = UTC_TIMESTAMP() WHERE seller_id = ? AND barcode IN ({})",
            db.table("trendyol_products"),
            marks(batch.len())
        ),
        params,
    )
    .await
    .map_err(Error::db("marking read-back products as in review"))
}
