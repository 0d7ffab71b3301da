//! The gateway: what happens to every `/integration/...` request before and after its handler.
//!
//! Order, as a request meets Trendyol's edge: faults (latency, reset, hang, 5xx, 429) →
//! User-Agent (403) → Basic auth (401) → seller ownership (403) → rate limits (429) → handler →
//! malformed-JSON fault → request log and counters. Control endpoints (`/__sandbox/`) bypass
//! all of it.

use crate::app::App;
use crate::auth::{parse_user_agent, seller_in_path, Caller};
use crate::conn::ConnControl;
use crate::faults::{truncate_json, Fault};
use crate::http::{json_bytes, json_response};
use crate::limits::{group, Verdict};
use crate::lock::lock;
use crate::reqlog::Entry;
use axum::body::{to_bytes, Body};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::Arc;
use std::time::Instant;
use trendyol_wire::error::{self as werr, ErrorBody};

/// Route templates (axum syntax), shared by the router and the endpoint table.
pub mod route {
    pub const BRANDS: &str = "/integration/product/brands";
    pub const BRANDS_BY_NAME: &str = "/integration/product/brands/by-name";
    pub const CATEGORIES: &str = "/integration/product/product-categories";
    pub const CATEGORY_ATTRIBUTES: &str =
        "/integration/product/categories/{category_id}/attributes";
    pub const ATTRIBUTE_VALUES: &str =
        "/integration/product/categories/{category_id}/attributes/{attribute_id}/values";
    pub const CARGO_PROVIDERS: &str = "/integration/product/lookup/cargo-providers";
    pub const PRODUCTS: &str = "/integration/product/sellers/{seller_id}/products";
    pub const PRODUCTS_V2: &str = "/integration/product/sellers/{seller_id}/v2/products";
    pub const UNAPPROVED_UPDATE: &str =
        "/integration/product/sellers/{seller_id}/products/unapproved-bulk-update";
    pub const CONTENT_UPDATE: &str =
        "/integration/product/sellers/{seller_id}/products/content-bulk-update";
    pub const VARIANT_UPDATE: &str =
        "/integration/product/sellers/{seller_id}/products/variant-bulk-update";
    pub const APPROVED: &str = "/integration/product/sellers/{seller_id}/products/approved";
    pub const UNAPPROVED: &str = "/integration/product/sellers/{seller_id}/products/unapproved";
    pub const ARCHIVE: &str = "/integration/product/sellers/{seller_id}/products/archive-state";
    pub const BATCH: &str =
        "/integration/product/sellers/{seller_id}/products/batch-requests/{batch_id}";
    pub const PRICE_INVENTORY: &str =
        "/integration/inventory/sellers/{seller_id}/products/price-and-inventory";
    pub const ORDERS: &str = "/integration/order/sellers/{seller_id}/orders";
    pub const ORDERS_STREAM: &str = "/integration/order/sellers/{seller_id}/orders/stream";
    pub const PACKAGE: &str =
        "/integration/order/sellers/{seller_id}/shipment-packages/{package_id}";
    pub const UNSUPPLIED: &str =
        "/integration/order/sellers/{seller_id}/shipment-packages/{package_id}/items/unsupplied";
    pub const TRACKING: &str =
        "/integration/order/sellers/{seller_id}/shipment-packages/{package_id}/update-tracking-number";
    pub const INVOICE_LINKS: &str = "/integration/sellers/{seller_id}/seller-invoice-links";
    pub const CLAIMS: &str = "/integration/order/sellers/{seller_id}/claims";
    pub const CLAIM_APPROVE: &str =
        "/integration/order/sellers/{seller_id}/claims/{claim_id}/items/approve";
    pub const CLAIM_ISSUE: &str = "/integration/order/sellers/{seller_id}/claims/{claim_id}/issue";
    pub const CLAIM_REASONS: &str = "/integration/order/claim-issue-reasons";
    pub const WEBHOOKS: &str = "/integration/webhook/sellers/{seller_id}/webhooks";
    pub const WEBHOOK: &str = "/integration/webhook/sellers/{seller_id}/webhooks/{webhook_id}";
    pub const WEBHOOK_ACTIVATE: &str =
        "/integration/webhook/sellers/{seller_id}/webhooks/{webhook_id}/activate";
    pub const WEBHOOK_DEACTIVATE: &str =
        "/integration/webhook/sellers/{seller_id}/webhooks/{webhook_id}/deactivate";
    pub const QUESTIONS_FILTER: &str = "/integration/qna/sellers/{seller_id}/questions/filter";
    pub const QUESTION: &str = "/integration/qna/sellers/{seller_id}/questions/{question_id}";
    pub const QUESTION_ANSWERS: &str =
        "/integration/qna/sellers/{seller_id}/questions/{question_id}/answers";
}

