//! What no Raft server could send: a message whose numbers contradict each other, or a
//! sequence that one sender in one term could not produce (Figure 2 of the paper).

use std::collections::BTreeMap;

use serde_json::Value;

use super::json::{Kind, Object};
use super::{Problem, code};

const FIGURE_2: &str = "no Raft server sends this; check the numbers against Figure 2 of the paper";

fn inconsistent(at: usize, label: &'static str, message: impl Into<String>) -> Problem {
    Problem::new(code::INCONSISTENT, at, message)
        .label(label)
        .hint(FIGURE_2)
}

/// The problems of one message whose fields are all there and of the right type.
pub(super) fn problems(object: &Object) -> Vec<Problem> {
    let mut found = Vec::new();
    let n = |name| object.number(name).unwrap_or(0);
    let term = n("term");
    if term == 0 {
        let why = match object.kind {
            Kind::RequestVote => {
                "a candidate's term is at least 1: it increments its term to \
                start an election (§5.2)"
            }
            Kind::AppendEntries => "a leader's term is at least 1: it won an election (§5.2)",
            Kind::RequestVoteResponse | Kind::AppendEntriesResponse => {
                "a response carries the responder's term, which is at least \
                the request's, and requests have terms of at least 1"
            }
        };
        found.push(inconsistent(object.key_at("term"), "term 0", why));
        return found;
    }
    match object.kind {
        Kind::RequestVote => {
            let (last, last_term) = (n("lastLogIndex"), n("lastLogTerm"));
            let at = object.key_at("lastLogTerm");
            // A candidate's log is what it had before it started its term, and only the
            // leader of a term creates entries of it: every entry is older than the term.
            if last_term >= term {
                found.push(inconsistent(
                    at,
                    "must be older than term",
                    format!(
                        "lastLogTerm {last_term} is not older than the candidate's \
                        term {term}: a candidate starts a new term, and no entry of \
                        that term exists before it wins (§5.2)"
                    ),
                ));
            }
            found.extend(prefix_problem(
                last,
                last_term,
                at,
                "lastLogIndex",
                "lastLogTerm",
            ));
        }
        Kind::AppendEntries => {
            let (prev, prev_term) = (n("prevLogIndex"), n("prevLogTerm"));
            let at = object.key_at("prevLogTerm");
            found.extend(prefix_problem(
                prev,
                prev_term,
                at,
                "prevLogIndex",
                "prevLogTerm",
            ));
            if prev_term > term {
                found.push(inconsistent(
                    at,
                    "newer than term",
                    format!("prevLogTerm {prev_term} is newer than the leader's term {term}"),
                ));
            }
            found.extend(entries_problems(object, prev, prev_term, term));
        }
        Kind::RequestVoteResponse | Kind::AppendEntriesResponse => {}
    }
    found
}

/// The entry at an index (the candidate's last, the leader's previous) and its term: index 0
/// is the empty log, of term 0; any entry has a term of at least 1.
fn prefix_problem(
    index: u64,
    term: u64,
    at: usize,
    index_name: &str,
    term_name: &str,
) -> Option<Problem> {
    if index == 0 && term != 0 {
        Some(inconsistent(
            at,
            "must be 0",
            format!("{index_name} 0 means an empty log, so {term_name} must be 0, not {term}"),
        ))
    } else if index > 0 && term == 0 {
        Some(inconsistent(
            at,
            "must be at least 1",
            format!(
                "entry {index} exists, so its term is at least 1: entries are \
                created in terms of at least 1"
            ),
        ))
    } else {
        None
    }
}

