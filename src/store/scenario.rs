//! Typed answers to Raft scenario questions, logged with the rating they came with: which
//! question (a generator's kind and instance seed, or a script's `ask` line), what was
//! typed, what the simulator says, and whether they agree.

use super::Store;
use super::cards::Sched;
use super::error::Error;
use super::reviews::{AnswerRecord, RecordedAnswer};
use crate::deck::CardId;
use crate::srs::Timestamp;

/// One scenario question answered as part of a review.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioAnswer {
    /// `generator:KIND` or `ask:LINE`.
    pub origin: String,
    /// A generator's instance seed (the same seed asks the same question).
    pub seed: Option<u64>,
    /// The typed answer, as read (`yes`, `1 1 4`).
    pub given: String,
    /// The simulator's answer.
    pub expected: String,
    pub correct: bool,
}

/// A logged scenario answer, with the review it belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoggedScenarioAnswer {
    pub review_id: i64,
    pub reviewed_at: Timestamp,
    /// Order of the question among the card's questions in that review, from 0.
    pub position: u32,
    pub answer: ScenarioAnswer,
}

impl Store {
    /// [`Store::record_answer`] for a scenario card: the rating and the typed answers are
    /// one transaction. Undoing the answer (deleting its log row) removes them too.
    pub fn record_scenario_answer(
        &mut self,
        answer: &AnswerRecord,
        typed: &[ScenarioAnswer],
        reschedule: impl FnOnce(&Sched) -> Sched,
    ) -> Result<RecordedAnswer, Error> {
        self.record_answer_with(answer, reschedule, |tx, review_id| {
            let mut insert = tx.prepare_cached(
                "INSERT INTO scenario_answers \
                 (review_id, position, origin, seed, given, expected, correct) \
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
            )?;
            for (position, typed) in typed.iter().enumerate() {
                insert.execute(rusqlite::params![
                    review_id,
                    position as i64,
                    typed.origin,
                    // SQLite integers are i64: the seed's 64 bits are kept as they are.
                    typed.seed.map(|seed| seed as i64),
                    typed.given,
                    typed.expected,
                    typed.correct,
                ])?;
            }
            Ok(())
        })
    }

    /// Every scenario answer logged for a card, oldest review first.
    pub fn scenario_answers(&self, card_id: &CardId) -> Result<Vec<LoggedScenarioAnswer>, Error> {
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT s.review_id, r.reviewed_at, s.position, s.origin, s.seed, s.given, \
                 s.expected, s.correct FROM scenario_answers s JOIN reviews r ON r.id = s.review_id \
                 WHERE r.card_id = ? ORDER BY r.reviewed_at, s.review_id, s.position",
            )
            .map_err(|e| self.err(e))?;
        statement
            .query_map([card_id.as_str()], |row| {
                Ok(LoggedScenarioAnswer {
                    review_id: row.get(0)?,
                    reviewed_at: Timestamp(row.get(1)?),
                    position: row.get(2)?,
                    answer: ScenarioAnswer {
                        origin: row.get(3)?,
                        seed: row.get::<_, Option<i64>>(4)?.map(|seed| seed as u64),
                        given: row.get(5)?,
                        expected: row.get(6)?,
                        correct: row.get(7)?,
                    },
                })
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.err(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    use crate::deck::{Card, Location};
    use crate::srs::Rating;
    use crate::store::sync::{NoteCard, Scope, SourceFile, SyncInput};

    fn typed(given: &str, expected: &str, seed: Option<u64>) -> ScenarioAnswer {
        ScenarioAnswer {
            origin: "generator:vote-decision".to_owned(),
            seed,
            given: given.to_owned(),
            expected: expected.to_owned(),
            correct: given == expected,
        }
    }

    fn store_with_card() -> (Store, CardId) {
        let mut store = Store::open_in_memory().unwrap();
        let id = CardId::pinned("vote");
        let card = Card {
            id: id.clone(),
            pinned: true,
            kind: crate::deck::CardKind::Basic,
            deck: "Raft".into(),
            front: "Does node 1 grant its vote?".into(),
            back: "```raft\ngenerate vote-decision\n```\n".into(),
            tags: vec![],
            media: vec![],
            scenario: None,
            location: Location {
                file: PathBuf::from("a.md"),
                line: 1,
                col: 1,
            },
        };
        let notes = NoteCard::from_cards(vec![card], |_| "a.md".to_owned());
        let files = [SourceFile {
            path: "a.md".into(),
            size: Some(1),
            mtime_ns: Some(1),
            fingerprint: "test".into(),
        }];
        let scope = Scope {
            files: vec!["a.md".into()],
            folders: vec![],
        };
        store
            .sync(&SyncInput {
                cards: &notes,
                files: &files,
                scope: &scope,
                now: Timestamp(1_000),
                dry_run: false,
            })
            .unwrap();
        (store, id)
    }

    #[test]
    fn typed_answers_are_logged_with_their_review_and_go_with_an_undo() {
        let (mut store, id) = store_with_card();
        let before = store.card(&id).unwrap().unwrap().sched;
        let mut after = before;
        after.reps += 1;
        let record = AnswerRecord {
            card_id: id.clone(),
            reviewed_at: Timestamp(2_000),
            rating: Rating::Again,
            before,
            after,
            duration_ms: 5,
        };
        let answers = [
            typed("no", "yes", Some(u64::MAX - 3)),
            typed("3", "3", None),
        ];
        let recorded = store
            .record_scenario_answer(&record, &answers, |_| after)
            .unwrap();
        let logged = store.scenario_answers(&id).unwrap();
        assert_eq!(logged.len(), 2);
        assert_eq!(logged[0].review_id, recorded.review_id);
        assert_eq!(logged[0].reviewed_at, Timestamp(2_000));
        assert_eq!(
            logged[0].answer, answers[0],
            "a seed above i64::MAX survives"
        );
        assert_eq!((logged[1].position, logged[1].answer.correct), (1, true));

        store
            .undo_answer(recorded.review_id, &id, &before, Timestamp(3_000))
            .unwrap();
        assert!(store.scenario_answers(&id).unwrap().is_empty());
    }
}
