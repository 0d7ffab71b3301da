//! Webhooks: the subscription API and the delivery worker.
//!
//! Every package creation and status change becomes one delivery per active subscription of the
//! seller whose `subscribedStatuses` match (empty = all): a POST of the **full package** (new
//! field names unless the legacy switch is on; bare, or a `{"content":[...]}` page) with Basic
//! auth or an `x-api-key` header, as registered. There is no signature and no event name, as on
//! Trendyol. A non-2xx answer or an error is a failure: the delivery is retried every
//! `webhookRetryMs` (Trendyol: ~5 min), and after `webhookMaxFailures` (13) consecutive failures
//! the subscription is deactivated (`PASSIVE`) and its pending deliveries dropped; activating it
//! again resets the count. Fault knobs can duplicate deliveries or hold some back so later ones
//! overtake them.
//!
//! Deliveries go only to loopback addresses (127.0.0.0/8, `localhost`, `::1`): the sandbox never
//! sends traffic off the machine. Any other URL can be registered but every delivery to it fails.

use crate::app::{lock, App};
use crate::auth::Caller;
use crate::config::WebhookEnvelope;
use crate::faults::FaultConfig;
use crate::http::{empty, ok, parse_json, ApiError, ApiResult};
use crate::prng::Prng;
use crate::world::{Ctx, World};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Extension;
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{watch, Notify};
use trendyol_wire::webhooks::{
    WebhookCreated, WebhookRequest, WebhookSubscription, API_KEY_HEADER, AUTH_API_KEY, AUTH_BASIC,
    MAX_SUBSCRIPTIONS, SUBSCRIBABLE_STATUSES,
};

/// A subscription as the sandbox keeps it (secrets included; never listed).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Subscription {
    pub id: String,
    pub seller_id: u64,
    pub url: String,
    pub authentication_type: String,
    pub username: Option<String>,
    pub password: Option<String>,
    pub api_key: Option<String>,
    pub subscribed_statuses: Vec<String>,
    pub active: bool,
    /// Consecutive failed deliveries.
    pub failures: u32,
    pub created_ms: i64,
    pub modified_ms: i64,
}

impl Subscription {
    fn to_wire(&self) -> WebhookSubscription {
        WebhookSubscription {
            id: self.id.clone(),
            url: self.url.clone(),
            authentication_type: Some(self.authentication_type.clone()),
            username: self.username.clone(),
            subscribed_statuses: self.subscribed_statuses.clone(),
            status: Some(if self.active { "ACTIVE" } else { "PASSIVE" }.into()),
            created_date: Some(self.created_ms),
            last_modified_date: Some(self.modified_ms),
        }
    }

    fn wants(&self, webhook_status: Option<&str>) -> bool {
        self.subscribed_statuses.is_empty()
            || webhook_status.is_some_and(|s| self.subscribed_statuses.iter().any(|x| x == s))
    }
}

/// One pending delivery.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub seq: u64,
    pub subscription_id: String,
    pub package_id: u64,
    pub status: String,
    pub body: Bytes,
    pub due_ms: i64,
    pub attempts: u32,
    pub duplicate: bool,
}

#[derive(Debug, Default)]
struct DispatchState {
    next_seq: u64,
    pending: Vec<Delivery>,
    attempts: VecDeque<Value>,
}

/// The delivery queue (not persisted: pending deliveries die with the process, as a crash of
/// Trendyol's sender would lose them — polling is the backstop).
#[derive(Debug, Default)]
pub struct Dispatcher {
    state: Mutex<DispatchState>,
    pub notify: Notify,
}

const ATTEMPT_LOG_CAP: usize = 10_000;

