//! Which OpenCart product an order line is.
//!
//! A line names its product by `barcode` and `stockCode`. The barcode is looked up first in
//! `trendyol_products` (what product sync sent, including option variants), then in the
//! `oc_product` column the shop chose as its barcode source; the stock code is tried against
//! `model` and `sku`. A line that matches nothing is still imported — with product_id 0 and
//! Trendyol's product name — and counted as unknown, so no order is lost for a missing mapping.
//! Lookups are done for a whole page of packages at once, outside any transaction.

use std::collections::{HashMap, HashSet};

use mysql_async::prelude::*;
use trendyol_wire::ShipmentPackage;

use crate::config::Settings;
use crate::db::Database;
use crate::error::{Error, Result};

/// An OpenCart product (or option value of one) an order line takes stock from.
#[derive(Debug, Clone, PartialEq)]
pub struct ProductRef {
    pub product_id: u32,
    pub product_option_value_id: u32,
    pub name: String,
    pub model: String,
}

/// Lines' identifiers resolved to products.
#[derive(Debug, Default, Clone)]
pub struct ProductIndex {
    by_barcode: HashMap<String, ProductRef>,
    by_stock_code: HashMap<String, ProductRef>,
}

impl ProductIndex {
    /// The product of a line, if any.
    pub fn find(&self, barcode: Option<&str>, stock_code: Option<&str>) -> Option<&ProductRef> {
        barcode
            .map(str::trim)
            .filter(|b| !b.is_empty())
            .and_then(|b| self.by_barcode.get(b))
            .or_else(|| {
                stock_code
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .and_then(|s| self.by_stock_code.get(s))
            })
    }

    /// Resolves every line of `packages`.
    pub async fn resolve(
        db: &Database,
        settings: &Settings,
        packages: &[ShipmentPackage],
    ) -> Result<ProductIndex> {
        let mut barcodes = HashSet::new();
        let mut stock_codes = HashSet::new();
        for line in packages.iter().flat_map(|p| &p.lines) {
            if let Some(b) = line
                .barcode
                .as_deref()
                .map(str::trim)
                .filter(|b| !b.is_empty())
            {
                barcodes.insert(b.to_string());
            }
            if let Some(s) = line
                .stock_code
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
            {
                stock_codes.insert(s.to_string());
            }
        }
        let mut index = ProductIndex::default();
        if barcodes.is_empty() && stock_codes.is_empty() {
            return Ok(index);
        }
        let mut conn = db.conn().await?;
        // (key, product_id, product_option_value_id)
        let mut found: Vec<(String, u32, u32, bool)> = Vec::new();
        let barcodes: Vec<String> = barcodes.into_iter().collect();
        for chunk in barcodes.chunks(500) {
            let rows: Vec<(String, u32, u32)> = conn
                .exec(
                    format!(
                        "SELECT barcode, product_id, product_option_value_id FROM {} \
                         WHERE barcode IN ({})",
                        db.table("trendyol_products"),
                        marks(chunk.len())
                    ),
                    chunk.to_vec(),
                )
                .await
                .map_err(Error::db("matching order lines to synced products"))?;
            found.extend(rows.into_iter().map(|(b, p, o)| (b, p, o, true)));
            let rows = by_column(db, &mut conn, settings.barcode_source.column(), chunk).await?;
            found.extend(rows.into_iter().map(|(b, p)| (b, p, 0, true)));
        }
        let stock_codes: Vec<String> = stock_codes.into_iter().collect();
        for chunk in stock_codes.chunks(500) {
            for column in ["model", "sku"] {
                let rows = by_column(db, &mut conn, column, chunk).await?;
                found.extend(rows.into_iter().map(|(s, p)| (s, p, 0, false)));
            }
        }
        let ids: Vec<u32> = found
            .iter()
            .map(|(_, p, _, _)| *p)
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let mut names: HashMap<u32, (String, String)> = HashMap::new();
        for chunk in ids.chunks(500) {
            let rows: Vec<(u32, String, Option<String>)> = conn
                .exec(
                    format!(
                        "SELECT p.product_id, p.model, pd.name FROM {} p LEFT JOIN {} pd \
                         ON pd.product_id = p.product_id AND pd.language_id = ? \
                         WHERE p.product_id IN ({})",
                        db.table("product"),
                        db.table("product_description"),
                        marks(chunk.len())
                    ),
                    std::iter::once(settings.language_id)
                        .chain(chunk.iter().copied())
                        .collect::<Vec<u32>>(),
                )
                .await
                .map_err(Error::db("reading matched products"))?;
            for (id, model, name) in rows {
                names.insert(id, (model, name.unwrap_or_default()));
            }
        }
        for (key, product_id, option_id, is_barcode) in found {
            // A row in trendyol_products whose product was deleted from OpenCart matches nothing.
            let Some((model, name)) = names.get(&product_id) else {
                continue;
            };
            let product = ProductRef {
                product_id,
                product_option_value_id: option_id,
                name: name.clone(),
                model: model.clone(),
            };
            // The first match wins: synced products before the barcode column, model before sku.
            let map = if is_barcode {
                &mut index.by_barcode
            } else {
                &mut index.by_stock_code
            };
            map.entry(key).or_insert(product);
        }
        Ok(index)
    }
}

use crate::queue::marks;

/// `(value, product_id)` of products whose `column` (a closed set of `oc_product` columns) is
/// one of `values`.
async fn by_column(
    db: &Database,
    conn: &mut mysql_async::Conn,
    column: &str,
    values: &[String],
) -> Result<Vec<(String, u32)>> {
    conn.exec(
        format!(
            "SELECT `{column}`, product_id FROM {} WHERE `{column}` IN ({})",
            db.table("product"),
            marks(values.len())
        ),
        values.to_vec(),
    )
    .await
    .map_err(Error::db("matching order lines to products"))
}
