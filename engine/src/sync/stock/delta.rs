//! The delta scan and the price & inventory writes it feeds.
//!
//! For every approved product, what Trendyol should show (see [`crate::sync::catalog_price`])
//! is compared with what Trendyol last *confirmed*, inside the database, a window of product
//! ids at a time, two windows at once: only rows that differ leave MariaDB, so an unchanged
//! catalog of a million products costs one range read of a narrow covering index
//! (`stock_scan_by_product`), a million product lookups in id order and no transfer. Rows with
//! a write still in flight are skipped (their batch result decides first), as are rows whose
//! last item failed within the last 15 minutes (Trendyol would answer the same).
//!
//! Differences are coalesced per barcode by construction (one row per barcode, compared with
//! its current value however many times it changed), collected into writes of at most 1000
//! items — stock-only, price-only or both, whatever changed — and each write body is
//! fingerprinted: an identical body sent within 15 minutes is not sent again (Trendyol refuses
//! it). The sent values wait in `sent_*` until the batch result confirms them.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use mysql_async::prelude::*;
use mysql_async::{Row, TxOpts};
use serde::Serialize;
use sha2::{Digest, Sha256};
use trendyol_wire::inventory::PriceInventoryItem;
use trendyol_wire::products::{ItemsRequest, MAX_ITEMS_PER_REQUEST};

use crate::error::{ApiErrorClass, Error, Result};
use crate::runner::{JobContext, StopReason};
use crate::sync::catalog_batches::{self, BatchKind};
use crate::sync::catalog_pace::Pacer;
use crate::sync::catalog_price::{desired_sql_for_window, money};
use crate::sync::products::state;
use crate::sync::shop_locale::PriceBasis;
use crate::trendyol::reconcile::ItemCheck;

/// The cursor of the scan (last OpenCart `product_id` handled).
pub const SCAN_CURSOR: &str = "stock_sync.scan";

/// OpenCart product ids per scan query. OpenCart's ids are dense (an auto-increment with gaps
/// only where products were deleted), so a window is about this many products.
pub const SCAN_WINDOW: u32 = 50_000;

/// The most differing rows one scan query returns (see [`scan_window`]).
pub const WINDOW_ROW_CAP: usize = 50_000;

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
    /// Writes sent whose answer was lost (5xx after sending, cut connection).
    pub ambiguous_writes: u64,
    /// Writes Trendyol refused as a body it already had within 15 minutes.
    pub duplicate_answers: u64,
    /// Items of those writes that reading back showed applied.
    pub read_back_confirmed: u64,
}

/// One barcode's change: the values to send (`None`: that field is left as Trendyol has it).
#[derive(Debug, Clone)]
pub(super) struct Change {
    pub(super) trendyol_product_id: u64,
    pub(super) product_id: u32,
    pub(super) barcode: String,
    pub(super) quantity: Option<i64>,
    pub(super) list_price: Option<f64>,
    pub(super) sale_price: Option<f64>,
}

