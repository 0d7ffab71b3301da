//! Trendyol's product rules, checked before anything is sent.
//!
//! A product that breaks one is not sent: it gets the state `invalid` and its reasons in
//! `trendyol_products.reasons`, worded for the shop owner (what is wrong and where to fix it).
//! Sending it anyway would cost a call and come back as a batch failure with the same news,
//! hours later. The rules are Trendyol's product-create rules: barcode ≤ 40 characters of letters, digits
//! and `. - _`; title ≤ 100; productMainId ≤ 40; stockCode ≤ 100; description ≤ 30,000; a brand
//! and a leaf category; VAT 0/1/10/20; listPrice ≥ salePrice > 0; 1–8 https images; stock
//! 0–20,000; a cargo provider.

use trendyol_wire::products::{
    barcode_chars_ok, ProductV2Item, MAX_BARCODE_LEN, MAX_DESCRIPTION_LEN, MAX_IMAGES,
    MAX_PRODUCT_MAIN_ID_LEN, MAX_STOCK_CODE_LEN, MAX_TITLE_LEN, VAT_RATES,
};

use super::source::SourceProduct;
use crate::config::Settings;
use crate::sync::catalog_price::MAX_STOCK;

/// Why `item` (mapped from `source`) cannot be sent; empty when it can.
pub fn reasons(item: &ProductV2Item, source: &SourceProduct, settings: &Settings) -> Vec<String> {
    let mut r = Vec::new();
    let b = &item.barcode;
    if b.is_empty() {
        r.push(format!(
            "barcode: the product has no {} (the configured barcode source)",
            settings.barcode_source.column()
        ));
    } else {
        if b.chars().count() > MAX_BARCODE_LEN {
            r.push(format!(
                "barcode: {b:?} is longer than {MAX_BARCODE_LEN} characters"
            ));
        }
        if !barcode_chars_ok(b) {
            r.push(format!(
                "barcode: {b:?} may only contain letters, digits and . - _"
            ));
        }
    }
    if item.title.trim().is_empty() {
        r.push(format!(
            "title: the product has no name in language {}",
            settings.language_id
        ));
    } else if item.title.chars().count() > MAX_TITLE_LEN {
        r.push(format!("title: longer than {MAX_TITLE_LEN} characters"));
    }
    if item.product_main_id.chars().count() > MAX_PRODUCT_MAIN_ID_LEN {
        r.push(format!(
            "productMainId: the model {:?} is longer than {MAX_PRODUCT_MAIN_ID_LEN} characters",
            item.product_main_id
        ));
    }
    if item.stock_code.is_empty() {
        r.push("stockCode: the product has neither SKU nor model".into());
    } else if item.stock_code.chars().count() > MAX_STOCK_CODE_LEN {
        r.push(format!(
            "stockCode: longer than {MAX_STOCK_CODE_LEN} characters"
        ));
    }
    if item.description.chars().count() > MAX_DESCRIPTION_LEN {
        r.push(format!(
            "description: longer than {MAX_DESCRIPTION_LEN} characters"
        ));
    }
    if item.brand_id.is_none() {
        if source.manufacturer_id == 0 {
            r.push("brand: the product has no manufacturer".into());
        } else {
            r.push(format!(
                "brand: manufacturer {:?} has no Trendyol brand (map it under Brands)",
                source.manufacturer_name
            ));
        }
    }
    if item.category_id.is_none() {
        if source.category_ids.is_empty() {
            r.push("category: the product is in no category".into());
        } else {
            r.push(format!(
                "category: none of the product's categories {:?} is mapped to a Trendyol category",
                source.category_ids
            ));
        }
    }
    match item.vat_rate {
        Some(v) if VAT_RATES.contains(&v) => {}
        v => r.push(format!(
            "vatRate: {} is not one of 0, 1, 10, 20 (check the VAT mapping)",
            v.map_or("none".into(), |v| v.to_string())
        )),
    }
    match (item.list_price, item.sale_price) {
        (Some(list), Some(sale)) => {
            if sale <= 0.0 {
                r.push("salePrice: the price must be greater than 0".into());
            }
            if list < sale {
                r.push("listPrice: must be at least the sale price".into());
            }
        }
        _ => r.push("price: the product has no price".into()),
    }
    match item.quantity {
        Some(q) if (0..=MAX_STOCK).contains(&q) => {}
        q => r.push(format!("quantity: {q:?} is outside 0..{MAX_STOCK}")),
    }
    if item.images.is_empty() {
        r.push("images: the product has no image".into());
    } else if item.images.len() > MAX_IMAGES {
        r.push(format!("images: more than {MAX_IMAGES}"));
    }
    for image in &item.images {
        if !image.url.starts_with("https://") {
            if settings.image_base_url.is_empty() {
                r.push("images: no image base URL is configured (setting image_base_url)".into());
            } else {
                r.push(format!("images: {:?} is not an https URL", image.url));
            }
            break;
        }
    }
    if item.cargo_providers.is_empty() {
        r.push("cargo: no cargo company is configured".into());
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use trendyol_wire::products::Image;

    fn valid() -> ProductV2Item {
        ProductV2Item {
            barcode: "8690000000017".into(),
            title: "Shirt".into(),
            product_main_id: "MC-1".into(),
            brand_id: Some(1791),
            category_id: Some(411),
            quantity: Some(3),
            stock_code: "SKU-1".into(),
            vat_rate: Some(20),
            list_price: Some(10.0),
            sale_price: Some(9.0),
            cargo_providers: vec!["TEXMP".into()],
            images: vec![Image {
                url: "https://shop.example/image/a.jpg".into(),
            }],
            ..ProductV2Item::default()
        }
    }

    #[test]
    fn a_valid_product_has_no_reasons() {
        let s = Settings::default();
        assert!(reasons(&valid(), &SourceProduct::default(), &s).is_empty());
    }

    #[test]
    fn every_broken_rule_is_named() {
        let s = Settings::default();
        let mut item = valid();
        item.barcode = "AB/12".into();
        item.vat_rate = Some(18);
        item.sale_price = Some(12.0);
        item.brand_id = None;
        item.images[0].url = "http://x/a.jpg".into();
        let r = reasons(&item, &SourceProduct::default(), &s).join("\n");
        for needle in ["barcode:", "vatRate: 18", "listPrice:", "brand:", "images:"] {
            assert!(r.contains(needle), "{needle} missing in {r}");
        }
    }
}
