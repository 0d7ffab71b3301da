//! Rate limits.
//!
//! Two rules apply per seller, both configurable or off (`--rate-limits off`):
//! - **per endpoint**: at most 50 requests to the same endpoint in 10 s; the 51st gets 429;
//! - **per service group** (Trendyol's TR table, per minute): product create 1000, update 1000,
//!   filter 2000, delete 100, batch result 1000, brands/categories/attributes 50, orders 1000,
//!   price & inventory unlimited (0 = unlimited).
//!
//! Windows are fixed and start at the first request that falls outside the previous one; they
//! read the sandbox clock, so advancing the clock opens fresh windows. Only admitted requests
//! count. `Retry-After` is off by default, as on the real API.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// Service groups of the per-minute table.
pub mod group {
    pub const PRODUCT_CREATE: &str = "product_create";
    pub const PRODUCT_UPDATE: &str = "product_update";
    pub const PRODUCT_FILTER: &str = "product_filter";
    pub const PRODUCT_DELETE: &str = "product_delete";
    pub const BATCH_RESULT: &str = "batch_result";
    pub const CATALOG: &str = "catalog";
    pub const ORDERS: &str = "orders";
    pub const PRICE_INVENTORY: &str = "price_inventory";
    pub const WEBHOOKS: &str = "webhooks";
    pub const QUESTIONS: &str = "questions";
}

/// Limit configuration (`GET/POST /__sandbox/limits`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LimitConfig {
    pub enabled: bool,
    /// Requests per endpoint per window (Trendyol: 50).
    pub per_endpoint: u32,
    /// The per-endpoint window (Trendyol: 10 s).
    pub per_endpoint_window_ms: i64,
    /// Requests per minute per service group; 0 or absent = unlimited.
    pub groups: BTreeMap<String, u32>,
    /// Add a `Retry-After` header (seconds) to 429s.
    pub retry_after: bool,
}

impl Default for LimitConfig {
    fn default() -> Self {
        let groups = [
            (group::PRODUCT_CREATE, 1000),
            (group::PRODUCT_UPDATE, 1000),
            (group::PRODUCT_FILTER, 2000),
            (group::PRODUCT_DELETE, 100),
            (group::BATCH_RESULT, 1000),
            (group::CATALOG, 50),
            (group::ORDERS, 1000),
            (group::PRICE_INVENTORY, 0),
            (group::WEBHOOKS, 0),
            (group::QUESTIONS, 0),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        LimitConfig {
            enabled: true,
            per_endpoint: 50,
            per_endpoint_window_ms: 10_000,
            groups,
            retry_after: false,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Window {
    start_ms: i64,
    count: u32,
}

/// The outcome of a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    /// Refused; the seconds until the exhausted window ends, when `Retry-After` is on.
    Limited {
        retry_after_secs: Option<u64>,
    },
}

/// Counters per (seller, endpoint) and (seller, group).
#[derive(Debug, Default)]
pub struct Limiter {
    pub config: LimitConfig,
    endpoints: HashMap<(u64, &'static str), Window>,
    groups: HashMap<(u64, &'static str), Window>,
}

const MINUTE_MS: i64 = 60_000;

impl Limiter {
    pub fn new(config: LimitConfig) -> Self {
        Limiter {
            config,
            ..Default::default()
        }
    }

    /// Replaces the configuration and forgets all windows.
    pub fn reconfigure(&mut self, config: LimitConfig) {
        *self = Limiter::new(config);
    }

    /// Checks and (if allowed) counts one request.
    pub fn check(
        &mut self,
        seller: u64,
        endpoint: &'static str,
        grp: &'static str,
        now_ms: i64,
    ) -> Verdict {
        if !self.config.enabled {
            return Verdict::Allowed;
        }
        let ep_limit = self.config.per_endpoint;
        let ep_window = self.config.per_endpoint_window_ms.max(1);
        let grp_limit = self.config.groups.get(grp).copied().unwrap_or(0);
        let retry_after = self.config.retry_after;

        let ep = self.endpoints.entry((seller, endpoint)).or_insert(Window {
            start_ms: now_ms,
            count: 0,
        });
        if now_ms - ep.start_ms >= ep_window || now_ms < ep.start_ms {
            *ep = Window {
                start_ms: now_ms,
                count: 0,
            };
        }
        if ep_limit > 0 && ep.count >= ep_limit {
            return Verdict::Limited {
                retry_after_secs: retry_after.then(|| secs_left(ep.start_ms + ep_window, now_ms)),
            };
        }

        if grp_limit > 0 {
            let g = self.groups.entry((seller, grp)).or_insert(Window {
                start_ms: now_ms,
                count: 0,
            });
            if now_ms - g.start_ms >= MINUTE_MS || now_ms < g.start_ms {
                *g = Window {
                    start_ms: now_ms,
                    count: 0,
                };
            }
            if g.count >= grp_limit {
                return Verdict::Limited {
                    retry_after_secs: retry_after
                        .then(|| secs_left(g.start_ms + MINUTE_MS, now_ms)),
                };
            }
            g.count += 1;
        }
        ep.count += 1;
        Verdict::Allowed
    }
}

fn secs_left(end_ms: i64, now_ms: i64) -> u64 {
    let ms = (end_ms - now_ms).max(1);
    (ms as u64).div_ceil(1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifty_then_limited_then_new_window() {
        let mut l = Limiter::new(LimitConfig::default());
        for _ in 0..50 {
            assert_eq!(l.check(1, "e", group::ORDERS, 1000), Verdict::Allowed);
        }
        assert!(matches!(
            l.check(1, "e", group::ORDERS, 1000),
            Verdict::Limited { .. }
        ));
        assert_eq!(l.check(2, "e", group::ORDERS, 1000), Verdict::Allowed);
        assert_eq!(l.check(1, "other", group::ORDERS, 1000), Verdict::Allowed);
        assert_eq!(l.check(1, "e", group::ORDERS, 11_000), Verdict::Allowed);
    }

    #[test]
    fn group_per_minute() {
        let cfg = LimitConfig {
            per_endpoint: 0,
            ..Default::default()
        };
        let mut l = Limiter::new(cfg);
        for i in 0..50 {
            let ep: &'static str = if i % 2 == 0 { "brands" } else { "categories" };
            assert_eq!(l.check(1, ep, group::CATALOG, 0), Verdict::Allowed);
        }
        assert!(matches!(
            l.check(1, "brands", group::CATALOG, 30_000),
            Verdict::Limited { .. }
        ));
        assert_eq!(
            l.check(1, "brands", group::CATALOG, 60_000),
            Verdict::Allowed
        );
    }

    #[test]
    fn retry_after_when_switched_on() {
        let cfg = LimitConfig {
            retry_after: true,
            per_endpoint: 1,
            ..Default::default()
        };
        let mut l = Limiter::new(cfg);
        l.check(1, "e", group::ORDERS, 0);
        assert_eq!(
            l.check(1, "e", group::ORDERS, 2_500),
            Verdict::Limited {
                retry_after_secs: Some(8)
            }
        );
    }
}
