//! Which buckets a request must pass, and their limits.
//!
//! Every request to an endpoint class passes up to four buckets, all per seller:
//! - `ep:<class>` — Trendyol's general rule, 50 requests per 10 s to the same endpoint;
//! - `svc:<service>` — the service's per-minute limit from Trendyol's TR table;
//! - `all:minute` and `all:hour` — the shop-wide caps (600/min, 36,000/h).
//!
//! All are configurable: the module settings carry the global caps, the per-endpoint rule and
//! an override list (`api_limit_overrides`) such as
//! `order.list=100/10, service:catalog=40/60, service:price_inventory=350/60` — a limit of 0
//! switches a bucket off. Trendyol announced tiered group limits from September 2026; the
//! override list is how a shop adopts its tier without a new build.

use std::collections::BTreeMap;

use super::gcra::BucketSpec;
use crate::error::{Error, Result};
use crate::trendyol::endpoint::{
    EndpointClass, Service, DEFAULT_PER_ENDPOINT_LIMIT, DEFAULT_PER_ENDPOINT_WINDOW_SECS,
};

/// `limit` requests per `window_secs`; a limit of 0 means no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub limit: u32,
    pub window_secs: u32,
}

impl Rule {
    pub const fn new(limit: u32, window_secs: u32) -> Rule {
        Rule { limit, window_secs }
    }

    pub fn is_unlimited(&self) -> bool {
        self.limit == 0 || self.window_secs == 0
    }
}

/// The whole quota table.
#[derive(Debug, Clone, PartialEq)]
pub struct QuotaConfig {
    /// The default per-endpoint rule (Trendyol: 50 per 10 s).
    pub per_endpoint: Rule,
    /// Per-class exceptions to `per_endpoint`.
    pub endpoint_overrides: BTreeMap<EndpointClass, Rule>,
    /// Per-service rules (default: Trendyol's per-minute table).
    pub services: BTreeMap<Service, Rule>,
    /// Shop-wide cap per minute (0 = none).
    pub calls_per_minute: u32,
    /// Shop-wide cap per hour (0 = none).
    pub calls_per_hour: u32,
    /// Fraction of each limit actually used (see [`super::gcra`]); 0.98 by default.
    pub safety: f64,
}

impl Default for QuotaConfig {
    fn default() -> Self {
        QuotaConfig {
            per_endpoint: Rule::new(DEFAULT_PER_ENDPOINT_LIMIT, DEFAULT_PER_ENDPOINT_WINDOW_SECS),
            endpoint_overrides: BTreeMap::new(),
            services: Service::ALL
                .into_iter()
                .map(|s| (s, Rule::new(s.default_per_minute(), 60)))
                .collect(),
            calls_per_minute: 600,
            calls_per_hour: 36_000,
            safety: 0.98,
        }
    }
}

impl QuotaConfig {
    /// No limits at all (unit tests of retry logic).
    pub fn unlimited() -> QuotaConfig {
        QuotaConfig {
            per_endpoint: Rule::new(0, 0),
            endpoint_overrides: BTreeMap::new(),
            services: BTreeMap::new(),
            calls_per_minute: 0,
            calls_per_hour: 0,
            safety: 1.0,
        }
    }

    /// Applies an override list (see the module docs).
    pub fn apply_overrides(&mut self, text: &str) -> Result<()> {
        for (name, rule) in parse_overrides(text)? {
            match name {
                Target::Endpoint(c) => {
                    self.endpoint_overrides.insert(c, rule);
                }
                Target::Service(s) => {
                    self.services.insert(s, rule);
                }
            }
        }
        Ok(())
    }

    /// The per-endpoint rule of a class.
    pub fn endpoint_rule(&self, class: EndpointClass) -> Rule {
        self.endpoint_overrides
            .get(&class)
            .copied()
            .unwrap_or(self.per_endpoint)
    }

    /// The buckets of one request, sorted by key (the lock order of the shared limiter).
    pub fn buckets(&self, seller_id: u64, class: EndpointClass) -> Vec<BucketSpec> {
        let window_us = |rule: Rule| i64::from(rule.window_secs) * 1_000_000;
        let mut rules = vec![(
            format!("{seller_id}:all:minute"),
            Rule::new(self.calls_per_minute, 60),
        )];
        rules.push((
            format!("{seller_id}:all:hour"),
            Rule::new(self.calls_per_hour, 3600),
        ));
        if let Some(rule) = self.services.get(&class.service()) {
            rules.push((format!("{seller_id}:svc:{}", class.service()), *rule));
        }
        let mut out: Vec<BucketSpec> = rules
            .into_iter()
            .filter(|(_, rule)| !rule.is_unlimited())
            .map(|(key, rule)| BucketSpec::for_rule(key, rule.limit, window_us(rule), self.safety))
            .collect();
        // The endpoint's bucket always exists, even without a limit: a 429's cooldown lives there.
        let rule = self.endpoint_rule(class);
        let key = endpoint_key(seller_id, class);
        out.push(if rule.is_unlimited() {
            BucketSpec {
                key,
                interval_us: 0,
                tolerance_us: 0,
                slack_us: i64::MAX,
            }
        } else {
            BucketSpec::for_rule(key, rule.limit, window_us(rule), self.safety)
        });
        out.sort_by(|a, b| a.key.cmp(&b.key));
        out
    }

