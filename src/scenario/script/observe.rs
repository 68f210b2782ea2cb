//! Reading the answer to an `ask` from the simulator: the cluster after the commands before
//! it, and the trace of the last event for questions about messages.

use super::ast::{Property, Query, REFUSALS};
use super::runner::Reason;
use crate::raft::{Aspect, Cluster, Event, Message, NodeId, Note, TraceEvent};
use crate::scenario::answer::Answer;

/// An answer and the simulator's notes that decided it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Observation {
    pub answer: Answer,
    pub reasons: Vec<Reason>,
}

/// Answers `query` on `cluster`; `trace` is the whole trace so far and `segment` the index
/// where the last event command's part of it starts. An error says why the question has
/// no answer at this point (no such message, not a leader, ...).
pub fn observe(
    query: &Query,
    cluster: &Cluster,
    trace: &[TraceEvent],
    segment: usize,
) -> Result<Observation, String> {
    match query {
        Query::Node { node, property } => node_property(cluster, trace, *node, *property),
        Query::Leader => Ok(Observation {
            answer: Answer::Node(cluster.leader()),
            reasons: latest_notes(trace, None, Aspect::Role),
        }),
        Query::LeaderTerm | Query::LeaderTick => {
            let leader = cluster
                .leader()
                .ok_or_else(|| "there is no leader at this point".to_owned())?;
            let term = cluster.node(leader).term();
            let won = trace.iter().rev().find_map(|event| match &event.event {
                Event::Note {
                    node,
                    note: note @ Note::BecameLeader { term: won, .. },
                    ..
                } if *node == leader && *won == term => Some((event.tick, note.clone())),
                _ => None,
            });
            let reasons = won
                .as_ref()
                .map(|(tick, note)| Reason {
                    node: leader,
                    tick: *tick,
                    note: note.clone(),
                })
                .into_iter()
                .collect();
            let answer = if *query == Query::LeaderTerm {
                Answer::Number(term)
            } else {
                let (tick, _) = won.ok_or_else(|| {
                    format!(
                        "node {leader} was declared leader; it did not win an election in this run"
                    )
                })?;
                Answer::Number(tick)
            };
            Ok(Observation { answer, reasons })
        }
        Query::Message { from, to, field } if field == REFUSALS => {
            Ok(refusals(trace, segment, *from, *to))
        }
        Query::Message { from, to, field } => message_field(trace, segment, *from, *to, field),
    }
}

fn node_property(
    cluster: &Cluster,
    trace: &[TraceEvent],
    id: NodeId,
    property: Property,
) -> Result<Observation, String> {
    let node = cluster.node(id);
    let not_leader = || {
        format!(
            "node {id} is a {} at this point; only a leader keeps nextIndex and matchIndex",
            node.role()
        )
    };
    let (answer, aspect) = match property {
        Property::Role => {
            if cluster.is_crashed(id) {
                return Err(format!("node {id} is crashed at this point"));
            }
            (Answer::Role(node.role()), Aspect::Role)
        }
        Property::Term => (Answer::Number(node.term()), Aspect::Term),
        Property::VotedFor => (Answer::Node(node.voted_for()), Aspect::Vote),
        Property::Log => (Answer::Log(node.log().terms()), Aspect::Log),
        Property::CommitIndex => (Answer::Number(node.commit_index()), Aspect::Commit),
        Property::LastApplied => (Answer::Number(node.last_applied()), Aspect::Commit),
        Property::NextIndex(peer) => (
            Answer::Number(node.next_index(peer).ok_or_else(not_leader)?),
            Aspect::Progress,
        ),
        Property::MatchIndex(peer) => (
            Answer::Number(node.match_index(peer).ok_or_else(not_leader)?),
            Aspect::Progress,
        ),
    };
    Ok(Observation {
        answer,
        reasons: latest_notes(trace, Some(id), aspect),
    })
}

/// The last message `from` sent `to` in the trace from `segment` on, with its position.
fn last_sent(
    trace: &[TraceEvent],
    segment: usize,
    from: NodeId,
    to: NodeId,
) -> Option<(usize, &Message)> {
    let start = segment.min(trace.len());
    trace[start..]
        .iter()
        .enumerate()
        .rev()
        .find_map(|(offset, event)| match &event.event {
            Event::Sent { message, .. } if message.from == from && message.to == to => {
                Some((start + offset, &message.message))
            }
            _ => None,
        })
}

