//! The delta scan and the price & inventory writes it feeds.
//!
//! For every approved product, what Trendyol should show (see [`crate::sync::catalog_price`])
//! is compared with what Trendyol last *confirmed*, inside the database, a window of ids at a
//! time: only rows that differ leave MariaDB, so an unchanged catalog of a million products
//! costs one range read of a narrow covering index (`stock_scan`), a million product lookups
//! and no transfer. Rows with a write still in flight are
//! skipped (their batch result decides first), as are rows whose last item failed within the
//! last 15 minutes (Trendyol would answer the same).
//!
//! Differences are coalesced per barcode by construction (one row per barcode, compared with
//! its current value however many times it changed), collected into writes of at most 1000
//! items — stock-only, price-only or both, whatever changed — and each write body is
//! fingerprinted: an identical body sent within 15 minutes is not sent again (Trendyol refuses
//! it). The sent values wait in `sent_*` until the batch result confirms them.

use std::collections::HashMap;
use std::time::Instant;

use mysql_async::prelude::*;
use mysql_async::{Row, TxOpts};
use serde::Serialize;
use sha2::{Digest, Sha256};
use trendyol_wire::inventory::PriceInventoryItem;
use trendyol_wire::products::{ItemsRequest, MAX_ITEMS_PER_REQUEST};

use crate::error::{Error, Result};
use crate::runner::{JobContext, StopReason};
use crate::sync::catalog_batches::{self, BatchKind};
use crate::sync::catalog_pace::Pacer;
use crate::sync::catalog_price::{desired_sql_for_window, money};
use crate::sync::products::state;

/// The cursor of the scan (last `trendyol_product_id` handled).
pub const SCAN_CURSOR: &str = "stock_sync.scan";

/// Rows per scan query. Only differing rows come back, so this bounds the work (and the rows
/// held when everything changed) of one query.
pub const SCAN_WINDOW: u64 = 50_000;

/// Trendyol's window for identical price/stock bodies.
pub const DUPLICATE_WINDOW_MINUTES: u32 = 15;

/// What the scan and the writes did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DeltaReport {
    /// Approved rows compared.
    pub windows: u64,
    pub changed: u64,
    pub quantity_changes: u64,
    pub price_changes: u64,
    pub items_sent: u64,
    pub writes: u64,
    /// Writes not sent because the same body went out within 15 minutes.
    pub identical_bodies_held: u64,
    pub would_send: u64,
    pub scan_ms: u64,
}

/// One barcode's change.
#[derive(Debug, Clone)]
struct Change {
    trendyol_product_id: u64,
    product_id: u32,
    barcode: String,
    quantity: Option<i64>,
    list_price: Option<f64>,
    sale_price: Option<f64>,
}

/// Scans and sends. Returns why it stopped early, if it did.
pub async fn scan_and_send(
    ctx: &JobContext,
    pacer: &mut Pacer,
    report: &mut DeltaReport,
) -> Result<Option<StopReason>> {
    let db = &ctx.db;
    let seller = ctx.client.seller_id();
    let max_id = max_row_id(ctx, seller).await?;
    let mut after = catalog_batches::cursor(db, SCAN_CURSOR).await?.max(0) as u64;
    if after >= max_id {
        after = 0;
    }
    let mut outgoing: Vec<Change> = Vec::new();
    let scan_started = Instant::now();
    while after < max_id {
        if let Some(stop) = pacer.should_stop(ctx) {
            save_cursor(
                ctx,
                outgoing
                    .first()
                    .map_or(after, |c| c.trendyol_product_id - 1),
            )
            .await?;
            report.scan_ms += scan_started.elapsed().as_millis() as u64;
            return Ok(Some(stop));
        }
        let until = window_end(ctx, seller, after).await?.unwrap_or(max_id);
        let changes = scan_window(ctx, seller, after, until).await?;
        report.windows += 1;
        report.changed += changes.len() as u64;
        after = until;
        for change in changes {
            report.quantity_changes += u64::from(change.quantity.is_some());
            report.price_changes += u64::from(change.sale_price.is_some());
            outgoing.push(change);
            if outgoing.len() >= MAX_ITEMS_PER_REQUEST {
                if let Some(stop) = pacer.should_stop(ctx) {
                    save_cursor(ctx, outgoing[0].trendyol_product_id - 1).await?;
                    return Ok(Some(stop));
                }
                send(ctx, seller, std::mem::take(&mut outgoing), pacer, report).await?;
            }
        }
    }
    report.scan_ms += scan_started.elapsed().as_millis() as u64;
    if !outgoing.is_empty() {
        if let Some(stop) = pacer.should_stop(ctx) {
            save_cursor(ctx, outgoing[0].trendyol_product_id - 1).await?;
            return Ok(Some(stop));
        }
        send(ctx, seller, outgoing, pacer, report).await?;
    }
    save_cursor(ctx, 0).await?;
    Ok(None)
}

