//! `mdcards export NOTES... OUT.apkg [--deck A::B] [--json]`: notes -> an Anki package.
//!
//! Problems in the notes (the same ones `check` reports, missing images included) stop the
//! export with exit 1 before anything is written; a bad OUT, a review database that cannot
//! be opened, or an I/O failure is exit 2. OUT is replaced only by a complete package.
//!
//! The review database (`--db`, `MDCARDS_DB`, or the platform default, as for every command)
//! records each export, so that the next one's notes carry a newer `mod` and Anki applies
//! them even when both exports fall within one second (see `store::exports`).

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use miette::{IntoDiagnostic, Result};
use serde::Serialize;

use super::Outcome;
use super::input::{self, Purpose};
use super::paths::{open_store, store_error};
use crate::cli::ExportArgs;
use crate::export::{self, ExportError, Stamp, Summary};

/// Below this many cards an export takes a blink; a bar would only flicker.
const PROGRESS_FROM: usize = 5_000;

pub fn export(args: &ExportArgs) -> Result<Outcome> {
    let started = Instant::now();
    // A wrong OUT is found before any notes are read.
    export::check_out_path(args.out())?;
    // Scenario cards are exported as the simulator answers them: notes `check` would reject
    // (a contradicted `expect`, a run that stops, an impossible Raft message) are not.
    let mut notes = input::load(args.notes(), args.deck.as_deref(), Purpose::Write)?;
    if input::report_to_stderr(&notes)? {
        return Ok(Outcome::Problems);
    }
    // An empty package would import as nothing and hide the mistake (a wrong folder).
    if notes.cards.is_empty() {
        eprintln!(
            "export: no cards in {} notes {}; {} not written (a card starts at a `## ` heading)",
            notes.files,
            if notes.files == 1 { "file" } else { "files" },
            args.out().display()
        );
        return Ok(Outcome::Problems);
    }
    // The notes' text and diagnostics are no longer needed: free them before exporting
    // (a destructuring `let` would keep them until the end of this function).
    let cards = std::mem::take(&mut notes.cards);
    drop(notes);
    let now = super::now()?;
    let mut store = open_store(&args.db)?;
    let record = store.begin_export(now).map_err(store_error)?;
    let stamp = Stamp {
        now_ms: now.0,
        note_mod: record.note_mod(),
    };
    let bar = progress_bar(cards.len());
    let result = export::export_notes(&cards, args.out(), stamp, args.instances, &|stored| {
        bar.set_position(stored as u64)
    });
    bar.finish_and_clear();
    let summary = match result {
        Ok(summary) => summary,
        // Problems in the notes themselves (found again here, e.g. an image deleted since
        // it was checked): report like `check` does, exit 1.
        Err(
            error @ (ExportError::MissingMedia { .. }
            | ExportError::DuplicateId { .. }
            | ExportError::Scenario { .. }),
        ) => {
            let report = miette::Report::new(error);
            writeln!(anstream::stderr(), "{report:?}").into_diagnostic()?;
            return Ok(Outcome::Problems);
        }
        Err(error) => return Err(error.into()),
    };
    record
        .finish(args.out(), summary.notes)
        .map_err(store_error)?;
    let elapsed = started.elapsed();
    report(args, &summary, elapsed)?;
    Ok(Outcome::Success)
}

fn progress_bar(cards: usize) -> ProgressBar {
    if cards < PROGRESS_FROM {
        return ProgressBar::hidden();
    }
    // The stderr target draws nothing when stderr is not a terminal.
    let bar = ProgressBar::with_draw_target(Some(cards as u64), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{msg} {bar:40} {pos}/{len} notes") {
        bar.set_style(style);
    }
    bar.set_message("Exporting");
    bar
}

#[derive(Serialize)]
struct JsonSummary<'a> {
    out: &'a Path,
    cards: usize,
    notes: usize,
    decks: usize,
    media: usize,
    /// Notes that are scenario generator instances (counted in `notes`).
    instances: usize,
    bytes: u64,
    seconds: f64,
}

/// One line on stderr; with `--json`, the same figures as JSON on stdout.
fn report(args: &ExportArgs, summary: &Summary, elapsed: Duration) -> Result<()> {
    let notes = if summary.instances > 0 {
        format!(
            "{}, {} of them scenario instances",
            plural(summary.notes, "note"),
            summary.instances
        )
    } else {
        plural(summary.notes, "note")
    };
    let line = format!(
        "Exported {} ({}, {}, {}) to {}: {} in {:.2} s",
        plural(summary.cards, "card"),
        notes,
        plural(summary.decks, "deck"),
        plural(summary.media, "media file"),
        args.out().display(),
        size(summary.bytes),
        elapsed.as_secs_f64()
    );
    let style = anstyle::Style::new()
        .bold()
        .fg_color(Some(anstyle::AnsiColor::Green.into()));
    writeln!(anstream::stderr(), "{style}{line}{style:#}").into_diagnostic()?;
    if args.json {
        let json = JsonSummary {
            out: args.out(),
            cards: summary.cards,
            notes: summary.notes,
            decks: summary.decks,
            media: summary.media,
            instances: summary.instances,
            bytes: summary.bytes,
            seconds: (elapsed.as_secs_f64() * 1000.0).round() / 1000.0,
        };
        let mut out = anstream::stdout().lock();
        serde_json::to_writer(&mut out, &json).into_diagnostic()?;
        writeln!(out).into_diagnostic()?;
    }
    Ok(())
}

fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

fn size(bytes: u64) -> String {
    match bytes {
        0..1_000 => format!("{bytes} B"),
        1_000..1_000_000 => format!("{:.1} kB", bytes as f64 / 1e3),
        _ => format!("{:.1} MB", bytes as f64 / 1e6),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_plurals_read_naturally() {
        assert_eq!(size(999), "999 B");
        assert_eq!(size(61_234), "61.2 kB");
        assert_eq!(size(29_000_000), "29.0 MB");
        assert_eq!(plural(1, "card"), "1 card");
        assert_eq!(plural(0, "media file"), "0 media files");
    }
}
