//! Leader commitIndex: a leader gets a follower's successful AppendEntries response. What
//! is its commitIndex after? It commits N only when a majority of the whole cluster
//! (itself included) has matchIndex >= N and entry N is of its own term (§5.3, §5.4.2).
//!
//! The outcomes aimed at: a plain advance; an advance that commits entries of older terms
//! along with one of the current term; the Figure 8 trap, where an older-term entry is on a
//! majority and still does not commit; and no majority yet (even-sized clusters included).

use std::fmt::Write;

use super::GeneratorKind;
use super::draft::{Draft, message_json, send_line, state_lines, terms};
use super::history::{History, pick, shuffle};
use crate::raft::{Message, NodeId, Note, Role};
use crate::rng::SplitMix64;
use crate::scenario::question::Question;
use crate::scenario::script::Reason;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Advanced,
    AdvancedPastOlderTerms,
    Figure8Held,
    NoMajority,
}

const OUTCOMES: [Outcome; 4] = [
    Outcome::Advanced,
    Outcome::AdvancedPastOlderTerms,
    Outcome::Figure8Held,
    Outcome::NoMajority,
];

/// The outcome of a leader's handling of the response, from its notes and log.
pub fn outcome_of(reasons: &[Reason], log: &[u64], term: u64) -> Outcome {
    for reason in reasons {
        match reason.note {
            Note::LeaderCommitAdvanced { old, new, .. } => {
                let older = (old + 1..=new).any(|i| log[i as usize - 1] != term);
                return if older {
                    Outcome::AdvancedPastOlderTerms
                } else {
                    Outcome::Advanced
                };
            }
            Note::CommitWaitsForCurrentTerm { .. } => return Outcome::Figure8Held,
            _ => {}
        }
    }
    Outcome::NoMajority
}

pub fn question(seed: u64, rng: &mut SplitMix64) -> Option<Result<Question, String>> {
    let aim = pick(
        &mut SplitMix64::derive(seed, "leader-commit/outcome"),
        &OUTCOMES,
    );
    let size = pick(rng, &[3, 4, 5, 5]);
    let mut ids: Vec<NodeId> = (1..=size).collect();
    shuffle(rng, &mut ids);
    let leader = ids[0];
    let others: Vec<NodeId> = ids[1..].to_vec();
    let majority = (size / 2 + 1) as usize;
    let mut h = History::new(size);

    // Committed entries everyone has, then (often) entries of that term on a minority.
    h.elect(leader, &others);
    h.replicate(leader, rng.range(0, 3), &others);
    let older = match aim {
        Outcome::Figure8Held | Outcome::AdvancedPastOlderTerms => rng.range(1, 3),
        _ => rng.range(0, 3),
    };
    let mut minority = others.clone();
    shuffle(rng, &mut minority);
    minority.truncate(rng.range(0, (majority - 1) as u64) as usize);
    h.replicate(leader, older, &minority);

    // A new term: the leader steps down and wins again; its first AppendEntries copy the
    // older entries to its voters.
    h.step_down(leader);
    let mut voters = others.clone();
    shuffle(rng, &mut voters);
    voters.truncate(majority - 1);
    if !h.elect(leader, &voters) {
        return None;
    }
    let own = match aim {
        Outcome::Figure8Held => 0,
        Outcome::NoMajority => rng.range(1, 3),
        _ => rng.range(1, 4),
    };
    let mut reach = others.clone();
    shuffle(rng, &mut reach);
    reach.truncate(rng.range(0, (majority - 1) as u64) as usize);
    h.replicate(leader, own, &reach);

    // One more follower catches up; its acceptance is the message the question is about.
    let node = h.cluster.node(leader);
    let last = node.log().last_index();
    let behind: Vec<NodeId> = others
        .iter()
        .copied()
        .filter(|&f| node.match_index(f).is_some_and(|m| m < last))
        .collect();
    if behind.is_empty() {
        return None;
    }
    let follower = pick(rng, &behind);
    let response = h.held_acceptance(leader, follower)?;
    let Message::AppendEntriesResponse(ack) = &response.message else {
        return None;
    };

    let node = h.cluster.node(leader);
    let log = node.log().terms();
    let term = node.term();
    let mut matches = String::new();
    for peer in node.peers() {
        let _ = write!(
            matches,
            "{}node {peer}: {}",
            if matches.is_empty() { "" } else { ", " },
            node.match_index(peer).unwrap_or(0)
        );
    }
    let prompt = format!(
        "In a {size}-node Raft cluster, node {leader} is the leader of term {term}, with log `{}` and commitIndex {}. Its matchIndex for its followers: {matches}. Node {follower}'s answer to its latest AppendEntries arrives:\n\n```json\n{}\n```\n\nWhat is node {leader}'s commitIndex after it handles this response?",
        terms(&log),
        node.commit_index(),
        message_json(&response.message),
    );
    let rule = format!(
        "§5.3, §5.4.2: the leader commits index N once a majority ({majority} of {size}, itself included) has matchIndex ≥ N and entry N is of its current term ({term}); entries of earlier terms commit only along with such an entry (Figure 8). Node {follower}'s matchIndex becomes {}.",
        ack.index
    );
    let draft = Draft {
        state: state_lines(&h.cluster, &[]),
        setup: Vec::new(),
        events: vec![send_line(follower, leader, &response.message)],
        ask: format!("ask {leader} commitIndex"),
        prompt,
        rule,
    };
    if h.role(leader) != Role::Leader {
        return None;
    }
    Some(
        draft
            .run(GeneratorKind::LeaderCommitIndex, seed)
            .map(|(question, reasons)| (outcome_of(&reasons, &log, term) == aim, question))
            .and_then(|(hit, question)| {
                if hit {
                    Ok(question)
                } else {
                    Err(format!("aimed at {aim:?}, got another outcome"))
                }
            }),
    )
}