/// An endpoint: its name in logs/counters and its rate-limit service group.
#[derive(Debug, Clone, Copy)]
pub struct Endpoint {
    pub method: &'static str,
    pub route: &'static str,
    pub name: &'static str,
    pub group: &'static str,
}

const fn ep(
    method: &'static str,
    route: &'static str,
    name: &'static str,
    group: &'static str,
) -> Endpoint {
    Endpoint {
        method,
        route,
        name,
        group,
    }
}

/// Every endpoint the sandbox serves.
pub const ENDPOINTS: &[Endpoint] = &[
    ep("GET", route::BRANDS, "product.brands", group::CATALOG),
    ep(
        "GET",
        route::BRANDS_BY_NAME,
        "product.brands.by-name",
        group::CATALOG,
    ),
    ep(
        "GET",
        route::CATEGORIES,
        "product.categories",
        group::CATALOG,
    ),
    ep(
        "GET",
        route::CATEGORY_ATTRIBUTES,
        "product.category-attributes",
        group::CATALOG,
    ),
    ep(
        "GET",
        route::ATTRIBUTE_VALUES,
        "product.attribute-values",
        group::CATALOG,
    ),
    ep(
        "GET",
        route::CARGO_PROVIDERS,
        "product.cargo-providers",
        group::CATALOG,
    ),
    ep(
        "POST",
        route::PRODUCTS,
        "product.create.v1",
        group::PRODUCT_CREATE,
    ),
    ep(
        "PUT",
        route::PRODUCTS,
        "product.update.v1",
        group::PRODUCT_UPDATE,
    ),
    ep(
        "GET",
        route::PRODUCTS,
        "product.filter.v1",
        group::PRODUCT_FILTER,
    ),
    ep(
        "DELETE",
        route::PRODUCTS,
        "product.delete",
        group::PRODUCT_DELETE,
    ),
    ep(
        "POST",
        route::PRODUCTS_V2,
        "product.create.v2",
        group::PRODUCT_CREATE,
    ),
    ep(
        "POST",
        route::UNAPPROVED_UPDATE,
        "product.update.unapproved",
        group::PRODUCT_UPDATE,
    ),
    ep(
        "POST",
        route::CONTENT_UPDATE,
        "product.update.content",
        group::PRODUCT_UPDATE,
    ),
    ep(
        "POST",
        route::VARIANT_UPDATE,
        "product.update.variant",
        group::PRODUCT_UPDATE,
    ),
    ep(
        "GET",
        route::APPROVED,
        "product.approved",
        group::PRODUCT_FILTER,
    ),
    ep(
        "GET",
        route::UNAPPROVED,
        "product.unapproved",
        group::PRODUCT_FILTER,
    ),
    ep(
        "PUT",
        route::ARCHIVE,
        "product.archive",
        group::PRODUCT_UPDATE,
    ),
    ep(
        "GET",
        route::BATCH,
        "product.batch-result",
        group::BATCH_RESULT,
    ),
    ep(
        "POST",
        route::PRICE_INVENTORY,
        "inventory.price-and-inventory",
        group::PRICE_INVENTORY,
    ),
    ep("GET", route::ORDERS, "order.list", group::ORDERS),
    ep("GET", route::ORDERS_STREAM, "order.stream", group::ORDERS),
    ep("PUT", route::PACKAGE, "order.package.status", group::ORDERS),
    ep(
        "PUT",
        route::UNSUPPLIED,
        "order.package.unsupplied",
        group::ORDERS,
    ),
    ep(
        "PUT",
        route::TRACKING,
        "order.package.tracking-number",
        group::ORDERS,
    ),
    ep(
        "POST",
        route::INVOICE_LINKS,
        "order.invoice-link",
        group::ORDERS,
    ),
    ep("GET", route::CLAIMS, "claim.list", group::ORDERS),
    ep("PUT", route::CLAIM_APPROVE, "claim.approve", group::ORDERS),
    ep("POST", route::CLAIM_ISSUE, "claim.reject", group::ORDERS),
    ep(
        "GET",
        route::CLAIM_REASONS,
        "claim.issue-reasons",
        group::ORDERS,
    ),
    ep("POST", route::WEBHOOKS, "webhook.create", group::WEBHOOKS),
    ep("GET", route::WEBHOOKS, "webhook.list", group::WEBHOOKS),
    ep("PUT", route::WEBHOOK, "webhook.update", group::WEBHOOKS),
    ep("DELETE", route::WEBHOOK, "webhook.delete", group::WEBHOOKS),
    ep(
        "PUT",
        route::WEBHOOK_ACTIVATE,
        "webhook.activate",
        group::WEBHOOKS,
    ),
    ep(
        "PUT",
        route::WEBHOOK_DEACTIVATE,
        "webhook.deactivate",
        group::WEBHOOKS,
    ),
    ep(
        "GET",
        route::QUESTIONS_FILTER,
        "qna.questions.filter",
        group::QUESTIONS,
    ),
    ep("GET", route::QUESTION, "qna.question", group::QUESTIONS),
    ep(
        "POST",
        route::QUESTION_ANSWERS,
        "qna.answer",
        group::QUESTIONS,
    ),
];

