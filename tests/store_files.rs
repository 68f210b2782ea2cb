//! The database file: created right, reopened intact, and anything that is not ours (or is
//! damaged, or newer) refused with the file left byte-for-byte untouched.

use std::fs;
use std::path::Path;

use mdcards::deck::{Card, CardId, Location};
use mdcards::srs::Timestamp;
use mdcards::store::sync::{NoteCard, Scope, SyncInput};
use mdcards::store::{APPLICATION_ID, Error, SCHEMA_VERSION, Store};

fn snapshot(path: &Path) -> Vec<u8> {
    fs::read(path).unwrap()
}

/// Compare file contents without printing megabytes when they differ.
#[track_caller]
fn assert_same(actual: &[u8], expected: &[u8], what: &str) {
    assert!(
        actual == expected,
        "{what}: file changed ({} bytes, expected {})",
        actual.len(),
        expected.len()
    );
}

/// Every file SQLite might have created next to the database.
fn companions(path: &Path) -> Vec<String> {
    let dir = path.parent().unwrap();
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_new_database_is_marked_as_ours_and_uses_wal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reviews.sqlite3");
    let store = Store::open(&path).unwrap();
    assert_eq!(store.integrity_check().unwrap(), "ok");
    drop(store);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let app: i32 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .unwrap();
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(app, APPLICATION_ID);
    assert_eq!(version, SCHEMA_VERSION);
    assert_eq!(mode, "wal");
    // Reopening an up-to-date database works and changes nothing in its header.
    drop(conn);
    Store::open(&path).unwrap();
}

#[test]
fn an_empty_file_becomes_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.sqlite3");
    fs::write(&path, b"").unwrap();
    Store::open(&path).unwrap();
    assert!(fs::metadata(&path).unwrap().len() > 0);
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.md");
    let content = b"## What is Term?\n\nA logical clock.\n".repeat(20);
    fs::write(&path, &content).unwrap();
    let before = companions(&path);
    let error = Store::open(&path).err().expect("refused");
    assert!(matches!(error, Error::NotSqlite { .. }), "{error:?}");
    assert!(error.to_string().contains("notes.md"), "{error}");
    assert!(error.help().contains("--db"), "{}", error.help());
    assert_same(&snapshot(&path), &content, "untouched");
    assert_eq!(companions(&path), before, "no -wal or -shm files appear");
}

#[test]
fn another_programs_sqlite_database_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.sqlite3");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE cards (x); INSERT INTO cards VALUES (1);")
            .unwrap();
    }
    let bytes = snapshot(&path);
    let before = companions(&path);
    let error = Store::open(&path).err().expect("refused");
    assert!(matches!(error, Error::NotOurs { .. }), "{error:?}");
    assert!(error.to_string().contains("not an mdcards review database"));
    assert_same(&snapshot(&path), &bytes, "untouched");
    assert_eq!(companions(&path), before);

    // Another program's application id is refused too.
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "application_id", 0x0F055112)
            .unwrap();
    }
    let bytes = snapshot(&path);
    assert!(matches!(Store::open(&path), Err(Error::NotOurs { .. })));
    assert_same(&snapshot(&path), &bytes, "untouched");
}

#[test]
fn a_database_from_a_newer_mdcards_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reviews.sqlite3");
    drop(Store::open(&path).unwrap());
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    }
    let bytes = snapshot(&path);
    let before = companions(&path);
    let error = Store::open(&path).err().expect("refused");
    let Error::Newer {
        found, supported, ..
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!((*found, *supported), (SCHEMA_VERSION + 1, SCHEMA_VERSION));
    assert!(error.help().contains("upgrade mdcards"));
    assert_same(&snapshot(&path), &bytes, "untouched");
    assert_eq!(companions(&path), before);
}

#[test]
fn a_damaged_database_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reviews.sqlite3");
    drop(Store::open(&path).unwrap());
    // Damage the header's magic: SQLite could not even open it.
    let mut bytes = snapshot(&path);
    bytes[3] ^= 0xFF;
    fs::write(&path, &bytes).unwrap();
    assert!(matches!(Store::open(&path), Err(Error::NotSqlite { .. })));
    assert_same(&snapshot(&path), &bytes, "untouched");

    // Truncated below its header.
    fs::write(&path, &bytes[..50]).unwrap();
    assert!(matches!(Store::open(&path), Err(Error::NotSqlite { .. })));
    assert_same(&snapshot(&path), &bytes[..50], "untouched");
}

#[test]
fn a_database_damaged_inside_fails_with_a_clear_error_before_writing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reviews.sqlite3");
    {
        let mut store = Store::open(&path).unwrap();
        let cards: Vec<NoteCard> = (0..200)
            .map(|i| NoteCard {
                card: Card {
                    id: CardId::from_front("Raft", &format!("Question {i}?")),
                    pinned: false,
                    kind: mdcards::deck::CardKind::Basic,
                    deck: "Raft".into(),
                    front: format!("Question {i}?"),
                    back: "An answer long enough to fill a few pages of the database.".into(),
                    tags: vec![],
                    media: vec![],
                    scenario: None,
                    location: Location {
                        file: "a.md".into(),
                        line: i * 4 + 1,
                        col: 1,
                    },
                },
                source: "a.md".into(),
                position: i,
                hash: 0,
                note: i,
            })
            .map(|note| NoteCard {
                hash: mdcards::store::sync::content_hash(&note.card),
                ..note
            })
            .collect();
        let scope = Scope {
            files: vec!["a.md".into()],
            folders: vec![],
        };
        let input = SyncInput {
            cards: &cards,
            files: &[],
            scope: &scope,
            now: Timestamp(0),
            dry_run: false,
        };
        store.sync(&input).unwrap();
    }
    let mut bytes = snapshot(&path);
    // Overwrite everything after the first page (the schema) with noise.
    let page = u16::from_be_bytes([bytes[16], bytes[17]]) as usize;
    assert!(bytes.len() > 4 * page, "several pages");
    for (i, byte) in bytes.iter_mut().enumerate().skip(page) {
        *byte = (i * 7 + 13) as u8;
    }
    fs::write(&path, &bytes).unwrap();

    // What a quiz does first: open, then sync the notes.
    let outcome = Store::open(&path).and_then(|mut store| {
        let scope = Scope {
            files: vec!["a.md".into()],
            folders: vec![],
        };
        store.sync(&SyncInput {
            cards: &[],
            files: &[],
            scope: &scope,
            now: Timestamp(1),
            dry_run: false,
        })
    });
    let error = outcome.expect_err("damage noticed");
    assert!(matches!(error, Error::Corrupt { .. }), "{error:?}");
    assert!(error.to_string().contains("is damaged"), "{error}");
    assert!(error.help().contains("integrity_check"));
    assert_same(&snapshot(&path), &bytes, "nothing was written");
}

#[test]
fn a_folder_in_the_way_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let error = Store::open(dir.path()).err().expect("refused");
    assert!(error.to_string().contains("folder"), "{error}");
}

#[test]
fn a_read_only_place_is_a_clear_error() {
    // /proc refuses new files even to root, unlike a chmod-ed folder.
    let path = Path::new("/proc/mdcards-test/reviews.sqlite3");
    let error = Store::open(path).err().expect("refused");
    assert!(
        matches!(error, Error::ReadOnly { .. } | Error::Io { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("/proc/mdcards-test"), "{error}");
    assert!(error.help().contains("--db"));
}
