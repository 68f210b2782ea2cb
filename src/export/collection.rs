//! `collection.anki2`: the legacy (schema 11) Anki collection, written with rusqlite.
//!
//! Follows rslib's `storage/schema11.sql` and the facts in the project's Anki package
//! reference: `mod` of notes and note types in seconds (Anki applies an update only when it
//! is newer than what the collection has), ids in milliseconds and never later than now,
//! guids from card ids, one card per template per note, decks nested by `::`.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use rusqlite::{Connection, params};
use serde_json::{Value, json};
use sha1::Sha1;
use sha2::{Digest, Sha256};

use super::ExportError;
use super::html::strip_html;
use super::model::NoteType;
use super::render::RenderedNote;

const SCHEMA: &str = "
create table col (
    id integer primary key, crt integer not null, mod integer not null,
    scm integer not null, ver integer not null, dty integer not null,
    usn integer not null, ls integer not null, conf text not null,
    models text not null, decks text not null, dconf text not null, tags text not null
);
create table notes (
    id integer primary key, guid text not null, mid integer not null,
    mod integer not null, usn integer not null, tags text not null,
    flds text not null, sfld integer not null, csum integer not null,
    flags integer not null, data text not null
);
create table cards (
    id integer primary key, nid integer not null, did integer not null,
    ord integer not null, mod integer not null, usn integer not null,
    type integer not null, queue integer not null, due integer not null,
    ivl integer not null, factor integer not null, reps integer not null,
    lapses integer not null, left integer not null, odue integer not null,
    odid integer not null, flags integer not null, data text not null
);
create table revlog (
    id integer primary key, cid integer not null, usn integer not null,
    ease integer not null, ivl integer not null, lastIvl integer not null,
    factor integer not null, time integer not null, type integer not null
);
create table graves (usn integer not null, oid integer not null, type integer not null);
";

// Built after the rows are in: one sort instead of 200,000 index updates.
const INDEXES: &str = "
create index ix_notes_usn on notes (usn);
create index ix_cards_usn on cards (usn);
create index ix_revlog_usn on revlog (usn);
create index ix_cards_nid on cards (nid);
create index ix_cards_sched on cards (did, queue, due);
create index ix_revlog_cid on revlog (cid);
create index ix_notes_csum on notes (csum);
";

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

/// A rendered note in the form the `notes` table stores it. Built on the rendering threads,
/// so the one thread that writes SQLite does little but write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredNote {
    pub guid: String,
    pub deck: String,
    pub model: i64,
    pub field_count: usize,
    /// Fields joined by 0x1f.
    pub flds: String,
    /// The first field without markup (`sfld`) and its checksum (`csum`).
    pub sort_field: String,
    pub checksum: i64,
    /// `" a b "`, or empty.
    pub tags: String,
}

impl StoredNote {
    pub fn new(note: RenderedNote) -> StoredNote {
        let sort_field = note
            .fields
            .first()
            .map(|f| strip_html(f))
            .unwrap_or_default();
        let tags = if note.tags.is_empty() {
            String::new()
        } else {
            format!(" {} ", note.tags.join(" "))
        };
        StoredNote {
            checksum: field_checksum(&sort_field),
            sort_field,
            flds: note.fields.join("\x1f"),
            field_count: note.fields.len(),
            guid: note.guid,
            deck: note.deck,
            model: note.model,
            tags,
        }
    }
}

pub struct CollectionWriter {
    conn: Connection,
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
}

impl CollectionWriter {
    pub fn create(
        path: &Path,
        models: Vec<NoteType>,
        total: usize,
        now_ms: i64,
    ) -> Result<CollectionWriter, ExportError> {
        let conn = Connection::open(path)?;
        conn.execute_batch(
            "pragma journal_mode = off; pragma synchronous = off;
             pragma locking_mode = exclusive; pragma temp_store = memory;
             pragma cache_size = -16000;",
        )?;
        conn.execute_batch(SCHEMA)?;
        conn.execute_batch("begin")?;
        Ok(CollectionWriter {
            conn,
            now_ms,
            now_secs: now_ms.div_euclid(1000),
            models,
            decks: BTreeMap::new(),
            guids: HashSet::with_capacity(total),
            last_deck: None,
            total,
            written: 0,
        })
    }