    /// The per-minute request rate a class may use in one process at most (the tightest of its
    /// buckets), for in-process smoothing.
    pub fn steady_rate_per_sec(&self, class: EndpointClass) -> Option<f64> {
        let mut rules = vec![self.endpoint_rule(class)];
        if let Some(rule) = self.services.get(&class.service()) {
            rules.push(*rule);
        }
        rules.push(Rule::new(self.calls_per_minute, 60));
        rules.push(Rule::new(self.calls_per_hour, 3600));
        rules
            .into_iter()
            .filter(|r| !r.is_unlimited())
            .map(|r| f64::from(r.limit) * self.safety / f64::from(r.window_secs))
            .min_by(|a, b| a.total_cmp(b))
    }
}

/// The key of the per-endpoint bucket, the one a 429 pushes back.
pub fn endpoint_key(seller_id: u64, class: EndpointClass) -> String {
    format!("{seller_id}:ep:{}", class.name())
}

/// What an override names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Endpoint(EndpointClass),
    Service(Service),
}

/// What an override list may contain, for error messages.
pub const OVERRIDES_ALLOWED: &str = "comma-separated NAME=LIMIT/SECONDS, NAME an endpoint \
     (e.g. order.list) or service:NAME (product_create, product_update, product_filter, \
     product_delete, batch_result, catalog, orders, price_inventory, webhooks); LIMIT 0 = none";

/// Parses `order.list=100/10, service:catalog=40/60`.
pub fn parse_overrides(text: &str) -> Result<Vec<(Target, Rule)>> {
    let bad = |got: &str| Error::setting("api_limit_overrides", got, OVERRIDES_ALLOWED);
    let mut out = Vec::new();
    for entry in text.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        let (name, rule) = entry.split_once('=').ok_or_else(|| bad(entry))?;
        let (limit, secs) = rule.trim().split_once('/').ok_or_else(|| bad(entry))?;
        let limit: u32 = limit.trim().parse().map_err(|_| bad(entry))?;
        let secs: u32 = secs
            .trim()
            .trim_end_matches('s')
            .parse()
            .ok()
            .filter(|s| (1..=86_400).contains(s))
            .ok_or_else(|| bad(entry))?;
        let name = name.trim();
        let target = match name.strip_prefix("service:") {
            Some(s) => Target::Service(Service::parse(s).ok_or_else(|| bad(entry))?),
            None => Target::Endpoint(EndpointClass::parse(name).ok_or_else(|| bad(entry))?),
        };
        out.push((target, Rule::new(limit, secs)));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_buckets_of_a_catalog_read() {
        let q = QuotaConfig::default();
        let keys: Vec<String> = q
            .buckets(7, EndpointClass::Brands)
            .into_iter()
            .map(|b| b.key)
            .collect();
        assert_eq!(
            keys,
            vec![
                "7:all:hour",
                "7:all:minute",
                "7:ep:product.brands",
                "7:svc:catalog"
            ]
        );
        // Price & inventory has no service limit.
        assert_eq!(q.buckets(7, EndpointClass::PriceInventory).len(), 3);
        let rate = q.steady_rate_per_sec(EndpointClass::Brands).unwrap();
        assert!((rate - 50.0 * 0.98 / 60.0).abs() < 1e-9);
    }

    #[test]
    fn overrides_parse_and_apply() {
        let mut q = QuotaConfig::default();
        q.apply_overrides("order.list=100/10, service:catalog=0/60")
            .unwrap();
        assert_eq!(
            q.endpoint_rule(EndpointClass::OrderList),
            Rule::new(100, 10)
        );
        assert_eq!(q.buckets(1, EndpointClass::Brands).len(), 3);
        for bad in [
            "x=1/1",
            "order.list=1",
            "service:nope=1/60",
            "order.list=a/10",
            "order.list=1/0",
        ] {
            let err = parse_overrides(bad).unwrap_err().to_string();
            assert!(err.contains("api_limit_overrides"), "{err}");
        }
    }
}
