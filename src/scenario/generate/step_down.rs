//! Terms and stepping down: a follower, candidate or leader receives one of the four
//! messages with an older, the same, or a newer term. What is its role, or its term, after?
//!
//! Every combination Raft allows is reached (a leader never gets an AppendEntries of its
//! own term: Election Safety). The message is captured when it is sent and delivered later,
//! as a slow network would; meanwhile the receiver reaches the role and term asked about.

use std::cmp::Ordering;

use super::GeneratorKind;
use super::draft::{Draft, describe_node, message_json, send_line, state_lines};
use super::history::{History, all_but, pick, shuffle};
use crate::raft::{Envelope, MessageKind, NodeId, Role, Term};
use crate::rng::SplitMix64;
use crate::scenario::question::Question;

/// The receiver's role, the message kind, and how the message's term compares with the
/// receiver's.
pub type Combination = (Role, MessageKind, Ordering);

/// Every combination a Raft server can meet.
pub fn combinations() -> Vec<Combination> {
    let mut all = Vec::new();
    for role in [Role::Follower, Role::Candidate, Role::Leader] {
        for kind in MessageKind::ALL {
            for order in [Ordering::Less, Ordering::Equal, Ordering::Greater] {
                let impossible = role == Role::Leader
                    && kind == MessageKind::AppendEntries
                    && order == Ordering::Equal;
                if !impossible {
                    all.push((role, kind, order));
                }
            }
        }
    }
    all
}

pub fn question(seed: u64, rng: &mut SplitMix64) -> Option<Result<Question, String>> {
    let all = combinations();
    let (role, kind, order) = pick(&mut SplitMix64::derive(seed, "step-down/combination"), &all);
    let ask_role = SplitMix64::derive(seed, "step-down/question").chance(0.6);
    let size = pick(rng, &[3, 5, 5]);
    let mut ids: Vec<NodeId> = (1..=size).collect();
    shuffle(rng, &mut ids);
    let (receiver, sender) = (ids[0], ids[1]);
    let others: Vec<NodeId> = ids[2..].to_vec();
    let mut h = History::new(size);

    // Some history first, led by a third node.
    let first = pick(rng, &others);
    let rest: Vec<NodeId> = all_but(&ids, first);
    h.elect(first, &rest);
    h.replicate(first, rng.range(0, 3), &rest);
    if rng.chance(0.4) {
        h.failed_election(pick(rng, &others));
    }

    // A request newer than the receiver is sent after the receiver got where it is; in
    // every other case the message is captured first and the receiver moves on.
    let request_after = kind.is_request() && order == Ordering::Greater;
    if request_after {
        let target = h.term(receiver) + 1 + rng.range(0, 2);
        if !reach(&mut h, receiver, role, target, &[sender]) {
            return None;
        }
    }
    let message = capture(&mut h, rng, kind, receiver, sender, &others, role, order)?;
    let message_term = message.message.term();
    if !request_after {
        let target = match order {
            Ordering::Less => message_term + 1 + rng.range(0, 2),
            Ordering::Equal => message_term,
            Ordering::Greater => message_term.saturating_sub(1 + rng.range(0, 2)),
        };
        if target == 0 || !reach(&mut h, receiver, role, target, &[sender]) {
            return None;
        }
    }
    let receiver_term = h.term(receiver);
    if h.role(receiver) != role || message_term.cmp(&receiver_term) != order {
        return None;
    }

    let what = if ask_role { "role" } else { "currentTerm" };
    let prompt = format!(
        "In a {size}-node Raft cluster, node {receiver} is {}. This {} from node {sender} arrives:\n\n```json\n{}\n```\n\nWhat is node {receiver}'s {what} after it handles the message?",
        describe_node(&h.cluster, receiver),
        kind.phrase()
            .trim_start_matches("a ")
            .trim_start_matches("an "),
        message_json(&message.message),
    );
    let rule = rule_for(role, kind, order, message_term, receiver_term);
    let draft = Draft {
        state: state_lines(&h.cluster, &[]),
        setup: Vec::new(),
        events: vec![send_line(sender, receiver, &message.message)],
        ask: if ask_role {
            format!("ask {receiver} role")
        } else {
            format!("ask {receiver} term")
        },
        prompt,
        rule,
    };
    Some(draft.finish(GeneratorKind::TermStepDown, seed))
}

