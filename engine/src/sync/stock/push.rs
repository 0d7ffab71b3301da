//! The stock push after a sale: the products OpenCart just changed, on Trendyol within seconds.
//!
//! The stock job's delta scan runs every half hour; in between, a product the shop has sold out
//! is still for sale on Trendyol, and a second buyer there gets an order the shop cannot ship.
//! So the module's OpenCart events — an order added, edited, deleted, its status changed (which
//! is where OpenCart takes stock off and puts it back: cancellations, reversals, refunds), a
//! product saved in the admin — call [`stock_changed`] with the products they touched. That
//! queues one coalesced `stock_push` job ([`crate::queue::coalesce`]): every event until a
//! worker takes the job merges its products into it, so a burst of checkouts is one job and one
//! Trendyol call, and a worker pushes it with the next batch it claims.
//!
//! [`push_products`] reads what to send when the job runs, not when it was queued: the quantity
//! Trendyol gets is OpenCart's quantity after every sale so far, computed by the same SQL as the
//! delta scan (buffer, cap, disabled products, lira prices, price rules). Only what differs from
//! what Trendyol has is sent. Unlike the scan, a row whose earlier write is still in flight is
//! not skipped — a second sale a second after the first must not wait for the first write's
//! batch result: it is compared with the values in flight, and a new write takes the row over
//! (the older batch's result then no longer touches it; the new one confirms it).

use mysql_async::prelude::*;
use mysql_async::Row;
use serde::Serialize;
use trendyol_wire::products::MAX_ITEMS_PER_REQUEST;

use super::delta::{self, Change, DeltaReport};
use crate::config::Settings;
use crate::db::Database;
use crate::error::{Error, Result};
use crate::queue::coalesce;
use crate::queue::JobKind;
use crate::runner::JobContext;
use crate::sync::catalog_batches;
use crate::sync::catalog_pace::Pacer;
use crate::sync::catalog_price::{desired_sql, money};
use crate::sync::products::state;
use crate::sync::shop_locale::PriceBasis;

/// The payload field holding the set of OpenCart product ids.
pub const FIELD: &str = "product_ids";

/// The most product ids one event may name (an order with more lines is unheard of; a bulk
/// product edit tool should let the stock job's scan find its changes).
pub const MAX_PRODUCTS: usize = 1000;

/// The slot of the open stock push of `seller`.
fn slot(seller: u64) -> String {
    format!("stock_push:{seller}:open")
}

/// What [`stock_changed`] did.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct StockQueued {
    /// The stock push job the products went into; 0 when nothing was queued.
    pub queue_id: u64,
    /// False when the products merged into a push already waiting.
    pub created: bool,
    /// The products that are on Trendyol and were queued (the others have nothing to push).
    pub product_ids: Vec<u32>,
    /// Why nothing was queued, when nothing was.
    pub skipped: Option<String>,
}

