//! Showing diagnostics: rustc-style through miette (source snippet, label, help), or JSON.
//! Every stage's diagnostics (notes, images, scenarios) come through here, so they all look
//! alike.

mod elided;
mod source;

use std::collections::HashMap;
use std::fmt;
use std::io::{self, Write};
use std::path::Path;
use std::sync::Arc;

use anstyle::{AnsiColor, Style};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode};
use serde::Serialize;

use super::input::Sources;
use crate::notes::{Diagnostic, Severity};
use source::IndexedSource;

/// Counts for the summary line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    /// Information that is no problem (what a stated follower does with a message).
    pub notes: usize,
    pub files: usize,
}

impl Summary {
    pub fn of(diagnostics: &[Diagnostic], files: usize) -> Summary {
        let count = |severity| {
            diagnostics
                .iter()
                .filter(|d| d.severity == severity)
                .count()
        };
        Summary {
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            notes: count(Severity::Note),
            files,
        }
    }
}

impl fmt::Display for Summary {
    /// "2 errors, 1 warning in 3 files"; notes are named only when there are some
    /// ("0 errors, 0 warnings, 2 notes in 1 file").
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}, {}",
            plural(self.errors, "error"),
            plural(self.warnings, "warning")
        )?;
        if self.notes > 0 {
            write!(f, ", {}", plural(self.notes, "note"))?;
        }
        write!(f, " in {}", plural(self.files, "file"))
    }
}

fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Whether output to this stream gets colour (`--color`, NO_COLOR, and whether it is a terminal).
pub fn colour_for<S: anstream::stream::RawStream>(stream: &S) -> bool {
    anstream::AutoStream::choice(stream) != anstream::ColorChoice::Never
}

/// How much of a long report is shown in full.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detail<'a> {
    /// Every finding (`check --all`).
    All,
    /// Up to [`IN_FULL`] findings in full, errors before the others, and the rest counted
    /// by code; `see_all` says how to see every one.
    Screenful { see_all: &'a str },
}

/// How many findings a report shows in full before it counts the rest: about a screenful.
pub const IN_FULL: usize = 10;

/// Each diagnostic as rustc shows one: headline, the source around the place, a label under
/// it, and the hint. Diagnostics of files whose text is not in `sources` show no snippet.
/// Time grows with the number of diagnostics, not with their files' sizes (see `source`).
pub fn render_human(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    sources: &Sources,
    colour: bool,
    detail: Detail<'_>,
) -> io::Result<()> {
    let theme = if colour {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false);
    let in_full = match detail {
        Detail::All => vec![true; diagnostics.len()],
        Detail::Screenful { .. } => elided::in_full(diagnostics, IN_FULL),
    };
    let mut files = Files::new(sources);
    let mut text = String::new();
    let shown = diagnostics
        .iter()
        .zip(&in_full)
        .filter_map(|(diagnostic, &full)| full.then_some(diagnostic));
    for (i, diagnostic) in shown.enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        let shown = files.show(diagnostic);
        text.clear();
        handler
            .render_report(&mut text, &shown)
            .map_err(|_| io::Error::other("cannot format a diagnostic"))?;
        out.write_all(text.as_bytes())?;
    }
    if let Detail::Screenful { see_all } = detail {
        elided::render(out, diagnostics, &in_full, see_all, colour)?;
    }
    Ok(())
}

/// The summary line: red when there are errors, yellow for only warnings, else green.
pub fn render_summary(out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
    let style = if summary.errors > 0 {
        Style::new().bold().fg_color(Some(AnsiColor::Red.into()))
    } else if summary.warnings > 0 {
        Style::new().bold().fg_color(Some(AnsiColor::Yellow.into()))
    } else {
        Style::new().bold().fg_color(Some(AnsiColor::Green.into()))
    };
    writeln!(out, "{style}{summary}{style:#}")
}