/// Captures a message of `kind` from `sender` to `receiver`, leaving the receiver's term low
/// enough for [`reach`] to bring it where the combination needs it.
#[allow(clippy::too_many_arguments)]
fn capture(
    h: &mut History,
    rng: &mut SplitMix64,
    kind: MessageKind,
    receiver: NodeId,
    sender: NodeId,
    others: &[NodeId],
    role: Role,
    order: Ordering,
) -> Option<Envelope> {
    // For a message that should be newer than the receiver, or the same term in a role
    // the receiver will have to climb to, the sender's term goes ahead first.
    let lead = match order {
        Ordering::Greater => 2 + rng.range(0, 2),
        Ordering::Equal => 1,
        Ordering::Less => 1 + rng.range(0, 2),
    };
    match kind {
        MessageKind::RequestVote => {
            h.step_down(sender);
            h.raise_term(sender, h.term(receiver) + lead);
            h.capture_request_vote(sender, receiver)
        }
        MessageKind::AppendEntries => {
            let target = h.term(receiver).max(h.term(sender)) + lead;
            if !h.leader_at(sender, target, &[receiver]) {
                return None;
            }
            h.capture_heartbeat(sender, receiver)
        }
        MessageKind::RequestVoteResponse => {
            // The receiver ran for election and the sender answered. For a newer term, or
            // the same term for a receiver that will be a follower, the sender was ahead
            // and refused; otherwise the receiver runs past the sender's term.
            h.step_down(receiver);
            let ahead =
                order == Ordering::Greater || (order == Ordering::Equal && role == Role::Follower);
            if ahead {
                h.step_down(sender);
                h.raise_term(sender, h.term(receiver) + 3 + rng.range(0, 2));
            } else {
                h.raise_term(receiver, h.term(sender));
            }
            let voters: Vec<NodeId> = if role == Role::Leader && order != Ordering::Less {
                others.to_vec()
            } else {
                Vec::new()
            };
            h.capture_vote_response(receiver, sender, &voters)
        }
        MessageKind::AppendEntriesResponse => {
            // The receiver led and the sender answered its heartbeat; a sender that was
            // ahead refused it with its newer term.
            let target = h.term(receiver).max(h.term(sender)) + 1;
            if h.role(receiver) != Role::Leader && !h.leader_at(receiver, target, &[sender]) {
                return None;
            }
            let ahead =
                order == Ordering::Greater || (order == Ordering::Equal && role != Role::Leader);
            if ahead {
                h.raise_term(sender, h.term(receiver) + 2 + rng.range(0, 2));
            }
            h.capture_append_response(receiver, sender)
        }
    }
}

/// Brings `node` to `role` in exactly `term`, unless it is there already.
fn reach(h: &mut History, node: NodeId, role: Role, term: Term, avoid: &[NodeId]) -> bool {
    if h.role(node) == role && h.term(node) == term {
        return true;
    }
    match role {
        Role::Follower => h.follower_at(node, term, avoid),
        Role::Candidate => h.candidate_at(node, term),
        Role::Leader => h.leader_at(node, term, avoid),
    }
}

fn rule_for(role: Role, kind: MessageKind, order: Ordering, message: Term, mine: Term) -> String {
    match order {
        Ordering::Greater => format!(
            "§5.1: a server that sees a higher term in any request or response ({message} > {mine}) adopts it, clears votedFor and becomes (or stays) follower; then it handles the message."
        ),
        Ordering::Less => {
            if kind.is_request() {
                format!(
                    "§5.1: a request with an older term ({message} < {mine}) is refused with the current term; the receiver changes nothing."
                )
            } else {
                format!(
                    "§5.1: a response with an older term ({message} < {mine}) is ignored; the receiver changes nothing."
                )
            }
        }
        Ordering::Equal => match (role, kind) {
            (Role::Candidate, MessageKind::AppendEntries) => format!(
                "§5.2: a candidate that gets AppendEntries from a leader of its own term ({mine}) recognises that leader and becomes follower."
            ),
            (Role::Candidate, MessageKind::RequestVoteResponse) => format!(
                "§5.2: a candidate counts granted votes of its term ({mine}) and becomes leader once it has a majority of the whole cluster, itself included."
            ),
            _ => format!(
                "§5.1, §5.2: the same term ({mine}) changes no term; only a candidate hearing from its term's leader steps down, and only a candidate with a majority becomes leader."
            ),
        },
    }
}
