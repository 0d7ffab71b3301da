//! Low-stock alerts, deduplicated per barcode, through the shared [`crate::alerts::raise`].
//!
//! Kept as its own small module so the stock job says *what* it reports (type, key, wording)
//! and the alerts module decides *how*: an open (unacknowledged) alert with the same dedupe key
//! is bumped — one more occurrence, a new last-seen time and message — instead of a new row,
//! so a product that keeps selling out is one alert, not one per sync; and the runner mails
//! what is due after the job.

use crate::alerts::{self, Alert, Raised, Severity};
use crate::error::Result;
use crate::runner::JobContext;

/// The alert's type in `trendyol_alerts`.
pub const ALERT_TYPE: &str = "low_stock";

/// The dedupe key of a barcode's low-stock alert.
pub fn dedupe_key(seller: u64, barcode: &str) -> String {
    format!("low_stock:{seller}:{barcode}")
}

/// The alert for one barcode at `quantity`: critical when sold out, a warning otherwise.
pub fn alert(threshold: u32, seller: u64, product_id: u32, barcode: &str, quantity: i64) -> Alert {
    Alert {
        alert_type: ALERT_TYPE.to_string(),
        severity: if quantity <= 0 {
            Severity::Critical
        } else {
            Severity::Warning
        },
        title: format!("Low stock: {barcode}"),
        message: format!(
            "Product {product_id} (barcode {barcode}) has {quantity} on Trendyol, under the threshold of {threshold}."
        ),
        dedupe_key: dedupe_key(seller, barcode),
    }
}

/// Raises (or bumps) the low-stock alert of one barcode.
pub async fn raise(
    ctx: &JobContext,
    seller: u64,
    product_id: u32,
    barcode: &str,
    quantity: i64,
) -> Result<Raised> {
    let alert = alert(
        ctx.settings.low_stock_threshold,
        seller,
        product_id,
        barcode,
        quantity,
    );
    alerts::raise(&ctx.db, &alert).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sold_out_is_critical_and_low_is_a_warning_under_one_key_per_barcode() {
        let out = alert(5, 1001, 7, "B-1", 0);
        assert_eq!(out.severity, Severity::Critical);
        assert_eq!(out.dedupe_key, "low_stock:1001:B-1");
        let low = alert(5, 1001, 7, "B-1", 3);
        assert_eq!(low.severity, Severity::Warning);
        assert_eq!(low.dedupe_key, out.dedupe_key);
        assert!(low.message.contains("threshold of 5"), "{}", low.message);
    }
}