async fn save_cursor(ctx: &JobContext, position: u64) -> Result<()> {
    if ctx.dry_run {
        return Ok(());
    }
    catalog_batches::set_cursor(&ctx.db, SCAN_CURSOR, position as i64).await
}

async fn max_row_id(ctx: &JobContext, seller: u64) -> Result<u64> {
    let mut conn = ctx.db.conn().await?;
    let max: Option<Option<u64>> = conn
        .exec_first(
            format!(
                "SELECT MAX(trendyol_product_id) FROM {} WHERE seller_id = ?",
                ctx.db.table("trendyol_products")
            ),
            (seller,),
        )
        .await
        .map_err(Error::db("reading the highest product row"))?;
    Ok(max.flatten().unwrap_or(0))
}

/// The id that closes the window of [`SCAN_WINDOW`] scannable rows after `after` (`None`: fewer
/// are left). Windows count rows, not ids: upserts leave gaps in the ids, which grow with
/// every product update, so fixed id ranges would mean ever more, ever emptier queries.
async fn window_end(ctx: &JobContext, seller: u64, after: u64) -> Result<Option<u64>> {
    let mut conn = ctx.db.conn().await?;
    conn.exec_first(
        format!(
            "SELECT trendyol_product_id FROM {} FORCE INDEX (stock_scan) \
             WHERE seller_id = ? AND sync_status = ? AND stock_batch_request_id = '' \
             AND trendyol_product_id > ? ORDER BY trendyol_product_id LIMIT 1 OFFSET {}",
            ctx.db.table("trendyol_products"),
            SCAN_WINDOW - 1
        ),
        (seller, state::APPROVED, after),
    )
    .await
    .map_err(Error::db("finding the end of a scan window"))
}

