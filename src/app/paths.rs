//! Where the review database lives, and opening it with errors a user can act on.

use std::path::{Path, PathBuf};

use miette::{Result, miette};

use crate::cli::DbArgs;
use crate::store::{self, Store};

/// The file name inside the platform data directory.
pub const DATABASE_FILE: &str = "reviews.sqlite3";

/// The environment variable that chooses the database when `--db` is not given.
pub const DATABASE_ENV: &str = "MDCARDS_DB";

/// `--db`, else `MDCARDS_DB` (when set and not empty), else the platform data directory
/// (`~/.local/share/mdcards/reviews.sqlite3` on Linux,
/// `~/Library/Application Support/mdcards/reviews.sqlite3` on macOS,
/// `%APPDATA%\mdcards\data\reviews.sqlite3` on Windows).
pub fn database_path(args: &DbArgs) -> Result<PathBuf> {
    if let Some(path) = &args.db {
        return Ok(path.clone());
    }
    if let Some(path) = std::env::var_os(DATABASE_ENV).filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    let dirs = directories::ProjectDirs::from("", "", "mdcards").ok_or_else(|| {
        miette!(
            help = "pass --db PATH or set MDCARDS_DB to choose where reviews are kept",
            "cannot find a home directory for the review database"
        )
    })?;
    Ok(dirs.data_dir().join(DATABASE_FILE))
}

/// Open the review database, creating the folders above it (as for the default path).
pub fn open_store(args: &DbArgs) -> Result<Store> {
    let path = database_path(args)?;
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
        && let Err(error) = std::fs::create_dir_all(parent)
    {
        return Err(miette!(
            help = "pass --db PATH or set MDCARDS_DB to choose a writable place",
            "{}: cannot create the review database's folder {}: {error}",
            path.display(),
            parent.display()
        ));
    }
    Store::open(&path).map_err(store_error)
}
/// A store error as a diagnostic: what happened, with the path, and what to do.
pub fn store_error(error: store::Error) -> miette::Report {
    let help = error.help();
    miette!(help = help, "{error}")
}

/// A path for messages: relative to the working directory when inside it.
pub fn display_path(path: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    match path.strip_prefix(&cwd) {
        Ok(relative) if !relative.as_os_str().is_empty() => relative.display().to_string(),
        _ => path.display().to_string(),
    }
}
