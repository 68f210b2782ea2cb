//! `collection.anki2`: the legacy (schema 11) Anki collection, written as a SQLite file.
//!
//! Follows rslib's `storage/schema11.sql` and the facts in the project's Anki package
//! reference: `mod` of notes and note types in seconds (Anki applies an update only when it
//! is newer than what the collection has), ids in milliseconds and never later than now,
//! guids from card ids, one card per template per note, decks nested by `::`. Rows are
//! stored in the order SQLite would give them (see `sqlite`), so the file is what
//! inserting them through SQLite gave, down to the column types.

use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::{Value as Json, json};
use sha1::Sha1;
use sha2::{Digest, Sha256};

use super::ExportError;
use super::html::strip_html;
use super::model::NoteType;
use super::render::RenderedNote;
use super::sqlite::{
    Database, FirstPage, IndexRecords, TableTree, Value, encode, integer_affinity,
};

/// The tables, in the order Anki's schema creates them, as `sqlite_master` records them.
const COL_SQL: &str = "CREATE TABLE col (
    id integer primary key, crt integer not null, mod integer not null,
    scm integer not null, ver integer not null, dty integer not null,
    usn integer not null, ls integer not null, conf text not null,
    models text not null, decks text not null, dconf text not null, tags text not null
)";
const NOTES_SQL: &str = "CREATE TABLE notes (
    id integer primary key, guid text not null, mid integer not null,
    mod integer not null, usn integer not null, tags text not null,
    flds text not null, sfld integer not null, csum integer not null,
    flags integer not null, data text not null
)";
const CARDS_SQL: &str = "CREATE TABLE cards (
    id integer primary key, nid integer not null, did integer not null,
    ord integer not null, mod integer not null, usn integer not null,
    type integer not null, queue integer not null, due integer not null,
    ivl integer not null, factor integer not null, reps integer not null,
    lapses integer not null, left integer not null, odue integer not null,
    odid integer not null, flags integer not null, data text not null
)";
const REVLOG_SQL: &str = "CREATE TABLE revlog (
    id integer primary key, cid integer not null, usn integer not null,
    ease integer not null, ivl integer not null, lastIvl integer not null,
    factor integer not null, time integer not null, type integer not null
)";
const GRAVES_SQL: &str =
    "CREATE TABLE graves (usn integer not null, oid integer not null, type integer not null)";

/// Deck ids live in [1e12, 1.5e12): millisecond timestamps of 2001-2017, so never later
/// than now, never Anki's Default deck (1), and a pure function of the (case-folded) name:
/// the same deck gets the same id in every export.
pub fn deck_id(name: &str) -> i64 {
    let digest = Sha256::new()
        .chain_update(b"mdcards deck\x1f")
        .chain_update(name.to_lowercase().as_bytes())
        .finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    1_000_000_000_000 + (u64::from_be_bytes(first) % 500_000_000_000) as i64
}

/// `A :: B::::C ` -> `A::B::C`, as Anki names it; an empty name is Anki's `Default`.
pub fn normalise_deck(name: &str) -> String {
    let parts: Vec<&str> = name
        .split("::")
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect();
    if parts.is_empty() {
        "Default".to_owned()
    } else {
        parts.join("::")
    }
}

/// First 4 bytes (big-endian) of SHA-1 of the stripped first field, as Anki computes `csum`.
fn field_checksum(stripped: &str) -> i64 {
    let digest = Sha1::digest(stripped.as_bytes());
    i64::from(u32::from_be_bytes([
        digest[0], digest[1], digest[2], digest[3],
    ]))
}

/// A rendered note as the `notes` table stores it, encoded on the rendering threads so
/// the one thread that writes the file does little but copy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredNote {
    pub guid: String,
    pub deck: String,
    pub model: i64,
    pub field_count: usize,
    /// `csum`: the checksum of the first field without markup.
    pub checksum: i64,
    /// The `notes` row as a SQLite record (its id is the rowid, given when it is stored).
    pub record: Vec<u8>,
}

