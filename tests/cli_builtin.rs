//! The built-in deck and one's own notes: a notes file titled like the built-in deck, with
//! the same questions, is a deck of its own; stores from before built-in ids had their own
//! namespace are migrated without a visible change.

use mdcards::deck::CardId;
use mdcards::store::sync::layout;

mod common;
use common::Place;

const BUILT_IN: &str = include_str!("../decks/raft.md");

impl Place {
    /// stderr and stdout of a run that must succeed, as one text.
    fn output(&self, args: &[&str], input: &str) -> String {
        let output = self
            .mdcards()
            .args(args)
            .write_stdin(input)
            .assert()
            .success()
            .get_output()
            .clone();
        format!(
            "{}{}",
            String::from_utf8(output.stderr).unwrap(),
            String::from_utf8(output.stdout).unwrap()
        )
    }

    fn count(&self, sql: &str) -> i64 {
        let conn = rusqlite::Connection::open(self.db()).unwrap();
        conn.query_row(sql, [], |row| row.get(0)).unwrap()
    }
}

/// The first card of the built-in deck, as stored: (id, front).
fn first_built_in_card(place: &Place) -> (String, String) {
    let conn = rusqlite::Connection::open(place.db()).unwrap();
    conn.query_row(
        "SELECT c.id, c.front FROM cards c JOIN sources s ON s.id = c.source_id \
         WHERE s.path LIKE '<built-in>/%' ORDER BY c.rowid LIMIT 1",
        [],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )
    .unwrap()
}

#[test]
fn own_notes_titled_like_the_built_in_deck_are_a_deck_of_their_own() {
    let place = Place::new();
    // A review of the built-in deck's first card.
    place.output(&["quiz", "--plain"], "\n3\nq\n");
    let (built_in_id, front) = first_built_in_card(&place);
    // The same deck written out as one's own notes, with a tag of one's own.
    let own = BUILT_IN.replacen("tags: [raft]", "tags: [raft, mine]", 1);
    assert_ne!(own, BUILT_IN);
    place.write("notes/raft.md", &own);

    let first = place.output(&["sync", "notes"], "");
    assert!(
        first.starts_with("34 added, 0 updated, 0 renamed, 0 retired"),
        "{first}"
    );
    // Alternate syncs change nothing: no card moves between the two.
    for args in [
        &["sync"][..],
        &["sync", "notes"],
        &["sync"],
        &["sync", "notes"],
    ] {
        let report = place.output(args, "");
        assert!(
            report.starts_with("0 added, 0 updated, 0 renamed, 0 retired (34 unchanged)"),
            "{args:?}: {report}"
        );
    }
    assert_eq!(place.count("SELECT count(*) FROM cards"), 68);
    // The review stays with the built-in card; its twin in the notes is new.
    assert_eq!(first_built_in_card(&place).0, built_in_id);
    assert_eq!(
        place.count(&format!(
            "SELECT count(*) FROM reviews WHERE card_id = '{built_in_id}'"
        )),
        1
    );
    let own_id = CardId::from_front("Raft", &front);
    assert_ne!(own_id.as_str(), built_in_id);
    assert_eq!(
        place.count(&format!(
            "SELECT reps FROM cards WHERE id = '{}' AND tags LIKE '%mine%'",
            own_id.as_str()
        )),
        0
    );
    assert_eq!(
        place.count(&format!(
            "SELECT count(*) FROM cards WHERE id = '{built_in_id}' AND tags NOT LIKE '%mine%'"
        )),
        1
    );
}

#[test]
fn a_store_from_before_built_in_ids_is_migrated_quietly() {
    let place = Place::new();
    place.output(&["quiz", "--plain"], "\n3\nq\n");
    let (built_in_id, front) = first_built_in_card(&place);
    // Make it the store an earlier mdcards left: built-in cards under their plain hash
    // (in cards, reviews and the file's layout), schema version 3.
    {
        let conn = rusqlite::Connection::open(place.db()).unwrap();
        let cards: Vec<(String, String, String)> = conn
            .prepare("SELECT id, deck, front FROM cards")
            .unwrap()
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let mut legacy = std::collections::HashMap::new();
        for (id, deck, front) in cards {
            let old = CardId::from_front(&deck, &front).as_str().to_owned();
            conn.execute("UPDATE cards SET id = ?1 WHERE id = ?2", [&old, &id])
                .unwrap();
            conn.execute(
                "UPDATE reviews SET card_id = ?1 WHERE card_id = ?2",
                [&old, &id],
            )
            .unwrap();
            legacy.insert(id, old);
        }
        let (source, blob): (i64, Vec<u8>) = conn
            .query_row("SELECT id, layout FROM sources", [], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .unwrap();
        let mut places: Vec<_> = layout::decode(&blob).into_iter().collect();
        places.sort_by_key(|(_, place)| place.position);
        let old_layout = layout::encode(places.iter().map(|(id, p)| (legacy[id].as_str(), p.line)));
        conn.execute(
            "UPDATE sources SET layout = ?1 WHERE id = ?2",
            rusqlite::params![old_layout, source],
        )
        .unwrap();
        conn.pragma_update(None, "user_version", 3).unwrap();
    }
    assert_eq!(
        place.count(&format!(
            "SELECT count(*) FROM reviews WHERE card_id = '{}'",
            CardId::from_front("Raft", &front).as_str()
        )),
        1
    );

    let report = place.output(&["sync"], "");
    assert!(
        report.starts_with("0 added, 0 updated, 0 renamed, 0 retired (34 unchanged)"),
        "{report}"
    );
    assert_eq!(first_built_in_card(&place).0, built_in_id);
    assert_eq!(
        place.count(&format!(
            "SELECT count(*) FROM reviews WHERE card_id = '{built_in_id}'"
        )),
        1
    );
    assert_eq!(place.count("PRAGMA user_version"), 4);
    // The layout names the new ids: the card's line is found again.
    let conn = rusqlite::Connection::open(place.db()).unwrap();
    let blob: Vec<u8> = conn
        .query_row("SELECT layout FROM sources", [], |row| row.get(0))
        .unwrap();
    assert!(layout::find(&blob, &built_in_id).is_some());
}
