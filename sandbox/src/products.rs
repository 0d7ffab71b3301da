//! Products: create (V1 and V2 shapes), the V2 updates, V1 update, delete, archive, and the
//! filter / approved / unapproved lists — with Trendyol's validation rules and its review.
//!
//! Writes answer a `batchRequestId` at once; item outcomes appear in the batch result after the
//! batch delay. Validation failures are **item failures** (the request itself still succeeds),
//! except request-level problems (no items, > 1000 items, unreadable body) which are 400s.
//! Rules: barcode ≤ 40 chars of letters, digits, `.` `-` `_` (spaces stripped), title ≤ 100,
//! productMainId ≤ 40, stockCode ≤ 100, description ≤ 30,000, VAT ∈ {0,1,10,20}, a leaf
//! category, a known brand, listPrice ≥ salePrice, 1–8 https images, stock ≤ 20,000, a known
//! cargo company / provider; with `strictAttributes` also the category's required attributes.
//!
//! Review is separate from the batch, as on Trendyol: a product is *pending* for the approval
//! delay, then approved — or rejected with reasons for the configured share. Only the approved
//! and unapproved lists show the verdict.

use crate::app::App;
use crate::auth::Caller;
use crate::catalog::{Catalog, DEMO_BRAND_ID, DEMO_LEAF_CATEGORY};
use crate::http::{ok, paging, parse_json, ApiError, ApiResult, Params};
use crate::world::{Ctx, Ids, World};
use axum::extract::State;
use axum::Extension;
use base64::Engine;
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use trendyol_wire::catalog::IdName;
use trendyol_wire::inventory::MAX_STOCK;
use trendyol_wire::products::{
    self as wp, ApprovedContent, ApprovedProductsPage, ApprovedVariant, ArchiveItem, BarcodeItem,
    BatchRequestIdResponse, ContentUpdateItem, FilteredProduct, Image, ListedAttribute,
    ProductV1Item, ProductV2Item, ProductsPage, RejectReasonDetail, UnapprovedProduct,
    UnapprovedProductsPage, VariantPrice, VariantStock, VariantUpdateItem,
};

/// Reasons drawn for rejected products.
const REJECT_REASONS: &[(&str, &str)] = &[
    (
        "Görsel uygun değil",
        "Ürün görselleri Trendyol görsel standartlarına uymuyor",
    ),
    ("Eksik bilgi", "Ürün açıklaması yetersiz"),
    ("Kategori hatalı", "Ürün yanlış kategoride listelenmiş"),
    ("Marka uyumsuz", "Ürün ile seçilen marka uyuşmuyor"),
];

/// A product as the sandbox keeps it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Product {
    pub seller_id: u64,
    pub id: String,
    pub content_id: u64,
    pub variant_id: u64,
    pub barcode: String,
    pub title: String,
    pub product_main_id: String,
    pub brand_id: u64,
    pub category_id: u64,
    pub quantity: i64,
    pub stock_code: String,
    pub dimensional_weight: f64,
    pub description: String,
    pub currency_type: String,
    pub list_price: f64,
    pub sale_price: f64,
    pub vat_rate: i64,
    pub cargo_company_id: Option<u64>,
    pub cargo_providers: Vec<String>,
    pub images: Vec<String>,
    pub attributes: Vec<ListedAttribute>,
    pub created_ms: i64,
    pub modified_ms: i64,
    pub stock_modified_ms: i64,
    /// The verdict shows from this time on.
    pub review_until_ms: i64,
    /// `None` = approved at review end; `Some` = rejected with these reasons.
    pub reject_reasons: Option<Vec<RejectReasonDetail>>,
    pub archived: bool,
    pub locked: bool,
}

/// Where a product stands in review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Review {
    Pending,
    Approved,
    Rejected,
}

impl Product {
    pub fn review(&self, now: i64) -> Review {
        if now < self.review_until_ms {
            Review::Pending
        } else if self.reject_reasons.is_some() {
            Review::Rejected
        } else {
            Review::Approved
        }
    }

    pub fn is_approved(&self, now: i64) -> bool {
        self.review(now) == Review::Approved
    }

