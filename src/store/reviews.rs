//! The review log: every answer is one transaction that appends a log row and updates the
//! card, committed before the next card is shown.

use rusqlite::{OptionalExtension, TransactionBehavior};

use super::Store;
use super::cards::{Sched, write_sched};
use super::columns::{StateColumns, rating_code, read_state};
use super::error::Error;
use crate::deck::CardId;
use crate::srs::{Rating, State, Timestamp};

/// What kind of card was answered, by its state before the answer (Anki's revlog type).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ReviewKind {
    New = 0,
    Learning = 1,
    Review = 2,
    Relearning = 3,
}

impl ReviewKind {
    pub fn of(sched: &Sched) -> ReviewKind {
        if sched.is_new() {
            return ReviewKind::New;
        }
        match sched.state.state {
            State::Learning => ReviewKind::Learning,
            State::Review => ReviewKind::Review,
            State::Relearning => ReviewKind::Relearning,
        }
    }
}

/// One answer to record.
#[derive(Clone, Debug, PartialEq)]
pub struct AnswerRecord {
    pub card_id: CardId,
    pub reviewed_at: Timestamp,
    pub rating: Rating,
    /// The schedule the session saw when it showed the card.
    pub before: Sched,
    pub after: Sched,
    /// From showing the card to the rating.
    pub duration_ms: i64,
}

/// What was written. `before`/`after` differ from the record's when another session
/// answered the same card in the meantime and the answer was rescheduled from its state.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RecordedAnswer {
    pub review_id: i64,
    pub before: Sched,
    pub after: Sched,
}

impl Store {
    /// Append the answer to the log and update the card, atomically.
    ///
    /// Inside the write transaction the card's schedule is read again; if another session
    /// changed it since this one loaded it, `reschedule` computes the answer from the fresh
    /// state instead, so neither session's review is lost or overwritten blindly.
    pub fn record_answer(
        &mut self,
        answer: &AnswerRecord,
        reschedule: impl FnOnce(&Sched) -> Sched,
    ) -> Result<RecordedAnswer, Error> {
        self.record_answer_with(answer, reschedule, |_, _| Ok(()))
    }

    /// [`Store::record_answer`], also running `also(tx, review_id)` inside its transaction
    /// (to log what belongs to the answer, such as typed scenario answers).
    pub(super) fn record_answer_with(
        &mut self,
        answer: &AnswerRecord,
        reschedule: impl FnOnce(&Sched) -> Sched,
        also: impl FnOnce(&rusqlite::Connection, i64) -> rusqlite::Result<()>,
    ) -> Result<RecordedAnswer, Error> {
        let path = self.path.clone();
        let sqlite = |e| Error::sqlite(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sqlite)?;
        let current = read_sched(&tx, &answer.card_id)
            .map_err(sqlite)?
            .ok_or_else(|| Error::Sqlite {
                path: path.clone(),
                source: rusqlite::Error::QueryReturnedNoRows,
            })?;
        let (before, after) = if current == answer.before {
            (answer.before, answer.after)
        } else {
            (current, reschedule(&current))
        };
        let review_id = insert_review(&tx, answer, &before, &after).map_err(sqlite)?;
        also(&tx, review_id).map_err(sqlite)?;
        write_sched(&tx, &answer.card_id, &after, answer.reviewed_at).map_err(sqlite)?;
        tx.commit().map_err(sqlite)?;
        Ok(RecordedAnswer {
            review_id,
            before,
            after,
        })
    }

    /// Take back an answer: delete its log row and restore the card's schedule.
    pub fn undo_answer(
        &mut self,
        review_id: i64,
        card_id: &CardId,
        restore: &Sched,
        now: Timestamp,
    ) -> Result<(), Error> {
        let path = self.path.clone();
        let sqlite = |e| Error::sqlite(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sqlite)?;
        tx.execute("DELETE FROM reviews WHERE id = ?", [review_id])
            .map_err(sqlite)?;
        write_sched(&tx, card_id, restore, now).map_err(sqlite)?;
        tx.commit().map_err(sqlite)
    }

    /// How many reviews the log holds for a card.
    pub fn review_count(&self, card_id: &CardId) -> Result<u32, Error> {
        self.conn
            .query_row(
                "SELECT count(*) FROM reviews WHERE card_id = ?",
                [card_id.as_str()],
                |row| row.get(0),
            )
            .map_err(|e| self.err(e))
    }

    /// How many reviews the log holds in all.
    pub fn total_reviews(&self) -> Result<u64, Error> {
        self.conn
            .query_row("SELECT count(*) FROM reviews", [], |row| {
                row.get::<_, i64>(0)
            })
            .map(|n| n as u64)
            .map_err(|e| self.err(e))
    }
}

fn read_sched(conn: &rusqlite::Connection, id: &CardId) -> rusqlite::Result<Option<Sched>> {
    conn.prepare_cached(
        "SELECT state, step, stability, difficulty, due, last_review, reps, lapses, suspended, \
         leech FROM cards WHERE id = ?",
    )?
    .query_row([id.as_str()], |row| {
        Ok(Sched {
            state: read_state(row, 0)?,
            reps: row.get(6)?,
            lapses: row.get(7)?,
            suspended: row.get(8)?,
            leech: row.get(9)?,
        })
    })
    .optional()
}

fn insert_review(
    conn: &rusqlite::Connection,
    answer: &AnswerRecord,
    before: &Sched,
    after: &Sched,
) -> rusqlite::Result<i64> {
    let b = StateColumns::of(&before.state);
    let a = StateColumns::of(&after.state);
    let elapsed_ms = before
        .state
        .last_review
        .map(|last| answer.reviewed_at.0 - last.0);
    conn.prepare_cached(
        "INSERT INTO reviews (card_id, reviewed_at, rating, \
         state_before, step_before, stability_before, difficulty_before, due_before, \
         state_after, step_after, stability_after, difficulty_after, due_after, \
         elapsed_ms, duration_ms) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )?
    .execute(rusqlite::params![
        answer.card_id.as_str(),
        answer.reviewed_at.0,
        rating_code(answer.rating),
        ReviewKind::of(before) as i64,
        b.step,
        b.stability,
        b.difficulty,
        b.due,
        a.state,
        a.step,
        a.stability,
        a.difficulty,
        a.due,
        elapsed_ms,
        answer.duration_ms,
    ])?;
    Ok(conn.last_insert_rowid())
}
