//! The edge: the one place that touches files, the clock, the terminal and the database.
//! Each command lives in its own file; they pass `now` and seeds down to the pure cores.

mod cards;
mod check;
mod clock;
mod completions;
pub mod diagnostics;
mod export;
pub mod input;
mod list;
pub mod paths;
mod quiz;
mod selection;
mod sim;
mod stats;
mod sync;

use clap::CommandFactory;
use miette::Result;

use crate::cli::{Cli, ColorWhen, Command};

pub use clock::now;

/// How a command that ran to completion ended; errors are `Err` (exit 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Success,
    /// Exit 1: the command worked and found problems (lint errors, wrong answers, failed expects).
    Problems,
}

impl Outcome {
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Success => 0,
            Outcome::Problems => 1,
        }
    }
}

/// Run one parsed command line.
pub fn run(cli: Cli) -> Result<Outcome> {
    configure_colour(cli.global.color);
    match cli.command {
        None => quiz::quiz(&cli.quiz),
        Some(Command::Quiz(args)) => quiz::quiz(&args),
        Some(Command::Export(args)) => export::export(&args),
        Some(Command::Check(args)) => check::check(&args),
        Some(Command::List(args)) => list::list(&args),
        Some(Command::Sync(args)) => sync::sync(&args),
        Some(Command::Stats(args)) => stats::stats(&args),
        Some(Command::Sim(args)) => sim::sim(&args),
        Some(Command::Suspend(args)) => cards::act(cards::Action::Suspend, &args),
        Some(Command::Unsuspend(args)) => cards::act(cards::Action::Unsuspend, &args),
        Some(Command::Bury(args)) => cards::act(cards::Action::Bury, &args),
        Some(Command::Unbury(args)) => cards::act(cards::Action::Unbury, &args),
        Some(Command::Forget(args)) => cards::act(cards::Action::Forget, &args),
        Some(Command::Completions { shell }) => completions::completions(shell),
        Some(Command::Man) => completions::man(),
    }
}

fn configure_colour(when: ColorWhen) {
    let choice = match when {
        ColorWhen::Auto => anstream::ColorChoice::Auto,
        ColorWhen::Always => anstream::ColorChoice::Always,
        ColorWhen::Never => anstream::ColorChoice::Never,
    };
    choice.write_global();
    let colour = match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            anstream::AutoStream::choice(&std::io::stderr()) != anstream::ColorChoice::Never
        }
    };
    // Ignore the error: a hook installed twice (tests calling `run` repeatedly) is harmless.
    let _ = miette::set_hook(Box::new(move |_| {
        Box::new(
            miette::MietteHandlerOpts::new()
                .color(colour)
                .unicode(colour)
                .terminal_links(false)
                .build(),
        )
    }));
}

/// True when the error is, at any depth, a write to a closed pipe (`mdcards list | head`):
/// that is the reader's choice, not a failure, so the process exits quietly.
pub fn is_broken_pipe(report: &miette::Report) -> bool {
    // `into_diagnostic()` hides the io::Error behind a private wrapper that only shows its
    // message, so the message is checked too.
    let broken = std::io::Error::from(std::io::ErrorKind::BrokenPipe).to_string();
    report.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            || {
                let text = cause.to_string();
                text.eq_ignore_ascii_case(&broken) || text.starts_with("Broken pipe (os error")
            }
    })
}

/// The clap command, for the man page and completions.
pub fn command() -> clap::Command {
    Cli::command()
}
