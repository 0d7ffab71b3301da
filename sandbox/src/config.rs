//! Start-up configuration and the runtime-adjustable behaviour knobs.
//!
//! [`SandboxConfig`] is what the CLI (or a test) hands to [`crate::spawn`]. Its `settings`,
//! `faults` and `limits` are the *defaults*: they can be changed at runtime through the control
//! endpoints and `POST /__sandbox/reset` restores them.

use crate::faults::FaultConfig;
use crate::limits::LimitConfig;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// One seller the sandbox accepts: Basic `key:secret`, and the seller id that goes in paths and
/// in the User-Agent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SellerCredentials {
    pub seller_id: u64,
    pub api_key: String,
    pub api_secret: String,
}

impl SellerCredentials {
    /// The obviously fake demo seller used when none is configured.
    pub fn demo() -> Self {
        SellerCredentials {
            seller_id: 1001,
            api_key: "demo-api-key".into(),
            api_secret: "demo-api-secret".into(),
        }
    }

    /// Parses `ID:KEY:SECRET`.
    pub fn parse(spec: &str) -> Result<Self, String> {
        let mut it = spec.splitn(3, ':');
        let (id, key, secret) = match (it.next(), it.next(), it.next()) {
            (Some(i), Some(k), Some(s)) if !k.is_empty() && !s.is_empty() => (i, k, s),
            _ => return Err(format!("seller must be ID:KEY:SECRET, got {spec:?}")),
        };
        let seller_id = id
            .trim()
            .parse::<u64>()
            .map_err(|_| format!("seller id must be a number, got {id:?}"))?;
        Ok(SellerCredentials {
            seller_id,
            api_key: key.to_string(),
            api_secret: secret.to_string(),
        })
    }
}

/// How a webhook delivery wraps the package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum WebhookEnvelope {
    /// The package object itself.
    #[default]
    Bare,
    /// `{"content":[package]}`.
    Page,
}

/// Behaviour knobs that can change at runtime (`GET/POST /__sandbox/settings`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    /// Time a created or updated product spends in review before its verdict shows.
    pub approval_delay_ms: i64,
    /// Share of reviewed products that are rejected (with reasons).
    pub reject_share: f64,
    /// Time a batch stays IN_PROGRESS before its items get their final status.
    pub batch_delay_ms: i64,
    /// Extra time the batch-level status stays IN_PROGRESS after the items are final
    /// (Trendyol's batch status lags behind its items).
    pub batch_status_lag_ms: i64,
    /// How long a batch result is kept (Trendyol: 4 h).
    pub batch_ttl_ms: i64,
    /// Window in which an identical price & inventory body is refused (Trendyol: 15 min).
    pub duplicate_window_ms: i64,
    /// Time an `Awaiting` package waits before it becomes `Created`.
    pub awaiting_delay_ms: i64,
    /// Emit the pre-December-2025 package field names (`id`, `totalPrice`, `merchantSku`...).
    pub legacy_field_names: bool,
    /// Interval between webhook delivery retries (Trendyol: about 5 min).
    pub webhook_retry_ms: i64,
    /// Consecutive failed deliveries after which a subscription is deactivated (Trendyol: 13).
    pub webhook_max_failures: u32,
    /// Timeout of one webhook delivery.
    pub webhook_timeout_ms: u64,
    /// Bare package or `{"content":[...]}` page in webhook deliveries.
    pub webhook_envelope: WebhookEnvelope,
    /// Also require each category's required attributes on products (off by default).
    pub strict_attributes: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            approval_delay_ms: 5_000,
            reject_share: 0.1,
            batch_delay_ms: 1_000,
            batch_status_lag_ms: 0,
            batch_ttl_ms: trendyol_wire::batch::BATCH_TTL_MS,
            duplicate_window_ms: trendyol_wire::inventory::DUPLICATE_WINDOW_MS,
            awaiting_delay_ms: 60_000,
            legacy_field_names: false,
            webhook_retry_ms: 300_000,
            webhook_max_failures: trendyol_wire::webhooks::MAX_FAILED_DELIVERIES,
            webhook_timeout_ms: 5_000,
            webhook_envelope: WebhookEnvelope::Bare,
            strict_attributes: false,
        }
    }
}

/// Everything [`crate::spawn`] needs.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Port on 127.0.0.1; 0 picks a free one (read it from [`crate::RunningSandbox::addr`]).
    pub port: u16,
    /// Seed of every random choice.
    pub seed: u64,
    /// Accepted sellers (at least one; [`SellerCredentials::demo`] when empty).
    pub sellers: Vec<SellerCredentials>,
    pub settings: Settings,
    pub faults: FaultConfig,
    pub limits: LimitConfig,
    /// Load state from here on start (if present), save on shutdown and `POST /__sandbox/save`.
    pub state_file: Option<PathBuf>,
    /// Most requests kept in the request log (older ones are dropped; counters keep counting).
    pub request_log_cap: usize,
    /// Largest request body accepted.
    pub max_body_bytes: usize,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            port: 0,
            seed: 42,
            sellers: vec![SellerCredentials::demo()],
            settings: Settings::default(),
            faults: FaultConfig::default(),
            limits: LimitConfig::default(),
            state_file: None,
            request_log_cap: 100_000,
            max_body_bytes: 32 * 1024 * 1024,
        }
    }
}

/// Merges a partial JSON object into a serializable value (used by the control endpoints that
/// accept patches: only the fields present change).
pub fn merge_patch<T: Serialize + for<'de> Deserialize<'de>>(
    current: &T,
    patch: &serde_json::Value,
) -> Result<T, String> {
    let mut base = serde_json::to_value(current).map_err(|e| e.to_string())?;
    match (base.as_object_mut(), patch.as_object()) {
        (Some(b), Some(p)) => {
            for (k, v) in p {
                b.insert(k.clone(), v.clone());
            }
        }
        _ => return Err("expected a JSON object".into()),
    }
    serde_json::from_value(base).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seller_spec() {
        let s = SellerCredentials::parse("7:k:s:with:colons").unwrap();
        assert_eq!(s.seller_id, 7);
        assert_eq!(s.api_secret, "s:with:colons");
        assert!(SellerCredentials::parse("x:k:s").is_err());
        assert!(SellerCredentials::parse("1:k").is_err());
    }

    #[test]
    fn patch_merges() {
        let s = Settings::default();
        let p = merge_patch(&s, &serde_json::json!({"rejectShare": 1.0})).unwrap();
        assert_eq!(p.reject_share, 1.0);
        assert_eq!(p.batch_delay_ms, s.batch_delay_ms);
        assert!(merge_patch(&s, &serde_json::json!({"rejectShare": "x"})).is_err());
    }
}
