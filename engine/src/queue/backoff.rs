//! How long a transiently failed job waits before its next attempt.
//!
//! Exponential, so a Trendyol outage (a `generic.exception` 500 can last days) is not hammered:
//! the ceiling doubles per attempt from `base` up to `cap`. *Full* jitter — the delay is drawn
//! uniformly between zero and that ceiling — because failures come in bursts: a hundred jobs that
//! failed in the same second would otherwise all come back in the same second and fail together
//! again. A small `min` keeps a zero draw from turning into an immediate hot retry.

use std::time::Duration;

/// Exponential backoff with full jitter: attempt `n` waits `uniform(0, min(cap, base·2^(n−1)))`,
/// at least `min`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackoffPolicy {
    pub base: Duration,
    pub cap: Duration,
    pub min: Duration,
}

impl Default for BackoffPolicy {
    /// 5 s for the first retry's ceiling, doubling to at most an hour; never under a second.
    fn default() -> Self {
        BackoffPolicy {
            base: Duration::from_secs(5),
            cap: Duration::from_secs(3600),
            min: Duration::from_secs(1),
        }
    }
}

impl BackoffPolicy {
    /// The upper bound of the delay after the `attempt`-th attempt failed (attempts count from 1).
    pub fn ceiling(&self, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(1).min(32);
        let ceiling = self
            .base
            .checked_mul(1u32 << doublings.min(31))
            .unwrap_or(self.cap);
        ceiling.min(self.cap).max(self.min)
    }

    /// The delay for a uniform draw `unit` in `[0, 1]`; deterministic, for tests and reasoning.
    pub fn delay_at(&self, attempt: u32, unit: f64) -> Duration {
        let ceiling = self.ceiling(attempt);
        ceiling.mul_f64(unit.clamp(0.0, 1.0)).max(self.min)
    }

    /// A jittered delay for the `attempt`-th failure.
    pub fn delay(&self, attempt: u32) -> Duration {
        self.delay_at(attempt, rand::random::<f64>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceiling_doubles_up_to_the_cap() {
        let p = BackoffPolicy::default();
        assert_eq!(p.ceiling(1), Duration::from_secs(5));
        assert_eq!(p.ceiling(2), Duration::from_secs(10));
        assert_eq!(p.ceiling(4), Duration::from_secs(40));
        assert_eq!(p.ceiling(10), Duration::from_secs(2560));
        assert_eq!(p.ceiling(11), Duration::from_secs(3600));
        assert_eq!(p.ceiling(u32::MAX), Duration::from_secs(3600));
        // Attempt 0 (never claimed) behaves like the first.
        assert_eq!(p.ceiling(0), Duration::from_secs(5));
    }

    #[test]
    fn jitter_spans_min_to_ceiling() {
        let p = BackoffPolicy::default();
        assert_eq!(p.delay_at(3, 0.0), Duration::from_secs(1));
        assert_eq!(p.delay_at(3, 1.0), Duration::from_secs(20));
        assert_eq!(p.delay_at(3, 0.5), Duration::from_secs(10));
        for _ in 0..1000 {
            let d = p.delay(6);
            assert!(d >= p.min && d <= p.ceiling(6), "{d:?}");
        }
    }
}
