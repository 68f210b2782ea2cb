//! Cards as the quiz sees them: what is due, what is new, what was done today.

use std::path::PathBuf;

use rusqlite::types::Value;
use rusqlite::{OptionalExtension, Row, params_from_iter};

use super::Store;
use super::columns::{StateColumns, read_state};
use super::error::Error;
use crate::deck::CardId;
use crate::select::Filter;
use crate::srs::{CardState, State, Timestamp};

/// Sources whose path starts with this are decks compiled into mdcards, not files.
pub const BUILT_IN_PREFIX: &str = "<built-in>/";

/// A card's schedule: the scheduler's state plus what Anki tracks around it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sched {
    pub state: CardState,
    /// Reviews so far; 0 means a new card.
    pub reps: u32,
    /// Times a Review card was answered Again.
    pub lapses: u32,
    pub suspended: bool,
    pub leech: bool,
}

impl Sched {
    pub fn new(state: CardState) -> Sched {
        Sched {
            state,
            reps: 0,
            lapses: 0,
            suspended: false,
            leech: false,
        }
    }

    pub fn is_new(&self) -> bool {
        self.reps == 0
    }

    /// New, or learning / review / relearning by the scheduler state.
    pub fn kind(&self) -> super::ReviewKind {
        super::ReviewKind::of(self)
    }
}

/// A card as stored, with everything the quiz shows.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredCard {
    pub id: CardId,
    pub deck: String,
    pub front: String,
    pub back: String,
    pub tags: Vec<String>,
    pub scenario: Option<String>,
    /// The notes file (canonical path), or `<built-in>/NAME`.
    pub source: String,
    pub sched: Sched,
}

impl StoredCard {
    /// The notes file to open in an editor; `None` for a built-in deck.
    pub fn editable_file(&self) -> Option<PathBuf> {
        (!self.source.starts_with(BUILT_IN_PREFIX)).then(|| PathBuf::from(&self.source))
    }
}

/// What a quiz asks the store for.
#[derive(Clone, Debug)]
pub struct QueueQuery {
    /// Source ids in scope (see `Store::source_ids`).
    pub sources: Vec<i64>,
    /// Decks and tags the session is narrowed to.
    pub filter: Filter,
    pub now: Timestamp,
    /// The next day rollover: review and learning cards due before it are due today.
    pub day_end: Timestamp,
    /// At most this many new cards.
    pub new_limit: u32,
    /// At most this many Review-state cards.
    pub review_limit: u32,
}

/// The cards a session starts from.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SessionCards {
    /// Learning and relearning cards due today, by due time.
    pub learning: Vec<StoredCard>,
    /// Review cards due today, most overdue first.
    pub review: Vec<StoredCard>,
    /// New cards in the order they were added (note order for cards added together).
    pub new: Vec<StoredCard>,
}

/// Work already done today in the scope, for the daily limits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TodayCounts {
    /// New cards answered for the first time today.
    pub new_introduced: u32,
    /// Review-state cards answered today.
    pub reviews_done: u32,
}

pub(super) const CARD_COLUMNS: &str = "c.id, c.deck, c.front, c.back, c.tags, c.scenario, s.path, \
     c.state, c.step, c.stability, c.difficulty, c.due, c.last_review, c.reps, c.lapses, \
     c.suspended, c.leech";

pub(super) fn read_card(row: &Row<'_>) -> rusqlite::Result<StoredCard> {
    let tags: String = row.get(4)?;
    let tags = serde_json::from_str(&tags).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(4, rusqlite::types::Type::Text, Box::new(e))
    })?;
    Ok(StoredCard {
        id: CardId::from_stored(row.get::<_, String>(0)?),
        deck: row.get(1)?,
        front: row.get(2)?,
        back: row.get(3)?,
        tags,
        scenario: row.get(5)?,
        source: row.get(6)?,
        sched: Sched {
            state: read_state(row, 7)?,
            reps: row.get(13)?,
            lapses: row.get(14)?,
            suspended: row.get(15)?,
            leech: row.get(16)?,
        },
    })
}

