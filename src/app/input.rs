//! Reading notes from disk: files and folders -> cards and diagnostics. Every command that
//! takes NOTES goes through `load_notes`, so they all see the same cards and problems.
//!
//! Typical use in a command that writes something (export, sync, quiz):
//!
//! ```ignore
//! let notes = input::load_notes(&args.notes)?;
//! if input::report_to_stderr(&notes)? {
//!     return Ok(Outcome::Problems); // errors: refuse to go on
//! }
//! ```

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use miette::Result;

use super::cores;
use super::diagnostics::{self, Summary};
use crate::cli::NotesArgs;
use crate::deck::Card;
use crate::notes::{self, Diagnostic, Severity};

/// What a set of notes yields, with what is needed to show its problems.
#[derive(Debug, Default)]
pub struct LoadedNotes {
    /// Every card of every file, in file order then document order.
    pub cards: Vec<Card>,
    /// Every problem, in file order then line order.
    pub diagnostics: Vec<Diagnostic>,
    /// The text of every file read, for source snippets in messages.
    pub sources: Sources,
    /// How many notes files were read (or tried).
    pub files: usize,
}

impl LoadedNotes {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    pub fn summary(&self) -> Summary {
        Summary::of(&self.diagnostics, self.files)
    }

    /// Add what the parser alone does not find: every scenario script run on the simulator
    /// (a contradicted `expect`, a script that does not parse) and every Raft message block
    /// checked. Every command that writes runs this too, so notes `check` rejects are never
    /// synced, quizzed or exported. `keep_notes` keeps the note-severity diagnostics (what a
    /// stated follower does with a message), which only `check` shows.
    pub fn check_scenarios(&mut self, keep_notes: bool) {
        let mut found: Vec<Diagnostic> = self
            .cards
            .iter()
            .filter(|card| card.scenario.is_some())
            .flat_map(crate::scenario::validate)
            .collect();
        let mut card_lines: HashMap<&Path, Vec<u32>> = HashMap::new();
        // Cards come file by file: hash a file's path once per run of its cards, not per card.
        for run in self
            .cards
            .chunk_by(|a, b| a.location.file.as_os_str() == b.location.file.as_os_str())
        {
            card_lines
                .entry(run[0].location.file.as_path())
                .or_default()
                .extend(run.iter().map(|card| card.location.line));
        }
        for path in self.sources.paths() {
            if let (Some(text), Some(lines)) =
                (self.sources.get(path), card_lines.get(path.as_path()))
            {
                found.extend(cores::check_messages(path, text, lines));
            }
        }
        if !keep_notes {
            found.retain(|diagnostic| diagnostic.severity != Severity::Note);
        }
        if !found.is_empty() {
            self.diagnostics.extend(found);
            sort_by_place(&mut self.diagnostics, &self.sources.order);
        }
    }
}

/// The text of each notes file, by the path cards and diagnostics name it with.
#[derive(Debug, Default, Clone)]
pub struct Sources {
    by_path: HashMap<PathBuf, Arc<String>>,
    /// Paths in the order they were read (sync records every file read, cards or not).
    order: Vec<PathBuf>,
}

impl Sources {
    pub fn get(&self, path: &Path) -> Option<&Arc<String>> {
        self.by_path.get(path)
    }

    pub fn insert(&mut self, path: PathBuf, text: Arc<String>) {
        if self.by_path.insert(path.clone(), text).is_none() {
            self.order.push(path);
        }
    }

    /// Every file read, in reading order.
    pub fn paths(&self) -> impl Iterator<Item = &PathBuf> {
        self.order.iter()
    }
}

/// Read the notes the command line names: files and folders (recursively, `.md` and
/// `.markdown`, sorted by name, hidden entries skipped), or the built-in deck when there are
/// none. Unreadable paths and bad notes are diagnostics, not errors: the result is `Err` only
/// for a malformed `--deck`.
pub fn load_notes(args: &NotesArgs) -> Result<LoadedNotes> {
    load(&args.paths, args.deck.as_deref())
}

/// `load_notes` for commands whose arguments are not a `NotesArgs` (export).
pub fn load(paths: &[PathBuf], deck: Option<&str>) -> Result<LoadedNotes> {
    if let Some(deck) = deck {
        notes::deck_path(deck).map_err(|error| miette::miette!("invalid --deck: {error}"))?;
    }
    let mut loaded = LoadedNotes::default();
    let mut read_order = Vec::new();
    if paths.is_empty() {
        loaded.files = 1;
        add_file(
            &mut loaded,
            PathBuf::from(notes::BUILTIN_DECK_PATH),
            notes::BUILTIN_DECK.to_owned(),
            deck,
            false,
        );
    } else {
        for file in notes_files(paths, &mut loaded.diagnostics) {
            loaded.files += 1;
            read_order.push(file.clone());
            match fs::read(&file) {
                Ok(bytes) => {
                    let (text, problem) = notes::decode(&file, bytes);
                    loaded.diagnostics.extend(problem);
                    add_file(&mut loaded, file, text, deck, true);
                }
                Err(error) => loaded.diagnostics.push(Diagnostic::unreadable(
                    &file,
                    "file",
                    &error.to_string(),
                )),
            }
        }
    }
    let duplicates = notes::duplicate_ids(&loaded.cards);
    loaded.diagnostics.extend(duplicates);
    sort_by_place(&mut loaded.diagnostics, &read_order);
    Ok(loaded)
}

