//! The product push: new products created, changed ones updated, ≤ 1000 items per call.
//!
//! Products are read a page at a time ([`super::source`]), mapped, validated and hashed. What
//! happens next depends on the product's row:
//! - invalid → state `invalid` with its reasons, nothing sent (a product already on Trendyol
//!   keeps its state; the reasons say why its update is held back);
//! - content hash equal to the one last sent → nothing to do;
//! - a write of it still in flight → left for a later run;
//! - otherwise it joins the outgoing batch of its kind: V2 create (never on Trendyol, or its
//!   create failed), unapproved update (in review or rejected), or content + variant update
//!   (approved).
//!
//! A batch goes out when it holds 1000 items or the scan ends, so a full push of N products
//! costs ⌈N/1000⌉ calls. The batch id, the items' new state and the hash they were sent with
//! are committed together (a new product's row is first written then, so a first push writes
//! each row once); the product's `date_modified` is recorded only once its outcome is
//! settled, so a run that stops (deadline, memory, error) leaves unsent products to be picked
//! up again, and sent ones are never sent twice.
//!
//! This file is the reading half: full batches go to the sender and recorder of
//! [`super::pipeline`], which work on the previous batches while the next pages are read.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::Ordering;
use std::time::Instant;

use mysql_async::prelude::*;
use mysql_async::TxOpts;
use tokio::sync::mpsc;
use trendyol_wire::products::MAX_ITEMS_PER_REQUEST;

use super::mapping::{content_hash, html_decode, BrandLookups, Mappings};
use super::outgoing::{Outgoing, SendKind, UploadReport};
use super::pipeline::{ms, send_and_record, Batch, Shared, QUEUE_DEPTH};
use super::source::{self, SourceProduct};
use super::state;
use super::validate;
use crate::error::{Error, Result};
use crate::runner::{JobContext, StopReason};
use crate::sync::catalog_batches::{self, marks};
use crate::sync::catalog_pace::Pacer;
use crate::sync::shop_locale::PriceBasis;

/// The cursor of the product scan (last product id handled).
pub const SCAN_CURSOR: &str = "product_sync.scan";

/// One product's row as the page writes it.
struct RowWrite {
    product_id: u32,
    barcode: String,
    product_main_id: String,
    sync_status: String,
    reasons: Option<String>,
    content_hash: String,
    /// `None` while the product still has to be sent.
    source_modified_at: Option<String>,
    mapping_version: String,
}

/// Pushes what changed. Returns why it stopped early, if it did.
///
/// The reading below runs beside the sending and recording of [`super::pipeline`]: while one
/// batch is on the wire, the next pages are read and mapped and the previous batch recorded.
pub async fn upload(
    ctx: &JobContext,
    mappings: &mut Mappings,
    basis: &PriceBasis,
    pacer: &mut Pacer,
    report: &mut UploadReport,
) -> Result<Option<StopReason>> {
    let db = &ctx.db;
    let seller = ctx.client.seller_id();
    let after = catalog_batches::cursor(db, SCAN_CURSOR).await?.max(0) as u32;
    let shared = Shared::new(pacer);
    let (batches, queue) = mpsc::channel::<Batch>(QUEUE_DEPTH);
    let mut sent_report = UploadReport::default();
    let (read, sent) = tokio::join!(
        async {
            let read = read_stage(
                ctx, mappings, basis, seller, after, batches, &shared, report,
            )
            .await;
            if read.is_err() {
                shared.failed.store(true, Ordering::Relaxed);
            }
            read
        },
        send_and_record(ctx, seller, queue, &shared, &mut sent_report)
    );
    *pacer = shared.pacer();
    report.absorb(sent_report);
    // The sender's failure first: the reader only stops because of it.
    let sent = sent?;
    let read = read?;
    if ctx.dry_run {
        return Ok(sent.stopped.or(read.stopped));
    }
    match sent.stopped.or(read.stopped) {
        Some(stop) => {
            // Unsent products are before the cursor: resume from the first of them.
            let first_unsent = read.first_unsent.into_iter().chain(sent.first_unsent).min();
            let resume = first_unsent.map_or(read.after, |id| id.saturating_sub(1));
            catalog_batches::set_cursor(db, SCAN_CURSOR, i64::from(resume)).await?;
            Ok(Some(stop))
        }
        None => {
            catalog_batches::set_cursor(db, SCAN_CURSOR, 0).await?;
            Ok(None)
        }
    }
}

