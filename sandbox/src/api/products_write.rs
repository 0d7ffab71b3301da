//! The product write endpoints: each reads its items one by one (a wrongly typed item is an
//! item failure, a missing or oversized `items` array a 400) and answers the batch id.

use crate::app::App;
use crate::auth::Caller;
use crate::http::{ok, parse_json, ApiError, ApiResult};
use crate::products::{Items, ProductInput, WriteKind};
use axum::extract::State;
use axum::Extension;
use bytes::Bytes;
use serde_json::Value;
use std::sync::Arc;
use trendyol_wire::products::{
    self as wp, ArchiveItem, BarcodeItem, BatchRequestIdResponse, ContentUpdateItem, ProductV1Item,
    ProductV2Item, VariantUpdateItem,
};

/// The items of a write request, parsed item by item (a wrongly typed item is an item failure,
/// a missing or oversized `items` array a 400).
pub fn parse_items<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<Items<T>, ApiError> {
    let mut v: Value = parse_json(body)?;
    let items = match v.get_mut("items") {
        Some(Value::Array(a)) => std::mem::take(a),
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
    // Each item is read in place and kept as it came (its echo): a request of 1,000 items is
    // the sandbox's largest passing allocation, so it is not copied.
    Ok(items
        .into_iter()
        .map(|raw| {
            let parsed = T::deserialize(&raw).map_err(|e| format!("item is invalid: {e}"));
            (raw, parsed)
        })
        .collect())
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
