//! The delivery queue between the world and the sender, with the duplicate and reorder faults
//! applied as deliveries join it.

use crate::faults::FaultConfig;
use crate::lock::lock;
use crate::prng::Prng;
use bytes::Bytes;
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::sync::Mutex;
use tokio::sync::Notify;

/// One pending delivery.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub seq: u64,
    pub subscription_id: String,
    pub package_id: u64,
    pub status: String,
    pub body: Bytes,
    pub due_ms: i64,
    pub attempts: u32,
    pub duplicate: bool,
}

#[derive(Debug, Default)]
struct DispatchState {
    next_seq: u64,
    pending: Vec<Delivery>,
    attempts: VecDeque<Value>,
}

/// The delivery queue (not persisted: pending deliveries die with the process, as a crash of
/// Trendyol's sender would lose them — polling is the backstop).
#[derive(Debug, Default)]
pub struct Dispatcher {
    state: Mutex<DispatchState>,
    pub notify: Notify,
}

const ATTEMPT_LOG_CAP: usize = 10_000;

impl Dispatcher {
    /// Queues deliveries, applying the duplicate / reorder faults.
    pub fn enqueue(&self, deliveries: Vec<Delivery>, faults: &FaultConfig, rng: &mut Prng) {
        {
            let mut st = lock(&self.state);
            for mut d in deliveries {
                st.next_seq += 1;
                d.seq = st.next_seq;
                if rng.chance(faults.webhook_reorder_share) {
                    d.due_ms += faults.webhook_reorder_delay_ms as i64;
                }
                let dup = rng.chance(faults.webhook_duplicate_share);
                if dup {
                    let mut copy = d.clone();
                    st.next_seq += 1;
                    copy.seq = st.next_seq;
                    copy.duplicate = true;
                    st.pending.push(d);
                    st.pending.push(copy);
                } else {
                    st.pending.push(d);
                }
            }
        }
        self.notify.notify_one();
    }

    pub fn clear(&self) {
        *lock(&self.state) = DispatchState::default();
    }

    pub(crate) fn take_due(&self, now: i64) -> Vec<Delivery> {
        let mut st = lock(&self.state);
        if st.pending.is_empty() {
            return vec![];
        }
        let (mut due, later): (Vec<_>, Vec<_>) = std::mem::take(&mut st.pending)
            .into_iter()
            .partition(|d| d.due_ms <= now);
        st.pending = later;
        due.sort_by_key(|d| (d.due_ms, d.seq));
        due
    }

    pub(crate) fn reschedule(&self, d: Delivery) {
        lock(&self.state).pending.push(d);
    }

    pub(crate) fn drop_subscription(&self, sub: &str) {
        lock(&self.state)
            .pending
            .retain(|d| d.subscription_id != sub);
    }

    pub(crate) fn record(&self, v: Value) {
        let mut st = lock(&self.state);
        if st.attempts.len() >= ATTEMPT_LOG_CAP {
            st.attempts.pop_front();
        }
        st.attempts.push_back(v);
    }

    /// Delivery attempts so far (oldest first) and the number still pending.
    pub fn report(&self) -> Value {
        let st = lock(&self.state);
        json!({
            "pending": st.pending.len(),
            "attempts": st.attempts.iter().cloned().collect::<Vec<_>>(),
        })
    }
}
