//! Reading notes: the one pipeline every command that takes NOTES goes through, so they all
//! see the same cards and the same problems. [`load`] runs its stages in this order:
//!
//! 1. find the files: the paths named, folders walked ([`notes_files`]), or the built-in
//!    deck when none is named;
//! 2. read each file, decode it, parse it (a big file in parts on every core, see
//!    [`parallel`]) and check that its images exist;
//! 3. find ids that two cards share, across files;
//! 4. run every scenario on the simulator and check every Raft message block, unless the
//!    command only lists cards;
//! 5. weigh each finding for the command at hand ([`Purpose::weigh`]);
//! 6. sort the findings by file, then line.
//!
//! A command then shows them with [`report_to_stderr`] (`check` prints them on stdout) and,
//! if it writes anything, stops when one is an error:
//!
//! ```ignore
//! let notes = input::load_notes(&args.notes, Purpose::Write)?;
//! if input::report_to_stderr(&notes)? {
//!     return Ok(Outcome::Problems); // errors: refuse to go on
//! }
//! ```

mod files;
mod parallel;
mod sources;

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use miette::Result;

use super::diagnostics::{self, Summary};
use crate::cli::NotesArgs;
use crate::deck::{Card, CardId};
use crate::notes::{self, Diagnostic, Severity};

pub use files::notes_files;
pub use sources::Sources;

/// What the command reading the notes will do with them: it decides which checks run and
/// how much each finding weighs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// `check`, the linter: every check, every finding as found, notes included.
    Lint,
    /// `list`: the cards as the notes give them; scenarios are not run.
    List,
    /// `sync`, `quiz` and `export`: the cards go on into the store or a package, so every
    /// check that can refuse a card runs.
    Write,
}

impl Purpose {
    /// Whether scenarios run on the simulator and Raft message blocks are checked.
    fn checks_scenarios(self) -> bool {
        match self {
            Purpose::Lint | Purpose::Write => true,
            Purpose::List => false,
        }
    }

    /// How much `finding` weighs for this command: its severity, or `None` when this
    /// command does not show it. Every finding of every stage passes through here, so this
    /// is the one place where a finding's weight depends on the command.
    pub fn weigh(self, finding: &Diagnostic) -> Option<Severity> {
        match (self, finding.severity) {
            // A finding about the prose (a heading with no answer) is an error for the
            // linter, and a warning that blocks nothing everywhere else.
            (Purpose::Lint, _) if finding.lint => Some(Severity::Error),
            (Purpose::Lint, severity) => Some(severity),
            // A note (what a stated follower does with a message) informs the linter's user;
            // elsewhere it would only be noise around the command's output.
            (Purpose::List | Purpose::Write, Severity::Note) => None,
            (Purpose::List | Purpose::Write, severity) => Some(severity),
        }
    }
}

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

    /// A parsed file's cards and diagnostics join the rest, its text the sources.
    fn add(&mut self, file: &Path, text: String, parsed: notes::ParsedFile) {
        self.diagnostics.extend(parsed.diagnostics);
        // Moving the first file's cards, not copying them, saves a copy of a big deck.
        if self.cards.is_empty() {
            self.cards = parsed.cards;
        } else {
            self.cards.extend(parsed.cards);
        }
        self.sources.insert(file.to_path_buf(), Arc::new(text));
    }
}

/// [`load`] on the NOTES and `--deck` of a command line.
pub fn load_notes(args: &NotesArgs, purpose: Purpose) -> Result<LoadedNotes> {
    load(&args.paths, None, purpose)
}

/// Read the notes at `paths` (the built-in deck when there are none) for a command that
/// will use them for `purpose`. Unreadable paths and bad notes are diagnostics, not
/// errors: the result is `Err` only for a malformed `deck`.
pub fn load(paths: &[PathBuf], deck: Option<&str>, purpose: Purpose) -> Result<LoadedNotes> {
    if let Some(deck) = deck {
        notes::deck_path(deck).map_err(|error| miette::miette!("invalid --deck: {error}"))?;
    }
    let mut loaded = LoadedNotes::default();
    let files = if paths.is_empty() {
        vec![PathBuf::from(notes::BUILTIN_DECK_PATH)]
    } else {
        notes_files(paths, &mut loaded.diagnostics)
    };
    loaded.files = files.len();
    for file in &files {
        if paths.is_empty() {
            // The built-in deck names no images: there is nothing on disk to check.
            let mut parsed = parallel::parse_file(file, notes::BUILTIN_DECK, deck);
            // Ids of its own, so that notes with the same deck and questions never take
            // its cards over (see `CardId::built_in`).
            for card in &mut parsed.cards {
                card.id = CardId::built_in(
                    &card.deck,
                    &notes::identity_text(card),
                    card.pinned.then_some(card.id.as_str()),
                );
            }
            loaded.add(file, notes::BUILTIN_DECK.to_owned(), parsed);
        } else {
            read_file(&mut loaded, file, deck);
        }
    }
    let duplicates = notes::duplicate_ids(&loaded.cards);
    loaded.diagnostics.extend(duplicates);
    if purpose.checks_scenarios() {
        let scenarios = check_scenarios(&loaded.cards);
        let messages = check_message_blocks(&loaded.cards, &loaded.sources);
        loaded.diagnostics.extend(scenarios);
        loaded.diagnostics.extend(messages);
    }
    weigh_findings(&mut loaded.diagnostics, purpose);
    sort_by_place(&mut loaded.diagnostics, &files);
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
    let detail = diagnostics::Detail::Screenful {
        see_all: "`mdcards check --all` on the same notes shows every one",
    };
    diagnostics::render_human(&mut err, &notes.diagnostics, &notes.sources, colour, detail)
        .and_then(|()| diagnostics::render_summary(&mut err, &notes.summary()))
        .map_err(|error| miette::miette!("cannot write to stderr: {error}"))?;
    Ok(notes.has_errors())
}

