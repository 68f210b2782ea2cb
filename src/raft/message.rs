//! The four RPC messages of Figure 2, with exactly the field names of the seed notes' JSON.
//!
//! A message written as the seed's JSON (`{"term": 5, "leaderId": 1, ...}`) deserializes as-is;
//! which message it is follows from its fields (see [`Message::from_json`]). Sender and
//! receiver travel outside the message, in an [`Envelope`].
//!
//! The one addition to the paper: the AppendEntries response carries `index`, the log index
//! it is about. The paper's {term, success} is enough for RPCs that return to their caller,
//! but on a network that drops, duplicates and reorders messages a leader must know which
//! request a response answers. On success `index` is `prevLogIndex + len(entries)`: the
//! follower's log now matches the leader's up to there, so it is the new matchIndex. On a
//! refusal it is the request's `prevLogIndex`, the entry that did not match; a leader backs off
//! only when that is its current probe (`index == nextIndex - 1`), so a late duplicate
//! refusal cannot push nextIndex down twice. With the conflict-term hint switched on, a
//! refusal also carries `conflictTerm`/`conflictIndex` (the paper's end of §5.3).

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// A server's id: servers of an N-node cluster are numbered 1..=N, as in the paper's figures.
pub type NodeId = u32;
/// A term number (§5.1); 0 before any election.
pub type Term = u64;
/// A log index; logs are 1-based and index 0 is the empty prefix.
pub type Index = u64;
/// A client command, shared between the logs and messages that hold copies of it.
pub type Command = Arc<str>;

/// An entry as an AppendEntries RPC carries it: `{index, term, command}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WireEntry {
    pub index: Index,
    pub term: Term,
    pub command: Command,
}

/// RequestVote RPC arguments (Figure 2), sent by candidates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RequestVote {
    pub term: Term,
    pub candidate_id: NodeId,
    pub last_log_index: Index,
    pub last_log_term: Term,
}

/// RequestVote RPC results.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RequestVoteResponse {
    pub term: Term,
    pub vote_granted: bool,
}

/// AppendEntries RPC arguments (Figure 2); a heartbeat has no entries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AppendEntries {
    pub term: Term,
    pub leader_id: NodeId,
    pub prev_log_index: Index,
    pub prev_log_term: Term,
    #[serde(default)]
    pub entries: Vec<WireEntry>,
    pub leader_commit: Index,
}

/// AppendEntries RPC results: the paper's {term, success} plus `index` (see the module
/// documentation), and the optional conflict-term hint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AppendEntriesResponse {
    pub term: Term,
    pub success: bool,
    pub index: Index,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflict_term: Option<Term>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflict_index: Option<Index>,
}

/// One of the four RPC messages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "message")]
pub enum Message {
    RequestVote(RequestVote),
    RequestVoteResponse(RequestVoteResponse),
    AppendEntries(AppendEntries),
    AppendEntriesResponse(AppendEntriesResponse),
}

/// Which of the four messages a message is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MessageKind {
    RequestVote,
    RequestVoteResponse,
    AppendEntries,
    AppendEntriesResponse,
}

impl MessageKind {
    pub const ALL: [MessageKind; 4] = [
        MessageKind::RequestVote,
        MessageKind::RequestVoteResponse,
        MessageKind::AppendEntries,
        MessageKind::AppendEntriesResponse,
    ];

    pub fn name(self) -> &'static str {
        match self {
            MessageKind::RequestVote => "RequestVote",
            MessageKind::RequestVoteResponse => "RequestVoteResponse",
            MessageKind::AppendEntries => "AppendEntries",
            MessageKind::AppendEntriesResponse => "AppendEntriesResponse",
        }
    }

    /// How a sentence says it, with its article ("an AppendEntries response").
    pub fn phrase(self) -> &'static str {
        match self {
            MessageKind::RequestVote => "a RequestVote",
            MessageKind::RequestVoteResponse => "a RequestVote response",
            MessageKind::AppendEntries => "an AppendEntries",
            MessageKind::AppendEntriesResponse => "an AppendEntries response",
        }
    }

    pub fn is_request(self) -> bool {
        matches!(self, MessageKind::RequestVote | MessageKind::AppendEntries)
    }
}

