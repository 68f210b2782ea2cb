//! `check` on ```` ```json ```` blocks that hold Raft messages, as the seed notes write them:
//! RequestVote, AppendEntries and their responses, one or several objects in a block (a
//! sequence, in order). Each is checked for what no Raft server could send (entries not
//! contiguous from prevLogIndex + 1, an entry newer than the message's term, ...), with the
//! problem at the line of the offending field.
//!
//! A block can state a follower's state in its info string, in the words of a script's
//! `node` line:
//!
//! ````text
//! ```json follower term 5 log 1 1 1 4 4 5 commit 3
//! ````
//!
//! (`follower ID ...` picks the follower's id; otherwise it is the lowest id no message
//! comes from). `check` then delivers each request to that follower, in order, on the
//! simulator, and says what the follower does with it, as a note.

use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};
use serde_json::{Map, Value};

use super::script::{self, Reason};
use crate::deck::Location;
use crate::notes::{Diagnostic, LineIndex, markdown};
use crate::raft::{Event as TraceEvent, NodeId};

/// Diagnostic codes.
pub mod code {
    /// A message block that is not valid JSON.
    pub const SYNTAX: &str = "message-syntax";
    /// A message with missing, unknown or mistyped fields.
    pub const FIELDS: &str = "message-fields";
    /// A message no Raft server could send, or a sequence no leader could send.
    pub const INCONSISTENT: &str = "message-inconsistent";
    /// The follower state of a block's info string cannot be read.
    pub const FOLLOWER: &str = "message-follower";
    /// What the stated follower does with a message (a note).
    pub const OUTCOME: &str = "message-outcome";
}

/// The highest node id the follower simulation takes (the size of the largest cluster).
const MAX_NODE: NodeId = crate::raft::node::MAX_NODES;

/// Field names that make a JSON object a Raft message, and which message.
const MARKERS: [(&str, Kind); 4] = [
    ("candidateId", Kind::RequestVote),
    ("leaderId", Kind::AppendEntries),
    ("voteGranted", Kind::RequestVoteResponse),
    ("success", Kind::AppendEntriesResponse),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    RequestVote,
    RequestVoteResponse,
    AppendEntries,
    AppendEntriesResponse,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::RequestVote => "RequestVote",
            Kind::RequestVoteResponse => "RequestVote response",
            Kind::AppendEntries => "AppendEntries",
            Kind::AppendEntriesResponse => "AppendEntries response",
        }
    }

    /// The name with its article: "an AppendEntries".
    fn a(self) -> String {
        let article = if self.name().starts_with('A') {
            "an"
        } else {
            "a"
        };
        format!("{article} {}", self.name())
    }

    /// Required fields, then optional ones.
    fn fields(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
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
}

/// A ```` ```json ```` block: its info string and content, with where they are.
struct Block {
    info: String,
    /// Offset of the info string in the file.
    info_at: usize,
    content: String,
    /// (offset in `content`, offset in the file) at the start of each piece of content.
    pieces: Vec<(usize, usize)>,
}

impl Block {
    /// The file offset of a content offset.
    fn source(&self, offset: usize) -> usize {
        let piece = self.pieces.partition_point(|&(at, _)| at <= offset).max(1) - 1;
        let (at, source) = self.pieces.get(piece).copied().unwrap_or((0, self.info_at));
        source + (offset - at)
    }
}

/// Every problem (and every stated follower's reaction) in the message blocks of a file.
pub fn check_file(path: &Path, text: &str) -> Vec<Diagnostic> {
    if !text.contains("json") {
        return Vec::new();
    }
    let lines = LineIndex::new(text);
    let mut diagnostics = Vec::new();
    for block in json_blocks(text) {
        check_block(path, &lines, &block, &mut diagnostics);
    }
    diagnostics
}

fn json_blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<Block> = None;
    for (event, range) in Parser::new_ext(text, markdown::options()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                if info.split_whitespace().next() == Some("json") =>
            {
                let fence = &text[range.clone()];
                let info_at = range.start
                    + fence
                        .find(|c: char| !matches!(c, '`' | '~' | ' ' | '\t'))
                        .unwrap_or(0);
                open = Some(Block {
                    info: info.into_string(),
                    info_at,
                    content: String::new(),
                    pieces: Vec::new(),
                });
            }
            Event::Text(piece) => {
                if let Some(block) = &mut open {
                    block.pieces.push((block.content.len(), range.start));
                    block.content.push_str(&piece);
                }
            }
            Event::End(TagEnd::CodeBlock) => blocks.extend(open.take()),
            _ => {}
        }
    }
    blocks
}

/// One object of a block: where it is in the content, and the object.
struct Object {
    range: Range<usize>,
    fields: Map<String, Value>,
    kind: Kind,
    /// The offset (in the content) of each key, by path: `term`, `entries.2.index`.
    keys: Vec<(String, usize)>,
}

impl Object {
    fn key_at(&self, path: &str) -> usize {
        self.keys
            .iter()
            .find(|(p, _)| p == path)
            .map_or(self.range.start, |(_, at)| *at)
    }

    fn number(&self, name: &str) -> Option<u64> {
        self.fields.get(name).and_then(Value::as_u64)
    }

    /// Who sends a request (`None` for a response: it does not say).
    fn sender(&self) -> Option<u64> {
        match self.kind {
            Kind::RequestVote => self.number("candidateId"),
            Kind::AppendEntries => self.number("leaderId"),
            Kind::RequestVoteResponse | Kind::AppendEntriesResponse => None,
        }
    }
}

