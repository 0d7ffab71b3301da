//! When a failed call is tried again, and after how long.
//!
//! | class | reads | writes (POST/PUT/DELETE) |
//! |---|---|---|
//! | `Transient` (5xx, timeouts, resets, malformed bodies on reads; connect failures) | retry | retry only when the request never left (connect refused, connect timeout, DNS) |
//! | `RateLimited` (429) | retry after the shop-wide cooldown | same: a 429 was not applied |
//! | `Ambiguous` (a write timed out or broke after it was sent, 5xx or unreadable 2xx on a write) | — | never re-sent: reconcile by reading (see [`super::reconcile`]) |
//! | `Permanent` (4xx validation), `Auth` (401/403), `CircuitOpen` | no | no |
//!
//! A write can only be `Transient` when it is known not to have been sent, because every
//! failure after sending is classified `Ambiguous` for writes; so "retry `Transient` and
//! `RateLimited`" is the whole rule. Attempts are bounded, and so is the total time: the
//! caller's deadline cuts every wait, and a backoff that would end past it is not started.
//! Backoff is exponential with full jitter (a uniform draw between zero and the exponential
//! bound), which spreads the retries of many clients after a shared outage.

use std::time::Duration;

use crate::error::ApiErrorClass;
use crate::queue::backoff::BackoffPolicy;

/// Bounded retries with exponential backoff and full jitter.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Attempts per call, the first included.
    pub max_attempts: u32,
    /// Bound of the first backoff.
    pub base_backoff: Duration,
    /// Largest backoff bound.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            base_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// Whether an error of `class` is worth another attempt (see the module table).
    pub fn retryable(class: ApiErrorClass) -> bool {
        matches!(class, ApiErrorClass::Transient | ApiErrorClass::RateLimited)
    }

    /// The queue's backoff with this policy's numbers: one exponential-with-full-jitter rule for
    /// calls and jobs alike. No floor: a call may be retried at once after a lucky draw.
    fn policy(&self) -> BackoffPolicy {
        BackoffPolicy {
            base: self.base_backoff,
            cap: self.max_backoff,
            min: Duration::ZERO,
        }
    }

    /// The upper bound of the backoff after failed attempt `attempt` (1-based).
    pub fn bound(&self, attempt: u32) -> Duration {
        self.policy().ceiling(attempt)
    }

    /// The backoff after failed attempt `attempt`: uniform in `[0, bound]` (full jitter).
    pub fn backoff(&self, attempt: u32) -> Duration {
        self.policy().delay(attempt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_grow_and_cap_and_jitter_stays_inside() {
        let p = RetryPolicy::default();
        assert_eq!(p.bound(1), Duration::from_millis(500));
        assert_eq!(p.bound(3), Duration::from_secs(2));
        assert_eq!(p.bound(30), Duration::from_secs(30));
        for attempt in 1..10 {
            assert!(p.backoff(attempt) <= p.bound(attempt));
        }
        assert!(RetryPolicy::retryable(ApiErrorClass::Transient));
        assert!(RetryPolicy::retryable(ApiErrorClass::RateLimited));
        for c in [
            ApiErrorClass::Ambiguous,
            ApiErrorClass::Permanent,
            ApiErrorClass::Auth,
            ApiErrorClass::CircuitOpen,
        ] {
            assert!(!RetryPolicy::retryable(c));
        }
    }
}
