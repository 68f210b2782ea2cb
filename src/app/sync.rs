//! `mdcards sync`, and the implicit sync `quiz` runs on its notes.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use anstyle::{AnsiColor, Style};
use miette::{IntoDiagnostic, Result};

use super::input::{self, LoadedNotes, Purpose};
use super::paths::{display_path, open_store, store_error};
use super::{Outcome, clock};
use crate::cli::{NotesArgs, SyncArgs};
use crate::deck::Card;
use crate::notes::split;
use crate::srs::Timestamp;
use crate::store::Store;
use crate::store::sync::{
    Change, ChangeKind, NoteCard, Scope, SourceFile, StoredSource, SyncInput, SyncReport,
    content_hash, content_hash_with_front,
};

/// Added cards listed one by one before the rest are only counted.
const ADDED_LINES: usize = 20;

/// Sources of the built-in deck are named `<built-in>/decks/raft.md`.
const BUILT_IN: &str = "<built-in>/";

pub fn sync(args: &SyncArgs) -> Result<Outcome> {
    let now = clock::now()?;
    let notes = input::load_notes(&args.notes, Purpose::Write)?;
    if input::report_to_stderr(&notes)? {
        eprintln!("sync: nothing written; fix the errors above first");
        return Ok(Outcome::Problems);
    }
    let mut store = open_store(&args.db)?;
    let read = ReadNotes::new(&args.notes, notes)?;
    let report = store
        .sync(&read.input(now, args.dry_run))
        .map_err(store_error)?;
    let mut out = anstream::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report).into_diagnostic()?;
        writeln!(out).into_diagnostic()?;
    } else {
        write_report(&mut out, &report, true).into_diagnostic()?;
    }
    Ok(Outcome::Success)
}

/// Notes read from disk, ready for `Store::sync`.
pub struct ReadNotes {
    pub cards: Vec<NoteCard>,
    pub files: Vec<SourceFile>,
    pub scope: Scope,
}

impl ReadNotes {
    pub fn new(args: &NotesArgs, notes: LoadedNotes) -> Result<ReadNotes> {
        let fingerprint = fingerprint();
        if args.paths.is_empty() {
            let source = |card: &Card| format!("{BUILT_IN}{}", card.location.file.display());
            let path = format!("{BUILT_IN}{}", crate::notes::BUILTIN_DECK_PATH);
            return Ok(ReadNotes {
                cards: NoteCard::from_note_cards(review_cards(notes.cards), source),
                files: vec![SourceFile {
                    path: path.clone(),
                    size: None,
                    mtime_ns: None,
                    fingerprint,
                }],
                scope: Scope {
                    files: vec![path],
                    folders: Vec::new(),
                },
            });
        }
        let mut files = Vec::new();
        for file in notes.sources.paths() {
            files.push(source_file(file, &fingerprint));
        }
        let names: std::collections::HashMap<PathBuf, String> = notes
            .sources
            .paths()
            .map(|p| (p.clone(), canonical(p)))
            .collect();
        // Cards come file by file: remember the last file's name instead of looking it up
        // for every card.
        let mut last: Option<(PathBuf, String)> = None;
        let cards = NoteCard::from_note_cards(review_cards(notes.cards), |card| {
            if let Some((file, name)) = &last
                && *file == card.location.file
            {
                return name.clone();
            }
            let name = names
                .get(&card.location.file)
                .cloned()
                .unwrap_or_else(|| canonical(&card.location.file));
            last = Some((card.location.file.clone(), name.clone()));
            name
        });
        Ok(ReadNotes {
            cards,
            scope: scope(args, &files),
            files,
        })
    }

    pub fn input(&self, now: Timestamp, dry_run: bool) -> SyncInput<'_> {
        SyncInput {
            cards: &self.cards,
            files: &self.files,
            scope: &self.scope,
            now,
            dry_run,
        }
    }
}

/// The cards the notes make, as they are reviewed (a reversed note's two, a cloze note's
/// one per number: see `notes::split`), each with its content fingerprint and its note.
fn review_cards(notes: Vec<Card>) -> impl Iterator<Item = (Card, i64, u32)> {
    notes.into_iter().enumerate().flat_map(|(note, card)| {
        split(card).into_iter().map(move |split| {
            let hash = match &split.fingerprint_front {
                Some(front) => content_hash_with_front(&split.card, front),
                None => content_hash(&split.card),
            };
            (split.card, hash, note as u32)
        })
    })
}

/// What else shapes the cards of a file: a new mdcards may parse differently.
fn fingerprint() -> String {
    format!("mdcards {}", env!("CARGO_PKG_VERSION"))
}

/// A file's canonical name: the same file reached by different paths is one source.
pub fn canonical(path: &Path) -> String {
    fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf())
        .to_string_lossy()
        .into_owned()
}

fn source_file(path: &Path, fingerprint: &str) -> SourceFile {
    let meta = fs::metadata(path).ok();
    SourceFile {
        path: canonical(path),
        size: meta.as_ref().map(|m| m.len()),
        mtime_ns: meta.as_ref().and_then(mtime_ns),
        fingerprint: fingerprint.to_owned(),
    }
}

fn mtime_ns(meta: &fs::Metadata) -> Option<i64> {
    let since = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
    i64::try_from(since.as_nanos()).ok()
}

/// The files read, and each folder named (a deleted file's cards are found under it).
fn scope(args: &NotesArgs, files: &[SourceFile]) -> Scope {
    let folders = args
        .paths
        .iter()
        .filter(|p| p.is_dir())
        .map(|p| {
            let mut name = canonical(p);
            if !name.ends_with(std::path::MAIN_SEPARATOR) {
                name.push(std::path::MAIN_SEPARATOR);
            }
            name
        })
        .collect();
    Scope {
        files: files.iter().map(|f| f.path.clone()).collect(),
        folders,
    }
}

