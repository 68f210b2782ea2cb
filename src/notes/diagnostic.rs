//! What is wrong with a notes file, where, and what to do about it.
//!
//! Diagnostics are plain data: the notes parser produces them, the app edge adds the ones
//! that need I/O (missing images, unreadable files), later stages (scenario validation) add
//! their own, and `app::diagnostics` renders them all in one place, like rustc does.

use std::fmt;
use std::path::Path;

use serde::Serialize;

use crate::deck::Location;

/// How bad a diagnostic is. Errors stop `export`, `sync` and `quiz`, and make `check` exit 1;
/// warnings are reported and otherwise ignored. A finding about the prose (see
/// [`Diagnostic::lint`]) is a warning that `check` reports as an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    /// Information, not a problem: what a stated follower does with a message (`check`).
    Note,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        })
    }
}

/// One problem found in the notes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A finding about the user's prose, not a card mdcards cannot use (a heading with no
    /// answer, an example message no server would send): a warning, which never blocks a
    /// deck, except in `check`, the linter, which reports it as an error (the app edge
    /// weighs each finding for its command).
    #[serde(skip)]
    pub lint: bool,
    /// A stable, greppable name for the kind of problem (`empty-back`); see [`code`].
    pub code: &'static str,
    /// Where the problem starts. Line 0 means "the whole file" (it could not be read).
    pub location: Location,
    /// How many bytes of source, from `location`, the problem covers (0: a point).
    pub len: usize,
    /// What is wrong, in one sentence.
    pub message: String,
    /// A short note shown under the highlighted source.
    pub label: String,
    /// What to do about it.
    pub hint: String,
    /// Other places that take part in the problem (the first card of a duplicate pair).
    pub related: Vec<Related>,
}

/// A second place a diagnostic points at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Related {
    pub location: Location,
    pub len: usize,
    pub label: String,
}

/// The kinds of diagnostic the notes stage produces. Other stages use their own strings.
pub mod code {
    // Errors.
    pub const EMPTY_FRONT: &str = "empty-front";
    pub const DUPLICATE_ID: &str = "duplicate-id";
    pub const UNCLOSED_FENCE: &str = "unclosed-fence";
    pub const EXTRA_SEPARATOR: &str = "extra-separator";
    pub const MALFORMED_TAGS: &str = "malformed-tags";
    pub const MALFORMED_FRONT_MATTER: &str = "malformed-front-matter";
    pub const UNKNOWN_FRONT_MATTER_KEY: &str = "unknown-front-matter-key";
    pub const MALFORMED_ID: &str = "malformed-id";
    pub const MALFORMED_DECK: &str = "malformed-deck";
    pub const EXTRA_SCENARIO: &str = "extra-scenario";
    pub const MALFORMED_CLOZE: &str = "malformed-cloze";
    pub const MISPLACED_CLOZE: &str = "misplaced-cloze";
    pub const MALFORMED_REVERSE: &str = "malformed-reverse";
    pub const MISPLACED_REVERSE: &str = "misplaced-reverse";
    pub const MISSING_IMAGE: &str = "missing-image";
    pub const INVALID_UTF8: &str = "invalid-utf8";
    pub const UNREADABLE: &str = "unreadable";
    // Findings about the prose: errors in `check`, warnings elsewhere.
    pub const EMPTY_BACK: &str = "empty-back";
    // Warnings.
    pub const DUPLICATE_TITLE: &str = "duplicate-title";
    pub const OUTSIDE_CARD: &str = "outside-card";
    pub const UNKNOWN_DIRECTIVE: &str = "unknown-directive";
    pub const UNDERLINED_HEADING: &str = "underlined-heading";
    pub const NESTED_HEADING: &str = "nested-heading";
    pub const UNCLOSED_LATEX: &str = "unclosed-latex";
    pub const REMOTE_IMAGE: &str = "remote-image";
    pub const NO_CARDS: &str = "no-cards";
}

impl Diagnostic {
    pub fn error(code: &'static str, location: Location, message: impl Into<String>) -> Self {
        Diagnostic::new(Severity::Error, code, location, message)
    }

    pub fn warning(code: &'static str, location: Location, message: impl Into<String>) -> Self {
        Diagnostic::new(Severity::Warning, code, location, message)
    }

    pub fn note(code: &'static str, location: Location, message: impl Into<String>) -> Self {
        Diagnostic::new(Severity::Note, code, location, message)
    }

    /// A finding about the prose: a warning everywhere but in `check` (see [`Diagnostic::lint`]).
    pub fn lint(code: &'static str, location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            lint: true,
            ..Diagnostic::warning(code, location, message)
        }
    }

    /// This finding, known to be about the prose: an error becomes a lint finding (a
    /// warning but in `check`); warnings and notes stay as they are.
    pub fn about_prose(self) -> Self {
        match self.severity {
            Severity::Error => Diagnostic {
                lint: true,
                severity: Severity::Warning,
                ..self
            },
            Severity::Warning | Severity::Note => self,
        }
    }

    fn new(
        severity: Severity,
        code: &'static str,
        location: Location,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity,
            lint: false,
            code,
            location,
            len: 0,
            message: message.into(),
            label: String::new(),
            hint: String::new(),
            related: Vec::new(),
        }
    }

    /// How many bytes of source the problem covers.
    pub fn spanning(mut self, len: usize) -> Self {
        self.len = len;
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = hint.into();
        self
    }

    pub fn related(mut self, location: Location, len: usize, label: impl Into<String>) -> Self {
        self.related.push(Related {
            location,
            len,
            label: label.into(),
        });
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// A file or folder that could not be read at all (the message names the OS error).
    pub fn unreadable(path: &Path, what: &str, reason: &str) -> Self {
        Diagnostic::error(
            code::UNREADABLE,
            whole_file(path),
            format!("cannot read {what} {}: {reason}", path.display()),
        )
        .hint("check that the path exists and that you may read it")
    }

    /// An image the card refers to is not where the notes say.
    pub fn missing_image(written: &str, resolved: &Path, location: Location, len: usize) -> Self {
        Diagnostic::error(
            code::MISSING_IMAGE,
            location,
            format!(
                "image `{written}` not found (looked for {})",
                resolved.display()
            ),
        )
        .spanning(len)
        .label("no such file")
        .hint("image paths are relative to the notes file's folder; fix the path or add the file")
    }
}

/// A location that stands for a whole file: line 0, column 0.
pub fn whole_file(path: &Path) -> Location {
    Location {
        file: path.to_path_buf(),
        line: 0,
        col: 0,
    }
}
