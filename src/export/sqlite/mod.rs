//! A writer of SQLite database files for the one shape an export needs: tables filled
//! once, in rowid order, and indexes built from sorted keys, written front to back (page
//! 1, which names the trees' roots, last).
//!
//! Going through SQLite itself put every row through its virtual machine, its page cache
//! and a B-tree insert on one thread, and then sorted seven indexes, about half of an
//! export's time. Here rows are encoded on the rendering threads and the writer only
//! packs them into pages. The format is SQLite's documented, stable file format (what
//! `rusqlite` wrote before: 4 KiB pages, UTF-8, schema format 4); the tests read every
//! file back through SQLite and run its `integrity_check`.

mod btree;
mod database;
mod pages;
mod record;

use std::cell::RefCell;

use rusqlite::Connection;
use rusqlite::types::ValueRef;

pub use btree::{IndexRecords, TableTree};
pub use database::{Database, FirstPage};
pub use pages::PAGE_SIZE;
pub use record::{Value, encode};

/// What SQLite stores for `text` put in a column of INTEGER affinity: an integer or real
/// if the text is a well-formed number, the text itself otherwise.
///
/// Text that cannot start a number (after the blanks SQLite skips, a digit, sign or point
/// must come) is text, which is almost every card front; the rare rest is asked of SQLite
/// itself, so its exact rules (exponents, `1.0`, out-of-range integers) are the rules.
pub fn integer_affinity(text: &str) -> rusqlite::Result<Value<'_>> {
    let start = text
        .trim_start_matches([' ', '\t', '\n', '\x0b', '\x0c', '\r'])
        .bytes()
        .next();
    if !start.is_some_and(|byte| byte.is_ascii_digit() || b"+-.".contains(&byte)) {
        return Ok(Value::Text(text));
    }
    thread_local! {
        static PROBE: RefCell<Option<Connection>> = const { RefCell::new(None) };
    }
    PROBE.with(|probe| {
        let mut probe = probe.borrow_mut();
        if probe.is_none() {
            let conn = Connection::open_in_memory()?;
            conn.execute_batch("create table probe (value integer)")?;
            *probe = Some(conn);
        }
        let conn = probe.as_ref().expect("opened above");
        conn.prepare_cached("insert into probe values (?1)")?
            .execute([text])?;
        let value = conn
            .prepare_cached("select value from probe")?
            .query_row([], |row| {
                Ok(match row.get_ref(0)? {
                    ValueRef::Integer(i) => Value::Int(i),
                    ValueRef::Real(r) => Value::Real(r),
                    _ => Value::Text(text),
                })
            })?;
        conn.prepare_cached("delete from probe")?.execute([])?;
        Ok(value)
    })
}

/// For tests that write databases: the file on disk, checked by SQLite.
#[cfg(test)]
pub mod testing {
    use std::path::Path;

    use rusqlite::Connection;

    use super::FirstPage;

    /// Write page 1 then `rest` to `path` and open it, once SQLite's `integrity_check` (page
    /// use, b-tree order, cell bounds, index entries against rows) says it is sound.
    pub fn save_checked(path: &Path, first: &FirstPage, rest: &[u8]) -> Connection {
        std::fs::write(path, [&first[..], rest].concat()).unwrap();
        let conn = Connection::open(path).unwrap();
        let check: String = conn
            .query_row("pragma integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok", "{}", path.display());
        conn
    }
}

#[cfg(test)]
mod tests;