/// The scope of `args` when none of its files changed since the last sync (same size,
/// modification time and fingerprint, none added or removed), so a quiz can skip reading
/// and parsing them. `None` means "read and sync".
///
/// A file modified within two seconds of its last sync is treated as changed: a second
/// edit in the same clock tick would otherwise go unnoticed (git's "racy" rule).
pub fn unchanged_scope(store: &Store, args: &NotesArgs) -> Result<Option<Scope>> {
    if args.paths.is_empty() {
        return Ok(None);
    }
    let mut problems = Vec::new();
    let paths = input::notes_files(&args.paths, &mut problems);
    if !problems.is_empty() {
        return Ok(None);
    }
    let fingerprint = fingerprint();
    let files: Vec<SourceFile> = paths.iter().map(|p| source_file(p, &fingerprint)).collect();
    let scope = scope(args, &files);
    let stored = store.sources().map_err(store_error)?;
    let by_path: std::collections::HashMap<&str, &StoredSource> =
        stored.iter().map(|s| (s.path.as_str(), s)).collect();
    for file in &files {
        let Some(known) = by_path.get(file.path.as_str()) else {
            return Ok(None);
        };
        let settled = file
            .mtime_ns
            .is_some_and(|m| m / 1_000_000 < known.synced_at - 2_000);
        if known.size != file.size
            || known.mtime_ns != file.mtime_ns
            || known.fingerprint != file.fingerprint
            || !settled
        {
            return Ok(None);
        }
    }
    // A stored file under a folder that is no longer there: its cards must retire.
    let gone = stored.iter().any(|s| {
        crate::store::sync::in_scope(&s.path, &[], &scope.folders)
            && !scope.files.contains(&s.path)
            && s.size.is_some()
    });
    Ok((!gone).then_some(scope))
}

fn kind_style(kind: ChangeKind) -> Style {
    let colour = match kind {
        ChangeKind::Added | ChangeKind::Restored => AnsiColor::Green,
        ChangeKind::Updated => AnsiColor::Yellow,
        ChangeKind::Renamed => AnsiColor::Cyan,
        ChangeKind::Retired => AnsiColor::Red,
    };
    Style::new().fg_color(Some(colour.into()))
}

/// "where" of a change: `notes/raft.md:12`, or `decks/raft.md:12 (built-in)`.
fn place(source: &str, line: u32) -> String {
    match source.strip_prefix(BUILT_IN) {
        Some(builtin) => format!("{builtin}:{line} (built-in)"),
        None => format!("{}:{line}", display_path(Path::new(source))),
    }
}

fn source_name(source: &str) -> String {
    match source.strip_prefix(BUILT_IN) {
        Some(builtin) => format!("{builtin} (built-in)"),
        None => display_path(Path::new(source)),
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

fn explain(change: &Change) -> String {
    let mut parts = Vec::new();
    if let Some(old) = &change.old_front
        && old != &change.front
    {
        parts.push(format!("was {:?}", first_line(old)));
    }
    if !change.detail.is_empty() {
        parts.push(change.detail.clone());
    }
    if let Some(from) = &change.moved_from {
        parts.push(format!("moved from {}", source_name(from)));
    }
    let reviews = change.reviews;
    let plural = if reviews == 1 { "review" } else { "reviews" };
    match change.kind {
        ChangeKind::Renamed if reviews > 0 => {
            parts.push(format!("{reviews} {plural} carried over"))
        }
        ChangeKind::Updated | ChangeKind::Retired | ChangeKind::Restored if reviews > 0 => {
            parts.push(format!("{reviews} {plural} kept"))
        }
        _ => {}
    }
    parts.join("; ")
}

/// The summary line, then one line per change, then warnings.
pub fn write_report(
    out: &mut dyn Write,
    report: &SyncReport,
    details: bool,
) -> std::io::Result<()> {
    let prefix = if report.dry_run {
        "dry run, nothing written: "
    } else {
        ""
    };
    writeln!(
        out,
        "{prefix}{} ({} unchanged)",
        report.summary(),
        report.counts.unchanged
    )?;
    if details {
        // A first sync of a big deck would list every card: past `ADDED_LINES` added cards,
        // the rest are counted. Every other kind of change is always listed.
        let added_total = report.counts.added;
        let mut added_shown = 0;
        let shown: Vec<&Change> = report
            .changes
            .iter()
            .filter(|c| {
                if c.kind != ChangeKind::Added || added_total <= ADDED_LINES {
                    return true;
                }
                added_shown += 1;
                added_shown <= ADDED_LINES / 2
            })
            .collect();
        let places: Vec<String> = shown.iter().map(|c| place(&c.source, c.line)).collect();
        let width = places.iter().map(|p| p.chars().count()).max().unwrap_or(0);
        for (change, place) in shown.iter().zip(&places) {
            let style = kind_style(change.kind);
            let why = explain(change);
            let why = if why.is_empty() {
                String::new()
            } else {
                format!("  ({why})")
            };
            writeln!(
                out,
                "  {style}{:<8}{style:#} {place:<width$}  {}{why}",
                change.kind.label(),
                first_line(&change.front)
            )?;
        }
        if added_total > ADDED_LINES {
            writeln!(
                out,
                "  ... and {} more added (--json lists every change)",
                added_total - ADDED_LINES / 2
            )?;
        }
    }
    for warning in &report.warnings {
        writeln!(out, "warning: {warning}")?;
    }
    Ok(())
}
