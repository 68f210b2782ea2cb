//! `mdcards quiz` (and bare `mdcards`): sync the notes, then review what is due.

use std::io::{BufReader, IsTerminal, Write};

use jiff::tz::TimeZone;
use miette::{IntoDiagnostic, Result};

use super::input::{self, LoadedNotes, Purpose};
use super::paths::{open_store, store_error};
use super::sync::{ReadNotes, unchanged_scope, write_report};
use super::{Outcome, clock, selection};
use crate::cli::{NotesArgs, QuizArgs};
use crate::notes::Diagnostic;
use crate::quiz::days;
use crate::quiz::driver::{self, Driver, Ending, Refreshed};
use crate::quiz::plain::Plain;
use crate::quiz::session::{Limits, Session};
use crate::quiz::styled::write_lines;
use crate::quiz::summary::Summary;
use crate::quiz::terminal::Terminal;
use crate::select::Filter;
use crate::srs::{Params, Timestamp, format_interval};
use crate::store::sync::Scope;
use crate::store::{QueueQuery, Store};

pub fn quiz(args: &QuizArgs) -> Result<Outcome> {
    let started = clock::now()?;
    if report_missing_paths(&args.notes)? {
        return Ok(Outcome::Problems);
    }
    let mut store = open_store(&args.db)?;
    let scope = match unchanged_scope(&store, &args.notes)? {
        Some(scope) => scope,
        None => sync_notes(&mut store, &args.notes, started)?,
    };
    let sources = store
        .source_ids(&scope.files, &scope.folders)
        .map_err(store_error)?;
    let filter = selection::from_store(&store, Some(&sources), &args.select)?;
    let tz = TimeZone::system();
    let day = days::today(started, &tz);
    let params = Params::default();
    // The query a session's cards come from, kept to fill the room a set-aside card leaves.
    let mut queue = None;
    let session = if args.cram {
        let cards = store.all_cards(&sources, &filter).map_err(store_error)?;
        Session::cram(params, cards, day)
    } else {
        let limits = Limits {
            new_per_day: args.new_per_day,
            reviews_per_day: args.reviews_per_day,
            ..Limits::default()
        };
        let today = store
            .today_counts(&sources, &filter, day.start)
            .map_err(store_error)?;
        let query = QueueQuery {
            sources: sources.clone(),
            filter: filter.clone(),
            now: started,
            day_end: day.end,
            new_limit: limits.new_per_day.saturating_sub(today.new_introduced),
            review_limit: limits.reviews_per_day.saturating_sub(today.reviews_done),
        };
        let cards = store.session_cards(&query).map_err(store_error)?;
        queue = Some(query);
        Session::new(params, cards, today, limits, day)
    };

    let mut session = session;
    if session.next(started).is_none() {
        return nothing_due(&store, &sources, &filter, &session, started);
    }

    let plain = args.plain || !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal();
    let mut clock = || clock::now().unwrap_or(started);
    let notes_args = args.notes.clone();
    let mut refresh = move |store: &mut Store| -> Result<Refreshed, driver::Error> {
        refresh_notes(store, &notes_args)
    };
    let mut driver = Driver::new(session, &mut store, &mut clock, &mut refresh);
    if let Some(query) = queue {
        driver.refill_from(query);
    }
    let ending = if plain {
        let stdin = std::io::stdin();
        let mut input = BufReader::new(stdin.lock());
        let mut out = anstream::stdout();
        let mut messages = anstream::stderr();
        let width = if std::io::stdout().is_terminal() {
            crossterm::terminal::size().map_or(80, |(w, _)| usize::from(w))
        } else {
            usize::MAX / 4
        };
        let mut ui = Plain::new(
            &mut input,
            &mut out,
            &mut messages,
            width,
            std::io::stdin().is_terminal(),
        );
        driver.run(&mut ui)
    } else {
        let colour =
            anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never;
        let mut ui = Terminal::new(colour).into_diagnostic()?;
        let ending = driver.run(&mut ui);
        drop(ui);
        ending
    };
    let ending = match ending {
        Ok(ending) => ending,
        Err(driver::Error::Store(e)) => return Err(store_error(e)),
        Err(driver::Error::Io(e)) => return Err(e).into_diagnostic(),
    };

    let ended = clock::now()?;
    let scenarios = driver.scenario_tally();
    let session = &driver.session;
    let mut summary = Summary::new(session.tally(), ended.0 - started.0, args.cram);
    summary.leeches = driver.leeches.clone();
    summary.quit_early = ending == Ending::Quit;
    summary.learning_later = session.waiting();
    summary.next_due = store.next_due(&sources, &filter).map_err(store_error)?;
    summary.scenario_answered = scenarios.answered;
    summary.scenario_wrong = scenarios.wrong;
    let mut out = anstream::stdout();
    write_lines(&mut out, &summary.lines(ended), "\n").into_diagnostic()?;
    // Like `check`, exit 1 when answers were wrong, so a script can tell.
    Ok(if scenarios.wrong > 0 {
        Outcome::Problems
    } else {
        Outcome::Success
    })
}

