//! The collection read back through SQLite: rows, types, decks, ids and indexes.

use super::*;
use rusqlite::Connection;

#[test]
fn deck_ids_are_stable_case_blind_and_in_range() {
    let id = deck_id("Mohan::DeepWork::Raft");
    assert_eq!(id, deck_id("mohan::deepwork::raft"));
    assert_ne!(id, deck_id("Mohan::DeepWork"));
    assert!((1_000_000_000_000..1_500_000_000_000).contains(&id));
    // Frozen: ids only ever help Anki keep a deck's identity, but keep them stable.
    assert_eq!(deck_id("Raft"), deck_id("RAFT"));
}

#[test]
fn deck_names_are_normalised() {
    assert_eq!(normalise_deck(" A :: B::::C "), "A::B::C");
    assert_eq!(normalise_deck("::"), "Default");
}

#[test]
fn checksum_matches_anki() {
    // Python: int(hashlib.sha1(b"What is Term?").hexdigest()[:8], 16)
    assert_eq!(field_checksum("What is Term?"), 2_402_535_019);
}

fn new_writer(models: Vec<NoteType>, total: usize, now: i64) -> CollectionWriter<Vec<u8>> {
    CollectionWriter::new(
        Vec::new(),
        Path::new("c.anki2"),
        models,
        total,
        crate::export::Stamp::at(now),
    )
}

/// Page 1, then the rest: the collection as a file.
fn save(path: &Path, writer: CollectionWriter<Vec<u8>>) -> Connection {
    let (rest, first) = writer.finish().unwrap();
    crate::export::sqlite::testing::save_checked(path, &first, &rest)
}

fn stored(guid: &str, deck: &str) -> StoredNote {
    StoredNote::new(
        RenderedNote {
            guid: guid.to_owned(),
            deck: deck.to_owned(),
            model: crate::export::BASIC_MODEL_ID,
            fields: vec![
                format!("<b>{guid}</b>?"),
                "back".to_owned(),
                "f.md:1".to_owned(),
            ],
            tags: vec!["a".to_owned(), "b_c".to_owned()],
        },
        1_767_323_045,
    )
    .unwrap()
}