/// Queues a stock push for the products of `product_ids` that are approved on Trendyol.
pub async fn stock_changed(
    db: &Database,
    settings: &Settings,
    product_ids: &[u32],
) -> Result<StockQueued> {
    if product_ids.len() > MAX_PRODUCTS {
        return Err(Error::Config(format!(
            "stockChanged() takes at most {MAX_PRODUCTS} product ids, got {}",
            product_ids.len()
        )));
    }
    let skipped = |why: &str| StockQueued {
        skipped: Some(why.to_string()),
        ..StockQueued::default()
    };
    if !settings.status {
        return Ok(skipped("MesChain is switched off"));
    }
    if !settings.stock_sync {
        return Ok(skipped("stock sync is switched off"));
    }
    let Some(seller) = settings.seller_id else {
        return Ok(skipped("no seller id is set"));
    };
    let mut ids: Vec<u32> = product_ids.iter().copied().filter(|id| *id > 0).collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(skipped("no product"));
    }
    let on_trendyol: Vec<u32> = {
        let mut conn = db.conn().await?;
        let mut params: Vec<mysql_async::Value> = vec![seller.into(), state::APPROVED.into()];
        params.extend(ids.iter().map(|id| (*id).into()));
        conn.exec(
            format!(
                "SELECT DISTINCT product_id FROM {} WHERE seller_id = ? AND sync_status = ? \
                 AND product_id IN ({}) ORDER BY product_id",
                db.table("trendyol_products"),
                catalog_batches::marks(ids.len())
            ),
            params,
        )
        .await
        .map_err(Error::db("finding the changed products on Trendyol"))?
    };
    if on_trendyol.is_empty() {
        return Ok(skipped("none of the products is on Trendyol"));
    }
    let members: Vec<String> = on_trendyol.iter().map(u32::to_string).collect();
    let queued =
        coalesce::enqueue_coalesced(db, JobKind::StockPush, &slot(seller), FIELD, &members).await?;
    Ok(StockQueued {
        queue_id: queued.id,
        created: queued.created,
        product_ids: on_trendyol,
        skipped: None,
    })
}

/// The open stock push of `seller` when it is ready to run (one lookup by the slot's unique key).
pub async fn open_job(db: &Database, seller: u64) -> Result<Option<u64>> {
    let mut conn = db.conn().await?;
    conn.exec_first(
        format!(
            "SELECT queue_id FROM {} WHERE dedupe_key = ? AND status = 'pending' \
             AND available_at <= NOW(3)",
            db.table("trendyol_sync_queue")
        ),
        (slot(seller),),
    )
    .await
    .map_err(Error::db("looking for a waiting stock push"))
}

