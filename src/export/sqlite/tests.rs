//! Every file written here is read back through SQLite: its `integrity_check` (page use,
//! b-tree order, cell bounds, index entries against rows) and the rows themselves.

use proptest::prelude::*;
use rusqlite::Connection;
use rusqlite::types::Value as Stored;

use super::*;

const TABLE_SQL: &str = "CREATE TABLE t (id integer primary key, a text not null, b integer)";
const INDEX_SQL: &str = "CREATE INDEX ix_t_b on t (b)";

#[derive(Clone, Debug)]
struct Row {
    id: i64,
    a: String,
    b: Option<i64>,
}

/// `rows` (in id order) as table `t` with an index on `b`.
fn database(rows: &[Row]) -> Database<Vec<u8>> {
    let mut db = Database::new(Vec::new());
    let mut tree = TableTree::new();
    let mut record = Vec::new();
    for row in rows {
        record.clear();
        let b = row.b.map_or(Value::Null, Value::Int);
        encode(&[Value::Null, Value::Text(&row.a), b], &mut record);
        tree.insert(db.pages(), row.id, &record).unwrap();
    }
    db.add_table("t", TABLE_SQL, tree).unwrap();
    // Index order: NULLs first, then by value, ties by rowid.
    let mut keys: Vec<(Option<i64>, i64)> = rows.iter().map(|row| (row.b, row.id)).collect();
    keys.sort();
    let mut records = IndexRecords::default();
    for (b, id) in keys {
        let b = b.map_or(Value::Null, Value::Int);
        records
            .push(|out| encode(&[b, Value::Int(id)], out))
            .unwrap();
    }
    db.add_index("ix_t_b", "t", INDEX_SQL, &records).unwrap();
    db
}

fn read_back(path: &std::path::Path, db: Database<Vec<u8>>) -> Vec<(i64, String, Option<i64>)> {
    let (rest, first) = db.finish().unwrap();
    let conn = testing::save_checked(path, &first, &rest);
    conn.prepare("select id, a, b from t order by id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn assert_round_trip(rows: &[Row]) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.sqlite3");
    let read = read_back(&path, database(rows));
    let expected: Vec<(i64, String, Option<i64>)> = rows
        .iter()
        .map(|row| (row.id, row.a.clone(), row.b))
        .collect();
    assert_eq!(read.len(), expected.len());
    assert!(read == expected, "rows differ from those written");
}

/// Texts around the sizes where payloads start to overflow, and fill exact overflow pages.
fn text_len() -> impl Strategy<Value = usize> {
    prop_oneof![
        4 => 0usize..200,
        1 => 4055usize..4070,
        1 => (0usize..3).prop_map(|pages| 489 + pages * 4092 + 3572),
        1 => (0usize..3).prop_map(|pages| 489 + pages * 4092 + 3573),
        1 => 0usize..20_000,
    ]
}

fn rows() -> impl Strategy<Value = Vec<Row>> {
    prop::collection::vec(
        (
            1i64..1_000_000,
            text_len(),
            any::<u8>(),
            prop::option::of(any::<i64>()),
        ),
        0..400,
    )
    .prop_map(|parts| {
        let mut id = i64::MIN / 2;
        parts
            .into_iter()
            .map(|(gap, len, letter, b)| {
                id += gap;
                let letter = char::from(b'a' + letter % 26);
                Row {
                    id,
                    // Not all ASCII: multi-byte characters must not split a byte count.
                    a: std::iter::repeat_n(letter, len.saturating_sub(1))
                        .chain((len > 0).then_some('é'))
                        .collect(),
                    b: b.map(|b| b % 1000),
                }
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn any_rows_read_back_whole_and_pass_the_integrity_check(rows in rows()) {
        assert_round_trip(&rows);
    }

    #[test]
    fn integer_affinity_is_what_sqlite_stores(text in "[ \t\n\x0b\x0c\r0-9+.eExa-]{0,12}") {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("create table t (x integer)").unwrap();
        conn.execute("insert into t values (?1)", [&text]).unwrap();
        let stored: Stored = conn.query_row("select x from t", [], |r| r.get(0)).unwrap();
        let ours = match integer_affinity(&text).unwrap() {
            Value::Int(i) => Stored::Integer(i),
            Value::Real(r) => Stored::Real(r),
            Value::Text(t) => Stored::Text(t.to_owned()),
            other => panic!("{other:?}"),
        };
        prop_assert_eq!(ours, stored);
    }
}

#[test]
fn many_rows_build_three_levels_of_interior_pages() {
    // ~600 table leaves and ~900 index leaves: the index needs a third level.
    let rows: Vec<Row> = (0..250_000)
        .map(|i| Row {
            id: i * 3 + 1,
            a: format!("{i}"),
            b: Some((i * 7919) % 100_003),
        })
        .collect();
    assert_round_trip(&rows);
}

#[test]
fn an_empty_table_and_index_are_one_empty_leaf_each() {
    assert_round_trip(&[]);
}

#[test]
fn rows_out_of_order_are_refused() {
    let mut db: Database<Vec<u8>> = Database::new(Vec::new());
    let mut tree = TableTree::new();
    tree.insert(db.pages(), 5, b"\x02\x00").unwrap();
    let error = tree.insert(db.pages(), 5, b"\x02\x00").unwrap_err();
    assert!(error.to_string().contains("rowid order"), "{error}");
}

#[test]
fn integer_affinity_keeps_words_as_text_and_numbers_as_numbers() {
    for (text, expected) in [
        ("What is Raft?", Value::Text("What is Raft?")),
        ("42", Value::Int(42)),
        (" 42 ", Value::Int(42)),
        ("1e3", Value::Int(1000)),
        ("2.5", Value::Real(2.5)),
        ("12 monkeys", Value::Text("12 monkeys")),
        ("0x10", Value::Text("0x10")),
        ("", Value::Text("")),
    ] {
        assert_eq!(integer_affinity(text).unwrap(), expected, "{text:?}");
    }
}
