//! Writing new orders: one multi-row INSERT per table for a whole chunk of packages.
//!
//! The order ids come from the `order` INSERT. With InnoDB's auto-increment lock mode 0 or 1
//! (MariaDB's default) a multi-row INSERT of known length gets consecutive ids — the first is
//! `LAST_INSERT_ID()`, the rest follow by `auto_increment_increment` — so one statement makes
//! every order of a chunk and the lines, totals and history rows can name their order at once.
//! In the interleaved mode 2 ids may be shared out between concurrent inserts, so the orders
//! are inserted one by one there; every other table is still written in bulk.

use mysql_async::prelude::*;
use mysql_async::{Transaction, Value};

use super::new_order::{NewOrder, ORDER_COLUMNS};
use super::package::clip;
use crate::db::bulk::{insert_rows, MAX_PARAMS};
use crate::db::Database;
use crate::error::{Error, Result};

/// How the server hands out order ids to a multi-row INSERT: `Some(step)` when they are
/// consecutive (`auto_increment_increment` apart), `None` when they may interleave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdAllotment(pub Option<u64>);

impl IdAllotment {
    /// Reads the server's settings on `conn`.
    pub async fn read(conn: &mut mysql_async::Conn) -> Result<IdAllotment> {
        let row: Option<(u32, u64)> = conn
            .query_first("SELECT @@innodb_autoinc_lock_mode, @@auto_increment_increment")
            .await
            .map_err(Error::db("reading how order ids are handed out"))?;
        Ok(IdAllotment(match row {
            Some((mode, step)) if mode < 2 => Some(step.max(1)),
            _ => None,
        }))
    }
}

/// Writes every row of `orders` — `order`, `order_product`, `order_total`, `order_history`,
/// the `trendyol_orders` record and the package's lines — and returns the order ids, one per
/// order, in the same order.
pub async fn insert_new_orders(
    db: &Database,
    tx: &mut Transaction<'_>,
    seller_id: u64,
    orders: &[NewOrder],
    ids: IdAllotment,
    now: &str,
) -> Result<Vec<u32>> {
    if orders.is_empty() {
        return Ok(Vec::new());
    }
    let order_ids = insert_order_rows(db, tx, orders, ids).await?;

    let mut products = Vec::new();
    let mut totals = Vec::new();
    let mut history = Vec::new();
    let mut records = Vec::new();
    let mut lines = Vec::new();
    for (order, &order_id) in orders.iter().zip(&order_ids) {
        let facts = &order.facts;
        for p in &order.products {
            products.extend([
                order_id.into(),
                p.product_id.into(),
                p.product_id.into(),
                p.name.clone().into(),
                p.model.clone().into(),
                p.quantity.into(),
                p.price.into(),
                p.total.into(),
                p.tax.into(),
            ]);
        }
        for (extension, code, title, value, sort) in &order.totals {
            totals.extend([
                order_id.into(),
                (*extension).into(),
                (*code).into(),
                title.clone().into(),
                (*value).into(),
                (*sort).into(),
            ]);
        }
        history.extend([
            order_id.into(),
            order.status_id.into(),
            order.history.clone().into(),
            now.into(),
        ]);
        records.extend([
            seller_id.into(),
            facts.package_id.into(),
            facts.order_number.clone().into(),
            order_id.into(),
            facts.status.as_str().into(),
            facts.last_modified_ms.into(),
            origin_list(&facts.origin_package_ids).into(),
            facts.total.into(),
            order.currency_code.clone().into(),
            order.unknown_lines.into(),
            facts.tracking_number.clone().into(),
        ]);
        lines.extend(line_values(seller_id, facts, &order.lines));
    }
    insert_rows(
        tx,
        &format!(
            "INSERT INTO {} (order_id, product_id, master_id, name, model, quantity, price, \
             total, tax, reward)",
            db.table("order_product")
        ),
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
        9,
        products,
        "inserting the order's products",
    )
    .await?;
    insert_rows(
        tx,
        &format!(
            "INSERT INTO {} (order_id, extension, code, title, value, sort_order)",
            db.table("order_total")
        ),
        "(?, ?, ?, ?, ?, ?)",
        6,
        totals,
        "inserting the order's totals",
    )
    .await?;
    insert_rows(
        tx,
        &format!(
            "INSERT INTO {} (order_id, order_status_id, notify, comment, date_added)",
            db.table("order_history")
        ),
        "(?, ?, 0, ?, ?)",
        4,
        history,
        "adding order history",
    )
    .await?;
    insert_rows(
        tx,
        &format!(
            "INSERT INTO {} (seller_id, package_id, order_number, order_id, package_status, \
             last_modified_ms, origin_package_ids, total, currency_code, unknown_lines, \
             tracking_number, created_at, updated_at)",
            db.table("trendyol_orders")
        ),
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NOW(), NOW())",
        11,
        records,
        "recording the imported package",
    )
    .await?;
    insert_lines(db, tx, lines).await?;
    Ok(order_ids)
}

