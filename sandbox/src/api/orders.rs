//! The orders endpoints: the package list, the cursor stream, and the seller's updates
//! (status, unsupplied lines, tracking number, invoice link). The rules live in
//! [`crate::orders`]; this layer reads requests and shapes answers.

use crate::app::App;
use crate::auth::Caller;
use crate::http::{empty, json_response, parse_json, path_id, ApiError, ApiResult, Params};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Extension;
use base64::Engine;
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use trendyol_wire::orders::{
    self as wo, InvoiceLinkRequest, OrdersPage, OrdersStream, StatusUpdateRequest,
    TrackingNumberRequest, UnsuppliedRequest,
};
use trendyol_wire::{PackageStatus, ShipmentPackage};

/// Serializes packages for the wire (old names when the legacy switch is on).
pub fn packages_response<T: Serialize>(app: &App, envelope: &T) -> ApiResult {
    let mut v = serde_json::to_value(envelope)
        .map_err(|e| ApiError::bad_request("serialization", e.to_string()))?;
    if app.settings().legacy_field_names {
        wo::to_legacy_names(&mut v);
    } else {
        crate::documented::packages(&mut v);
    }
    Ok(json_response(StatusCode::OK, &v))
}

/// `GET /integration/order/sellers/{id}/orders`.
pub async fn list(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    params: Params,
) -> ApiResult {
    let (page, size) = crate::http::paging(
        &params,
        wo::DEFAULT_PAGE_SIZE,
        wo::MAX_PAGE_SIZE,
        Some(wo::MAX_PAGE_WINDOW),
    )?;
    let by_modified = params
        .str("orderByField")
        .is_some_and(|f| f.eq_ignore_ascii_case("PackageLastModifiedDate"));
    let asc = params
        .str("orderByDirection")
        .is_some_and(|d| d.eq_ignore_ascii_case("ASC"));
    let start = params.i64("startDate")?;
    let end = params.i64("endDate")?;
    let status = params.str("status").map(PackageStatus::parse);
    let order_number = params.str("orderNumber");
    let ids: Vec<u64> = params
        .list("shipmentPackageIds")
        .iter()
        .map(|s| path_id(s, "shipmentPackageIds"))
        .collect::<Result<_, _>>()?;
    let mut found: Vec<(i64, u64, ShipmentPackage)> = {
        let w = crate::lock::lock(&app.world);
        w.packages
            .values()
            .filter(|r| r.seller_id == caller.seller_id)
            .filter_map(|r| {
                let key = if by_modified {
                    r.last_modified()
                } else {
                    r.package.order_date.unwrap_or(0)
                };
                let ok = start.is_none_or(|s| key >= s)
                    && end.is_none_or(|e| key <= e)
                    && status.as_ref().is_none_or(|s| *s == r.status())
                    && order_number.is_none_or(|n| r.package.order_number.as_deref() == Some(n))
                    && (ids.is_empty() || ids.contains(&r.id()));
                ok.then(|| (key, r.id(), r.package.clone()))
            })
            .collect()
    };
    found.sort_by_key(|(k, id, _)| (*k, *id));
    if !asc {
        found.reverse();
    }
    let total = found.len() as u64;
    let content = found
        .into_iter()
        .skip((page * size) as usize)
        .take(size as usize)
        .map(|(_, _, p)| p)
        .collect::<Vec<_>>();
    packages_response(
        &app,
        &OrdersPage {
            page,
            size,
            total_pages: crate::http::total_pages(total, size),
            total_elements: total,
            content: content.into(),
        },
    )
}

/// The stream cursor: the filters it belongs to and the position after the last item.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
struct Cursor {
    s: i64,
    e: i64,
    st: Vec<String>,
    lm: i64,
    m: u64,
}

fn encode_cursor(c: &Cursor) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(serde_json::to_vec(c).unwrap_or_default())
}