/// How the reader ended.
struct ReadEnd {
    stopped: Option<StopReason>,
    /// The first product of its batches that were never handed to the sender.
    first_unsent: Option<u32>,
    /// The last product id read.
    after: u32,
}

impl ReadEnd {
    fn stop(
        stopped: StopReason,
        buffers: &HashMap<&'static str, (SendKind, Vec<Outgoing>)>,
        after: u32,
    ) -> ReadEnd {
        ReadEnd {
            stopped: Some(stopped),
            first_unsent: buffers
                .values()
                .flat_map(|(_, b)| b.iter().map(|o| o.product_id))
                .min(),
            after,
        }
    }
}

/// Products mapped between two chances for the sender and recorder to run: they share this
/// task, and a page's mapping must not hold back the answer of a call.
const YIELD_EVERY: usize = 64;

/// The reader: pages read, mapped, validated, their rows written and full batches handed on.
// Each argument is one independent input of the stage; a struct would only rename them.
#[allow(clippy::too_many_arguments)]
async fn read_stage(
    ctx: &JobContext,
    mappings: &mut Mappings,
    basis: &PriceBasis,
    seller: u64,
    mut after: u32,
    batches: mpsc::Sender<Batch>,
    shared: &Shared,
    report: &mut UploadReport,
) -> Result<ReadEnd> {
    let db = &ctx.db;
    let page_size = ctx.settings.batch_size.max(1);
    let mut buffers: HashMap<&'static str, (SendKind, Vec<Outgoing>)> = HashMap::new();
    let mut brand_lookups = BrandLookups::new();

    loop {
        if let Some(stop) = shared.should_stop(ctx) {
            return Ok(ReadEnd::stop(stop, &buffers, after));
        }
        let started = Instant::now();
        let page = source::next_page(
            db,
            &ctx.settings,
            basis,
            seller,
            &mappings.version,
            after,
            page_size,
            mappings.uses_options,
        )
        .await?;
        let Some(last) = page.last() else {
            report.phases.read_ms += ms(started.elapsed());
            break;
        };
        after = last.product_id;
        report.scanned += page.len() as u64;
        ctx.progress.advance(page.len() as u64);

        let owners = barcode_owners(ctx, seller, &page).await?;
        report.phases.read_ms += ms(started.elapsed());
        let started = Instant::now();
        let mut seen = HashSet::new();
        let mut writes = Vec::with_capacity(page.len());
        let mut stale_rows = Vec::new();
        for (n, product) in page.iter().enumerate() {
            if n % YIELD_EVERY == YIELD_EVERY - 1 {
                tokio::task::yield_now().await;
            }
            learn_brand(ctx, mappings, &mut brand_lookups, product, report).await?;
            let item = mappings.map(product, &ctx.settings);
            let hash = content_hash(&item);
            let mut reasons = validate::reasons(&item, product, &ctx.settings);
            if !item.barcode.is_empty() {
                if let Some(owner) = owners
                    .get(&item.barcode)
                    .filter(|o| **o != product.product_id)
                {
                    reasons.push(format!(
                        "barcode: {} is already used by product {owner}",
                        item.barcode
                    ));
                } else if !seen.insert(item.barcode.clone()) {
                    reasons.push(format!(
                        "barcode: {} is used by another product in this catalog",
                        item.barcode
                    ));
                } else if let Some(owner) = shared.pending_owner(&item.barcode, product.product_id)
                {
                    // A new product of an earlier page, still waiting in a buffer.
                    reasons.push(format!(
                        "barcode: {} is already used by product {owner}",
                        item.barcode
                    ));
                }
            }
            let existing = product.existing.as_ref();
            let on_trendyol = existing.is_some_and(|e| state::is_on_trendyol(&e.sync_status));
            if let Some(e) = existing {
                if e.barcode != item.barcode {
                    if on_trendyol {
                        reasons.push(format!(
                            "barcode: changed from {} after it was sent to Trendyol; Trendyol does not allow that",
                            e.barcode
                        ));
                    } else {
                        // Never sent under the old barcode: the old row goes.
                        stale_rows.push(e.trendyol_product_id);
                    }
                }
            }
            let row_barcode = if on_trendyol {
                existing.map(|e| e.barcode.clone()).unwrap_or_default()
            } else if item.barcode.is_empty()
                || item.barcode.chars().count() > 40
                || reasons.iter().any(|r| r.starts_with("barcode:"))
            {
                // No barcode of its own to key the row by (missing, too long, or another
                // product's): the row is keyed by the product and never sent.
                placeholder_barcode(product.product_id)
            } else {
                item.barcode.clone()
            };
            let current_status = existing.map_or(state::PENDING, |e| e.sync_status.as_str());
            let row_main_id: String = html_decode(&item.product_main_id)
                .chars()
                .take(40)
                .collect();
            let mut write = RowWrite {
                product_id: product.product_id,
                barcode: row_barcode,
                product_main_id: row_main_id.clone(),
                sync_status: current_status.to_string(),
                reasons: None,
                content_hash: hash.clone(),
                source_modified_at: Some(product.date_modified.clone()),
                mapping_version: mappings.version.clone(),
            };
            if !reasons.is_empty() {
                report.invalid += 1;
                if !on_trendyol {
                    write.sync_status = state::INVALID.into();
                }
                write.reasons = Some(state::reasons_json(&reasons));
                writes.push(write);
                continue;
            }
            if existing.is_some_and(|e| {
                e.submitted_hash == hash
                    && current_status != state::INVALID
                    && current_status != state::PENDING
            }) {
                // Nothing to send: the row keeps its verdict's reasons (a rejection, a failed
                // item) — a scan of an unchanged product must not erase why it is not on sale.
                report.unchanged += 1;
                write.reasons = existing.and_then(|e| e.reasons.clone());
                writes.push(write);
                continue;
            }
            if existing.is_some_and(|e| !e.batch_request_id.is_empty()) {
                report.in_flight += 1;
                continue;
            }
            let kind = match current_status {
                state::SUBMITTED | state::REJECTED => SendKind::UpdateUnapproved,
                state::APPROVED => SendKind::UpdateApproved,
                _ => SendKind::Create,
            };
            let status_after = match kind {
                SendKind::UpdateApproved => state::APPROVED,
                _ => state::SUBMITTED,
            };
            if current_status == state::INVALID {
                write.sync_status = state::PENDING.into();
            }
            write.source_modified_at = None;
            write.mapping_version = String::new();
            let write_main_id = row_main_id;
            if existing.is_some() {
                writes.push(write);
            } else {
                // A new product's row is written once, with its batch (`commit_sent`): a run
                // that stops before the send leaves no row, and no row means "to be sent".
                shared.own(&item.barcode, product.product_id);
            }
            let key = match kind {
                SendKind::Create => "create",
                SendKind::UpdateUnapproved => "update",
                SendKind::UpdateApproved => "approved",
            };
            buffers
                .entry(key)
                .or_insert((kind, Vec::new()))
                .1
                .push(Outgoing {
                    product_id: product.product_id,
                    hash,
                    date_modified: product.date_modified.clone(),
                    status_after,
                    content_id: existing.and_then(|e| e.content_id),
                    product_main_id: write_main_id,
                    mapping_version: mappings.version.clone(),
                    item,
                });
        }
        report.phases.map_ms += ms(started.elapsed());
        if !ctx.dry_run {
            let started = Instant::now();
            write_rows(ctx, seller, &stale_rows, &writes).await?;
            report.phases.page_write_ms += ms(started.elapsed());
        }
        for key in ["create", "update", "approved"] {
            while buffers
                .get(key)
                .is_some_and(|(_, b)| b.len() >= MAX_ITEMS_PER_REQUEST)
            {
                if let Some(stop) = shared.should_stop(ctx) {
                    return Ok(ReadEnd::stop(stop, &buffers, after));
                }
                let (kind, buffer) = buffers.get_mut(key).expect("checked above");
                let batch: Vec<Outgoing> = buffer.drain(..MAX_ITEMS_PER_REQUEST).collect();
                let kind = *kind;
                if let Some(end) = hand_on(&batches, kind, batch, &buffers, after, report).await {
                    return Ok(end);
                }
            }
        }
    }
    for key in ["create", "update", "approved"] {
        if let Some((kind, batch)) = buffers.remove(key) {
            if batch.is_empty() {
                continue;
            }
            if let Some(stop) = shared.should_stop(ctx) {
                buffers.insert(key, (kind, batch));
                return Ok(ReadEnd::stop(stop, &buffers, after));
            }
            if let Some(end) = hand_on(&batches, kind, batch, &buffers, after, report).await {
                return Ok(end);
            }
        }
    }
    Ok(ReadEnd {
        stopped: None,
        first_unsent: None,
        after,
    })
}

