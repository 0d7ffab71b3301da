//! The shop's webhook registration with Trendyol: create or update it from the settings, switch
//! it back on, and notice when Trendyol switched it off.
//!
//! Trendyol deactivates a webhook after 13 failed deliveries and only e-mails the seller, so the
//! order poll keeps running as the backstop and [`check`] raises an alert when the shop's
//! webhook (the one whose URL is the shop's) is no longer active.

use serde::Serialize;
use trendyol_wire::webhooks::WebhookRequest;

use crate::config::settings::WebhookAuth;
use crate::config::Settings;
use crate::db::Database;
use crate::error::{Error, Result};
use crate::trendyol::TrendyolClient;

/// The shop's webhook as Trendyol has it.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct SubscriptionStatus {
    pub registered: bool,
    pub id: String,
    pub url: String,
    pub active: bool,
    pub status: String,
    pub authentication_type: String,
    /// The order statuses Trendyol delivers for; empty means every status (Trendyol's
    /// `subscribedStatuses` left empty).
    pub events: Vec<String>,
    /// What [`register`] did: created, updated, activated, unchanged.
    pub action: String,
}

/// Creates the webhook for `url`, or updates the one with that URL, and makes sure it is active.
/// Credentials come from the webhook auth settings (the same ones the intake checks).
pub async fn register(
    client: &TrendyolClient,
    settings: &Settings,
    url: &str,
) -> Result<SubscriptionStatus> {
    let url = url.trim();
    if !(url.starts_with("https://") || url.starts_with("http://"))
        || url.len() > 500
        || url.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(Error::Config(
            "the webhook URL must be an http(s) URL of the shop (index.php?route=extension/meschain/webhook/trendyol)".into(),
        ));
    }
    let request = match settings.webhook_auth {
        WebhookAuth::Basic => {
            if settings.webhook_username.is_empty() || settings.webhook_password.is_empty() {
                return Err(Error::Config(
                    "set webhook_username and webhook_password before registering a Basic-auth webhook".into(),
                ));
            }
            WebhookRequest {
                url: url.to_string(),
                authentication_type: Some("BASIC_AUTHENTICATION".into()),
                username: Some(settings.webhook_username.clone()),
                password: Some(settings.webhook_password.expose().to_string()),
                api_key: None,
                subscribed_statuses: Vec::new(),
            }
        }
        WebhookAuth::ApiKey => {
            if settings.webhook_api_key.is_empty() {
                return Err(Error::Config(
                    "set webhook_api_key before registering an API-key webhook".into(),
                ));
            }
            WebhookRequest {
                url: url.to_string(),
                authentication_type: Some("API_KEY".into()),
                username: None,
                password: None,
                api_key: Some(settings.webhook_api_key.expose().to_string()),
                subscribed_statuses: Vec::new(),
            }
        }
    };
    let existing = client.webhooks().await?;
    let mut status = match existing.iter().find(|w| w.url == url) {
        Some(found) => {
            client.update_webhook(&found.id, &request).await?;
            let mut action = "updated";
            if !is_active(found.status.as_deref()) {
                client.activate_webhook(&found.id).await?;
                action = "activated";
            }
            SubscriptionStatus {
                id: found.id.clone(),
                action: action.into(),
                ..SubscriptionStatus::default()
            }
        }
        None => {
            let created = client.create_webhook(&request).await?;
            SubscriptionStatus {
                id: created.id,
                action: "created".into(),
                ..SubscriptionStatus::default()
            }
        }
    };
    let now = status_of(client, url).await?;
    status.registered = now.registered;
    status.url = now.url;
    status.active = now.active;
    status.status = now.status;
    status.authentication_type = now.authentication_type;
    status.events = now.events;
    Ok(status)
}

fn is_active(status: Option<&str>) -> bool {
    status.is_none_or(|s| s.eq_ignore_ascii_case("ACTIVE"))
}

/// The webhook registered for `url` (or the only one, when `url` is empty).
pub async fn status_of(client: &TrendyolClient, url: &str) -> Result<SubscriptionStatus> {
    let list = client.webhooks().await?;
    let found = if url.is_empty() {
        list.first()
    } else {
        list.iter().find(|w| w.url == url)
    };
    Ok(match found {
        Some(w) => SubscriptionStatus {
            registered: true,
            id: w.id.clone(),
            url: w.url.clone(),
            active: is_active(w.status.as_deref()),
            status: w.status.clone().unwrap_or_default(),
            authentication_type: w.authentication_type.clone().unwrap_or_default(),
            events: w.subscribed_statuses.clone(),
            action: String::new(),
        },
        None => SubscriptionStatus::default(),
    })
}

/// Looks at every webhook of the seller and opens (or bumps) an alert for each inactive one.
/// Returns the inactive webhooks' URLs.
pub async fn check(db: &Database, client: &TrendyolClient) -> Result<Vec<String>> {
    let inactive: Vec<String> = client
        .webhooks()
        .await?
        .into_iter()
        .filter(|w| !is_active(w.status.as_deref()))
        .map(|w| w.url)
        .collect();
    for url in &inactive {
        crate::alerts::raise(
            db,
            &crate::alerts::Alert {
                alert_type: "webhook_deactivated".into(),
                severity: crate::alerts::Severity::Error,
                title: "Trendyol switched the order webhook off".into(),
                message: format!(
                    "The webhook for {url} is not active (Trendyol deactivates it after 13 failed deliveries). \
                     Orders are still polled. Switch it back on with Extensions > MesChain > Settings > \
                     Webhook > Register webhook, or `php meschain.php webhook register --opencart=...`."
                ),
                dedupe_key: format!("webhook_deactivated:{}", client.seller_id()),
            },
        )
        .await?;
    }
    Ok(inactive)
}