/// Scans and sends. Returns why it stopped early, if it did.
pub async fn scan_and_send(
    ctx: &JobContext,
    basis: &PriceBasis,
    pacer: &mut Pacer,
    report: &mut DeltaReport,
) -> Result<Option<StopReason>> {
    let db = &ctx.db;
    let seller = ctx.client.seller_id();
    let Some(last_product) = last_product_id(ctx, seller).await? else {
        save_cursor(ctx, 0).await?;
        return Ok(None);
    };
    // The cursor is the last OpenCart product id handled by a run that stopped early; one past
    // the catalog's end (products removed since) means start over.
    let mut after = catalog_batches::cursor(db, SCAN_CURSOR).await?.max(0) as u32;
    if after >= last_product {
        after = 0;
    }
    let mut outgoing: Vec<Change> = Vec::new();
    let scan_started = Instant::now();
    while after < last_product {
        if let Some(stop) = pacer.should_stop(ctx) {
            report.scan_ms += scan_started.elapsed().as_millis() as u64;
            save_cursor(ctx, outgoing.first().map_or(after, |c| c.product_id - 1)).await?;
            return Ok(Some(stop));
        }
        // Two windows at once, each on its own connection: the server runs a query on one
        // core, so on a multi-core server the pair takes about the time of one.
        let first = Window::after(after, last_product);
        let second = (first.last < last_product).then(|| Window::after(first.last, last_product));
        let (first_scan, second_scan) =
            tokio::try_join!(scan_window(ctx, basis, seller, first), async {
                match second {
                    Some(window) => scan_window(ctx, basis, seller, window).await.map(Some),
                    None => Ok(None),
                }
            })?;
        for scanned in std::iter::once(first_scan).chain(second_scan) {
            report.windows += 1;
            report.changed += scanned.changes.len() as u64;
            after = scanned.handled_until;
            for change in scanned.changes {
                report.quantity_changes += u64::from(change.quantity.is_some());
                report.price_changes += u64::from(change.sale_price.is_some());
                outgoing.push(change);
                if outgoing.len() >= MAX_ITEMS_PER_REQUEST {
                    if let Some(stop) = pacer.should_stop(ctx) {
                        report.scan_ms += scan_started.elapsed().as_millis() as u64;
                        save_cursor(ctx, outgoing[0].product_id - 1).await?;
                        return Ok(Some(stop));
                    }
                    send(ctx, seller, std::mem::take(&mut outgoing), pacer, report).await?;
                }
            }
            // A window cut short by the row cap goes on from where it was cut; the window
            // scanned beside it is scanned again.
            if scanned.cut {
                break;
            }
        }
    }
    report.scan_ms += scan_started.elapsed().as_millis() as u64;
    if !outgoing.is_empty() {
        if let Some(stop) = pacer.should_stop(ctx) {
            save_cursor(ctx, outgoing[0].product_id - 1).await?;
            return Ok(Some(stop));
        }
        send(ctx, seller, outgoing, pacer, report).await?;
    }
    save_cursor(ctx, 0).await?;
    Ok(None)
}

async fn save_cursor(ctx: &JobContext, position: u32) -> Result<()> {
    if ctx.dry_run {
        return Ok(());
    }
    catalog_batches::set_cursor(&ctx.db, SCAN_CURSOR, i64::from(position)).await
}

/// The highest OpenCart product id with a scannable row (`None`: nothing to scan), read from
/// the end of the `stock_scan_by_product` index.
async fn last_product_id(ctx: &JobContext, seller: u64) -> Result<Option<u32>> {
    let mut conn = ctx.db.conn().await?;
    let last: Option<Option<u32>> = conn
        .exec_first(
            format!(
                "SELECT MAX(product_id) FROM {} FORCE INDEX (stock_scan_by_product) \
                 WHERE seller_id = ? AND sync_status = ? AND stock_batch_request_id = ''",
                ctx.db.table("trendyol_products")
            ),
            (seller, state::APPROVED),
        )
        .await
        .map_err(Error::db("finding the last product to scan"))?;
    Ok(last.flatten())
}

/// A range of OpenCart product ids scanned by one query.
#[derive(Debug, Clone, Copy)]
struct Window {
    first: u32,
    last: u32,
}

impl Window {
    /// The [`SCAN_WINDOW`] product ids after `after`, not past `last_product`.
    fn after(after: u32, last_product: u32) -> Window {
        Window {
            first: after + 1,
            last: after.saturating_add(SCAN_WINDOW).min(last_product),
        }
    }
}

/// What one window's query found.
struct WindowScan {
    /// The rows that differ, in product id order.
    changes: Vec<Change>,
    /// Every product id up to this one was compared.
    handled_until: u32,
    /// The row cap cut the window short.
    cut: bool,
}

