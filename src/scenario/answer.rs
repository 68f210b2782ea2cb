//! Typed answers to scenario questions: what the simulator computed, and what a learner types.
//!
//! Answers are compared exactly. Typed input is forgiving about form (`Yes`, `y`, `true`;
//! `1 1 4 4`, `[1, 1, 4, 4]`; `none`, `-`) but never about content.

use std::fmt;

use serde::Serialize;

use crate::raft::{NodeId, Role, Term};

/// The form an answer takes; the quiz shows [`AnswerKind::form`] next to the prompt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum AnswerKind {
    /// yes or no (`voteGranted`, `success`).
    YesNo,
    /// A whole number: a term, an index, a count, a tick.
    Number,
    /// A node id, or none (`votedFor`, the leader).
    Node,
    /// A log written as the terms of its entries, `1 1 4 4`, or `empty`.
    Log,
    /// follower, candidate or leader.
    Role,
}

impl AnswerKind {
    /// What to type, for a prompt or an error: "yes or no".
    pub fn form(self) -> &'static str {
        match self {
            AnswerKind::YesNo => "yes or no",
            AnswerKind::Number => "a whole number",
            AnswerKind::Node => "a node id, or none",
            AnswerKind::Log => "the log as the terms of its entries, e.g. 1 1 4 4, or empty",
            AnswerKind::Role => "follower, candidate or leader",
        }
    }
}

/// An answer: computed by the simulator, or typed by the learner and parsed.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "camelCase")]
pub enum Answer {
    YesNo(bool),
    Number(u64),
    Node(Option<NodeId>),
    Log(Vec<Term>),
    Role(Role),
}

impl Answer {
    pub fn kind(&self) -> AnswerKind {
        match self {
            Answer::YesNo(_) => AnswerKind::YesNo,
            Answer::Number(_) => AnswerKind::Number,
            Answer::Node(_) => AnswerKind::Node,
            Answer::Log(_) => AnswerKind::Log,
            Answer::Role(_) => AnswerKind::Role,
        }
    }

    /// Reads a typed answer of the given kind. Case, surrounding space, commas and
    /// brackets do not matter; anything that is not an answer of that kind is an error that
    /// says what form is expected.
    pub fn parse(kind: AnswerKind, input: &str) -> Result<Answer, AnswerParseError> {
        let text = input.trim().to_lowercase();
        let error = |detail: &str| AnswerParseError {
            kind,
            input: input.trim().to_owned(),
            detail: detail.to_owned(),
        };
        match kind {
            AnswerKind::YesNo => match text.as_str() {
                "yes" | "y" | "true" => Ok(Answer::YesNo(true)),
                "no" | "n" | "false" => Ok(Answer::YesNo(false)),
                _ => Err(error("")),
            },
            AnswerKind::Number => number(&text).map(Answer::Number).ok_or_else(|| error("")),
            AnswerKind::Node => match text.as_str() {
                "none" | "nobody" | "no one" | "-" => Ok(Answer::Node(None)),
                _ => {
                    let id = text.strip_prefix("node").unwrap_or(&text).trim();
                    match number(id) {
                        Some(0) => Err(error("nodes are numbered from 1")),
                        Some(id) => NodeId::try_from(id)
                            .map(|id| Answer::Node(Some(id)))
                            .map_err(|_| error("no cluster has that many nodes")),
                        None => Err(error("")),
                    }
                }
            },
            AnswerKind::Log => {
                let inner = text
                    .strip_prefix('[')
                    .and_then(|rest| rest.strip_suffix(']'))
                    .unwrap_or(&text);
                if matches!(inner.trim(), "empty" | "none" | "") {
                    return if text.is_empty() {
                        Err(error("for a log with no entries, type `empty`"))
                    } else {
                        Ok(Answer::Log(Vec::new()))
                    };
                }
                let mut terms = Vec::new();
                for word in inner.split(|c: char| c.is_whitespace() || c == ',') {
                    if word.is_empty() {
                        continue;
                    }
                    match number(word) {
                        Some(term) => terms.push(term),
                        None => return Err(error(&format!("`{word}` is not a term"))),
                    }
                }
                Ok(Answer::Log(terms))
            }
            AnswerKind::Role => match text.as_str() {
                "follower" | "f" => Ok(Answer::Role(Role::Follower)),
                "candidate" | "c" => Ok(Answer::Role(Role::Candidate)),
                "leader" | "l" => Ok(Answer::Role(Role::Leader)),
                _ => Err(error("")),
            },
        }
    }
}

fn number(text: &str) -> Option<u64> {
    if text.is_empty() || !text.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Answer::YesNo(true) => f.write_str("yes"),
            Answer::YesNo(false) => f.write_str("no"),
            Answer::Number(n) => write!(f, "{n}"),
            Answer::Node(Some(id)) => write!(f, "{id}"),
            Answer::Node(None) => f.write_str("none"),
            Answer::Log(terms) if terms.is_empty() => f.write_str("empty"),
            Answer::Log(terms) => {
                for (i, term) in terms.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" ")?;
                    }
                    write!(f, "{term}")?;
                }
                Ok(())
            }
            Answer::Role(role) => f.write_str(role.name()),
        }
    }
}

/// Typed text that is not an answer of the expected kind.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("expected {}, not `{input}`{}", kind.form(), if detail.is_empty() { String::new() } else { format!(": {detail}") })]
pub struct AnswerParseError {
    pub kind: AnswerKind,
    pub input: String,
    pub detail: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_reads_its_own_display() {
        let answers = [
            Answer::YesNo(true),
            Answer::YesNo(false),
            Answer::Number(12),
            Answer::Node(Some(3)),
            Answer::Node(None),
            Answer::Log(vec![1, 1, 4, 4]),
            Answer::Log(Vec::new()),
            Answer::Role(Role::Candidate),
        ];
        for answer in answers {
            let text = answer.to_string();
            assert_eq!(
                Answer::parse(answer.kind(), &text),
                Ok(answer.clone()),
                "{text}"
            );
        }
    }

    #[test]
    fn input_forms_are_forgiving_about_layout_only() {
        let log = |s| Answer::parse(AnswerKind::Log, s);
        assert_eq!(log(" [1, 1,4] "), Ok(Answer::Log(vec![1, 1, 4])));
        assert_eq!(log("EMPTY"), Ok(Answer::Log(vec![])));
        assert_eq!(log("[]"), Ok(Answer::Log(vec![])));
        assert!(log("").is_err());
        assert!(
            log("1 x 2")
                .unwrap_err()
                .to_string()
                .contains("`x` is not a term")
        );
        assert_eq!(
            Answer::parse(AnswerKind::YesNo, "Y"),
            Ok(Answer::YesNo(true))
        );
        assert_eq!(
            Answer::parse(AnswerKind::Node, "node 2"),
            Ok(Answer::Node(Some(2)))
        );
        assert!(Answer::parse(AnswerKind::Node, "0").is_err());
        assert!(Answer::parse(AnswerKind::Number, "-1").is_err());
        assert_eq!(
            Answer::parse(AnswerKind::Role, "L"),
            Ok(Answer::Role(Role::Leader))
        );
    }

    #[test]
    fn errors_say_what_form_is_expected() {
        let error = Answer::parse(AnswerKind::YesNo, "maybe").unwrap_err();
        assert_eq!(error.to_string(), "expected yes or no, not `maybe`");
        let error = Answer::parse(AnswerKind::Log, "").unwrap_err();
        assert!(error.to_string().contains("type `empty`"), "{error}");
    }
}
