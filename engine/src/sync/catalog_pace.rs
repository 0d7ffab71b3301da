//! When a catalog job must stop: before a unit of work that might not finish in time.
//!
//! The units of the catalog jobs are API writes of up to a thousand items, and how long one
//! takes depends on Trendyol, not on us. So the reserve kept before the deadline is learnt: one
//! and a half times the slowest unit seen in this run (at least [`MIN_RESERVE`]). A run that
//! stops this way has committed everything it sent; the next one resumes from its cursor.
//!
//! Trendyol's quota stops a run the same way ([`quota_stop`]): a 429 whose pause reaches past
//! the deadline is not a failure — what was sent is recorded, the rest waits for the next run.

use std::time::Duration;

use crate::error::{ApiErrorClass, Error, Result};
use crate::runner::{JobContext, StopReason};

/// The reserve before any unit has been timed.
pub const MIN_RESERVE: Duration = Duration::from_millis(300);

/// Learns how long units take and says when to stop.
#[derive(Debug, Clone, Default)]
pub struct Pacer {
    slowest: Duration,
}

impl Pacer {
    pub fn new() -> Pacer {
        Pacer::default()
    }

    /// Records how long a unit took.
    pub fn observe(&mut self, took: Duration) {
        self.slowest = self.slowest.max(took);
    }

    /// The time kept free before the deadline.
    pub fn reserve(&self) -> Duration {
        (self.slowest * 3 / 2).max(MIN_RESERVE)
    }

    /// Why the job must stop before its next unit, if it must.
    pub fn should_stop(&self, ctx: &JobContext) -> Option<StopReason> {
        ctx.should_stop(self.reserve())
    }
}

/// A step that ran out of Trendyol's quota (a 429 whose pause reaches past the run's deadline)
/// stops the run like its time limit would: what was sent is recorded, the rest is compared
/// again next run. Nothing is lost, so it is not a failure.
pub fn quota_stop(step: Result<Option<StopReason>>) -> Result<Option<StopReason>> {
    match step {
        Err(Error::Api {
            class: ApiErrorClass::RateLimited,
            message,
            endpoint,
            ..
        }) => {
            tracing::warn!(%endpoint, error = %message, "stopped by Trendyol's rate limit; the next run resumes");
            Ok(Some(StopReason::RateLimit))
        }
        other => other,
    }
}