impl StoredNote {
    /// `now_secs` is the note's `mod`.
    pub fn new(note: RenderedNote, now_secs: i64) -> Result<StoredNote, ExportError> {
        let sort_field = note
            .fields
            .first()
            .map(|f| strip_html(f))
            .unwrap_or_default();
        let checksum = field_checksum(&sort_field);
        let tags = if note.tags.is_empty() {
            String::new()
        } else {
            format!(" {} ", note.tags.join(" "))
        };
        let mut record = Vec::new();
        encode(
            &[
                Value::Null, // id: the rowid
                Value::Text(&note.guid),
                Value::Int(note.model),
                Value::Int(now_secs),
                Value::Int(-1), // usn: not yet synced
                Value::Text(&tags),
                Value::Joined(&note.fields, 0x1f),
                // `sfld` is declared integer: a numeric front is stored as a number.
                integer_affinity(&sort_field)?,
                Value::Int(checksum),
                Value::Int(0), // flags
                Value::Text(""),
            ],
            &mut record,
        );
        Ok(StoredNote {
            guid: note.guid,
            deck: note.deck,
            model: note.model,
            field_count: note.fields.len(),
            checksum,
            record,
        })
    }
}

/// The collection being written to `W`, page 2 onwards (see `sqlite`).
pub struct CollectionWriter<W> {
    /// The file named when writing fails.
    path: PathBuf,
    db: Database<W>,
    notes: TableTree,
    cards: TableTree,
    now_ms: i64,
    now_secs: i64,
    models: Vec<NoteType>,
    /// Lower-cased name -> (id, name as first written). Anki matches decks case-insensitively.
    decks: BTreeMap<String, (i64, String)>,
    guids: HashSet<String>,
    last_deck: Option<(String, i64)>,
    /// Notes expected in total: ids count back from now so the last one is `now`.
    total: usize,
    written: usize,
    /// The records of the indexes whose keys grow with the rows, as the rows are added.
    notes_usn: IndexRecords,
    cards_usn: IndexRecords,
    cards_nid: IndexRecords,
    /// `(csum, note id)` of each note, for `ix_notes_csum`.
    checksums: Vec<(i64, i64)>,
    /// `(deck, due, id)` of each card, for `ix_cards_sched`.
    schedule: Vec<(i64, i64, i64)>,
    card_record: Vec<u8>,
    /// Card ids each note keeps room for: the most templates of any note type.
    card_room: i64,
}

impl<W: Write> CollectionWriter<W> {
    /// `path` is what an error writing `out` names.
    pub fn new(
        out: W,
        path: &Path,
        models: Vec<NoteType>,
        total: usize,
        now_ms: i64,
    ) -> CollectionWriter<W> {
        let most_templates = models.iter().map(|model| model.templates.len());
        let card_room = most_templates.max().unwrap_or(1).max(1);
        let cards = total * card_room;
        let card_room = card_room as i64;
        CollectionWriter {
            path: path.to_owned(),
            db: Database::new(out),
            notes: TableTree::new(),
            cards: TableTree::new(),
            now_ms,
            now_secs: now_ms.div_euclid(1000),
            models,
            decks: BTreeMap::new(),
            guids: HashSet::with_capacity(total),
            last_deck: None,
            total,
            written: 0,
            notes_usn: IndexRecords::with_capacity(total, total * 8),
            cards_usn: IndexRecords::with_capacity(cards, cards * 8),
            cards_nid: IndexRecords::with_capacity(cards, cards * 16),
            checksums: Vec::with_capacity(total),
            schedule: Vec::with_capacity(cards),
            card_room,
            card_record: Vec::new(),
        }
    }

