//! Control endpoints under `/__sandbox/`: the test harness's levers and windows.
//!
//! They are never faulted, rate-limited or authenticated, and never logged in the request log
//! (which records only what a Trendyol client sent). Errors here are plain
//! `{"error":"..."}` 400s — these are not Trendyol endpoints.

use crate::app::App;
use crate::claims::GenerateClaims;
use crate::config::merge_patch;
use crate::faults::FaultConfig;
use crate::http::{json_response, Params};
use crate::limits::LimitConfig;
use crate::lock::lock;
use crate::orders::GenerateOrders;
use crate::questions::SeedQuestion;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;
use trendyol_wire::products::RejectReasonDetail;
use trendyol_wire::PackageStatus;

/// The reserved prefix.
pub const PREFIX: &str = "/__sandbox/";

/// A control-endpoint error: a plain `{"error":"..."}` 400.
#[derive(Debug)]
pub struct CtlError(pub String);

impl IntoResponse for CtlError {
    fn into_response(self) -> Response {
        json_response(StatusCode::BAD_REQUEST, &json!({ "error": self.0 }))
    }
}

type Res = Result<Response, CtlError>;

fn bad(msg: impl Into<String>) -> CtlError {
    CtlError(msg.into())
}

fn okj(v: Value) -> Res {
    Ok(json_response(StatusCode::OK, &v))
}

/// Parses an optional JSON body (empty = `{}`).
fn body_json(body: &[u8]) -> Result<Value, CtlError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    serde_json::from_slice(body).map_err(|e| bad(format!("invalid JSON body: {e}")))
}

fn body_as<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<T, CtlError> {
    serde_json::from_value(body_json(body)?).map_err(|e| bad(format!("invalid body: {e}")))
}

fn seller_or_default(app: &App, seller: Option<u64>) -> Result<u64, CtlError> {
    match seller {
        Some(s) if app.credentials.has_seller(s) => Ok(s),
        Some(s) => Err(bad(format!("seller {s} is not configured"))),
        None => Ok(app.config.sellers.first().map(|s| s.seller_id).unwrap_or(0)),
    }
}

pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/__sandbox/health", get(health))
        .route("/__sandbox/info", get(info))
        .route("/__sandbox/reset", post(reset))
        .route("/__sandbox/save", post(save))
        .route("/__sandbox/products/seed", post(seed_products))
        .route("/__sandbox/products/review", post(review_product))
        .route("/__sandbox/orders/generate", post(generate_orders))
        .route("/__sandbox/packages/{id}", get(get_package))
        .route("/__sandbox/packages/{id}/status", post(package_status))
        .route("/__sandbox/claims/generate", post(generate_claims))
        .route("/__sandbox/questions/seed", post(seed_question))
        .route("/__sandbox/questions/{id}", get(get_question))
        .route("/__sandbox/clock", get(clock))
        .route("/__sandbox/clock/advance", post(advance_clock))
        .route(
            "/__sandbox/faults",
            get(get_faults).post(set_faults).delete(reset_faults),
        )
        .route("/__sandbox/limits", get(get_limits).post(set_limits))
        .route("/__sandbox/settings", get(get_settings).post(set_settings))
        .route("/__sandbox/requests", get(requests).delete(clear_requests))
        .route("/__sandbox/counters", get(counters))
        .route("/__sandbox/webhooks/deliveries", get(deliveries))
}

/// `GET /__sandbox/health`.
async fn health(State(app): State<Arc<App>>) -> Res {
    okj(json!({"ok": true, "now": app.clock.now_ms()}))
}

/// `GET /__sandbox/info`: sellers (ids and keys), seed, clock.
async fn info(State(app): State<Arc<App>>) -> Res {
    let sellers: Vec<Value> = app
        .config
        .sellers
        .iter()
        .map(|s| json!({"sellerId": s.seller_id, "apiKey": s.api_key}))
        .collect();
    okj(json!({
        "sellers": sellers,
        "seed": app.config.seed,
        "now": app.clock.now_ms(),
        "clockOffsetMs": app.clock.offset_ms(),
        "stateFile": app.config.state_file,
    }))
}

/// `POST /__sandbox/reset`.
async fn reset(State(app): State<Arc<App>>) -> Res {
    app.reset();
    okj(json!({"reset": true}))
}

