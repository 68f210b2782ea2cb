//! The schema and its migrations. `PRAGMA user_version` is the number of migrations
//! applied; `PRAGMA application_id` marks the file as an mdcards review database.
//!
//! Append migrations, never edit one that has shipped: a user's database is at whatever
//! version their last mdcards left it.

use std::path::Path;

use rusqlite::{Connection, TransactionBehavior};

use super::built_in_ids;
use super::error::Error;

/// "mdcd": lets `file(1)` and mdcards itself recognise the file.
pub const APPLICATION_ID: i32 = i32::from_be_bytes(*b"mdcd");

/// One step of the schema: SQL, or Rust for what SQL cannot compute.
enum Migration {
    Sql(&'static str),
    Code(fn(&Connection) -> rusqlite::Result<()>),
}

/// Migrations, in order; the schema version is how many have run.
const MIGRATIONS: &[Migration] = &[
    // 1: sources, cards, the review log, renames.
    Migration::Sql(
        r#"
    CREATE TABLE sources (
        id          INTEGER PRIMARY KEY,
        -- canonical absolute path of a notes file, or "<built-in>/NAME" for a deck inside mdcards
        path        TEXT NOT NULL UNIQUE,
        -- size and modification time when last synced: unchanged files need no re-parse
        size        INTEGER,
        mtime_ns    INTEGER,
        -- what else shaped the cards (mdcards version, --deck): a change forces a re-parse
        fingerprint TEXT NOT NULL,
        synced_at   INTEGER NOT NULL,
        -- each card's id and line in file order (see store::sync::layout)
        layout      BLOB
    );

    CREATE TABLE cards (
        id            TEXT PRIMARY KEY,
        pinned        INTEGER NOT NULL,
        deck          TEXT NOT NULL,
        front         TEXT NOT NULL,
        back          TEXT NOT NULL,
        tags          TEXT NOT NULL,          -- JSON array of strings
        scenario      TEXT,                   -- the ```raft script, for scenario cards
        content_hash  INTEGER NOT NULL,       -- of deck, front, back, tags, scenario
        source_id     INTEGER NOT NULL REFERENCES sources(id),
        -- scheduler state (srs::CardState); state 1 learning, 2 review, 3 relearning
        state         INTEGER NOT NULL,
        step          INTEGER,
        stability     REAL,
        difficulty    REAL,
        due           INTEGER NOT NULL,       -- ms since the Unix epoch, UTC
        last_review   INTEGER,
        reps          INTEGER NOT NULL DEFAULT 0,   -- 0: a new card
        lapses        INTEGER NOT NULL DEFAULT 0,
        retired_at    INTEGER,                -- set when its note disappeared
        buried_until  INTEGER,
        suspended     INTEGER NOT NULL DEFAULT 0,
        leech         INTEGER NOT NULL DEFAULT 0,
        added_at      INTEGER NOT NULL,
        modified_at   INTEGER NOT NULL
    );
    -- rowid order is the order cards were added: new cards are quizzed in it
    CREATE INDEX cards_by_source ON cards(source_id);
    CREATE INDEX cards_new ON cards(source_id)
        WHERE reps = 0 AND retired_at IS NULL AND suspended = 0;
    -- what is due, per file and state, in due order: a session's queue is a few seeks
    CREATE INDEX cards_due ON cards(source_id, state, due)
        WHERE reps > 0 AND retired_at IS NULL AND suspended = 0;

    CREATE TABLE reviews (
        id                INTEGER PRIMARY KEY,
        card_id           TEXT NOT NULL,
        reviewed_at       INTEGER NOT NULL,
        rating            INTEGER NOT NULL,   -- 1 again, 2 hard, 3 good, 4 easy
        -- 0 new, 1 learning, 2 review, 3 relearning
        state_before      INTEGER NOT NULL,
        step_before       INTEGER,
        stability_before  REAL,
        difficulty_before REAL,
        due_before        INTEGER NOT NULL,
        state_after       INTEGER NOT NULL,
        step_after        INTEGER,
        stability_after   REAL,
        difficulty_after  REAL,
        due_after         INTEGER NOT NULL,
        elapsed_ms        INTEGER,            -- since the previous review; NULL for the first
        duration_ms       INTEGER NOT NULL    -- from showing the card to the rating
    );
    CREATE INDEX reviews_by_card ON reviews(card_id, reviewed_at);
    CREATE INDEX reviews_by_time ON reviews(reviewed_at);

    CREATE TABLE renames (
        old_id      TEXT NOT NULL,
        new_id      TEXT NOT NULL,
        renamed_at  INTEGER NOT NULL,
        reason      TEXT NOT NULL
    );
    "#,
    ),
    // 2: what was typed at Raft scenario questions, one row per question of an answer.
    Migration::Sql(
        r#"
    CREATE TABLE scenario_answers (
        review_id  INTEGER NOT NULL,          -- reviews.id of the rating it came with
        position   INTEGER NOT NULL,          -- 0-based, the card's questions in order
        -- where the question came from: "generator:KIND" (see `seed`) or "ask:LINE"
        origin     TEXT NOT NULL,
        seed       INTEGER,                   -- a generator's instance seed, u64 bits as i64
        given      TEXT NOT NULL,             -- the typed answer, as read ("yes", "1 1 4")
        expected   TEXT NOT NULL,             -- the simulator's answer
        correct    INTEGER NOT NULL,          -- 1 right, 0 wrong
        PRIMARY KEY (review_id, position)
    );
    -- an answer taken back (undo) takes its typed answers with it, whatever deletes it
    CREATE TRIGGER scenario_answers_follow_reviews AFTER DELETE ON reviews
    BEGIN
        DELETE FROM scenario_answers WHERE review_id = old.id;
    END;
    "#,
    ),
    // 3: Anki exports, so that each export's notes are newer than the last one's.
    Migration::Sql(
        r#"
    CREATE TABLE exports (
        id           INTEGER PRIMARY KEY,
        exported_at  INTEGER NOT NULL,        -- ms since the Unix epoch
        -- seconds: the `mod` of every note and note type in the package. Anki applies a
        -- re-imported note only when its `mod` is newer, so each export's is above the last.
        note_mod     INTEGER NOT NULL,
        package      TEXT NOT NULL,           -- the .apkg written, as given
        notes        INTEGER NOT NULL
    );
    "#,
    ),
    // 4: cards of built-in decks get ids no notes file can produce (`CardId::built_in`).
    Migration::Code(built_in_ids::namespace),
];

/// The schema version this build writes and understands.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Bring the database up to `SCHEMA_VERSION` in one transaction.
pub fn migrate(conn: &mut Connection, path: &Path) -> Result<(), Error> {
    let sqlite = |e| Error::sqlite(path, e);
    let current = user_version(conn).map_err(sqlite)?;
    if current == SCHEMA_VERSION {
        return Ok(());
    }
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(sqlite)?;
    // Re-read inside the write lock: another process may have migrated meanwhile.
    let current = user_version(&tx).map_err(sqlite)?;
    if current > SCHEMA_VERSION {
        return Err(Error::Newer {
            path: path.to_path_buf(),
            found: current,
            supported: SCHEMA_VERSION,
        });
    }
    apply(&tx, current).map_err(sqlite)?;
    tx.commit().map_err(sqlite)
}

fn user_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
}

fn apply(tx: &Connection, current: i64) -> rusqlite::Result<()> {
    for (index, migration) in MIGRATIONS.iter().enumerate() {
        let version = index as i64 + 1;
        if version > current {
            match migration {
                Migration::Sql(sql) => tx.execute_batch(sql)?,
                Migration::Code(run) => run(tx)?,
            }
        }
    }
    tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)
}