/// `{"files": K, "errors": N, "warnings": M, "notes": L, "diagnostics": [...]}` and a
/// newline.
pub fn render_json(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    summary: &Summary,
) -> io::Result<()> {
    #[derive(Serialize)]
    struct Report<'a> {
        files: usize,
        errors: usize,
        warnings: usize,
        notes: usize,
        diagnostics: &'a [Diagnostic],
    }
    let report = Report {
        files: summary.files,
        errors: summary.errors,
        warnings: summary.warnings,
        notes: summary.notes,
        diagnostics,
    };
    serde_json::to_writer_pretty(&mut *out, &report).map_err(io::Error::from)?;
    writeln!(out)
}

/// Per-file sources and line indexes, built once per file when first needed.
struct Files<'s> {
    sources: &'s Sources,
    indexed: HashMap<&'s Path, Arc<IndexedSource<'s>>>,
}

impl<'s> Files<'s> {
    fn new(sources: &'s Sources) -> Self {
        Files {
            sources,
            indexed: HashMap::new(),
        }
    }

    fn show(&mut self, diagnostic: &'s Diagnostic) -> Shown<'s> {
        let severity = match diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        };
        let mut shown = Shown {
            message: diagnostic.message.clone(),
            code: Some(diagnostic.code),
            severity,
            help: Some(diagnostic.hint.clone()).filter(|hint| !hint.is_empty()),
            source: None,
            labels: Vec::new(),
            related: Vec::new(),
        };
        let file = diagnostic.location.file.as_path();
        if let Some((source, span)) = self.span(
            file,
            diagnostic.location.line,
            diagnostic.location.col,
            diagnostic.len,
        ) {
            shown.source = Some(source);
            shown.labels.push(LabeledSpan::new_primary_with_span(
                label(&diagnostic.label),
                span,
            ));
        }
        for related in &diagnostic.related {
            let related_file = related.location.file.as_path();
            let found = self.span(
                related_file,
                related.location.line,
                related.location.col,
                related.len,
            );
            match found {
                Some((_, span)) if related_file == file && shown.source.is_some() => shown
                    .labels
                    .push(LabeledSpan::new_with_span(label(&related.label), span)),
                _ => {
                    let (source, labels) = match found {
                        Some((source, span)) => (
                            Some(source),
                            vec![LabeledSpan::new_primary_with_span(
                                label(&related.label),
                                span,
                            )],
                        ),
                        None => (None, Vec::new()),
                    };
                    shown.related.push(Shown {
                        message: format!("{}: {}", related.location, related.label),
                        code: None,
                        severity: miette::Severity::Advice,
                        help: None,
                        source,
                        labels,
                        related: Vec::new(),
                    });
                }
            }
        }
        shown
    }

    /// The file's source and the byte span of a place in it: `len` bytes from (line, col),
    /// or to the end of the line when `len` is 0. `None` for line 0 (a whole file) or a
    /// file with no text.
    fn span(
        &mut self,
        file: &'s Path,
        line: u32,
        col: u32,
        len: usize,
    ) -> Option<(Arc<IndexedSource<'s>>, miette::SourceSpan)> {
        if line == 0 {
            return None;
        }
        let text: &'s Arc<String> = self.sources.get(file)?;
        let source = self.indexed.entry(file).or_insert_with(|| {
            Arc::new(IndexedSource::new(
                file.display().to_string(),
                text.as_str(),
            ))
        });
        let lines = source.lines();
        let offset = lines.offset(line, col)?;
        let len = if len == 0 {
            lines.line_range(offset).end - offset
        } else {
            len.min(text.len() - offset)
        };
        Some((Arc::clone(source), (offset, len).into()))
    }
}

fn label(text: &str) -> Option<String> {
    Some(text.to_owned()).filter(|text| !text.is_empty())
}

/// A diagnostic in the shape miette renders.
#[derive(Debug)]
struct Shown<'s> {
    message: String,
    code: Option<&'static str>,
    severity: miette::Severity,
    help: Option<String>,
    source: Option<Arc<IndexedSource<'s>>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Shown<'s>>,
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Shown<'_> {}

impl miette::Diagnostic for Shown<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code
            .map(|code| Box::new(code) as Box<dyn fmt::Display + 'a>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|help| Box::new(help) as Box<dyn fmt::Display + 'a>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source
            .as_deref()
            .map(|source| source as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(
                self.related
                    .iter()
                    .map(|shown| shown as &dyn miette::Diagnostic),
            ))
        }
    }
}