fn placeholders(n: usize) -> String {
    vec!["?"; n].join(",")
}

/// `c.source_id IN (...)` and the filter's conditions on cards `c`, with their values.
fn scope_sql(sources: &[i64], filter: &Filter) -> (String, Vec<Value>) {
    let mut sql = format!("c.source_id IN ({})", placeholders(sources.len()));
    let mut values: Vec<Value> = sources.iter().map(|&id| Value::Integer(id)).collect();
    let (narrowed, narrowing) = filter_sql(filter);
    sql.push_str(" AND ");
    sql.push_str(&narrowed);
    values.extend(narrowing);
    (sql, values)
}

/// The filter's conditions on cards `c` ("1" when it admits everything), with their values.
pub(crate) fn filter_sql(filter: &Filter) -> (String, Vec<Value>) {
    let mut conditions = Vec::new();
    let mut values = Vec::new();
    if !filter.decks.is_empty() {
        conditions.push(format!("c.deck IN ({})", placeholders(filter.decks.len())));
        values.extend(filter.decks.iter().cloned().map(Value::Text));
    }
    if !filter.tags.is_empty() {
        conditions.push(format!(
            "EXISTS (SELECT 1 FROM json_each(c.tags) t WHERE t.value IN ({}))",
            placeholders(filter.tags.len())
        ));
        values.extend(filter.tags.iter().cloned().map(Value::Text));
    }
    if conditions.is_empty() {
        ("1".to_owned(), values)
    } else {
        (conditions.join(" AND "), values)
    }
}