fn message_field(
    trace: &[TraceEvent],
    segment: usize,
    from: NodeId,
    to: NodeId,
    field: &str,
) -> Result<Observation, String> {
    let (position, message) = last_sent(trace, segment, from, to).ok_or_else(|| {
        format!("node {from} sent node {to} nothing in the event before this question")
    })?;
    let kind = message.kind();
    let json = message.to_json_value();
    let value = json.get(field).ok_or_else(|| {
        format!(
            "node {from} sent node {to} {}, which has no {field}",
            kind.phrase()
        )
    })?;
    let answer = match (field, value) {
        ("entries", serde_json::Value::Array(entries)) => Answer::Log(
            entries
                .iter()
                .filter_map(|entry| entry.get("term").and_then(serde_json::Value::as_u64))
                .collect(),
        ),
        (_, serde_json::Value::Bool(flag)) => Answer::YesNo(*flag),
        (_, value) => Answer::Number(
            value
                .as_u64()
                .ok_or_else(|| format!("{field} is not a number in {}", kind.phrase()))?,
        ),
    };
    Ok(Observation {
        answer,
        reasons: step_notes(trace, position, from),
    })
}

fn refusals(trace: &[TraceEvent], segment: usize, from: NodeId, to: NodeId) -> Observation {
    let start = segment.min(trace.len());
    let mut count = 0;
    let mut reasons: Vec<Reason> = Vec::new();
    for (offset, event) in trace[start..].iter().enumerate() {
        let Event::Sent { message, .. } = &event.event else {
            continue;
        };
        if message.from != from || message.to != to {
            continue;
        }
        let refused = match &message.message {
            Message::RequestVoteResponse(response) => !response.vote_granted,
            Message::AppendEntriesResponse(response) => !response.success,
            _ => false,
        };
        if refused {
            count += 1;
            for reason in step_notes(trace, start + offset, from) {
                if reason.note.concerns().contains(&Aspect::Reply) && !reasons.contains(&reason) {
                    reasons.push(reason);
                }
            }
        }
    }
    Observation {
        answer: Answer::Number(count),
        reasons,
    }
}

/// Every note `from` wrote in the step that sent the message at `position`.
pub(crate) fn step_notes(trace: &[TraceEvent], position: usize, from: NodeId) -> Vec<Reason> {
    let mut reasons = Vec::new();
    for event in trace[..position].iter().rev() {
        match &event.event {
            Event::Note { node, note, .. } if *node == from => reasons.push(Reason {
                node: *node,
                tick: event.tick,
                note: note.clone(),
            }),
            Event::Sent { message, .. } | Event::Dropped { message, .. }
                if message.from == from => {}
            _ => break,
        }
    }
    reasons.reverse();
    reasons
}

/// The notes about `aspect` (of `node`, or of any node) written by the most recent command
/// that wrote any; repeated notes once, at most the last six.
pub(crate) fn latest_notes(
    trace: &[TraceEvent],
    node: Option<NodeId>,
    aspect: Aspect,
) -> Vec<Reason> {
    let relevant = |event: &TraceEvent| match &event.event {
        Event::Note { node: n, note, .. }
            if node.is_none_or(|wanted| wanted == *n) && note.concerns().contains(&aspect) =>
        {
            Some(Reason {
                node: *n,
                tick: event.tick,
                note: note.clone(),
            })
        }
        _ => None,
    };
    let Some(last) = trace.iter().rposition(|e| relevant(e).is_some()) else {
        return Vec::new();
    };
    let start = trace[..last]
        .iter()
        .rposition(|e| matches!(e.event, Event::Script { .. }))
        .map_or(0, |p| p + 1);
    let mut reasons: Vec<Reason> = Vec::new();
    for reason in trace[start..=last].iter().filter_map(relevant) {
        // Heartbeats repeat the same note; once is enough.
        if !reasons
            .iter()
            .any(|r| r.node == reason.node && r.note == reason.note)
        {
            reasons.push(reason);
        }
    }
    if reasons.len() > 6 {
        reasons.drain(..reasons.len() - 6);
    }
    reasons
}
