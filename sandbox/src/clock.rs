//! The sandbox clock: real time plus an offset that control calls can advance.
//!
//! Trendyol's rules are about time — batch results vanish after 4 h, an identical price/stock
//! body is refused for 15 min, review takes a while. Tests cannot wait for that, so every
//! time-based rule reads this clock, and `POST /__sandbox/clock/advance` moves it forward.
//! Rate-limit windows read it too, so advancing also opens a fresh window.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Debug, Default)]
pub struct Clock {
    offset_ms: AtomicI64,
}

impl Clock {
    pub fn new() -> Self {
        Clock::default()
    }

    /// Real UTC epoch ms (without the offset).
    pub fn real_now_ms() -> i64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0)
    }

    /// Sandbox time: UTC epoch ms plus the offset.
    pub fn now_ms(&self) -> i64 {
        Self::real_now_ms() + self.offset_ms.load(Ordering::Relaxed)
    }

    pub fn offset_ms(&self) -> i64 {
        self.offset_ms.load(Ordering::Relaxed)
    }

    pub fn set_offset_ms(&self, ms: i64) {
        self.offset_ms.store(ms, Ordering::Relaxed);
    }

    /// Moves the clock forward (a negative value is ignored: time does not run back).
    pub fn advance_ms(&self, ms: i64) -> i64 {
        if ms > 0 {
            self.offset_ms.fetch_add(ms, Ordering::Relaxed);
        }
        self.now_ms()
    }
}
