//! Low-stock alerts, deduplicated per barcode.
//!
//! Kept to one function on purpose: the shared alerting (`alerts::raise`, with e-mail) will take
//! over this write, and this is the one place to switch. An open (unacknowledged) alert with the
//! same dedupe key is bumped — one more occurrence, a new last-seen time and message — instead
//! of a new row, so a product that keeps selling out is one alert, not one per sync.

use mysql_async::prelude::*;

use crate::error::{Error, Result};
use crate::runner::JobContext;

/// The alert's type in `trendyol_alerts`.
pub const ALERT_TYPE: &str = "low_stock";

/// The dedupe key of a barcode's low-stock alert.
pub fn dedupe_key(seller: u64, barcode: &str) -> String {
    format!("low_stock:{seller}:{barcode}")
}

/// Raises (or bumps) the low-stock alert of one barcode.
pub async fn raise(
    ctx: &JobContext,
    seller: u64,
    product_id: u32,
    barcode: &str,
    quantity: i64,
) -> Result<()> {
    let db = &ctx.db;
    let table = db.table("trendyol_alerts");
    let key = dedupe_key(seller, barcode);
    let title = format!("Low stock: {barcode}");
    let message = format!(
        "Product {product_id} (barcode {barcode}) has {quantity} on Trendyol, under the threshold of {}.",
        ctx.settings.low_stock_threshold
    );
    let mut conn = db.conn().await?;
    let bumped = conn
        .exec_iter(
            format!(
                "UPDATE {table} SET occurrences = occurrences + 1, last_seen_at = UTC_TIMESTAMP(), \
                 message = ? WHERE dedupe_key = ? AND acknowledged_at IS NULL"
            ),
            (message.as_str(), key.as_str()),
        )
        .await
        .map_err(Error::db("bumping a low-stock alert"))?
        .affected_rows();
    if bumped == 0 {
        conn.exec_drop(
            format!(
                "INSERT INTO {table} (alert_type, severity, title, message, dedupe_key, occurrences, \
                 first_seen_at, last_seen_at) VALUES (?, ?, ?, ?, ?, 1, UTC_TIMESTAMP(), UTC_TIMESTAMP())"
            ),
            (
                ALERT_TYPE,
                if quantity == 0 { "critical" } else { "warning" },
                title.as_str(),
                message.as_str(),
                key.as_str(),
            ),
        )
        .await
        .map_err(Error::db("raising a low-stock alert"))?;
    }
    Ok(())
}
