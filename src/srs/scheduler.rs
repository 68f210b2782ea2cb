//! Card states and steps around the memory model: what a rating does to a card.
//! The control flow is py-fsrs 6.3.2's `Scheduler.review_card`.

use super::fuzz::fuzzed_interval;
use super::memory::Model;
use super::params::Params;
use super::{CardState, Memory, Rating, State, Timestamp};

const MS_PER_SECOND: i64 = 1000;
pub(crate) const MS_PER_DAY: i64 = 86_400_000;

/// Whole 24-hour periods from `since` to `now`, rounded down (Python's `timedelta.days`):
/// 23h59m59s is 0 days, a review one second *before* `since` is -1.
pub(crate) fn whole_days(since: Timestamp, now: Timestamp) -> i64 {
    now.0.saturating_sub(since.0).div_euclid(MS_PER_DAY)
}

/// How long until the card is due again.
enum Interval {
    /// A (re)learning step, in milliseconds.
    Step(i64),
    /// The FSRS interval in whole days for the new stability (fuzzed if enabled).
    Fsrs,
}

/// The card's next state and interval.
struct Next {
    state: State,
    step: Option<u32>,
    interval: Interval,
}

impl CardState {
    /// A card never reviewed: Learning step 0, no memory, due `now`.
    pub fn new(now: Timestamp) -> CardState {
        CardState {
            state: State::Learning,
            step: Some(0),
            memory: None,
            due: now,
            last_review: None,
        }
    }
}

/// The card after answering it with `rating` at `now`. `fuzz_seed` (see `fuzz_seed()`)
/// picks the fuzz when `params.enable_fuzz`; `params` must pass `Params::validate`.
///
/// A card with no memory gets FSRS's first-rating memory whatever its state says; py-fsrs
/// only allows that for Learning cards. A (re)learning card with no step is at step 0.
pub fn review(
    params: &Params,
    card: &CardState,
    rating: Rating,
    now: Timestamp,
    fuzz_seed: u64,
) -> CardState {
    let model = Model::new(params);
    let memory = next_memory(&model, card, rating, now);
    let next = match card.state {
        State::Learning => through_steps(&params.learning_steps, card, rating),
        State::Relearning => through_steps(&params.relearning_steps, card, rating),
        State::Review => from_review(params, rating),
    };
    let days_or_step = match next.interval {
        Interval::Step(ms) => ms,
        Interval::Fsrs => {
            let days = model.interval_days(
                memory.stability,
                params.desired_retention,
                params.maximum_interval,
            );
            let days = if params.enable_fuzz {
                fuzzed_interval(days, params.maximum_interval, fuzz_seed)
            } else {
                days
            };
            i64::from(days) * MS_PER_DAY
        }
    };
    CardState {
        state: next.state,
        step: next.step,
        memory: Some(memory),
        due: Timestamp(now.0.saturating_add(days_or_step)),
        last_review: Some(now),
    }
}

/// The four possible next states, indexed by `rating as usize - 1`, for the answer keys'
/// labels. Each is exactly what `review` would return with the same seed.
pub fn preview(
    params: &Params,
    card: &CardState,
    now: Timestamp,
    fuzz_seed: u64,
) -> [CardState; 4] {
    Rating::ALL.map(|rating| review(params, card, rating, now, fuzz_seed))
}

/// Probability of recalling the card at `now`, counting whole days since its last review
/// as py-fsrs does (so it stays at 1.0 for the first 24 hours). `None` before the first
/// review.
pub fn retrievability(params: &Params, card: &CardState, now: Timestamp) -> Option<f64> {
    let memory = card.memory?;
    let last_review = card.last_review?;
    let elapsed = whole_days(last_review, now).max(0);
    Some(Model::new(params).retrievability(elapsed, memory.stability))
}

fn next_memory(model: &Model, card: &CardState, rating: Rating, now: Timestamp) -> Memory {
    let Some(memory) = card.memory else {
        return Memory {
            stability: model.initial_stability(rating),
            difficulty: model.initial_difficulty(rating, true),
        };
    };
    let elapsed = card.last_review.map(|last| whole_days(last, now));
    let stability = match elapsed {
        Some(days) if days < 1 => model.short_term_stability(memory.stability, rating),
        // With no last review py-fsrs takes retrievability as 0.
        _ => {
            let r = elapsed.map_or(0.0, |days| {
                model.retrievability(days.max(0), memory.stability)
            });
            model.next_stability(memory.difficulty, memory.stability, r, rating)
        }
    };
    Memory {
        stability,
        difficulty: model.next_difficulty(memory.difficulty, rating),
    }
}