/// A notes path that does not exist is a mistake (a typo, a moved folder), not an empty
/// deck: report it as every command does, and review nothing. True when any was missing.
fn report_missing_paths(args: &NotesArgs) -> Result<bool> {
    let diagnostics: Vec<Diagnostic> = args
        .paths
        .iter()
        .filter_map(|path| {
            let error = std::fs::metadata(path).err()?;
            Some(Diagnostic::unreadable(
                path,
                "file or folder",
                &error.to_string(),
            ))
        })
        .collect();
    if diagnostics.is_empty() {
        return Ok(false);
    }
    let notes = LoadedNotes {
        diagnostics,
        ..LoadedNotes::default()
    };
    input::report_to_stderr(&notes)?;
    eprintln!("quiz: nothing reviewed; name notes files or folders that exist");
    Ok(true)
}

/// Read the notes and bring the store up to date; a short report on stderr when anything
/// changed. Notes with errors are not synced: the quiz goes on with the cards as last synced.
fn sync_notes(store: &mut Store, args: &NotesArgs, now: Timestamp) -> Result<Scope> {
    let notes = input::load_notes(args, Purpose::Write)?;
    let has_errors = input::report_to_stderr(&notes)?;
    let read = ReadNotes::new(args, notes)?;
    if has_errors {
        eprintln!(
            "notes not synced because of the errors above; reviewing the cards as last synced"
        );
        return Ok(read.scope);
    }
    let report = store.sync(&read.input(now, false)).map_err(store_error)?;
    if report.changed_anything() || !report.warnings.is_empty() {
        let mut err = anstream::stderr();
        write!(err, "sync: ").into_diagnostic()?;
        write_report(&mut err, &report, report.changes.len() <= 10).into_diagnostic()?;
    }
    Ok(read.scope)
}

fn refresh_notes(store: &mut Store, args: &NotesArgs) -> Result<Refreshed, driver::Error> {
    let now = clock::now().map_err(|e| driver::Error::Io(std::io::Error::other(e.to_string())))?;
    let notes = input::load_notes(args, Purpose::Write)
        .map_err(|e| driver::Error::Io(std::io::Error::other(e.to_string())))?;
    if notes.has_errors() {
        return Ok(Refreshed {
            renamed: Vec::new(),
            summary: first_error(&notes),
            synced: false,
        });
    }
    let read = ReadNotes::new(args, notes)
        .map_err(|e| driver::Error::Io(std::io::Error::other(e.to_string())))?;
    let report = store.sync(&read.input(now, false))?;
    let renamed = report
        .changes
        .iter()
        .filter_map(|c| c.old_id.clone().map(|old| (old, c.id.clone())))
        .collect();
    Ok(Refreshed {
        renamed,
        summary: report.summary(),
        synced: true,
    })
}

/// The message when an edit left the notes with errors: the first error, where it is, and
/// what to do.
fn first_error(notes: &input::LoadedNotes) -> String {
    let errors: Vec<_> = notes.diagnostics.iter().filter(|d| d.is_error()).collect();
    let Some(first) = errors.first() else {
        return "not synced".to_owned();
    };
    let place = format!(
        "{}:{}:{}",
        super::paths::display_path(&first.location.file),
        first.location.line,
        first.location.col
    );
    let more = match errors.len() - 1 {
        0 => String::new(),
        1 => " (and 1 more error: `mdcards check` lists them)".to_owned(),
        n => format!(" (and {n} more errors: `mdcards check` lists them)"),
    };
    format!(
        "not synced: {place}: error[{}]: {}{more}; press e to fix it (until then the quiz \
         goes on with the cards as last synced)",
        first.code, first.message
    )
}

fn nothing_due(
    store: &Store,
    sources: &[i64],
    filter: &Filter,
    session: &Session,
    now: Timestamp,
) -> Result<Outcome> {
    let mut out = anstream::stdout();
    if store.active_cards(sources, filter).map_err(store_error)? == 0 {
        writeln!(out, "No cards in these notes.").into_diagnostic()?;
        return Ok(Outcome::Success);
    }
    let mut line = "Nothing due now.".to_owned();
    if let Some((count, due)) = session.waiting() {
        line.push_str(&format!(
            " {count} learning card{} due later today (next in {}).",
            if count == 1 { "" } else { "s" },
            format_interval((due.0 - now.0).max(0))
        ));
    }
    match store.next_due(sources, filter).map_err(store_error)? {
        Some(due) if due.0 > now.0 => line.push_str(&format!(
            " Next review in {}.",
            format_interval(due.0 - now.0)
        )),
        Some(_) => line.push_str(" Today's limits are reached (--new N, --reviews N raise them)."),
        None => {}
    }
    writeln!(out, "{line}").into_diagnostic()?;
    Ok(Outcome::Success)
}