    /// Add one note and its cards (one per template), numbered in the order they are added.
    pub fn add(&mut self, note: StoredNote) -> Result<(), ExportError> {
        let model = self
            .models
            .iter()
            .find(|model| model.id == note.model)
            .ok_or(ExportError::UnknownNoteType(note.model))?;
        if note.field_count != model.fields.len() {
            return Err(ExportError::FieldCount {
                guid: note.guid,
                expected: model.fields.len(),
                found: note.field_count,
            });
        }
        let templates = model.templates.len() as i64;
        if self.written >= self.total {
            return Err(ExportError::TooManyNotes(self.total));
        }
        let deck = self.deck(&note.deck);
        if self.guids.contains(&note.guid) {
            return Err(ExportError::DuplicateGuid(note.guid));
        }
        self.guids.insert(note.guid);
        let position = self.written as i64;
        // Unique, increasing, and the last note is stamped exactly `now`.
        let note_id = self.now_ms - self.total as i64 + 1 + position;
        let io = write_error(&self.path);
        self.notes
            .insert(self.db.pages(), note_id, &note.record)
            .map_err(&io)?;
        self.checksums.push((note.checksum, note_id));
        // Every `usn` is -1: the usn indexes are in id order.
        self.notes_usn
            .push(|out| encode(&[Value::Int(-1), Value::Int(note_id)], out))
            .map_err(&io)?;
        // Card ids count back from now like note ids, each note keeping room for the most
        // templates any note type has; a new card's `due` is its note's position, so Anki
        // shows them in file order.
        let room = self.card_room;
        let first_card = self.now_ms - self.total as i64 * room + 1 + position * room;
        for ord in 0..templates {
            let card_id = first_card + ord;
            let due = position + 1;
            self.card_record.clear();
            encode(
                &[
                    Value::Null, // id: the rowid
                    Value::Int(note_id),
                    Value::Int(deck),
                    Value::Int(ord),
                    Value::Int(self.now_secs),
                    Value::Int(-1), // usn
                    Value::Int(0),  // type: new
                    Value::Int(0),  // queue: new
                    Value::Int(due),
                    Value::Int(0), // ivl
                    Value::Int(0), // factor
                    Value::Int(0), // reps
                    Value::Int(0), // lapses
                    Value::Int(0), // left
                    Value::Int(0), // odue
                    Value::Int(0), // odid
                    Value::Int(0), // flags
                    Value::Text(""),
                ],
                &mut self.card_record,
            );
            self.cards
                .insert(self.db.pages(), card_id, &self.card_record)
                .map_err(&io)?;
            self.cards_usn
                .push(|out| encode(&[Value::Int(-1), Value::Int(card_id)], out))
                .map_err(&io)?;
            self.cards_nid
                .push(|out| encode(&[Value::Int(note_id), Value::Int(card_id)], out))
                .map_err(&io)?;
            self.schedule.push((deck, due, card_id));
        }
        self.written += 1;
        Ok(())
    }

    /// The deck's id, registering it and every parent (`A`, `A::B` for `A::B::C`).
    /// Consecutive notes usually share a deck: that case costs one string comparison.
    fn deck(&mut self, name: &str) -> i64 {
        if let Some((last, id)) = &self.last_deck
            && last == name
        {
            return *id;
        }
        let id = self.register_deck(name);
        self.last_deck = Some((name.to_owned(), id));
        id
    }

    fn register_deck(&mut self, name: &str) -> i64 {
        let name = normalise_deck(name);
        let mut end = 0;
        let mut id = 0;
        for part in name.split("::") {
            end += part.len();
            let path = &name[..end];
            id = self
                .decks
                .entry(path.to_lowercase())
                .or_insert_with(|| (deck_id(path), path.to_owned()))
                .0;
            end += 2;
        }
        id
    }

    /// Decks written so far, parents included.
    pub fn deck_count(&self) -> usize {
        self.decks.len()
    }

    /// Write the `col` row (note types, decks, options), the tables and the indexes;
    /// returns the output and page 1, which goes before it.
    pub fn finish(mut self) -> Result<(W, FirstPage), ExportError> {
        let io = write_error(&self.path);
        let mut col = TableTree::new();
        let mut record = Vec::new();
        let (conf, models, decks, dconf) = self.col_json();
        encode(
            &[
                Value::Null, // id: the rowid, 1
                Value::Int(self.now_secs),
                Value::Int(self.now_ms),
                Value::Int(self.now_ms),
                Value::Int(11), // ver: schema 11
                Value::Int(0),
                Value::Int(0),
                Value::Int(0),
                Value::Text(&conf),
                Value::Text(&models),
                Value::Text(&decks),
                Value::Text(&dconf),
                Value::Text("{}"),
            ],
            &mut record,
        );
        col.insert(self.db.pages(), 1, &record).map_err(&io)?;
        let notes = std::mem::take(&mut self.notes);
        let cards = std::mem::take(&mut self.cards);
        let db = &mut self.db;
        db.add_table("col", COL_SQL, col).map_err(&io)?;
        db.add_table("notes", NOTES_SQL, notes).map_err(&io)?;
        db.add_table("cards", CARDS_SQL, cards).map_err(&io)?;
        db.add_table("revlog", REVLOG_SQL, TableTree::new())
            .map_err(&io)?;
        db.add_table("graves", GRAVES_SQL, TableTree::new())
            .map_err(&io)?;
        for (name, table, sql, records) in self.index_records().map_err(&io)? {
            self.db.add_index(name, table, sql, &records).map_err(&io)?;
        }
        self.db.finish().map_err(&io)
    }

