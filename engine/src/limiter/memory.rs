//! An in-process store with the same arithmetic as the shared one, for a single process
//! without a database (unit tests of the client's retry logic, tools).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::cooldown::{CooldownPolicy, PenaltyState};
use super::gcra::{decide, BucketSpec, BucketState, Decision};

#[derive(Debug, Default, Clone, Copy)]
struct Row {
    tat_us: i64,
    penalty: PenaltyState,
}

/// Buckets in a mutex, timed by a monotonic clock.
#[derive(Debug)]
pub struct MemoryStore {
    origin: Instant,
    rows: Mutex<HashMap<String, Row>>,
}

impl Default for MemoryStore {
    fn default() -> Self {
        MemoryStore {
            origin: Instant::now(),
            rows: Mutex::new(HashMap::new()),
        }
    }
}

impl MemoryStore {
    fn now_us(&self) -> i64 {
        // Offset by a day so that "the epoch" is never a recent instant for the arithmetic.
        self.origin.elapsed().as_micros() as i64 + 86_400_000_000
    }

    pub fn try_reserve(&self, specs: &[BucketSpec], max_wait_us: i64) -> Decision {
        let mut rows = self.rows.lock().unwrap_or_else(|p| p.into_inner());
        let now_us = self.now_us();
        let states: Vec<BucketState> = specs
            .iter()
            .map(|s| {
                let row = rows.get(&s.key).copied().unwrap_or_default();
                BucketState {
                    tat_us: row.tat_us,
                    cooldown_until_us: row.penalty.cooldown_until_us,
                }
            })
            .collect();
        let decision = decide(now_us, specs, &states, max_wait_us);
        if let Decision::Reserved { states, .. } = &decision {
            for (spec, state) in specs.iter().zip(states) {
                rows.entry(spec.key.clone()).or_default().tat_us = state.tat_us;
            }
        }
        decision
    }

    pub fn penalize(
        &self,
        key: &str,
        policy: &CooldownPolicy,
        retry_after: Option<Duration>,
    ) -> i64 {
        let mut rows = self.rows.lock().unwrap_or_else(|p| p.into_inner());
        let now_us = self.now_us();
        let row = rows.entry(key.to_string()).or_default();
        row.penalty = policy.apply(row.penalty, now_us, retry_after, rand::random::<f64>());
        row.penalty.cooldown_until_us - now_us
    }
}