/// Learning and Relearning: walk `steps` (seconds). `step` may be past the end when the
/// steps were shortened since the card was last seen; any pass then graduates.
fn through_steps(steps: &[i64], card: &CardState, rating: Rating) -> Next {
    let step = card.step.unwrap_or(0) as usize;
    let graduate = Next {
        state: State::Review,
        step: None,
        interval: Interval::Fsrs,
    };
    if steps.is_empty() || (step >= steps.len() && rating != Rating::Again) {
        return graduate;
    }
    let in_steps = |state_step: usize, ms: i64| Next {
        state: card.state,
        step: Some(state_step as u32),
        interval: Interval::Step(ms),
    };
    let seconds = |s: i64| s.saturating_mul(MS_PER_SECOND);
    match rating {
        Rating::Again => in_steps(0, seconds(steps[0])),
        Rating::Hard => {
            // Milliseconds are exact here: steps are whole seconds, so 1.5x and the mean of
            // two steps are multiples of 500 ms (py-fsrs computes them in microseconds).
            let ms = match (step, steps.len()) {
                (0, 1) => steps[0].saturating_mul(1500),
                (0, _) => steps[0].saturating_add(steps[1]).saturating_mul(500),
                _ => seconds(steps[step]),
            };
            in_steps(step, ms)
        }
        Rating::Good if step + 1 == steps.len() => graduate,
        Rating::Good => in_steps(step + 1, seconds(steps[step + 1])),
        Rating::Easy => graduate,
    }
}

/// Review: a pass gets the FSRS interval; Again goes to relearning step 0, or stays in
/// Review with the post-lapse interval when there are no relearning steps.
fn from_review(params: &Params, rating: Rating) -> Next {
    match params.relearning_steps.first() {
        Some(&first) if rating == Rating::Again => Next {
            state: State::Relearning,
            step: Some(0),
            interval: Interval::Step(first.saturating_mul(MS_PER_SECOND)),
        },
        _ => Next {
            state: State::Review,
            step: None,
            interval: Interval::Fsrs,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::srs::format_interval;

    const T0: Timestamp = Timestamp(1_704_067_200_000); // 2024-01-01T00:00:00Z

    fn plain() -> Params {
        Params {
            enable_fuzz: false,
            ..Params::default()
        }
    }

    #[test]
    fn new_card_keys_read_like_anki() {
        let labels: Vec<String> = preview(&plain(), &CardState::new(T0), T0, 0)
            .iter()
            .map(|next| format_interval(next.due.0 - T0.0))
            .collect();
        assert_eq!(labels, ["1m", "6m", "10m", "8d"]);
    }

    #[test]
    fn good_twice_graduates_from_default_steps() {
        let params = plain();
        let first = review(&params, &CardState::new(T0), Rating::Good, T0, 0);
        assert_eq!((first.state, first.step), (State::Learning, Some(1)));
        let second = review(&params, &first, Rating::Good, first.due, 0);
        assert_eq!((second.state, second.step), (State::Review, None));
        assert_eq!(second.due.0 - first.due.0, 2 * MS_PER_DAY);
    }

    #[test]
    fn lapse_goes_to_relearning_or_stays_in_review_without_steps() {
        let params = plain();
        let mut card = CardState::new(T0);
        for _ in 0..3 {
            card = review(&params, &card, Rating::Good, card.due, 0);
        }
        assert_eq!(card.state, State::Review);
        let lapsed = review(&params, &card, Rating::Again, card.due, 0);
        assert_eq!((lapsed.state, lapsed.step), (State::Relearning, Some(0)));
        assert_eq!(lapsed.due.0 - card.due.0, 600_000);

        let no_relearning = Params {
            relearning_steps: vec![],
            ..plain()
        };
        let lapsed = review(&no_relearning, &card, Rating::Again, card.due, 0);
        assert_eq!((lapsed.state, lapsed.step), (State::Review, None));
        assert_eq!((lapsed.due.0 - card.due.0) % MS_PER_DAY, 0);
    }

    #[test]
    fn whole_days_floor_like_python_timedelta() {
        assert_eq!(whole_days(T0, Timestamp(T0.0 + MS_PER_DAY - 1)), 0);
        assert_eq!(whole_days(T0, Timestamp(T0.0 + MS_PER_DAY)), 1);
        assert_eq!(whole_days(T0, Timestamp(T0.0 - 1)), -1);
    }

    #[test]
    fn a_review_card_without_memory_starts_its_memory() {
        let card = CardState {
            state: State::Review,
            step: None,
            memory: None,
            due: T0,
            last_review: None,
        };
        let next = review(&plain(), &card, Rating::Good, T0, 0);
        let memory = next.memory.unwrap();
        assert_eq!(memory.stability, DEFAULT_STABILITY_GOOD);
        assert_eq!(next.state, State::Review);
    }

    const DEFAULT_STABILITY_GOOD: f64 = 2.3065;

    #[test]
    fn retrievability_needs_a_review() {
        let params = plain();
        let new = CardState::new(T0);
        assert_eq!(retrievability(&params, &new, T0), None);
        let reviewed = review(&params, &new, Rating::Good, T0, 0);
        assert_eq!(retrievability(&params, &reviewed, T0), Some(1.0));
        let later = Timestamp(T0.0 + 3 * MS_PER_DAY);
        let r = retrievability(&params, &reviewed, later).unwrap();
        assert!(r < 1.0 && r > 0.8, "{r}");
    }
}
