//! OpenCart product → Trendyol V2 product, through the owner's mapping tables.
//!
//! The mapping tables (categories, brands, attributes and their values, VAT) are small and are
//! loaded once per run. Their content, with the catalog settings, gives a *mapping version*: a
//! product handled under another version is mapped again, so editing a mapping reaches every
//! product it affects without the owner touching the products.
//!
//! Choices made here (the rules Trendyol checks are in [`super::validate`]):
//! - text is OpenCart's admin-escaped HTML, decoded once (`&amp;` → `&`);
//! - a title longer than Trendyol's 100 characters is cut at a word boundary (shops stuff
//!   keywords into names; refusing every such product would help nobody);
//! - `productMainId` is the model, `stockCode` the SKU (else the model);
//! - the brand comes from the manufacturer's mapping row, looked up by exact name when missing
//!   (see [`Mappings::learn_brand`]); the category from the first of the product's categories
//!   that is mapped;
//! - dimensional weight (desi) is length × width × height / 3000 when the product has
//!   dimensions, else the configured default;
//! - images are absolute https URLs (the configured image base joined with OpenCart's path),
//!   at most eight.

use std::collections::{BTreeMap, HashMap};

use mysql_async::prelude::*;
use sha2::{Digest, Sha256};
use trendyol_wire::products::{
    normalize_barcode, AttributeV2, Image, ProductV2Item, MAX_IMAGES, MAX_TITLE_LEN,
};

use super::source::SourceProduct;
use crate::config::Settings;
use crate::db::Database;
use crate::error::{Error, Result};
use crate::sync::catalog_cargo;

/// One row of `trendyol_attribute_map`.
#[derive(Debug, Clone, PartialEq)]
pub struct AttributeMapRow {
    pub attribute_map_id: u32,
    pub trendyol_attribute_id: u64,
    /// `attribute`, `option` or `fixed`.
    pub source: String,
    pub source_id: u32,
    pub trendyol_value_id: Option<u64>,
    pub custom_value: String,
}

/// Every mapping table, in memory for one run.
#[derive(Debug, Clone, Default)]
pub struct Mappings {
    pub categories: HashMap<u32, u64>,
    pub brands: HashMap<u32, u64>,
    /// By Trendyol category id.
    pub attributes: HashMap<u64, Vec<AttributeMapRow>>,
    /// `(attribute_map_id, source value)` → Trendyol value id.
    pub values: HashMap<(u32, String), u64>,
    pub vat: HashMap<u32, u8>,
    /// Hash of the tables and the catalog settings (16 hex digits).
    pub version: String,
    /// True when some attribute mapping reads OpenCart options.
    pub uses_options: bool,
}

impl Mappings {
    /// Loads the tables and computes the version.
    pub async fn load(db: &Database, settings: &Settings) -> Result<Mappings> {
        let mut conn = db.conn().await?;
        let categories: Vec<(u32, u64)> = conn
            .query(format!(
                "SELECT category_id, trendyol_category_id FROM {} ORDER BY category_id",
                db.table("trendyol_category_map")
            ))
            .await
            .map_err(Error::db("reading the category mapping"))?;
        let brands: Vec<(u32, u64)> = conn
            .query(format!(
                "SELECT manufacturer_id, trendyol_brand_id FROM {} ORDER BY manufacturer_id",
                db.table("trendyol_brand_map")
            ))
            .await
            .map_err(Error::db("reading the brand mapping"))?;
        type AttrRow = (u32, u64, u64, String, u32, Option<u64>, String);
        let attributes: Vec<AttrRow> = conn
            .query(format!(
                "SELECT attribute_map_id, trendyol_category_id, trendyol_attribute_id, source, \
                 source_id, trendyol_value_id, custom_value FROM {} ORDER BY attribute_map_id",
                db.table("trendyol_attribute_map")
            ))
            .await
            .map_err(Error::db("reading the attribute mapping"))?;
        let values: Vec<(u32, String, u64)> = conn
            .query(format!(
                "SELECT attribute_map_id, source_value, trendyol_value_id FROM {} ORDER BY value_map_id",
                db.table("trendyol_attribute_value_map")
            ))
            .await
            .map_err(Error::db("reading the attribute value mapping"))?;
        let vat: Vec<(u32, u8)> = conn
            .query(format!(
                "SELECT tax_class_id, vat_rate FROM {} ORDER BY tax_class_id",
                db.table("trendyol_vat_map")
            ))
            .await
            .map_err(Error::db("reading the VAT mapping"))?;

        let mut hasher = Sha256::new();
        hasher.update(
            format!(
                "{categories:?}|{brands:?}|{attributes:?}|{values:?}|{vat:?}|{}|{}|{}|{}|{}|{}|{}",
                settings.language_id,
                settings.barcode_source.column(),
                settings.image_base_url,
                settings.cargo_company_id,
                settings.default_dimensional_weight,
                settings.default_vat_rate,
                settings.prices_include_vat,
            ) + &settings.default_brand_id.to_string(),
        );
        let version = hex::encode(&hasher.finalize()[..8]);

        let mut by_category: HashMap<u64, Vec<AttributeMapRow>> = HashMap::new();
        let mut uses_options = false;
        for (id, category, attribute, source, source_id, value_id, custom) in attributes {
            uses_options |= source == "option";
            by_category
                .entry(category)
                .or_default()
                .push(AttributeMapRow {
                    attribute_map_id: id,
                    trendyol_attribute_id: attribute,
                    source,
                    source_id,
                    trendyol_value_id: value_id,
                    custom_value: custom,
                });
        }
        Ok(Mappings {
            categories: categories.into_iter().collect(),
            brands: brands.into_iter().collect(),
            attributes: by_category,
            values: values
                .into_iter()
                .map(|(id, value, tid)| ((id, value), tid))
                .collect(),
            vat: vat.into_iter().collect(),
            version,
            uses_options,
        })
    }

