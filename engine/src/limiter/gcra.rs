//! GCRA (the generic cell rate algorithm) over several buckets at once, as pure arithmetic.
//!
//! A bucket admits one request per emission interval `T` and tolerates arrivals up to `τ`
//! early. Its whole state is one instant, the theoretical arrival time (TAT), which is what
//! makes it cheap to share through one database row. Any `n` requests a bucket admits span at
//! least `(n − 1)·T − τ`, so a limit of `L` requests per window `W` holds in *every* window —
//! sliding or fixed, as Trendyol counts — when `L·T − τ ≥ W`. [`BucketSpec::for_rule`] runs a
//! little under the limit (`T = W / (L·f)`, `f` = 0.98 by default) and spends half of the slack
//! on `τ`; the other half, about 1 % of the window (100 ms of a 10 s window), absorbs network
//! jitter between the moment a slot is granted and the moment Trendyol counts the request.
//!
//! A token bucket with burst = limit is *not* safe here: 50 at once followed by 5/s puts 51
//! requests in the first 10 s.
//!
//! Requests *reserve* a slot: when every bucket allows a request at instant `s ≥ now`, each TAT
//! moves to `max(TAT, s) + T` and the caller sleeps until `s`. Reservations are bounded by a
//! horizon so a process that dies after reserving wastes at most a horizon's worth of slots.

/// One bucket's constants, in microseconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketSpec {
    /// Row key, e.g. `1001:ep:order.list`.
    pub key: String,
    /// Emission interval `T`.
    pub interval_us: i64,
    /// Burst tolerance `τ`.
    pub tolerance_us: i64,
    /// How late a granted request may reach Trendyol without any window seeing one request too
    /// many (`L·T − τ − W`); unbounded for a bucket without a limit.
    pub slack_us: i64,
}

impl BucketSpec {
    /// The spec that keeps `limit` requests per `window_us` in every window, running at
    /// `safety` (0 < safety ≤ 1) of the limit.
    pub fn for_rule(key: impl Into<String>, limit: u32, window_us: i64, safety: f64) -> BucketSpec {
        let limit = f64::from(limit.max(1));
        let safety = safety.clamp(0.5, 1.0);
        let window = window_us.max(1) as f64;
        let interval = window / (limit * safety);
        let slack = limit * interval - window;
        let interval_us = interval.ceil() as i64;
        let tolerance_us = (slack / 2.0).floor().max(0.0) as i64;
        BucketSpec {
            key: key.into(),
            interval_us,
            tolerance_us,
            slack_us: (limit as i64 * interval_us - tolerance_us - window_us).max(0),
        }
    }
}

/// One bucket's shared state, in microseconds of the clock that decides (the database's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BucketState {
    pub tat_us: i64,
    /// No request before this instant (set after a 429).
    pub cooldown_until_us: i64,
}

/// What one attempt at a reservation decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// A slot `wait_us` from now is reserved; the states to write back follow, in spec order.
    Reserved {
        wait_us: i64,
        states: Vec<BucketState>,
    },
    /// The earliest slot is `wait_us` away, beyond what the caller may reserve: nothing changed.
    NotYet { wait_us: i64 },
}

/// Decides a reservation for all `specs` together. `states[i]` belongs to `specs[i]`.
/// A slot is reserved only when it is at most `max_wait_us` away.
pub fn decide(
    now_us: i64,
    specs: &[BucketSpec],
    states: &[BucketState],
    max_wait_us: i64,
) -> Decision {
    debug_assert_eq!(specs.len(), states.len());
    let mut slot = now_us;
    for (spec, state) in specs.iter().zip(states) {
        slot = slot
            .max(state.tat_us - spec.tolerance_us)
            .max(state.cooldown_until_us);
    }
    let wait_us = slot - now_us;
    if wait_us > max_wait_us {
        return Decision::NotYet { wait_us };
    }
    let states = specs
        .iter()
        .zip(states)
        .map(|(spec, state)| BucketState {
            tat_us: state.tat_us.max(slot) + spec.interval_us,
            cooldown_until_us: state.cooldown_until_us,
        })
        .collect();
    Decision::Reserved { wait_us, states }
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: i64 = 10_000_000;

    /// Drives one bucket greedily (every caller takes the first slot offered) and returns the
    /// admitted instants.
    fn greedy(spec: &BucketSpec, until_us: i64) -> Vec<i64> {
        let mut state = BucketState::default();
        let mut now = 1_000_000;
        let mut out = Vec::new();
        while now < until_us {
            match decide(now, std::slice::from_ref(spec), &[state], i64::MAX) {
                Decision::Reserved { wait_us, states } => {
                    out.push(now + wait_us);
                    state = states[0];
                    now += wait_us;
                }
                Decision::NotYet { .. } => unreachable!(),
            }
        }
        out
    }

    fn max_in_any_window(times: &[i64], window: i64) -> usize {
        let mut best = 0;
        let mut j = 0;
        for i in 0..times.len() {
            while times[i] - times[j] >= window {
                j += 1;
            }
            best = best.max(i - j + 1);
        }
        best
    }

    #[test]
    fn fifty_per_ten_seconds_holds_in_every_sliding_window_with_margin() {
        let spec = BucketSpec::for_rule("k", 50, W, 0.98);
        assert!(
            50 * spec.interval_us - spec.tolerance_us >= W + 90_000,
            "{spec:?}"
        );
        let times = greedy(&spec, 121 * 1_000_000);
        assert!(max_in_any_window(&times, W) <= 50);
        // Even with every request delayed by up to the remaining margin, no window sees 51.
        let margin = 50 * spec.interval_us - spec.tolerance_us - W;
        let jittered: Vec<i64> = times
            .iter()
            .enumerate()
            .map(|(i, t)| if i % 2 == 0 { t + margin - 1 } else { *t })
            .collect();
        let mut sorted = jittered.clone();
        sorted.sort();
        assert!(max_in_any_window(&sorted, W) <= 50);
        // And it uses the limit: ≥ 97 % over two minutes.
        let per_window = times.len() as f64 / 12.0;
        assert!(per_window >= 48.5, "{per_window}");
    }

    #[test]
    fn several_buckets_take_the_latest_slot_and_all_advance() {
        let a = BucketSpec {
            key: "a".into(),
            interval_us: 100,
            tolerance_us: 0,
            slack_us: i64::MAX,
        };
        let b = BucketSpec {
            key: "b".into(),
            interval_us: 1000,
            tolerance_us: 0,
            slack_us: i64::MAX,
        };
        let states = [
            BucketState {
                tat_us: 50,
                cooldown_until_us: 0,
            },
            BucketState {
                tat_us: 700,
                cooldown_until_us: 0,
            },
        ];
        match decide(0, &[a.clone(), b.clone()], &states, 10_000) {
            Decision::Reserved { wait_us, states } => {
                assert_eq!(wait_us, 700);
                assert_eq!(states[0].tat_us, 800);
                assert_eq!(states[1].tat_us, 1700);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            decide(0, &[a, b], &states, 500),
            Decision::NotYet { wait_us: 700 }
        );
    }

    #[test]
    fn cooldown_pushes_the_slot() {
        let a = BucketSpec {
            key: "a".into(),
            interval_us: 100,
            tolerance_us: 0,
            slack_us: i64::MAX,
        };
        let s = [BucketState {
            tat_us: 0,
            cooldown_until_us: 5_000,
        }];
        assert_eq!(
            decide(1_000, &[a], &s, 1_000),
            Decision::NotYet { wait_us: 4_000 }
        );
    }
}
