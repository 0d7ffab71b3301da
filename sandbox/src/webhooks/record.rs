//! A webhook subscription as the sandbox keeps it (secrets included; never listed) and how it
//! reads on the wire.

use serde::{Deserialize, Serialize};
use trendyol_wire::webhooks::WebhookSubscription;

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
    pub fn to_wire(&self) -> WebhookSubscription {
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

    pub fn wants(&self, webhook_status: Option<&str>) -> bool {
        self.subscribed_statuses.is_empty()
            || webhook_status.is_some_and(|s| self.subscribed_statuses.iter().any(|x| x == s))
    }
}
