//! Scenario cards: what a card's ```` ```raft ```` block makes it. Either a generator card
//! (`generate KIND`: each review draws a new instance) or a script whose `ask` lines are its
//! questions, answered by running the script.

use super::generate::GeneratorKind;
use super::question::{Origin, Question, Situation};
use super::script::{
    self, AskOutcome, AskResult, Property, Query, Reason, Script, ScriptError, ScriptRun,
    ast::REFUSALS, lexer,
};
use crate::deck::ScenarioSource;

/// What a ```` ```raft ```` block makes of its card.
#[derive(Clone, Debug)]
pub enum ScenarioCard {
    /// `generate KIND`: a new instance of the generator at every review.
    Generator(GeneratorKind),
    /// A script: its run (boxed: a run holds whole clusters), and a question per `ask` the
    /// simulator could answer.
    Script {
        script: Script,
        run: Box<ScriptRun>,
        questions: Vec<Question>,
    },
}

/// Reads a scenario block: a generator card, or a script that is parsed and run. `Err` for
/// a block that cannot be parsed (at file line and column); a script that parses always
/// gives a card, even if its run stops early or an `ask` has no answer ([`validate`]
/// reports those).
///
/// [`validate`]: super::validate
pub fn scenario_card(source: &ScenarioSource) -> Result<ScenarioCard, ScriptError> {
    let first_line = source.location.line;
    if let Some(kind) = generator_of(&source.script, first_line)? {
        return Ok(ScenarioCard::Generator(kind));
    }
    let script = script::parse(&source.script, first_line)?;
    let run = script::run(&script);
    let questions = questions(&source.script, &script, &run);
    Ok(ScenarioCard::Script {
        script,
        run: Box::new(run),
        questions,
    })
}

/// `Some(kind)` if the block is `generate KIND`; `None` if it is a script.
fn generator_of(source: &str, first_line: u32) -> Result<Option<GeneratorKind>, ScriptError> {
    let offset = first_line.saturating_sub(1);
    let statements = lexer::lex(source).map_err(|mut error| {
        error.line += offset;
        error
    })?;
    let Some(first) = statements.first() else {
        return Ok(None);
    };
    let word = |index: usize| match first.tokens.get(index).map(|t| &t.kind) {
        Some(lexer::TokenKind::Word(word)) => Some(word.as_str()),
        _ => None,
    };
    if word(0) != Some("generate") {
        return Ok(None);
    }
    let at = |token: usize| {
        let column = first.tokens.get(token).map_or_else(
            || first.first_line.trim_end().chars().count() as u32 + 1,
            |t| t.column,
        );
        (first.line + offset, column)
    };
    let names = GeneratorKind::ALL
        .iter()
        .map(|kind| kind.name())
        .collect::<Vec<_>>()
        .join(", ");
    let Some(name) = word(1) else {
        let (line, column) = at(1);
        return Err(ScriptError::at(
            line,
            column,
            "expected the kind of question to generate",
            Some(&format!("kinds: {names}")),
        ));
    };
    let kind: GeneratorKind = name.parse().map_err(|_| {
        let (line, column) = at(1);
        let kinds: Vec<&str> = GeneratorKind::ALL.iter().map(|kind| kind.name()).collect();
        let close = script::parser::suggestion(name, &kinds)
            .map(|close| format!("{close} "))
            .unwrap_or_default();
        ScriptError::at(
            line,
            column,
            format!("unknown generator `{name}`"),
            Some(&format!("{close}kinds: {names}")),
        )
    })?;
    if first.tokens.len() > 2 {
        let (line, column) = at(2);
        return Err(ScriptError::at(
            line,
            column,
            "`generate` takes only the kind",
            Some("write `generate KIND` alone in the block"),
        ));
    }
    if let Some(next) = statements.get(1) {
        return Err(ScriptError::at(
            next.line + offset,
            next.tokens.first().map_or(1, |t| t.column),
            "a `generate` block holds nothing else",
            Some("a generator card asks its own questions; put a script in a card of its own"),
        ));
    }
    Ok(Some(kind))
}

/// A question per answered `ask` of the run of `script`, parsed from `source`.
pub fn questions(source: &str, script: &Script, run: &ScriptRun) -> Vec<Question> {
    let Some(start) = &run.start else {
        return Vec::new();
    };
    let situation = Situation::of_script(script, start);
    run.asks
        .iter()
        .filter_map(|ask| {
            let AskOutcome::Answered { answer, reasons } = &ask.outcome else {
                return None;
            };
            Some(Question {
                origin: Origin::Script { line: ask.line },
                prompt: prompt_of(&ask.query),
                situation: situation.clone(),
                answer: answer.clone(),
                explanation: explanation_of(ask, reasons),
                trace: run.trace.prefix(ask.trace_len),
                script: source.to_owned(),
            })
        })
        .collect()
}

fn explanation_of(ask: &AskResult, reasons: &[Reason]) -> String {
    if reasons.is_empty() {
        return format!(
            "Nothing in the run changed what `{}` asks about: it is as the script declares it.",
            ask.text
        );
    }
    notes_list(reasons)
}

/// The simulator's notes as a markdown list: `- node 1: refused vote to 3: ... (§5.4.1)`.
pub fn notes_list(reasons: &[Reason]) -> String {
    reasons
        .iter()
        .map(|reason| format!("- {reason}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The question an `ask` line asks, as a sentence.
pub fn prompt_of(query: &Query) -> String {
    match query {
        Query::Leader => "Which node is the leader now (or none)?".to_owned(),
        Query::LeaderTerm => "What is the leader's term?".to_owned(),
        Query::LeaderTick => "At which tick did the leader win its election?".to_owned(),
        Query::Node { node, property } => match property {
            Property::Role => format!("What is node {node}'s role now?"),
            Property::Term => format!("What is node {node}'s currentTerm now?"),
            Property::VotedFor => {
                format!("Whom has node {node} voted for in its current term (votedFor)?")
            }
            Property::Log => format!("What is node {node}'s log now (the terms of its entries)?"),
            Property::CommitIndex => format!("What is node {node}'s commitIndex now?"),
            Property::LastApplied => format!("What is node {node}'s lastApplied now?"),
            Property::NextIndex(peer) => {
                format!("What is leader {node}'s nextIndex for node {peer}?")
            }
            Property::MatchIndex(peer) => {
                format!("What is leader {node}'s matchIndex for node {peer}?")
            }
        },
        Query::Message { from, to, field } => match field.as_str() {
            "voteGranted" => format!("Does node {from} grant its vote to node {to}?"),
            "success" => format!("Does node {from} answer node {to}'s AppendEntries with success?"),
            "entries" => format!("Which entries (their terms) does node {from} send node {to}?"),
            REFUSALS => format!("How many of node {to}'s requests does node {from} refuse?"),
            field => format!("What {field} does node {from}'s message to node {to} carry?"),
        },
    }
}