    /// Each index of Anki's schema with its records in key order: the indexed columns,
    /// then the rowid.
    #[allow(clippy::type_complexity)]
    fn index_records(
        &mut self,
    ) -> std::io::Result<Vec<(&'static str, &'static str, &'static str, IndexRecords)>> {
        // Queue is 0 (new) for every card. Usually one deck: already in order.
        if !self.schedule.is_sorted() {
            self.schedule.sort_unstable();
        }
        let mut cards_sched =
            IndexRecords::with_capacity(self.schedule.len(), self.schedule.len() * 24);
        for &(deck, due, id) in &self.schedule {
            let values = [
                Value::Int(deck),
                Value::Int(0),
                Value::Int(due),
                Value::Int(id),
            ];
            cards_sched.push(|out| encode(&values, out))?;
        }
        self.checksums.sort_unstable();
        let mut notes_csum = IndexRecords::with_capacity(self.written, self.written * 16);
        for &(checksum, id) in &self.checksums {
            notes_csum.push(|out| encode(&[Value::Int(checksum), Value::Int(id)], out))?;
        }
        let empty = IndexRecords::default;
        Ok(vec![
            (
                "ix_notes_usn",
                "notes",
                "CREATE INDEX ix_notes_usn on notes (usn)",
                std::mem::take(&mut self.notes_usn),
            ),
            (
                "ix_cards_usn",
                "cards",
                "CREATE INDEX ix_cards_usn on cards (usn)",
                std::mem::take(&mut self.cards_usn),
            ),
            (
                "ix_revlog_usn",
                "revlog",
                "CREATE INDEX ix_revlog_usn on revlog (usn)",
                empty(),
            ),
            (
                "ix_cards_nid",
                "cards",
                "CREATE INDEX ix_cards_nid on cards (nid)",
                std::mem::take(&mut self.cards_nid),
            ),
            (
                "ix_cards_sched",
                "cards",
                "CREATE INDEX ix_cards_sched on cards (did, queue, due)",
                cards_sched,
            ),
            (
                "ix_revlog_cid",
                "revlog",
                "CREATE INDEX ix_revlog_cid on revlog (cid)",
                empty(),
            ),
            (
                "ix_notes_csum",
                "notes",
                "CREATE INDEX ix_notes_csum on notes (csum)",
                notes_csum,
            ),
        ])
    }

    /// The `col` row's JSON: options, note types, decks and deck options.
    fn col_json(&self) -> (String, String, String, String) {
        let first_deck = self.decks.values().next().map(|(id, _)| *id);
        let models: serde_json::Map<String, Json> = self
            .models
            .iter()
            .map(|model| {
                (
                    model.id.to_string(),
                    model_json(model, self.now_secs, first_deck),
                )
            })
            .collect();
        let decks: serde_json::Map<String, Json> = self
            .decks
            .values()
            .map(|(id, name)| (id.to_string(), deck_json(*id, name, self.now_secs)))
            .collect();
        let conf = json!({
            "activeDecks": [1], "curDeck": 1, "newSpread": 0, "collapseTime": 1200,
            "timeLim": 0, "estTimes": true, "dueCounts": true,
            "curModel": self.models.first().map(|model| model.id.to_string()),
            "nextPos": self.written + 1, "sortType": "noteFld", "sortBackwards": false,
            "addToCur": true,
        });
        let dconf = json!({ "1": default_deck_options() });
        (
            conf.to_string(),
            Json::Object(models).to_string(),
            Json::Object(decks).to_string(),
            dconf.to_string(),
        )
    }
}

