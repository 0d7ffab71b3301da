//! Create (V1 and V2) and the full updates (V1 update, V2 unapproved update): validation, the
//! content a product joins, and review.

use super::input::{request_item, Cargo, ProductInput, WriteKind};
use super::model::{boxed_attributes, Product, SellerProducts};
use super::validate::validate;
use crate::str_list::StrList;
use crate::world::{Ctx, Ids, World};
use serde_json::Value;
use std::collections::HashSet;

impl World {
    pub fn seller_products(&mut self, seller: u64) -> &mut SellerProducts {
        self.products.entry(seller).or_default()
    }

    /// The content a new product joins: its productMainId's, or a new one (O(1) through the
    /// content index, so a large push stays linear).
    fn content_id_for(&mut self, seller: u64, main_id: &str) -> u64 {
        match self.contents.content_for(seller, main_id) {
            Some(content_id) => content_id,
            None => Ids::next(&mut self.ids.content),
        }
    }

    /// Inserts a validated product into review.
    pub fn insert_product(&mut self, ctx: &Ctx, seller: u64, input: ProductInput) -> &Product {
        let reject = self.draw_verdict(ctx);
        let content_id = self.content_id_for(seller, &input.product_main_id);
        let n = Ids::next(&mut self.ids.product);
        let (cargo_company_id, cargo_providers) = match input.cargo {
            Cargo::V1(id) => (
                id,
                id.and_then(|i| ctx.catalog.cargo_by_id(i))
                    .map(|c| vec![c.code.clone()])
                    .unwrap_or_default(),
            ),
            Cargo::V2(codes) => (
                codes
                    .first()
                    .and_then(|c| ctx.catalog.cargo_by_code(c))
                    .map(|c| c.id),
                codes,
            ),
        };
        let p = Product {
            seller_id: seller,
            id: (n as u128) << 64 | (self.rng.next_u64() as u128),
            content_id,
            variant_id: Ids::next(&mut self.ids.variant),
            barcode: input.barcode.into_boxed_str(),
            title: input.title.into_boxed_str(),
            product_main_id: input.product_main_id.into_boxed_str(),
            brand_id: input.brand_id.unwrap_or(0),
            category_id: input.category_id.unwrap_or(0),
            quantity: input.quantity.unwrap_or(0),
            stock_code: input.stock_code.into_boxed_str(),
            dimensional_weight: input.dimensional_weight.unwrap_or(0.0),
            description: input.description.into_boxed_str(),
            list_price: input.list_price.unwrap_or(0.0),
            sale_price: input.sale_price.unwrap_or(0.0),
            vat_rate: input.vat_rate.unwrap_or(20),
            cargo_company_id,
            cargo_providers: StrList::new(&cargo_providers),
            images: StrList::new(&input.images),
            attributes: boxed_attributes(input.attributes),
            created_ms: ctx.now,
            modified_ms: ctx.now,
            stock_modified_ms: ctx.now,
            review_until_ms: ctx.now + ctx.settings.approval_delay_ms.max(0),
            reject_reasons: reject,
            archived: false,
            locked: false,
        };
        let barcode = p.barcode.clone();
        self.contents.add(seller, &p.product_main_id, p.content_id);
        let m = self.seller_products(seller);
        if let Some(replaced) = m.insert(barcode.clone(), Box::new(p)) {
            self.contents
                .remove(seller, &replaced.product_main_id, replaced.content_id);
        }
        &self.products[&seller][&*barcode]
    }

    /// Create (V1 or V2): validates each item and puts the valid ones into review.
    pub fn create_products(
        &mut self,
        ctx: &Ctx,
        seller: u64,
        kind: WriteKind,
        items: Vec<(Value, Result<ProductInput, String>)>,
    ) -> String {
        let strict = ctx.settings.strict_attributes;
        let mut seen = HashSet::new();
        let mut results = Vec::with_capacity(items.len());
        for (raw, parsed) in items {
            let (barcode, reasons) = match parsed {
                Err(e) => (String::new(), vec![e]),
                Ok(input) => {
                    let mut reasons = validate(&input, ctx.catalog, strict);
                    if reasons.is_empty() {
                        if !seen.insert(input.barcode.clone()) {
                            reasons.push("barcode: duplicated in this request".into());
                        } else if self
                            .products
                            .get(&seller)
                            .is_some_and(|m| m.contains_key(&*input.barcode))
                        {
                            reasons.push(format!(
                                "barcode: a product with barcode {} already exists",
                                input.barcode
                            ));
                        }
                    }
                    let barcode = input.barcode.clone();
                    if reasons.is_empty() {
                        self.insert_product(ctx, seller, input);
                    }
                    (barcode, reasons)
                }
            };
            results.push((request_item(&barcode, &raw), reasons));
        }
        self.new_batch(ctx, seller, kind.batch_type(), true, results)
    }

