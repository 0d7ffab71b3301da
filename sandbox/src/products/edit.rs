//! The partial writes: V2 content and variant updates of approved products, delete and
//! archive.

use super::input::request_item;
use super::validate::{validate_images, validate_vat};
use crate::str_list::StrList;
use crate::world::{Ctx, World};
use serde_json::{json, Value};
use trendyol_wire::products::{
    self as wp, ArchiveItem, BarcodeItem, ContentUpdateItem, VariantUpdateItem,
};

impl World {
    pub fn update_content(
        &mut self,
        ctx: &Ctx,
        seller: u64,
        items: Vec<(Value, Result<ContentUpdateItem, String>)>,
    ) -> String {
        let mut results = Vec::new();
        for (raw, parsed) in items {
            let mut reasons = Vec::new();
            let mut key = String::new();
            match parsed {
                Err(e) => reasons.push(e),
                Ok(item) => {
                    key = item.content_id.to_string();
                    let now = ctx.now;
                    let products = self.seller_products(seller);
                    let matching: Vec<Box<str>> = products
                        .values()
                        .filter(|p| p.content_id == item.content_id && p.is_approved(now))
                        .map(|p| p.barcode.clone())
                        .collect();
                    if matching.is_empty() {
                        reasons.push(format!(
                            "contentId: no approved content {} found",
                            item.content_id
                        ));
                    }
                    if let Some(t) = &item.title {
                        if t.trim().is_empty() || t.chars().count() > wp::MAX_TITLE_LEN {
                            reasons.push(format!(
                                "title: must be 1 to {} characters",
                                wp::MAX_TITLE_LEN
                            ));
                        }
                    }
                    if let Some(d) = &item.description {
                        if d.chars().count() > wp::MAX_DESCRIPTION_LEN {
                            reasons.push(format!(
                                "description: must be at most {} characters",
                                wp::MAX_DESCRIPTION_LEN
                            ));
                        }
                    }
                    let images: Option<Vec<String>> = item
                        .images
                        .as_ref()
                        .map(|v| v.iter().map(|i| i.url.clone()).collect());
                    if let Some(im) = &images {
                        validate_images(im, &mut reasons);
                    }
                    if reasons.is_empty() {
                        for b in matching {
                            if let Some(p) = products.get_mut(&*b) {
                                if let Some(t) = &item.title {
                                    p.title = t.as_str().into();
                                }
                                if let Some(d) = &item.description {
                                    p.description = d.as_str().into();
                                }
                                if let Some(im) = &images {
                                    p.images = StrList::new(im);
                                }
                                p.modified_ms = now;
                            }
                        }
                    }
                }
            }
            results.push((json!({"contentId": key, "product": raw}), reasons));
        }
        self.new_batch(ctx, seller, "ProductContentUpdate", true, results)
    }

    /// V2 variant update of approved products, by `barcode`.
    pub fn update_variants(
        &mut self,
        ctx: &Ctx,
        seller: u64,
        items: Vec<(Value, Result<VariantUpdateItem, String>)>,
    ) -> String {
        let mut results = Vec::new();
        for (raw, parsed) in items {
            let mut reasons = Vec::new();
            let mut barcode = String::new();
            match parsed {
                Err(e) => reasons.push(e),
                Ok(item) => {
                    barcode = wp::normalize_barcode(&item.barcode);
                    if let Some(v) = item.vat_rate {
                        validate_vat(v, &mut reasons);
                    }
                    if let Some(sc) = &item.stock_code {
                        if sc.is_empty() || sc.chars().count() > wp::MAX_STOCK_CODE_LEN {
                            reasons.push(format!(
                                "stockCode: must be 1 to {} characters",
                                wp::MAX_STOCK_CODE_LEN
                            ));
                        }
                    }
                    for c in item.cargo_providers.iter().flatten() {
                        if ctx.catalog.cargo_by_code(c).is_none() {
                            reasons
                                .push(format!("cargoProviders: {c} is not a valid cargo provider"));
                        }
                    }
                    let now = ctx.now;
                    match self.seller_products(seller).get_mut(&*barcode) {
                        None => reasons.push(format!("barcode: product {barcode} not found")),
                        Some(p) if !p.is_approved(now) => reasons.push(format!(
                            "barcode: product {barcode} is not approved; use unapproved-bulk-update"
                        )),
                        Some(p) => {
                            if reasons.is_empty() {
                                if let Some(v) = item.vat_rate {
                                    p.vat_rate = v;
                                }
                                if let Some(sc) = item.stock_code {
                                    p.stock_code = sc.into_boxed_str();
                                }
                                if let Some(w) = item.dimensional_weight {
                                    p.dimensional_weight = w;
                                }
                                if let Some(c) = item.cargo_providers {
                                    p.cargo_providers = StrList::new(&c);
                                }
                                p.modified_ms = now;
                            }
                        }
                    }
                }
            }
            results.push((request_item(&barcode, &raw), reasons));
        }
        self.new_batch(ctx, seller, "ProductVariantUpdate", true, results)
    }

    /// Delete by barcode.
    pub fn delete_products(
        &mut self,
        ctx: &Ctx,
        seller: u64,
        items: Vec<(Value, Result<BarcodeItem, String>)>,
    ) -> String {
        let mut results = Vec::new();
        for (raw, parsed) in items {
            let (barcode, reasons) = match parsed {
                Err(e) => (String::new(), vec![e]),
                Ok(i) => {
                    let b = wp::normalize_barcode(&i.barcode);
                    let removed = self.seller_products(seller).remove(&*b);
                    if let Some(p) = &removed {
                        self.contents
                            .remove(seller, &p.product_main_id, p.content_id);
                    }
                    let removed = removed.is_some();
                    let r = if removed {
                        vec![]
                    } else {
                        vec![format!("barcode: product {b} not found")]
                    };
                    (b, r)
                }
            };
            results.push((json!({"barcode": barcode, "product": raw}), reasons));
        }
        self.new_batch(ctx, seller, "ProductDelete", true, results)
    }

    /// Archive / unarchive by barcode.
    pub fn archive_products(
        &mut self,
        ctx: &Ctx,
        seller: u64,
        items: Vec<(Value, Result<ArchiveItem, String>)>,
    ) -> String {
        let mut results = Vec::new();
        let now = ctx.now;
        for (raw, parsed) in items {
            let (barcode, reasons) = match parsed {
                Err(e) => (String::new(), vec![e]),
                Ok(i) => {
                    let b = wp::normalize_barcode(&i.barcode);
                    let r = match self.seller_products(seller).get_mut(&*b) {
                        Some(p) => {
                            p.archived = i.archived;
                            p.modified_ms = now;
                            vec![]
                        }
                        None => vec![format!("barcode: product {b} not found")],
                    };
                    (b, r)
                }
            };
            results.push((json!({"barcode": barcode, "product": raw}), reasons));
        }
        self.new_batch(ctx, seller, "ProductArchiveUpdate", true, results)
    }
}