/// Stage 2 for a file on disk: read and decode it, parse it, check its images.
fn read_file(loaded: &mut LoadedNotes, file: &Path, deck: Option<&str>) {
    let text = match fs::read(file) {
        Ok(bytes) => {
            let (text, problem) = notes::decode(file, bytes);
            loaded.diagnostics.extend(problem);
            text
        }
        Err(error) => {
            let unreadable = Diagnostic::unreadable(file, "file", &error.to_string());
            loaded.diagnostics.push(unreadable);
            return;
        }
    };
    let parsed = parallel::parse_file(file, &text, deck);
    let missing = missing_images(&parsed.cards);
    loaded.add(file, text, parsed);
    loaded.diagnostics.extend(missing);
}

/// Images the cards refer to that are not files.
fn missing_images(cards: &[Card]) -> Vec<Diagnostic> {
    cards
        .iter()
        .flat_map(|card| &card.media)
        .filter(|media| !media.path.is_file())
        .map(|media| {
            Diagnostic::missing_image(&media.written, &media.path, media.location.clone(), 0)
        })
        .collect()
}

/// Stage 4, scenarios: every ```` ```raft ```` block run on the simulator (a contradicted
/// `expect`, a script that does not parse, a run that stops).
fn check_scenarios(cards: &[Card]) -> Vec<Diagnostic> {
    cards
        .iter()
        .filter(|card| card.scenario.is_some())
        .flat_map(crate::scenario::validate)
        .collect()
}

/// Stage 4, messages: every ```` ```json ```` block of Raft messages, file by file. An
/// example message whose numbers no server would send is a finding about the prose, not a
/// card mdcards cannot use: an error for the linter, a warning that blocks nothing for the
/// other commands.
fn check_message_blocks(cards: &[Card], sources: &Sources) -> Vec<Diagnostic> {
    let mut card_lines: HashMap<&Path, Vec<u32>> = HashMap::new();
    // Cards come file by file: hash a file's path once per run of its cards, not per card.
    for run in cards.chunk_by(|a, b| a.location.file.as_os_str() == b.location.file.as_os_str()) {
        card_lines
            .entry(run[0].location.file.as_path())
            .or_default()
            .extend(run.iter().map(|card| card.location.line));
    }
    let mut found = Vec::new();
    for path in sources.paths() {
        if let (Some(text), Some(lines)) = (sources.get(path), card_lines.get(path.as_path())) {
            let checked = parallel::check_messages(path, text, lines);
            found.extend(checked.into_iter().map(Diagnostic::about_prose));
        }
    }
    found
}

/// Stage 5: each finding at the weight `purpose` gives it; those it does not show go.
fn weigh_findings(findings: &mut Vec<Diagnostic>, purpose: Purpose) {
    findings.retain_mut(|finding| match purpose.weigh(finding) {
        Some(severity) => {
            finding.severity = severity;
            true
        }
        None => false,
    });
}

/// Stage 6: files in the order they were read, then lines; problems with paths that were
/// never read (unreadable folders) last.
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

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(severity: Severity) -> Diagnostic {
        let location = notes::whole_file(Path::new("a.md"));
        match severity {
            Severity::Error => Diagnostic::error("e", location, "e"),
            Severity::Warning => Diagnostic::warning("w", location, "w"),
            Severity::Note => Diagnostic::note("n", location, "n"),
        }
    }

    #[test]
    fn the_linter_sees_every_finding_as_found() {
        for severity in [Severity::Error, Severity::Warning, Severity::Note] {
            assert_eq!(Purpose::Lint.weigh(&finding(severity)), Some(severity));
        }
    }

    #[test]
    fn a_finding_about_the_prose_is_an_error_only_for_the_linter() {
        let finding = Diagnostic::lint("empty-back", notes::whole_file(Path::new("a.md")), "l");
        assert_eq!(Purpose::Lint.weigh(&finding), Some(Severity::Error));
        for purpose in [Purpose::List, Purpose::Write] {
            assert_eq!(purpose.weigh(&finding), Some(Severity::Warning));
        }
    }

    #[test]
    fn other_commands_drop_notes_and_keep_problems() {
        for purpose in [Purpose::List, Purpose::Write] {
            assert_eq!(purpose.weigh(&finding(Severity::Note)), None);
            assert_eq!(
                purpose.weigh(&finding(Severity::Error)),
                Some(Severity::Error)
            );
            assert_eq!(
                purpose.weigh(&finding(Severity::Warning)),
                Some(Severity::Warning)
            );
        }
    }
}
