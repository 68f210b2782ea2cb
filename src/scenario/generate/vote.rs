//! Vote decision: a node receives a candidate's RequestVote. Does it grant the vote?
//!
//! The traps, each reached by running elections and replication on the simulator:
//! - the candidate's log is longer but its last term is older: refused (§5.4.1);
//! - its log is shorter but its last term is newer: granted (§5.4.1);
//! - same last term, shorter log: refused (§5.4.1);
//! - the voter already voted for another candidate in this term: refused (§5.2);
//! - the candidate's term is older than the voter's: refused (§5.1);
//! - a plain grant, where nothing stands in the way.
//!
//! In the log traps the candidate's term is higher than the voter's, so a higher term that
//! still gets refused is part of them.

use super::draft::{Draft, describe_node, message_json, send_line, state_lines};
use super::history::{History, all_but, pick, shuffle};
use crate::raft::{Message, NodeId, Note, Output, Role};
use crate::rng::SplitMix64;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trap {
    Granted,
    ShorterButNewerGranted,
    LongerButOlderRefused,
    ShorterSameTermRefused,
    AlreadyVotedRefused,
    StaleTermRefused,
}

const TRAPS: [Trap; 6] = [
    Trap::Granted,
    Trap::ShorterButNewerGranted,
    Trap::LongerButOlderRefused,
    Trap::ShorterSameTermRefused,
    Trap::AlreadyVotedRefused,
    Trap::StaleTermRefused,
];

/// Which trap a delivered RequestVote fell into, from the voter's notes.
pub fn trap_of(notes: &[Note]) -> Option<Trap> {
    notes.iter().find_map(|note| match *note {
        Note::VoteGranted {
            candidate_last_term,
            candidate_last_index,
            my_last_term,
            my_last_index,
            ..
        } => Some(
            if candidate_last_index < my_last_index && candidate_last_term > my_last_term {
                Trap::ShorterButNewerGranted
            } else {
                Trap::Granted
            },
        ),
        Note::VoteRefusedLastTerm { .. } => Some(Trap::LongerButOlderRefused),
        Note::VoteRefusedShorterLog { .. } => Some(Trap::ShorterSameTermRefused),
        Note::VoteRefusedAlreadyVoted { .. } => Some(Trap::AlreadyVotedRefused),
        Note::StaleRequestRefused { .. } => Some(Trap::StaleTermRefused),
        _ => None,
    })
}

