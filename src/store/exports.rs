//! What the store remembers about Anki exports, so that re-importing a later package always
//! updates the notes an earlier one created.
//!
//! Anki applies a re-imported note only when its `mod` (seconds) is strictly newer than the
//! note it has. Two exports within one second, or after the clock stepped back, would carry
//! the same or an older `mod`, and Anki would skip every edit in the second package without
//! a word ("duplicate"). So every export's `mod` is above every earlier export's, persisted
//! here: the later of now and one second past the last export.
//!
//! An export holds the database's write lock from [`Store::begin_export`] until it is
//! finished, so two exports at once take turns and never share a `mod`; an export that
//! fails (or is dropped) records nothing.

use std::path::Path;

use rusqlite::{Transaction, TransactionBehavior, params};

use super::Store;
use super::error::Error;
use crate::srs::Timestamp;

/// An export in progress: its `mod`, reserved until it is finished.
pub struct ExportRecord<'a> {
    tx: Transaction<'a>,
    path: &'a Path,
    now: Timestamp,
    note_mod: i64,
}

impl Store {
    /// Start an export at `now`: the `mod` its notes carry, newer than every earlier
    /// export's. Waits (up to the busy timeout) for another export to finish.
    pub fn begin_export(&mut self, now: Timestamp) -> Result<ExportRecord<'_>, Error> {
        let path = self.path.as_path();
        let sqlite = |e| Error::sqlite(path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sqlite)?;
        let last: Option<i64> = tx
            .query_row("SELECT max(note_mod) FROM exports", [], |row| row.get(0))
            .map_err(sqlite)?;
        Ok(ExportRecord {
            note_mod: next_note_mod(now, last),
            tx,
            path,
            now,
        })
    }

    /// The `mod` of the last export, if there was one.
    pub fn last_export_mod(&self) -> Result<Option<i64>, Error> {
        self.conn
            .query_row("SELECT max(note_mod) FROM exports", [], |row| row.get(0))
            .map_err(|e| self.err(e))
    }
}

impl ExportRecord<'_> {
    /// Seconds since the Unix epoch: the `mod` of every note and note type of this export.
    pub fn note_mod(&self) -> i64 {
        self.note_mod
    }

    /// The package is written: remember the export.
    pub fn finish(self, package: &Path, notes: usize) -> Result<(), Error> {
        let sqlite = |e| Error::sqlite(self.path, e);
        self.tx
            .execute(
                "INSERT INTO exports (exported_at, note_mod, package, notes) VALUES (?, ?, ?, ?)",
                params![
                    self.now.0,
                    self.note_mod,
                    package.to_string_lossy(),
                    notes as i64
                ],
            )
            .map_err(sqlite)?;
        self.tx.commit().map_err(sqlite)
    }
}

/// The later of `now` (in seconds) and one second past the last export's `mod`.
fn next_note_mod(now: Timestamp, last: Option<i64>) -> i64 {
    let now_secs = now.0.div_euclid(1000);
    match last {
        Some(last) if last >= now_secs => last + 1,
        _ => now_secs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Timestamp = Timestamp(1_767_323_045_000);

    #[test]
    fn each_export_is_newer_than_the_last_even_within_one_second() {
        let mut store = Store::open_in_memory().unwrap();
        assert_eq!(store.last_export_mod().unwrap(), None);
        let first = store.begin_export(T).unwrap();
        assert_eq!(first.note_mod(), 1_767_323_045);
        first.finish(Path::new("a.apkg"), 3).unwrap();
        // Same second, and later within it.
        let second = store.begin_export(Timestamp(T.0 + 999)).unwrap();
        assert_eq!(second.note_mod(), 1_767_323_046);
        second.finish(Path::new("a.apkg"), 3).unwrap();
        // The clock stepped back an hour.
        let third = store.begin_export(Timestamp(T.0 - 3_600_000)).unwrap();
        assert_eq!(third.note_mod(), 1_767_323_047);
        third.finish(Path::new("b.apkg"), 1).unwrap();
        // Time caught up: now again.
        let later = store.begin_export(Timestamp(T.0 + 60_000)).unwrap();
        assert_eq!(later.note_mod(), 1_767_323_105);
    }

    #[test]
    fn an_export_that_is_not_finished_reserves_nothing() {
        let mut store = Store::open_in_memory().unwrap();
        store
            .begin_export(T)
            .unwrap()
            .finish(Path::new("a.apkg"), 1)
            .unwrap();
        let failed = store.begin_export(T).unwrap();
        assert_eq!(failed.note_mod(), 1_767_323_046);
        drop(failed);
        assert_eq!(store.last_export_mod().unwrap(), Some(1_767_323_045));
        assert_eq!(store.begin_export(T).unwrap().note_mod(), 1_767_323_046);
    }
}
