//! One rate limiter for the whole shop.
//!
//! Trendyol counts requests per seller, whichever PHP process or host sends them, so the
//! limiter's state lives in the shop's database ([`shared`]) and every process reserves its
//! slots there; the arithmetic is GCRA ([`gcra`]), a little under each limit so that no window
//! of Trendyol's ever sees one request too many. Each request passes its endpoint's, its
//! service's and the shop-wide buckets at once ([`quota`]). Inside a process `governor` spaces
//! requests before they reach the database ([`smoothing`]). A 429 pushes the endpoint's bucket
//! back shop-wide — by `Retry-After` when present, else by a growing, jittered cooldown — and
//! slows the process down for a while ([`cooldown`]).
//!
//! ```text
//! acquire(class, deadline):  governor (this process)  →  reserve slot in DB (all buckets)  →  sleep to slot
//! on_rate_limited(class):    DB cooldown_until += Retry-After | 10 s·2^k·(1..1.5)  ·  governor rate × 0.5
//! ```
//!
//! [`RateLimiter::in_memory`] runs the same arithmetic without a database, for one process.

pub mod cooldown;
pub mod gcra;
pub mod memory;
pub mod quota;
pub mod shared;
pub mod smoothing;

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

pub use cooldown::CooldownPolicy;
pub use gcra::{BucketSpec, Decision};
pub use quota::{QuotaConfig, Rule};

use crate::db::Database;
use crate::error::{ApiErrorClass, Error, Result};
use crate::trendyol::endpoint::EndpointClass;
use memory::MemoryStore;
use shared::SharedStore;
use smoothing::Smoother;

/// Everything the limiter is tuned by.
#[derive(Debug, Clone, PartialEq)]
pub struct LimiterConfig {
    pub quota: QuotaConfig,
    pub cooldown: CooldownPolicy,
    /// How far ahead a process may reserve a slot. Longer waits are slept off first, so a
    /// process that dies holds at most this much of the quota.
    pub horizon: Duration,
}

impl Default for LimiterConfig {
    fn default() -> Self {
        LimiterConfig {
            quota: QuotaConfig::default(),
            cooldown: CooldownPolicy::default(),
            horizon: Duration::from_secs(2),
        }
    }
}

enum Store {
    Shared(SharedStore),
    Memory(MemoryStore),
}

struct Inner {
    seller_id: u64,
    config: LimiterConfig,
    store: Store,
    smoother: Smoother,
}

/// The shop's limiter. Cheap to clone; clones share state.
#[derive(Clone)]
pub struct RateLimiter {
    inner: Arc<Inner>,
}

/// What one [`RateLimiter::acquire`] cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    /// Time spent waiting, in-process and shop-wide together.
    pub waited: Duration,
}

impl RateLimiter {
    /// The limiter shared through `db` (table `{prefix}trendyol_rate_limits`, migration 2).
    pub fn shared(db: Database, seller_id: u64, config: LimiterConfig) -> RateLimiter {
        Self::build(seller_id, config, Store::Shared(SharedStore::new(db)))
    }

    /// A limiter for this process only.
    pub fn in_memory(seller_id: u64, config: LimiterConfig) -> RateLimiter {
        Self::build(seller_id, config, Store::Memory(MemoryStore::default()))
    }

    fn build(seller_id: u64, config: LimiterConfig, store: Store) -> RateLimiter {
        let smoother = Smoother::new(config.quota.clone(), config.cooldown.clone());
        RateLimiter {
            inner: Arc::new(Inner {
                seller_id,
                config,
                store,
                smoother,
            }),
        }
    }

    pub fn config(&self) -> &LimiterConfig {
        &self.inner.config
    }

    pub fn is_shared(&self) -> bool {
        matches!(self.inner.store, Store::Shared(_))
    }

    /// The in-process rate factor of a class (1.0 = not slowed down by a 429).
    pub fn slow_factor(&self, class: EndpointClass) -> f64 {
        self.inner.smoother.factor(class)
    }

