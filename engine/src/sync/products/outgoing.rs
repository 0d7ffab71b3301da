//! What an outgoing product batch carries, and how a sent batch is recorded.
//!
//! The push builds batches of [`Outgoing`] products and sends them; when Trendyol's answer is
//! lost, the settling of that write (`unanswered`) records what it learns the same way. Both sit
//! above this file, so neither reaches into the other for these shapes.

use mysql_async::prelude::*;
use mysql_async::TxOpts;
use serde::Serialize;
use trendyol_wire::products::ProductV2Item;

use super::state;
use crate::error::{Error, Result};
use crate::runner::JobContext;
use crate::sync::catalog_batches::{self, BatchKind};

/// What the push did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct UploadReport {
    /// Products read because they may have changed.
    pub scanned: u64,
    pub invalid: u64,
    pub unchanged: u64,
    /// Waiting for a write of theirs still in flight.
    pub in_flight: u64,
    pub created: u64,
    pub updated: u64,
    /// Items refused as a whole request (HTTP 4xx), marked failed.
    pub refused: u64,
    /// Items of writes whose answer was lost (5xx after sending, cut connection), read back.
    pub ambiguous: u64,
    /// Would have been sent (dry run).
    pub would_send: u64,
    pub brand_lookups: u64,
    /// Where the push's time went, per stage (see [`PushPhases`]).
    pub phases: PushPhases,
}

impl UploadReport {
    /// Adds what another stage of the same push counted.
    pub(super) fn absorb(&mut self, other: UploadReport) {
        self.scanned += other.scanned;
        self.invalid += other.invalid;
        self.unchanged += other.unchanged;
        self.in_flight += other.in_flight;
        self.created += other.created;
        self.updated += other.updated;
        self.refused += other.refused;
        self.ambiguous += other.ambiguous;
        self.would_send += other.would_send;
        self.brand_lookups += other.brand_lookups;
        let (p, o) = (&mut self.phases, other.phases);
        p.read_ms += o.read_ms;
        p.map_ms += o.map_ms;
        p.page_write_ms += o.page_write_ms;
        p.handoff_wait_ms += o.handoff_wait_ms;
        p.send_ms += o.send_ms;
        p.send_wait_ms += o.send_wait_ms;
        p.record_ms += o.record_ms;
        p.record_wait_ms += o.record_wait_ms;
    }
}

/// Milliseconds each stage of the push spent on each kind of work. The stages overlap (see
/// [`super::pipeline`]), so these add up to more than the push's elapsed time; the waits say
/// which stage held the others back.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PushPhases {
    /// Reader: pages read from OpenCart, with the barcode owners of each page.
    pub read_ms: f64,
    /// Reader: mapping, validation and hashing (brand lookups included).
    pub map_ms: f64,
    /// Reader: the page's own rows written (unchanged, invalid, about to be sent).
    pub page_write_ms: f64,
    /// Reader: waiting for room in the sender's queue (the sender was the slower stage).
    pub handoff_wait_ms: f64,
    /// Sender: the write calls, from the first byte out to the answer read (retries included).
    pub send_ms: f64,
    /// Sender: waiting for the next full batch (the reader was the slower stage).
    pub send_wait_ms: f64,
    /// Recorder: answered batches committed (batch ids and the rows' new state).
    pub record_ms: f64,
    /// Sender: waiting for room in the recorder's queue.
    pub record_wait_ms: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SendKind {
    Create,
    UpdateUnapproved,
    UpdateApproved,
}

/// A product waiting in an outgoing batch.
pub(super) struct Outgoing {
    pub(super) product_id: u32,
    pub(super) hash: String,
    pub(super) date_modified: String,
    pub(super) status_after: &'static str,
    pub(super) content_id: Option<u64>,
    pub(super) product_main_id: String,
    pub(super) mapping_version: String,
    pub(super) item: ProductV2Item,
}

/// Marks a sent (or refused) batch's products and records its batch ids, in one transaction.
pub(super) async fn commit_sent(
    ctx: &JobContext,
    seller: u64,
    batch: &[Outgoing],
    batch_request_id: &str,
    forced_status: &str,
    reason: &str,
    batch_ids: &[(String, BatchKind)],
) -> Result<()> {
    let db = &ctx.db;
    let mut conn = db.conn().await?;
    let mut tx = conn
        .start_transaction(TxOpts::default())
        .await
        .map_err(Error::db("starting to record a sent batch"))?;
    for (id, kind) in batch_ids {
        catalog_batches::record(&mut tx, db, seller, id, *kind, batch.len()).await?;
    }
    let reasons = (!reason.is_empty()).then(|| state::reasons_json(&[reason.to_string()]));
    let trendyol_status = if forced_status.is_empty() {
        "SENT"
    } else {
        "REFUSED"
    };
    let mut params: Vec<mysql_async::Value> = Vec::with_capacity(batch.len() * 12);
    for o in batch {
        let status = if forced_status.is_empty() || o.status_after == state::APPROVED {
            o.status_after
        } else {
            forced_status
        };
        params.push(seller.into());
        params.push(o.product_id.into());
        params.push(o.item.barcode.as_str().into());
        params.push(o.product_main_id.as_str().into());
        params.push(status.into());
        params.push(trendyol_status.into());
        params.push(batch_request_id.into());
        // submitted_hash and content_hash: what was just sent is the row's content.
        params.push(o.hash.as_str().into());
        params.push(o.hash.as_str().into());
        params.push(reasons.clone().into());
        params.push(o.date_modified.as_str().into());
        params.push(o.mapping_version.as_str().into());
    }
    tx.exec_drop(
        format!(
            "INSERT INTO {} (seller_id, product_id, product_option_value_id, barcode, \
             product_main_id, sync_status, trendyol_status, batch_request_id, submitted_hash, content_hash, reasons, \
             source_modified_at, mapping_version, submitted_at, created_at, updated_at) VALUES {} \
             ON DUPLICATE KEY UPDATE product_main_id = VALUES(product_main_id), \
             sync_status = VALUES(sync_status), \
             trendyol_status = VALUES(trendyol_status), batch_request_id = VALUES(batch_request_id), \
             submitted_hash = VALUES(submitted_hash), content_hash = VALUES(content_hash), \
             reasons = VALUES(reasons), source_modified_at = VALUES(source_modified_at), \
             mapping_version = VALUES(mapping_version), submitted_at = VALUES(submitted_at), \
             updated_at = VALUES(updated_at)",
            db.table("trendyol_products"),
            vec![
                "(?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP(), UTC_TIMESTAMP())";
                batch.len()
            ]
            .join(",")
        ),
        params,
    )
    .await
    .map_err(Error::db("recording a sent batch"))?;
    tx.commit()
        .await
        .map_err(Error::db("committing a sent batch"))
}