fn check_block(path: &Path, lines: &LineIndex<'_>, block: &Block, out: &mut Vec<Diagnostic>) {
    let place = |content_offset: usize| lines.location(path, block.source(content_offset));
    let looks_like_messages = MARKERS
        .iter()
        .any(|(marker, _)| block.content.contains(&format!("\"{marker}\"")));
    if !looks_like_messages {
        return;
    }
    let (objects, syntax_error) = read_objects(block, &place, out);
    let report = |problem: Problem| {
        let diagnostic = Diagnostic::error(problem.code, place(problem.at), problem.message)
            .spanning(token_len(&block.content, problem.at))
            .label(problem.label);
        match problem.hint {
            hint if hint.is_empty() => diagnostic,
            hint => diagnostic.hint(hint),
        }
    };
    let mut found: Vec<Problem> = objects.iter().flat_map(problems).collect();
    if found.is_empty() {
        found = sequence_problems(&objects);
    }
    let sound = found.is_empty() && syntax_error.is_none();
    out.extend(found.into_iter().map(report));
    out.extend(syntax_error);
    let follower = block.info.split_whitespace().skip(1).collect::<Vec<_>>();
    let info_place =
        |word: &str| lines.location(path, block.info_at + block.info.find(word).unwrap_or(0));
    match follower.first() {
        None => {}
        // Messages that no server could send have no reaction to show.
        Some(&"follower") if !sound => {}
        Some(&"follower") => simulate(&follower[1..], block, &objects, &place, &info_place, out),
        Some(word) => out.push(
            Diagnostic::warning(code::FOLLOWER, info_place(word), format!("`{word}` after ```json is not understood"))
                .spanning(word.len())
                .label("ignored")
                .hint("state a follower as ```json follower term 5 log 1 1 1 4 4 5 commit 3, and `check` says what it does with each message"),
        ),
    }
}