fn write_error(path: &Path) -> impl Fn(std::io::Error) -> ExportError + use<> {
    let path = path.to_owned();
    move |source| ExportError::Io {
        action: "write",
        path: path.clone(),
        source,
    }
}

fn model_json(model: &NoteType, now_secs: i64, deck: Option<i64>) -> Json {
    let fields: Vec<Json> = model
        .fields
        .iter()
        .enumerate()
        .map(|(ord, name)| {
            json!({
                "name": name, "ord": ord, "sticky": false, "rtl": false,
                "font": "Arial", "size": 20, "media": [],
            })
        })
        .collect();
    let templates: Vec<Json> = model
        .templates
        .iter()
        .enumerate()
        .map(|(ord, template)| {
            json!({
                "name": template.name, "ord": ord, "qfmt": template.question,
                "afmt": template.answer, "bqfmt": "", "bafmt": "", "did": null,
                "bfont": "", "bsize": 0,
            })
        })
        .collect();
    // Every template shows when the first field (Front) is non-empty.
    let requirements: Vec<Json> = (0..model.templates.len())
        .map(|ord| json!([ord, "any", [0]]))
        .collect();
    json!({
        "id": model.id,
        "name": model.name,
        "type": 0,
        "mod": now_secs,
        "usn": -1,
        "sortf": 0,
        "did": deck,
        "tmpls": templates,
        "flds": fields,
        "css": model.css,
        "latexPre": LATEX_PRE,
        "latexPost": "\\end{document}",
        "latexsvg": false,
        "req": requirements,
        "vers": [],
        "tags": [],
    })
}

const LATEX_PRE: &str = "\\documentclass[12pt]{article}\n\\special{papersize=3in,5in}\n\
\\usepackage[utf8]{inputenc}\n\\usepackage{amssymb,amsmath}\n\\pagestyle{empty}\n\
\\setlength{\\parindent}{0in}\n\\begin{document}\n";

fn deck_json(id: i64, name: &str, now_secs: i64) -> Json {
    json!({
        "id": id, "name": name, "mod": now_secs, "usn": -1, "desc": "", "dyn": 0,
        "conf": 1, "collapsed": false, "browserCollapsed": false,
        "extendNew": 0, "extendRev": 0,
        "newToday": [0, 0], "revToday": [0, 0], "lrnToday": [0, 0], "timeToday": [0, 0],
    })
}

/// Anki's classic default options group (id 1); importing with default options keeps the
/// user's own settings, this only makes the package a complete collection.
fn default_deck_options() -> Json {
    json!({
        "id": 1, "mod": 0, "name": "Default", "usn": 0, "maxTaken": 60, "autoplay": true,
        "timer": 0, "replayq": true, "dyn": false,
        "new": {
            "bury": false, "delays": [1.0, 10.0], "initialFactor": 2500, "ints": [1, 4, 0],
            "order": 1, "perDay": 20, "separate": true,
        },
        "rev": {
            "bury": false, "ease4": 1.3, "ivlFct": 1.0, "maxIvl": 36500, "perDay": 200,
            "hardFactor": 1.2, "fuzz": 0.05, "minSpace": 1,
        },
        "lapse": {
            "delays": [10.0], "leechAction": 1, "leechFails": 8, "minInt": 1, "mult": 0.0,
        },
    })
}

#[cfg(test)]
mod tests {
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
        CollectionWriter::new(Vec::new(), Path::new("c.anki2"), models, total, now)
    }

    /// Page 1, then the rest: the collection as a file.
    fn save(path: &Path, writer: CollectionWriter<Vec<u8>>) {
        let (rest, first) = writer.finish().unwrap();
        std::fs::write(path, [&first[..], &rest].concat()).unwrap();
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
        save(&path, writer);
        let conn = Connection::open(&path).unwrap();
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
        save(&path, writer);

        let ours = Connection::open(&path).unwrap();
        let check: String = ours
            .query_row("pragma integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok");
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
        save(&path, writer);
        let conn = Connection::open(&path).unwrap();
        let check: String = conn
            .query_row("pragma integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok");
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
}
