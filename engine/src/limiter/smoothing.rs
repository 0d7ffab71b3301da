//! In-process smoothing with `governor`, and the temporary slow-down after a 429.
//!
//! The shared limiter is the authority; this layer only spaces one process's own requests
//! so that a burst of tasks does not queue up as a burst of database transactions. Its rate is
//! the class's steady shop-wide rate — one process alone may use the whole quota — reduced by
//! [`CooldownPolicy::slow_factor`] per 429 strike and restored after
//! [`CooldownPolicy::slow_for`] without one.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

use super::cooldown::CooldownPolicy;
use super::quota::QuotaConfig;
use crate::trendyol::endpoint::EndpointClass;

struct ClassState {
    limiter: Arc<DefaultDirectRateLimiter>,
    factor: f64,
    slowed_at: Option<Instant>,
}

/// Per-class governors of this process.
pub struct Smoother {
    quota: QuotaConfig,
    policy: CooldownPolicy,
    classes: Mutex<HashMap<EndpointClass, ClassState>>,
}

impl Smoother {
    pub fn new(quota: QuotaConfig, policy: CooldownPolicy) -> Smoother {
        Smoother {
            quota,
            policy,
            classes: Mutex::new(HashMap::new()),
        }
    }

    fn build(rate_per_sec: f64) -> Arc<DefaultDirectRateLimiter> {
        let period = Duration::from_secs_f64(1.0 / rate_per_sec.max(1e-3));
        let quota = Quota::with_period(period)
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(NonZeroU32::MIN);
        Arc::new(RateLimiter::direct(quota))
    }

    fn limiter(&self, class: EndpointClass) -> Option<Arc<DefaultDirectRateLimiter>> {
        let rate = self.quota.steady_rate_per_sec(class)?;
        let mut classes = self.classes.lock().unwrap_or_else(|p| p.into_inner());
        let state = classes.entry(class).or_insert_with(|| ClassState {
            limiter: Self::build(rate),
            factor: 1.0,
            slowed_at: None,
        });
        if let Some(at) = state.slowed_at {
            if at.elapsed() >= self.policy.slow_for {
                state.factor = 1.0;
                state.slowed_at = None;
                state.limiter = Self::build(rate);
            }
        }
        Some(state.limiter.clone())
    }

    /// Waits for this process's next turn on `class`; false when `deadline` comes first.
    pub async fn until_ready(&self, class: EndpointClass, deadline: tokio::time::Instant) -> bool {
        let Some(limiter) = self.limiter(class) else {
            return true;
        };
        tokio::time::timeout_at(deadline, limiter.until_ready())
            .await
            .is_ok()
    }

    /// Slows the class down after a 429.
    pub fn slow_down(&self, class: EndpointClass) {
        let Some(rate) = self.quota.steady_rate_per_sec(class) else {
            return;
        };
        let mut classes = self.classes.lock().unwrap_or_else(|p| p.into_inner());
        let state = classes.entry(class).or_insert_with(|| ClassState {
            limiter: Self::build(rate),
            factor: 1.0,
            slowed_at: None,
        });
        state.factor = (state.factor * self.policy.slow_factor).max(1.0 / 16.0);
        state.slowed_at = Some(Instant::now());
        state.limiter = Self::build(rate * state.factor);
    }

    /// The current in-process rate factor of a class (1.0 = full rate).
    pub fn factor(&self, class: EndpointClass) -> f64 {
        let classes = self.classes.lock().unwrap_or_else(|p| p.into_inner());
        classes.get(&class).map_or(1.0, |s| s.factor)
    }
}