fn decode_cursor(s: &str) -> Option<Cursor> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s)
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// `GET .../orders/stream`.
pub async fn stream(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    params: Params,
) -> ApiResult {
    let size = params.u64("size")?.unwrap_or(wo::DEFAULT_PAGE_SIZE);
    if size == 0 || size > wo::MAX_PAGE_SIZE {
        return Err(ApiError::bad_request(
            "invalid.size",
            format!("size must be between 1 and {}", wo::MAX_PAGE_SIZE),
        ));
    }
    let start = params.i64("lastModifiedStartDate")?;
    let end = params.i64("lastModifiedEndDate")?;
    let mut statuses = params.list("packageItemStatuses");
    statuses.sort();
    let (s, e, st, after) = match params.str("nextCursor") {
        Some(raw) => {
            let c = decode_cursor(raw)
                .ok_or_else(|| ApiError::bad_request("invalid.cursor", "nextCursor is invalid"))?;
            let changed = start.is_some_and(|v| v != c.s)
                || end.is_some_and(|v| v != c.e)
                || (!statuses.is_empty() && statuses != c.st);
            if changed {
                return Err(ApiError::bad_request(
                    "cursor.filter.mismatch",
                    "filters cannot change while paging with nextCursor; start a new stream",
                ));
            }
            (c.s, c.e, c.st.clone(), Some((c.lm, c.m)))
        }
        None => {
            let e = end.unwrap_or_else(|| app.clock.now_ms());
            let s = start.unwrap_or(e - wo::MAX_STREAM_WINDOW_MS);
            (s, e, statuses, None)
        }
    };
    if e < s {
        return Err(ApiError::bad_request(
            "invalid.date.range",
            "lastModifiedEndDate must not be before lastModifiedStartDate",
        ));
    }
    if e - s > wo::MAX_STREAM_WINDOW_MS {
        return Err(ApiError::bad_request(
            "invalid.date.range",
            "lastModified window must not exceed 14 days",
        ));
    }
    let wanted: Vec<PackageStatus> = st.iter().map(|x| PackageStatus::parse(x)).collect();
    let mut found: Vec<(i64, u64, ShipmentPackage)> = {
        let w = crate::lock::lock(&app.world);
        w.packages
            .values()
            .filter(|r| r.seller_id == caller.seller_id)
            .filter(|r| {
                let lm = r.last_modified();
                lm >= s
                    && lm <= e
                    && after.is_none_or(|pos| (lm, r.modification) > pos)
                    && (wanted.is_empty() || wanted.contains(&r.status()))
            })
            .map(|r| (r.last_modified(), r.modification, r.package.clone()))
            .collect()
    };
    found.sort_by_key(|(lm, m, _)| (*lm, *m));
    let has_more = found.len() as u64 > size;
    found.truncate(size as usize);
    let next_cursor = match (has_more, found.last()) {
        (true, Some((lm, m, _))) => Some(encode_cursor(&Cursor {
            s,
            e,
            st: st.clone(),
            lm: *lm,
            m: *m,
        })),
        _ => None,
    };
    packages_response(
        &app,
        &OrdersStream {
            size,
            has_more,
            next_cursor,
            content: found
                .into_iter()
                .map(|(_, _, p)| p)
                .collect::<Vec<_>>()
                .into(),
        },
    )
}

/// `PUT .../shipment-packages/{id}`.
pub async fn update_status(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    Path((_seller, id)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult {
    let id = path_id(&id, "shipmentPackageId")?;
    let req: StatusUpdateRequest = parse_json(&body)?;
    app.mutate(|w, ctx| w.seller_status_update(ctx, caller.seller_id, id, &req))?;
    empty(StatusCode::OK)
}

/// `PUT .../shipment-packages/{id}/items/unsupplied`.
pub async fn unsupplied(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    Path((_seller, id)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult {
    let id = path_id(&id, "shipmentPackageId")?;
    let req: UnsuppliedRequest = parse_json(&body)?;
    app.mutate(|w, ctx| w.unsupply(ctx, caller.seller_id, id, &req))?;
    empty(StatusCode::OK)
}

/// `PUT .../shipment-packages/{id}/update-tracking-number`.
pub async fn tracking(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    Path((_seller, id)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult {
    let id = path_id(&id, "shipmentPackageId")?;
    let req: TrackingNumberRequest = parse_json(&body)?;
    app.mutate(|w, ctx| w.update_tracking(ctx, caller.seller_id, id, &req))?;
    empty(StatusCode::OK)
}

/// `POST /integration/sellers/{id}/seller-invoice-links` → 201; 409 on a second link.
pub async fn invoice_link(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> ApiResult {
    let req: InvoiceLinkRequest = parse_json(&body)?;
    app.mutate(|w, ctx| w.invoice_link(ctx, caller.seller_id, &req))?;
    empty(StatusCode::CREATED)
}