/// The product ids a stock push payload names (ignoring anything that is not an id).
pub fn product_ids_of(payload: &serde_json::Value) -> Vec<u32> {
    let mut ids: Vec<u32> = coalesce::members(payload, FIELD)
        .iter()
        .filter_map(|m| m.parse::<u32>().ok())
        .filter(|id| *id > 0)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Sends the current stock and prices of these products' Trendyol rows where they differ from
/// what Trendyol has or is being sent.
pub async fn push_products(ctx: &JobContext, product_ids: &[u32]) -> Result<DeltaReport> {
    let mut report = DeltaReport::default();
    if product_ids.is_empty() {
        return Ok(report);
    }
    let basis = PriceBasis::load(&ctx.db, &ctx.settings).await?;
    let seller = ctx.client.seller_id();
    let mut pacer = Pacer::new();
    for ids in product_ids.chunks(MAX_ITEMS_PER_REQUEST) {
        let changes = changes_of(ctx, &basis, seller, ids).await?;
        report.changed += changes.len() as u64;
        for change in &changes {
            report.quantity_changes += u64::from(change.quantity.is_some());
            report.price_changes += u64::from(change.sale_price.is_some());
        }
        for write in changes.chunks(MAX_ITEMS_PER_REQUEST) {
            delta::send(ctx, seller, write.to_vec(), &mut pacer, &mut report).await?;
        }
    }
    Ok(report)
}

/// The rows of these products whose desired values differ from Trendyol's — confirmed, or in
/// flight when a write is out — with the fields to send.
async fn changes_of(
    ctx: &JobContext,
    basis: &PriceBasis,
    seller: u64,
    product_ids: &[u32],
) -> Result<Vec<Change>> {
    let db = &ctx.db;
    let d = desired_sql(db, &ctx.settings, basis);
    let (price_vs_confirmed, price_vs_flight) = if d.prices {
        (
            "(NOT (x.list <=> x.confirmed_list_price) OR NOT (x.sale <=> x.confirmed_sale_price))",
            "(NOT (x.list <=> x.sent_list_price) OR NOT (x.sale <=> x.sent_sale_price))",
        )
    } else {
        ("FALSE", "FALSE")
    };
    // Per field: does it differ from what Trendyol confirmed, and from what Trendyol will have
    // once the write in flight lands (the sent value where one was sent, else the confirmed).
    let sql = format!(
        "SELECT x.trendyol_product_id, x.product_id, x.barcode, x.qty, CAST(x.list AS CHAR), \
         CAST(x.sale AS CHAR), NOT (x.qty <=> x.confirmed_quantity), {price_vs_confirmed}, \
         IF(x.in_flight AND x.sent_quantity IS NOT NULL, NOT (x.qty <=> x.sent_quantity), \
            NOT (x.qty <=> x.confirmed_quantity)), \
         IF(x.in_flight AND x.sent_list_price IS NOT NULL, {price_vs_flight}, {price_vs_confirmed}) \
         FROM (SELECT tp.trendyol_product_id, tp.product_id, tp.barcode, tp.confirmed_quantity, \
               tp.confirmed_list_price, tp.confirmed_sale_price, tp.sent_quantity, \
               tp.sent_list_price, tp.sent_sale_price, tp.stock_batch_request_id <> '' AS in_flight, \
               {qty} AS qty, {list} AS list, {sale} AS sale \
               FROM {tp} tp JOIN {product} p ON p.product_id = tp.product_id {joins} \
               WHERE tp.seller_id = ? AND tp.sync_status = ? AND tp.product_id IN ({ids})) x \
         ORDER BY x.product_id, x.trendyol_product_id",
        qty = d.quantity,
        list = d.list_price,
        sale = d.sale_price,
        tp = db.table("trendyol_products"),
        product = db.table("product"),
        joins = d.joins,
        ids = catalog_batches::marks(product_ids.len()),
    );
    let mut params: Vec<mysql_async::Value> = vec![seller.into(), state::APPROVED.into()];
    params.extend(product_ids.iter().map(|id| (*id).into()));
    let mut conn = db.conn().await?;
    let rows: Vec<Row> = conn
        .exec(sql, params)
        .await
        .map_err(Error::db("reading the stock of changed products"))?;
    let flag = |r: &mut Row, i: usize| r.take::<Option<i64>, _>(i).flatten().unwrap_or(1) != 0;
    let mut changes = Vec::new();
    for mut r in rows {
        let (quantity_vs_confirmed, price_vs_confirmed) = (flag(&mut r, 6), flag(&mut r, 7));
        let (quantity_vs_flight, price_vs_flight) = (flag(&mut r, 8), flag(&mut r, 9));
        if !quantity_vs_flight && !price_vs_flight {
            continue;
        }
        let send_quantity = quantity_vs_confirmed || quantity_vs_flight;
        let send_prices = price_vs_confirmed || price_vs_flight;
        let quantity: Option<i64> = r.take(3).flatten();
        let list: Option<String> = r.take(4).flatten();
        let sale: Option<String> = r.take(5).flatten();
        let barcode: String = r.take(2).unwrap_or_default();
        if barcode.is_empty() {
            continue;
        }
        changes.push(Change {
            trendyol_product_id: r.take(0).unwrap_or(0),
            product_id: r.take(1).unwrap_or(0),
            barcode,
            quantity: quantity.filter(|_| send_quantity),
            list_price: list.as_deref().and_then(money).filter(|_| send_prices),
            sale_price: sale.as_deref().and_then(money).filter(|_| send_prices),
        });
    }
    Ok(changes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_ids_are_positive_sorted_and_unique() {
        let payload = serde_json::json!({"product_ids": {"9": 1, "3": 1, "x": 1, "0": 1, "-4": 1}});
        assert_eq!(product_ids_of(&payload), vec![3, 9]);
        assert!(product_ids_of(&serde_json::json!({})).is_empty());
    }

    #[test]
    fn one_open_slot_per_seller() {
        assert_eq!(slot(1001), "stock_push:1001:open");
        assert_ne!(slot(1001), slot(1002));
    }
}