impl fmt::Display for MessageKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for MessageKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        MessageKind::ALL
            .into_iter()
            .find(|kind| kind.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                format!(
                    "unknown message kind `{s}`; expected one of RequestVote, RequestVoteResponse, AppendEntries, AppendEntriesResponse"
                )
            })
    }
}

impl Message {
    pub fn kind(&self) -> MessageKind {
        match self {
            Message::RequestVote(_) => MessageKind::RequestVote,
            Message::RequestVoteResponse(_) => MessageKind::RequestVoteResponse,
            Message::AppendEntries(_) => MessageKind::AppendEntries,
            Message::AppendEntriesResponse(_) => MessageKind::AppendEntriesResponse,
        }
    }

    pub fn term(&self) -> Term {
        match self {
            Message::RequestVote(m) => m.term,
            Message::RequestVoteResponse(m) => m.term,
            Message::AppendEntries(m) => m.term,
            Message::AppendEntriesResponse(m) => m.term,
        }
    }

    /// The message alone, as the seed notes write it (no `type`, no sender or receiver).
    pub fn to_json_value(&self) -> serde_json::Value {
        let value = match self {
            Message::RequestVote(m) => serde_json::to_value(m),
            Message::RequestVoteResponse(m) => serde_json::to_value(m),
            Message::AppendEntries(m) => serde_json::to_value(m),
            Message::AppendEntriesResponse(m) => serde_json::to_value(m),
        };
        // Serialising plain structs of numbers, bools and strings cannot fail.
        value.unwrap_or(serde_json::Value::Null)
    }

    /// The message alone as JSON text, fields in the seed notes' order.
    pub fn to_json(&self) -> String {
        let text = match self {
            Message::RequestVote(m) => serde_json::to_string(m),
            Message::RequestVoteResponse(m) => serde_json::to_string(m),
            Message::AppendEntries(m) => serde_json::to_string(m),
            Message::AppendEntriesResponse(m) => serde_json::to_string(m),
        };
        text.unwrap_or_default()
    }

