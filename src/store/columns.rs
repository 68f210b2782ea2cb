//! Encoding scheduler values as SQLite columns, and back.

use rusqlite::Row;
use rusqlite::types::Type;

use crate::srs::{CardState, Memory, Rating, State, Timestamp};

pub fn state_code(state: State) -> i64 {
    state as i64
}

pub fn state_from(code: i64, column: usize) -> rusqlite::Result<State> {
    match code {
        1 => Ok(State::Learning),
        2 => Ok(State::Review),
        3 => Ok(State::Relearning),
        other => Err(bad_value(column, format!("card state {other}"))),
    }
}

pub fn rating_code(rating: Rating) -> i64 {
    rating as i64
}

pub fn rating_from(code: i64, column: usize) -> rusqlite::Result<Rating> {
    match code {
        1 => Ok(Rating::Again),
        2 => Ok(Rating::Hard),
        3 => Ok(Rating::Good),
        4 => Ok(Rating::Easy),
        other => Err(bad_value(column, format!("rating {other}"))),
    }
}

fn bad_value(column: usize, what: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        column,
        Type::Integer,
        format!("unknown {what}").into(),
    )
}

/// The six columns of a `CardState`, in this order:
/// state, step, stability, difficulty, due, last_review.
pub struct StateColumns {
    pub state: i64,
    pub step: Option<i64>,
    pub stability: Option<f64>,
    pub difficulty: Option<f64>,
    pub due: i64,
    pub last_review: Option<i64>,
}

impl StateColumns {
    pub fn of(card: &CardState) -> StateColumns {
        StateColumns {
            state: state_code(card.state),
            step: card.step.map(i64::from),
            stability: card.memory.map(|m| m.stability),
            difficulty: card.memory.map(|m| m.difficulty),
            due: card.due.0,
            last_review: card.last_review.map(|t| t.0),
        }
    }
}

/// Read a `CardState` from six consecutive columns starting at `first`.
pub fn read_state(row: &Row<'_>, first: usize) -> rusqlite::Result<CardState> {
    let state = state_from(row.get(first)?, first)?;
    let step: Option<u32> = row.get(first + 1)?;
    let stability: Option<f64> = row.get(first + 2)?;
    let difficulty: Option<f64> = row.get(first + 3)?;
    let memory = match (stability, difficulty) {
        (Some(stability), Some(difficulty)) => Some(Memory {
            stability,
            difficulty,
        }),
        _ => None,
    };
    Ok(CardState {
        state,
        step,
        memory,
        due: Timestamp(row.get(first + 4)?),
        last_review: row.get::<_, Option<i64>>(first + 5)?.map(Timestamp),
    })
}