    /// Stores a brand found by name for a manufacturer, so the lookup happens once.
    pub async fn learn_brand(
        &mut self,
        db: &Database,
        manufacturer_id: u32,
        brand_id: u64,
        brand_name: &str,
    ) -> Result<()> {
        let mut conn = db.conn().await?;
        conn.exec_drop(
            format!(
                "INSERT IGNORE INTO {} (manufacturer_id, trendyol_brand_id, trendyol_brand_name, updated_at) \
                 VALUES (?, ?, ?, UTC_TIMESTAMP())",
                db.table("trendyol_brand_map")
            ),
            (manufacturer_id, brand_id, brand_name),
        )
        .await
        .map_err(Error::db("storing a brand found by name"))?;
        self.brands.insert(manufacturer_id, brand_id);
        Ok(())
    }

    /// The VAT rate of a tax class.
    pub fn vat_rate(&self, tax_class_id: u32, settings: &Settings) -> i64 {
        i64::from(
            self.vat
                .get(&tax_class_id)
                .copied()
                .unwrap_or(settings.default_vat_rate),
        )
    }

    /// The Trendyol category of a product: the first mapped one among its categories.
    pub fn category_for(&self, product: &SourceProduct) -> Option<u64> {
        product
            .category_ids
            .iter()
            .find_map(|c| self.categories.get(c).copied())
    }

    /// The barcode a product is sent under (the mapped item's `barcode`), without mapping the
    /// rest of it.
    pub fn barcode(p: &SourceProduct) -> String {
        normalize_barcode(&html_decode(&p.barcode))
    }

    /// Maps one product. Never fails: whatever is missing stays empty for validation to report.
    pub fn map(&self, p: &SourceProduct, settings: &Settings) -> ProductV2Item {
        let category_id = self.category_for(p);
        let model = html_decode(&p.model);
        let sku = html_decode(&p.sku);
        ProductV2Item {
            barcode: Self::barcode(p),
            title: cut_title(html_decode(&p.name).trim()),
            product_main_id: if model.trim().is_empty() {
                p.product_id.to_string()
            } else {
                model.trim().to_string()
            },
            brand_id: self
                .brands
                .get(&p.manufacturer_id)
                .copied()
                .or((settings.default_brand_id > 0).then_some(settings.default_brand_id)),
            category_id,
            quantity: Some(p.quantity),
            stock_code: if sku.trim().is_empty() {
                model.trim().to_string()
            } else {
                sku.trim().to_string()
            },
            dimensional_weight: Some(desi(p, settings)),
            description: html_decode(&p.description),
            currency_type: Some("TRY".into()),
            list_price: p.list_price,
            sale_price: p.sale_price,
            vat_rate: Some(self.vat_rate(p.tax_class_id, settings)),
            cargo_providers: catalog_cargo::code_for(settings.cargo_company_id)
                .map(|c| vec![c.to_string()])
                .unwrap_or_default(),
            delivery_duration: None,
            shipment_address_id: None,
            returning_address_id: None,
            images: images(p, settings),
            attributes: category_id
                .map(|c| self.attributes_for(c, p))
                .unwrap_or_default(),
        }
    }