    /// Read a message written as the seed's JSON. Which message it is follows from its
    /// fields: `candidateId` (RequestVote), `leaderId` (AppendEntries), `voteGranted`
    /// (RequestVote response), `success` (AppendEntries response); an explicit
    /// `"type": "AppendEntries"` field is accepted too.
    pub fn from_json(text: &str) -> Result<Message, MessageJsonError> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| MessageJsonError::Syntax {
                line: e.line(),
                column: e.column(),
                message: strip_position(&e.to_string()),
            })?;
        Message::from_json_value(value)
    }

    /// As [`Message::from_json`], from an already parsed value.
    pub fn from_json_value(value: serde_json::Value) -> Result<Message, MessageJsonError> {
        let serde_json::Value::Object(mut fields) = value else {
            return Err(MessageJsonError::NotAnObject);
        };
        let kind = match fields.remove("type") {
            Some(serde_json::Value::String(name)) => {
                name.parse().map_err(MessageJsonError::UnknownType)?
            }
            Some(other) => {
                return Err(MessageJsonError::UnknownType(format!(
                    "`type` must be a string naming the message, not {other}"
                )));
            }
            None => detect_kind(&fields)?,
        };
        let value = serde_json::Value::Object(fields);
        let invalid = |e: serde_json::Error| MessageJsonError::Fields {
            kind,
            message: e.to_string(),
        };
        let message = match kind {
            MessageKind::RequestVote => {
                Message::RequestVote(serde_json::from_value(value).map_err(invalid)?)
            }
            MessageKind::RequestVoteResponse => {
                Message::RequestVoteResponse(serde_json::from_value(value).map_err(invalid)?)
            }
            MessageKind::AppendEntries => {
                Message::AppendEntries(serde_json::from_value(value).map_err(invalid)?)
            }
            MessageKind::AppendEntriesResponse => {
                Message::AppendEntriesResponse(serde_json::from_value(value).map_err(invalid)?)
            }
        };
        message.validate()?;
        Ok(message)
    }

    /// Checks a hand-written message for what no Raft server could send: entries that are
    /// not contiguous from prevLogIndex + 1, entries of a newer term than the message, an
    /// entry term that decreases, a prevLogTerm without a prevLogIndex.
    pub fn validate(&self) -> Result<(), MessageJsonError> {
        let inconsistent = |message: String| Err(MessageJsonError::Inconsistent(message));
        match self {
            Message::AppendEntries(m) => {
                if m.prev_log_index == 0 && m.prev_log_term != 0 {
                    return inconsistent(format!(
                        "prevLogIndex 0 is the empty prefix, so prevLogTerm must be 0, not {}",
                        m.prev_log_term
                    ));
                }
                if m.prev_log_term > m.term {
                    return inconsistent(format!(
                        "prevLogTerm {} is newer than the leader's term {}",
                        m.prev_log_term, m.term
                    ));
                }
                let mut previous_term = m.prev_log_term;
                for (offset, entry) in m.entries.iter().enumerate() {
                    let expected = m.prev_log_index + 1 + offset as Index;
                    if entry.index != expected {
                        return inconsistent(format!(
                            "entries must be contiguous from prevLogIndex + 1 = {}: entry {} has index {}, expected {expected}",
                            m.prev_log_index + 1,
                            offset + 1,
                            entry.index
                        ));
                    }
                    if entry.term > m.term {
                        return inconsistent(format!(
                            "entry {} has term {}, newer than the leader's term {}",
                            entry.index, entry.term, m.term
                        ));
                    }
                    if entry.term < previous_term {
                        return inconsistent(format!(
                            "entry {} has term {} after term {}: terms in a log never decrease",
                            entry.index, entry.term, previous_term
                        ));
                    }
                    previous_term = entry.term;
                }
                Ok(())
            }
            Message::RequestVote(m) => {
                // Only the leader of a term creates its entries, and a candidate asks for
                // votes before it could lead: its last entry is older than its term (§5.2).
                if m.last_log_term >= m.term {
                    return inconsistent(format!(
                        "lastLogTerm {} is not older than the candidate's term {}",
                        m.last_log_term, m.term
                    ));
                }
                if m.last_log_index == 0 && m.last_log_term != 0 {
                    return inconsistent(format!(
                        "lastLogIndex 0 means an empty log, so lastLogTerm must be 0, not {}",
                        m.last_log_term
                    ));
                }
                Ok(())
            }
            Message::RequestVoteResponse(_) | Message::AppendEntriesResponse(_) => Ok(()),
        }
    }
}

/// Field names that make a JSON object a Raft message, and which message.
pub const MARKERS: [(&str, MessageKind); 4] = [
    ("candidateId", MessageKind::RequestVote),
    ("leaderId", MessageKind::AppendEntries),
    ("voteGranted", MessageKind::RequestVoteResponse),
    ("success", MessageKind::AppendEntriesResponse),
];

fn detect_kind(
    fields: &serde_json::Map<String, serde_json::Value>,
) -> Result<MessageKind, MessageJsonError> {
    let found: Vec<MessageKind> = MARKERS
        .iter()
        .filter(|(field, _)| fields.contains_key(*field))
        .map(|(_, kind)| *kind)
        .collect();
    match found.as_slice() {
        [kind] => Ok(*kind),
        [] => Err(MessageJsonError::Unrecognised),
        _ => Err(MessageJsonError::Ambiguous),
    }
}

/// A serde_json error message without the " at line L column C" it appends: callers
/// report positions themselves.
pub fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

/// Why a JSON text is not a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MessageJsonError {
    #[error("{message}")]
    Syntax {
        /// 1-based, within the JSON text.
        line: usize,
        column: usize,
        message: String,
    },
    #[error("a message must be a JSON object `{{ ... }}`")]
    NotAnObject,
    #[error(
        "cannot tell which message this is: a RequestVote has `candidateId`, an AppendEntries `leaderId`, a RequestVote response `voteGranted`, an AppendEntries response `success`"
    )]
    Unrecognised,
    #[error(
        "the fields belong to more than one message kind (e.g. both `leaderId` and `candidateId`); add `\"type\": \"AppendEntries\"` or remove the stray field"
    )]
    Ambiguous,
    #[error("{0}")]
    UnknownType(String),
    #[error("not a valid {kind}: {message}")]
    Fields { kind: MessageKind, message: String },
    #[error("{0}")]
    Inconsistent(String),
}