/// Entries follow prevLogIndex one by one, with terms that never decrease and never pass
/// the leader's.
fn entries_problems(object: &Object, prev: u64, prev_term: u64, term: u64) -> Vec<Problem> {
    let mut found = Vec::new();
    let mut previous = prev_term;
    for (position, (index, entry_term)) in implied_entries(object).into_iter().enumerate() {
        let at = |field: &str| object.key_at(&format!("entries.{position}.{field}"));
        let expected = prev + 1 + position as u64;
        if index != expected {
            found.push(inconsistent(
                at("index"),
                "wrong index",
                format!(
                    "entries are contiguous from prevLogIndex + 1 = {}: this \
                    entry's index is {index}, expected {expected}",
                    prev + 1
                ),
            ));
        }
        if entry_term > term {
            found.push(inconsistent(
                at("term"),
                "newer than term",
                format!("entry {index} has term {entry_term}, newer than the leader's term {term}"),
            ));
        } else if entry_term < previous {
            found.push(inconsistent(
                at("term"),
                "older than the entry before",
                format!(
                    "entry {index} has term {entry_term} after term {previous}: \
                    terms in a log never decrease"
                ),
            ));
        } else if entry_term == 0 {
            found.push(inconsistent(
                at("term"),
                "term 0",
                "entries are created in terms of at least 1",
            ));
        }
        previous = previous.max(entry_term);
    }
    found
}

/// Messages of one sender in one term come from one state: a leader's log only grows in
/// its term (Leader Append-Only) and so does its commitIndex; a candidate's log does not
/// change while it asks for votes. Each message is compared with the earlier ones of its
/// sender and term, and each disagreement is reported once.
pub(super) fn sequence_problems(objects: &[Object]) -> Vec<Problem> {
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
            Kind::AppendEntries => found.extend(leader_problems(&earlier, later)),
            Kind::RequestVote => found.extend(candidate_problems(earlier[0], later)),
            Kind::RequestVoteResponse | Kind::AppendEntriesResponse => {}
        }
    }
    found
}

fn leader_problems(earlier: &[&Object], later: &Object) -> Vec<Problem> {
    let mut found = Vec::new();
    let problem = |at: usize, label: &'static str, message: String| {
        Problem::new(code::INCONSISTENT, at, message)
            .label(label)
            .hint(
                "one leader's log only grows in its term (Leader Append-Only, \
                §5.3), and so does its commitIndex",
            )
    };
    // The leader's log as the earlier messages show it: index → term.
    let mut known = BTreeMap::new();
    for object in earlier {
        let prev = (
            object.number("prevLogIndex").unwrap_or(0),
            object.number("prevLogTerm").unwrap_or(0),
        );
        for (index, term) in std::iter::once(prev).chain(implied_entries(object)) {
            known.entry(index).or_insert(term);
        }
    }
    let disagreement = |index: u64, term: u64| {
        known
            .get(&index)
            .copied()
            .filter(|&before| index > 0 && before != term)
    };
    let prev = later.number("prevLogIndex").unwrap_or(0);
    let prev_term = later.number("prevLogTerm").unwrap_or(0);
    if let Some(before) = disagreement(prev, prev_term) {
        found.push(problem(
            later.key_at("prevLogTerm"),
            "disagrees with the earlier message",
            format!(
                "an earlier message of the same leader and term has entry \
                {prev} of term {before}, but this one says prevLogTerm \
                {prev_term}"
            ),
        ));
    }
    for (position, (index, term)) in implied_entries(later).into_iter().enumerate() {
        if let Some(before) = disagreement(index, term) {
            found.push(problem(
                later.key_at(&format!("entries.{position}.term")),
                "disagrees with the earlier message",
                format!(
                    "an earlier message of the same leader and term has entry \
                    {index} of term {before}, this one of term {term}"
                ),
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
            later.key_at("leaderCommit"),
            "smaller than before",
            format!("leaderCommit went back from {before} to {now} within one leader's term"),
        ));
    }
    found
}

fn candidate_problems(earlier: &Object, later: &Object) -> Vec<Problem> {
    ["lastLogIndex", "lastLogTerm"]
        .into_iter()
        .filter(|field| earlier.number(field) != later.number(field))
        .map(|field| {
            Problem::new(
                code::INCONSISTENT,
                later.key_at(field),
                format!(
                    "the same candidate asks for votes in the same term with \
                    another {field}"
                ),
            )
            .label("differs from the earlier RequestVote")
            .hint(
                "a candidate's log does not change while it asks for votes: \
                it sends everyone the same RequestVote (§5.2)",
            )
        })
        .collect()
}

/// (index, term) of every entry an AppendEntries carries.
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