    fn brand(&self, catalog: &Catalog) -> IdName {
        IdName {
            id: self.brand_id,
            name: catalog
                .brand(self.brand_id)
                .map(|b| b.name.clone())
                .unwrap_or_default(),
        }
    }

    fn category(&self, catalog: &Catalog) -> IdName {
        IdName {
            id: self.category_id,
            name: catalog
                .category_name(self.category_id)
                .unwrap_or_default()
                .to_string(),
        }
    }

    fn images(&self) -> Vec<Image> {
        self.images
            .iter()
            .map(|u| Image { url: u.clone() })
            .collect()
    }
}

/// Cargo as each API version names it.
#[derive(Debug, Clone)]
pub enum Cargo {
    V1(Option<u64>),
    V2(Vec<String>),
}

/// A create/update item, whichever version it came in.
#[derive(Debug, Clone)]
pub struct ProductInput {
    pub barcode: String,
    pub title: String,
    pub product_main_id: String,
    pub brand_id: Option<u64>,
    pub category_id: Option<u64>,
    pub quantity: Option<i64>,
    pub stock_code: String,
    pub dimensional_weight: Option<f64>,
    pub description: String,
    pub currency_type: Option<String>,
    pub list_price: Option<f64>,
    pub sale_price: Option<f64>,
    pub vat_rate: Option<i64>,
    pub cargo: Cargo,
    pub images: Vec<String>,
    pub attributes: Vec<ListedAttribute>,
}

impl From<ProductV1Item> for ProductInput {
    fn from(i: ProductV1Item) -> Self {
        ProductInput {
            barcode: wp::normalize_barcode(&i.barcode),
            title: i.title,
            product_main_id: i.product_main_id,
            brand_id: i.brand_id,
            category_id: i.category_id,
            quantity: i.quantity,
            stock_code: i.stock_code,
            dimensional_weight: i.dimensional_weight,
            description: i.description,
            currency_type: i.currency_type,
            list_price: i.list_price,
            sale_price: i.sale_price,
            vat_rate: i.vat_rate,
            cargo: Cargo::V1(i.cargo_company_id),
            images: i.images.into_iter().map(|im| im.url).collect(),
            attributes: i
                .attributes
                .into_iter()
                .map(|a| ListedAttribute {
                    attribute_id: a.attribute_id,
                    attribute_name: None,
                    attribute_value_ids: a.attribute_value_id.map(|v| vec![v]),
                    attribute_value: a.custom_attribute_value,
                })
                .collect(),
        }
    }
}

impl From<ProductV2Item> for ProductInput {
    fn from(i: ProductV2Item) -> Self {
        ProductInput {
            barcode: wp::normalize_barcode(&i.barcode),
            title: i.title,
            product_main_id: i.product_main_id,
            brand_id: i.brand_id,
            category_id: i.category_id,
            quantity: i.quantity,
            stock_code: i.stock_code,
            dimensional_weight: i.dimensional_weight,
            description: i.description,
            currency_type: i.currency_type,
            list_price: i.list_price,
            sale_price: i.sale_price,
            vat_rate: i.vat_rate,
            cargo: Cargo::V2(i.cargo_providers),
            images: i.images.into_iter().map(|im| im.url).collect(),
            attributes: i
                .attributes
                .into_iter()
                .map(|a| ListedAttribute {
                    attribute_id: a.attribute_id,
                    attribute_name: None,
                    attribute_value_ids: a.attribute_value_ids,
                    attribute_value: a.attribute_value,
                })
                .collect(),
        }
    }
}

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

/// Items of a write request: each raw item with its typed form (or why it could not be read).
pub type Items<T> = Vec<(Value, Result<T, String>)>;