/// Name used for requests that match no endpoint.
pub const UNKNOWN_ENDPOINT: &str = "unknown";

/// Finds the endpoint of a matched route.
pub fn classify(method: &Method, route: Option<&str>) -> Option<&'static Endpoint> {
    let route = route?;
    ENDPOINTS
        .iter()
        .find(|e| e.route == route && e.method == method.as_str())
}

fn error(status: StatusCode, body: ErrorBody) -> Response {
    json_response(status, &body)
}

fn too_many(app: &App, retry_after: Option<u64>) -> Response {
    let mut r = error(
        StatusCode::TOO_MANY_REQUESTS,
        ErrorBody::too_many_requests(app.clock.now_ms()),
    );
    if let Some(s) = retry_after {
        if let Ok(v) = HeaderValue::from_str(&s.to_string()) {
            r.headers_mut().insert(header::RETRY_AFTER, v);
        }
    }
    r
}

/// Checks identity; `Err` is the response to send.
fn authenticate(
    app: &App,
    headers: &axum::http::HeaderMap,
    path: &str,
) -> Result<Caller, Box<Response>> {
    let now = app.clock.now_ms();
    let ua = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok());
    let forbidden = |key: &str, msg: &str| {
        Box::new(error(
            StatusCode::FORBIDDEN,
            ErrorBody::new(now, werr::EXC_AUTHORIZATION, key, msg),
        ))
    };
    let Some((ua_seller, _)) = ua.and_then(parse_user_agent) else {
        return Err(forbidden(
            "user.agent.required",
            "A User-Agent of the form '{sellerId} - {IntegratorName}' is required",
        ));
    };
    let authz = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let Some(seller) = app.credentials.check(authz) else {
        return Err(Box::new(error(
            StatusCode::UNAUTHORIZED,
            ErrorBody::authentication(now),
        )));
    };
    if ua_seller != seller {
        return Err(forbidden(
            "user.agent.seller.mismatch",
            "The seller id in the User-Agent does not match the credentials",
        ));
    }
    if let Some(raw) = seller_in_path(path) {
        if raw.parse::<u64>().ok() != Some(seller) {
            return Err(forbidden(
                "seller.access.denied",
                &format!("The credentials do not grant access to seller {raw}"),
            ));
        }
    }
    Ok(Caller { seller_id: seller })
}

