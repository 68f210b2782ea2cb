//! `check`'s view of a scenario card: every problem the simulator finds, as diagnostics at
//! the lines of the notes file they concern.

use super::card::{ScenarioCard, scenario_card};
use super::script::{AskOutcome, ExpectOutcome};
use crate::deck::{Card, Location, ScenarioSource};
use crate::notes::Diagnostic;

/// Diagnostic codes of scenario problems.
pub mod code {
    /// The script (or `generate` line) cannot be parsed.
    pub const SYNTAX: &str = "scenario-syntax";
    /// The script describes a state or event Raft cannot have; the run stopped there.
    pub const RUN: &str = "scenario-run";
    /// An `expect` the simulator contradicts.
    pub const EXPECT: &str = "scenario-expect";
    /// An `ask` the simulator cannot answer at that point.
    pub const ASK: &str = "scenario-ask";
    /// A script with neither `ask` nor `expect` (warning): the simulator checks nothing.
    pub const NO_QUESTION: &str = "scenario-no-question";
}

/// Runs the card's scenario, if it has one, and reports what is wrong with it.
pub fn validate(card: &Card) -> Vec<Diagnostic> {
    let Some(source) = &card.scenario else {
        return Vec::new();
    };
    let place = |line: u32, column: Option<u32>| location(source, line, column);
    let (script, run) = match scenario_card(source) {
        Err(error) => {
            let mut diagnostic = Diagnostic::error(
                code::SYNTAX,
                place(error.line, Some(error.column)),
                error.message.clone(),
            )
            .label("here");
            if let Some(help) = error.help {
                diagnostic = diagnostic.hint(help);
            }
            return vec![diagnostic];
        }
        Ok(ScenarioCard::Generator(_)) => return Vec::new(),
        Ok(ScenarioCard::Script { script, run, .. }) => (script, run),
    };
    let mut diagnostics = Vec::new();
    if let Some(error) = &run.error {
        diagnostics.push(
            Diagnostic::error(code::RUN, place(error.line, None), error.message.clone())
                .label("the simulation stops here")
                .hint("declare a state Raft can be in, and events that can happen to it; `mdcards sim` on the script shows the run"),
        );
    }
    for expect in &run.expects {
        let ExpectOutcome::Failed { expected, actual } = &expect.outcome else {
            continue;
        };
        let because = expect
            .reasons
            .iter()
            .map(|reason| format!("because {reason}"))
            .collect::<Vec<_>>()
            .join("\n");
        let hint = if because.is_empty() {
            "the simulator follows Figure 2 of the Raft paper; fix the expectation or the events before it".to_owned()
        } else {
            because
        };
        diagnostics.push(
            Diagnostic::error(
                code::EXPECT,
                place(expect.line, None),
                format!(
                    "the simulator contradicts `{}`: expected {expected}, it says {actual}",
                    expect.text
                ),
            )
            .label(format!("the simulator says {actual}"))
            .hint(hint),
        );
    }
    for ask in &run.asks {
        if let AskOutcome::Unanswerable { why } = &ask.outcome {
            diagnostics.push(
                Diagnostic::error(
                    code::ASK,
                    place(ask.line, None),
                    format!("`{}` cannot be answered: {why}", ask.text),
                )
                .label("no answer here")
                .hint("ask about something the run has at this point: a message sent by the event just before, a leader's nextIndex, ..."),
            );
        }
    }
    // A script with `expect`s is a recall card whose answer the simulator checks; one with
    // neither `ask` nor `expect` checks nothing, which is most likely an oversight.
    if run.asks.is_empty() && run.expects.is_empty() && run.error.is_none() {
        diagnostics.push(
            Diagnostic::warning(
                code::NO_QUESTION,
                place(script.line, None),
                "this scenario neither asks nor expects anything: the simulator checks nothing",
            )
            .label("scenario without `ask` or `expect`")
            .hint("add an `ask` line (e.g. `ask 1 -> 3 voteGranted`) for a question the simulator grades, or `expect` lines for facts it checks"),
        );
    }
    diagnostics
}

/// The place of line `line` of the file (a script line) and `column` of it, or of the
/// line's first word.
fn location(source: &ScenarioSource, line: u32, column: Option<u32>) -> Location {
    let start = source.location.line;
    let text = source
        .script
        .lines()
        .nth(line.saturating_sub(start) as usize)
        .unwrap_or("");
    let column =
        column.unwrap_or_else(|| text.chars().take_while(|c| c.is_whitespace()).count() as u32 + 1);
    Location {
        file: source.location.file.clone(),
        line,
        col: column + source.location.col.saturating_sub(1),
    }
}
