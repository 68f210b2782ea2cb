//! A small, seedable pseudo-random generator shared by the pure cores.
//!
//! Why our own: every simulator run, fuzzed interval and generated scenario must be
//! reproducible from its seed *forever*, across crate upgrades. General-purpose RNG crates
//! do not promise a stable stream between versions; SplitMix64 is twenty lines and fixed.

/// SplitMix64 (Steele, Lea, Flood 2014). Passes BigCrush; one u64 of state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// A generator for one purpose derived from a seed and a label, so that independent
    /// streams (per node timeouts, network drops, ...) do not share draws.
    pub fn derive(seed: u64, label: &str) -> Self {
        let mut h = SplitMix64::new(seed);
        let mut state = h.next_u64();
        for byte in label.bytes() {
            state = SplitMix64::new(state ^ u64::from(byte)).next_u64();
        }
        Self { state }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 53 bits of precision.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform integer in `[low, high)`; `low` when the range is empty.
    /// Uses Lemire's multiply-shift with rejection, so there is no modulo bias.
    pub fn range(&mut self, low: u64, high: u64) -> u64 {
        if high <= low {
            return low;
        }
        let span = high - low;
        let threshold = span.wrapping_neg() % span;
        loop {
            let product = u128::from(self.next_u64()) * u128::from(span);
            if (product as u64) >= threshold {
                return low + (product >> 64) as u64;
            }
        }
    }

    /// True with probability `p` (clamped to [0, 1]).
    pub fn chance(&mut self, p: f64) -> bool {
        self.next_f64() < p.clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_is_pinned() {
        // Reference values of SplitMix64 for seed 1234567: if these change, every stored
        // seed in every user's history would replay differently.
        let mut rng = SplitMix64::new(1234567);
        assert_eq!(rng.next_u64(), 6457827717110365317);
        assert_eq!(rng.next_u64(), 3203168211198807973);
    }

    #[test]
    fn range_stays_in_bounds_and_covers_it() {
        let mut rng = SplitMix64::new(9);
        let mut seen = [false; 7];
        for _ in 0..1000 {
            let v = rng.range(3, 10);
            assert!((3..10).contains(&v));
            seen[(v - 3) as usize] = true;
        }
        assert!(seen.iter().all(|s| *s));
        assert_eq!(rng.range(5, 5), 5);
    }

    #[test]
    fn derived_streams_differ() {
        let a = SplitMix64::derive(7, "timeouts").next_u64();
        let b = SplitMix64::derive(7, "network").next_u64();
        assert_ne!(a, b);
    }
}
