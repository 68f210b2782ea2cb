//! Reading a block's JSON as Raft messages, keeping where each field is.

use std::ops::Range;

use serde_json::{Map, Value};

use super::keys::key_offsets;
use super::{Block, code};
use crate::deck::Location;
use crate::notes::Diagnostic;

pub(super) use crate::raft::MessageKind as Kind;
pub(super) use crate::raft::message::MARKERS;
use crate::raft::message::strip_position;

/// The message as a sentence's noun, without its article: "AppendEntries response".
pub(super) fn noun(kind: Kind) -> &'static str {
    kind.phrase()
        .split_once(' ')
        .map_or(kind.phrase(), |(_, noun)| noun)
}

/// A message's required fields, then its optional ones.
pub(super) fn fields(kind: Kind) -> (&'static [&'static str], &'static [&'static str]) {
    match kind {
        Kind::RequestVote => (&["term", "candidateId", "lastLogIndex", "lastLogTerm"], &[]),
        Kind::RequestVoteResponse => (&["term", "voteGranted"], &[]),
        Kind::AppendEntries => (
            &[
                "term",
                "leaderId",
                "prevLogIndex",
                "prevLogTerm",
                "leaderCommit",
            ],
            &["entries"],
        ),
        // The paper's {term, success}; mdcards' `index` and the conflict hint optional.
        Kind::AppendEntriesResponse => (
            &["term", "success"],
            &["index", "conflictTerm", "conflictIndex"],
        ),
    }
}

/// One object of a block: where it is in the content, and the object.
pub(super) struct Object {
    pub(super) range: Range<usize>,
    pub(super) fields: Map<String, Value>,
    pub(super) kind: Kind,
    /// The offset (in the content) of each key, by path: `term`, `entries.2.index`.
    pub(super) keys: Vec<(String, usize)>,
}

impl Object {
    pub(super) fn key_at(&self, path: &str) -> usize {
        self.keys
            .iter()
            .find(|(p, _)| p == path)
            .map_or(self.range.start, |(_, at)| *at)
    }

    pub(super) fn number(&self, name: &str) -> Option<u64> {
        self.fields.get(name).and_then(Value::as_u64)
    }

    /// Who sends a request (`None` for a response: it does not say).
    pub(super) fn sender(&self) -> Option<u64> {
        match self.kind {
            Kind::RequestVote => self.number("candidateId"),
            Kind::AppendEntries => self.number("leaderId"),
            Kind::RequestVoteResponse | Kind::AppendEntriesResponse => None,
        }
    }
}

/// The messages of a block, in order, and where the JSON stops parsing if it does: the
/// messages before that are still checked.
pub(super) fn read_objects(
    block: &Block,
    place: &dyn Fn(usize) -> Location,
    out: &mut Vec<Diagnostic>,
) -> (Vec<Object>, Option<Diagnostic>) {
    let mut objects = Vec::new();
    let mut stream = serde_json::Deserializer::from_str(&block.content).into_iter::<Value>();
    let mut start = 0;
    loop {
        let begin = start
            + block.content[start..]
                .find(|c: char| !c.is_whitespace())
                .unwrap_or(block.content.len() - start);
        let value = match stream.next() {
            None => return (objects, None),
            Some(Err(error)) => return (objects, Some(syntax_error(block, begin, &error, place))),
            Some(Ok(value)) => value,
        };
        let end = stream.byte_offset();
        start = end;
        let fields = match value {
            Value::Object(fields) => fields,
            Value::Array(items) if items.iter().any(is_message) => {
                out.push(
                    Diagnostic::warning(
                        code::FIELDS,
                        place(begin),
                        "a list of messages is not checked",
                    )
                    .spanning(1)
                    .label("a list")
                    .hint(
                        "write the messages one after another, without `[`, `]` and \
                        commas, as the seed notes do",
                    ),
                );
                continue;
            }
            _ => continue,
        };
        let found: Vec<Kind> = MARKERS
            .iter()
            .filter(|(marker, _)| fields.contains_key(*marker))
            .map(|(_, kind)| *kind)
            .collect();
        let kind = match found.as_slice() {
            [] => continue,
            [kind] => *kind,
            _ => {
                out.push(
                    Diagnostic::error(
                        code::FIELDS,
                        place(begin),
                        "the fields belong to more than one message (e.g. both \
                        `leaderId` and `candidateId`)",
                    )
                    .spanning(1)
                    .label("which message is this?")
                    .hint(
                        "a RequestVote has `candidateId`, an AppendEntries \
                        `leaderId`, a RequestVote response `voteGranted`, an \
                        AppendEntries response `success`",
                    ),
                );
                continue;
            }
        };
        objects.push(Object {
            range: begin..end,
            fields,
            kind,
            keys: key_offsets(&block.content[begin..end], begin),
        });
    }
}

pub(super) fn is_message(value: &Value) -> bool {
    MARKERS
        .iter()
        .any(|(marker, _)| value.get(marker).is_some())
}

/// Where JSON stops parsing; a message left open is shown at its start.
pub(super) fn syntax_error(
    block: &Block,
    begin: usize,
    error: &serde_json::Error,
    place: &dyn Fn(usize) -> Location,
) -> Diagnostic {
    let what = strip_position(&error.to_string());
    let (at, label) = if error.is_eof() {
        (begin, "never closed")
    } else {
        (
            content_offset(&block.content, error.line(), error.column()),
            "here",
        )
    };
    Diagnostic::error(code::SYNTAX, place(at), format!("not valid JSON: {what}"))
        .spanning(1)
        .label(label)
        .hint("a message block holds JSON objects like the seed's, one after another")
}

/// The content offset of a 1-based line and column (serde_json's error position).
pub(super) fn content_offset(content: &str, line: usize, column: usize) -> usize {
    let start: usize = content
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (start + column.saturating_sub(1)).min(content.len())
}

/// The length of the token at `at`: a quoted key, or one character.
pub(super) fn token_len(content: &str, at: usize) -> usize {
    let rest = &content[at.min(content.len())..];
    if let Some(quoted) = rest.strip_prefix('"') {
        quoted.find('"').map_or(1, |end| end + 2)
    } else {
        rest.chars().next().map_or(0, char::len_utf8)
    }
}