/// Print the diagnostics to stderr like rustc, then a summary line; nothing when there are
/// none. Returns true when any is an error: commands that write (export, sync, quiz) must
/// then stop and return `Outcome::Problems`.
pub fn report_to_stderr(notes: &LoadedNotes) -> Result<bool> {
    if notes.diagnostics.is_empty() {
        return Ok(false);
    }
    let mut err = anstream::stderr().lock();
    let colour = diagnostics::colour_for(&std::io::stderr());
    diagnostics::render_human(&mut err, &notes.diagnostics, &notes.sources, colour)
        .and_then(|()| diagnostics::render_summary(&mut err, &notes.summary()))
        .map_err(|error| miette::miette!("cannot write to stderr: {error}"))?;
    Ok(notes.has_errors())
}

/// Files in the order they were read, then lines; problems with paths that were never read
/// (unreadable folders) last.
fn sort_by_place(diagnostics: &mut [Diagnostic], read_order: &[PathBuf]) {
    let rank: HashMap<&Path, usize> = read_order
        .iter()
        .enumerate()
        .map(|(i, path)| (path.as_path(), i))
        .collect();
    diagnostics.sort_by_key(|d| {
        let file = rank
            .get(d.location.file.as_path())
            .copied()
            .unwrap_or(usize::MAX);
        (file, d.location.line, d.location.col)
    });
}

fn add_file(
    loaded: &mut LoadedNotes,
    path: PathBuf,
    text: String,
    deck: Option<&str>,
    check_media: bool,
) {
    let parsed = cores::parse_file(&path, &text, deck);
    loaded.diagnostics.extend(parsed.diagnostics);
    if check_media {
        for media in parsed.cards.iter().flat_map(|card| &card.media) {
            if !media.path.is_file() {
                loaded.diagnostics.push(Diagnostic::missing_image(
                    &media.written,
                    &media.path,
                    media.location.clone(),
                    0,
                ));
            }
        }
    }
    // Moving the first file's cards, not copying them, saves a copy of a big deck.
    if loaded.cards.is_empty() {
        loaded.cards = parsed.cards;
    } else {
        loaded.cards.extend(parsed.cards);
    }
    loaded.sources.insert(path, Arc::new(text));
}

/// The notes files under `paths`, each once, in the order given (folders sorted).
pub fn notes_files(paths: &[PathBuf], diagnostics: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut visited_folders = HashSet::new();
    for path in paths {
        match fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                let before = files.len();
                walk(path, &mut files, &mut visited_folders, diagnostics);
                if files.len() == before {
                    diagnostics.push(
                        Diagnostic::warning(
                            notes::code::NO_CARDS,
                            notes::whole_file(path),
                            format!("no .md or .markdown files in {}", path.display()),
                        )
                        .hint("name the notes files themselves, or the folder that holds them"),
                    );
                }
            }
            // A file named on the command line is read whatever its extension.
            Ok(_) => files.push(path.clone()),
            Err(error) => diagnostics.push(Diagnostic::unreadable(
                path,
                "file or folder",
                &error.to_string(),
            )),
        }
    }
    let mut seen = HashSet::new();
    files.retain(|file| seen.insert(fs::canonicalize(file).unwrap_or_else(|_| file.clone())));
    files
}

fn walk(
    folder: &Path,
    files: &mut Vec<PathBuf>,
    visited: &mut HashSet<PathBuf>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    // A symlink back up the tree would otherwise recurse forever.
    let canonical = fs::canonicalize(folder).unwrap_or_else(|_| folder.to_path_buf());
    if !visited.insert(canonical) {
        return;
    }
    let entries = match fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(error) => {
            diagnostics.push(Diagnostic::unreadable(folder, "folder", &error.to_string()));
            return;
        }
    };
    let mut children: Vec<PathBuf> = Vec::new();
    for entry in entries {
        match entry {
            Ok(entry) if !entry.file_name().to_string_lossy().starts_with('.') => {
                children.push(entry.path());
            }
            Ok(_) => {}
            Err(error) => {
                diagnostics.push(Diagnostic::unreadable(folder, "folder", &error.to_string()));
            }
        }
    }
    children.sort();
    for child in children {
        match fs::metadata(&child) {
            Ok(meta) if meta.is_dir() => walk(&child, files, visited, diagnostics),
            Ok(_) if is_notes_file(&child) => files.push(child),
            Ok(_) => {}
            Err(error) => {
                if is_notes_file(&child) {
                    diagnostics.push(Diagnostic::unreadable(&child, "file", &error.to_string()));
                }
            }
        }
    }
}

fn is_notes_file(path: &Path) -> bool {
    path.extension()
        .and_then(|ext| ext.to_str())
        .is_some_and(|ext| ext.eq_ignore_ascii_case("md") || ext.eq_ignore_ascii_case("markdown"))
}