pub fn draft(seed: u64, rng: &mut SplitMix64) -> Option<Draft> {
    let trap = pick(&mut SplitMix64::derive(seed, "vote-decision/trap"), &TRAPS);
    let size = pick(rng, &[3, 5, 5]);
    let mut ids: Vec<NodeId> = (1..=size).collect();
    shuffle(rng, &mut ids);
    let (candidate, voter) = (ids[0], ids[1]);
    let others: Vec<NodeId> = ids[2..].to_vec();
    let mut h = History::new(size);

    // A first leader, whose entries everyone gets.
    let first = if trap == Trap::AlreadyVotedRefused {
        voter
    } else {
        pick(rng, &others)
    };
    let everyone: Vec<NodeId> = all_but(&ids, first);
    h.elect(first, &everyone);
    h.replicate(first, rng.range(0, 3), &everyone);
    if rng.chance(0.3) {
        h.failed_election(pick(rng, &ids));
    }

    match trap {
        Trap::LongerButOlderRefused => {
            h.diverge(rng, candidate, voter, &others);
        }
        Trap::ShorterButNewerGranted => {
            h.diverge(rng, voter, candidate, &others);
        }
        Trap::ShorterSameTermRefused => {
            let leader = leader_among(&mut h, rng, &others)?;
            h.replicate(leader, rng.range(1, 3), &[candidate, voter]);
            h.replicate(leader, rng.range(1, 3), &[voter]);
        }
        Trap::Granted => {
            let leader = leader_among(&mut h, rng, &others)?;
            let mut reach = vec![candidate];
            if rng.chance(0.6) {
                reach.push(voter);
            }
            h.replicate(leader, rng.range(0, 3), &reach);
        }
        Trap::AlreadyVotedRefused => {
            // The voter gave its vote for term t to `rival`; the candidate now runs for t.
            let rival = pick(rng, &others);
            let t = h.term(candidate).max(h.term(rival)).max(h.term(voter));
            h.raise_term(candidate, t);
            h.raise_term(rival, t);
            if rng.chance(0.5) {
                h.elect(rival, &[voter]);
            } else {
                h.heard_campaign(rival, voter);
            }
        }
        Trap::StaleTermRefused => {
            let lead = 2 + rng.range(0, 3);
            let messenger = others
                .iter()
                .copied()
                .find(|&id| h.role(id) != Role::Leader);
            match messenger {
                Some(messenger) if rng.chance(0.5) => {
                    h.raise_term(messenger, h.term(candidate) + lead - 1);
                    h.heard_campaign(messenger, voter);
                }
                _ => {
                    h.step_down(voter);
                    h.raise_term(voter, h.term(candidate) + lead);
                }
            }
        }
    }

    // The candidate's election: it must be able to run (a leader first hears of a newer
    // term), and in the log traps its term is above the voter's.
    h.step_down(candidate);
    if !matches!(trap, Trap::AlreadyVotedRefused | Trap::StaleTermRefused) {
        h.step_down(voter);
        h.raise_term(candidate, h.term(voter));
        if rng.chance(0.3) {
            h.failed_election(candidate);
        }
    }
    if h.role(candidate) == Role::Leader {
        return None;
    }
    let request = h.campaign_alone(candidate);

    // Keep the instance only if it is the trap it was built for.
    let mut voter_copy = h.cluster.node(voter).clone();
    let mut out = Output::default();
    voter_copy.step(candidate, &request, &mut out);
    if trap_of(&out.notes) != Some(trap) {
        return None;
    }

    let Message::RequestVote(rv) = &request else {
        return None;
    };
    let prompt = format!(
        "In a {size}-node Raft cluster, node {voter} is {}. Node {candidate} times out and sends it this RequestVote:\n\n```json\n{}\n```\n\nDoes node {voter} grant its vote to node {candidate}?",
        describe_node(&h.cluster, voter),
        message_json(&request),
    );
    let voter_node = h.cluster.node(voter);
    let (my_term, my_index) = (voter_node.log().last_term(), voter_node.log().last_index());
    let rule = match trap {
        Trap::Granted
        | Trap::ShorterButNewerGranted
        | Trap::LongerButOlderRefused
        | Trap::ShorterSameTermRefused => format!(
            "§5.4.1: a vote goes only to a candidate whose log is at least as up to date: compare the last terms first ({} vs {my_term}), and the lengths ({} vs {my_index}) only if those are equal.",
            rv.last_log_term, rv.last_log_index
        ),
        Trap::AlreadyVotedRefused => format!(
            "§5.2: each server votes for at most one candidate per term, first come first served; node {voter} already voted in term {}.",
            rv.term
        ),
        Trap::StaleTermRefused => format!(
            "§5.1: a request with an older term is refused, and the reply carries the newer term ({} < {}).",
            rv.term,
            voter_node.term()
        ),
    };
    Some(Draft {
        state: state_lines(&h.cluster, &[]),
        setup: Vec::new(),
        events: vec![send_line(candidate, voter, &request)],
        ask: format!("ask {voter} -> {candidate} voteGranted"),
        prompt,
        rule,
    })
}

/// A leader among `nodes`: one already leading, or one elected now with a majority.
fn leader_among(h: &mut History, rng: &mut SplitMix64, nodes: &[NodeId]) -> Option<NodeId> {
    if let Some(&leader) = nodes.iter().find(|&&id| h.role(id) == Role::Leader) {
        return Some(leader);
    }
    let node = pick(rng, nodes);
    h.elect_with_majority(rng, node).then_some(node)
}
