//! Running a sync against the database: read what is stored, plan, write — one
//! transaction, rolled back for a dry run.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::layout::{self, Place};
use super::plan::{Action, Entries, StoredEntry, StoredText, Texts, plan};
use super::{NoteCard, SourceFile, StoredSource, SyncInput, SyncReport, in_scope};
use crate::deck::CardId;
use crate::srs::{CardState, Timestamp};
use crate::store::Store;
use crate::store::cards::Sched;
use crate::store::columns::StateColumns;
use crate::store::error::Error;
use crate::store::fasthash::FastMap;

/// Above this many ids not found in scope, read the whole table instead of point lookups.
const BULK_LOOKUP: usize = 2_000;

impl Store {
    /// Bring the store in line with the notes; see the module documentation.
    pub fn sync(&mut self, input: &SyncInput<'_>) -> Result<SyncReport, Error> {
        let path = self.path.clone();
        let sqlite = |e| Error::sqlite(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sqlite)?;
        let stored = read_entries(&tx, input).map_err(sqlite)?;
        let mut lookup = |ids: &[&CardId]| read_texts(&tx, ids);
        let planned = plan(input.cards, &stored, input.scope, &mut lookup).map_err(sqlite)?;
        let mut report = planned.report;
        report.dry_run = input.dry_run;
        if input.dry_run {
            // Dropping the transaction rolls it back; nothing was written anyway.
            return Ok(report);
        }
        let source_ids = write_sources(&tx, input).map_err(sqlite)?;
        forget_missing_sources(&tx, input, &source_ids).map_err(sqlite)?;
        for action in &planned.actions {
            apply(&tx, action, input, &source_ids).map_err(sqlite)?;
        }
        tx.commit().map_err(sqlite)?;
        Ok(report)
    }

