//! Reading OpenCart products a page at a time, with everything the mapping needs.
//!
//! A page is one query for the ids of the products that may need work, then one query on
//! `product` for those (with its description, manufacturer, the desired stock and prices, and
//! this seller's `trendyol_products` row) plus one query per child table for the page's ids, so
//! memory is one page whatever the catalog size. Only products of the chosen store
//! (`product_to_store`, setting `store_id`) are read, and of those only the ones that may have
//! changed are read: no `trendyol_products` row yet, a different `date_modified` than the one
//! last handled (OpenCart's product form sets it on every save, specials and images included),
//! or a different mapping version (the owner edited a mapping or a catalog setting).

use std::collections::HashMap;

use mysql_async::prelude::*;
use mysql_async::Row;

use crate::config::Settings;
use crate::db::Database;
use crate::error::{Error, Result};
use crate::sync::catalog_batches::marks;
use crate::sync::catalog_price::{desired_sql, money};
use crate::sync::shop_locale::PriceBasis;

/// One OpenCart product as the mapping sees it.
#[derive(Debug, Clone, Default)]
pub struct SourceProduct {
    pub product_id: u32,
    pub model: String,
    pub sku: String,
    /// The value of the configured barcode column.
    pub barcode: String,
    pub manufacturer_id: u32,
    pub manufacturer_name: String,
    pub tax_class_id: u32,
    pub length: f64,
    pub width: f64,
    pub height: f64,
    /// `date_modified` as text, written back once the product is handled.
    pub date_modified: String,
    pub name: String,
    pub description: String,
    pub quantity: i64,
    pub list_price: Option<f64>,
    pub sale_price: Option<f64>,
    pub category_ids: Vec<u32>,
    /// Image paths as OpenCart stores them: the main image first, then by sort order.
    pub images: Vec<String>,
    /// `(attribute_id, text)` in the configured language.
    pub attributes: Vec<(u32, String)>,
    /// `(option_id, option_value_id)`.
    pub option_values: Vec<(u32, u32)>,
    pub existing: Option<ExistingRow>,
}

/// The product's `trendyol_products` row, when it has one.
#[derive(Debug, Clone, Default)]
pub struct ExistingRow {
    pub trendyol_product_id: u64,
    pub barcode: String,
    pub sync_status: String,
    pub submitted_hash: String,
    pub content_id: Option<u64>,
    pub batch_request_id: String,
    /// Why it is rejected, failed or invalid, as recorded (JSON array), if it is.
    pub reasons: Option<String>,
}