    fn attributes_for(&self, category_id: u64, p: &SourceProduct) -> Vec<AttributeV2> {
        let Some(rows) = self.attributes.get(&category_id) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for row in rows {
            let mut attribute = AttributeV2 {
                attribute_id: row.trendyol_attribute_id,
                ..AttributeV2::default()
            };
            match row.source.as_str() {
                "fixed" => {
                    if let Some(id) = row.trendyol_value_id {
                        attribute.attribute_value_ids = Some(vec![id]);
                    } else if !row.custom_value.is_empty() {
                        attribute.attribute_value = Some(row.custom_value.clone());
                    }
                }
                "attribute" => {
                    if let Some((_, text)) = p.attributes.iter().find(|(a, _)| *a == row.source_id)
                    {
                        let text = html_decode(text);
                        match self.values.get(&(row.attribute_map_id, text.clone())) {
                            Some(id) => attribute.attribute_value_ids = Some(vec![*id]),
                            None if !text.trim().is_empty() => {
                                attribute.attribute_value = Some(text.trim().to_string())
                            }
                            None => {}
                        }
                    }
                }
                "option" => {
                    let ids: Vec<u64> = p
                        .option_values
                        .iter()
                        .filter(|(option, _)| *option == row.source_id)
                        .filter_map(|(_, value)| {
                            self.values
                                .get(&(row.attribute_map_id, value.to_string()))
                                .copied()
                        })
                        .collect();
                    if !ids.is_empty() {
                        attribute.attribute_value_ids = Some(ids);
                    }
                }
                _ => {}
            }
            if attribute.attribute_value_ids.is_some() || attribute.attribute_value.is_some() {
                out.push(attribute);
            }
        }
        out
    }
}

/// A title within Trendyol's limit, cut at the last space that keeps it there.
pub fn cut_title(title: &str) -> String {
    if title.chars().count() <= MAX_TITLE_LEN {
        return title.to_string();
    }
    let head: String = title.chars().take(MAX_TITLE_LEN).collect();
    match head.rfind(' ') {
        Some(i) if i > MAX_TITLE_LEN / 2 => head[..i].trim_end().to_string(),
        _ => head,
    }
}

fn desi(p: &SourceProduct, settings: &Settings) -> f64 {
    if p.length > 0.0 && p.width > 0.0 && p.height > 0.0 {
        ((p.length * p.width * p.height / 3000.0) * 100.0).round() / 100.0
    } else {
        f64::from(settings.default_dimensional_weight)
    }
}

fn images(p: &SourceProduct, settings: &Settings) -> Vec<Image> {
    let mut urls: Vec<String> = Vec::new();
    for path in &p.images {
        let url = if path.starts_with("https://") || path.starts_with("http://") {
            path.clone()
        } else if settings.image_base_url.is_empty() {
            // Left relative: validation reports that no image base URL is configured.
            path.clone()
        } else {
            format!(
                "{}{}",
                settings.image_base_url,
                path.trim_start_matches('/')
                    .split('/')
                    .map(url_segment)
                    .collect::<Vec<_>>()
                    .join("/")
            )
        };
        if !urls.contains(&url) {
            urls.push(url);
        }
    }
    urls.truncate(MAX_IMAGES);
    urls.into_iter().map(|url| Image { url }).collect()
}

/// Percent-encodes what may not stand in a URL path segment.
fn url_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in html_decode(segment).bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Undoes OpenCart's admin escaping (`htmlspecialchars`): `&amp;` `&lt;` `&gt;` `&quot;` `&#039;`.
pub fn html_decode(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let entities: [(&str, char); 6] = [
            ("&amp;", '&'),
            ("&lt;", '<'),
            ("&gt;", '>'),
            ("&quot;", '"'),
            ("&#039;", '\''),
            ("&#39;", '\''),
        ];
        match entities.iter().find(|(e, _)| rest.starts_with(e)) {
            Some((e, c)) => {
                out.push(*c);
                rest = &rest[e.len()..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The content hash: everything the product job sends except stock and prices (those belong to
/// the stock job, so a price change never re-sends a product).
pub fn content_hash(item: &ProductV2Item) -> String {
    let mut content = item.clone();
    content.quantity = None;
    content.list_price = None;
    content.sale_price = None;
    let json = serde_json::to_vec(&content).unwrap_or_default();
    hex::encode(Sha256::digest(&json))
}

/// Brands found by name in one run, so each manufacturer is looked up at most once.
pub type BrandLookups = BTreeMap<u32, Option<(u64, String)>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_admin_escaping_once() {
        assert_eq!(
            html_decode("&lt;p&gt;Tom &amp;amp; Jerry&#039;s&lt;/p&gt;"),
            "<p>Tom &amp; Jerry's</p>"
        );
        assert_eq!(html_decode("a & b"), "a & b");
    }

    #[test]
    fn long_titles_are_cut_at_a_word() {
        let long = "word ".repeat(30);
        let cut = cut_title(long.trim());
        assert!(cut.chars().count() <= 100 && !cut.ends_with(' '));
        assert_eq!(cut_title("short"), "short");
    }

    #[test]
    fn prices_do_not_change_the_content_hash() {
        let mut item = ProductV2Item {
            barcode: "1".into(),
            list_price: Some(10.0),
            ..ProductV2Item::default()
        };
        let h = content_hash(&item);
        item.list_price = Some(11.0);
        item.quantity = Some(4);
        assert_eq!(h, content_hash(&item));
        item.title = "x".into();
        assert_ne!(h, content_hash(&item));
    }
}