/// The `order` rows: one statement when ids come out consecutive, else one per order.
async fn insert_order_rows(
    db: &Database,
    tx: &mut Transaction<'_>,
    orders: &[NewOrder],
    ids: IdAllotment,
) -> Result<Vec<u32>> {
    let names: Vec<String> = ORDER_COLUMNS.iter().map(|n| format!("`{n}`")).collect();
    let head = format!("INSERT INTO {} ({})", db.table("order"), names.join(", "));
    let tuple = format!("({})", vec!["?"; names.len()].join(", "));
    let what = "inserting the OpenCart order";
    let batch = match ids.0 {
        Some(_) => (MAX_PARAMS / ORDER_COLUMNS.len()).max(1),
        None => 1,
    };
    let step = ids.0.unwrap_or(1);
    let mut out = Vec::with_capacity(orders.len());
    for chunk in orders.chunks(batch) {
        let values: Vec<Value> = chunk
            .iter()
            .flat_map(|o| o.order_values.iter().cloned())
            .collect();
        tx.exec_drop(
            format!(
                "{head} VALUES {}",
                vec![tuple.as_str(); chunk.len()].join(", ")
            ),
            values,
        )
        .await
        .map_err(Error::db(what))?;
        let first = tx
            .last_insert_id()
            .filter(|_| tx.affected_rows() == chunk.len() as u64)
            .ok_or_else(|| Error::Internal("the order insert returned no id".into()))?;
        for i in 0..chunk.len() as u64 {
            let id = u32::try_from(first + i * step)
                .map_err(|_| Error::Internal("an order id beyond OpenCart's column".into()))?;
            out.push(id);
        }
    }
    Ok(out)
}

/// `trendyol_order_lines` values of `lines` (as matched), for the stock arithmetic.
pub fn line_values(
    seller_id: u64,
    facts: &super::package::PackageFacts,
    lines: &[super::stock::OrderLine],
) -> Vec<Value> {
    let mut rows = Vec::with_capacity(lines.len() * 9);
    for ((package_id, line_id, product_id, option_id, quantity, barcode), line) in
        lines.iter().zip(&facts.lines)
    {
        rows.extend([
            seller_id.into(),
            (*package_id).into(),
            (*line_id).into(),
            facts.order_number.clone().into(),
            barcode.clone().into(),
            line.stock_code.clone().into(),
            (*product_id).into(),
            (*option_id).into(),
            (*quantity).into(),
        ]);
    }
    rows
}

/// Inserts `trendyol_order_lines` rows made by [`line_values`].
pub async fn insert_lines(db: &Database, tx: &mut Transaction<'_>, rows: Vec<Value>) -> Result<()> {
    insert_rows(
        tx,
        &format!(
            "INSERT INTO {} (seller_id, package_id, line_id, order_number, barcode, stock_code, \
             product_id, product_option_value_id, quantity)",
            db.table("trendyol_order_lines")
        ),
        "(?, ?, ?, ?, ?, ?, ?, ?, ?)",
        9,
        rows,
        "recording the package's lines",
    )
    .await
}

/// `origin_package_ids` as stored: a comma list cut to the column.
pub fn origin_list(ids: &[u64]) -> String {
    let list: Vec<String> = ids.iter().map(u64::to_string).collect();
    clip(&list.join(","), 255)
}