impl Dispatcher {
    /// Queues deliveries, applying the duplicate / reorder faults.
    pub fn enqueue(&self, deliveries: Vec<Delivery>, faults: &FaultConfig, rng: &mut Prng) {
        {
            let mut st = lock(&self.state);
            for mut d in deliveries {
                st.next_seq += 1;
                d.seq = st.next_seq;
                if rng.chance(faults.webhook_reorder_share) {
                    d.due_ms += faults.webhook_reorder_delay_ms as i64;
                }
                let dup = rng.chance(faults.webhook_duplicate_share);
                if dup {
                    let mut copy = d.clone();
                    st.next_seq += 1;
                    copy.seq = st.next_seq;
                    copy.duplicate = true;
                    st.pending.push(d);
                    st.pending.push(copy);
                } else {
                    st.pending.push(d);
                }
            }
        }
        self.notify.notify_one();
    }

    pub fn clear(&self) {
        *lock(&self.state) = DispatchState::default();
    }

    fn take_due(&self, now: i64) -> Vec<Delivery> {
        let mut st = lock(&self.state);
        if st.pending.is_empty() {
            return vec![];
        }
        let (mut due, later): (Vec<_>, Vec<_>) = std::mem::take(&mut st.pending)
            .into_iter()
            .partition(|d| d.due_ms <= now);
        st.pending = later;
        due.sort_by_key(|d| (d.due_ms, d.seq));
        due
    }

    fn reschedule(&self, d: Delivery) {
        lock(&self.state).pending.push(d);
    }

    fn drop_subscription(&self, sub: &str) {
        lock(&self.state)
            .pending
            .retain(|d| d.subscription_id != sub);
    }

    fn record(&self, v: Value) {
        let mut st = lock(&self.state);
        if st.attempts.len() >= ATTEMPT_LOG_CAP {
            st.attempts.pop_front();
        }
        st.attempts.push_back(v);
    }

    /// Delivery attempts so far (oldest first) and the number still pending.
    pub fn report(&self) -> Value {
        let st = lock(&self.state);
        json!({
            "pending": st.pending.len(),
            "attempts": st.attempts.iter().cloned().collect::<Vec<_>>(),
        })
    }
}

impl World {
    /// Turns queued package events into deliveries for the matching subscriptions.
    pub fn take_deliveries(&mut self, ctx: &Ctx) -> Vec<Delivery> {
        let events = std::mem::take(&mut self.events);
        let mut out = Vec::new();
        for ev in events {
            let status = ev
                .package
                .status
                .clone()
                .unwrap_or(trendyol_wire::PackageStatus::Unknown(String::new()));
            let hook_name = status.webhook_name();
            let subs: Vec<&Subscription> = self
                .subscriptions
                .values()
                .filter(|s| s.seller_id == ev.seller_id && s.active && s.wants(hook_name))
                .collect();
            if subs.is_empty() {
                continue;
            }
            let mut v = match serde_json::to_value(&ev.package) {
                Ok(v) => v,
                Err(_) => continue,
            };
            if ctx.settings.legacy_field_names {
                trendyol_wire::orders::package_to_legacy_names(&mut v);
            } else {
                crate::documented::package(&mut v);
            }
            if ctx.settings.webhook_envelope == WebhookEnvelope::Page {
                v = json!({"content": [v], "page": 0, "size": 1, "totalPages": 1, "totalElements": 1});
            }
            let body = Bytes::from(serde_json::to_vec(&v).unwrap_or_default());
            for s in subs {
                out.push(Delivery {
                    seq: 0,
                    subscription_id: s.id.clone(),
                    package_id: ev.package.shipment_package_id.unwrap_or(0),
                    status: status.as_str().to_string(),
                    body: body.clone(),
                    due_ms: ctx.now,
                    attempts: 0,
                    duplicate: false,
                });
            }
        }
        out
    }