#[test]
fn notes_in_alternating_decks_get_one_card_each_in_the_right_deck() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.anki2");
    let now = 1_767_323_045_123;
    let model = crate::export::basic().unwrap();
    let mut writer = new_writer(vec![model], 4, now);
    for (guid, deck) in [("n1", "A::B"), ("n2", "C"), ("n3", "C"), ("n4", "a::b")] {
        writer.add(stored(guid, deck)).unwrap();
    }
    assert_eq!(writer.deck_count(), 3, "A, A::B and C; a::b is A::B");
    let conn = save(&path, writer);
    let rows: Vec<(i64, i64, i64, i64, String, String, String)> = conn
        .prepare(
            "select c.id, c.did, c.due, n.id, n.guid, n.sfld, n.tags
             from cards c join notes n on n.id = c.nid order by c.due",
        )
        .unwrap()
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), 4);
    let decks: Vec<i64> = rows.iter().map(|r| r.1).collect();
    assert_eq!(
        decks,
        [deck_id("A::B"), deck_id("C"), deck_id("C"), deck_id("A::B")]
    );
    assert_eq!(rows.iter().map(|r| r.2).collect::<Vec<_>>(), [1, 2, 3, 4]);
    assert_eq!(rows.last().unwrap().0, now, "the last card id is now");
    assert_eq!(rows.last().unwrap().3, now, "the last note id is now");
    assert_eq!(rows[0].4, "n1");
    assert_eq!(rows[0].5, "n1?");
    assert_eq!(rows[0].6, " a b_c ");
    let (mod_secs, ver): (i64, i64) = conn
        .query_row("select mod / 1000, ver from col", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((mod_secs, ver), (now / 1000, 11));
    let indexes: i64 = conn
        .query_row(
            "select count() from sqlite_master where type = 'index' and name like 'ix_%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(indexes, 7);
}

#[test]
fn wrong_field_count_and_repeated_guid_are_refused() {
    let model = crate::export::basic().unwrap();
    let mut writer = new_writer(vec![model], 3, 1_000_000);
    let mut short = stored("x", "D");
    short.field_count = 2;
    assert!(matches!(
        writer.add(short),
        Err(ExportError::FieldCount {
            expected: 3,
            found: 2,
            ..
        })
    ));
    writer.add(stored("y", "D")).unwrap();
    assert!(matches!(
        writer.add(stored("y", "D")),
        Err(ExportError::DuplicateGuid(_))
    ));
}

/// Every row as SQLite reads it back, typed (an integer is not the text of one).
fn rows(conn: &Connection, table: &str) -> Vec<Vec<rusqlite::types::Value>> {
    let mut statement = conn
        .prepare(&format!("select * from {table} order by rowid"))
        .unwrap();
    let columns = statement.column_count();
    statement
        .query_map([], |row| (0..columns).map(|i| row.get(i)).collect())
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn the_file_holds_what_inserting_through_sqlite_would() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.anki2");
    let model = crate::export::basic().unwrap();
    let mut writer = new_writer(vec![model], 4, 1_767_323_045_123);
    let note = |guid: &str, front: String, back: String| {
        let fields = vec![front, back, "f.md:2".to_owned()];
        let note = RenderedNote {
            guid: guid.to_owned(),
            deck: "D::E".to_owned(),
            model: crate::export::BASIC_MODEL_ID,
            fields,
            tags: Vec::new(),
        };
        StoredNote::new(note, 1_767_323_045).unwrap()
    };
    // A numeric front is stored as a number (`sfld` is declared integer), and a note
    // larger than a page overflows onto pages of its own.
    let numeric = note("n2", "42".to_owned(), "b".to_owned());
    let long = note("n3", "x".repeat(9000), "é".repeat(5000));
    for note in [stored("n1", "D"), numeric, long, stored("n4", "D")] {
        writer.add(note).unwrap();
    }
    let ours = save(&path, writer);
    // The same schema and rows through SQLite: its column affinities give each value
    // the type SQLite would have stored.
    let reference = Connection::open_in_memory().unwrap();
    let schema: Vec<(String, String)> = ours
        .prepare("select name, sql from sqlite_master where type = 'table'")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        schema
            .iter()
            .map(|(name, _)| name.as_str())
            .collect::<Vec<_>>(),
        ["col", "notes", "cards", "revlog", "graves"]
    );
    for (table, sql) in &schema {
        reference.execute_batch(sql).unwrap();
        let written = rows(&ours, table);
        for row in &written {
            let marks = vec!["?"; row.len()].join(", ");
            reference
                .execute(
                    &format!("insert into {table} values ({marks})"),
                    rusqlite::params_from_iter(row),
                )
                .unwrap();
        }
        assert_eq!(rows(&reference, table), written, "table {table}");
    }
    let sort_fields: Vec<rusqlite::types::Value> = ours
        .prepare("select sfld from notes order by id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(sort_fields[1], rusqlite::types::Value::Integer(42));
    let flds: String = ours
        .query_row("select flds from notes where guid = 'n3'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        flds.len(),
        9000 + 10_000 + 2 + 6,
        "the overflowing row reads back whole"
    );
}

#[test]
fn a_large_collection_in_several_decks_passes_the_integrity_check() {
    // Enough notes that every index has interior pages, in decks that interleave so
    // `ix_cards_sched` is sorted rather than already in order.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.anki2");
    let total = 20_000;
    let model = crate::export::basic().unwrap();
    let mut writer = new_writer(vec![model], total, 1_767_323_045_123);
    let decks = ["A::B", "C", "A"];
    for index in 0..total {
        writer
            .add(stored(&format!("n{index}"), decks[index / 7 % 3]))
            .unwrap();
    }
    let conn = save(&path, writer);
    let in_deck_c: i64 = conn
        .query_row(
            "select count() from cards indexed by ix_cards_sched where did = ?1 and queue = 0",
            [deck_id("C")],
            |r| r.get(0),
        )
        .unwrap();
    let expected = (0..total).filter(|index| index / 7 % 3 == 1).count();
    assert_eq!(in_deck_c as usize, expected);
    let by_checksum: i64 = conn
        .query_row(
            "select count() from notes indexed by ix_notes_csum where csum = ?1",
            [field_checksum("n123?")],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(by_checksum, 1);
}