/// The rows in `(after, until]` whose desired stock or prices differ from the confirmed ones.
async fn scan_window(ctx: &JobContext, seller: u64, after: u64, until: u64) -> Result<Vec<Change>> {
    let db = &ctx.db;
    let tp = db.table("trendyol_products");
    // The products of the rows scanned below, read from the same narrow index.
    let window_ids = format!(
        "SELECT w.product_id FROM {tp} w FORCE INDEX (stock_scan) WHERE w.seller_id = {seller} \
         AND w.sync_status = '{approved}' AND w.stock_batch_request_id = '' \
         AND w.trendyol_product_id > {after} AND w.trendyol_product_id <= {until}",
        approved = state::APPROVED
    );
    let d = desired_sql_for_window(db, &ctx.settings, &window_ids);
    // The `stock_scan` index (migration 7) holds every column of `tp` this query reads, and its
    // leading columns are the equalities and the id range: the scan is one range read of a
    // narrow index plus one OpenCart product per row. The barcode is not in it; it is read
    // below for the rows that differ.
    let sql = format!(
        "SELECT x.trendyol_product_id, x.product_id, x.qty, CAST(x.list AS CHAR), \
         CAST(x.sale AS CHAR), NOT (x.qty <=> x.confirmed_quantity), \
         NOT (x.list <=> x.confirmed_list_price) OR NOT (x.sale <=> x.confirmed_sale_price) \
         FROM (SELECT tp.trendyol_product_id, tp.product_id, tp.confirmed_quantity, \
               tp.confirmed_list_price, tp.confirmed_sale_price, {qty} AS qty, {list} AS list, \
               {sale} AS sale \
               FROM {tp} tp FORCE INDEX (stock_scan) \
               JOIN {product} p ON p.product_id = tp.product_id {joins} \
               WHERE tp.seller_id = ? AND tp.sync_status = ? AND tp.stock_batch_request_id = '' \
               AND tp.trendyol_product_id > ? AND tp.trendyol_product_id <= ? \
               AND (tp.stock_failed_at IS NULL \
                    OR tp.stock_failed_at < UTC_TIMESTAMP() - INTERVAL {window} MINUTE)) x \
         WHERE NOT (x.qty <=> x.confirmed_quantity) OR NOT (x.list <=> x.confirmed_list_price) \
               OR NOT (x.sale <=> x.confirmed_sale_price) \
         ORDER BY x.trendyol_product_id",
        qty = d.quantity,
        list = d.list_price,
        sale = d.sale_price,
        product = db.table("product"),
        joins = d.joins,
        window = DUPLICATE_WINDOW_MINUTES,
    );
    let mut conn = db.conn().await?;
    let rows: Vec<Row> = conn
        .exec(sql, (seller, state::APPROVED, after, until))
        .await
        .map_err(Error::db("scanning for stock and price changes"))?;
    let mut changes: Vec<Change> = rows
        .into_iter()
        .map(|mut r| {
            let quantity_changed: bool = r.take::<Option<i64>, _>(5).flatten().unwrap_or(1) != 0;
            let price_changed: bool = r.take::<Option<i64>, _>(6).flatten().unwrap_or(1) != 0;
            let quantity: Option<i64> = r.take(2).flatten();
            let list: Option<String> = r.take(3).flatten();
            let sale: Option<String> = r.take(4).flatten();
            Change {
                trendyol_product_id: r.take(0).unwrap_or(0),
                product_id: r.take(1).unwrap_or(0),
                barcode: String::new(),
                quantity: quantity.filter(|_| quantity_changed),
                list_price: list.as_deref().and_then(money).filter(|_| price_changed),
                sale_price: sale.as_deref().and_then(money).filter(|_| price_changed),
            }
        })
        .collect();
    for chunk in changes.chunks_mut(MAX_ITEMS_PER_REQUEST) {
        let ids: Vec<u64> = chunk.iter().map(|c| c.trendyol_product_id).collect();
        let barcodes: HashMap<u64, String> = conn
            .exec::<(u64, String), _, _>(
                format!(
                    "SELECT trendyol_product_id, barcode FROM {tp} WHERE trendyol_product_id IN ({})",
                    catalog_batches::marks(ids.len())
                ),
                ids,
            )
            .await
            .map_err(Error::db("reading the barcodes of changed rows"))?
            .into_iter()
            .collect();
        for change in chunk.iter_mut() {
            change.barcode = barcodes
                .get(&change.trendyol_product_id)
                .cloned()
                .unwrap_or_default();
        }
    }
    // A row gone between the two reads has no barcode to send to.
    changes.retain(|c| !c.barcode.is_empty());
    Ok(changes)
}

/// The fingerprint of a body as the client serialises it.
pub fn body_hash(items: &[PriceInventoryItem]) -> String {
    let body = serde_json::to_vec(&ItemsRequest::new(items.to_vec())).unwrap_or_default();
    hex::encode(Sha256::digest(&body))
}

