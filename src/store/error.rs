//! What can go wrong with the review database, each case with the path and what to do.

use std::path::{Path, PathBuf};

use rusqlite::ErrorCode;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{} is not a SQLite database: it is damaged or some other kind of file", path.display())]
    NotSqlite { path: PathBuf },

    #[error("{} is a SQLite database, but not an mdcards review database", path.display())]
    NotOurs { path: PathBuf },

    #[error(
        "{} was written by a newer mdcards (database schema {found}; this build understands up to {supported})",
        path.display()
    )]
    Newer {
        path: PathBuf,
        found: i64,
        supported: i64,
    },

    #[error("the review database {} is damaged: {detail}", path.display())]
    Corrupt { path: PathBuf, detail: String },

    #[error("cannot write the review database {}: {detail}", path.display())]
    ReadOnly { path: PathBuf, detail: String },

    #[error("the review database {} is busy: another mdcards kept it locked for too long", path.display())]
    Busy { path: PathBuf },

    #[error("cannot open the review database {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("review database {}: {source}", path.display())]
    Sqlite {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
}

impl Error {
    /// Classify a SQLite error into the cases a user can act on.
    pub(crate) fn sqlite(path: &Path, source: rusqlite::Error) -> Error {
        let path = path.to_path_buf();
        let code = source.sqlite_error_code();
        match code {
            Some(ErrorCode::DatabaseCorrupt) | Some(ErrorCode::NotADatabase) => Error::Corrupt {
                path,
                detail: source.to_string(),
            },
            Some(ErrorCode::ReadOnly)
            | Some(ErrorCode::CannotOpen)
            | Some(ErrorCode::PermissionDenied) => Error::ReadOnly {
                path,
                detail: source.to_string(),
            },
            Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => Error::Busy { path },
            _ => Error::Sqlite { path, source },
        }
    }

    /// What the user can do about it.
    pub fn help(&self) -> String {
        match self {
            Error::NotSqlite { path } | Error::NotOurs { path } => format!(
                "mdcards left {} untouched. Point mdcards at another file with --db PATH \
                 (or MDCARDS_DB), or move this file away if it should not be there",
                path.display()
            ),
            Error::Newer { path, .. } => format!(
                "upgrade mdcards to read {}, or use another file with --db PATH; \
                 the file was left untouched",
                path.display()
            ),
            Error::Corrupt { path, .. } => format!(
                "mdcards will not write to a damaged database. Check it with \
                 `sqlite3 {} 'PRAGMA integrity_check'`, restore a backup, or move it aside \
                 to start afresh",
                path.display()
            ),
            Error::ReadOnly { .. } | Error::Io { .. } => {
                "choose a writable place with --db PATH (or MDCARDS_DB)".to_owned()
            }
            Error::Busy { .. } => {
                "close the other mdcards session, or wait for it to finish, then try again"
                    .to_owned()
            }
            Error::Sqlite { .. } => {
                "if this persists, check the file with `sqlite3 PATH 'PRAGMA integrity_check'`"
                    .to_owned()
            }
        }
    }
}