/// `POST /__sandbox/save[?path=FILE]`.
async fn save(State(app): State<Arc<App>>, params: Params) -> Res {
    let path = params.str("path").map(std::path::PathBuf::from);
    match crate::persist::save(&app, path.as_deref()) {
        Ok(p) => okj(json!({"saved": p})),
        Err(e) => Err(bad(e.to_string())),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct SeedProducts {
    count: u64,
    seller_id: Option<u64>,
    approved: bool,
    quantity: i64,
    prefix: String,
    /// Exact barcodes to create (a shop's own), instead of `count` generated ones.
    barcodes: Vec<String>,
}

impl Default for SeedProducts {
    fn default() -> Self {
        SeedProducts {
            count: 10,
            seller_id: None,
            approved: true,
            quantity: 100,
            prefix: "SBX".into(),
            barcodes: Vec::new(),
        }
    }
}

/// `POST /__sandbox/products/seed {"count","sellerId","approved","quantity","prefix"}`.
async fn seed_products(State(app): State<Arc<App>>, body: Bytes) -> Res {
    let req: SeedProducts = body_as(&body)?;
    let seller = seller_or_default(&app, req.seller_id)?;
    if req.count > 100_000 {
        return Err(bad("count must be at most 100000"));
    }
    if !(0..=trendyol_wire::inventory::MAX_STOCK).contains(&req.quantity) {
        return Err(bad("quantity must be 0..=20000"));
    }
    if req.prefix.is_empty()
        || !trendyol_wire::products::barcode_chars_ok(&req.prefix)
        || req.prefix.len() > 30
    {
        return Err(bad("prefix must be 1-30 letters, digits, . - _"));
    }
    if req.barcodes.len() > 100_000 {
        return Err(bad("at most 100000 barcodes"));
    }
    if let Some(b) = req
        .barcodes
        .iter()
        .find(|b| b.is_empty() || b.len() > 40 || !trendyol_wire::products::barcode_chars_ok(b))
    {
        return Err(bad(format!(
            "barcode {b:?} must be 1-40 letters, digits, . - _"
        )));
    }
    if !req.barcodes.is_empty() {
        let barcodes = app.mutate(|w, ctx| {
            w.seed_barcodes(ctx, seller, &req.barcodes, req.approved, req.quantity)
        });
        return okj(json!({"sellerId": seller, "barcodes": barcodes}));
    }
    let barcodes = app.mutate(|w, ctx| {
        w.seed_products(
            ctx,
            seller,
            req.count,
            req.approved,
            req.quantity,
            &req.prefix,
        )
    });
    okj(json!({"sellerId": seller, "barcodes": barcodes}))
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct Review {
    seller_id: Option<u64>,
    barcode: String,
    approve: bool,
    reasons: Vec<RejectReasonDetail>,
}

/// `POST /__sandbox/products/review {"barcode","approve":true|false,"reasons":[...]}`: ends the
/// review of a product now with the given verdict.
async fn review_product(State(app): State<Arc<App>>, body: Bytes) -> Res {
    let req: Review = body_as(&body)?;
    let seller = seller_or_default(&app, req.seller_id)?;
    let found = app.mutate(|w, ctx| {
        w.force_review(ctx, seller, &req.barcode, req.approve, req.reasons.clone())
    });
    if found {
        okj(json!({"barcode": req.barcode, "approved": req.approve}))
    } else {
        Err(bad(format!("product {} not found", req.barcode)))
    }
}

/// `POST /__sandbox/orders/generate {...}` → the package ids created.
async fn generate_orders(State(app): State<Arc<App>>, body: Bytes) -> Res {
    let req: GenerateOrders = body_as(&body)?;
    let seller = seller_or_default(&app, req.seller_id)?;
    if req.count > 100_000 {
        return Err(bad("count must be at most 100000"));
    }
    for (name, v) in [
        ("splitShare", req.split_share),
        ("cancelShare", req.cancel_share),
        ("unsuppliedShare", req.unsupplied_share),
        ("awaitingShare", req.awaiting_share),
        ("unknownBarcodeShare", req.unknown_barcode_share),
    ] {
        if !(0.0..=1.0).contains(&v) {
            return Err(bad(format!("{name} must be between 0 and 1")));
        }
    }
    match app.mutate(|w, ctx| w.generate_orders(ctx, seller, &req)) {
        Ok(ids) => okj(json!({"sellerId": seller, "packageIds": ids})),
        Err(e) => Err(bad(e)),
    }
}

fn parse_id(raw: &str) -> Result<u64, CtlError> {
    raw.parse()
        .map_err(|_| bad(format!("'{raw}' is not a package id")))
}

/// `GET /__sandbox/packages/{id}` (no auth; new field names).
async fn get_package(State(app): State<Arc<App>>, Path(id): Path<String>) -> Res {
    let id = parse_id(&id)?;
    let rec = lock(&app.world).packages.get(&id).cloned();
    match rec {
        Some(r) => okj(json!({
            "sellerId": r.seller_id,
            "invoiceLink": r.invoice_link,
            "invoiceNumber": r.invoice_number,
            "package": r.package,
        })),
        None => Err(bad(format!("package {id} not found"))),
    }
}

#[derive(Deserialize)]
struct StatusBody {
    status: String,
}

/// `POST /__sandbox/packages/{id}/status {"status":"Shipped"}`: the carrier or customer moves a
/// package (any status; fires webhooks).
async fn package_status(State(app): State<Arc<App>>, Path(id): Path<String>, body: Bytes) -> Res {
    let id = parse_id(&id)?;
    let req: StatusBody = body_as(&body)?;
    let status = PackageStatus::parse(&req.status);
    if status.is_unknown() {
        return Err(bad(format!("unknown status '{}'", req.status)));
    }
    match app.mutate(|w, ctx| w.control_status(ctx, id, status)) {
        Ok(p) => okj(json!({"package": p})),
        Err(e) => Err(bad(e)),
    }
}

/// `POST /__sandbox/claims/generate {"count","sellerId","status"}`.
async fn generate_claims(State(app): State<Arc<App>>, body: Bytes) -> Res {
    let req: GenerateClaims = body_as(&body)?;
    let seller = seller_or_default(&app, req.seller_id)?;
    if req.count > 10_000 {
        return Err(bad("count must be at most 10000"));
    }
    match app.mutate(|w, ctx| w.generate_claims(ctx, seller, &req)) {
        Ok(ids) => okj(json!({"sellerId": seller, "claimIds": ids})),
        Err(e) => Err(bad(e)),
    }
}

/// `POST /__sandbox/questions/seed {"text","productMainId","productName","userName","ageMs",
/// "windowMs","sellerId"}`: a buyer asks a question.
async fn seed_question(State(app): State<Arc<App>>, body: Bytes) -> Res {
    let req: SeedQuestion = body_as(&body)?;
    let seller = seller_or_default(&app, req.seller_id)?;
    if req.text.trim().is_empty() {
        return Err(bad("text must not be empty"));
    }
    let id = app.mutate(|w, ctx| w.seed_question(ctx, seller, &req));
    okj(json!({"sellerId": seller, "questionId": id}))
}

/// `GET /__sandbox/questions/{id}`: the question as Trendyol holds it, with its deadline and
/// how many answers were accepted.
async fn get_question(State(app): State<Arc<App>>, Path(id): Path<String>) -> Res {
    let id: u64 = id
        .parse()
        .map_err(|_| bad(format!("question id must be a number, got '{id}'")))?;
    let rec = app.mutate(|w, ctx| {
        w.expire_questions(ctx.now);
        w.questions.get(&id).cloned()
    });
    match rec {
        Some(r) => okj(serde_json::to_value(r).unwrap_or_default()),
        None => Err(bad(format!("question {id} not found"))),
    }
}

/// `GET /__sandbox/clock`.
async fn clock(State(app): State<Arc<App>>) -> Res {
    okj(json!({"now": app.clock.now_ms(), "offsetMs": app.clock.offset_ms()}))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Advance {
    ms: i64,
    seconds: i64,
    minutes: i64,
    hours: i64,
}

/// `POST /__sandbox/clock/advance {"ms"|"seconds"|"minutes"|"hours"}` (sums them).
async fn advance_clock(State(app): State<Arc<App>>, body: Bytes) -> Res {
    let a: Advance = body_as(&body)?;
    let total =
        a.ms.saturating_add(a.seconds.saturating_mul(1_000))
            .saturating_add(a.minutes.saturating_mul(60_000))
            .saturating_add(a.hours.saturating_mul(3_600_000));
    if total < 0 {
        return Err(bad("the clock only moves forward"));
    }
    let now = app.clock.advance_ms(total);
    // Fire what became due (Awaiting → Created) right away.
    app.mutate(|_, _| ());
    okj(json!({"now": now, "offsetMs": app.clock.offset_ms()}))
}

/// `GET /__sandbox/faults`.
async fn get_faults(State(app): State<Arc<App>>) -> Res {
    let f = lock(&app.faults).config.clone();
    okj(serde_json::to_value(f).unwrap_or_default())
}

/// `POST /__sandbox/faults {...}`: patch (only the given fields change).
async fn set_faults(State(app): State<Arc<App>>, body: Bytes) -> Res {
    let patch = body_json(&body)?;
    let mut st = lock(&app.faults);
    let next: FaultConfig = merge_patch(&st.config, &patch).map_err(bad)?;
    for (name, v) in [
        ("errorShare", next.error_share),
        ("throttleShare", next.throttle_share),
        ("hangShare", next.hang_share),
        ("resetShare", next.reset_share),
        ("malformedShare", next.malformed_share),
        ("appliedErrorShare", next.applied_error_share),
        ("appliedResetShare", next.applied_reset_share),
        ("webhookDuplicateShare", next.webhook_duplicate_share),
        ("webhookReorderShare", next.webhook_reorder_share),
    ] {
        if !(0.0..=1.0).contains(&v) {
            return Err(bad(format!("{name} must be between 0 and 1")));
        }
    }
    st.config = next.clone();
    okj(serde_json::to_value(next).unwrap_or_default())
}

/// `DELETE /__sandbox/faults`: back to the start-up faults.
async fn reset_faults(State(app): State<Arc<App>>) -> Res {
    let f = app.config.faults.clone();
    lock(&app.faults).config = f.clone();
    okj(serde_json::to_value(f).unwrap_or_default())
}

/// `GET /__sandbox/limits`.
async fn get_limits(State(app): State<Arc<App>>) -> Res {
    let l = lock(&app.limiter).config.clone();
    okj(serde_json::to_value(l).unwrap_or_default())
}

/// `POST /__sandbox/limits {...}`: patch; also resets all windows.
async fn set_limits(State(app): State<Arc<App>>, body: Bytes) -> Res {
    let patch = body_json(&body)?;
    let mut lim = lock(&app.limiter);
    let next: LimitConfig = merge_patch(&lim.config, &patch).map_err(bad)?;
    lim.reconfigure(next.clone());
    okj(serde_json::to_value(next).unwrap_or_default())
}

/// `GET /__sandbox/settings`.
async fn get_settings(State(app): State<Arc<App>>) -> Res {
    okj(serde_json::to_value(app.settings()).unwrap_or_default())
}

/// `POST /__sandbox/settings {...}`: patch.
async fn set_settings(State(app): State<Arc<App>>, body: Bytes) -> Res {
    let patch = body_json(&body)?;
    let next = merge_patch(&app.settings(), &patch).map_err(bad)?;
    if !(0.0..=1.0).contains(&next.reject_share) {
        return Err(bad("rejectShare must be between 0 and 1"));
    }
    app.set_settings(next.clone());
    okj(serde_json::to_value(next).unwrap_or_default())
}

/// `GET /__sandbox/requests?path_prefix=&method=&since=&since_ms=&limit=`.
async fn requests(State(app): State<Arc<App>>, params: Params) -> Res {
    let since = params
        .u64("since")
        .map_err(|e| bad(format!("{:?}", e.body.errors)))?;
    let since_ms = params
        .i64("since_ms")
        .map_err(|e| bad(format!("{:?}", e.body.errors)))?;
    let limit = params
        .u64("limit")
        .map_err(|e| bad(format!("{:?}", e.body.errors)))?
        .unwrap_or(1_000_000) as usize;
    let log = lock(&app.log);
    let entries = log.query(
        params.str("path_prefix"),
        params.str("method"),
        since,
        since_ms,
        limit,
    );
    okj(json!({"count": entries.len(), "requests": entries}))
}

/// `DELETE /__sandbox/requests`: empties the log and counters.
async fn clear_requests(State(app): State<Arc<App>>) -> Res {
    lock(&app.log).clear();
    okj(json!({"cleared": true}))
}

/// `GET /__sandbox/counters`.
async fn counters(State(app): State<Arc<App>>) -> Res {
    let c = lock(&app.log).counters();
    okj(serde_json::to_value(c).unwrap_or_default())
}

/// `GET /__sandbox/webhooks/deliveries`.
async fn deliveries(State(app): State<Arc<App>>) -> Res {
    okj(app.dispatcher.report())
}
