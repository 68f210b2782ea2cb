//! FSRS-6 scheduling, pure: (state, rating, now, parameters) -> next state.
//! Time is an argument; nothing here reads the clock.
//!
//! The reference is py-fsrs 6.3.2 with fuzz off: `tests/srs_reference.rs` replays sequences
//! it generated (`scripts/fsrs_reference.py`) and agrees on every state, step, due time and
//! interval, and on stability and difficulty to 1e-9 relative (in practice bit for bit).
//!
//! Where the three FSRS implementations differ, and what we do:
//!
//! | question | py-fsrs 6.3.2 (followed) | fsrs-rs 6.x | Anki |
//! |---|---|---|---|
//! | elapsed days | whole 24-hour periods since the last review, rounded down | whatever the caller passes | calendar days, with the day starting at 4 AM |
//! | same-day review | less than 24 hours since the last review | elapsed days = 0 | same calendar day |
//! | interval rounding | Python `round`: half to even | not rounded (f32 days) | half away from zero, after fuzz |
//! | arithmetic | f64 | f32 | f32 |
//! | stability range | at least 0.001, no upper limit | clamped to [0.001, 36500] | as fsrs-rs |
//! | Hard on the only learning step | 1.5 x the step | no steps | 1.5 x the step, at most one day more |
//! | Hard < Good < Easy intervals | not enforced | not enforced | enforced (each at least one day more) |
//! | fuzz range | integer interval +- delta, low end at least 2 | none | unrounded interval +- delta, low end at least 1 |
//! | fuzz draw | `round(random() * (n + 1) + min)`: ends half as likely, can exceed the range by one | none | uniform over the range |
//! | retrievability shown | whole days (1.0 for the first 24 hours) | whole days or seconds, the caller's choice | seconds since the last review |
//! | mean reversion | `w7 D0(4) + (1 - w7) D''` | `w7 (D0(4) - D'') + D''` (same value, other rounding) | as fsrs-rs |
//!
//! Our fuzz draw is uniform over py-fsrs's range (see `fuzz`), seeded by (card id, review
//! count) rather than global randomness, so a review replays identically.

mod format;
mod fuzz;
mod memory;
mod params;
mod scheduler;

pub use format::format_interval;
pub use fuzz::{fuzz_range, fuzz_seed};
pub use memory::{DIFFICULTY_MAX, DIFFICULTY_MIN, STABILITY_MIN};
pub use params::{DEFAULT_WEIGHTS, Params, ParamsError, WEIGHT_BOUNDS};
pub use scheduler::{preview, retrievability, review};

use serde::{Deserialize, Serialize};

/// Milliseconds since the Unix epoch, UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Timestamp(pub i64);

/// The four answer buttons, numbered as in Anki and py-fsrs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Rating {
    Again = 1,
    Hard = 2,
    Good = 3,
    Easy = 4,
}

impl Rating {
    /// All four, in key order (1..=4).
    pub const ALL: [Rating; 4] = [Rating::Again, Rating::Hard, Rating::Good, Rating::Easy];
}

impl TryFrom<u8> for Rating {
    type Error = u8;

    /// 1..=4 as stored in a review log; the offending number otherwise.
    fn try_from(value: u8) -> Result<Self, u8> {
        match value {
            1 => Ok(Rating::Again),
            2 => Ok(Rating::Hard),
            3 => Ok(Rating::Good),
            4 => Ok(Rating::Easy),
            other => Err(other),
        }
    }
}

/// py-fsrs card states; a never-reviewed card is `Learning` at step 0 with no memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum State {
    Learning = 1,
    Review = 2,
    Relearning = 3,
}

impl TryFrom<u8> for State {
    type Error = u8;

    /// 1..=3 (py-fsrs numbering); the offending number otherwise.
    fn try_from(value: u8) -> Result<Self, u8> {
        match value {
            1 => Ok(State::Learning),
            2 => Ok(State::Review),
            3 => Ok(State::Relearning),
            other => Err(other),
        }
    }
}

/// FSRS memory state.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Memory {
    pub stability: f64,
    pub difficulty: f64,
}

/// Everything the scheduler needs to know about one card (py-fsrs `Card` minus its id).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct CardState {
    pub state: State,
    /// Current learning or relearning step; `None` in Review.
    pub step: Option<u32>,
    /// `None` until the first review.
    pub memory: Option<Memory>,
    pub due: Timestamp,
    pub last_review: Option<Timestamp>,
}
