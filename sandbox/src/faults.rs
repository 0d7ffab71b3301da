//! The fault switchboard.
//!
//! The real API fails in ways a sync engine must survive: a transient 500 `generic.exception`
//! (sometimes for days), surprise 429s, slow answers, answers that never come, dropped
//! connections, truncated bodies, and webhooks that arrive twice or out of order. Each knob is a
//! share (0.0–1.0) drawn per request from the seeded PRNG, so a failing run can be replayed.
//!
//! Faults apply to `/integration/...` only (never to `/__sandbox/...`), optionally narrowed to a
//! path prefix and/or method. Draw order per request: latency, reset, hang, 5xx, 429, malformed.
//!
//! - **reset**: the connection is closed with a TCP RST (SO_LINGER 0) without any response; the
//!   request is not processed.
//! - **hang**: the request sits for `hangMs` (default 120 s, far past any client timeout), then
//!   gets a 504; it is not processed.
//! - **5xx** / **429**: Trendyol's bodies; not processed.
//! - **malformed**: the request *is* processed, then the answer is a 200 whose JSON is cut in
//!   half — the client cannot know whether the write happened.
//! - **applied error**: the request *is* processed, then answered 500 `generic.exception` —
//!   a write Trendyol has applied although its answer says it failed.
//! - **applied reset**: the request *is* processed, then the connection is reset before any
//!   answer.

use crate::prng::Prng;
use serde::{Deserialize, Serialize};
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FaultConfig {
    /// Share of requests answered 500 `generic.exception`.
    pub error_share: f64,
    /// Share of requests answered 429 `too.many.requests`.
    pub throttle_share: f64,
    /// Added latency for every request (ms).
    pub latency_ms: u64,
    /// Extra uniform random latency up to this many ms.
    pub latency_jitter_ms: u64,
    /// Share of requests that hang for `hang_ms`.
    pub hang_share: f64,
    pub hang_ms: u64,
    /// Share of requests whose connection is reset.
    pub reset_share: f64,
    /// Share of requests answered with truncated JSON (after being processed).
    pub malformed_share: f64,
    /// Share of requests processed and then answered 500 `generic.exception`.
    pub applied_error_share: f64,
    /// Share of requests processed and then cut off (connection reset, no answer).
    pub applied_reset_share: f64,
    /// Share of webhook deliveries sent twice.
    pub webhook_duplicate_share: f64,
    /// Share of webhook deliveries held back by `webhook_reorder_delay_ms` (so later ones
    /// overtake them).
    pub webhook_reorder_share: f64,
    pub webhook_reorder_delay_ms: u64,
    /// Only requests whose path starts with this are faulted.
    pub path_prefix: Option<String>,
    /// Only requests with this method are faulted.
    pub method: Option<String>,
}

impl Default for FaultConfig {
    fn default() -> Self {
        FaultConfig {
            error_share: 0.0,
            throttle_share: 0.0,
            latency_ms: 0,
            latency_jitter_ms: 0,
            hang_share: 0.0,
            hang_ms: 120_000,
            reset_share: 0.0,
            malformed_share: 0.0,
            applied_error_share: 0.0,
            applied_reset_share: 0.0,
            webhook_duplicate_share: 0.0,
            webhook_reorder_share: 0.0,
            webhook_reorder_delay_ms: 2_000,
            path_prefix: None,
            method: None,
        }
    }
}

/// What a request draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    None,
    Reset,
    Hang(Duration),
    Error,
    Throttle,
    Malformed,
    AppliedError,
    AppliedReset,
}

/// Latency plus at most one fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Draw {
    pub latency: Duration,
    pub fault: Fault,
}

impl Draw {
    pub const NONE: Draw = Draw {
        latency: Duration::ZERO,
        fault: Fault::None,
    };
}

impl FaultConfig {
    /// True when nothing request-level is switched on (the hot path skips the PRNG).
    pub fn is_quiet(&self) -> bool {
        self.error_share <= 0.0
            && self.throttle_share <= 0.0
            && self.latency_ms == 0
            && self.latency_jitter_ms == 0
            && self.hang_share <= 0.0
            && self.reset_share <= 0.0
            && self.malformed_share <= 0.0
            && self.applied_error_share <= 0.0
            && self.applied_reset_share <= 0.0
    }

    fn applies(&self, method: &str, path: &str) -> bool {
        self.path_prefix
            .as_deref()
            .is_none_or(|p| path.starts_with(p))
            && self
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
    }

    /// Draws the faults of one request.
    pub fn draw(&self, rng: &mut Prng, method: &str, path: &str) -> Draw {
        if self.is_quiet() || !self.applies(method, path) {
            return Draw::NONE;
        }
        let jitter = if self.latency_jitter_ms > 0 {
            rng.range(0, self.latency_jitter_ms)
        } else {
            0
        };
        let latency = Duration::from_millis(self.latency_ms + jitter);
        let fault = if rng.chance(self.reset_share) {
            Fault::Reset
        } else if rng.chance(self.hang_share) {
            Fault::Hang(Duration::from_millis(self.hang_ms))
        } else if rng.chance(self.error_share) {
            Fault::Error
        } else if rng.chance(self.throttle_share) {
            Fault::Throttle
        } else if rng.chance(self.malformed_share) {
            Fault::Malformed
        } else if rng.chance(self.applied_error_share) {
            Fault::AppliedError
        } else if rng.chance(self.applied_reset_share) {
            Fault::AppliedReset
        } else {
            Fault::None
        };
        Draw { latency, fault }
    }
}

/// Cuts a JSON body in half (at least one byte short), as a broken proxy would.
pub fn truncate_json(body: &[u8]) -> Vec<u8> {
    if body.len() < 2 {
        return b"{\"".to_vec();
    }
    body[..body.len() / 2].to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_of_one_always_hit_and_scope_is_respected() {
        let mut rng = Prng::new(1);
        let cfg = FaultConfig {
            error_share: 1.0,
            path_prefix: Some("/integration/order".into()),
            ..Default::default()
        };
        assert_eq!(
            cfg.draw(&mut rng, "GET", "/integration/order/x").fault,
            Fault::Error
        );
        assert_eq!(
            cfg.draw(&mut rng, "GET", "/integration/product/x").fault,
            Fault::None
        );
        assert!(FaultConfig::default().is_quiet());
        assert!(serde_json::from_slice::<serde_json::Value>(&truncate_json(b"{\"a\":1}")).is_err());
    }
}