/// The rows of the products in `window` whose desired stock or prices differ from the confirmed
/// ones — at most [`WINDOW_ROW_CAP`] of them, so a window where everything changed (a global
/// price rise) holds a bounded number of rows whatever the number of variants per product.
async fn scan_window(
    ctx: &JobContext,
    basis: &PriceBasis,
    seller: u64,
    window: Window,
) -> Result<WindowScan> {
    let db = &ctx.db;
    let tp = db.table("trendyol_products");
    let d = desired_sql_for_window(db, &ctx.settings, basis, window.first..=window.last);
    // Without a lira rate there is no price to compare: only quantities can change (Trendyol's
    // price and inventory items may carry the stock alone).
    let price_differs = if d.prices {
        "NOT (x.list <=> x.confirmed_list_price) OR NOT (x.sale <=> x.confirmed_sale_price)"
    } else {
        "FALSE"
    };
    // The `stock_scan_by_product` index (migration 8) holds every column of `tp` this query
    // reads, its leading columns are the equalities and the product range, and it is ordered
    // as the result is: the scan is one range read of a narrow index, then each product's
    // OpenCart row in id order (STRAIGHT_JOIN keeps that order), and it stops at the cap. The
    // barcode is not in the index; it is read below for the rows that differ.
    let sql = format!(
        "SELECT x.trendyol_product_id, x.product_id, x.qty, CAST(x.list AS CHAR), \
         CAST(x.sale AS CHAR), NOT (x.qty <=> x.confirmed_quantity), ({price_differs}) \
         FROM (SELECT tp.trendyol_product_id, tp.product_id, tp.confirmed_quantity, \
               tp.confirmed_list_price, tp.confirmed_sale_price, {qty} AS qty, {list} AS list, \
               {sale} AS sale \
               FROM {tp} tp FORCE INDEX (stock_scan_by_product) \
               STRAIGHT_JOIN {product} p ON p.product_id = tp.product_id {joins} \
               WHERE tp.seller_id = ? AND tp.sync_status = ? AND tp.stock_batch_request_id = '' \
               AND tp.product_id BETWEEN ? AND ? \
               AND (tp.stock_failed_at IS NULL \
                    OR tp.stock_failed_at < UTC_TIMESTAMP() - INTERVAL {interval} MINUTE)) x \
         WHERE NOT (x.qty <=> x.confirmed_quantity) OR {price_differs} \
         ORDER BY x.product_id, x.trendyol_product_id LIMIT {WINDOW_ROW_CAP}",
        qty = d.quantity,
        list = d.list_price,
        sale = d.sale_price,
        product = db.table("product"),
        joins = d.joins,
        interval = DUPLICATE_WINDOW_MINUTES,
    );
    let mut conn = db.conn().await?;
    let rows: Vec<Row> = conn
        .exec(sql, (seller, state::APPROVED, window.first, window.last))
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
    let (handled_until, cut) = cut_at_cap(&mut changes, window, WINDOW_ROW_CAP);
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
    Ok(WindowScan {
        changes,
        handled_until,
        cut,
    })
}