/// The items of a write request, parsed item by item (a wrongly typed item is an item failure,
/// a missing or oversized `items` array a 400).
pub fn parse_items<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<Items<T>, ApiError> {
    let v: Value = parse_json(body)?;
    let items = match v.get("items") {
        Some(Value::Array(a)) => a,
        _ => {
            return Err(ApiError::bad_request(
                "items.required",
                "Request body must contain an 'items' array",
            ))
        }
    };
    if items.is_empty() {
        return Err(ApiError::bad_request(
            "items.empty",
            "'items' must not be empty",
        ));
    }
    if items.len() > wp::MAX_ITEMS_PER_REQUEST {
        return Err(ApiError::bad_request(
            "items.max.size.exceeded",
            format!(
                "At most {} items are allowed per request, got {}",
                wp::MAX_ITEMS_PER_REQUEST,
                items.len()
            ),
        ));
    }
    Ok(items
        .iter()
        .map(|raw| {
            let parsed = serde_json::from_value::<T>(raw.clone())
                .map_err(|e| format!("item is invalid: {e}"));
            (raw.clone(), parsed)
        })
        .collect())
}

/// Echo of a product item in a batch result.
fn request_item(barcode: &str, raw: &Value) -> Value {
    json!({ "barcode": barcode, "product": raw })
}

/// Which write a batch came from (its `batchRequestType`).
#[derive(Debug, Clone, Copy)]
pub enum WriteKind {
    CreateV1,
    CreateV2,
    UpdateV1,
    UpdateUnapproved,
}

impl WriteKind {
    fn batch_type(self) -> &'static str {
        match self {
            WriteKind::CreateV1 => "ProductCreate",
            WriteKind::CreateV2 => "ProductV2OnBoarding",
            WriteKind::UpdateV1 => "ProductUpdate",
            WriteKind::UpdateUnapproved => "ProductV2UnapprovedUpdate",
        }
    }
}

impl World {
    pub fn seller_products(&mut self, seller: u64) -> &mut BTreeMap<String, Product> {
        self.products.entry(seller).or_default()
    }