/// Gives a full batch to the sender. `Some`: the sender has stopped taking batches (it stopped
/// or failed), so the reader ends with this batch and its buffers unsent.
async fn hand_on(
    batches: &mpsc::Sender<Batch>,
    kind: SendKind,
    batch: Vec<Outgoing>,
    buffers: &HashMap<&'static str, (SendKind, Vec<Outgoing>)>,
    after: u32,
    report: &mut UploadReport,
) -> Option<ReadEnd> {
    let waited = Instant::now();
    let handed = batches.send((kind, batch)).await;
    report.phases.handoff_wait_ms += ms(waited.elapsed());
    let refused = handed.err()?;
    // The sender stopped (its reason is the run's) or failed (its error is): the reason given
    // here is never the one reported.
    let mut end = ReadEnd::stop(StopReason::TimeLimit, buffers, after);
    end.first_unsent = (refused.0)
        .1
        .iter()
        .map(|o| o.product_id)
        .chain(end.first_unsent)
        .min();
    Some(end)
}

/// Row key for a product that has no usable barcode of its own (it is invalid and never sent).
fn placeholder_barcode(product_id: u32) -> String {
    format!("oc-product-{product_id}")
}

/// Which product already owns each barcode of the page, from `trendyol_products`.
async fn barcode_owners(
    ctx: &JobContext,
    seller: u64,
    page: &[SourceProduct],
) -> Result<HashMap<String, u32>> {
    let barcodes: Vec<String> = page
        .iter()
        .map(Mappings::barcode)
        .filter(|b| !b.is_empty())
        .collect();
    if barcodes.is_empty() {
        return Ok(HashMap::new());
    }
    let db = &ctx.db;
    let mut params: Vec<mysql_async::Value> = vec![seller.into()];
    params.extend(barcodes.iter().map(|b| b.as_str().into()));
    let mut conn = db.conn().await?;
    let rows: Vec<(String, u32)> = conn
        .exec(
            format!(
                "SELECT barcode, product_id FROM {} WHERE seller_id = ? AND barcode IN ({})",
                db.table("trendyol_products"),
                marks(barcodes.len())
            ),
            params,
        )
        .await
        .map_err(Error::db("reading barcode owners"))?;
    Ok(rows.into_iter().collect())
}

