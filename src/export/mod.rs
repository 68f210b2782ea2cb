//! Anki package export: the legacy `.apkg` (schema 11 `collection.anki2`, a `media` index
//! and numbered media files), which every Anki client, old AnkiDroid included, imports.
//!
//! Cards become notes of one frozen note type ("mdcards Basic": Front, Back, Source) whose
//! guid is the card id, so importing an export of edited notes updates the notes already in
//! Anki instead of duplicating them. Rendering (markdown -> HTML, highlighted code, math,
//! media names) is pure; the package writer owns the files it writes and renders on every
//! core.

mod collection;
mod diagram;
mod first_entry;
mod highlight;
mod html;
mod math;
mod media;
mod model;
mod package;
mod render;
mod scenario;
mod sqlite;

use std::collections::HashMap;
use std::path::PathBuf;

pub use collection::{deck_id, normalise_deck};
pub use highlight::code_block_into;
pub use media::{MediaFile, MediaSet};
pub use model::{BASIC_FIELDS, BASIC_MODEL_ID, BASIC_MODEL_NAME, NoteType, basic};
pub use package::{Summary, check_out_path, write_package};
pub use render::{RenderedNote, anki_tags, markdown_to_html, render_card};
pub use scenario::{instance_guid, scenario_notes};

use crate::deck::{Card, Location};

/// Everything that can stop an export. Each names the file (and line) at fault.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ExportError {
    #[error("{location}: image `{written}` cannot be read ({path}: {source})")]
    #[diagnostic(help("fix the path in the note, or add the file; nothing was written"))]
    MissingMedia {
        location: Location,
        written: String,
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("{second}: this card has the same identity `{id}` as the card at {first}")]
    #[diagnostic(help(
        "two cards would be one Anki note: reword one question, or give one a different `<!-- id: NAME -->`"
    ))]
    DuplicateId {
        id: String,
        first: Location,
        second: Location,
    },

    #[error("{0}: is a folder, not a package file")]
    #[diagnostic(help("name the package file inside it, e.g. FOLDER/deck.apkg"))]
    OutIsDirectory(PathBuf),

    #[error("{0}: the package must end in .apkg")]
    #[diagnostic(help(
        "the last argument is the file to write; add it (e.g. `mdcards export notes.md notes.apkg`) so no notes file is overwritten"
    ))]
    OutNotApkg(PathBuf),

    #[error("{0}: no such folder to write the package in")]
    #[diagnostic(help("create the folder first, or choose another path"))]
    OutFolderMissing(PathBuf),

    #[error("cannot {action} {path}: {source}")]
    #[diagnostic(help(
        "check the path and its permissions; the previous package, if any, is unchanged"
    ))]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("{location}: the scenario cannot be exported: {message}")]
    #[diagnostic(help("`mdcards check` shows what is wrong with it; nothing was written"))]
    Scenario { location: Location, message: String },

    #[error("two notes share the guid `{0}`")]
    DuplicateGuid(String),

    #[error("note `{guid}` has {found} fields but its note type has {expected}")]
    FieldCount {
        guid: String,
        expected: usize,
        found: usize,
    },

    #[error("a note uses note type {0}, which the package does not define")]
    UnknownNoteType(i64),

    #[error("more notes than the {0} announced")]
    TooManyNotes(usize),

    #[error("writing the collection: {0}")]
    Sqlite(#[from] rusqlite::Error),

    #[error("writing the package: {0}")]
    Zip(#[from] zip::result::ZipError),

    #[error("writing the media index: {0}")]
    Json(serde_json::Error),

    #[error("rendering the card templates: {0}")]
    Template(#[from] askama::Error),
}

/// Two cards with one id would silently merge into one Anki note: refuse, naming both.
pub fn check_unique_ids(cards: &[Card]) -> Result<(), ExportError> {
    let mut seen: HashMap<&str, &Location> = HashMap::with_capacity(cards.len());
    for card in cards {
        if let Some(first) = seen.insert(card.id.as_str(), &card.location) {
            return Err(ExportError::DuplicateId {
                id: card.id.to_string(),
                first: first.clone(),
                second: card.location.clone(),
            });
        }
    }
    Ok(())
}

/// Instances exported per scenario generator card unless told otherwise (`--instances`).
pub const DEFAULT_INSTANCES: u32 = 5;

/// When an export happens, and the `mod` its notes carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    /// Milliseconds since the Unix epoch. Note and card ids count back from it (Anki
    /// renumbers ids later than its clock).
    pub now_ms: i64,
    /// Seconds since the Unix epoch: the `mod` of every note, card, note type and deck.
    /// Anki applies a re-imported note only when this is newer than the note it has, so the
    /// app edge makes it newer than any earlier export's (see `store::exports`).
    pub note_mod: i64,
}

impl Stamp {
    /// An export at `now_ms` whose `mod` is that time, in seconds.
    pub fn at(now_ms: i64) -> Stamp {
        Stamp {
            now_ms,
            note_mod: now_ms.div_euclid(1000),
        }
    }
}

/// Export cards as "mdcards Basic" notes to `out` (see [`write_package`]) at `now_ms`, with
/// [`DEFAULT_INSTANCES`] notes per scenario generator card.
pub fn export_cards(
    cards: &[Card],
    out: &std::path::Path,
    now_ms: i64,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<Summary, ExportError> {
    export_notes(cards, out, Stamp::at(now_ms), DEFAULT_INSTANCES, progress)
}

/// Export cards as "mdcards Basic" notes to `out`: a plain card is one note, a scenario
/// card its notes (`instances` per generator card; see `scenario`).
pub fn export_notes(
    cards: &[Card],
    out: &std::path::Path,
    stamp: Stamp,
    instances: u32,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<Summary, ExportError> {
    check_out_path(out)?;
    check_unique_ids(cards)?;
    let media = MediaSet::collect(cards.iter().flat_map(|card| &card.media))?;
    let (items, generated) = scenario::plan(cards, instances, &media)?;
    let render = |item: &scenario::Item| item.render(&media);
    let mut summary = write_package(
        out,
        vec![basic()?],
        &items,
        &render,
        &media,
        stamp,
        progress,
    )?;
    summary.instances = generated;
    Ok(summary)
}
