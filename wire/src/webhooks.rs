//! Webhooks (orders only).
//!
//! A delivery is a POST of the **full shipment package**; there is no event-name field (the
//! event is the package status) and **no signature**: authenticity is Basic auth with the
//! registered username/password, or the registered key in `x-api-key`. Deliveries retry about
//! every 5 minutes and the subscription is deactivated after 13 failures — so a webhook is a
//! hint to re-fetch, and polling stays the backstop.

use crate::orders::ShipmentPackage;
use serde::{Deserialize, Serialize};

/// `authenticationType` for Basic auth.
pub const AUTH_BASIC: &str = "BASIC_AUTHENTICATION";
/// `authenticationType` for an `x-api-key` header.
pub const AUTH_API_KEY: &str = "API_KEY";
/// The header that carries the key of an `API_KEY` subscription.
pub const API_KEY_HEADER: &str = "x-api-key";
/// Failed deliveries after which Trendyol deactivates a subscription.
pub const MAX_FAILED_DELIVERIES: u32 = 13;
/// Subscriptions per seller.
pub const MAX_SUBSCRIPTIONS: usize = 15;
/// The values accepted in `subscribedStatuses` (empty = all).
pub const SUBSCRIBABLE_STATUSES: &[&str] = &[
    "CREATED",
    "PICKING",
    "INVOICED",
    "SHIPPED",
    "CANCELLED",
    "DELIVERED",
    "UNDELIVERED",
    "RETURNED",
    "UNSUPPLIED",
    "AWAITING",
    "UNPACKED",
    "AT_COLLECTION_POINT",
    "VERIFIED",
];

/// Body of create (`POST`) and update (`PUT /{id}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct WebhookRequest {
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub authentication_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key: Option<String>,
    #[serde(default)]
    pub subscribed_statuses: Vec<String>,
}

/// `{"id":"..."}` — the answer to create.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct WebhookCreated {
    #[serde(default)]
    pub id: String,
}

/// A subscription as listed (`GET` answers a bare array). Secrets are not echoed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct WebhookSubscription {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub authentication_type: Option<String>,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub subscribed_statuses: Vec<String>,
    /// `ACTIVE` or `PASSIVE`.
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub created_date: Option<i64>,
    #[serde(default)]
    pub last_modified_date: Option<i64>,
}

/// Reads a delivery body: a bare package, or a `{"content":[package...]}` page (the envelope is
/// not documented, so both are accepted).
pub fn parse_delivery(body: &[u8]) -> Result<Vec<ShipmentPackage>, serde_json::Error> {
    let v: serde_json::Value = serde_json::from_slice(body)?;
    match v.get("content") {
        Some(serde_json::Value::Array(_)) => {
            #[derive(Deserialize)]
            struct Page {
                #[serde(default)]
                content: Vec<ShipmentPackage>,
            }
            Ok(serde_json::from_value::<Page>(v)?.content)
        }
        _ => Ok(vec![serde_json::from_value(v)?]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deliveries_read_bare_and_enveloped() {
        let a = parse_delivery(br#"{"shipmentPackageId":1,"status":"Created"}"#).unwrap();
        let b =
            parse_delivery(br#"{"content":[{"id":1,"shipmentPackageStatus":"Created"}]}"#).unwrap();
        assert_eq!(a, b);
    }
}
