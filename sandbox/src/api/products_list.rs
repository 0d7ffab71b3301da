//! The product lists: the V1 filter, and the V2 approved and unapproved lists with their
//! page window and `nextPageToken`.

use crate::app::App;
use crate::auth::Caller;
use crate::catalog::Catalog;
use crate::http::{ok, paging, ApiError, ApiResult, Params};
use crate::products::{Product, Review};
use axum::extract::State;
use axum::Extension;
use base64::Engine;
use std::collections::BTreeMap;
use std::sync::Arc;
use trendyol_wire::products::{
    self as wp, ApprovedContent, ApprovedProductsPage, ApprovedVariant, FilteredProduct,
    ListedAttribute, ProductsPage, UnapprovedProduct, UnapprovedProductsPage, VariantPrice,
    VariantStock,
};

fn date_filter(params: &Params, field_ms: i64) -> Result<bool, ApiError> {
    let start = params.i64("startDate")?;
    let end = params.i64("endDate")?;
    Ok(start.is_none_or(|s| field_ms >= s) && end.is_none_or(|e| field_ms <= e))
}

/// A listed attribute as the filter shows it: a value chosen by id also carries its name in
/// `attributeValue`, as Trendyol's filter answers do.
fn named_value(cat: &Catalog, category: u64, mut a: ListedAttribute) -> ListedAttribute {
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
        let w = crate::lock::lock(&app.world);
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
                || barcode.as_deref().is_some_and(|b| b != &*p.barcode)
                || stock_code.is_some_and(|s| s != &*p.stock_code)
                || main_id.is_some_and(|m| m != &*p.product_main_id)
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
                id: Some(p.public_id()),
                approved: review == Review::Approved,
                archived: p.archived,
                rejected: review == Review::Rejected,
                blacklisted: false,
                locked: p.locked,
                on_sale: is_on_sale,
                barcode: p.barcode.to_string(),
                title: p.title.to_string(),
                product_main_id: p.product_main_id.to_string(),
                product_content_id: Some(p.content_id),
                brand: Some(p.brand(cat).name),
                brand_id: Some(p.brand_id),
                pim_category_id: Some(p.category_id),
                category_name: cat.category_name(p.category_id).map(str::to_string),
                quantity: Some(p.quantity),
                list_price: Some(p.list_price),
                sale_price: Some(p.sale_price),
                vat_rate: Some(p.vat_rate),
                stock_code: Some(p.stock_code.to_string()),
                dimensional_weight: Some(p.dimensional_weight),
                stock_unit_type: Some("Adet".into()),
                description: Some(p.description.to_string()),
                images: p.images(),
                attributes: p
                    .listed_attributes(cat)
                    .into_iter()
                    .map(|a| named_value(cat, p.category_id, a))
                    .filter_map(|a| serde_json::to_value(a).ok())
                    .collect(),
                create_date_time: Some(p.created_ms),
                last_update_date: Some(p.modified_ms),
                reject_reason_details: if review == Review::Rejected {
                    p.reject_reasons
                        .as_deref()
                        .map(<[_]>::to_vec)
                        .unwrap_or_default()
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
    Ok(barcode.as_deref().is_none_or(|b| b == &*p.barcode)
        && params.str("stockCode").is_none_or(|s| s == &*p.stock_code)
        && params
            .str("productMainId")
            .is_none_or(|m| m == &*p.product_main_id)
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
        let w = crate::lock::lock(&app.world);
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
                product_main_id: first.product_main_id.to_string(),
                title: first.title.to_string(),
                description: Some(first.description.to_string()),
                brand: Some(first.brand(cat)),
                category: Some(first.category(cat)),
                creation_date: Some(first.created_ms),
                last_modified_date: Some(first.modified_ms),
                images: first.images(),
                attributes: first.listed_attributes(cat),
                variants: vec![],
            };
            for p in variants {
                c.last_modified_date = c.last_modified_date.max(Some(p.modified_ms));
                c.variants.push(ApprovedVariant {
                    variant_id: Some(p.variant_id),
                    barcode: p.barcode.to_string(),
                    stock_code: Some(p.stock_code.to_string()),
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
                    cargo_providers: p.cargo_providers.to_vec(),
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
        let w = crate::lock::lock(&app.world);
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
                barcode: p.barcode.to_string(),
                title: p.title.to_string(),
                product_main_id: p.product_main_id.to_string(),
                stock_code: Some(p.stock_code.to_string()),
                brand: Some(p.brand(cat)),
                category: Some(p.category(cat)),
                status: Some(if rejected { "REJECTED" } else { "PENDING" }.into()),
                rejected,
                reject_reason_details: if rejected {
                    p.reject_reasons
                        .as_deref()
                        .map(<[_]>::to_vec)
                        .unwrap_or_default()
                } else {
                    vec![]
                },
                quantity: Some(p.quantity),
                sale_price: Some(p.sale_price),
                list_price: Some(p.list_price),
                vat_rate: Some(p.vat_rate),
                images: p.images(),
                attributes: p.listed_attributes(cat),
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