/// A message in flight: who sent it, to whom.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Envelope {
    pub from: NodeId,
    pub to: NodeId,
    #[serde(flatten)]
    pub message: Message,
}

impl Envelope {
    pub fn kind(&self) -> MessageKind {
        self.message.kind()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_heartbeat_reads_as_append_entries() {
        let text = r#"{
          "term": 5,
          "leaderId": 1,
          "prevLogIndex": 8,
          "prevLogTerm": 4,
          "entries": [],
          "leaderCommit": 10
        }"#;
        let Message::AppendEntries(m) = Message::from_json(text).unwrap() else {
            panic!("not an AppendEntries")
        };
        assert_eq!((m.term, m.leader_id, m.prev_log_index), (5, 1, 8));
        assert_eq!((m.prev_log_term, m.leader_commit), (4, 10));
        assert!(m.entries.is_empty());
    }

    #[test]
    fn seed_messages_round_trip_with_their_field_names() {
        let texts = [
            r#"{"term":5,"candidateId":3,"lastLogIndex":10,"lastLogTerm":4}"#,
            r#"{"term":5,"voteGranted":true}"#,
            r#"{"term":5,"leaderId":1,"prevLogIndex":8,"prevLogTerm":4,"entries":[{"index":9,"term":5,"command":"set x = 10"}],"leaderCommit":9}"#,
            r#"{"term":5,"success":true,"index":9}"#,
        ];
        for text in texts {
            let message = Message::from_json(text).unwrap();
            assert_eq!(message.to_json(), text);
        }
    }

    #[test]
    fn unknown_fields_and_missing_fields_are_errors() {
        let typo =
            Message::from_json(r#"{"term":5,"candidateId":3,"lastLogIndx":10,"lastLogTerm":4}"#);
        assert!(matches!(typo, Err(MessageJsonError::Fields { .. })));
        let paper_response = Message::from_json(r#"{"term":5,"success":true}"#);
        let Err(MessageJsonError::Fields { message, .. }) = paper_response else {
            panic!("expected a field error")
        };
        assert!(message.contains("index"), "{message}");
        assert_eq!(
            Message::from_json(r#"{"term":5}"#),
            Err(MessageJsonError::Unrecognised)
        );
    }

    #[test]
    fn explicit_type_wins() {
        let m =
            Message::from_json(r#"{"type":"RequestVoteResponse","term":2,"voteGranted":false}"#)
                .unwrap();
        assert_eq!(m.kind(), MessageKind::RequestVoteResponse);
    }

    #[test]
    fn impossible_messages_are_refused() {
        let gap = r#"{"term":5,"leaderId":1,"prevLogIndex":8,"prevLogTerm":4,"entries":[{"index":10,"term":5,"command":"x"}],"leaderCommit":9}"#;
        assert!(matches!(
            Message::from_json(gap),
            Err(MessageJsonError::Inconsistent(_))
        ));
        let future = r#"{"term":5,"leaderId":1,"prevLogIndex":0,"prevLogTerm":0,"entries":[{"index":1,"term":6,"command":"x"}],"leaderCommit":0}"#;
        assert!(matches!(
            Message::from_json(future),
            Err(MessageJsonError::Inconsistent(_))
        ));
        // The same rule as the ```json check: a candidate's last entry predates its term.
        for last_log_term in [5, 6] {
            let vote = format!(
                r#"{{"term":5,"candidateId":3,"lastLogIndex":10,"lastLogTerm":{last_log_term}}}"#
            );
            assert!(matches!(
                Message::from_json(&vote),
                Err(MessageJsonError::Inconsistent(_))
            ));
        }
        let older = r#"{"term":5,"candidateId":3,"lastLogIndex":10,"lastLogTerm":4}"#;
        assert!(Message::from_json(older).is_ok());
    }

    #[test]
    fn syntax_errors_carry_a_position() {
        let Err(MessageJsonError::Syntax { line, .. }) = Message::from_json("{\n\"term\": 5,\n}")
        else {
            panic!("expected a syntax error")
        };
        assert_eq!(line, 3);
    }
}
