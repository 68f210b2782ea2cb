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

#[cfg(test)]
mod tests {
    //! Questions answered on runs worked out by hand from Figure 2 and §5.3.

    use crate::raft::Role;
    use crate::scenario::answer::Answer;
    use crate::scenario::script::{AskOutcome, ScriptRun, parse, run};

    fn answers(source: &str) -> Vec<Result<Answer, String>> {
        let run: ScriptRun = run(&parse(source, 1).unwrap_or_else(|e| panic!("{e}")));
        assert_eq!(run.error, None);
        run.asks
            .into_iter()
            .map(|ask| match ask.outcome {
                AskOutcome::Answered { answer, .. } => Ok(answer),
                AskOutcome::Unanswerable { why } => Err(why),
                AskOutcome::NotRun => Err("not run".to_owned()),
            })
            .collect()
    }

    #[test]
    fn a_repair_counts_each_refusal_and_ends_with_the_leader_s_log() {
        // The leader's first AppendEntries after the heartbeat carries prevLogIndex 4 (its
        // last), term 3; the follower's entry 4 has term 2: refused. nextIndex backs off to
        // 4, prevLogIndex 3: term 2 again, refused. Then prevLogIndex 2, term 1 matches, and
        // entries 3 and 4 (term 3) replace the follower's 3..5 (§5.3). Two refusals.
        let answers = answers(
            "cluster 2\n\
             node 1 leader term 3 log 1 1 3 3\n\
             node 2 term 3 log 1 1 2 2 2\n\
             timeout 1\n\
             stabilize\n\
             ask 2 -> 1 refusals\n\
             ask 2 log\n\
             ask 1 nextIndex[2]\n\
             ask 1 matchIndex[2]\n\
             ask 1 commitIndex\n",
        );
        assert_eq!(
            answers,
            [
                Ok(Answer::Number(2)),
                Ok(Answer::Log(vec![1, 1, 3, 3])),
                Ok(Answer::Number(5)),
                Ok(Answer::Number(4)),
                // Entry 4 is of the leader's term and on both servers: committed.
                Ok(Answer::Number(4)),
            ]
        );
    }

    #[test]
    fn message_questions_read_the_previous_event_only() {
        // §5.4.1: the candidate's last log term 4 is older than the voter's 5: refused, and
        // the reply carries the voter's term.
        let answers = answers(
            "cluster 3\n\
             node 1 follower term 5 log 1 1 1 4 4 5\n\
             send 3 -> 1 {\"term\": 5, \"candidateId\": 3, \"lastLogIndex\": 10, \"lastLogTerm\": 4}\n\
             ask 1 -> 3 voteGranted\n\
             ask 1 -> 3 term\n\
             ask 1 -> 3 success\n\
             ask 1 votedFor\n\
             tick\n\
             ask 1 -> 3 voteGranted\n",
        );
        assert_eq!(answers[0], Ok(Answer::YesNo(false)));
        assert_eq!(answers[1], Ok(Answer::Number(5)));
        assert_eq!(
            answers[2],
            Err("node 1 sent node 3 a RequestVote response, which has no success".to_owned())
        );
        assert_eq!(answers[3], Ok(Answer::Node(None)));
        assert_eq!(
            answers[4],
            Err("node 1 sent node 3 nothing in the event before this question".to_owned())
        );
    }

    #[test]
    fn the_leader_is_elected_when_the_votes_arrive() {
        // Node 1's timer fires at tick 4; its RequestVotes take one tick, the votes one more:
        // it wins at tick 6, in term 1.
        let answers = answers(
            "cluster 3\n\
             node 1 timeout 4\nnode 2 timeout 50\nnode 3 timeout 50\n\
             ask leader\n\
             tick 6\n\
             ask leader\n\
             ask leader term\n\
             ask leader tick\n\
             ask 1 role\n",
        );
        assert_eq!(
            answers,
            [
                Ok(Answer::Node(None)),
                Ok(Answer::Node(Some(1))),
                Ok(Answer::Number(1)),
                Ok(Answer::Number(6)),
                Ok(Answer::Role(Role::Leader)),
            ]
        );
    }

    #[test]
    fn questions_without_an_answer_say_why() {
        let answers = answers(
            "cluster 3\n\
             node 1 leader term 2 log 2\n\
             ask 2 nextIndex[1]\n\
             ask leader tick\n\
             crash 1\n\
             ask 1 role\n\
             ask leader term\n",
        );
        assert_eq!(
            answers,
            [
                Err("node 2 is a follower at this point; only a leader keeps nextIndex and matchIndex".to_owned()),
                Err("node 1 was declared leader; it did not win an election in this run".to_owned()),
                Err("node 1 is crashed at this point".to_owned()),
                Err("there is no leader at this point".to_owned()),
            ]
        );
    }
}