/// Finds a Trendyol brand by the manufacturer's exact name when the mapping has none.
async fn learn_brand(
    ctx: &JobContext,
    mappings: &mut Mappings,
    lookups: &mut BrandLookups,
    product: &SourceProduct,
    report: &mut UploadReport,
) -> Result<()> {
    let id = product.manufacturer_id;
    if id == 0 || mappings.brands.contains_key(&id) || lookups.contains_key(&id) {
        return Ok(());
    }
    let name = html_decode(&product.manufacturer_name).trim().to_string();
    if name.is_empty() {
        lookups.insert(id, None);
        return Ok(());
    }
    report.brand_lookups += 1;
    let found = match ctx.client.brands_by_name(&name).await {
        Ok(brands) => brands.into_iter().find(|b| b.name == name),
        Err(e) => {
            // A failed lookup leaves the product unmapped this run; it is retried next run.
            tracing::warn!(manufacturer_id = id, error = %e, "brand lookup by name failed");
            None
        }
    };
    match found {
        Some(brand) => {
            lookups.insert(id, Some((brand.id, brand.name.clone())));
            if !ctx.dry_run {
                mappings
                    .learn_brand(&ctx.db, id, brand.id, &brand.name)
                    .await?;
            } else {
                mappings.brands.insert(id, brand.id);
            }
        }
        None => {
            lookups.insert(id, None);
        }
    }
    Ok(())
}

