//! The AppendEntries receiver: a follower gets an AppendEntries. Does it accept, what is
//! its log after, and its commitIndex? (§5.3, §5.1)
//!
//! The cases aimed at: a heartbeat (no entries) that advances commitIndex; new entries
//! appended; a conflicting suffix deleted and replaced; a stale duplicate whose entries are
//! already there (nothing is deleted); a refusal for a missing entry at prevLogIndex, or for
//! a different term there; a request of an older term; and a commitIndex bounded by the
//! last new entry rather than leaderCommit. Messages are real: captured as a leader sent
//! them, delivered when the follower is in the state shown.

use super::GeneratorKind;
use super::draft::{Draft, describe_node, message_json, send_line, state_lines};
use super::history::{History, all_but, pick, shuffle};
use crate::raft::{Message, NodeId, Note, Output, Role};
use crate::rng::SplitMix64;
use crate::scenario::question::Question;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Case {
    Heartbeat,
    Appended,
    ConflictReplaced,
    DuplicateKept,
    MissingEntryRefused,
    TermMismatchRefused,
    StaleTermRefused,
    CommitBounded,
}

const CASES: [Case; 8] = [
    Case::Heartbeat,
    Case::Appended,
    Case::ConflictReplaced,
    Case::DuplicateKept,
    Case::MissingEntryRefused,
    Case::TermMismatchRefused,
    Case::StaleTermRefused,
    Case::CommitBounded,
];

/// The case a delivered AppendEntries fell into, from the receiver's notes.
pub fn case_of(notes: &[Note]) -> Option<Case> {
    let has = |f: fn(&Note) -> bool| notes.iter().any(f);
    if has(|n| matches!(n, Note::StaleRequestRefused { .. })) {
        return Some(Case::StaleTermRefused);
    }
    if has(|n| matches!(n, Note::AppendRefusedMissingEntry { .. })) {
        return Some(Case::MissingEntryRefused);
    }
    if has(|n| matches!(n, Note::AppendRefusedTermMismatch { .. })) {
        return Some(Case::TermMismatchRefused);
    }
    if has(|n| {
        matches!(n, Note::FollowerCommitAdvanced { new, leader_commit, .. } if new < leader_commit)
            || matches!(n, Note::FollowerCommitHeld { .. })
    }) {
        return Some(Case::CommitBounded);
    }
    if has(|n| matches!(n, Note::ConflictTruncated { .. })) {
        return Some(Case::ConflictReplaced);
    }
    if has(|n| matches!(n, Note::EntriesAppended { .. })) {
        return Some(Case::Appended);
    }
    if has(|n| matches!(n, Note::DuplicatesKept { .. })) {
        return Some(Case::DuplicateKept);
    }
    if has(|n| matches!(n, Note::AppendAccepted { entries: 0, .. })) {
        return Some(Case::Heartbeat);
    }
    None
}