async fn sent_recently(ctx: &JobContext, hash: &str) -> Result<bool> {
    let mut conn = ctx.db.conn().await?;
    let found: Option<u8> = conn
        .exec_first(
            format!(
                "SELECT 1 FROM {} WHERE body_hash = ? \
                 AND sent_at > UTC_TIMESTAMP() - INTERVAL {DUPLICATE_WINDOW_MINUTES} MINUTE",
                ctx.db.table("trendyol_sent_bodies")
            ),
            (hash,),
        )
        .await
        .map_err(Error::db("checking recent price/stock bodies"))?;
    Ok(found.is_some())
}

/// Sends one write of ≤ 1000 changes and records it.
async fn send(
    ctx: &JobContext,
    seller: u64,
    changes: Vec<Change>,
    pacer: &mut Pacer,
    report: &mut DeltaReport,
) -> Result<()> {
    if ctx.dry_run {
        report.would_send += changes.len() as u64;
        return Ok(());
    }
    let items: Vec<PriceInventoryItem> = changes
        .iter()
        .map(|c| PriceInventoryItem {
            barcode: c.barcode.clone(),
            quantity: c.quantity,
            sale_price: c.sale_price,
            list_price: c.list_price,
        })
        .collect();
    let hash = body_hash(&items);
    if sent_recently(ctx, &hash).await? {
        report.identical_bodies_held += 1;
        tracing::info!(
            items = items.len(),
            "an identical price/stock body went out within 15 minutes; held back"
        );
        return Ok(());
    }
    let started = Instant::now();
    let response = ctx.client.update_price_inventory(&items).await;
    pacer.observe(started.elapsed());
    let id = response?.batch_request_id;
    report.writes += 1;
    report.items_sent += items.len() as u64;

    let db = &ctx.db;
    let mut conn = db.conn().await?;
    let mut tx = conn
        .start_transaction(TxOpts::default())
        .await
        .map_err(Error::db("starting to record a price/stock write"))?;
    catalog_batches::record(
        &mut tx,
        db,
        seller,
        &id,
        BatchKind::PriceInventory,
        items.len(),
    )
    .await?;
    tx.exec_drop(
        format!(
            "INSERT INTO {} (body_hash, batch_request_id, item_count, sent_at) \
             VALUES (?, ?, ?, UTC_TIMESTAMP()) ON DUPLICATE KEY UPDATE \
             batch_request_id = VALUES(batch_request_id), sent_at = VALUES(sent_at)",
            db.table("trendyol_sent_bodies")
        ),
        (hash.as_str(), id.as_str(), items.len() as u64),
    )
    .await
    .map_err(Error::db("remembering a price/stock body"))?;
    let mut params: Vec<mysql_async::Value> = Vec::with_capacity(changes.len() * 7);
    for c in &changes {
        params.push(c.trendyol_product_id.into());
        params.push(seller.into());
        params.push(c.product_id.into());
        params.push(c.barcode.as_str().into());
        params.push(c.quantity.into());
        params.push(c.list_price.into());
        params.push(c.sale_price.into());
    }
    params.push(id.as_str().into());
    // One statement for the whole write: the primary key always matches an existing row, so
    // this is an update of each row's own sent values.
    tx.exec_drop(
        format!(
            "INSERT INTO {} (trendyol_product_id, seller_id, product_id, barcode, sent_quantity, \
             sent_list_price, sent_sale_price, created_at, updated_at) VALUES {} \
             ON DUPLICATE KEY UPDATE sent_quantity = VALUES(sent_quantity), \
             sent_list_price = VALUES(sent_list_price), sent_sale_price = VALUES(sent_sale_price), \
             stock_batch_request_id = ?, updated_at = VALUES(updated_at)",
            db.table("trendyol_products"),
            vec!["(?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP())"; changes.len()]
                .join(",")
        ),
        params,
    )
    .await
    .map_err(Error::db("recording sent stock and prices"))?;
    tx.commit()
        .await
        .map_err(Error::db("committing a price/stock write"))?;
    Ok(())
}
