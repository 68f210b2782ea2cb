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

use sha1::Sha1;
use sha2::{Digest, Sha256};

mod col_json;

use col_json::col_json;

use super::html::strip_html;
use super::model::NoteType;
use super::render::RenderedNote;
use super::sqlite::{
    Database, FirstPage, IndexRecords, TableTree, Value, encode, integer_affinity,
};
use super::{ExportError, Stamp};

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
    /// `note_mod` is the note's `mod`, in seconds.
    pub fn new(note: RenderedNote, note_mod: i64) -> Result<StoredNote, ExportError> {
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
                Value::Int(note_mod),
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
    stamp: Stamp,
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
        stamp: Stamp,
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
            stamp,
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
        let note_id = self.stamp.now_ms - self.total as i64 + 1 + position;
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
        let first_card = self.stamp.now_ms - self.total as i64 * room + 1 + position * room;
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
                    Value::Int(self.stamp.note_mod),
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
        let json = col_json(&self.models, &self.decks, self.written, self.stamp.note_mod);
        let now_secs = self.stamp.now_ms.div_euclid(1000);
        encode(
            &[
                Value::Null, // id: the rowid, 1
                Value::Int(now_secs),
                Value::Int(self.stamp.now_ms),
                Value::Int(self.stamp.now_ms),
                Value::Int(11), // ver: schema 11
                Value::Int(0),
                Value::Int(0),
                Value::Int(0),
                Value::Text(&json.conf),
                Value::Text(&json.models),
                Value::Text(&json.decks),
                Value::Text(&json.dconf),
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
}

fn write_error(path: &Path) -> impl Fn(std::io::Error) -> ExportError + use<> {
    let path = path.to_owned();
    move |source| ExportError::Io {
        action: "write",
        path: path.clone(),
        source,
    }
}

#[cfg(test)]
mod tests;