    fn validate_subscription(req: &WebhookRequest) -> Result<String, ApiError> {
        let url = req.url.trim();
        if !(url.starts_with("http://") || url.starts_with("https://")) || url.len() < 10 {
            return Err(ApiError::bad_request(
                "webhook.url.invalid",
                "url must be an http(s) URL",
            ));
        }
        let auth = req.authentication_type.as_deref().unwrap_or("");
        match auth {
            AUTH_BASIC => {
                if req.username.as_deref().unwrap_or("").is_empty()
                    || req.password.as_deref().unwrap_or("").is_empty()
                {
                    return Err(ApiError::bad_request(
                        "webhook.credentials.required",
                        "username and password are required for BASIC_AUTHENTICATION",
                    ));
                }
            }
            AUTH_API_KEY => {
                if req.api_key.as_deref().unwrap_or("").is_empty() {
                    return Err(ApiError::bad_request(
                        "webhook.api.key.required",
                        "apiKey is required for API_KEY",
                    ));
                }
            }
            other => {
                return Err(ApiError::bad_request(
                    "webhook.authentication.type.invalid",
                    format!(
                        "authenticationType must be BASIC_AUTHENTICATION or API_KEY, got '{other}'"
                    ),
                ))
            }
        }
        for s in &req.subscribed_statuses {
            if !SUBSCRIBABLE_STATUSES.contains(&s.as_str()) {
                return Err(ApiError::bad_request(
                    "webhook.status.invalid",
                    format!("'{s}' is not a subscribable status"),
                ));
            }
        }
        Ok(url.to_string())
    }

    pub fn create_subscription(
        &mut self,
        ctx: &Ctx,
        seller: u64,
        req: &WebhookRequest,
    ) -> Result<String, ApiError> {
        let url = World::validate_subscription(req)?;
        let count = self
            .subscriptions
            .values()
            .filter(|s| s.seller_id == seller)
            .count();
        if count >= MAX_SUBSCRIPTIONS {
            return Err(ApiError::bad_request(
                "webhook.limit.exceeded",
                format!("a seller may have at most {MAX_SUBSCRIPTIONS} webhooks"),
            ));
        }
        let id = self.rng.uuid();
        self.subscriptions.insert(
            id.clone(),
            Subscription {
                id: id.clone(),
                seller_id: seller,
                url,
                authentication_type: req.authentication_type.clone().unwrap_or_default(),
                username: req.username.clone(),
                password: req.password.clone(),
                api_key: req.api_key.clone(),
                subscribed_statuses: req.subscribed_statuses.clone(),
                active: true,
                failures: 0,
                created_ms: ctx.now,
                modified_ms: ctx.now,
            },
        );
        Ok(id)
    }

    fn seller_subscription(
        &mut self,
        seller: u64,
        id: &str,
    ) -> Result<&mut Subscription, ApiError> {
        self.subscriptions
            .get_mut(id)
            .filter(|s| s.seller_id == seller)
            .ok_or_else(|| {
                ApiError::not_found("webhook.not.found", format!("Webhook {id} not found"))
            })
    }

    pub fn update_subscription(
        &mut self,
        ctx: &Ctx,
        seller: u64,
        id: &str,
        req: &WebhookRequest,
    ) -> Result<(), ApiError> {
        let url = World::validate_subscription(req)?;
        let s = self.seller_subscription(seller, id)?;
        s.url = url;
        s.authentication_type = req.authentication_type.clone().unwrap_or_default();
        s.username = req.username.clone();
        s.password = req.password.clone();
        s.api_key = req.api_key.clone();
        s.subscribed_statuses = req.subscribed_statuses.clone();
        s.modified_ms = ctx.now;
        Ok(())
    }

    pub fn set_subscription_active(
        &mut self,
        ctx: &Ctx,
        seller: u64,
        id: &str,
        active: bool,
    ) -> Result<(), ApiError> {
        let s = self.seller_subscription(seller, id)?;
        s.active = active;
        s.failures = 0;
        s.modified_ms = ctx.now;
        Ok(())
    }
}

