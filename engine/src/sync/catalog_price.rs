//! What Trendyol should show for a product's stock and prices, as SQL over OpenCart's tables.
//!
//! Both catalog jobs need the same answer — the product job when it creates a product, the
//! stock job when it looks for changes — so it is written once, here, as SQL expressions: the
//! stock job compares them with the last confirmed values inside the database and only the rows
//! that differ ever leave it, which is what keeps a scan of a million products fast and small.
//!
//! - quantity: OpenCart's quantity minus the safety buffer, never below 0, capped at Trendyol's
//!   20,000; a disabled product offers 0;
//! - list price: the product price; sale price: the active special of the chosen customer group
//!   (OpenCart's own rule: dates open or spanning today on the shop's clock, lowest priority
//!   first), never above the list price;
//! - both converted from the shop's default currency to lira with OpenCart's rate for TRY
//!   (`amount * value`, as `cart/currency.php` does), with VAT added when the shop's prices
//!   exclude it (the rate from the VAT mapping, else the default rate), rounded to kuruş. A shop
//!   without TRY gets no price expressions at all ([`DesiredSql::prices`] is false);
//! - then the owner's price rules, in lira (markup, floor, rounding; see
//!   [`crate::sync::price_rules`]).
//!
//! The sale price comes in two shapes with the same answer. [`desired_sql`] looks the special
//! up per row (a correlated subquery): right for a page of products. [`desired_sql_for_window`]
//! ranks the specials of a whole window of products once (`ROW_NUMBER()` in a derived table,
//! limited to the window's product id range) and joins the winners: the scan of a large catalog then
//! costs one pass over the window's specials instead of one lookup and one sort per product.

use std::ops::RangeInclusive;

use crate::config::Settings;
use crate::db::Database;
use crate::sync::shop_locale::PriceBasis;

/// Trendyol's stock cap per barcode.
pub const MAX_STOCK: i64 = trendyol_wire::inventory::MAX_STOCK;

/// A `LIMIT` no window reaches. A derived table with a `LIMIT` is materialized once: without
/// it, MariaDB may choose to "split" the ranked specials into a lateral subquery re-run for
/// every product of the window, which made a window of 50,000 products take twice as long.
const NOT_SPLIT: u64 = u64::MAX;

/// SQL pieces over `{prefix}product p`.
pub struct DesiredSql {
    /// Joins to add after `... product p` (the VAT mapping, when prices exclude VAT).
    pub joins: String,
    pub quantity: String,
    pub list_price: String,
    pub sale_price: String,
    /// False when the shop has no TRY: the price expressions are `NULL` and no price may be
    /// sent (see [`crate::sync::shop_locale::NO_LIRA`]).
    pub prices: bool,
}

/// OpenCart's rule for the special that applies now, as the conditions on `ps`. Its dates are
/// the shop's local dates, so "now" is today on the shop's clock, not UTC's.
fn active_special_conditions(basis: &PriceBasis) -> String {
    // `today` comes from the time zone database as `Y-m-d`; checked again since it goes into SQL.
    let today =
        if basis.today.len() == 10 && basis.today.chars().all(|c| c.is_ascii_digit() || c == '-') {
            basis.today.as_str()
        } else {
            "0000-00-00"
        };
    format!(
        "ps.customer_group_id = {} \
         AND (ps.date_start = '0000-00-00' OR ps.date_start <= '{today}') \
         AND (ps.date_end = '0000-00-00' OR ps.date_end > '{today}')",
        basis.customer_group_id
    )
}

/// The expressions for these settings, the special looked up per row.
pub fn desired_sql(db: &Database, settings: &Settings, basis: &PriceBasis) -> DesiredSql {
    let special = format!(
        "(SELECT ps.price FROM {} ps WHERE ps.product_id = p.product_id AND {} \
         ORDER BY ps.priority ASC, ps.price ASC LIMIT 1)",
        db.table("product_special"),
        active_special_conditions(basis)
    );
    build(db, settings, basis, String::new(), &special)
}

/// The expressions for these settings when `p` is limited to products whose ids lie in
/// `product_ids`: the specials of that id range are ranked once and joined as `sp` (same winner
/// as [`desired_sql`]: lowest priority, then lowest price). The range reads `product_special`
/// by its `product_id` index, so each window of a scan ranks only its own share of specials.
pub fn desired_sql_for_window(
    db: &Database,
    settings: &Settings,
    basis: &PriceBasis,
    product_ids: RangeInclusive<u32>,
) -> DesiredSql {
    let join = format!(
        " LEFT JOIN (SELECT ranked.product_id, ranked.price FROM \
           (SELECT ps.product_id, ps.price, ROW_NUMBER() OVER \
             (PARTITION BY ps.product_id ORDER BY ps.priority ASC, ps.price ASC) AS pick \
            FROM {} ps WHERE {} AND ps.product_id BETWEEN {} AND {}) ranked \
          WHERE ranked.pick = 1 LIMIT {NOT_SPLIT}) sp ON sp.product_id = p.product_id",
        db.table("product_special"),
        active_special_conditions(basis),
        product_ids.start(),
        product_ids.end()
    );
    build(db, settings, basis, join, "sp.price")
}

fn build(
    db: &Database,
    settings: &Settings,
    basis: &PriceBasis,
    special_join: String,
    special: &str,
) -> DesiredSql {
    let (vat_join, factor) = if settings.prices_include_vat {
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
    // The base price in lira (OpenCart's `amount * value` for TRY) before VAT, rounded once at
    // the end to TRY's decimals. No TRY: no price at all.
    let (currency, decimals) = match &basis.lira {
        Some(lira) => (lira.sql_value(), lira.decimals()),
        None => ("NULL".to_string(), 2),
    };
    let price = |base: &str| -> String {
        if basis.lira.is_none() {
            return "CAST(NULL AS DECIMAL(15,4))".to_string();
        }
        format!("CAST(ROUND({base} * {factor}, {decimals}) AS DECIMAL(15,4))")
    };
    let list_price = price(&format!("p.price * {currency}"));
    let sale_price = price(&format!(
        "LEAST(COALESCE({special}, p.price), p.price) * {currency}"
    ));
    // The owner's price rules go last, on the lira prices with VAT: what a buyer sees on
    // Trendyol. Without TRY there is no price to rule.
    let ruled = if basis.lira.is_some() {
        settings.price_rules.sql(db, &list_price, &sale_price)
    } else {
        crate::sync::price_rules::RuledSql {
            joins: String::new(),
            list_price,
            sale_price,
        }
    };
    DesiredSql {
        joins: vat_join + &special_join + &ruled.joins,
        quantity: format!(
            "LEAST(GREATEST(IF(p.status = 1, CAST(p.quantity AS SIGNED), 0) - {}, 0), {MAX_STOCK})",
            settings.stock_buffer
        ),
        list_price: ruled.list_price,
        sale_price: ruled.sale_price,
        prices: basis.lira.is_some(),
    }
}

/// A DECIMAL read as text (`CAST(... AS CHAR)`), as a float for the wire.
pub fn money(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok()
}
