//! Scheduler invariants over random settings and card histories.

use mdcards::srs::{
    CardState, DEFAULT_WEIGHTS, DIFFICULTY_MAX, DIFFICULTY_MIN, Params, Rating, STABILITY_MIN,
    State, Timestamp, WEIGHT_BOUNDS, fuzz_range, preview, retrievability, review,
};
use proptest::prelude::*;

const DAY: i64 = 86_400_000;
const START: i64 = 1_700_000_000_000;

fn rating() -> impl Strategy<Value = Rating> {
    prop::sample::select(Rating::ALL.to_vec())
}

/// Steps of up to a day, so that a relearning step never outlasts a one-day interval.
fn steps() -> impl Strategy<Value = Vec<i64>> {
    prop::collection::vec(1i64..=86_400, 0..4)
}

/// Weights anywhere in py-fsrs's bounds, or the defaults.
fn weights() -> impl Strategy<Value = [f64; 21]> {
    let scattered = prop::collection::vec(0.0f64..=1.0, 21).prop_map(|fractions| {
        let mut weights = DEFAULT_WEIGHTS;
        for (i, fraction) in fractions.into_iter().enumerate() {
            let (low, high) = WEIGHT_BOUNDS[i];
            weights[i] = low + (high - low) * fraction;
        }
        weights
    });
    prop_oneof![Just(DEFAULT_WEIGHTS), scattered]
}

fn params() -> impl Strategy<Value = Params> {
    (
        weights(),
        0.5f64..0.995,
        steps(),
        steps(),
        prop_oneof![Just(36500u32), 1u32..=400],
        any::<bool>(),
    )
        .prop_map(
            |(
                weights,
                desired_retention,
                learning_steps,
                relearning_steps,
                maximum_interval,
                enable_fuzz,
            )| Params {
                weights,
                desired_retention,
                learning_steps,
                relearning_steps,
                maximum_interval,
                enable_fuzz,
            },
        )
}

/// How long after (or before) the due time the next review happens.
fn delay() -> impl Strategy<Value = i64> {
    prop_oneof![
        Just(0i64),
        -DAY..DAY,
        0..30 * DAY,
        0..5 * 365 * DAY,
        Just(DAY),
        Just(DAY - 1000),
    ]
}

/// A card reached by reviewing a new card along a random history, and the time of the
/// next review (never before the last one).
fn history() -> impl Strategy<Value = (Params, CardState, Timestamp)> {
    (
        params(),
        prop::collection::vec((rating(), delay(), any::<u64>()), 0..25),
        delay(),
    )
        .prop_map(|(params, reviews, next_delay)| {
            let mut now = Timestamp(START);
            let mut card = CardState::new(now);
            for (rating, delay, seed) in reviews {
                now = later(&card, now, delay);
                card = review(&params, &card, rating, now, seed);
            }
            let next = later(&card, now, next_delay);
            (params, card, next)
        })
}

fn later(card: &CardState, last: Timestamp, delay: i64) -> Timestamp {
    Timestamp((card.due.0 + delay).max(last.0))
}

fn interval(card: &CardState, now: Timestamp) -> i64 {
    card.due.0 - now.0
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn params_from_the_strategy_are_valid((params, _, _) in history()) {
        prop_assert_eq!(params.validate(), Ok(()));
    }

    /// For a Review card a better rating never gives a shorter interval, fuzz or not
    /// (the four previews share one seed).
    #[test]
    fn review_intervals_grow_with_rating((params, card, now) in history(), seed in any::<u64>()) {
        prop_assume!(card.state == State::Review);
        let next = preview(&params, &card, now, seed);
        let intervals: Vec<i64> = next.iter().map(|c| interval(c, now)).collect();
        prop_assert!(intervals.windows(2).all(|w| w[0] <= w[1]), "{:?}", intervals);
    }

    #[test]
    fn due_is_never_before_now_and_never_past_the_maximum(
        (params, card, now) in history(),
        rating in rating(),
        seed in any::<u64>(),
    ) {
        let next = review(&params, &card, rating, now, seed);
        prop_assert!(next.due >= now, "due {:?} before now {:?}", next.due, now);
        prop_assert_eq!(next.last_review, Some(now));
        if next.state == State::Review {
            prop_assert!(next.step.is_none());
            let days = interval(&next, now);
            prop_assert_eq!(days % DAY, 0, "Review intervals are whole days");
            prop_assert!(days >= DAY);
            prop_assert!(days <= i64::from(params.maximum_interval) * DAY);
        } else {
            let step = next.step.expect("(re)learning cards have a step") as usize;
            let steps = if next.state == State::Learning { &params.learning_steps } else { &params.relearning_steps };
            prop_assert!(step < steps.len());
        }
    }

    #[test]
    fn memory_stays_in_range(
        (params, card, now) in history(),
        rating in rating(),
        seed in any::<u64>(),
    ) {
        let memory = review(&params, &card, rating, now, seed).memory.expect("reviewed");
        prop_assert!(memory.stability.is_finite() && memory.stability >= STABILITY_MIN, "{:?}", memory);
        prop_assert!((DIFFICULTY_MIN..=DIFFICULTY_MAX).contains(&memory.difficulty), "{:?}", memory);
    }

    /// Fuzz moves a Review interval only within `fuzz_range`, changes nothing else, and
    /// gives the same answer for the same seed.
    #[test]
    fn fuzz_stays_in_its_range_and_is_deterministic(
        (params, card, now) in history(),
        rating in rating(),
        seed in any::<u64>(),
    ) {
        let fuzzed_params = Params { enable_fuzz: true, ..params.clone() };
        let plain_params = Params { enable_fuzz: false, ..params };
        let fuzzed = review(&fuzzed_params, &card, rating, now, seed);
        let plain = review(&plain_params, &card, rating, now, seed);
        prop_assert_eq!(fuzzed, review(&fuzzed_params, &card, rating, now, seed));
        prop_assert_eq!(plain, review(&plain_params, &card, rating, now, seed ^ 1), "the seed matters only with fuzz");
        prop_assert_eq!(fuzzed.memory, plain.memory);
        prop_assert_eq!((fuzzed.state, fuzzed.step), (plain.state, plain.step));
        if plain.state == State::Review {
            let days = (interval(&plain, now) / DAY) as u32;
            let fuzzed_days = (interval(&fuzzed, now) / DAY) as u32;
            match fuzz_range(days, plain_params.maximum_interval) {
                None => prop_assert_eq!(fuzzed_days, days),
                Some((low, high)) => {
                    prop_assert!((low..=high).contains(&fuzzed_days), "{} not in {}..={}", fuzzed_days, low, high);
                    prop_assert!(low <= days && days <= high);
                    prop_assert!(low >= 2 && high <= plain_params.maximum_interval.max(2));
                }
            }
        } else {
            prop_assert_eq!(fuzzed.due, plain.due);
        }
    }

    #[test]
    fn preview_is_review_for_each_rating((params, card, now) in history(), seed in any::<u64>()) {
        let next = preview(&params, &card, now, seed);
        for rating in Rating::ALL {
            prop_assert_eq!(next[rating as usize - 1], review(&params, &card, rating, now, seed));
        }
    }

    #[test]
    fn retrievability_falls_with_time((params, card, now) in history(), later_days in 0i64..20_000) {
        match retrievability(&params, &card, now) {
            None => prop_assert!(card.memory.is_none()),
            Some(r) => {
                prop_assert!((0.0..=1.0).contains(&r), "{}", r);
                let later = retrievability(&params, &card, Timestamp(now.0 + later_days * DAY)).unwrap();
                prop_assert!(later <= r);
            }
        }
    }
}
