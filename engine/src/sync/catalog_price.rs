//! What Trendyol should show for a product's stock and prices, as SQL over OpenCart's tables.
//!
//! Both catalog jobs need the same answer — the product job when it creates a product, the
//! stock job when it looks for changes — so it is written once, here, as SQL expressions: the
//! stock job compares them with the last confirmed values inside the database and only the rows
//! that differ ever leave it, which is what keeps a scan of a million products fast and small.
//!
//! - quantity: OpenCart's quantity minus the safety buffer, never below 0, capped at Trendyol's
//!   20,000; a disabled product offers 0;
//! - list price: the product price; sale price: the active special of the default customer group
//!   (OpenCart's own rule: dates open or spanning now, lowest priority first), never above the
//!   list price;
//! - both with VAT added when the shop's prices exclude it (the rate from the VAT mapping, else
//!   the default rate), rounded to cents.

use crate::config::Settings;
use crate::db::Database;

/// Trendyol's stock cap per barcode.
pub const MAX_STOCK: i64 = trendyol_wire::inventory::MAX_STOCK;

/// The customer group whose specials set the sale price (OpenCart's default group).
const CUSTOMER_GROUP_ID: u32 = 1;

/// SQL pieces over `{prefix}product p`.
pub struct DesiredSql {
    /// Joins to add after `... product p` (the VAT mapping, when prices exclude VAT).
    pub joins: String,
    pub quantity: String,
    pub list_price: String,
    pub sale_price: String,
}

/// The expressions for these settings.
pub fn desired_sql(db: &Database, settings: &Settings) -> DesiredSql {
    let (joins, factor) = if settings.prices_include_vat {
        (String::new(), "1".to_string())
    } else {
        (
            format!(
                " LEFT JOIN {} vm ON vm.tax_class_id = p.tax_class_id",
                db.table("trendyol_vat_map")
            ),
            format!(
                "(1 + COALESCE(vm.vat_rate, {}) / 100)",
                settings.default_vat_rate
            ),
        )
    };
    let special = format!(
        "(SELECT ps.price FROM {} ps WHERE ps.product_id = p.product_id \
         AND ps.customer_group_id = {CUSTOMER_GROUP_ID} \
         AND (ps.date_start = '0000-00-00' OR ps.date_start <= UTC_DATE()) \
         AND (ps.date_end = '0000-00-00' OR ps.date_end > UTC_DATE()) \
         ORDER BY ps.priority ASC, ps.price ASC LIMIT 1)",
        db.table("product_special")
    );
    DesiredSql {
        joins,
        quantity: format!(
            "LEAST(GREATEST(IF(p.status = 1, CAST(p.quantity AS SIGNED), 0) - {}, 0), {MAX_STOCK})",
            settings.stock_buffer
        ),
        list_price: format!("CAST(ROUND(p.price * {factor}, 2) AS DECIMAL(15,4))"),
        sale_price: format!(
            "CAST(ROUND(LEAST(COALESCE({special}, p.price), p.price) * {factor}, 2) AS DECIMAL(15,4))"
        ),
    }
}

/// A DECIMAL read as text (`CAST(... AS CHAR)`), as a float for the wire.
pub fn money(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok()
}
