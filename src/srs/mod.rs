//! FSRS-6 scheduling, pure: (state, rating, now, parameters) -> next state.
//! Time is an argument; nothing here reads the clock.

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

/// py-fsrs card states; a never-reviewed card is `Learning` at step 0 with no memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum State {
    Learning = 1,
    Review = 2,
    Relearning = 3,
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