/// The middleware wrapped around every `/integration` route.
pub async fn gateway(
    State(app): State<Arc<App>>,
    matched: Option<MatchedPath>,
    req: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let at_ms = app.clock.now_ms();
    let endpoint = classify(req.method(), matched.as_ref().map(|m| m.as_str()));
    let (mut parts, body) = req.into_parts();
    let body = match to_bytes(body, app.config.max_body_bytes).await {
        Ok(b) => b,
        Err(_) => {
            return error(
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorBody::validation(at_ms, "request.too.large", "Request body is too large"),
            )
        }
    };
    let mut entry = Entry {
        seq: 0,
        at_ms,
        method: parts.method.clone(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().map(str::to_string),
        headers: {
            let mut h = parts.headers.clone();
            h.remove(header::AUTHORIZATION);
            h
        },
        body: body.clone(),
        status: 0,
        endpoint: endpoint.map_or(UNKNOWN_ENDPOINT, |e| e.name),
        seller_id: None,
        duration_us: 0,
    };
    let finish = |mut entry: Entry, response: Response| -> Response {
        entry.status = response.status().as_u16();
        entry.duration_us = started.elapsed().as_micros() as u64;
        lock(&app.log).push(entry);
        response
    };

    // Faults.
    let draw = app.draw_faults(parts.method.as_str(), &entry.path);
    if !draw.latency.is_zero() {
        tokio::time::sleep(draw.latency).await;
    }
    match draw.fault {
        Fault::Reset => {
            entry.status = 0;
            entry.duration_us = started.elapsed().as_micros() as u64;
            lock(&app.log).push(entry);
            if let Some(ctl) = parts.extensions.get::<ConnControl>() {
                ctl.reset();
                // The connection task drops this future together with the connection.
                std::future::pending::<()>().await;
            }
            // Not served by our accept loop (no connection handle): the closest we can do.
            return Response::builder()
                .status(StatusCode::INTERNAL_SERVER_ERROR)
                .body(Body::empty())
                .unwrap_or_default();
        }
        Fault::Hang(d) => {
            // Logged on arrival with status 0: a client that gives up drops this future with
            // its connection, and the log must still show that the request reached us (tests
            // prove "a hung write was sent once" from it).
            entry.duration_us = started.elapsed().as_micros() as u64;
            lock(&app.log).push(entry);
            tokio::time::sleep(d).await;
            return error(
                StatusCode::GATEWAY_TIMEOUT,
                ErrorBody::new(
                    app.clock.now_ms(),
                    "GatewayTimeout",
                    "gateway.timeout",
                    "Gateway Timeout",
                ),
            );
        }
        Fault::Error => {
            return finish(
                entry,
                error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorBody::system(app.clock.now_ms()),
                ),
            )
        }
        Fault::Throttle => {
            let retry = lock(&app.limiter).config.retry_after.then_some(10);
            return finish(entry, too_many(&app, retry));
        }
        Fault::None | Fault::Malformed | Fault::AppliedError | Fault::AppliedReset => {}
    }

    let Some(endpoint) = endpoint else {
        let r = error(
            StatusCode::NOT_FOUND,
            ErrorBody::new(
                at_ms,
                werr::EXC_NOT_FOUND,
                "not.found",
                "No endpoint for this method and path",
            ),
        );
        return finish(entry, r);
    };

    let caller = match authenticate(&app, &parts.headers, parts.uri.path()) {
        Ok(c) => c,
        Err(r) => return finish(entry, *r),
    };
    entry.seller_id = Some(caller.seller_id);

    let verdict = lock(&app.limiter).check(caller.seller_id, endpoint.name, endpoint.group, at_ms);
    if let Verdict::Limited { retry_after_secs } = verdict {
        return finish(entry, too_many(&app, retry_after_secs));
    }

    parts.extensions.insert(caller);
    let ctl = parts.extensions.get::<ConnControl>().cloned();
    let response = next.run(Request::from_parts(parts, Body::from(body))).await;

    if draw.fault == Fault::Malformed {
        let (_, b) = response.into_parts();
        let bytes = to_bytes(b, usize::MAX).await.unwrap_or_default();
        return finish(entry, json_bytes(StatusCode::OK, truncate_json(&bytes)));
    }
    if draw.fault == Fault::AppliedError {
        // The write happened; the answer says it failed.
        return finish(
            entry,
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorBody::system(app.clock.now_ms()),
            ),
        );
    }
    if draw.fault == Fault::AppliedReset {
        entry.status = 0;
        entry.duration_us = started.elapsed().as_micros() as u64;
        lock(&app.log).push(entry);
        if let Some(ctl) = ctl {
            ctl.reset();
            std::future::pending::<()>().await;
        }
        return Response::builder()
            .status(StatusCode::INTERNAL_SERVER_ERROR)
            .body(Body::empty())
            .unwrap_or_default();
    }
    finish(entry, response)
}

/// Fallback for paths that match no route: `/integration/...` gets Trendyol's 404 (and is
/// logged), anything else a plain 404.
pub async fn fallback(State(app): State<Arc<App>>, req: Request) -> Response {
    let at_ms = app.clock.now_ms();
    let path = req.uri().path().to_string();
    let r = error(
        StatusCode::NOT_FOUND,
        ErrorBody::new(
            at_ms,
            werr::EXC_NOT_FOUND,
            "not.found",
            &format!("No endpoint {path}"),
        ),
    );
    if path.starts_with("/integration/") {
        let (parts, body) = req.into_parts();
        let body = to_bytes(body, app.config.max_body_bytes)
            .await
            .unwrap_or_default();
        lock(&app.log).push(Entry {
            seq: 0,
            at_ms,
            method: parts.method.clone(),
            path,
            query: parts.uri.query().map(str::to_string),
            headers: {
                let mut h = parts.headers.clone();
                h.remove(header::AUTHORIZATION);
                h
            },
            body,
            status: 404,
            endpoint: UNKNOWN_ENDPOINT,
            seller_id: None,
            duration_us: 0,
        });
    }
    r
}