    /// Add one note and its cards (one per template), numbered in the order they are added.
    pub fn add(&mut self, note: &StoredNote) -> Result<(), ExportError> {
        let model = self
            .models
            .iter()
            .find(|model| model.id == note.model)
            .ok_or(ExportError::UnknownNoteType(note.model))?;
        if note.field_count != model.fields.len() {
            return Err(ExportError::FieldCount {
                guid: note.guid.clone(),
                expected: model.fields.len(),
                found: note.field_count,
            });
        }
        let templates = model.templates.len() as i64;
        if !self.guids.insert(note.guid.clone()) {
            return Err(ExportError::DuplicateGuid(note.guid.clone()));
        }
        if self.written >= self.total {
            return Err(ExportError::TooManyNotes(self.total));
        }
        let deck = self.deck(&note.deck);
        let position = self.written as i64;
        // Unique, increasing, and the last note is stamped exactly `now`.
        let note_id = self.now_ms - self.total as i64 + 1 + position;
        self.conn
            .prepare_cached("insert into notes values (?1, ?2, ?3, ?4, -1, ?5, ?6, ?7, ?8, 0, '')")?
            .execute(params![
                note_id,
                note.guid,
                note.model,
                self.now_secs,
                note.tags,
                note.flds,
                note.sort_field,
                note.checksum,
            ])?;
        // Card ids count back from now like note ids; a new card's `due` is its note's
        // position, so Anki shows them in file order.
        let first_card = self.now_ms - self.total as i64 * templates + 1 + position * templates;
        let mut insert_card = self.conn.prepare_cached(
            "insert into cards values
                (?1, ?2, ?3, ?4, ?5, -1, 0, 0, ?6, 0, 0, 0, 0, 0, 0, 0, 0, '')",
        )?;
        for ord in 0..templates {
            insert_card.execute(params![
                first_card + ord,
                note_id,
                deck,
                ord,
                self.now_secs,
                position + 1,
            ])?;
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

    /// Write the `col` row (note types, decks, options), build the indexes and close.
    pub fn finish(self) -> Result<(), ExportError> {
        let first_deck = self.decks.values().next().map(|(id, _)| *id);
        let models: serde_json::Map<String, Value> = self
            .models
            .iter()
            .map(|model| {
                (
                    model.id.to_string(),
                    model_json(model, self.now_secs, first_deck),
                )
            })
            .collect();
        let decks: serde_json::Map<String, Value> = self
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
        self.conn.execute(
            "insert into col values (1, ?1, ?2, ?2, 11, 0, 0, 0, ?3, ?4, ?5, ?6, '{}')",
            params![
                self.now_secs,
                self.now_ms,
                conf.to_string(),
                Value::Object(models).to_string(),
                Value::Object(decks).to_string(),
                dconf.to_string(),
            ],
        )?;
        self.conn.execute_batch(INDEXES)?;
        self.conn.execute_batch("commit")?;
        self.conn.close().map_err(|(_, error)| error)?;
        Ok(())
    }
}

fn model_json(model: &NoteType, now_secs: i64, deck: Option<i64>) -> Value {
    let fields: Vec<Value> = model
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
    let templates: Vec<Value> = model
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
    let requirements: Vec<Value> = (0..model.templates.len())
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

fn deck_json(id: i64, name: &str, now_secs: i64) -> Value {
    json!({
        "id": id, "name": name, "mod": now_secs, "usn": -1, "desc": "", "dyn": 0,
        "conf": 1, "collapsed": false, "browserCollapsed": false,
        "extendNew": 0, "extendRev": 0,
        "newToday": [0, 0], "revToday": [0, 0], "lrnToday": [0, 0], "timeToday": [0, 0],
    })
}

/// Anki's classic default options group (id 1); importing with default options keeps the
/// user's own settings, this only makes the package a complete collection.
fn default_deck_options() -> Value {
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

    fn stored(guid: &str, deck: &str) -> StoredNote {
        StoredNote::new(RenderedNote {
            guid: guid.to_owned(),
            deck: deck.to_owned(),
            model: crate::export::BASIC_MODEL_ID,
            fields: vec![
                format!("<b>{guid}</b>?"),
                "back".to_owned(),
                "f.md:1".to_owned(),
            ],
            tags: vec!["a".to_owned(), "b_c".to_owned()],
        })
    }

    #[test]
    fn notes_in_alternating_decks_get_one_card_each_in_the_right_deck() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.anki2");
        let now = 1_767_323_045_123;
        let model = crate::export::basic().unwrap();
        let mut writer = CollectionWriter::create(&path, vec![model], 4, now).unwrap();
        for (guid, deck) in [("n1", "A::B"), ("n2", "C"), ("n3", "C"), ("n4", "a::b")] {
            writer.add(&stored(guid, deck)).unwrap();
        }
        assert_eq!(writer.deck_count(), 3, "A, A::B and C; a::b is A::B");
        writer.finish().unwrap();
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
        let dir = tempfile::tempdir().unwrap();
        let model = crate::export::basic().unwrap();
        let mut writer =
            CollectionWriter::create(&dir.path().join("c.anki2"), vec![model], 3, 1_000_000)
                .unwrap();
        let mut short = stored("x", "D");
        short.field_count = 2;
        assert!(matches!(
            writer.add(&short),
            Err(ExportError::FieldCount {
                expected: 3,
                found: 2,
                ..
            })
        ));
        writer.add(&stored("y", "D")).unwrap();
        assert!(matches!(
            writer.add(&stored("y", "D")),
            Err(ExportError::DuplicateGuid(_))
        ));
    }
}
