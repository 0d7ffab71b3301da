//! `POST .../products/price-and-inventory`: reads the items and the body (its fingerprint is
//! what the duplicate rule compares), then applies them.

use crate::api::products_write::parse_items;
use crate::app::App;
use crate::auth::Caller;
use crate::http::{ok, ApiError, ApiResult};
use axum::extract::State;
use axum::Extension;
use bytes::Bytes;
use serde_json::Value;
use std::sync::Arc;
use trendyol_wire::inventory::PriceInventoryItem;
use trendyol_wire::products::BatchRequestIdResponse;

/// `POST .../products/price-and-inventory`.
pub async fn update(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> ApiResult {
    let items = parse_items::<PriceInventoryItem>(&body)?;
    let value: Value = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request("invalid.request.body", e.to_string()))?;
    let id = app.mutate(|w, ctx| w.price_inventory(ctx, caller.seller_id, &value, items))?;
    ok(&BatchRequestIdResponse {
        batch_request_id: id,
    })
}
