//! Webhook subscriptions as the sandbox keeps them, their rules (Trendyol's cap, loopback-only
//! delivery, the statuses one may subscribe to), and the deliveries package events become.

use super::dispatcher::Delivery;
use super::record::Subscription;
use crate::config::WebhookEnvelope;
use crate::http::ApiError;
use crate::world::{Ctx, World};
use bytes::Bytes;
use serde_json::json;
use trendyol_wire::webhooks::{
    WebhookRequest, AUTH_API_KEY, AUTH_BASIC, MAX_SUBSCRIPTIONS, SUBSCRIBABLE_STATUSES,
};

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

    pub(crate) fn seller_subscription(
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
