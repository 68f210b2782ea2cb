//! The scenario script language: a cluster, node states, events and `expect`s, run on the
//! simulator. Every statement is in one table, [`statements`], which the parser dispatches
//! on; the grammar is in GUIDE.md ("Scenario scripts").
//!
//! ```text
//! cluster 3
//! node 1 follower term 2 log 1 1 2
//! node 2 follower term 2 log 1 1
//! timeout 2
//! stabilize
//! expect 1 -> 2 voteGranted false
//! expect leader none
//! ```
//!
//! [`parse`] turns text into a [`Script`] (errors carry the file line, given where the script
//! starts); [`run`] executes it and returns every `expect`'s result with the simulator's
//! reasons, and the trace.

pub mod ast;
pub mod lexer;
pub mod observe;
pub mod parser;
pub mod runner;
pub mod statements;

pub use ast::{
    Command, CommandKind, Expect, MessageField, NodeDecl, NodeProperty, Options, Property, Query,
    Script,
};
pub use observe::Observation;
pub use runner::{
    AskOutcome, AskResult, ExpectOutcome, ExpectResult, Reason, RunError, ScriptRun, run, start,
};

/// A script that cannot be parsed: where, what, and what would be accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}:{column}: {message}")]
pub struct ScriptError {
    /// Line in the file (the script's first line is `first_line` given to [`parse`]).
    pub line: u32,
    /// 1-based column in characters.
    pub column: u32,
    pub message: String,
    pub help: Option<String>,
}

impl ScriptError {
    pub fn at(line: u32, column: u32, message: impl Into<String>, help: Option<&str>) -> Self {
        ScriptError {
            line,
            column,
            message: message.into(),
            help: help.map(str::to_owned),
        }
    }
}

/// Parses a script whose first line is line `first_line` of its file (1 for a `.raft`
/// file; the line after the opening fence for a ```` ```raft ```` block).
pub fn parse(source: &str, first_line: u32) -> Result<Script, ScriptError> {
    let offset = first_line.saturating_sub(1);
    let statements = lexer::lex(source).map_err(|mut error| {
        error.line += offset;
        error
    })?;
    parser::parse_statements(&statements, offset)
}