/// Writes the page's rows: one multi-row upsert (and the removal of rows left behind by a
/// barcode change).
async fn write_rows(
    ctx: &JobContext,
    seller: u64,
    stale_rows: &[u64],
    writes: &[RowWrite],
) -> Result<()> {
    if writes.is_empty() && stale_rows.is_empty() {
        return Ok(());
    }
    let db = &ctx.db;
    let mut conn = db.conn().await?;
    let mut tx = conn
        .start_transaction(TxOpts::default())
        .await
        .map_err(Error::db("starting a product page"))?;
    if !stale_rows.is_empty() {
        tx.exec_drop(
            format!(
                "DELETE FROM {} WHERE trendyol_product_id IN ({})",
                db.table("trendyol_products"),
                marks(stale_rows.len())
            ),
            stale_rows.to_vec(),
        )
        .await
        .map_err(Error::db("removing rows of changed barcodes"))?;
    }
    if !writes.is_empty() {
        let mut params: Vec<mysql_async::Value> = Vec::with_capacity(writes.len() * 9);
        for w in writes {
            params.push(seller.into());
            params.push(w.product_id.into());
            params.push(w.barcode.as_str().into());
            params.push(w.product_main_id.as_str().into());
            params.push(w.sync_status.as_str().into());
            params.push(w.reasons.clone().into());
            params.push(w.content_hash.as_str().into());
            params.push(w.source_modified_at.clone().into());
            params.push(w.mapping_version.as_str().into());
        }
        tx.exec_drop(
            format!(
                "INSERT INTO {} (seller_id, product_id, product_option_value_id, barcode, \
                 product_main_id, sync_status, reasons, content_hash, source_modified_at, \
                 mapping_version, created_at, updated_at) VALUES {} \
                 ON DUPLICATE KEY UPDATE product_id = VALUES(product_id), \
                 product_main_id = VALUES(product_main_id), sync_status = VALUES(sync_status), \
                 reasons = VALUES(reasons), content_hash = VALUES(content_hash), \
                 source_modified_at = VALUES(source_modified_at), \
                 mapping_version = VALUES(mapping_version), updated_at = VALUES(updated_at)",
                db.table("trendyol_products"),
                vec![
                    "(?, ?, 0, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP())";
                    writes.len()
                ]
                .join(",")
            ),
            params,
        )
        .await
        .map_err(Error::db("writing a page of product states"))?;
    }
    tx.commit()
        .await
        .map_err(Error::db("committing a page of product states"))
}
