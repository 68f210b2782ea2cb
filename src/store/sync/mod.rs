//! Sync: bring the stored cards in line with the notes as they are now.
//!
//! Every card of the notes is classified against the store:
//! - **added**: a new id;
//! - **updated**: same id, content changed (the back, tags, the front's case or spacing,
//!   the deck of a pinned card) or moved to another file; history kept;
//! - **renamed**: the front was edited, so the id changed; the vanished old card is matched
//!   to the new one (see `matching`) and its history carried over;
//! - **retired**: its note is gone; kept with its history, hidden from quizzes;
//! - **restored**: a retired card whose note came back;
//! - **unchanged**: everything else (a card that only shifted lines is unchanged).
//!
//! Which stored cards can be retired is decided by the scope: the files that were read, and
//! every stored file under a folder that was read (so deleting a file retires its cards).
//! Everything is one transaction; a dry run plans the same changes and writes nothing.

mod apply;
mod hash;
pub mod layout;
mod matching;
mod plan;

use std::path::PathBuf;

use serde::Serialize;

use crate::deck::{Card, CardId};

pub use hash::{content_hash, content_hash_with_front};
pub use plan::{Entries, StoredEntry, StoredText, Texts};

/// Which notes were read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scope {
    /// Sources read (canonical paths or `<built-in>/NAME`).
    pub files: Vec<String>,
    /// Folders read, each ending in the path separator: stored sources under them are in
    /// scope even when the file is gone.
    pub folders: Vec<String>,
}

/// True when a stored source path belongs to the scope.
pub fn in_scope(path: &str, files: &[String], folders: &[String]) -> bool {
    files.iter().any(|f| f == path) || folders.iter().any(|d| path.starts_with(d.as_str()))
}

/// A notes file as it was read, remembered so that an unchanged file need not be parsed
/// again when a quiz starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceFile {
    pub path: String,
    pub size: Option<u64>,
    pub mtime_ns: Option<i64>,
    /// What else shaped its cards: mdcards version and `--deck`.
    pub fingerprint: String,
}

/// A stored source and what was remembered about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredSource {
    pub path: String,
    pub size: Option<u64>,
    pub mtime_ns: Option<i64>,
    pub fingerprint: String,
    pub synced_at: i64,
}

/// A card from the notes, with where it sits.
#[derive(Clone, Debug, PartialEq)]
pub struct NoteCard {
    pub card: Card,
    /// The source (canonical path or `<built-in>/NAME`).
    pub source: String,
    /// 0-based index of the card within its source.
    pub position: u32,
    /// The fingerprint of its content that tells "unchanged" from "updated": `content_hash`
    /// of the card, or for a cloze card of its note with the other clozes left out.
    pub hash: i64,
    /// Which note the card comes from (cards of one note share it). A cloze card shows what
    /// the note's other clozes hide, so when one card of a note changes, the texts of the
    /// others are rewritten too (without being reported as updated).
    pub note: u32,
}

impl NoteCard {
    /// Attach sources and positions to cards in note order, each card its own note;
    /// `source_of` turns a card's file into its source name.
    pub fn from_cards(cards: Vec<Card>, source_of: impl FnMut(&Card) -> String) -> Vec<NoteCard> {
        let cards = cards.into_iter().enumerate().map(|(note, card)| {
            let hash = content_hash(&card);
            (card, hash, note as u32)
        });
        NoteCard::from_note_cards(cards, source_of)
    }

    /// [`NoteCard::from_cards`] for cards that come with their fingerprint and note.
    pub fn from_note_cards(
        cards: impl IntoIterator<Item = (Card, i64, u32)>,
        mut source_of: impl FnMut(&Card) -> String,
    ) -> Vec<NoteCard> {
        let mut next_position: std::collections::HashMap<String, u32> =
            std::collections::HashMap::new();
        cards
            .into_iter()
            .map(|(card, hash, note)| {
                let source = source_of(&card);
                let position = match next_position.get_mut(&source) {
                    Some(slot) => {
                        *slot += 1;
                        *slot
                    }
                    None => {
                        next_position.insert(source.clone(), 0);
                        0
                    }
                };
                NoteCard {
                    card,
                    source,
                    position,
                    hash,
                    note,
                }
            })
            .collect()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    Added,
    Updated,
    Renamed,
    Retired,
    Restored,
}

impl ChangeKind {
    pub fn label(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Updated => "updated",
            ChangeKind::Renamed => "renamed",
            ChangeKind::Retired => "retired",
            ChangeKind::Restored => "restored",
        }
    }
}

/// One change, with enough to explain it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Change {
    pub kind: ChangeKind,
    pub id: CardId,
    /// For a rename: the id the history came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_id: Option<CardId>,
    pub deck: String,
    pub front: String,
    /// For a rename: the front before the edit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_front: Option<String>,
    /// Source of the card (for a retired card: where it was).
    pub source: String,
    pub line: u32,
    /// For a card that moved to another file: the source it was in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moved_from: Option<String>,
    /// Why, in words: "back edited", "front 87% similar, back unchanged, same place".
    pub detail: String,
    /// Reviews in the card's history (carried over, kept, or restored).
    pub reviews: u32,
}

impl Change {
    /// The source as a path for display, `None` for a built-in deck.
    pub fn file(&self) -> Option<PathBuf> {
        (!self.source.starts_with(super::cards::BUILT_IN_PREFIX))
            .then(|| PathBuf::from(&self.source))
    }
}

/// Counts for the summary line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub added: usize,
    pub updated: usize,
    pub renamed: usize,
    pub retired: usize,
    pub restored: usize,
    pub unchanged: usize,
}

/// What a sync did (or, for a dry run, would do).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SyncReport {
    pub dry_run: bool,
    pub counts: Counts,
    /// Changes in note order; retired cards last.
    pub changes: Vec<Change>,
    /// Problems that did not stop the sync (duplicate ids).
    pub warnings: Vec<String>,
}

impl SyncReport {
    /// "2 added, 1 updated, 1 renamed, 0 retired", plus restored when there were any.
    pub fn summary(&self) -> String {
        let c = &self.counts;
        let mut text = format!(
            "{} added, {} updated, {} renamed, {} retired",
            c.added, c.updated, c.renamed, c.retired
        );
        if c.restored > 0 {
            text.push_str(&format!(", {} restored", c.restored));
        }
        text
    }

    pub fn changed_anything(&self) -> bool {
        !self.changes.is_empty()
    }
}

/// Everything `Store::sync` needs.
#[derive(Clone, Debug)]
pub struct SyncInput<'a> {
    pub cards: &'a [NoteCard],
    /// Every file read, including those without cards.
    pub files: &'a [SourceFile],
    pub scope: &'a Scope,
    pub now: crate::srs::Timestamp,
    pub dry_run: bool,
}
