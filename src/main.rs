//! Parse arguments, run the command, map the result to an exit code:
//! 0 ok, 1 problems found, 2 usage or I/O error. A closed pipe exits quietly.

use std::process::ExitCode;

use mdcards::{app, cli};

fn main() -> ExitCode {
    let cli = cli::parse();
    match app::run(cli) {
        Ok(outcome) => ExitCode::from(outcome.exit_code()),
        Err(report) if app::is_broken_pipe(&report) => ExitCode::SUCCESS,
        Err(report) => {
            eprintln!("{report:?}");
            ExitCode::from(2)
        }
    }
}
