//! `mdcards completions SHELL` and `mdcards man`, generated from the clap definitions.

use std::io::Write;

use miette::{IntoDiagnostic, Result};

use super::Outcome;

pub fn completions(shell: clap_complete::Shell) -> Result<Outcome> {
    let mut command = super::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, "mdcards", &mut out);
    std::io::stdout().lock().write_all(&out).into_diagnostic()?;
    Ok(Outcome::Success)
}

pub fn man() -> Result<Outcome> {
    let mut out = Vec::new();
    clap_mangen::Man::new(super::command())
        .render(&mut out)
        .into_diagnostic()?;
    std::io::stdout().lock().write_all(&out).into_diagnostic()?;
    Ok(Outcome::Success)
}