pub fn question(seed: u64, rng: &mut SplitMix64) -> Option<Result<Question, String>> {
    let case = pick(&mut SplitMix64::derive(seed, "append-entries/case"), &CASES);
    let asked = pick(
        &mut SplitMix64::derive(seed, "append-entries/asked"),
        &["success", "log", "log", "commitIndex"],
    );
    let size = pick(rng, &[3, 5, 5]);
    let max_entries = if case == Case::CommitBounded {
        rng.range(1, 3)
    } else if rng.chance(0.2) {
        rng.range(1, 4)
    } else {
        64
    };
    let mut h = History::with_max_entries(size, max_entries);
    let rounds = match case {
        Case::ConflictReplaced | Case::TermMismatchRefused => 1,
        _ => rng.range(1, 4) as u32,
    };
    for _ in 0..rounds {
        h.random_round(rng);
    }
    let leader = match h.leader() {
        Some(leader) => leader,
        None => {
            let mut ids = h.ids();
            shuffle(rng, &mut ids);
            ids.into_iter().find(|&c| h.elect_with_majority(rng, c))?
        }
    };
    let followers = all_but(&h.ids(), leader);
    let follower = pick(rng, &followers);
    let rest: Vec<NodeId> = all_but(&followers, follower);

    let (leader, request) = match case {
        Case::Heartbeat => {
            h.replicate(leader, rng.range(0, 3), &[follower]);
            h.replicate(leader, rng.range(0, 3), &rest);
            (leader, h.capture_heartbeat(leader, follower)?)
        }
        Case::Appended => {
            h.replicate(leader, 0, &[follower]);
            h.replicate(leader, rng.range(1, 4), &rest);
            (leader, h.capture_heartbeat(leader, follower)?)
        }
        Case::TermMismatchRefused => {
            // The follower holds entries of an old leader that a newer leader, elected
            // without it, overwrote elsewhere; the newer leader, elected once more, probes
            // at its last entry, where the follower's entry has the old term.
            let later = diverge_from(&mut h, rng, follower, &rest)?;
            h.reelect_without(later, follower)?;
            (later, h.capture_heartbeat(later, follower)?)
        }
        Case::ConflictReplaced => {
            // The follower holds entries of an old leader; a newer leader, elected without
            // it, probes back to where their logs agree and sends its own entries.
            let later = diverge_from(&mut h, rng, follower, &rest)?;
            (later, h.capture_first_accepted(later, follower)?)
        }
        Case::MissingEntryRefused => {
            // The leader gains entries without the follower and is elected again without
            // it: its first probe is past the end of the follower's log.
            h.replicate(leader, rng.range(1, 3), &rest);
            h.reelect_without(leader, follower)?;
            (leader, h.capture_heartbeat(leader, follower)?)
        }
        Case::DuplicateKept => {
            h.replicate(leader, 0, &[follower]);
            h.replicate(leader, rng.range(1, 3), &rest);
            let early = h.capture_heartbeat(leader, follower)?;
            h.replicate(leader, rng.range(0, 3), &[follower]);
            (leader, early)
        }
        Case::StaleTermRefused => {
            let early = h.capture_heartbeat(leader, follower)?;
            let term = h.term(follower).max(early.message.term()) + 1 + rng.range(0, 2);
            if rng.chance(0.5) {
                h.follower_at(follower, term, &[leader]);
            } else {
                h.candidate_at(follower, term);
            }
            (leader, early)
        }
        Case::CommitBounded => {
            let majority: Vec<NodeId> = rest.iter().copied().take((size / 2) as usize).collect();
            h.replicate(leader, rng.range(3, 6), &majority);
            (leader, h.capture_first_accepted(leader, follower)?)
        }
    };
    if h.role(follower) == Role::Leader {
        return None;
    }
    let Message::AppendEntries(append) = &request.message else {
        return None;
    };
    let mut copy = h.cluster.node(follower).clone();
    let mut out = Output::default();
    copy.step(leader, &request.message, &mut out);
    if case_of(&out.notes) != Some(case) {
        return None;
    }

    let (question_text, ask) = match asked {
        "success" => (
            format!("Does node {follower} accept it (success)?"),
            format!("ask {follower} -> {leader} success"),
        ),
        "log" => (
            format!("What is node {follower}'s log after it handles the message?"),
            format!("ask {follower} log"),
        ),
        _ => (
            format!("What is node {follower}'s commitIndex after it handles the message?"),
            format!("ask {follower} commitIndex"),
        ),
    };
    let prompt = format!(
        "In a {size}-node Raft cluster, node {follower} is {}. This AppendEntries from node {leader} arrives:\n\n```json\n{}\n```\n\n{question_text}",
        describe_node(&h.cluster, follower),
        message_json(&request.message),
    );
    let last_new = append.prev_log_index + append.entries.len() as u64;
    let rule = match case {
        Case::StaleTermRefused => format!(
            "§5.1: an AppendEntries of an older term ({} < {}) is refused and changes nothing.",
            append.term,
            h.term(follower)
        ),
        Case::MissingEntryRefused | Case::TermMismatchRefused => format!(
            "§5.3: the consistency check: the follower must hold an entry at prevLogIndex {} with term prevLogTerm {}, else it refuses and changes nothing.",
            append.prev_log_index, append.prev_log_term
        ),
        _ => format!(
            "§5.3: after the consistency check at prevLogIndex {}, entries already present with the same term are kept, a conflicting entry and everything after it is deleted, new entries are appended; then commitIndex = min(leaderCommit {}, index of the last new entry {last_new}) if that is higher.",
            append.prev_log_index, append.leader_commit
        ),
    };
    let draft = Draft {
        state: state_lines(&h.cluster, &[]),
        setup: Vec::new(),
        events: vec![send_line(leader, follower, &request.message)],
        ask,
        prompt,
        rule,
    };
    Some(draft.finish(GeneratorKind::AppendEntriesReceiver, seed))
}

/// Puts an old leader's entries on `follower` and a newer leader's, elected without it, on
/// one of `rest`; returns the newer leader.
fn diverge_from(
    h: &mut History,
    rng: &mut SplitMix64,
    follower: NodeId,
    rest: &[NodeId],
) -> Option<NodeId> {
    let short = pick(rng, rest);
    let others: Vec<NodeId> = h
        .ids()
        .into_iter()
        .filter(|&id| id != follower && id != short)
        .collect();
    h.diverge(rng, follower, short, &others)
}
