//! Opening the database file safely.
//!
//! The first 100 bytes of a SQLite file are its header; the application id and the schema
//! version (PRAGMA user_version) live there. Reading them ourselves, before SQLite opens
//! the file, lets us refuse a foreign, damaged or newer file without writing a single byte
//! to it (setting WAL mode, for one, rewrites the header).

use std::fs;
use std::io::Read;
use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::error::Error;
use super::schema::{APPLICATION_ID, SCHEMA_VERSION};

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";
const HEADER_LEN: usize = 100;
const USER_VERSION_OFFSET: usize = 60;
const APPLICATION_ID_OFFSET: usize = 68;

/// How long a writer waits for another session's transaction before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// What the header says about an existing file.
#[derive(Debug, PartialEq, Eq)]
enum Header {
    /// No file, or an empty one: we create the schema.
    Fresh,
    /// A SQLite file with application id 0: ours only if it holds no tables at all.
    Unclaimed,
    /// Ours, at this schema version or an older one (migrations bring it up to date).
    Ours,
}

pub fn open_file(path: &Path) -> Result<Connection, Error> {
    let header = read_header(path)?;
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| Error::sqlite(path, e))?;
    let sqlite = |e| Error::sqlite(path, e);
    if conn.is_readonly(rusqlite::MAIN_DB).map_err(sqlite)? {
        return Err(Error::ReadOnly {
            path: path.to_path_buf(),
            detail: "the file or its folder is read-only".to_owned(),
        });
    }
    conn.busy_timeout(BUSY_TIMEOUT).map_err(sqlite)?;
    if header == Header::Unclaimed && has_tables(&conn).map_err(sqlite)? {
        return Err(Error::NotOurs {
            path: path.to_path_buf(),
        });
    }
    // WAL: readers never block the writer, and a killed process leaves a log SQLite replays.
    // NORMAL sync in WAL mode survives process crashes (the SIGKILL test); FULL would add an
    // fsync per answer for power-loss durability of the last answer only.
    // Only switch when needed: switching rewrites the header, and a file we have not yet
    // read past its header may be damaged.
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |row| row.get(0))
        .map_err(sqlite)?;
    if !mode.eq_ignore_ascii_case("wal") {
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(sqlite)?;
    }
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(sqlite)?;
    Ok(conn)
}

fn read_header(path: &Path) -> Result<Header, Error> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = match fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Header::Fresh),
        Err(e) => return Err(io(e)),
    };
    if file.metadata().map_err(io)?.is_dir() {
        return Err(Error::Io {
            path: path.to_path_buf(),
            source: std::io::Error::other("it is a folder, not a file"),
        });
    }
    let mut bytes = Vec::with_capacity(HEADER_LEN);
    file.by_ref()
        .take(HEADER_LEN as u64)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    classify(path, &bytes)
}

fn classify(path: &Path, bytes: &[u8]) -> Result<Header, Error> {
    if bytes.is_empty() {
        return Ok(Header::Fresh);
    }
    if bytes.len() < HEADER_LEN || &bytes[..16] != SQLITE_MAGIC {
        return Err(Error::NotSqlite {
            path: path.to_path_buf(),
        });
    }
    let application_id = be_i32(bytes, APPLICATION_ID_OFFSET);
    let version = i64::from(be_i32(bytes, USER_VERSION_OFFSET));
    if application_id == 0 && version == 0 {
        return Ok(Header::Unclaimed);
    }
    if application_id != APPLICATION_ID {
        return Err(Error::NotOurs {
            path: path.to_path_buf(),
        });
    }
    if version > SCHEMA_VERSION {
        return Err(Error::Newer {
            path: path.to_path_buf(),
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(Header::Ours)
}

fn be_i32(bytes: &[u8], offset: usize) -> i32 {
    i32::from_be_bytes([
        bytes[offset],
        bytes[offset + 1],
        bytes[offset + 2],
        bytes[offset + 3],
    ])
}

fn has_tables(conn: &Connection) -> rusqlite::Result<bool> {
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |row| {
        row.get::<_, i64>(0)
    })
    .map(|n| n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(application_id: i32, version: i32) -> Vec<u8> {
        let mut bytes = vec![0u8; HEADER_LEN];
        bytes[..16].copy_from_slice(SQLITE_MAGIC);
        bytes[USER_VERSION_OFFSET..USER_VERSION_OFFSET + 4].copy_from_slice(&version.to_be_bytes());
        bytes[APPLICATION_ID_OFFSET..APPLICATION_ID_OFFSET + 4]
            .copy_from_slice(&application_id.to_be_bytes());
        bytes
    }

    #[test]
    fn headers_are_classified() {
        let p = Path::new("x.db");
        assert_eq!(classify(p, b"").unwrap(), Header::Fresh);
        assert!(matches!(
            classify(p, b"hello world"),
            Err(Error::NotSqlite { .. })
        ));
        assert_eq!(classify(p, &header(0, 0)).unwrap(), Header::Unclaimed);
        assert!(matches!(
            classify(p, &header(0, 3)),
            Err(Error::NotOurs { .. })
        ));
        assert!(matches!(
            classify(p, &header(0x1234, 1)),
            Err(Error::NotOurs { .. })
        ));
        assert_eq!(
            classify(p, &header(APPLICATION_ID, 1)).unwrap(),
            Header::Ours
        );
        assert!(matches!(
            classify(p, &header(APPLICATION_ID, SCHEMA_VERSION as i32 + 1)),
            Err(Error::Newer { found, .. }) if found == SCHEMA_VERSION + 1
        ));
    }
}