/// Where a window's scan got to. A result of [`WINDOW_ROW_CAP`] rows may have stopped inside a
/// product's variants: that last product's rows are dropped and scanned with the next window,
/// so each product's variants are sent together. (One product with more variants than the
/// cap is kept whole as far as the cap goes.)
fn cut_at_cap(changes: &mut Vec<Change>, window: Window, cap: usize) -> (u32, bool) {
    if changes.len() < cap {
        return (window.last, false);
    }
    let last_seen = changes.last().map_or(window.last, |c| c.product_id);
    if changes.first().map(|c| c.product_id) == Some(last_seen) {
        return (last_seen, true);
    }
    changes.retain(|c| c.product_id != last_seen);
    (last_seen - 1, true)
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
pub(super) async fn send(
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
    let id = match response {
        Ok(r) => r.batch_request_id,
        Err(Error::Api {
            class: ApiErrorClass::Ambiguous,
            message,
            ..
        }) => {
            // Sent, answer lost: Trendyol may have applied it. The body is remembered (an
            // identical one within 15 minutes would be refused) and what Trendyol shows decides.
            tracing::warn!(items = items.len(), error = %message,
                "a price/stock write's outcome is unknown; reading it back before anything is re-sent");
            report.ambiguous_writes += 1;
            return settle_unanswered(ctx, &hash, &changes, &items, pacer, report).await;
        }
        Err(Error::Api {
            class: ApiErrorClass::Permanent,
            message,
            ..
        }) if is_duplicate_request(&message) => {
            // Trendyol already has this exact body from within 15 minutes: it was delivered.
            tracing::info!(items = items.len(),
                "Trendyol answered that this price/stock body was already sent; counted as delivered");
            report.duplicate_answers += 1;
            return settle_unanswered(ctx, &hash, &changes, &items, pacer, report).await;
        }
        Err(e) => return Err(e),
    };
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

/// Whether a refusal is Trendyol's "same body within 15 minutes" answer (its key, or its
/// documented Turkish message).
pub fn is_duplicate_request(message: &str) -> bool {
    message.contains("duplicate.request") || message.contains("aynı isteği tekrarlı")
}

/// A write Trendyol may hold though no batch id came back: the body is remembered for the
/// duplicate window, each barcode is read back, and those Trendyol shows with the sent values
/// are confirmed. The rest stay as they were; a later scan sends them again once the body
/// differs or the window has passed. A failed read-back loses nothing: it only leaves more for
/// that later scan.
async fn settle_unanswered(
    ctx: &JobContext,
    hash: &str,
    changes: &[Change],
    items: &[PriceInventoryItem],
    pacer: &mut Pacer,
    report: &mut DeltaReport,
) -> Result<()> {
    let db = &ctx.db;
    let mut conn = db.conn().await?;
    conn.exec_drop(
        format!(
            "INSERT INTO {} (body_hash, batch_request_id, item_count, sent_at) \
             VALUES (?, '', ?, UTC_TIMESTAMP()) ON DUPLICATE KEY UPDATE sent_at = sent_at",
            db.table("trendyol_sent_bodies")
        ),
        (hash, items.len() as u64),
    )
    .await
    .map_err(Error::db("remembering an unanswered price/stock body"))?;
    let started = Instant::now();
    let checks = ctx.client.reconcile_price_inventory(items).await;
    pacer.observe(started.elapsed());
    let checks = match checks {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(error = %e, "reading back an unanswered price/stock write failed; a later run compares again");
            return Ok(());
        }
    };
    let applied: HashSet<&str> = checks
        .iter()
        .filter(|c| c.check == ItemCheck::Applied)
        .map(|c| c.barcode.as_str())
        .collect();
    for c in changes
        .iter()
        .filter(|c| applied.contains(c.barcode.as_str()))
    {
        conn.exec_drop(
            format!(
                "UPDATE {} SET confirmed_quantity = COALESCE(?, confirmed_quantity), \
                 confirmed_list_price = COALESCE(?, confirmed_list_price), \
                 confirmed_sale_price = COALESCE(?, confirmed_sale_price), stock_reasons = NULL, \
                 stock_failed_at = NULL, stock_synced_at = UTC_TIMESTAMP(), updated_at = UTC_TIMESTAMP() \
                 WHERE trendyol_product_id = ?",
                db.table("trendyol_products")
            ),
            (c.quantity, c.list_price, c.sale_price, c.trendyol_product_id),
        )
        .await
        .map_err(Error::db("confirming read-back stock and prices"))?;
    }
    report.read_back_confirmed += applied.len() as u64;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(product_ids: &[u32]) -> Vec<Change> {
        product_ids
            .iter()
            .enumerate()
            .map(|(i, &product_id)| Change {
                trendyol_product_id: i as u64 + 1,
                product_id,
                barcode: format!("B{i}"),
                quantity: Some(1),
                list_price: None,
                sale_price: None,
            })
            .collect()
    }

    const WINDOW: Window = Window {
        first: 1,
        last: 100,
    };

    #[test]
    fn a_window_under_the_cap_is_handled_to_its_end() {
        let mut changes = rows(&[3, 4, 4]);
        assert_eq!(cut_at_cap(&mut changes, WINDOW, 4), (100, false));
        assert_eq!(changes.len(), 3);
    }

    #[test]
    fn a_capped_window_leaves_its_last_product_for_the_next() {
        // The cap may have cut product 9's variants in two: all of them go with the next window.
        let mut changes = rows(&[3, 4, 9, 9]);
        assert_eq!(cut_at_cap(&mut changes, WINDOW, 4), (8, true));
        let kept: Vec<u32> = changes.iter().map(|c| c.product_id).collect();
        assert_eq!(kept, vec![3, 4]);
    }

    #[test]
    fn one_product_filling_the_cap_is_kept_and_passed() {
        let mut changes = rows(&[5, 5, 5]);
        assert_eq!(cut_at_cap(&mut changes, WINDOW, 3), (5, true));
        assert_eq!(changes.len(), 3);
    }

    #[test]
    fn windows_stop_at_the_last_product() {
        let w = Window::after(0, 70_000);
        assert_eq!((w.first, w.last), (1, SCAN_WINDOW));
        let w = Window::after(SCAN_WINDOW, 70_000);
        assert_eq!((w.first, w.last), (SCAN_WINDOW + 1, 70_000));
    }
}