    /// Waits until a request to `class` may be sent. Fails with a `RateLimited` API error,
    /// without waiting, when the next slot is past `deadline`.
    pub async fn acquire(
        &self,
        class: EndpointClass,
        deadline: std::time::Instant,
    ) -> Result<Grant> {
        let started = Instant::now();
        let deadline = Instant::from_std(deadline);
        let too_late = |wait: Duration| Error::Api {
            class: ApiErrorClass::RateLimited,
            endpoint: class.name().to_string(),
            status: None,
            message: format!(
                "the shop's rate limit allows the next call in {:.1} s, after this call's deadline",
                wait.as_secs_f64()
            ),
        };
        if !self.inner.smoother.until_ready(class, deadline).await {
            return Err(too_late(Duration::ZERO));
        }
        let specs = self.inner.config.quota.buckets(self.inner.seller_id, class);
        if specs.is_empty() {
            return Ok(Grant {
                waited: started.elapsed(),
            });
        }
        let horizon_us = self.inner.config.horizon.as_micros() as i64;
        // A request that leaves later than its slot by more than half the smallest slack could
        // put one request too many in some window (the other half covers the network): such a
        // slot is given up and a new one reserved, a few times at most.
        let late_limit = Duration::from_micros(
            (specs.iter().map(|s| s.slack_us).min().unwrap_or(i64::MAX) / 2).max(0) as u64,
        );
        let mut abandoned = 0;
        loop {
            let remaining = deadline.saturating_duration_since(Instant::now());
            let max_wait_us = horizon_us.min(remaining.as_micros() as i64);
            let asked = Instant::now();
            let decision = match &self.inner.store {
                Store::Shared(s) => s.try_reserve(&specs, max_wait_us).await?,
                Store::Memory(m) => m.try_reserve(&specs, max_wait_us),
            };
            match decision {
                Decision::Reserved { wait_us, .. } => {
                    // The database read its clock somewhere between `asked` and now: sleeping
                    // from now is never early, and lateness is measured from `asked`.
                    let wait = Duration::from_micros(wait_us.max(0) as u64);
                    tokio::time::sleep(wait).await;
                    let late = asked.elapsed().saturating_sub(wait);
                    if late > late_limit && abandoned < 3 {
                        abandoned += 1;
                        tracing::debug!(
                            endpoint = class.name(),
                            late_ms = late.as_millis() as u64,
                            "a rate-limit slot was reached too late; reserving another"
                        );
                        continue;
                    }
                    return Ok(Grant {
                        waited: started.elapsed(),
                    });
                }
                Decision::NotYet { wait_us } => {
                    let wait = Duration::from_micros(wait_us.max(0) as u64);
                    if wait > remaining {
                        return Err(too_late(wait));
                    }
                    // Sleep until the slot is within the horizon, then reserve it.
                    let nap = wait
                        .saturating_sub(self.inner.config.horizon)
                        .max(Duration::from_millis(1));
                    tokio::time::sleep(nap).await;
                }
            }
        }
    }

    /// Records a 429 from `class`: the endpoint's bucket cools down shop-wide and this process
    /// slows down. Returns the cooldown now in force.
    pub async fn on_rate_limited(
        &self,
        class: EndpointClass,
        retry_after: Option<Duration>,
    ) -> Result<Duration> {
        self.on_rate_limited_within(class, retry_after, None).await
    }

    /// [`on_rate_limited`](Self::on_rate_limited), with the grown cooldown (no `Retry-After`)
    /// held to `cap` — the caller's time left, so that a pause never outlasts the run it would
    /// serve.
    pub async fn on_rate_limited_within(
        &self,
        class: EndpointClass,
        retry_after: Option<Duration>,
        cap: Option<Duration>,
    ) -> Result<Duration> {
        self.inner.smoother.slow_down(class);
        let key = quota::endpoint_key(self.inner.seller_id, class);
        let capped = cap.map(|c| self.inner.config.cooldown.within(c));
        let policy = capped.as_ref().unwrap_or(&self.inner.config.cooldown);
        let left_us = match &self.inner.store {
            Store::Shared(s) => s.penalize(&key, policy, retry_after).await?,
            Store::Memory(m) => m.penalize(&key, policy, retry_after),
        };
        Ok(Duration::from_micros(left_us.max(0) as u64))
    }
}
