//! `mdcards check [NOTES...] [--json]`: every problem in the notes, rustc-style or as JSON;
//! exit 1 when any is an error.

use std::io::{BufWriter, Write};

use miette::{IntoDiagnostic, Result};

use super::diagnostics::{self, Summary};
use super::{Outcome, input};
use crate::cli::CheckArgs;

pub fn check(args: &CheckArgs) -> Result<Outcome> {
    let notes = input::load_notes(&args.notes)?;
    let mut problems = notes.diagnostics;
    let mut scenario_problems: Vec<_> = notes
        .cards
        .iter()
        .flat_map(crate::scenario::validate)
        .collect();
    for path in notes.sources.paths() {
        if let Some(text) = notes.sources.get(path) {
            scenario_problems.extend(crate::scenario::messages::check_file(path, text));
        }
    }
    if !scenario_problems.is_empty() {
        problems.extend(scenario_problems);
        sort_by_place(&mut problems, &notes.sources);
    }
    let summary = Summary::of(&problems, notes.files);
    if args.json {
        let mut out = BufWriter::new(std::io::stdout().lock());
        diagnostics::render_json(&mut out, &problems, &summary).into_diagnostic()?;
        out.flush().into_diagnostic()?;
    } else {
        let colour = diagnostics::colour_for(&std::io::stdout());
        let mut out = BufWriter::new(anstream::stdout().lock());
        diagnostics::render_human(&mut out, &problems, &notes.sources, colour).into_diagnostic()?;
        diagnostics::render_summary(&mut out, &summary).into_diagnostic()?;
        out.flush().into_diagnostic()?;
    }
    Ok(if summary.errors > 0 {
        Outcome::Problems
    } else {
        Outcome::Success
    })
}

/// Files in reading order, then lines and columns; the sort is stable, so problems at one
/// place keep the order their stages found them in.
fn sort_by_place(problems: &mut [crate::notes::Diagnostic], sources: &input::Sources) {
    let rank: std::collections::HashMap<&std::path::Path, usize> = sources
        .paths()
        .enumerate()
        .map(|(i, path)| (path.as_path(), i))
        .collect();
    problems.sort_by_key(|d| {
        let file = rank
            .get(d.location.file.as_path())
            .copied()
            .unwrap_or(usize::MAX);
        (file, d.location.line, d.location.col)
    });
}
