//! The review store: one SQLite file holding every card's schedule and the full review log.
//!
//! Safety rules: a file that is not ours, is corrupt, or comes from a newer mdcards is
//! refused before anything writes to it; every change (an answer, a sync) is one
//! transaction, so a crash or a kill loses at most the answer being typed.

mod actions;
mod built_in_ids;
mod cards;
mod columns;
mod error;
mod exports;
mod fasthash;
mod open;
mod reviews;
mod scenario;
mod schema;
pub mod stats;
pub mod sync;

use std::path::{Path, PathBuf};

use rusqlite::Connection;

pub use actions::ActedCard;
pub use cards::{QueueQuery, Sched, SessionCards, StoredCard, TodayCounts};
pub use error::Error;
pub use exports::ExportRecord;
pub use reviews::{AnswerRecord, RecordedAnswer, ReviewKind};
pub use scenario::{LoggedScenarioAnswer, ScenarioAnswer};
pub use schema::{APPLICATION_ID, SCHEMA_VERSION};

/// An open review database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Open (creating if needed) the database at `path`, refusing files that are not ours,
    /// corrupt, or newer than this build; those are left byte-for-byte untouched.
    pub fn open(path: &Path) -> Result<Store, Error> {
        let conn = open::open_file(path)?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        store.migrate()?;
        Ok(store)
    }

    /// A private in-memory database, for tests and benchmarks.
    pub fn open_in_memory() -> Result<Store, Error> {
        let path = PathBuf::from(":memory:");
        let conn = Connection::open_in_memory().map_err(|e| Error::sqlite(&path, e))?;
        let mut store = Store { conn, path };
        store.migrate()?;
        Ok(store)
    }

    /// Where the database lives (`:memory:` for an in-memory one).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `PRAGMA integrity_check`: "ok", or SQLite's list of problems.
    pub fn integrity_check(&self) -> Result<String, Error> {
        let rows: Vec<String> = self
            .conn
            .prepare("PRAGMA integrity_check")
            .and_then(|mut statement| {
                statement
                    .query_map([], |row| row.get(0))?
                    .collect::<Result<_, _>>()
            })
            .map_err(|e| self.err(e))?;
        Ok(rows.join("\n"))
    }

    fn migrate(&mut self) -> Result<(), Error> {
        schema::migrate(&mut self.conn, &self.path)
    }

    fn err(&self, error: rusqlite::Error) -> Error {
        Error::sqlite(&self.path, error)
    }
}
