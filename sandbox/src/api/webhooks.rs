//! The webhook subscription endpoints: create, list, update, delete, activate, deactivate.

use crate::app::App;
use crate::auth::Caller;
use crate::http::{empty, ok, parse_json, ApiError, ApiResult};
use crate::lock::lock;
use crate::webhooks::Subscription;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Extension;
use bytes::Bytes;
use std::sync::Arc;
use trendyol_wire::webhooks::{WebhookCreated, WebhookRequest, WebhookSubscription};

/// `POST .../webhooks` → `{"id"}`.
pub async fn create(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> ApiResult {
    let req: WebhookRequest = parse_json(&body)?;
    let id = app.mutate(|w, ctx| w.create_subscription(ctx, caller.seller_id, &req))?;
    ok(&WebhookCreated { id })
}

/// `GET .../webhooks` → a bare array.
pub async fn list(State(app): State<Arc<App>>, Extension(caller): Extension<Caller>) -> ApiResult {
    let subs: Vec<WebhookSubscription> = lock(&app.world)
        .subscriptions
        .values()
        .filter(|s| s.seller_id == caller.seller_id)
        .map(Subscription::to_wire)
        .collect();
    ok(&subs)
}

/// `PUT .../webhooks/{id}`.
pub async fn update(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    Path((_seller, id)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult {
    let req: WebhookRequest = parse_json(&body)?;
    app.mutate(|w, ctx| w.update_subscription(ctx, caller.seller_id, &id, &req))?;
    empty(StatusCode::OK)
}

/// `DELETE .../webhooks/{id}`.
pub async fn delete(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    Path((_seller, id)): Path<(String, String)>,
) -> ApiResult {
    app.mutate(|w, _| {
        w.seller_subscription(caller.seller_id, &id)?;
        w.subscriptions.remove(&id);
        Ok::<_, ApiError>(())
    })?;
    app.dispatcher.drop_subscription(&id);
    empty(StatusCode::OK)
}

/// `PUT .../webhooks/{id}/activate`.
pub async fn activate(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    Path((_seller, id)): Path<(String, String)>,
) -> ApiResult {
    app.mutate(|w, ctx| w.set_subscription_active(ctx, caller.seller_id, &id, true))?;
    empty(StatusCode::OK)
}

/// `PUT .../webhooks/{id}/deactivate`.
pub async fn deactivate(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    Path((_seller, id)): Path<(String, String)>,
) -> ApiResult {
    app.mutate(|w, ctx| w.set_subscription_active(ctx, caller.seller_id, &id, false))?;
    app.dispatcher.drop_subscription(&id);
    empty(StatusCode::OK)
}
