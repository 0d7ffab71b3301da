//! Reconciliation: Trendyol's own view of stock and prices against what MesChain believes.
//!
//! The delta scan trusts `confirmed_*`, so anything that changed on Trendyol behind MesChain's
//! back (an edit in the seller panel, a lost batch result, an order Trendyol counted but the
//! shop did not) would never be repaired. Reconciliation reads the approved list (100 contents
//! a page) and, where Trendyol shows other values than the confirmed ones, takes Trendyol's as
//! confirmed — with a `trendyol_stock_history` row (source `reconcile`) for quantities — so the
//! delta scan that follows sends OpenCart's values where they differ. Rows with a write in
//! flight are left alone: their batch result is about to say.

use std::collections::HashMap;
use std::time::Instant;

use mysql_async::prelude::*;
use mysql_async::TxOpts;
use serde::Serialize;
use trendyol_wire::products::{normalize_barcode, MAX_V2_PAGE_SIZE};

use crate::error::{Error, Result};
use crate::runner::{JobContext, StopReason};
use crate::sync::catalog_batches::marks;
use crate::sync::catalog_pace::Pacer;
use crate::sync::catalog_price::money;
use crate::sync::products::state;
use crate::trendyol::ProductListQuery;

/// What reconciliation found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReconcileReport {
    pub pages_read: u64,
    pub barcodes_seen: u64,
    pub drifted: u64,
    pub quantity_drift: u64,
    pub price_drift: u64,
}

/// Trendyol's values for one barcode.
struct Seen {
    quantity: Option<i64>,
    list_price: Option<f64>,
    sale_price: Option<f64>,
}

/// Reads the whole approved list and repairs the confirmed values where they drifted.
pub async fn reconcile(
    ctx: &JobContext,
    pacer: &mut Pacer,
    report: &mut ReconcileReport,
) -> Result<Option<StopReason>> {
    let seller = ctx.client.seller_id();
    let mut token: Option<String> = None;
    let mut first = true;
    while first || token.is_some() {
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
        let page = ctx.client.approved_products(&query).await?;
        pacer.observe(started.elapsed());
        report.pages_read += 1;
        token = page.next_page_token.filter(|t| !t.is_empty());
        let seen: HashMap<String, Seen> = page
            .content
            .into_iter()
            .flat_map(|c| c.variants)
            .map(|v| {
                (
                    normalize_barcode(&v.barcode),
                    Seen {
                        quantity: v.stock.as_ref().and_then(|s| s.quantity),
                        list_price: v.price.as_ref().and_then(|p| p.list_price),
                        sale_price: v.price.as_ref().and_then(|p| p.sale_price),
                    },
                )
            })
            .collect();
        report.barcodes_seen += seen.len() as u64;
        repair(ctx, seller, &seen, report).await?;
    }
    Ok(None)
}

fn same_money(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() < 0.005,
        (None, None) => true,
        _ => false,
    }
}

async fn repair(
    ctx: &JobContext,
    seller: u64,
    seen: &HashMap<String, Seen>,
    report: &mut ReconcileReport,
) -> Result<()> {
    if seen.is_empty() {
        return Ok(());
    }
    let db = &ctx.db;
    let table = db.table("trendyol_products");
    let mut params: Vec<mysql_async::Value> = vec![seller.into(), state::APPROVED.into()];
    params.extend(seen.keys().map(|b| b.as_str().into()));
    let mut conn = db.conn().await?;
    type Row = (
        u64,
        u32,
        String,
        Option<i64>,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<Row> = conn
        .exec(
            format!(
                "SELECT trendyol_product_id, product_id, barcode, confirmed_quantity, \
                 CAST(confirmed_list_price AS CHAR), CAST(confirmed_sale_price AS CHAR) FROM {table} \
                 WHERE seller_id = ? AND sync_status = ? AND stock_batch_request_id = '' \
                 AND barcode IN ({})",
                marks(seen.len())
            ),
            params,
        )
        .await
        .map_err(Error::db("reading confirmed stock and prices"))?;
    let mut drifted = Vec::new();
    for (id, product_id, barcode, quantity, list, sale) in rows {
        let Some(s) = seen.get(&barcode) else {
            continue;
        };
        let quantity_drift = s.quantity.is_some() && s.quantity != quantity;
        let price_drift = !same_money(s.list_price, list.as_deref().and_then(money))
            || !same_money(s.sale_price, sale.as_deref().and_then(money));
        if quantity_drift || price_drift {
            report.drifted += 1;
            report.quantity_drift += u64::from(quantity_drift);
            report.price_drift += u64::from(price_drift);
            drifted.push((id, product_id, barcode, quantity, quantity_drift, s));
        }
    }
    if drifted.is_empty() || ctx.dry_run {
        return Ok(());
    }
    let mut tx = conn
        .start_transaction(TxOpts::default())
        .await
        .map_err(Error::db("starting to repair drift"))?;
    for (id, product_id, barcode, before, quantity_drift, s) in drifted {
        if quantity_drift {
            let after = s.quantity.unwrap_or(0);
            tx.exec_drop(
                format!(
                    "INSERT INTO {} (product_id, product_option_value_id, barcode, quantity_before, \
                     quantity_after, delta, source, reference, created_at) \
                     VALUES (?, 0, ?, ?, ?, ?, 'reconcile', 'trendyol', UTC_TIMESTAMP(3))",
                    db.table("trendyol_stock_history")
                ),
                (
                    product_id,
                    barcode.as_str(),
                    before,
                    after,
                    after - before.unwrap_or(0),
                ),
            )
            .await
            .map_err(Error::db("recording reconciled stock"))?;
        }
        tx.exec_drop(
            format!(
                "UPDATE {table} SET confirmed_quantity = COALESCE(?, confirmed_quantity), \
                 confirmed_list_price = COALESCE(?, confirmed_list_price), \
                 confirmed_sale_price = COALESCE(?, confirmed_sale_price), \
                 updated_at = UTC_TIMESTAMP() WHERE trendyol_product_id = ?"
            ),
            (s.quantity, s.list_price, s.sale_price, id),
        )
        .await
        .map_err(Error::db("repairing confirmed stock and prices"))?;
    }
    tx.commit()
        .await
        .map_err(Error::db("committing repaired drift"))
}