    /// Draws a review verdict.
    fn draw_verdict(&mut self, ctx: &Ctx) -> Option<Vec<RejectReasonDetail>> {
        if self.rng.chance(ctx.settings.reject_share) {
            let n = self.rng.range(1, 2) as usize;
            let mut reasons = Vec::new();
            for _ in 0..n {
                if let Some((r, d)) = self.rng.pick(REJECT_REASONS) {
                    if !reasons
                        .iter()
                        .any(|x: &RejectReasonDetail| x.reject_reason == *r)
                    {
                        reasons.push(RejectReasonDetail {
                            reject_reason: (*r).into(),
                            reject_reason_detail: (*d).into(),
                        });
                    }
                }
            }
            Some(reasons)
        } else {
            None
        }
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
            id: format!("{:032x}", (n as u128) << 64 | (self.rng.next_u64() as u128)),
            content_id,
            variant_id: Ids::next(&mut self.ids.variant),
            barcode: input.barcode.clone(),
            title: input.title,
            product_main_id: input.product_main_id,
            brand_id: input.brand_id.unwrap_or(0),
            category_id: input.category_id.unwrap_or(0),
            quantity: input.quantity.unwrap_or(0),
            stock_code: input.stock_code,
            dimensional_weight: input.dimensional_weight.unwrap_or(0.0),
            description: input.description,
            currency_type: input.currency_type.unwrap_or_else(|| "TRY".into()),
            list_price: input.list_price.unwrap_or(0.0),
            sale_price: input.sale_price.unwrap_or(0.0),
            vat_rate: input.vat_rate.unwrap_or(20),
            cargo_company_id,
            cargo_providers,
            images: input.images,
            attributes: named_attributes(
                ctx.catalog,
                input.category_id.unwrap_or(0),
                input.attributes,
            ),
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
        if let Some(replaced) = m.insert(barcode.clone(), p) {
            self.contents
                .remove(seller, &replaced.product_main_id, replaced.content_id);
        }
        &self.products[&seller][&barcode]
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
                            .is_some_and(|m| m.contains_key(&input.barcode))
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
                        .and_then(|m| m.get(&barcode))
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
                                if input.product_main_id != p.product_main_id {
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
        let attrs = named_attributes(
            ctx.catalog,
            input.category_id.unwrap_or(0),
            input.attributes,
        );
        let Some(p) = self
            .products
            .get_mut(&seller)
            .and_then(|m| m.get_mut(&old.barcode))
        else {
            return;
        };
        p.title = input.title;
        if p.product_main_id != input.product_main_id {
            self.contents
                .remove(seller, &p.product_main_id, p.content_id);
            self.contents
                .add(seller, &input.product_main_id, p.content_id);
        }
        p.product_main_id = input.product_main_id;
        p.brand_id = input.brand_id.unwrap_or(p.brand_id);
        p.category_id = input.category_id.unwrap_or(p.category_id);
        p.quantity = input.quantity.unwrap_or(p.quantity);
        p.stock_code = input.stock_code;
        p.dimensional_weight = input.dimensional_weight.unwrap_or(p.dimensional_weight);
        p.description = input.description;
        p.list_price = input.list_price.unwrap_or(p.list_price);
        p.sale_price = input.sale_price.unwrap_or(p.sale_price);
        p.vat_rate = input.vat_rate.unwrap_or(p.vat_rate);
        match input.cargo {
            Cargo::V1(id) => p.cargo_company_id = id,
            Cargo::V2(codes) => p.cargo_providers = codes,
        }
        p.images = input.images;
        p.attributes = attrs;
        p.modified_ms = ctx.now;
        if let Some(v) = verdict {
            p.reject_reasons = v;
            p.review_until_ms = ctx.now + ctx.settings.approval_delay_ms.max(0);
        }
    }

    /// V2 content update of approved products, by `contentId`.
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
                    let matching: Vec<String> = products
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
                            if let Some(p) = products.get_mut(&b) {
                                if let Some(t) = &item.title {
                                    p.title = t.clone();
                                }
                                if let Some(d) = &item.description {
                                    p.description = d.clone();
                                }
                                if let Some(im) = &images {
                                    p.images = im.clone();
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
                    match self.seller_products(seller).get_mut(&barcode) {
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
                                    p.stock_code = sc;
                                }
                                if let Some(w) = item.dimensional_weight {
                                    p.dimensional_weight = w;
                                }
                                if let Some(c) = item.cargo_providers {
                                    p.cargo_providers = c;
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
                    let removed = self.seller_products(seller).remove(&b);
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
                    let r = match self.seller_products(seller).get_mut(&b) {
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

    /// Seeds valid products directly (control endpoint), approved at once unless `approved`
    /// is false (then they go through review).
    pub fn seed_products(
        &mut self,
        ctx: &Ctx,
        seller: u64,
        count: u64,
        approved: bool,
        quantity: i64,
        prefix: &str,
    ) -> Vec<String> {
        let mut out = Vec::new();
        let start = self.products.get(&seller).map(|m| m.len()).unwrap_or(0) as u64;
        let mut n = start;
        while (out.len() as u64) < count {
            n += 1;
            let barcode = format!("{prefix}{n:06}");
            if self
                .products
                .get(&seller)
                .is_some_and(|m| m.contains_key(&barcode))
            {
                continue;
            }
            out.push(self.seed_one(ctx, seller, n, &barcode, prefix, approved, quantity));
        }
        out
    }

    /// Valid products with exactly these barcodes (a shop's own catalog); barcodes the seller
    /// already has are left as they are.
    pub fn seed_barcodes(
        &mut self,
        ctx: &Ctx,
        seller: u64,
        barcodes: &[String],
        approved: bool,
        quantity: i64,
    ) -> Vec<String> {
        let mut out = Vec::new();
        let mut n = self.products.get(&seller).map(|m| m.len()).unwrap_or(0) as u64;
        for barcode in barcodes {
            if self
                .products
                .get(&seller)
                .is_some_and(|m| m.contains_key(barcode))
            {
                continue;
            }
            n += 1;
            out.push(self.seed_one(ctx, seller, n, barcode, "SHOP", approved, quantity));
        }
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn seed_one(
        &mut self,
        ctx: &Ctx,
        seller: u64,
        n: u64,
        barcode: &str,
        prefix: &str,
        approved: bool,
        quantity: i64,
    ) -> String {
        let barcode = barcode.to_string();
        {
            let cents = self.rng.range(4_990, 49_990);
            let sale = cents as f64 / 100.0;
            let list = ((sale * 1.2) * 100.0).round() / 100.0;
            let size = 7001 + (n % 5);
            let input = ProductInput {
                barcode: barcode.clone(),
                title: format!("Sandbox ürün {n}"),
                product_main_id: format!("{prefix}M{:05}", n.div_ceil(3)),
                brand_id: Some(DEMO_BRAND_ID),
                category_id: Some(DEMO_LEAF_CATEGORY),
                quantity: Some(quantity),
                stock_code: format!("STK-{barcode}"),
                dimensional_weight: Some(1.0),
                description: format!("Sandbox ürün {n} açıklaması"),
                currency_type: Some("TRY".into()),
                list_price: Some(list),
                sale_price: Some(sale),
                vat_rate: Some(20),
                cargo: Cargo::V2(vec!["TEXMP".into()]),
                images: vec![format!("https://127.0.0.1/images/{barcode}.jpg")],
                attributes: vec![ListedAttribute {
                    attribute_id: 338,
                    attribute_name: None,
                    attribute_value_ids: Some(vec![size]),
                    attribute_value: None,
                }],
            };
            let now = ctx.now;
            let p = self.insert_product(ctx, seller, input);
            let b = p.barcode.clone();
            if approved {
                if let Some(p) = self.seller_products(seller).get_mut(&b) {
                    p.review_until_ms = now;
                    p.reject_reasons = None;
                }
            }
            b
        }
    }

    /// Forces a review verdict (control endpoint).
    pub fn force_review(
        &mut self,
        ctx: &Ctx,
        seller: u64,
        barcode: &str,
        approve: bool,
        reasons: Vec<RejectReasonDetail>,
    ) -> bool {
        match self.seller_products(seller).get_mut(barcode) {
            Some(p) => {
                p.review_until_ms = ctx.now;
                p.reject_reasons = if approve {
                    None
                } else if reasons.is_empty() {
                    Some(vec![RejectReasonDetail {
                        reject_reason: REJECT_REASONS[0].0.into(),
                        reject_reason_detail: REJECT_REASONS[0].1.into(),
                    }])
                } else {
                    Some(reasons)
                };
                p.modified_ms = ctx.now;
                true
            }
            None => false,
        }
    }
}

/// Fills attribute names from the category definition.
fn named_attributes(
    catalog: &Catalog,
    category: u64,
    attrs: Vec<ListedAttribute>,
) -> Vec<ListedAttribute> {
    attrs
        .into_iter()
        .map(|mut a| {
            if a.attribute_name.is_none() {
                a.attribute_name = catalog
                    .attribute_name(category, a.attribute_id)
                    .map(str::to_string);
            }
            a
        })
        .collect()
}

fn batch_response(id: String) -> ApiResult {
    ok(&BatchRequestIdResponse {
        batch_request_id: id,
    })
}

fn to_inputs<T: Into<ProductInput>>(
    items: Vec<(Value, Result<T, String>)>,
) -> Vec<(Value, Result<ProductInput, String>)> {
    items
        .into_iter()
        .map(|(raw, r)| (raw, r.map(Into::into)))
        .collect()
}

/// `POST .../products` (V1 create).
pub async fn create_v1(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> ApiResult {
    let items = to_inputs(parse_items::<ProductV1Item>(&body)?);
    batch_response(
        app.mutate(|w, ctx| w.create_products(ctx, caller.seller_id, WriteKind::CreateV1, items)),
    )
}

/// `POST .../v2/products` (V2 create).
pub async fn create_v2(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> ApiResult {
    let items = to_inputs(parse_items::<ProductV2Item>(&body)?);
    batch_response(
        app.mutate(|w, ctx| w.create_products(ctx, caller.seller_id, WriteKind::CreateV2, items)),
    )
}

/// `PUT .../products` (V1 update).
pub async fn update_v1(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> ApiResult {
    let items = to_inputs(parse_items::<ProductV1Item>(&body)?);
    batch_response(
        app.mutate(|w, ctx| w.update_products(ctx, caller.seller_id, WriteKind::UpdateV1, items)),
    )
}

/// `POST .../products/unapproved-bulk-update`.
pub async fn update_unapproved(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> ApiResult {
    let items = to_inputs(parse_items::<ProductV2Item>(&body)?);
    batch_response(app.mutate(|w, ctx| {
        w.update_products(ctx, caller.seller_id, WriteKind::UpdateUnapproved, items)
    }))
}

/// `POST .../products/content-bulk-update`.
pub async fn update_content(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> ApiResult {
    let items = parse_items::<ContentUpdateItem>(&body)?;
    batch_response(app.mutate(|w, ctx| w.update_content(ctx, caller.seller_id, items)))
}

/// `POST .../products/variant-bulk-update`.
pub async fn update_variants(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> ApiResult {
    let items = parse_items::<VariantUpdateItem>(&body)?;
    batch_response(app.mutate(|w, ctx| w.update_variants(ctx, caller.seller_id, items)))
}

/// `DELETE .../products` with `{"items":[{"barcode"}]}`.
pub async fn delete(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> ApiResult {
    let items = parse_items::<BarcodeItem>(&body)?;
    batch_response(app.mutate(|w, ctx| w.delete_products(ctx, caller.seller_id, items)))
}

/// `PUT .../products/archive-state`.
pub async fn archive(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> ApiResult {
    let items = parse_items::<ArchiveItem>(&body)?;
    batch_response(app.mutate(|w, ctx| w.archive_products(ctx, caller.seller_id, items)))
}

fn date_filter(params: &Params, field_ms: i64) -> Result<bool, ApiError> {
    let start = params.i64("startDate")?;
    let end = params.i64("endDate")?;
    Ok(start.is_none_or(|s| field_ms >= s) && end.is_none_or(|e| field_ms <= e))
}

/// A listed attribute as the filter shows it: a value chosen by id also carries its name in
/// `attributeValue`, as Trendyol's filter answers do.
fn named_value(cat: &Catalog, category: u64, a: &ListedAttribute) -> ListedAttribute {
    let mut a = a.clone();
    if a.attribute_value.is_none() {
        let names: Vec<String> = cat
            .attributes
            .get(&category)
            .and_then(|defs| defs.iter().find(|d| d.meta.attribute.id == a.attribute_id))
            .map(|d| {
                a.attribute_value_ids
                    .iter()
                    .flatten()
                    .filter_map(|id| {
                        d.values
                            .iter()
                            .find(|v| v.attribute_value_id == *id)
                            .map(|v| v.attribute_value_name.clone())
                    })
                    .collect()
            })
            .unwrap_or_default();
        if !names.is_empty() {
            a.attribute_value = Some(names.join(", "));
        }
    }
    a
}

/// `GET .../products` (V1 filter).
pub async fn filter_v1(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    params: Params,
) -> ApiResult {
    let (page, size) = paging(&params, 50, 10_000, None)?;
    let approved = params.bool("approved")?;
    let archived = params.bool("archived")?;
    let on_sale = params.bool("onSale")?;
    let rejected = params.bool("rejected")?;
    let by_modified = params
        .str("dateQueryType")
        .is_some_and(|d| d.eq_ignore_ascii_case("LAST_MODIFIED_DATE"));
    let barcode = params.str("barcode").map(wp::normalize_barcode);
    let stock_code = params.str("stockCode");
    let main_id = params.str("productMainId");
    let now = app.clock.now_ms();
    let cat = &app.catalog;
    let mut matched = Vec::new();
    {
        let w = crate::app::lock(&app.world);
        for p in w
            .products
            .get(&caller.seller_id)
            .into_iter()
            .flat_map(|m| m.values())
        {
            let review = p.review(now);
            let is_on_sale = review == Review::Approved && !p.archived && p.quantity > 0;
            if approved.is_some_and(|a| a != (review == Review::Approved))
                || rejected.is_some_and(|r| r != (review == Review::Rejected))
                || archived.is_some_and(|a| a != p.archived)
                || on_sale.is_some_and(|o| o != is_on_sale)
                || barcode.as_deref().is_some_and(|b| b != p.barcode)
                || stock_code.is_some_and(|s| s != p.stock_code)
                || main_id.is_some_and(|m| m != p.product_main_id)
                || !date_filter(
                    &params,
                    if by_modified {
                        p.modified_ms
                    } else {
                        p.created_ms
                    },
                )?
            {
                continue;
            }
            matched.push(FilteredProduct {
                id: Some(p.id.clone()),
                approved: review == Review::Approved,
                archived: p.archived,
                rejected: review == Review::Rejected,
                blacklisted: false,
                locked: p.locked,
                on_sale: is_on_sale,
                barcode: p.barcode.clone(),
                title: p.title.clone(),
                product_main_id: p.product_main_id.clone(),
                product_content_id: Some(p.content_id),
                brand: Some(p.brand(cat).name),
                brand_id: Some(p.brand_id),
                pim_category_id: Some(p.category_id),
                category_name: cat.category_name(p.category_id).map(str::to_string),
                quantity: Some(p.quantity),
                list_price: Some(p.list_price),
                sale_price: Some(p.sale_price),
                vat_rate: Some(p.vat_rate),
                stock_code: Some(p.stock_code.clone()),
                dimensional_weight: Some(p.dimensional_weight),
                stock_unit_type: Some("Adet".into()),
                description: Some(p.description.clone()),
                images: p.images(),
                attributes: p
                    .attributes
                    .iter()
                    .map(|a| named_value(cat, p.category_id, a))
                    .filter_map(|a| serde_json::to_value(a).ok())
                    .collect(),
                create_date_time: Some(p.created_ms),
                last_update_date: Some(p.modified_ms),
                reject_reason_details: if review == Review::Rejected {
                    p.reject_reasons.clone().unwrap_or_default()
                } else {
                    vec![]
                },
            });
        }
    }
    let total = matched.len() as u64;
    ok(&ProductsPage {
        total_elements: total,
        total_pages: crate::http::total_pages(total, size),
        page,
        size,
        content: crate::http::page_of(&matched, page, size),
    })
}

/// Paging of the V2 lists: `size ≤ 100`; past `page × size = 10,000` only a `nextPageToken`
/// (an opaque offset) continues. Returns `(offset, page, size)`.
fn v2_paging(params: &Params) -> Result<(u64, u64, u64), ApiError> {
    let size = params.u64("size")?.unwrap_or(50);
    if size == 0 || size > wp::MAX_V2_PAGE_SIZE {
        return Err(ApiError::bad_request(
            "invalid.size",
            format!("size must be between 1 and {}", wp::MAX_V2_PAGE_SIZE),
        ));
    }
    if let Some(token) = params.str("nextPageToken") {
        let offset = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(token)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .and_then(|s| s.strip_prefix("o:").and_then(|n| n.parse::<u64>().ok()))
            .ok_or_else(|| {
                ApiError::bad_request("invalid.next.page.token", "nextPageToken is invalid")
            })?;
        return Ok((offset, offset / size, size));
    }
    let page = params.u64("page")?.unwrap_or(0);
    if page.saturating_mul(size) >= wp::MAX_V2_PAGE_WINDOW {
        return Err(ApiError::bad_request(
            "invalid.page.window",
            format!(
                "page x size must be less than {}; continue with nextPageToken",
                wp::MAX_V2_PAGE_WINDOW
            ),
        ));
    }
    Ok((page * size, page, size))
}

fn next_token(offset: u64, size: u64, total: u64) -> Option<String> {
    (offset + size < total).then(|| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("o:{}", offset + size))
    })
}

fn v2_filters(params: &Params, p: &Product) -> Result<bool, ApiError> {
    let barcode = params.str("barcode").map(wp::normalize_barcode);
    let content = params.u64("contentId")?;
    Ok(barcode.as_deref().is_none_or(|b| b == p.barcode)
        && params.str("stockCode").is_none_or(|s| s == p.stock_code)
        && params
            .str("productMainId")
            .is_none_or(|m| m == p.product_main_id)
        && content.is_none_or(|c| c == p.content_id)
        && params.bool("archived")?.is_none_or(|a| a == p.archived)
        && date_filter(params, p.modified_ms)?)
}

/// `GET .../products/approved` — approved contents with their variants.
pub async fn approved(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    params: Params,
) -> ApiResult {
    let (offset, page, size) = v2_paging(&params)?;
    let now = app.clock.now_ms();
    let cat = &app.catalog;
    // The page is cut from the grouped references first and only its contents are built, so
    // paging through a large catalog does not copy every product for every page.
    let mut page_contents: Vec<ApprovedContent> = Vec::new();
    let total;
    {
        let w = crate::app::lock(&app.world);
        let mut groups: BTreeMap<u64, Vec<&Product>> = BTreeMap::new();
        for p in w
            .products
            .get(&caller.seller_id)
            .into_iter()
            .flat_map(|m| m.values())
        {
            if !p.is_approved(now) || !v2_filters(&params, p)? {
                continue;
            }
            groups.entry(p.content_id).or_default().push(p);
        }
        total = groups.len() as u64;
        for (content_id, variants) in groups.into_iter().skip(offset as usize).take(size as usize) {
            let first = variants[0];
            let mut c = ApprovedContent {
                content_id,
                product_main_id: first.product_main_id.clone(),
                title: first.title.clone(),
                description: Some(first.description.clone()),
                brand: Some(first.brand(cat)),
                category: Some(first.category(cat)),
                creation_date: Some(first.created_ms),
                last_modified_date: Some(first.modified_ms),
                images: first.images(),
                attributes: first.attributes.clone(),
                variants: vec![],
            };
            for p in variants {
                c.last_modified_date = c.last_modified_date.max(Some(p.modified_ms));
                c.variants.push(ApprovedVariant {
                    variant_id: Some(p.variant_id),
                    barcode: p.barcode.clone(),
                    stock_code: Some(p.stock_code.clone()),
                    on_sale: !p.archived && p.quantity > 0,
                    archived: p.archived,
                    locked: p.locked,
                    vat_rate: Some(p.vat_rate),
                    dimensional_weight: Some(p.dimensional_weight),
                    price: Some(VariantPrice {
                        sale_price: Some(p.sale_price),
                        list_price: Some(p.list_price),
                    }),
                    stock: Some(VariantStock {
                        quantity: Some(p.quantity),
                        last_modified_date: Some(p.stock_modified_ms),
                    }),
                    cargo_providers: p.cargo_providers.clone(),
                });
            }
            page_contents.push(c);
        }
    }
    ok(&ApprovedProductsPage {
        total_elements: total,
        total_pages: crate::http::total_pages(total, size),
        page,
        size,
        next_page_token: next_token(offset, size, total),
        content: page_contents,
    })
}

/// `GET .../products/unapproved` — products in review or rejected, with reasons.
pub async fn unapproved(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    params: Params,
) -> ApiResult {
    let (offset, page, size) = v2_paging(&params)?;
    let now = app.clock.now_ms();
    let cat = &app.catalog;
    // Only the page's products are built (see `approved`).
    let mut page_products = Vec::new();
    let total;
    {
        let w = crate::app::lock(&app.world);
        let mut matching: Vec<&Product> = Vec::new();
        for p in w
            .products
            .get(&caller.seller_id)
            .into_iter()
            .flat_map(|m| m.values())
        {
            if p.review(now) == Review::Approved || !v2_filters(&params, p)? {
                continue;
            }
            matching.push(p);
        }
        total = matching.len() as u64;
        for p in matching
            .into_iter()
            .skip(offset as usize)
            .take(size as usize)
        {
            let review = p.review(now);
            let rejected = review == Review::Rejected;
            page_products.push(UnapprovedProduct {
                barcode: p.barcode.clone(),
                title: p.title.clone(),
                product_main_id: p.product_main_id.clone(),
                stock_code: Some(p.stock_code.clone()),
                brand: Some(p.brand(cat)),
                category: Some(p.category(cat)),
                status: Some(if rejected { "REJECTED" } else { "PENDING" }.into()),
                rejected,
                reject_reason_details: if rejected {
                    p.reject_reasons.clone().unwrap_or_default()
                } else {
                    vec![]
                },
                quantity: Some(p.quantity),
                sale_price: Some(p.sale_price),
                list_price: Some(p.list_price),
                vat_rate: Some(p.vat_rate),
                images: p.images(),
                attributes: p.attributes.clone(),
                creation_date: Some(p.created_ms),
                last_modified_date: Some(p.modified_ms),
            });
        }
    }
    ok(&UnapprovedProductsPage {
        total_elements: total,
        total_pages: crate::http::total_pages(total, size),
        page,
        size,
        next_page_token: next_token(offset, size, total),
        content: page_products,
    })
}
