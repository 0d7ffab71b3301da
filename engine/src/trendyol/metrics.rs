//! Every call, counted: what a job run reports as its API calls and error frequencies.
//!
//! [`CallMetrics`] is in memory and cheap to update; a job run gives its client a fresh one
//! ([`super::TrendyolClient::with_metrics`]) and serializes a [`MetricsSnapshot`] at the end
//! (into `trendyol_sync_logs.details` and, later, OpenMetrics).

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::endpoint::EndpointClass;
use crate::error::ApiErrorClass;

/// Upper bounds (ms) of the latency histogram buckets; a last bucket counts the rest.
pub const LATENCY_BUCKETS_MS: [u64; 9] = [10, 25, 50, 100, 250, 500, 1000, 2500, 5000];

/// Counters of one endpoint class.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ClassMetrics {
    /// Logical calls (one per client method call).
    pub calls: u64,
    /// HTTP attempts, retries included.
    pub attempts: u64,
    /// Attempts after the first.
    pub retries: u64,
    /// Calls that succeeded (possibly after retries).
    pub succeeded: u64,
    /// Calls that failed, by final error class.
    pub failed: BTreeMap<String, u64>,
    /// Attempts by outcome: the HTTP status ("200", "429", "500"...) or a transport outcome
    /// ("timeout", "connect", "broken", "malformed").
    pub by_status: BTreeMap<String, u64>,
    /// Attempts answered 429.
    pub rate_limited: u64,
    pub latency_ms_sum: f64,
    pub latency_ms_max: f64,
    /// Counts per [`LATENCY_BUCKETS_MS`] bucket, plus one for slower attempts.
    pub latency_histogram: Vec<u64>,
    /// Time spent waiting for the rate limiter.
    pub limiter_wait_ms: f64,
}

impl ClassMetrics {
    pub fn mean_latency_ms(&self) -> f64 {
        if self.attempts == 0 {
            0.0
        } else {
            self.latency_ms_sum / self.attempts as f64
        }
    }
}

/// A serializable copy of the counters.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MetricsSnapshot {
    pub calls: u64,
    pub attempts: u64,
    pub retries: u64,
    pub failed: u64,
    pub rate_limited: u64,
    pub latency_buckets_ms: Vec<u64>,
    /// By endpoint class name.
    pub classes: BTreeMap<String, ClassMetrics>,
}

impl MetricsSnapshot {
    /// Failed calls per final error class, summed over the classes.
    pub fn errors_by_class(&self) -> BTreeMap<String, u64> {
        let mut out = BTreeMap::new();
        for m in self.classes.values() {
            for (k, n) in &m.failed {
                *out.entry(k.clone()).or_insert(0) += n;
            }
        }
        out
    }
}

/// Thread-safe counters.
#[derive(Debug, Default)]
pub struct CallMetrics {
    classes: Mutex<BTreeMap<EndpointClass, ClassMetrics>>,
}

impl CallMetrics {
    pub fn new() -> CallMetrics {
        CallMetrics::default()
    }

    fn with<R>(&self, class: EndpointClass, f: impl FnOnce(&mut ClassMetrics) -> R) -> R {
        let mut classes = self.classes.lock().unwrap_or_else(|p| p.into_inner());
        let m = classes.entry(class).or_insert_with(|| ClassMetrics {
            latency_histogram: vec![0; LATENCY_BUCKETS_MS.len() + 1],
            ..ClassMetrics::default()
        });
        f(m)
    }

    pub(crate) fn call_started(&self, class: EndpointClass) {
        self.with(class, |m| m.calls += 1);
    }

    pub(crate) fn attempt(
        &self,
        class: EndpointClass,
        outcome: &str,
        latency: Duration,
        retry: bool,
    ) {
        let ms = latency.as_secs_f64() * 1000.0;
        self.with(class, |m| {
            m.attempts += 1;
            if retry {
                m.retries += 1;
            }
            *m.by_status.entry(outcome.to_string()).or_insert(0) += 1;
            if outcome == "429" {
                m.rate_limited += 1;
            }
            m.latency_ms_sum += ms;
            m.latency_ms_max = m.latency_ms_max.max(ms);
            let bucket = LATENCY_BUCKETS_MS
                .iter()
                .position(|b| ms <= *b as f64)
                .unwrap_or(LATENCY_BUCKETS_MS.len());
            m.latency_histogram[bucket] += 1;
        });
    }

    pub(crate) fn limiter_wait(&self, class: EndpointClass, waited: Duration) {
        self.with(class, |m| {
            m.limiter_wait_ms += waited.as_secs_f64() * 1000.0
        });
    }

    pub(crate) fn call_finished(&self, class: EndpointClass, error: Option<ApiErrorClass>) {
        self.with(class, |m| match error {
            None => m.succeeded += 1,
            Some(e) => *m.failed.entry(e.as_str().to_string()).or_insert(0) += 1,
        });
    }

    /// A copy of the counters now.
    pub fn snapshot(&self) -> MetricsSnapshot {
        let classes = self.classes.lock().unwrap_or_else(|p| p.into_inner());
        let mut s = MetricsSnapshot {
            latency_buckets_ms: LATENCY_BUCKETS_MS.to_vec(),
            ..MetricsSnapshot::default()
        };
        for (class, m) in classes.iter() {
            s.calls += m.calls;
            s.attempts += m.attempts;
            s.retries += m.retries;
            s.failed += m.failed.values().sum::<u64>();
            s.rate_limited += m.rate_limited;
            s.classes.insert(class.name().to_string(), m.clone());
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_serializes() {
        let m = CallMetrics::new();
        let c = EndpointClass::OrderList;
        m.call_started(c);
        m.attempt(c, "429", Duration::from_millis(3), false);
        m.attempt(c, "200", Duration::from_millis(300), true);
        m.call_finished(c, None);
        m.call_started(c);
        m.attempt(c, "timeout", Duration::from_secs(9), false);
        m.call_finished(c, Some(ApiErrorClass::Transient));
        let s = m.snapshot();
        assert_eq!(
            (s.calls, s.attempts, s.retries, s.failed, s.rate_limited),
            (2, 3, 1, 1, 1)
        );
        let o = &s.classes["order.list"];
        assert_eq!(o.latency_histogram[0], 1);
        assert_eq!(o.latency_histogram[5], 1);
        assert_eq!(o.latency_histogram[9], 1);
        assert_eq!(s.errors_by_class()["transient"], 1);
        let json = serde_json::to_string(&s).unwrap();
        let back: MetricsSnapshot = serde_json::from_str(&json).unwrap();
        assert_eq!(back, s);
    }
}