    /// What was remembered about every source.
    pub fn sources(&self) -> Result<Vec<StoredSource>, Error> {
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT path, size, mtime_ns, fingerprint, synced_at FROM sources ORDER BY id",
            )
            .map_err(|e| self.err(e))?;
        let rows = statement
            .query_map([], |row| {
                Ok(StoredSource {
                    path: row.get(0)?,
                    size: row.get::<_, Option<i64>>(1)?.map(|s| s as u64),
                    mtime_ns: row.get(2)?,
                    fingerprint: row.get(3)?,
                    synced_at: row.get(4)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }
}

const ENTRY_COLUMNS: &str = "c.id, c.source_id, c.content_hash, c.pinned, \
     c.retired_at IS NOT NULL, c.suspended, c.leech";

/// Read one entry; the source is looked up by id, so its path is shared, not copied.
fn read_entry(
    row: &rusqlite::Row<'_>,
    paths: &HashMap<i64, Arc<str>>,
) -> rusqlite::Result<StoredEntry> {
    let source_id: i64 = row.get(1)?;
    Ok(StoredEntry {
        id: CardId::from_stored(row.get::<_, String>(0)?),
        source: paths
            .get(&source_id)
            .cloned()
            .unwrap_or_else(|| Arc::from("")),
        content_hash: row.get(2)?,
        pinned: row.get(3)?,
        retired: row.get(4)?,
        suspended: row.get(5)?,
        leech: row.get(6)?,
    })
}

/// Every stored card in scope, plus every stored card (anywhere) whose id the notes use.
fn read_entries(conn: &Connection, input: &SyncInput<'_>) -> rusqlite::Result<Entries> {
    let mut paths: HashMap<i64, Arc<str>> = HashMap::new();
    let mut scoped_sources = Vec::new();
    {
        let mut statement = conn.prepare_cached("SELECT id, path FROM sources")?;
        let rows = statement.query_map([], |row| {
            Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?))
        })?;
        for row in rows {
            let (id, path) = row?;
            if in_scope(&path, &input.scope.files, &input.scope.folders) {
                scoped_sources.push(id);
            }
            paths.insert(id, Arc::from(path));
        }
    }
    let mut entries = Entries::with_capacity_and_hasher(input.cards.len(), FastMap::default());
    if !scoped_sources.is_empty() {
        let sql = format!(
            "SELECT {ENTRY_COLUMNS} FROM cards c WHERE c.source_id IN ({})",
            vec!["?"; scoped_sources.len()].join(",")
        );
        let mut statement = conn.prepare(&sql)?;
        let rows = statement.query_map(rusqlite::params_from_iter(&scoped_sources), |row| {
            read_entry(row, &paths)
        })?;
        for row in rows {
            let entry = row?;
            entries.insert(entry.id.clone(), entry);
        }
    }
    let missing: HashSet<&CardId, FastMap> = input
        .cards
        .iter()
        .map(|n| &n.card.id)
        .filter(|id| !entries.contains_key(*id))
        .collect();
    if missing.len() > BULK_LOOKUP {
        let sql = format!("SELECT {ENTRY_COLUMNS} FROM cards c");
        let mut statement = conn.prepare(&sql)?;
        let rows = statement.query_map([], |row| read_entry(row, &paths))?;
        for row in rows {
            let entry = row?;
            if missing.contains(&entry.id) {
                entries.insert(entry.id.clone(), entry);
            }
        }
    } else {
        let sql = format!("SELECT {ENTRY_COLUMNS} FROM cards c WHERE c.id = ?");
        let mut statement = conn.prepare_cached(&sql)?;
        for id in missing {
            if let Some(entry) = statement
                .query_row([id.as_str()], |row| read_entry(row, &paths))
                .optional()?
            {
                entries.insert(entry.id.clone(), entry);
            }
        }
    }
    Ok(entries)
}

fn read_texts(conn: &Connection, ids: &[&CardId]) -> rusqlite::Result<Texts> {
    let mut statement = conn.prepare_cached(
        "SELECT deck, front, back, tags, scenario, source_id, \
         (SELECT count(*) FROM reviews r WHERE r.card_id = c.id) FROM cards c WHERE id = ?",
    )?;
    let mut layouts: HashMap<i64, HashMap<String, Place>> = HashMap::new();
    let mut texts = Texts::with_capacity_and_hasher(ids.len(), FastMap::default());
    for id in ids {
        let (mut text, source_id) = statement.query_row([id.as_str()], |row| {
            let tags: String = row.get(3)?;
            Ok((
                StoredText {
                    deck: row.get(0)?,
                    front: row.get(1)?,
                    back: row.get(2)?,
                    tags: serde_json::from_str(&tags).unwrap_or_default(),
                    scenario: row.get(4)?,
                    reviews: row.get(6)?,
                    place: None,
                },
                row.get::<_, i64>(5)?,
            ))
        })?;
        let places = match layouts.entry(source_id) {
            std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
            std::collections::hash_map::Entry::Vacant(entry) => {
                let blob: Option<Vec<u8>> = conn
                    .prepare_cached("SELECT layout FROM sources WHERE id = ?")?
                    .query_row([source_id], |row| row.get(0))?;
                entry.insert(blob.map(|b| layout::decode(&b)).unwrap_or_default())
            }
        };
        text.place = places.get(id.as_str()).copied();
        texts.insert((*id).clone(), text);
    }
    Ok(texts)
}

/// Record every file read (and any source a card names that was not listed), returning
/// source ids by path.
fn write_sources(
    conn: &Connection,
    input: &SyncInput<'_>,
) -> rusqlite::Result<HashMap<String, i64>> {
    let layouts = layouts(input);
    let mut files: Vec<SourceFile> = input.files.to_vec();
    let mut extra: Vec<&str> = layouts
        .keys()
        .copied()
        .filter(|source| !input.files.iter().any(|f| f.path == *source))
        .collect();
    extra.sort_unstable();
    files.extend(extra.into_iter().map(|path| SourceFile {
        path: path.to_owned(),
        size: None,
        mtime_ns: None,
        fingerprint: String::new(),
    }));
    let mut upsert = conn.prepare_cached(
        "INSERT INTO sources (path, size, mtime_ns, fingerprint, synced_at, layout) \
         VALUES (?, ?, ?, ?, ?, ?) \
         ON CONFLICT(path) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns, \
         fingerprint = excluded.fingerprint, synced_at = excluded.synced_at, \
         layout = excluded.layout \
         RETURNING id",
    )?;
    let mut ids = HashMap::new();
    for file in files {
        let size = file.size.map(|s| s as i64);
        let layout = layouts
            .get(file.path.as_str())
            .map_or(&[][..], Vec::as_slice);
        let id: i64 = upsert.query_row(
            params![
                file.path,
                size,
                file.mtime_ns,
                file.fingerprint,
                input.now.0,
                layout
            ],
            |row| row.get(0),
        )?;
        ids.insert(file.path, id);
    }
    Ok(ids)
}

/// A file in scope that was not read (deleted) keeps its row, for its retired cards, but
/// nothing that would make a quiz think it is still there and unchanged.
fn forget_missing_sources(
    conn: &Connection,
    input: &SyncInput<'_>,
    read: &HashMap<String, i64>,
) -> rusqlite::Result<()> {
    let mut statement = conn.prepare_cached("SELECT id, path FROM sources")?;
    let missing: Vec<i64> = statement
        .query_map([], |row| {
            Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?))
        })?
        .filter_map(Result::ok)
        .filter(|(_, path)| {
            !read.contains_key(path) && in_scope(path, &input.scope.files, &input.scope.folders)
        })
        .map(|(id, _)| id)
        .collect();
    let mut forget = conn.prepare_cached(
        "UPDATE sources SET size = NULL, mtime_ns = NULL, layout = NULL, synced_at = ? \
         WHERE id = ?",
    )?;
    for id in missing {
        forget.execute(params![input.now.0, id])?;
    }
    Ok(())
}

