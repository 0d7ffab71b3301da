//! What a 429 does to the shop's limiter: a cooldown for the endpoint, shop-wide.
//!
//! Trendyol does not document `Retry-After`; when a 429 carries it, it wins. Otherwise the
//! cooldown grows with each strike — 10 s, 20 s, 40 s… up to a cap — with jitter on top, so
//! several hosts that were refused together do not come back together. Strikes decay after a
//! quiet period. 429s that arrive while a cooldown is already running (requests that were in
//! flight when the first one was refused) are the same event and add no strike.

use std::time::Duration;

/// Tuning of the 429 response.
#[derive(Debug, Clone, PartialEq)]
pub struct CooldownPolicy {
    /// First cooldown without `Retry-After` (reference: at least 10 s).
    pub base: Duration,
    /// Longest cooldown.
    pub max: Duration,
    /// Strikes are forgotten after this long without a 429.
    pub decay: Duration,
    /// After a 429 the in-process rate of the class is multiplied by this (each strike again)...
    pub slow_factor: f64,
    /// ...and restored after this long without a 429.
    pub slow_for: Duration,
    /// A hard bound on the grown cooldown (jitter included), set per call from the time the
    /// caller has left (see [`CooldownPolicy::within`]); `None`: `max` plus jitter.
    pub cap: Option<Duration>,
}

impl Default for CooldownPolicy {
    fn default() -> Self {
        CooldownPolicy {
            base: Duration::from_secs(10),
            max: Duration::from_secs(300),
            decay: Duration::from_secs(300),
            slow_factor: 0.5,
            slow_for: Duration::from_secs(60),
            cap: None,
        }
    }
}

/// The penalty state kept beside a bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PenaltyState {
    pub cooldown_until_us: i64,
    pub strikes: u32,
    pub last_429_us: i64,
}

impl CooldownPolicy {
    /// Applies one 429 at `now_us`; `unit` is a uniform draw in [0, 1) for the jitter.
    /// Returns the new state; its `cooldown_until_us` never moves backwards.
    pub fn apply(
        &self,
        state: PenaltyState,
        now_us: i64,
        retry_after: Option<Duration>,
        unit: f64,
    ) -> PenaltyState {
        self.apply_capped(state, now_us, retry_after, unit, self.cap)
    }

    /// This policy with its grown cooldown held to `cap` (never below `base`).
    pub fn within(&self, cap: Duration) -> CooldownPolicy {
        CooldownPolicy {
            cap: Some(cap),
            ..self.clone()
        }
    }

    /// [`apply`](Self::apply) with the grown cooldown (no `Retry-After`) held to `cap` — never
    /// below `base`. A run that has a minute left gains nothing from a pause of a minute and a
    /// half: it would only end failed instead of stopping and resuming next time.
    pub fn apply_capped(
        &self,
        state: PenaltyState,
        now_us: i64,
        retry_after: Option<Duration>,
        unit: f64,
        cap: Option<Duration>,
    ) -> PenaltyState {
        let max = cap.map_or(self.max, |c| c.clamp(self.base, self.max));
        let cooling = now_us < state.cooldown_until_us;
        let decayed = now_us - state.last_429_us > self.decay.as_micros() as i64;
        let strikes = match (cooling, decayed) {
            (true, _) => state.strikes.max(1),
            (false, true) => 1,
            (false, false) => state.strikes.saturating_add(1),
        };
        let cooldown_us = match retry_after {
            Some(d) => d.as_micros() as i64,
            None if cooling => 0,
            None => {
                let base = self.base.as_micros() as f64;
                let grown = base * 2f64.powi(strikes.saturating_sub(1).min(30) as i32);
                let jittered =
                    grown.min(max.as_micros() as f64) * (1.0 + 0.5 * unit.clamp(0.0, 1.0));
                if cap.is_some() {
                    jittered.min(max.as_micros() as f64) as i64
                } else {
                    jittered as i64
                }
            }
        };
        PenaltyState {
            cooldown_until_us: state.cooldown_until_us.max(now_us + cooldown_us),
            strikes,
            last_429_us: now_us,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exponential_with_jitter_capped_and_decaying() {
        let p = CooldownPolicy::default();
        let s1 = p.apply(PenaltyState::default(), 1_000_000_000, None, 0.0);
        assert_eq!(s1.strikes, 1);
        assert_eq!(s1.cooldown_until_us, 1_000_000_000 + 10_000_000);
        // A 429 during the cooldown is the same event.
        let same = p.apply(s1, 1_000_000_000 + 1_000_000, None, 0.9);
        assert_eq!(same.strikes, 1);
        assert_eq!(same.cooldown_until_us, s1.cooldown_until_us);
        // After it: the next strike doubles, with jitter up to +50 %.
        let t = s1.cooldown_until_us + 1;
        let s2 = p.apply(s1, t, None, 0.99);
        assert_eq!(s2.strikes, 2);
        assert!(s2.cooldown_until_us - t >= 20_000_000 && s2.cooldown_until_us - t < 30_000_000);
        // Capped.
        let many = PenaltyState { strikes: 40, ..s2 };
        let t = s2.cooldown_until_us + 1;
        let capped = p.apply(many, t, None, 0.0);
        assert_eq!(capped.cooldown_until_us - t, 300_000_000);
        // Decayed after a quiet period.
        let later = t + 301_000_000 + 300_000_000;
        assert_eq!(p.apply(capped, later, None, 0.0).strikes, 1);
    }

    #[test]
    fn a_cap_holds_the_grown_pause_but_not_below_base() {
        let p = CooldownPolicy::default();
        let many = PenaltyState {
            strikes: 3,
            last_429_us: 0,
            cooldown_until_us: 0,
        };
        let t = 1_000_000;
        let capped = p.apply_capped(many, t, None, 0.99, Some(Duration::from_secs(20)));
        assert_eq!(capped.cooldown_until_us - t, 20_000_000);
        let floor = p.apply_capped(many, t, None, 0.0, Some(Duration::from_secs(1)));
        assert_eq!(floor.cooldown_until_us - t, 10_000_000);
        let open = p.apply(many, t, None, 0.99);
        assert!(open.cooldown_until_us - t > 80_000_000);
    }

    #[test]
    fn retry_after_wins() {
        let p = CooldownPolicy::default();
        let s = p.apply(
            PenaltyState::default(),
            0,
            Some(Duration::from_secs(3)),
            0.5,
        );
        assert_eq!(s.cooldown_until_us, 3_000_000);
    }
}
