//! The reference data endpoints: brands (paged and by name), the category tree, category
//! attributes and their values, cargo providers.

use crate::app::App;
use crate::http::{ok, paging, path_id, ApiError, ApiResult, Params};
use axum::extract::{Path, State};
use std::sync::Arc;
use trendyol_wire::catalog::{AttributeValuesPage, Brand, BrandsResponse, CategoryAttributes};

/// `GET /integration/product/brands?page=&size=`.
pub async fn brands(State(app): State<Arc<App>>, params: Params) -> ApiResult {
    let (page, size) = paging(&params, 1000, 5000, None)?;
    let brands = crate::http::page_of(&app.catalog.brands, page, size);
    ok(&BrandsResponse { brands })
}

/// `GET /integration/product/brands/by-name?name=` (case-sensitive; a bare array).
pub async fn brands_by_name(State(app): State<Arc<App>>, params: Params) -> ApiResult {
    let name = params
        .str("name")
        .ok_or_else(|| ApiError::bad_request("name.required", "Parameter 'name' is required"))?;
    let found: Vec<&Brand> = app
        .catalog
        .brands
        .iter()
        .filter(|b| b.name == name)
        .collect();
    ok(&found)
}

/// `GET /integration/product/product-categories`.
pub async fn categories(State(app): State<Arc<App>>) -> ApiResult {
    ok(&app.catalog.tree)
}

/// `GET /integration/product/categories/{id}/attributes`.
pub async fn category_attributes(
    State(app): State<Arc<App>>,
    Path(category): Path<String>,
) -> ApiResult {
    let id = path_id(&category, "categoryId")?;
    let name = app.catalog.category_name(id).ok_or_else(|| {
        ApiError::not_found("category.not.found", format!("Category {id} not found"))
    })?;
    let attrs = app
        .catalog
        .attributes
        .get(&id)
        .map(|v| v.iter().map(|a| a.meta.clone()).collect())
        .unwrap_or_default();
    ok(&CategoryAttributes {
        id,
        name: name.to_string(),
        display_name: Some(name.to_string()),
        category_attributes: attrs,
    })
}

/// `GET .../categories/{id}/attributes/{attrId}/values?page=&size=` (size ≤ 1000).
pub async fn attribute_values(
    State(app): State<Arc<App>>,
    Path((category, attribute)): Path<(String, String)>,
    params: Params,
) -> ApiResult {
    let cid = path_id(&category, "categoryId")?;
    let aid = path_id(&attribute, "attributeId")?;
    let (page, size) = paging(&params, 1000, 1000, None)?;
    let def = app
        .catalog
        .attributes
        .get(&cid)
        .and_then(|v| v.iter().find(|a| a.meta.attribute.id == aid))
        .ok_or_else(|| {
            ApiError::not_found(
                "attribute.not.found",
                format!("Attribute {aid} not found in category {cid}"),
            )
        })?;
    let total = def.values.len() as u64;
    ok(&AttributeValuesPage {
        content: crate::http::page_of(&def.values, page, size),
        page: Some(page),
        size: Some(size),
        total_elements: Some(total),
        total_pages: Some(crate::http::total_pages(total, size)),
    })
}

/// `GET /integration/product/lookup/cargo-providers` (a bare array).
pub async fn cargo_providers(State(app): State<Arc<App>>) -> ApiResult {
    ok(&app.catalog.cargo)
}
