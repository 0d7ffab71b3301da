//! Trendyol's item-level rules for a product. A broken rule is an item failure with a reason
//! naming the field, never a failed request.

use super::input::{Cargo, ProductInput};
use crate::catalog::Catalog;
use trendyol_wire::inventory::MAX_STOCK;
use trendyol_wire::products::{self as wp, ListedAttribute};

/// Checks an image list (1..=8, https only).
pub fn validate_images(images: &[String], reasons: &mut Vec<String>) {
    if images.is_empty() {
        reasons.push("images: at least one image is required".into());
    }
    if images.len() > wp::MAX_IMAGES {
        reasons.push(format!(
            "images: at most {} images are allowed, got {}",
            wp::MAX_IMAGES,
            images.len()
        ));
    }
    for url in images {
        if !url.starts_with("https://") {
            reasons.push(format!("images: image url must use https: {url}"));
        }
    }
}

/// Checks a VAT rate.
pub fn validate_vat(vat: i64, reasons: &mut Vec<String>) {
    if !wp::VAT_RATES.contains(&vat) {
        reasons.push(format!("vatRate: must be one of 0, 1, 10, 20, got {vat}"));
    }
}

/// Checks attribute ids/values against the category (and required ones when strict).
fn validate_attributes(
    catalog: &Catalog,
    category: u64,
    attrs: &[ListedAttribute],
    strict: bool,
    reasons: &mut Vec<String>,
) {
    let defs = catalog
        .attributes
        .get(&category)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    for a in attrs {
        match defs.iter().find(|d| d.meta.attribute.id == a.attribute_id) {
            None => reasons.push(format!(
                "attributes: attribute {} is not defined for category {category}",
                a.attribute_id
            )),
            Some(d) => {
                for v in a.attribute_value_ids.iter().flatten() {
                    if !d.values.iter().any(|x| x.attribute_value_id == *v) {
                        reasons.push(format!(
                            "attributes: value {v} is not valid for attribute {}",
                            a.attribute_id
                        ));
                    }
                }
                if a.attribute_value.is_some() && !d.meta.allow_custom {
                    reasons.push(format!(
                        "attributes: attribute {} does not allow custom values",
                        a.attribute_id
                    ));
                }
            }
        }
    }
    if strict {
        for d in defs.iter().filter(|d| d.meta.required) {
            if !attrs.iter().any(|a| a.attribute_id == d.meta.attribute.id) {
                reasons.push(format!(
                    "attributes: required attribute {} ({}) is missing",
                    d.meta.attribute.id, d.meta.attribute.name
                ));
            }
        }
    }
}

/// Every item-level rule for a full product (create, V1 update, unapproved update).
pub fn validate(input: &ProductInput, catalog: &Catalog, strict: bool) -> Vec<String> {
    let mut r = Vec::new();
    let b = &input.barcode;
    if b.is_empty() {
        r.push("barcode: is required".into());
    } else {
        if b.chars().count() > wp::MAX_BARCODE_LEN {
            r.push(format!(
                "barcode: must be at most {} characters",
                wp::MAX_BARCODE_LEN
            ));
        }
        if !wp::barcode_chars_ok(b) {
            r.push(
                "barcode: only letters, digits and the special characters . - _ are allowed".into(),
            );
        }
    }
    if input.title.trim().is_empty() {
        r.push("title: is required".into());
    } else if input.title.chars().count() > wp::MAX_TITLE_LEN {
        r.push(format!(
            "title: must be at most {} characters",
            wp::MAX_TITLE_LEN
        ));
    }
    if input.product_main_id.is_empty() {
        r.push("productMainId: is required".into());
    } else if input.product_main_id.chars().count() > wp::MAX_PRODUCT_MAIN_ID_LEN {
        r.push(format!(
            "productMainId: must be at most {} characters",
            wp::MAX_PRODUCT_MAIN_ID_LEN
        ));
    }
    if input.stock_code.is_empty() {
        r.push("stockCode: is required".into());
    } else if input.stock_code.chars().count() > wp::MAX_STOCK_CODE_LEN {
        r.push(format!(
            "stockCode: must be at most {} characters",
            wp::MAX_STOCK_CODE_LEN
        ));
    }
    if input.description.chars().count() > wp::MAX_DESCRIPTION_LEN {
        r.push(format!(
            "description: must be at most {} characters",
            wp::MAX_DESCRIPTION_LEN
        ));
    }
    match input.brand_id {
        None => r.push("brandId: is required".into()),
        Some(id) if catalog.brand(id).is_none() => r.push(format!("brandId: brand {id} not found")),
        _ => {}
    }
    match input.category_id {
        None => r.push("categoryId: is required".into()),
        Some(id) if catalog.category_name(id).is_none() => {
            r.push(format!("categoryId: category {id} not found"))
        }
        Some(id) if !catalog.is_leaf(id) => r.push(format!(
            "categoryId: category {id} is not a leaf category; use one of its sub-categories"
        )),
        Some(id) => validate_attributes(catalog, id, &input.attributes, strict, &mut r),
    }
    match input.quantity {
        None => r.push("quantity: is required".into()),
        Some(q) if q < 0 => r.push("quantity: must not be negative".into()),
        Some(q) if q > MAX_STOCK => r.push(format!("quantity: must be at most {MAX_STOCK}")),
        _ => {}
    }
    match (input.list_price, input.sale_price) {
        (Some(l), Some(s)) => {
            if s <= 0.0 {
                r.push("salePrice: must be greater than 0".into());
            }
            if l < s {
                r.push("listPrice: must be greater than or equal to salePrice".into());
            }
        }
        _ => r.push("listPrice and salePrice: are required".into()),
    }
    match input.vat_rate {
        None => r.push("vatRate: is required".into()),
        Some(v) => validate_vat(v, &mut r),
    }
    if let Some(c) = &input.currency_type {
        if c != "TRY" {
            r.push(format!("currencyType: must be TRY, got {c}"));
        }
    }
    if input.dimensional_weight.is_some_and(|w| w < 0.0) {
        r.push("dimensionalWeight: must not be negative".into());
    }
    validate_images(&input.images, &mut r);
    match &input.cargo {
        Cargo::V1(None) => r.push("cargoCompanyId: is required".into()),
        Cargo::V1(Some(id)) if catalog.cargo_by_id(*id).is_none() => {
            r.push(format!("cargoCompanyId: {id} is not a valid cargo company"))
        }
        Cargo::V2(codes) => {
            for c in codes {
                if catalog.cargo_by_code(c).is_none() {
                    r.push(format!("cargoProviders: {c} is not a valid cargo provider"));
                }
            }
        }
        _ => {}
    }
    r
}