/// The messages of a block, in order, and where the JSON stops parsing if it does: the
/// messages before that are still checked.
fn read_objects(
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
                    Diagnostic::warning(code::FIELDS, place(begin), "a list of messages is not checked")
                        .spanning(1)
                        .label("a list")
                        .hint("write the messages one after another, without `[`, `]` and commas, as the seed notes do"),
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
                    Diagnostic::error(code::FIELDS, place(begin), "the fields belong to more than one message (e.g. both `leaderId` and `candidateId`)")
                        .spanning(1)
                        .label("which message is this?")
                        .hint("a RequestVote has `candidateId`, an AppendEntries `leaderId`, a RequestVote response `voteGranted`, an AppendEntries response `success`"),
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

fn is_message(value: &Value) -> bool {
    MARKERS
        .iter()
        .any(|(marker, _)| value.get(marker).is_some())
}

/// Where JSON stops parsing; a message left open is shown at its start.
fn syntax_error(
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

struct Problem {
    code: &'static str,
    at: usize,
    message: String,
    label: String,
    hint: String,
}

fn problem(code: &'static str, at: usize, message: String, label: &str, hint: &str) -> Problem {
    Problem {
        code,
        at,
        message,
        label: label.to_owned(),
        hint: hint.to_owned(),
    }
}

/// Missing, unknown and mistyped fields, then what no server could send.
fn problems(object: &Object) -> Vec<Problem> {
    let kind = object.kind;
    let (required, optional) = kind.fields();
    let mut found = Vec::new();
    for name in required {
        if !object.fields.contains_key(*name) {
            found.push(problem(
                code::FIELDS,
                object.range.start,
                format!("this {} has no `{name}`", kind.name()),
                "in this message",
                &format!("{} has {}", kind.a(), required.join(", ")),
            ));
        }
    }
    for (name, value) in &object.fields {
        let at = object.key_at(name);
        if name == "type" {
            continue;
        }
        if !required.contains(&name.as_str()) && !optional.contains(&name.as_str()) {
            let close = required
                .iter()
                .chain(optional)
                .map(|known| (strsim::jaro_winkler(name, known), *known))
                .filter(|(score, _)| *score > 0.8)
                .max_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(_, known)| format!("did you mean `{known}`? "))
                .unwrap_or_default();
            found.push(problem(
                code::FIELDS,
                at,
                format!("{} has no field `{name}`", kind.a()),
                "unknown field",
                &format!(
                    "{close}its fields are {}",
                    required
                        .iter()
                        .chain(optional)
                        .copied()
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
            continue;
        }
        let wanted = match name.as_str() {
            "voteGranted" | "success" => value.is_boolean().then_some(()).ok_or("true or false"),
            "entries" => value.is_array().then_some(()).ok_or("a list of entries"),
            _ => value.as_u64().map(|_| ()).ok_or("a whole number"),
        };
        if let Err(wanted) = wanted {
            found.push(problem(
                code::FIELDS,
                at,
                format!("`{name}` is {wanted}, not {value}"),
                "wrong type",
                "",
            ));
        }
    }
    if !found.is_empty() {
        return found;
    }
    let n = |name| object.number(name).unwrap_or(0);
    let rule = "no Raft server sends this; check the numbers against Figure 2 of the paper";
    match kind {
        Kind::RequestVote => {
            if n("term") == 0 {
                found.push(problem(code::INCONSISTENT, object.key_at("term"), "a candidate's term is at least 1: it increments its term to start an election (§5.2)".to_owned(), "term 0", rule));
            }
            // A candidate's log is what it had before it started its term, and only the
            // leader of a term creates entries of it: every entry is older than the term.
            if n("lastLogTerm") >= n("term") && n("term") > 0 {
                found.push(problem(code::INCONSISTENT, object.key_at("lastLogTerm"), format!("lastLogTerm {} is not older than the candidate's term {}: a candidate starts a new term, and no entry of that term exists before it wins (§5.2)", n("lastLogTerm"), n("term")), "must be older than term", rule));
            }
            if n("lastLogIndex") == 0 && n("lastLogTerm") != 0 {
                found.push(problem(
                    code::INCONSISTENT,
                    object.key_at("lastLogTerm"),
                    format!(
                        "lastLogIndex 0 means an empty log, so lastLogTerm must be 0, not {}",
                        n("lastLogTerm")
                    ),
                    "must be 0",
                    rule,
                ));
            }
            if n("lastLogIndex") > 0 && n("lastLogTerm") == 0 {
                found.push(problem(code::INCONSISTENT, object.key_at("lastLogTerm"), "entries are created in terms of at least 1, so a non-empty log's last term is at least 1".to_owned(), "must be at least 1", rule));
            }
        }
        Kind::AppendEntries => {
            let (term, prev, prev_term) = (n("term"), n("prevLogIndex"), n("prevLogTerm"));
            if term == 0 {
                found.push(problem(
                    code::INCONSISTENT,
                    object.key_at("term"),
                    "a leader's term is at least 1: it won an election (§5.2)".to_owned(),
                    "term 0",
                    rule,
                ));
            }
            if prev == 0 && prev_term != 0 {
                found.push(problem(code::INCONSISTENT, object.key_at("prevLogTerm"), format!("prevLogIndex 0 is the empty prefix, so prevLogTerm must be 0, not {prev_term}"), "must be 0", rule));
            }
            if prev > 0 && prev_term == 0 {
                found.push(problem(
                    code::INCONSISTENT,
                    object.key_at("prevLogTerm"),
                    format!("entry {prev} exists, so its term is at least 1"),
                    "must be at least 1",
                    rule,
                ));
            }
            if prev_term > term {
                found.push(problem(
                    code::INCONSISTENT,
                    object.key_at("prevLogTerm"),
                    format!("prevLogTerm {prev_term} is newer than the leader's term {term}"),
                    "newer than term",
                    rule,
                ));
            }
            let entries = object.fields.get("entries").and_then(Value::as_array);
            let mut previous = prev_term;
            for (position, entry) in entries.into_iter().flatten().enumerate() {
                let entry_at = |field: &str| object.key_at(&format!("entries.{position}.{field}"));
                let Some(fields) = entry.as_object() else {
                    found.push(problem(
                        code::FIELDS,
                        object.key_at("entries"),
                        format!(
                            "entry {} is not an object {{\"index\", \"term\", \"command\"}}",
                            position + 1
                        ),
                        "in these entries",
                        "",
                    ));
                    break;
                };
                let (Some(index), Some(entry_term)) = (
                    fields.get("index").and_then(Value::as_u64),
                    fields.get("term").and_then(Value::as_u64),
                ) else {
                    found.push(problem(
                        code::FIELDS,
                        object.key_at(&format!("entries.{position}")),
                        format!(
                            "entry {} needs a whole-number `index` and `term`",
                            position + 1
                        ),
                        "this entry",
                        "an entry is {\"index\": 9, \"term\": 5, \"command\": \"set x = 10\"}",
                    ));
                    break;
                };
                let expected = prev + 1 + position as u64;
                if index != expected {
                    found.push(problem(code::INCONSISTENT, entry_at("index"), format!("entries are contiguous from prevLogIndex + 1 = {}: this entry's index is {index}, expected {expected}", prev + 1), "wrong index", rule));
                }
                if entry_term > term {
                    found.push(problem(code::INCONSISTENT, entry_at("term"), format!("entry {index} has term {entry_term}, newer than the leader's term {term}"), "newer than term", rule));
                } else if entry_term < previous {
                    found.push(problem(code::INCONSISTENT, entry_at("term"), format!("entry {index} has term {entry_term} after term {previous}: terms in a log never decrease"), "older than the entry before", rule));
                } else if entry_term == 0 {
                    found.push(problem(
                        code::INCONSISTENT,
                        entry_at("term"),
                        "entries are created in terms of at least 1".to_owned(),
                        "term 0",
                        rule,
                    ));
                }
                previous = previous.max(entry_term);
            }
        }
        Kind::RequestVoteResponse | Kind::AppendEntriesResponse => {
            if n("term") == 0 {
                found.push(problem(code::INCONSISTENT, object.key_at("term"), "a response carries the responder's term, which is at least the request's, and requests have terms of at least 1".to_owned(), "term 0", rule));
            }
        }
    }
    found
}

/// Messages of one sender in one term come from one state: a leader's log only grows in
/// its term (Leader Append-Only) and so does its commitIndex; a candidate's log does not
/// change while it asks for votes. Each message is compared with the earlier ones of its
/// sender and term, and each disagreement is reported once.
fn sequence_problems(objects: &[Object]) -> Vec<Problem> {
    let mut found = Vec::new();
    for (position, later) in objects.iter().enumerate() {
        let same_source = |earlier: &&Object| {
            earlier.kind == later.kind
                && earlier.number("term") == later.number("term")
                && earlier.sender() == later.sender()
        };
        let earlier: Vec<&Object> = objects[..position].iter().filter(same_source).collect();
        if earlier.is_empty() {
            continue;
        }
        match later.kind {
            Kind::AppendEntries => leader_problems(&earlier, later, &mut found),
            Kind::RequestVote => candidate_problems(earlier[0], later, &mut found),
            Kind::RequestVoteResponse | Kind::AppendEntriesResponse => {}
        }
    }
    found
}

fn leader_problems(earlier: &[&Object], later: &Object, found: &mut Vec<Problem>) {
    let hint = "one leader's log only grows in its term (Leader Append-Only, §5.3), and so does its commitIndex";
    let mut known = std::collections::BTreeMap::new();
    for object in earlier {
        for (index, term) in implied_log(object) {
            known.entry(index).or_insert(term);
        }
    }
    let disagreement = |index: u64, term: u64| {
        known
            .get(&index)
            .filter(|&&before| index > 0 && before != term)
            .copied()
    };
    let (prev, prev_term) = (later.number("prevLogIndex"), later.number("prevLogTerm"));
    if let (Some(prev), Some(prev_term)) = (prev, prev_term)
        && let Some(before) = disagreement(prev, prev_term)
    {
        found.push(problem(
            code::INCONSISTENT,
            later.key_at("prevLogTerm"),
            format!("an earlier message of the same leader and term has entry {prev} of term {before}, but this one says prevLogTerm {prev_term}"),
            "disagrees with the earlier message",
            hint,
        ));
    }
    for (position, (index, term)) in implied_entries(later).into_iter().enumerate() {
        if let Some(before) = disagreement(index, term) {
            found.push(problem(
                code::INCONSISTENT,
                later.key_at(&format!("entries.{position}.term")),
                format!("an earlier message of the same leader and term has entry {index} of term {before}, this one of term {term}"),
                "disagrees with the earlier message",
                hint,
            ));
        }
    }
    let before = earlier
        .iter()
        .filter_map(|object| object.number("leaderCommit"))
        .max()
        .unwrap_or(0);
    let now = later.number("leaderCommit").unwrap_or(0);
    if now < before {
        found.push(problem(
            code::INCONSISTENT,
            later.key_at("leaderCommit"),
            format!("leaderCommit went back from {before} to {now} within one leader's term"),
            "smaller than before",
            hint,
        ));
    }
}

fn candidate_problems(earlier: &Object, later: &Object, found: &mut Vec<Problem>) {
    for field in ["lastLogIndex", "lastLogTerm"] {
        if earlier.number(field) != later.number(field) {
            found.push(problem(
                code::INCONSISTENT,
                later.key_at(field),
                format!("the same candidate asks for votes in the same term with another {field}"),
                "differs from the earlier RequestVote",
                "a candidate's log does not change while it asks for votes: it sends everyone the same RequestVote (§5.2)",
            ));
        }
    }
}

/// (index, term) of the entry at prevLogIndex and of every entry an AppendEntries carries.
fn implied_log(object: &Object) -> Vec<(u64, u64)> {
    let mut log = vec![(
        object.number("prevLogIndex").unwrap_or(0),
        object.number("prevLogTerm").unwrap_or(0),
    )];
    log.extend(implied_entries(object));
    log
}

fn implied_entries(object: &Object) -> Vec<(u64, u64)> {
    object
        .fields
        .get("entries")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|entry| Some((entry.get("index")?.as_u64()?, entry.get("term")?.as_u64()?)))
        .collect()
}

/// Delivers the block's requests, in order, to the follower its info string states, and
/// notes what the follower does with each.
fn simulate(
    attributes: &[&str],
    block: &Block,
    objects: &[Object],
    place: &dyn Fn(usize) -> Location,
    info_place: &dyn Fn(&str) -> Location,
    out: &mut Vec<Diagnostic>,
) {
    let requests: Vec<(&Object, NodeId)> = objects
        .iter()
        .filter_map(|object| {
            NodeId::try_from(object.sender()?)
                .ok()
                .filter(|&id| (1..=MAX_NODE).contains(&id))
                .map(|id| (object, id))
        })
        .collect();
    if requests.is_empty() {
        return;
    }
    let follower_help = "write it as a script's `node` line does: ```json follower 2 term 5 voted none log 1 1 4 commit 2";
    let (id, attributes) = match attributes
        .first()
        .map(|word| (word, word.parse::<NodeId>()))
    {
        Some((word, Ok(id))) => {
            if let Some((object, _)) = requests.iter().find(|(_, sender)| *sender == id) {
                out.push(
                    Diagnostic::error(
                        code::FOLLOWER,
                        info_place(word),
                        format!(
                            "the follower is node {id}, which sends the {} at line {}",
                            object.kind.name(),
                            place(object.range.start).line
                        ),
                    )
                    .spanning(word.len())
                    .label("the follower's id")
                    .hint(
                        "a node does not send messages to itself: pick another id for the follower",
                    ),
                );
                return;
            }
            (id, &attributes[1..])
        }
        _ => {
            let id = (1..=MAX_NODE)
                .find(|id| requests.iter().all(|(_, sender)| sender != id))
                .unwrap_or(1);
            (id, attributes)
        }
    };
    let size = requests
        .iter()
        .map(|(_, sender)| *sender)
        .chain([id, 3])
        .max()
        .unwrap_or(3);
    let mut text = format!(
        "cluster {size}\nnode {id} follower {}\n",
        attributes.join(" ")
    );
    for (object, sender) in &requests {
        let json = &block.content[object.range.clone()];
        text.push_str(&format!(
            "send {sender} -> {id} {}\n",
            json.replace('\n', " ")
        ));
    }
    // Script line 2 is the follower, line 3 + i the i-th request.
    let blame =
        |line: u32, what: &str, hint: &str| match requests.get((line as usize).wrapping_sub(3)) {
            Some((object, _)) => Diagnostic::error(
                code::FOLLOWER,
                place(object.range.start),
                format!("the simulator cannot deliver this message: {what}"),
            )
            .spanning(1)
            .label("this message")
            .hint("the stated follower, with these messages, is not something Raft can produce"),
            None => Diagnostic::error(
                code::FOLLOWER,
                info_place("follower"),
                format!("cannot use the stated follower: {what}"),
            )
            .spanning(block.info.len() - block.info.find("follower").unwrap_or(0))
            .label("this follower")
            .hint(hint),
        };
    let parsed = match script::parse(&text, 1) {
        Ok(parsed) => parsed,
        Err(error) => {
            out.push(blame(error.line, &error.message, follower_help));
            return;
        }
    };
    let run = script::run(&parsed);
    if let Some(error) = &run.error {
        out.push(blame(error.line, &error.message, "state a follower Raft can produce: a log of non-decreasing terms no newer than its term, commitIndex within the log"));
        return;
    }
    // The notes the follower wrote during each `send`, in order.
    let mut per_send: Vec<Vec<Reason>> = Vec::new();
    for event in &run.trace.events {
        match &event.event {
            TraceEvent::Script { .. } => per_send.push(Vec::new()),
            TraceEvent::Note { node, note, .. } if *node == id => {
                if let Some(notes) = per_send.last_mut() {
                    notes.push(Reason {
                        node: *node,
                        tick: event.tick,
                        note: note.clone(),
                    });
                }
            }
            _ => {}
        }
    }
    let start = run.start.as_ref().map(|cluster| cluster.node(id).clone());
    let mut described = start.map(|node| {
        format!(
            "a follower in term {}, with log `{}` and commitIndex {}",
            node.term(),
            super::generate::draft::terms(&node.log().terms()),
            node.commit_index()
        )
    });
    for (position, ((object, _), notes)) in requests.iter().zip(per_send).enumerate() {
        let verdict = notes
            .iter()
            .rev()
            .find(|reason| reason.note.concerns().contains(&crate::raft::Aspect::Reply))
            .map_or_else(
                || "does nothing with it".to_owned(),
                |reason| reason.note.to_string(),
            );
        let who = if position == 0 {
            format!("node {id}, {}", described.take().unwrap_or_default())
        } else {
            format!("then node {id}")
        };
        out.push(
            Diagnostic::note(
                code::OUTCOME,
                place(object.range.start),
                format!("{who}: {verdict}"),
            )
            .spanning(1)
            .label(format!(
                "what node {id} does with this {}",
                object.kind.name()
            ))
            .hint(
                notes
                    .iter()
                    .map(|reason| reason.note.to_string())
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
        );
    }
}

/// The length of the token at `at`: a quoted key, or one character.
fn token_len(content: &str, at: usize) -> usize {
    let rest = &content[at.min(content.len())..];
    if let Some(quoted) = rest.strip_prefix('"') {
        quoted.find('"').map_or(1, |end| end + 2)
    } else {
        rest.chars().next().map_or(0, char::len_utf8)
    }
}

/// The content offset of a 1-based line and column (serde_json's error position).
fn content_offset(content: &str, line: usize, column: usize) -> usize {
    let start: usize = content
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (start + column.saturating_sub(1)).min(content.len())
}

// serde_json appends " at line L column C"; the diagnostic has the place.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

/// The offset of every key in a JSON text, by dotted path (`entries.0.index`); array
/// elements are paths too (`entries.0`), at their first character.
fn key_offsets(text: &str, base: usize) -> Vec<(String, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut position = 0;
    scan(bytes, &mut position, "", base, &mut out);
    out
}

fn skip_space(bytes: &[u8], position: &mut usize) {
    while *position < bytes.len() && bytes[*position].is_ascii_whitespace() {
        *position += 1;
    }
}

fn scan_string(bytes: &[u8], position: &mut usize) -> String {
    let start = *position + 1;
    *position += 1;
    while *position < bytes.len() {
        match bytes[*position] {
            b'\\' => *position += 2,
            b'"' => {
                *position += 1;
                break;
            }
            _ => *position += 1,
        }
    }
    String::from_utf8_lossy(&bytes[start..position.saturating_sub(1).max(start)]).into_owned()
}

fn scan(
    bytes: &[u8],
    position: &mut usize,
    path: &str,
    base: usize,
    out: &mut Vec<(String, usize)>,
) {
    skip_space(bytes, position);
    let join = |name: &str| {
        if path.is_empty() {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        }
    };
    match bytes.get(*position) {
        Some(b'{') => {
            *position += 1;
            loop {
                skip_space(bytes, position);
                match bytes.get(*position) {
                    Some(b'"') => {
                        let at = *position;
                        let key = scan_string(bytes, position);
                        let child = join(&key);
                        out.push((child.clone(), base + at));
                        skip_space(bytes, position);
                        *position += 1; // the colon
                        scan(bytes, position, &child, base, out);
                        skip_space(bytes, position);
                        if bytes.get(*position) == Some(&b',') {
                            *position += 1;
                        }
                    }
                    Some(b'}') => {
                        *position += 1;
                        return;
                    }
                    _ => return,
                }
            }
        }
        Some(b'[') => {
            *position += 1;
            let mut index = 0;
            loop {
                skip_space(bytes, position);
                match bytes.get(*position) {
                    Some(b']') => {
                        *position += 1;
                        return;
                    }
                    None => return,
                    Some(_) => {
                        let child = join(&index.to_string());
                        out.push((child.clone(), base + *position));
                        scan(bytes, position, &child, base, out);
                        index += 1;
                        skip_space(bytes, position);
                        if bytes.get(*position) == Some(&b',') {
                            *position += 1;
                        }
                    }
                }
            }
        }
        Some(b'"') => {
            scan_string(bytes, position);
        }
        Some(_) => {
            while *position < bytes.len()
                && !matches!(bytes[*position], b',' | b']' | b'}')
                && !bytes[*position].is_ascii_whitespace()
            {
                *position += 1;
            }
        }
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notes::Severity;

    /// (severity, code, line, column, message) of each diagnostic of a notes file.
    fn check(text: &str) -> Vec<(Severity, &'static str, u32, u32, String)> {
        check_file(Path::new("n.md"), text)
            .into_iter()
            .map(|d| {
                (
                    d.severity,
                    d.code,
                    d.location.line,
                    d.location.col,
                    d.message,
                )
            })
            .collect()
    }

    /// The one diagnostic of a file: its code, line and message.
    fn only(text: &str) -> (&'static str, u32, String) {
        let found = check(text);
        assert_eq!(found.len(), 1, "{found:#?}");
        let (severity, code, line, _, message) = found.into_iter().next().unwrap();
        assert_eq!(severity, Severity::Error, "{message}");
        (code, line, message)
    }

    fn block(info: &str, body: &str) -> String {
        format!("# Raft\n\n## Q\n\n```{info}\n{body}\n```\n")
    }

    const HEARTBEAT: &str = r#"{
  "term": 5,
  "leaderId": 1,
  "prevLogIndex": 8,
  "prevLogTerm": 4,
  "entries": [],
  "leaderCommit": 10
}"#;

    #[test]
    fn consistent_messages_of_every_kind_pass() {
        let body = format!(
            "{HEARTBEAT}\n{}\n{}\n{}\n{}",
            r#"{"term": 5, "candidateId": 3, "lastLogIndex": 10, "lastLogTerm": 4}"#,
            r#"{"term": 5, "voteGranted": true}"#,
            r#"{"term": 5, "success": false, "conflictTerm": 4, "conflictIndex": 6}"#,
            r#"{"type": "AppendEntries", "term": 5, "leaderId": 1, "prevLogIndex": 8, "prevLogTerm": 4, "entries": [{"index": 9, "term": 5, "command": "x"}], "leaderCommit": 10}"#,
        );
        assert_eq!(check(&block("json", &body)), []);
    }

    #[test]
    fn blocks_that_are_not_messages_are_left_alone() {
        let text = block("json", r#"{"name": "x", "term": 5}"#)
            + &block("json", "not json at all")
            + &block("rust", r#"{"term": 0, "leaderId": 1}"#);
        assert_eq!(check(&text), []);
    }

    #[test]
    fn entries_must_be_contiguous_from_prev_log_index_plus_one() {
        let body = r#"{"term": 5, "leaderId": 1, "prevLogIndex": 8, "prevLogTerm": 4,
 "entries": [{"index": 9, "term": 5},
             {"index": 11, "term": 5}],
 "leaderCommit": 9}"#;
        let (code, line, message) = only(&block("json", body));
        assert_eq!((code, line), (code::INCONSISTENT, 8));
        assert!(message.contains("index is 11, expected 10"), "{message}");
        // The first entry too: it follows prevLogIndex.
        let body = r#"{"term": 5, "leaderId": 1, "prevLogIndex": 8, "prevLogTerm": 4,
 "entries": [{"index": 8, "term": 5}], "leaderCommit": 9}"#;
        let (_, line, message) = only(&block("json", body));
        assert_eq!(line, 7);
        assert!(message.contains("prevLogIndex + 1 = 9"), "{message}");
    }

    #[test]
    fn no_entry_term_above_the_message_term() {
        let body = r#"{"term": 5, "leaderId": 1, "prevLogIndex": 8, "prevLogTerm": 4,
 "entries": [
   {"index": 9,
    "term": 6}],
 "leaderCommit": 9}"#;
        let (code, line, message) = only(&block("json", body));
        assert_eq!((code, line), (code::INCONSISTENT, 9));
        assert!(
            message.contains("entry 9 has term 6, newer than the leader's term 5"),
            "{message}"
        );
        let body = r#"{"term": 5, "leaderId": 1, "prevLogIndex": 8,
 "prevLogTerm": 7, "leaderCommit": 9}"#;
        let (_, line, message) = only(&block("json", body));
        assert_eq!(line, 7);
        assert!(message.contains("prevLogTerm 7 is newer"), "{message}");
    }

    #[test]
    fn entry_terms_never_decrease_and_are_at_least_one() {
        let body = r#"{"term": 5, "leaderId": 1, "prevLogIndex": 8, "prevLogTerm": 4,
 "entries": [{"index": 9, "term": 3}], "leaderCommit": 9}"#;
        let (_, line, message) = only(&block("json", body));
        assert_eq!(line, 7);
        assert!(message.contains("term 3 after term 4"), "{message}");
        let body = r#"{"term": 5, "leaderId": 1, "prevLogIndex": 0, "prevLogTerm": 0,
 "entries": [{"index": 1, "term": 0}], "leaderCommit": 0}"#;
        let (_, line, message) = only(&block("json", body));
        assert_eq!(line, 7);
        assert!(message.contains("at least 1"), "{message}");
    }

    #[test]
    fn prev_log_term_matches_prev_log_index() {
        let body =
            r#"{"term": 5, "leaderId": 1, "prevLogIndex": 0, "prevLogTerm": 2, "leaderCommit": 0}"#;
        let (_, line, message) = only(&block("json", body));
        assert_eq!(line, 6);
        assert!(
            message.contains("prevLogTerm must be 0, not 2"),
            "{message}"
        );
        let body =
            r#"{"term": 5, "leaderId": 1, "prevLogIndex": 3, "prevLogTerm": 0, "leaderCommit": 0}"#;
        let (_, _, message) = only(&block("json", body));
        assert!(message.contains("entry 3 exists"), "{message}");
    }

    #[test]
    fn request_vote_last_log_term_is_older_than_the_term() {
        let body =
            "{\"term\": 5, \"candidateId\": 3,\n \"lastLogIndex\": 10,\n \"lastLogTerm\": 5}";
        let (code, line, message) = only(&block("json", body));
        assert_eq!((code, line), (code::INCONSISTENT, 8));
        assert!(
            message.contains("not older than the candidate's term 5"),
            "{message}"
        );
        let body = r#"{"term": 5, "candidateId": 3, "lastLogIndex": 0, "lastLogTerm": 2}"#;
        let (_, _, message) = only(&block("json", body));
        assert!(message.contains("empty log"), "{message}");
        let body = r#"{"term": 5, "candidateId": 3, "lastLogIndex": 4, "lastLogTerm": 0}"#;
        let (_, _, message) = only(&block("json", body));
        assert!(message.contains("non-empty log"), "{message}");
    }

    #[test]
    fn terms_start_at_one() {
        for body in [
            r#"{"term": 0, "candidateId": 3, "lastLogIndex": 0, "lastLogTerm": 0}"#,
            r#"{"term": 0, "leaderId": 1, "prevLogIndex": 0, "prevLogTerm": 0, "leaderCommit": 0}"#,
            r#"{"term": 0, "voteGranted": false}"#,
            r#"{"term": 0, "success": true}"#,
        ] {
            let (code, line, message) = only(&block("json", body));
            assert_eq!((code, line), (code::INCONSISTENT, 6), "{body}");
            assert!(message.contains("at least 1"), "{message}");
        }
    }

    #[test]
    fn missing_fields_are_named_at_the_message() {
        let body = "\n{\"term\": 5,\n \"leaderId\": 1, \"prevLogIndex\": 8, \"leaderCommit\": 9}";
        let (code, line, message) = only(&block("json", body));
        assert_eq!((code, line), (code::FIELDS, 7));
        assert_eq!(message, "this AppendEntries has no `prevLogTerm`");
    }

    #[test]
    fn unknown_fields_are_named_at_their_key_with_a_suggestion() {
        let body = "{\"term\": 5, \"candidateId\": 3,\n \"lastLogIndex\": 10, \"lastLogTerm\": 4,\n   \"lastLogIdx\": 2}";
        let found = check_file(Path::new("n.md"), &block("json", body));
        assert_eq!(found.len(), 1, "{found:#?}");
        let unknown = &found[0];
        assert_eq!(unknown.code, code::FIELDS);
        assert_eq!((unknown.location.line, unknown.location.col), (8, 4));
        assert_eq!(unknown.len, "\"lastLogIdx\"".len());
        assert_eq!(unknown.message, "a RequestVote has no field `lastLogIdx`");
        assert!(
            unknown.hint.starts_with("did you mean `lastLogIndex`?"),
            "{}",
            unknown.hint
        );
    }

    #[test]
    fn mistyped_fields_say_what_they_should_be() {
        let body = "{\"term\": 5,\n \"voteGranted\": \"yes\"}";
        let (code, line, message) = only(&block("json", body));
        assert_eq!((code, line), (code::FIELDS, 7));
        assert_eq!(message, "`voteGranted` is true or false, not \"yes\"");
        let body = "{\"term\": -1, \"success\": true}";
        let (_, _, message) = only(&block("json", body));
        assert_eq!(message, "`term` is a whole number, not -1");
        let body = r#"{"term": 5, "leaderId": 1, "prevLogIndex": 8, "prevLogTerm": 4, "leaderCommit": 9, "entries": 3}"#;
        let (_, _, message) = only(&block("json", body));
        assert_eq!(message, "`entries` is a list of entries, not 3");
        let body = r#"{"term": 5, "leaderId": 1, "prevLogIndex": 8, "prevLogTerm": 4, "leaderCommit": 9, "entries": [{"index": 9}]}"#;
        let (_, _, message) = only(&block("json", body));
        assert!(
            message.contains("whole-number `index` and `term`"),
            "{message}"
        );
    }

    #[test]
    fn fields_of_two_messages_in_one_object() {
        let body = r#"{"term": 5, "leaderId": 1, "candidateId": 3}"#;
        let (code, line, message) = only(&block("json", body));
        assert_eq!((code, line), (code::FIELDS, 6));
        assert!(message.contains("more than one message"), "{message}");
    }

    #[test]
    fn invalid_json_is_shown_where_it_stops_and_earlier_messages_are_still_checked() {
        let body = "{\"term\": 0, \"voteGranted\": true}\n{\"term\": 5,\n \"success\": tru}";
        let found = check(&block("json", body));
        let codes: Vec<_> = found.iter().map(|d| (d.1, d.2)).collect();
        assert_eq!(
            codes,
            [(code::INCONSISTENT, 6), (code::SYNTAX, 8)],
            "{found:#?}"
        );
        assert!(found[1].4.starts_with("not valid JSON: "), "{}", found[1].4);
        assert!(!found[1].4.contains(" at line "), "{}", found[1].4);
        // A message left open is shown where it starts.
        let body = r#"{"term": 5, "voteGranted": true}
   {"term": 5,
 "success": true"#;
        let found = check(&block("json", body));
        assert_eq!(
            found.iter().map(|d| (d.1, d.2, d.3)).collect::<Vec<_>>(),
            [(code::SYNTAX, 7, 4)],
            "{found:#?}"
        );
    }

    #[test]
    fn concatenated_objects_are_a_sequence() {
        // No blank line, no separator: the seed writes its messages so.
        let body = r#"{"term": 5, "leaderId": 1, "prevLogIndex": 8, "prevLogTerm": 4, "entries": [{"index": 9, "term": 5}], "leaderCommit": 9}{"term": 5, "leaderId": 1, "prevLogIndex": 9, "prevLogTerm": 5, "entries": [{"index": 10, "term": 5}], "leaderCommit": 10}
{"term": 5, "leaderId": 1, "prevLogIndex": 9, "prevLogTerm": 4, "leaderCommit": 10}"#;
        let (code, line, message) = only(&block("json", body));
        assert_eq!((code, line), (code::INCONSISTENT, 7));
        assert!(
            message.contains("entry 9 of term 5, but this one says prevLogTerm 4"),
            "{message}"
        );
    }

    #[test]
    fn sequences_no_leader_could_send() {
        let first = r#"{"term": 5, "leaderId": 1, "prevLogIndex": 8, "prevLogTerm": 4, "entries": [{"index": 9, "term": 5}], "leaderCommit": 9}"#;
        // Another term for an entry the same leader already sent in this term.
        let body = format!(
            "{first}\n{}",
            r#"{"term": 5, "leaderId": 1, "prevLogIndex": 8, "prevLogTerm": 4, "entries": [{"index": 9, "term": 4}], "leaderCommit": 9}"#
        );
        let (_, line, message) = only(&block("json", &body));
        assert_eq!(line, 7);
        assert!(
            message.contains("entry 9 of term 5, this one of term 4"),
            "{message}"
        );
        // leaderCommit going back.
        let body = format!(
            "{first}\n{}",
            r#"{"term": 5, "leaderId": 1, "prevLogIndex": 9, "prevLogTerm": 5, "leaderCommit": 8}"#
        );
        let (_, line, message) = only(&block("json", &body));
        assert_eq!(line, 7);
        assert!(message.contains("went back from 9 to 8"), "{message}");
        // A candidate's RequestVotes in one term agree.
        let body = "{\"term\": 5, \"candidateId\": 3, \"lastLogIndex\": 10, \"lastLogTerm\": 4}\n{\"term\": 5, \"candidateId\": 3, \"lastLogIndex\": 9, \"lastLogTerm\": 4}";
        let (_, line, message) = only(&block("json", body));
        assert_eq!(line, 7);
        assert!(message.contains("another lastLogIndex"), "{message}");
        // Another leader, or another term, is another log: no conflict.
        let body = format!(
            "{first}\n{}\n{}",
            r#"{"term": 6, "leaderId": 2, "prevLogIndex": 8, "prevLogTerm": 4, "entries": [{"index": 9, "term": 6}], "leaderCommit": 8}"#,
            r#"{"term": 5, "candidateId": 3, "lastLogIndex": 10, "lastLogTerm": 4}{"term": 6, "candidateId": 3, "lastLogIndex": 11, "lastLogTerm": 5}"#
        );
        assert_eq!(check(&block("json", &body)), []);
    }

    #[test]
    fn a_list_of_messages_is_a_warning() {
        let body = r#"[{"term": 5, "voteGranted": true}]"#;
        let found = check(&block("json", body));
        assert_eq!(
            found.iter().map(|d| (d.0, d.1, d.2)).collect::<Vec<_>>(),
            [(Severity::Warning, code::FIELDS, 6)]
        );
    }

    #[test]
    fn a_stated_follower_gets_a_note_per_request() {
        let body = format!(
            "{HEARTBEAT}\n\n{}\n{}",
            HEARTBEAT.replace("\"prevLogIndex\": 8", "\"prevLogIndex\": 9"),
            r#"{"term": 5, "success": true}"#
        );
        let found = check(&block(
            "json follower term 5 log 1 1 1 4 4 4 4 4 commit 7",
            &body,
        ));
        assert_eq!(found.len(), 2, "{found:#?}");
        assert_eq!(
            (found[0].0, found[0].1, found[0].2),
            (Severity::Note, code::OUTCOME, 6)
        );
        assert_eq!(
            found[0].4,
            "node 2, a follower in term 5, with log `1 1 1 4 4 4 4 4` and commitIndex 7: \
             accepted AppendEntries from 1 (no entries): my entry 8 has term 4, as prevLogTerm says (§5.3)"
        );
        assert_eq!((found[1].0, found[1].2), (Severity::Note, 15));
        assert!(
            found[1].4.starts_with(
                "then node 2: refused AppendEntries from 1: no entry at prevLogIndex 9"
            ),
            "{}",
            found[1].4
        );
        // The hint has every step, e.g. the new commitIndex.
        let notes = check_file(
            Path::new("n.md"),
            &block(
                "json follower term 5 log 1 1 1 4 4 4 4 4 commit 7",
                HEARTBEAT,
            ),
        );
        assert!(
            notes[0].hint.contains("commitIndex 7 → 8"),
            "{}",
            notes[0].hint
        );
    }

    #[test]
    fn the_follower_id_can_be_chosen() {
        let vote = r#"{"term": 5, "candidateId": 1, "lastLogIndex": 10, "lastLogTerm": 4}"#;
        let found = check(&block("json follower 4 term 5 voted 2 log 1 1", vote));
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].4.starts_with("node 4, a follower in term 5")
                && found[0].4.contains("refused vote to 1"),
            "{}",
            found[0].4
        );
    }

    #[test]
    fn follower_state_errors_are_shown_at_the_info_string() {
        let append =
            r#"{"term": 5, "leaderId": 1, "prevLogIndex": 2, "prevLogTerm": 1, "leaderCommit": 2}"#;
        // A word the node line does not know.
        let found = check_file(
            Path::new("n.md"),
            &block("json follower term 5 log 1 1 x", append),
        );
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(
            (found[0].code, found[0].location.line, found[0].location.col),
            (code::FOLLOWER, 5, 9)
        );
        assert_eq!(
            found[0].message,
            "cannot use the stated follower: unknown node attribute `x`"
        );
        // A state Raft cannot have.
        let (code, line, message) = only(&block("json follower term 5 log 1 1 commit 3", append));
        assert_eq!((code, line), (code::FOLLOWER, 5));
        assert!(
            message.contains("commitIndex 3 is past the end of its log (2)"),
            "{message}"
        );
        // The follower cannot be the sender.
        let (code, line, message) = only(&block("json follower 1 term 5", append));
        assert_eq!((code, line), (code::FOLLOWER, 5));
        assert_eq!(
            message,
            "the follower is node 1, which sends the AppendEntries at line 6"
        );
        // Anything but `follower` after `json` is a warning.
        let found = check(&block("json leader term 5", append));
        assert_eq!(
            found
                .iter()
                .map(|d| (d.0, d.1, d.2, d.3))
                .collect::<Vec<_>>(),
            [(Severity::Warning, code::FOLLOWER, 5, 9)]
        );
    }

    #[test]
    fn no_simulation_for_inconsistent_messages() {
        let append =
            r#"{"term": 5, "leaderId": 1, "prevLogIndex": 2, "prevLogTerm": 6, "leaderCommit": 2}"#;
        let found = check(&block("json follower term 5 log 1 1", append));
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].1, code::INCONSISTENT);
    }

    #[test]
    fn lines_are_right_in_indented_and_tilde_blocks() {
        let text = "# Raft\n\n## Q\n\n1. A list\n\n   ~~~~ json\n   {\"term\": 5,\n    \"voteGranted\": 1}\n   ~~~~\n";
        let found = check_file(Path::new("n.md"), text);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!((found[0].location.line, found[0].location.col), (9, 5));
        assert_eq!(found[0].len, "\"voteGranted\"".len());
    }
}