/// Each source's layout: its cards' ids and lines in order, first occurrences only (a
/// duplicate id is not synced).
fn layouts<'a>(input: &'a SyncInput<'_>) -> HashMap<&'a str, Vec<u8>> {
    let mut seen: HashSet<&CardId, FastMap> =
        HashSet::with_capacity_and_hasher(input.cards.len(), FastMap::default());
    let mut by_source: HashMap<&str, Vec<(&str, u32)>> = HashMap::new();
    // Cards come file by file: collect a run, then file it under its source.
    let mut run: Vec<(&str, u32)> = Vec::new();
    let mut run_source: Option<&str> = None;
    for note in input.cards {
        if run_source != Some(note.source.as_str()) {
            if let Some(source) = run_source {
                by_source.entry(source).or_default().append(&mut run);
            }
            run_source = Some(note.source.as_str());
        }
        if seen.insert(&note.card.id) {
            run.push((note.card.id.as_str(), note.card.location.line));
        }
    }
    if let Some(source) = run_source {
        by_source.entry(source).or_default().append(&mut run);
    }
    by_source
        .into_iter()
        .map(|(source, cards)| (source, layout::encode(cards.into_iter())))
        .collect()
}

fn apply(
    conn: &Connection,
    action: &Action,
    input: &SyncInput<'_>,
    source_ids: &HashMap<String, i64>,
) -> rusqlite::Result<()> {
    let now = input.now;
    let note = |card: usize| -> &NoteCard { &input.cards[card] };
    let source_id = |card: usize| source_ids[&input.cards[card].source];
    match action {
        Action::Insert { card } => insert(conn, note(*card), source_id(*card), now),
        Action::Update {
            id,
            card,
            release_leech,
        } => {
            write_content(conn, id, note(*card), source_id(*card), now)?;
            if *release_leech {
                release(conn, id)?;
            }
            Ok(())
        }
        Action::Rename {
            old_id,
            card,
            reason,
            release_leech,
        } => {
            let n = note(*card);
            let new_id = n.card.id.as_str();
            conn.prepare_cached("UPDATE cards SET id = ? WHERE id = ?")?
                .execute(params![new_id, old_id.as_str()])?;
            conn.prepare_cached("UPDATE reviews SET card_id = ? WHERE card_id = ?")?
                .execute(params![new_id, old_id.as_str()])?;
            conn.prepare_cached(
                "INSERT INTO renames (old_id, new_id, renamed_at, reason) VALUES (?, ?, ?, ?)",
            )?
            .execute(params![old_id.as_str(), new_id, now.0, reason])?;
            write_content(conn, &n.card.id, n, source_id(*card), now)?;
            if *release_leech {
                release(conn, &n.card.id)?;
            }
            Ok(())
        }
        Action::Retire { id } => {
            conn.prepare_cached("UPDATE cards SET retired_at = ?, modified_at = ? WHERE id = ?")?
                .execute(params![now.0, now.0, id.as_str()])?;
            Ok(())
        }
    }
}

fn tags_json(note: &NoteCard) -> String {
    serde_json::to_string(&note.card.tags).expect("a list of strings always serialises")
}

fn insert(
    conn: &Connection,
    note: &NoteCard,
    source_id: i64,
    now: Timestamp,
) -> rusqlite::Result<()> {
    let card = &note.card;
    let sched = Sched::new(CardState::new(now));
    let s = StateColumns::of(&sched.state);
    conn.prepare_cached(
        "INSERT INTO cards (id, pinned, deck, front, back, tags, scenario, content_hash, \
         source_id, state, step, stability, difficulty, due, last_review, added_at, modified_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )?
    .execute(params![
        card.id.as_str(),
        card.pinned,
        card.deck,
        card.front,
        card.back,
        tags_json(note),
        card.scenario.as_ref().map(|s| &s.script),
        note.hash,
        source_id,
        s.state,
        s.step,
        s.stability,
        s.difficulty,
        s.due,
        s.last_review,
        now.0,
        now.0,
    ])?;
    Ok(())
}

/// New text and location for an existing card; a retired card comes back.
fn write_content(
    conn: &Connection,
    id: &CardId,
    note: &NoteCard,
    source_id: i64,
    now: Timestamp,
) -> rusqlite::Result<()> {
    let card = &note.card;
    conn.prepare_cached(
        "UPDATE cards SET pinned = ?, deck = ?, front = ?, back = ?, tags = ?, scenario = ?, \
         content_hash = ?, source_id = ?, retired_at = NULL, modified_at = ? WHERE id = ?",
    )?
    .execute(params![
        card.pinned,
        card.deck,
        card.front,
        card.back,
        tags_json(note),
        card.scenario.as_ref().map(|s| &s.script),
        note.hash,
        source_id,
        now.0,
        id.as_str(),
    ])?;
    Ok(())
}

/// A leech whose note was edited gets another chance.
fn release(conn: &Connection, id: &CardId) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE cards SET suspended = 0, leech = 0 WHERE id = ?")?
        .execute([id.as_str()])?;
    Ok(())
}
