//! A circuit breaker per endpoint class, in process.
//!
//! Trendyol's `generic.exception` 500 can last for days on one service while the others work.
//! After `failure_threshold` consecutive transient or ambiguous failures a class is *open*:
//! calls fail at once with `CircuitOpen` instead of spending the quota and the job's time.
//! After `cool_off` one probe is let through (*half-open*); its success closes the circuit,
//! its failure opens it again. 429s neither open nor close it (the limiter handles them), and
//! 4xx answers count as the service being up.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::endpoint::EndpointClass;

#[derive(Debug, Clone, PartialEq)]
pub struct CircuitPolicy {
    pub failure_threshold: u32,
    pub cool_off: Duration,
}

impl Default for CircuitPolicy {
    fn default() -> Self {
        CircuitPolicy {
            failure_threshold: 5,
            cool_off: Duration::from_secs(30),
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Phase {
    Closed {
        failures: u32,
    },
    Open {
        until: Instant,
    },
    /// A probe is out since `since` (a probe whose caller vanished is replaced after a cool-off).
    HalfOpen {
        since: Instant,
    },
}

/// The state of one class, for status pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CircuitState {
    Closed,
    Open,
    HalfOpen,
}

#[derive(Debug)]
pub struct CircuitBreaker {
    policy: CircuitPolicy,
    phases: Mutex<HashMap<EndpointClass, Phase>>,
}

impl CircuitBreaker {
    pub fn new(policy: CircuitPolicy) -> CircuitBreaker {
        CircuitBreaker {
            policy,
            phases: Mutex::new(HashMap::new()),
        }
    }

    /// May a call go out now? `Err` carries the time until the next probe.
    pub fn before_call(&self, class: EndpointClass) -> Result<(), Duration> {
        let mut phases = self.phases.lock().unwrap_or_else(|p| p.into_inner());
        let phase = phases.entry(class).or_insert(Phase::Closed { failures: 0 });
        let now = Instant::now();
        match *phase {
            Phase::Closed { .. } => Ok(()),
            Phase::Open { until } if now >= until => {
                *phase = Phase::HalfOpen { since: now };
                Ok(())
            }
            Phase::Open { until } => Err(until - now),
            Phase::HalfOpen { since } if now.duration_since(since) >= self.policy.cool_off => {
                *phase = Phase::HalfOpen { since: now };
                Ok(())
            }
            Phase::HalfOpen { since } => Err(self.policy.cool_off - now.duration_since(since)),
        }
    }

    pub fn on_success(&self, class: EndpointClass) {
        let mut phases = self.phases.lock().unwrap_or_else(|p| p.into_inner());
        phases.insert(class, Phase::Closed { failures: 0 });
    }

    pub fn on_failure(&self, class: EndpointClass) {
        let mut phases = self.phases.lock().unwrap_or_else(|p| p.into_inner());
        let phase = phases.entry(class).or_insert(Phase::Closed { failures: 0 });
        let open = Phase::Open {
            until: Instant::now() + self.policy.cool_off,
        };
        *phase = match *phase {
            Phase::Closed { failures } if failures + 1 >= self.policy.failure_threshold => open,
            Phase::Closed { failures } => Phase::Closed {
                failures: failures + 1,
            },
            Phase::HalfOpen { .. } | Phase::Open { .. } => open,
        };
        if matches!(*phase, Phase::Open { .. }) {
            tracing::warn!(
                endpoint = class.name(),
                "circuit opened after repeated failures"
            );
        }
    }

    /// An outcome that says nothing about the service's health (a 429, a refused slot): a
    /// half-open probe is released so the next caller can probe.
    pub fn on_neutral(&self, class: EndpointClass) {
        let mut phases = self.phases.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(phase @ Phase::HalfOpen { .. }) = phases.get_mut(&class) {
            *phase = Phase::Open {
                until: Instant::now(),
            };
        }
    }

    pub fn state(&self, class: EndpointClass) -> CircuitState {
        let phases = self.phases.lock().unwrap_or_else(|p| p.into_inner());
        match phases.get(&class) {
            None | Some(Phase::Closed { .. }) => CircuitState::Closed,
            Some(Phase::Open { .. }) => CircuitState::Open,
            Some(Phase::HalfOpen { .. }) => CircuitState::HalfOpen,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_half_opens_and_closes() {
        let c = CircuitBreaker::new(CircuitPolicy {
            failure_threshold: 2,
            cool_off: Duration::from_millis(30),
        });
        let k = EndpointClass::OrderList;
        c.on_failure(k);
        assert!(c.before_call(k).is_ok());
        c.on_failure(k);
        assert_eq!(c.state(k), CircuitState::Open);
        assert!(c.before_call(k).is_err());
        // Other classes are unaffected.
        assert!(c.before_call(EndpointClass::ClaimList).is_ok());
        std::thread::sleep(Duration::from_millis(40));
        assert!(c.before_call(k).is_ok(), "one probe after the cool-off");
        assert!(c.before_call(k).is_err(), "only one");
        c.on_failure(k);
        assert_eq!(c.state(k), CircuitState::Open);
        std::thread::sleep(Duration::from_millis(40));
        assert!(c.before_call(k).is_ok());
        c.on_success(k);
        assert_eq!(c.state(k), CircuitState::Closed);
        assert!(c.before_call(k).is_ok());
    }
}