impl Store {
    /// Ids of the sources a set of notes covers: each file itself, and for a folder every
    /// source stored under it (so a deleted file's cards are found too).
    pub fn source_ids(&self, files: &[String], folders: &[String]) -> Result<Vec<i64>, Error> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT id, path FROM sources ORDER BY id")
            .map_err(|e| self.err(e))?;
        let rows = statement
            .query_map([], |row| {
                Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?))
            })
            .map_err(|e| self.err(e))?;
        let mut ids = Vec::new();
        for row in rows {
            let (id, path) = row.map_err(|e| self.err(e))?;
            if super::sync::in_scope(&path, files, folders) {
                ids.push(id);
            }
        }
        Ok(ids)
    }

    /// One card by id, retired or not.
    pub fn card(&self, id: &CardId) -> Result<Option<StoredCard>, Error> {
        let sql = format!(
            "SELECT {CARD_COLUMNS} FROM cards c JOIN sources s ON s.id = c.source_id WHERE c.id = ?"
        );
        let mut statement = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let mut rows = statement
            .query_map([id.as_str()], read_card)
            .map_err(|e| self.err(e))?;
        rows.next().transpose().map_err(|e| self.err(e))
    }

    /// Cards due for a session: learning and review cards due today (reviews limited),
    /// and new cards in note order (limited). Retired, suspended and buried cards never
    /// appear.
    pub fn session_cards(&self, query: &QueueQuery) -> Result<SessionCards, Error> {
        if query.sources.is_empty() {
            return Ok(SessionCards::default());
        }
        let (scope, scope_values) = scope_sql(&query.sources, &query.filter);
        let visible = "c.retired_at IS NULL AND c.suspended = 0 \
                       AND (c.buried_until IS NULL OR c.buried_until <= ?)";
        let learning_sql = format!(
            "SELECT {CARD_COLUMNS} FROM cards c JOIN sources s ON s.id = c.source_id \
             WHERE c.reps > 0 AND c.state IN ({learning}, {relearning}) AND c.due < ? \
             AND {visible} AND {scope} ORDER BY c.due, c.id",
            learning = State::Learning as i64,
            relearning = State::Relearning as i64
        );
        let review_sql = format!(
            "SELECT {CARD_COLUMNS} FROM cards c JOIN sources s ON s.id = c.source_id \
             WHERE c.reps > 0 AND c.state = {review} AND c.due < ? AND {visible} AND {scope} \
             ORDER BY c.due, c.id LIMIT ?",
            review = State::Review as i64
        );
        let new_sql = format!(
            "SELECT {CARD_COLUMNS} FROM cards c JOIN sources s ON s.id = c.source_id \
             WHERE c.reps = 0 AND {visible} AND {scope} \
             ORDER BY c.source_id, c.rowid LIMIT ?"
        );
        let due_params = |limit: Option<u32>| {
            let mut values = vec![Value::Integer(query.day_end.0), Value::Integer(query.now.0)];
            values.extend(scope_values.iter().cloned());
            values.extend(limit.map(|n| Value::Integer(i64::from(n))));
            values
        };
        let learning = self.query_cards(&learning_sql, due_params(None))?;
        let review = self.query_cards(&review_sql, due_params(Some(query.review_limit)))?;
        let mut new_params = vec![Value::Integer(query.now.0)];
        new_params.extend(scope_values.iter().cloned());
        new_params.push(Value::Integer(i64::from(query.new_limit)));
        let new = self.query_cards(&new_sql, new_params)?;
        Ok(SessionCards {
            learning,
            review,
            new,
        })
    }

    /// The line of a card's heading in its notes file, as of the last sync.
    pub fn card_line(&self, id: &CardId) -> Result<Option<u32>, Error> {
        let layout: Option<Vec<u8>> = self
            .conn
            .query_row(
                "SELECT s.layout FROM cards c JOIN sources s ON s.id = c.source_id WHERE c.id = ?",
                [id.as_str()],
                |row| row.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))?
            .flatten();
        Ok(layout.and_then(|bytes| super::sync::layout::find(&bytes, id.as_str()).map(|p| p.line)))
    }

    /// Every card in scope that is not retired or suspended, in note order: a cram session.
    pub fn all_cards(&self, sources: &[i64], filter: &Filter) -> Result<Vec<StoredCard>, Error> {
        if sources.is_empty() {
            return Ok(Vec::new());
        }
        let (scope, values) = scope_sql(sources, filter);
        let sql = format!(
            "SELECT {CARD_COLUMNS} FROM cards c JOIN sources s ON s.id = c.source_id \
             WHERE c.retired_at IS NULL AND c.suspended = 0 AND {scope} \
             ORDER BY c.source_id, c.rowid"
        );
        self.query_cards(&sql, values)
    }

    /// The decks and the tags of the cards in `sources` (all sources when `None`) that are
    /// not retired, each sorted, for resolving `--deck` and `--tag`.
    pub fn deck_and_tag_names(
        &self,
        sources: Option<&[i64]>,
    ) -> Result<(Vec<String>, Vec<String>), Error> {
        let (scope, values) = match sources {
            Some(sources) => (
                format!("c.source_id IN ({})", placeholders(sources.len())),
                sources.iter().map(|&id| Value::Integer(id)).collect(),
            ),
            None => ("1".to_owned(), Vec::new()),
        };
        let live = format!("c.retired_at IS NULL AND {scope}");
        let decks = self.strings(
            &format!("SELECT DISTINCT c.deck FROM cards c WHERE {live} ORDER BY 1"),
            values.clone(),
        )?;
        let tags = self.strings(
            &format!(
                "SELECT DISTINCT t.value FROM cards c, json_each(c.tags) t WHERE {live} \
                 ORDER BY 1"
            ),
            values,
        )?;
        Ok((decks, tags))
    }

    fn strings(&self, sql: &str, values: Vec<Value>) -> Result<Vec<String>, Error> {
        let mut statement = self.conn.prepare(sql).map_err(|e| self.err(e))?;
        let rows = statement
            .query_map(params_from_iter(values), |row| row.get::<_, String>(0))
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// Cards in scope that a quiz could show some day (not retired, not suspended).
    pub fn active_cards(&self, sources: &[i64], filter: &Filter) -> Result<u64, Error> {
        if sources.is_empty() {
            return Ok(0);
        }
        let (scope, values) = scope_sql(sources, filter);
        let sql = format!(
            "SELECT count(*) FROM cards c WHERE c.retired_at IS NULL AND c.suspended = 0 \
             AND {scope}"
        );
        let mut statement = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        statement
            .query_row(params_from_iter(values), |row| row.get::<_, i64>(0))
            .map(|n| n as u64)
            .map_err(|e| self.err(e))
    }

    /// New cards introduced and Review cards answered since `day_start`, in scope.
    /// (`CROSS JOIN` keeps SQLite on today's reviews first, instead of visiting every card
    /// of the scope.)
    pub fn today_counts(
        &self,
        sources: &[i64],
        filter: &Filter,
        day_start: Timestamp,
    ) -> Result<TodayCounts, Error> {
        if sources.is_empty() {
            return Ok(TodayCounts::default());
        }
        let (scope, scope_values) = scope_sql(sources, filter);
        let sql = format!(
            "SELECT count(*) FILTER (WHERE r.state_before = 0), \
                    count(*) FILTER (WHERE r.state_before = {review}) \
             FROM reviews r CROSS JOIN cards c ON c.id = r.card_id \
             WHERE r.reviewed_at >= ? AND {scope}",
            review = State::Review as i64
        );
        let mut values = vec![Value::Integer(day_start.0)];
        values.extend(scope_values);
        let mut statement = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        statement
            .query_row(params_from_iter(values), |row| {
                Ok(TodayCounts {
                    new_introduced: row.get(0)?,
                    reviews_done: row.get(1)?,
                })
            })
            .map_err(|e| self.err(e))
    }

    /// The earliest time a reviewed card in scope becomes due (a buried card counts from
    /// when its burial ends), for "next review in 3h" after a session.
    pub fn next_due(&self, sources: &[i64], filter: &Filter) -> Result<Option<Timestamp>, Error> {
        if sources.is_empty() {
            return Ok(None);
        }
        let (scope, values) = scope_sql(sources, filter);
        let sql = format!(
            "SELECT min(max(c.due, coalesce(c.buried_until, c.due))) FROM cards c \
             WHERE c.reps > 0 AND c.retired_at IS NULL AND c.suspended = 0 AND {scope}"
        );
        let mut statement = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        statement
            .query_row(params_from_iter(values), |row| row.get::<_, Option<i64>>(0))
            .map(|due| due.map(Timestamp))
            .map_err(|e| self.err(e))
    }

    /// Hide a card until `until` (bury until tomorrow).
    pub fn bury(&mut self, id: &CardId, until: Option<Timestamp>) -> Result<(), Error> {
        self.conn
            .execute(
                "UPDATE cards SET buried_until = ? WHERE id = ?",
                rusqlite::params![until.map(|t| t.0), id.as_str()],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    fn query_cards(&self, sql: &str, values: Vec<Value>) -> Result<Vec<StoredCard>, Error> {
        let mut statement = self.conn.prepare_cached(sql).map_err(|e| self.err(e))?;
        let rows = statement
            .query_map(params_from_iter(values), read_card)
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }
}

/// Write a card's schedule columns.
pub(crate) fn write_sched(
    conn: &rusqlite::Connection,
    id: &CardId,
    sched: &Sched,
    now: Timestamp,
) -> rusqlite::Result<usize> {
    let columns = StateColumns::of(&sched.state);
    conn.prepare_cached(
        "UPDATE cards SET state = ?, step = ?, stability = ?, difficulty = ?, due = ?, \
         last_review = ?, reps = ?, lapses = ?, suspended = ?, leech = ?, modified_at = ? \
         WHERE id = ?",
    )?
    .execute(rusqlite::params![
        columns.state,
        columns.step,
        columns.stability,
        columns.difficulty,
        columns.due,
        columns.last_review,
        sched.reps,
        sched.lapses,
        sched.suspended,
        sched.leech,
        now.0,
        id.as_str()
    ])
}
