//! Interval fuzz: Review intervals of 3 days or more are spread over a small range so that
//! cards learned together do not stay due together forever.
//!
//! The range is py-fsrs 6.3.2's exactly. The draw is ours: a uniform integer in the range
//! from SplitMix64 seeded by (card id, review count), so a review replays identically
//! forever. py-fsrs draws `round(random() * (max - min + 1) + min)`, which gives the two
//! ends half the weight of the middle values and can return `max + 1`; Anki draws
//! `floor(min + f * (max - min + 1))`, a uniform integer like ours.

use crate::rng::SplitMix64;

/// One band of the fuzz: `factor` of the part of the interval in [start, end) days.
struct FuzzBand {
    start: f64,
    end: f64,
    factor: f64,
}

const FUZZ_BANDS: [FuzzBand; 3] = [
    FuzzBand {
        start: 2.5,
        end: 7.0,
        factor: 0.15,
    },
    FuzzBand {
        start: 7.0,
        end: 20.0,
        factor: 0.1,
    },
    FuzzBand {
        start: 20.0,
        end: f64::INFINITY,
        factor: 0.05,
    },
];

/// The inclusive range of days a Review interval of `interval_days` may be fuzzed to, or
/// `None` when it is too short to fuzz (under 2.5 days). Bounds: `min >= 2` (unless
/// `maximum_interval` is smaller), `max <= maximum_interval`, `min <= interval <= max`
/// whenever the interval itself is within the maximum.
pub fn fuzz_range(interval_days: u32, maximum_interval: u32) -> Option<(u32, u32)> {
    let days = f64::from(interval_days);
    if days < 2.5 {
        return None;
    }
    let mut delta = 1.0;
    for band in &FUZZ_BANDS {
        delta += band.factor * (days.min(band.end) - band.start).max(0.0);
    }
    // py-fsrs rounds the ends with Python's `round`: half to even.
    let low = (days - delta).round_ties_even() as u32;
    let high = (days + delta).round_ties_even() as u32;
    let high = high.min(maximum_interval);
    let low = low.max(2).min(high);
    Some((low, high))
}

/// `interval_days` fuzzed with the draw from `seed`; unchanged when too short to fuzz.
/// For one seed the result never decreases as `interval_days` grows (both ends of the
/// range are monotone and the same uniform fraction picks the position), so the four
/// rating previews of a card stay in order.
pub(crate) fn fuzzed_interval(interval_days: u32, maximum_interval: u32, seed: u64) -> u32 {
    match fuzz_range(interval_days, maximum_interval) {
        None => interval_days,
        Some((low, high)) => {
            let fraction = SplitMix64::new(seed).next_f64();
            let span = f64::from(high - low + 1);
            let offset = (fraction * span).floor() as u32;
            (low + offset).min(high)
        }
    }
}

/// The fuzz seed of a card's review: FNV-1a over the card id and the number of reviews the
/// card had before this one, finished by a SplitMix64 step so that neighbouring counts give
/// unrelated draws. Pinned by tests: stored histories replay only if this never changes.
pub fn fuzz_seed(card_id: &str, review_count: u32) -> u64 {
    const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash = FNV_OFFSET;
    // A 0xff separator cannot occur inside UTF-8, so ("ab", n) and ("a", ...) never collide
    // by moving bytes between the id and the count.
    let bytes = card_id
        .bytes()
        .chain([0xff])
        .chain(review_count.to_le_bytes());
    for byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(FNV_PRIME);
    }
    SplitMix64::new(hash).next_u64()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuzz_seed_is_frozen() {
        // Values computed independently (FNV-1a + SplitMix64 in Python). Changing them would
        // make every stored history replay to different due dates.
        assert_eq!(fuzz_seed("c110738a0d0ea95c", 0), 4926875316593653759);
        assert_eq!(fuzz_seed("raft-vote", 7), 11552521714806608237);
    }

    #[test]
    fn short_intervals_are_not_fuzzed() {
        assert_eq!(fuzz_range(1, 36500), None);
        assert_eq!(fuzz_range(2, 36500), None);
        assert_eq!(fuzzed_interval(2, 36500, 99), 2);
    }

    #[test]
    fn ranges_match_py_fsrs() {
        // Values computed with py-fsrs 6.3.2's `_get_fuzz_range`.
        assert_eq!(fuzz_range(3, 36500), Some((2, 4)));
        assert_eq!(fuzz_range(7, 36500), Some((5, 9)));
        assert_eq!(fuzz_range(17, 36500), Some((14, 20)));
        assert_eq!(fuzz_range(37, 36500), Some((33, 41)));
        assert_eq!(fuzz_range(100, 36500), Some((93, 107)));
        assert_eq!(fuzz_range(36500, 36500), Some((34673, 36500)));
        assert_eq!(fuzz_range(10, 8), Some((8, 8)));
        assert_eq!(fuzz_range(5, 1), Some((1, 1)));
    }

    #[test]
    fn seed_is_pinned() {
        assert_eq!(
            fuzz_seed("raft-leader-election", 0),
            fuzz_seed("raft-leader-election", 0)
        );
        assert_ne!(
            fuzz_seed("raft-leader-election", 0),
            fuzz_seed("raft-leader-election", 1)
        );
        assert_ne!(fuzz_seed("a", 0), fuzz_seed("b", 0));
    }

    #[test]
    fn draws_cover_the_whole_range() {
        let (low, high) = fuzz_range(30, 36500).unwrap();
        let mut seen = vec![false; (high - low + 1) as usize];
        for count in 0..2000 {
            let days = fuzzed_interval(30, 36500, fuzz_seed("card", count));
            assert!((low..=high).contains(&days));
            seen[(days - low) as usize] = true;
        }
        assert!(seen.iter().all(|s| *s), "{seen:?}");
    }
}