/// Reads the next page of products after `after_id` that may need work. `with_options` adds
/// option values (only needed when an attribute mapping reads options).
// Each argument is one independent fact of the page asked for; a struct for them would only
// rename them.
#[allow(clippy::too_many_arguments)]
pub async fn next_page(
    db: &Database,
    settings: &Settings,
    basis: &PriceBasis,
    seller_id: u64,
    mapping_version: &str,
    after_id: u32,
    limit: u32,
    with_options: bool,
) -> Result<Vec<SourceProduct>> {
    let mut conn = db.conn().await?;
    // First the ids, from `product` and the narrow `product_scan` index alone (migration 7): a
    // scan of an unchanged catalog reads no `trendyol_products` row and sends nothing back.
    let ids: Vec<u32> = conn
        .exec(
            format!(
                "SELECT p.product_id FROM {product} p \
                 JOIN {to_store} ps ON ps.product_id = p.product_id AND ps.store_id = ? \
                 LEFT JOIN {tp} tp FORCE INDEX (product_scan) ON tp.product_id = p.product_id \
                      AND tp.product_option_value_id = 0 AND tp.seller_id = ? \
                 WHERE p.product_id > ? AND (tp.trendyol_product_id IS NULL \
                      OR NOT (tp.source_modified_at <=> p.date_modified) OR tp.mapping_version <> ?) \
                 ORDER BY p.product_id LIMIT ?",
                product = db.table("product"),
                to_store = db.table("product_to_store"),
                tp = db.table("trendyol_products"),
            ),
            (basis.store_id, seller_id, after_id, mapping_version, limit),
        )
        .await
        .map_err(Error::db("finding products that may have changed"))?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let desired = desired_sql(db, settings, basis);
    let sql = format!(
        "SELECT p.product_id, p.model, p.sku, p.`{barcode}`, p.manufacturer_id, \
         COALESCE(m.name, ''), p.tax_class_id, CAST(p.length AS CHAR), CAST(p.width AS CHAR), \
         CAST(p.height AS CHAR), CAST(p.date_modified AS CHAR), COALESCE(pd.name, ''), \
         COALESCE(pd.description, ''), {qty}, CAST({list} AS CHAR), CAST({sale} AS CHAR), p.image, \
         tp.trendyol_product_id, tp.barcode, tp.sync_status, tp.submitted_hash, tp.content_id, \
         tp.batch_request_id, tp.reasons \
         FROM {product} p \
         LEFT JOIN {description} pd ON pd.product_id = p.product_id AND pd.language_id = ? \
         LEFT JOIN {manufacturer} m ON m.manufacturer_id = p.manufacturer_id \
         LEFT JOIN {tp} tp ON tp.product_id = p.product_id AND tp.product_option_value_id = 0 \
              AND tp.seller_id = ? {joins} \
         WHERE p.product_id IN ({ids}) ORDER BY p.product_id",
        barcode = settings.barcode_source.column(),
        qty = desired.quantity,
        list = desired.list_price,
        sale = desired.sale_price,
        product = db.table("product"),
        description = db.table("product_description"),
        manufacturer = db.table("manufacturer"),
        tp = db.table("trendyol_products"),
        joins = desired.joins,
        ids = marks(ids.len()),
    );
    let mut params: Vec<mysql_async::Value> = vec![settings.language_id.into(), seller_id.into()];
    params.extend(ids.iter().map(|id| (*id).into()));
    let rows: Vec<Row> = conn
        .exec(sql, params)
        .await
        .map_err(Error::db("reading a page of products"))?;
    let mut products = Vec::with_capacity(rows.len());
    let mut main_images = Vec::with_capacity(rows.len());
    for mut row in rows {
        let text = |row: &mut Row, i: usize| -> String {
            row.take::<Option<String>, _>(i)
                .flatten()
                .unwrap_or_default()
        };
        let number = |row: &mut Row, i: usize| -> f64 { text(row, i).parse().unwrap_or(0.0) };
        let tp_id: Option<u64> = row.take(17).flatten();
        let existing = tp_id.map(|id| ExistingRow {
            trendyol_product_id: id,
            barcode: text(&mut row, 18),
            sync_status: text(&mut row, 19),
            submitted_hash: text(&mut row, 20),
            content_id: row.take::<Option<u64>, _>(21).flatten(),
            batch_request_id: text(&mut row, 22),
            reasons: row.take::<Option<String>, _>(23).flatten(),
        });
        main_images.push(text(&mut row, 16));
        products.push(SourceProduct {
            product_id: row.take(0).unwrap_or(0),
            model: text(&mut row, 1),
            sku: text(&mut row, 2),
            barcode: text(&mut row, 3),
            manufacturer_id: row.take(4).unwrap_or(0),
            manufacturer_name: text(&mut row, 5),
            tax_class_id: row.take(6).unwrap_or(0),
            length: number(&mut row, 7),
            width: number(&mut row, 8),
            height: number(&mut row, 9),
            date_modified: text(&mut row, 10),
            name: text(&mut row, 11),
            description: text(&mut row, 12),
            quantity: row.take::<Option<i64>, _>(13).flatten().unwrap_or(0),
            list_price: money(&text(&mut row, 14)),
            sale_price: money(&text(&mut row, 15)),
            existing,
            ..SourceProduct::default()
        });
    }
    if products.is_empty() {
        return Ok(products);
    }
    let ids: Vec<u32> = products.iter().map(|p| p.product_id).collect();
    let index: HashMap<u32, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    for (product, main) in products.iter_mut().zip(main_images) {
        if !main.is_empty() {
            product.images.push(main);
        }
    }
    let in_list = marks(ids.len());

    let categories: Vec<(u32, u32)> = conn
        .exec(
            format!(
                "SELECT product_id, category_id FROM {} WHERE product_id IN ({in_list}) \
                 ORDER BY product_id, category_id",
                db.table("product_to_category")
            ),
            ids.clone(),
        )
        .await
        .map_err(Error::db("reading product categories"))?;
    for (pid, cid) in categories {
        if let Some(&i) = index.get(&pid) {
            products[i].category_ids.push(cid);
        }
    }

    let images: Vec<(u32, String)> = conn
        .exec(
            format!(
                "SELECT product_id, image FROM {} WHERE product_id IN ({in_list}) \
                 ORDER BY product_id, sort_order, product_image_id",
                db.table("product_image")
            ),
            ids.clone(),
        )
        .await
        .map_err(Error::db("reading product images"))?;
    for (pid, image) in images {
        if let Some(&i) = index.get(&pid) {
            if !image.is_empty() && !products[i].images.contains(&image) {
                products[i].images.push(image);
            }
        }
    }

    let mut params: Vec<mysql_async::Value> = ids.iter().map(|id| (*id).into()).collect();
    params.push(settings.language_id.into());
    let attributes: Vec<(u32, u32, String)> = conn
        .exec(
            format!(
                "SELECT product_id, attribute_id, text FROM {} WHERE product_id IN ({in_list}) \
                 AND language_id = ? ORDER BY product_id, attribute_id",
                db.table("product_attribute")
            ),
            params,
        )
        .await
        .map_err(Error::db("reading product attributes"))?;
    for (pid, aid, text) in attributes {
        if let Some(&i) = index.get(&pid) {
            products[i].attributes.push((aid, text));
        }
    }

    if with_options {
        let options: Vec<(u32, u32, u32)> = conn
            .exec(
                format!(
                    "SELECT product_id, option_id, option_value_id FROM {} \
                     WHERE product_id IN ({in_list}) ORDER BY product_id, product_option_value_id",
                    db.table("product_option_value")
                ),
                ids,
            )
            .await
            .map_err(Error::db("reading product option values"))?;
        for (pid, oid, ovid) in options {
            if let Some(&i) = index.get(&pid) {
                products[i].option_values.push((oid, ovid));
            }
        }
    }
    Ok(products)
}
