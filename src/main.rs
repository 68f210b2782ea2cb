//! Parse arguments, run the command, map the result to an exit code:
//! 0 ok, 1 problems found, 2 usage or I/O error. A closed pipe exits quietly.

use std::process::ExitCode;

use clap::Parser;
use mdcards::app;
use mdcards::cli::Cli;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match app::run(cli) {
        Ok(outcome) => ExitCode::from(outcome.exit_code()),
        Err(report) if app::is_broken_pipe(&report) => ExitCode::SUCCESS,
        Err(report) => {
            eprintln!("{report:?}");
            ExitCode::from(2)
        }
    }
}