/// True for URLs whose host is a loopback address.
pub fn is_loopback_url(url: &str) -> bool {
    let Ok(u) = reqwest::Url::parse(url) else {
        return false;
    };
    match u.host_str() {
        Some(h) => {
            let h = h.trim_start_matches('[').trim_end_matches(']');
            h.eq_ignore_ascii_case("localhost")
                || h.parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        }
        None => false,
    }
}

/// Sends one delivery and books the outcome.
async fn deliver(app: &App, client: &reqwest::Client, mut d: Delivery) {
    let sub = lock(&app.world)
        .subscriptions
        .get(&d.subscription_id)
        .cloned();
    let Some(sub) = sub.filter(|s| s.active) else {
        return;
    };
    let settings = app.settings();
    d.attempts += 1;
    let outcome: Result<u16, String> = if !is_loopback_url(&sub.url) {
        Err("the sandbox delivers only to loopback addresses".into())
    } else {
        let mut rq = client
            .post(&sub.url)
            .header("content-type", "application/json")
            .header("user-agent", "Trendyol-Webhook-Sandbox")
            .timeout(Duration::from_millis(settings.webhook_timeout_ms.max(1)))
            .body(d.body.clone());
        rq = if sub.authentication_type == AUTH_API_KEY {
            rq.header(API_KEY_HEADER, sub.api_key.clone().unwrap_or_default())
        } else {
            rq.basic_auth(
                sub.username.clone().unwrap_or_default(),
                Some(sub.password.clone().unwrap_or_default()),
            )
        };
        match rq.send().await {
            Ok(r) => Ok(r.status().as_u16()),
            Err(e) => Err(e.to_string()),
        }
    };
    let success = matches!(outcome, Ok(s) if (200..300).contains(&s));
    let now = app.clock.now_ms();
    let mut deactivated = false;
    {
        let mut w = lock(&app.world);
        if let Some(s) = w.subscriptions.get_mut(&d.subscription_id) {
            if success {
                s.failures = 0;
            } else {
                s.failures += 1;
                if s.failures >= settings.webhook_max_failures.max(1) {
                    s.active = false;
                    s.modified_ms = now;
                    deactivated = true;
                }
            }
        }
    }
    app.dispatcher.record(json!({
        "at": now,
        "subscriptionId": d.subscription_id,
        "packageId": d.package_id,
        "status": d.status,
        "attempt": d.attempts,
        "duplicate": d.duplicate,
        "ok": success,
        "httpStatus": outcome.as_ref().ok(),
        "error": outcome.as_ref().err(),
        "deactivated": deactivated,
    }));
    if deactivated {
        app.dispatcher.drop_subscription(&d.subscription_id);
    } else if !success {
        d.due_ms = now + settings.webhook_retry_ms.max(1);
        app.dispatcher.reschedule(d);
    }
}

/// The delivery loop: due deliveries are sent in order per subscription, subscriptions in
/// parallel.
pub async fn run(app: Arc<App>, mut shutdown: watch::Receiver<bool>) {
    crate::install_crypto_provider();
    let client = match reqwest::Client::builder().no_proxy().build() {
        Ok(c) => c,
        Err(_) => return,
    };
    loop {
        tokio::select! {
            _ = app.dispatcher.notify.notified() => {}
            _ = tokio::time::sleep(Duration::from_millis(20)) => {}
            _ = shutdown.changed() => return,
        }
        let due = app.dispatcher.take_due(app.clock.now_ms());
        if due.is_empty() {
            continue;
        }
        let mut groups: BTreeMap<String, Vec<Delivery>> = BTreeMap::new();
        for d in due {
            groups.entry(d.subscription_id.clone()).or_default().push(d);
        }
        let mut set = tokio::task::JoinSet::new();
        for (_, ds) in groups {
            let app = app.clone();
            let client = client.clone();
            set.spawn(async move {
                for d in ds {
                    deliver(&app, &client, d).await;
                }
            });
        }
        tokio::select! {
            _ = async { while set.join_next().await.is_some() {} } => {}
            _ = shutdown.changed() => return,
        }
    }
}

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