    /// V1 update and V2 unapproved update.
    pub fn update_products(
        &mut self,
        ctx: &Ctx,
        seller: u64,
        kind: WriteKind,
        items: Vec<(Value, Result<ProductInput, String>)>,
    ) -> String {
        let strict = ctx.settings.strict_attributes;
        let mut results = Vec::with_capacity(items.len());
        for (raw, parsed) in items {
            let (barcode, reasons) = match parsed {
                Err(e) => (String::new(), vec![e]),
                Ok(input) => {
                    let barcode = input.barcode.clone();
                    let mut reasons = validate(&input, ctx.catalog, strict);
                    let existing = self
                        .products
                        .get(&seller)
                        .and_then(|m| m.get(&*barcode))
                        .cloned();
                    match existing {
                        None => reasons.push(format!("barcode: product {barcode} not found")),
                        Some(p) => {
                            let approved = p.is_approved(ctx.now);
                            if matches!(kind, WriteKind::UpdateUnapproved) && approved {
                                reasons.push(
                                    "product is approved: use content-bulk-update or variant-bulk-update"
                                        .into(),
                                );
                            }
                            if approved {
                                if *input.product_main_id != *p.product_main_id {
                                    reasons
                                        .push("productMainId: cannot change after approval".into());
                                }
                                if input.brand_id != Some(p.brand_id) {
                                    reasons.push("brandId: cannot change after approval".into());
                                }
                                if input.category_id != Some(p.category_id) {
                                    reasons.push("categoryId: cannot change after approval".into());
                                }
                            }
                            if reasons.is_empty() {
                                self.apply_full_update(ctx, seller, &p, input, !approved);
                            }
                        }
                    }
                    (barcode, reasons)
                }
            };
            results.push((request_item(&barcode, &raw), reasons));
        }
        self.new_batch(ctx, seller, kind.batch_type(), true, results)
    }

    fn apply_full_update(
        &mut self,
        ctx: &Ctx,
        seller: u64,
        old: &Product,
        input: ProductInput,
        re_review: bool,
    ) {
        let verdict = if re_review {
            Some(self.draw_verdict(ctx))
        } else {
            None
        };
        let Some(p) = self
            .products
            .get_mut(&seller)
            .and_then(|m| m.get_mut(&*old.barcode))
        else {
            return;
        };
        p.title = input.title.into_boxed_str();
        if *p.product_main_id != *input.product_main_id {
            self.contents
                .remove(seller, &p.product_main_id, p.content_id);
            self.contents
                .add(seller, &input.product_main_id, p.content_id);
        }
        p.product_main_id = input.product_main_id.into_boxed_str();
        p.brand_id = input.brand_id.unwrap_or(p.brand_id);
        p.category_id = input.category_id.unwrap_or(p.category_id);
        p.quantity = input.quantity.unwrap_or(p.quantity);
        p.stock_code = input.stock_code.into_boxed_str();
        p.dimensional_weight = input.dimensional_weight.unwrap_or(p.dimensional_weight);
        p.description = input.description.into_boxed_str();
        p.list_price = input.list_price.unwrap_or(p.list_price);
        p.sale_price = input.sale_price.unwrap_or(p.sale_price);
        p.vat_rate = input.vat_rate.unwrap_or(p.vat_rate);
        match input.cargo {
            Cargo::V1(id) => p.cargo_company_id = id,
            Cargo::V2(codes) => p.cargo_providers = StrList::new(&codes),
        }
        p.images = StrList::new(&input.images);
        p.attributes = boxed_attributes(input.attributes);
        p.modified_ms = ctx.now;
        if let Some(v) = verdict {
            p.reject_reasons = v;
            p.review_until_ms = ctx.now + ctx.settings.approval_delay_ms.max(0);
        }
    }
}
