//! The sandbox's seeded random choices, on the workspace's one SplitMix64
//! ([`trendyol_wire::rng`]).
//!
//! Every random choice the sandbox makes — generated orders, approve/reject decisions, fault
//! draws — comes from one of these, seeded from `--seed`, so a run can be replayed. It is
//! serializable (one `u64`) so a saved state resumes the same sequence; it is not for secrets.

use serde::{Deserialize, Serialize};
use trendyol_wire::rng::SplitMix64;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Prng {
    inner: SplitMix64,
}

impl Prng {
    pub fn new(seed: u64) -> Self {
        Prng {
            inner: SplitMix64::new(seed),
        }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.inner.next_u64()
    }

    /// Uniform in `[0, 1)`.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p` (`p ≤ 0` never draws; `p ≥ 1` always hits).
    pub fn chance(&mut self, p: f64) -> bool {
        if p <= 0.0 {
            // Still advance, so that turning one knob does not shift every later draw.
            self.next_u64();
            return false;
        }
        self.next_f64() < p
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return lo;
        }
        lo + self.next_u64() % (hi - lo + 1)
    }

    /// A uniformly chosen element.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        if items.is_empty() {
            None
        } else {
            let i = self.range(0, items.len() as u64 - 1) as usize;
            items.get(i)
        }
    }

    /// A random (version 4 layout) UUID string, as Trendyol uses for batch ids.
    pub fn uuid(&mut self) -> String {
        let a = self.next_u64();
        let b = self.next_u64();
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            ((b >> 48) & 0x3fff) | 0x8000,
            b & 0xffff_ffff_ffff
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence() {
        let mut a = Prng::new(7);
        let mut b = Prng::new(7);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
        assert_eq!(a.uuid().len(), 36);
        assert!(a.range(3, 5) >= 3);
    }
}
