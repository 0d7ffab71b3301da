//! The mappings the product and order sync read: OpenCart category → Trendyol category,
//! manufacturer → brand, attribute/option → Trendyol attribute (and their values), tax class →
//! VAT rate, Trendyol package status → OpenCart order status.
//!
//! Listings start from OpenCart's side (categories, manufacturers, tax classes, attributes and
//! options, in the configured language) and join the mapping, so the admin shows what still
//! needs mapping (`unmapped_only`), not only what has been mapped. The order status listing
//! shows every Trendyol status with its *effective* OpenCart status: the shop's row, or the
//! engine's default (`is_default`).
//!
//! A saved row is checked completely before anything is written: ids must exist in OpenCart,
//! Trendyol ids must be positive, VAT one of Trendyol's rates, names trimmed and at most 255
//! characters. Each kind's table and columns come from a `match`, never from input.

mod attributes;
mod delete;
mod order_statuses;
mod row;
mod save;
mod simple;
mod values;

use serde_json::{Map, Value};

pub use delete::delete;
pub use save::save;

use super::{bad, Input};
use crate::db::Database;
use crate::error::Result;
use crate::sync::orders::status_map::DEFAULTS;

/// Trendyol's VAT rates.
pub const VAT_RATES: &[i64] = &[0, 1, 10, 20];

/// Trendyol statuses a mapping may name: the defaults' and `UnPacked` (which has no default).
pub fn trendyol_statuses() -> Vec<&'static str> {
    let mut statuses: Vec<&'static str> = DEFAULTS.iter().map(|(s, _, _)| *s).collect();
    statuses.push("UnPacked");
    statuses
}

/// What is mapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Category,
    Brand,
    Attribute,
    AttributeValue,
    Vat,
    OrderStatus,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Category,
        Kind::Brand,
        Kind::Attribute,
        Kind::AttributeValue,
        Kind::Vat,
        Kind::OrderStatus,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Category => "category",
            Kind::Brand => "brand",
            Kind::Attribute => "attribute",
            Kind::AttributeValue => "attribute_value",
            Kind::Vat => "vat",
            Kind::OrderStatus => "order_status",
        }
    }

    pub fn parse(name: &str) -> Result<Kind> {
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str() == name.trim())
            .ok_or_else(|| {
                let names: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
                bad(
                    "kind",
                    format!("'{name}' is not one of {}", names.join(", ")),
                )
            })
    }
}

pub(super) const MAX_ID: i64 = i32::MAX as i64;
pub(super) const MAX_TRENDYOL_ID: i64 = i64::MAX;
/// Sources listed beside the attribute mappings (attributes and options of a shop are few).
pub(super) const MAX_SOURCES: u32 = 500;

/// One kind's listing (see the module docs).
pub async fn list(
    db: &Database,
    language_id: u32,
    kind: Kind,
    filter: &Map<String, Value>,
) -> Result<Value> {
    match kind {
        Kind::Category | Kind::Brand | Kind::Vat => {
            simple::simple_list(db, language_id, kind, filter).await
        }
        Kind::Attribute => attributes::attribute_list(db, language_id, filter).await,
        Kind::AttributeValue => values::value_list(db, language_id, filter).await,
        Kind::OrderStatus => {
            Input::new(filter, "the order status filter", &[])?;
            order_statuses::order_status_list(db, language_id).await
        }
    }
}
