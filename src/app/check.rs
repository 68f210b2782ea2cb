//! `mdcards check [NOTES...] [--json]`: every problem in the notes, rustc-style or as JSON;
//! exit 1 when any is an error. `check` is the linter: findings about the prose (a heading
//! with no answer), warnings for every other command, are errors here.

use std::io::{BufWriter, Write};

use miette::{IntoDiagnostic, Result};

use super::Outcome;
use super::diagnostics::{self, Detail, Summary};
use super::input::{self, Purpose};
use crate::cli::CheckArgs;

pub fn check(args: &CheckArgs) -> Result<Outcome> {
    let notes = input::load_notes(&args.notes, Purpose::Lint)?;
    let problems = notes.diagnostics;
    let summary = Summary::of(&problems, notes.files);
    if args.json {
        let mut out = BufWriter::new(std::io::stdout().lock());
        diagnostics::render_json(&mut out, &problems, &summary).into_diagnostic()?;
        out.flush().into_diagnostic()?;
    } else {
        let colour = diagnostics::colour_for(&std::io::stdout());
        let mut out = BufWriter::new(anstream::stdout().lock());
        let detail = if args.all {
            Detail::All
        } else {
            Detail::Screenful {
                see_all: "show every one with `mdcards check --all`, or list them as data with `mdcards check --json`",
            }
        };
        diagnostics::render_human(&mut out, &problems, &notes.sources, colour, detail)
            .into_diagnostic()?;
        diagnostics::render_summary(&mut out, &summary).into_diagnostic()?;
        out.flush().into_diagnostic()?;
    }
    Ok(if summary.errors > 0 {
        Outcome::Problems
    } else {
        Outcome::Success
    })
}
