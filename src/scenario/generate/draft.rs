//! From a reached state to a [`Question`]: the state is written as a script (node lines),
//! the question's event and `ask` follow, and the script is run. The answer is what the
//! run says, so a generator never computes an answer itself.

use std::fmt::Write;

use super::GeneratorKind;
use crate::raft::{Cluster, Message, NodeId, Role, Term};
use crate::scenario::question::{Origin, Question};
use crate::scenario::script::{self, AskOutcome, Reason};

/// A generated question before it is run.
pub struct Draft {
    /// `cluster N`, options and node lines: the state.
    pub state: Vec<String>,
    /// Setup lines shown as part of the state (a partition, crashed nodes are in `state`).
    pub setup: Vec<String>,
    /// What happens: the events whose outcome is asked.
    pub events: Vec<String>,
    /// The `ask` line.
    pub ask: String,
    pub prompt: String,
    /// The rule the question turns on, with its section; the simulator's notes follow it.
    pub rule: String,
}

impl Draft {
    /// The script: state, setup, events, ask.
    pub fn script(&self) -> String {
        let mut text = String::new();
        for line in self
            .state
            .iter()
            .chain(&self.setup)
            .chain(&self.events)
            .chain(std::iter::once(&self.ask))
        {
            text.push_str(line);
            text.push('\n');
        }
        text
    }

    /// Runs the script. `Err` says why no question came of it (a generator bug, or a
    /// construction that did not reach what it aimed at; generators then try again).
    pub fn finish(self, kind: GeneratorKind, seed: u64) -> Result<Question, String> {
        self.run(kind, seed).map(|(question, _)| question)
    }

    /// As [`Draft::finish`], with the simulator's notes behind the answer, for generators
    /// that keep an instance only if it turned on the rule they aimed at.
    pub fn run(self, kind: GeneratorKind, seed: u64) -> Result<(Question, Vec<Reason>), String> {
        let text = self.script();
        let parsed = script::parse(&text, 1).map_err(|e| format!("{e}\n{text}"))?;
        let run = script::run(&parsed);
        if let Some(error) = &run.error {
            return Err(format!("{error}\n{text}"));
        }
        let ask = run.asks.last().ok_or("no ask")?;
        let (answer, reasons) = match &ask.outcome {
            AskOutcome::Answered { answer, reasons } => (answer.clone(), reasons.clone()),
            AskOutcome::Unanswerable { why } => return Err(format!("{why}\n{text}")),
            AskOutcome::NotRun => return Err(format!("not run\n{text}")),
        };
        let start = run.start.as_ref().ok_or("no start")?;
        let mut explanation = self.rule.clone();
        let notes = crate::scenario::card::notes_list(&reasons);
        if !notes.is_empty() {
            explanation.push_str("\n\n");
            explanation.push_str(&notes);
        }
        let question = Question {
            origin: Origin::Generator { kind, seed },
            prompt: self.prompt,
            situation: crate::scenario::question::Situation::of_script(&parsed, start),
            answer,
            explanation,
            trace: run.trace.prefix(ask.trace_len),
            script: text,
        };
        Ok((question, reasons))
    }
}

/// Runs the cluster that `state` (script lines) declares, without a trace, for at most
/// `horizon` ticks: the first tick after which `reached` holds, or None.
pub fn first_tick(
    state: &[String],
    horizon: u64,
    mut reached: impl FnMut(&Cluster) -> bool,
) -> Option<u64> {
    let probe = script::parse(&state.join("\n"), 1).ok()?;
    let mut cluster = script::start(&probe, false).ok()?;
    for _ in 0..horizon {
        cluster.tick().ok()?;
        if reached(&cluster) {
            return Some(cluster.now());
        }
    }
    None
}

/// `cluster N` and a `node` line for every node that is not fresh, as a script declares
/// them. `timers` fixes nodes' election timers: (node, timeout, ticks elapsed).
pub fn state_lines(cluster: &Cluster, timers: &[(NodeId, u64, u64)]) -> Vec<String> {
    let mut lines = vec![format!("cluster {}", cluster.size())];
    for node in cluster.nodes() {
        let id = node.id();
        let fresh = node.term() == 0 && node.log().is_empty();
        let timer = timers.iter().find(|(node, _, _)| *node == id);
        if fresh && timer.is_none() && !cluster.is_crashed(id) {
            continue;
        }
        let mut line = format!("node {id} {} term {}", node.role(), node.term());
        if node.role() == Role::Follower
            && let Some(vote) = node.voted_for()
        {
            let _ = write!(line, " voted {vote}");
        }
        let _ = write!(line, " log {}", terms(&node.log().terms()));
        if node.commit_index() > 0 {
            let _ = write!(line, " commit {}", node.commit_index());
        }
        if node.role() == Role::Leader {
            let last = node.log().last_index();
            // A declared leader's nextIndex defaults to matchIndex + 1 when a matchIndex is
            // given, else to its last index + 1: write only what differs.
            let next: Vec<String> = node
                .peers()
                .filter_map(|p| node.next_index(p).map(|i| (p, i)))
                .filter(|&(p, i)| {
                    let matched = node.match_index(p).unwrap_or(0);
                    i != if matched > 0 { matched + 1 } else { last + 1 }
                })
                .map(|(p, i)| format!("{p}={i}"))
                .collect();
            let matched: Vec<String> = node
                .peers()
                .filter_map(|p| node.match_index(p).map(|i| (p, i)))
                .filter(|&(_, i)| i > 0)
                .map(|(p, i)| format!("{p}={i}"))
                .collect();
            if !next.is_empty() {
                let _ = write!(line, " next {}", next.join(" "));
            }
            if !matched.is_empty() {
                let _ = write!(line, " match {}", matched.join(" "));
            }
        }
        if let Some((_, timeout, elapsed)) = timer {
            let _ = write!(line, " timeout {timeout} elapsed {elapsed}");
        }
        if cluster.is_crashed(id) {
            line.push_str(" crashed");
        }
        lines.push(line);
    }
    lines
}

/// Terms as a script writes a log: `1 1 4` or `empty`.
pub fn terms(terms: &[Term]) -> String {
    if terms.is_empty() {
        "empty".to_owned()
    } else {
        terms
            .iter()
            .map(Term::to_string)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A message as the seed notes write it, on one line with spaces, fields in their order:
/// `{"term": 5, "candidateId": 3, "lastLogIndex": 10, "lastLogTerm": 4}`.
pub fn message_json(message: &Message) -> String {
    let mut out = String::from("{");
    let field = |out: &mut String, name: &str, value: String| {
        if out.len() > 1 {
            out.push_str(", ");
        }
        let _ = write!(out, "\"{name}\": {value}");
    };
    match message {
        Message::RequestVote(m) => {
            field(&mut out, "term", m.term.to_string());
            field(&mut out, "candidateId", m.candidate_id.to_string());
            field(&mut out, "lastLogIndex", m.last_log_index.to_string());
            field(&mut out, "lastLogTerm", m.last_log_term.to_string());
        }
        Message::RequestVoteResponse(m) => {
            field(&mut out, "term", m.term.to_string());
            field(&mut out, "voteGranted", m.vote_granted.to_string());
        }
        Message::AppendEntries(m) => {
            field(&mut out, "term", m.term.to_string());
            field(&mut out, "leaderId", m.leader_id.to_string());
            field(&mut out, "prevLogIndex", m.prev_log_index.to_string());
            field(&mut out, "prevLogTerm", m.prev_log_term.to_string());
            let entries: Vec<String> = m
                .entries
                .iter()
                .map(|e| {
                    format!(
                        "{{\"index\": {}, \"term\": {}, \"command\": {}}}",
                        e.index,
                        e.term,
                        serde_json::Value::String(e.command.to_string())
                    )
                })
                .collect();
            field(&mut out, "entries", format!("[{}]", entries.join(", ")));
            field(&mut out, "leaderCommit", m.leader_commit.to_string());
        }
        Message::AppendEntriesResponse(m) => {
            field(&mut out, "term", m.term.to_string());
            field(&mut out, "success", m.success.to_string());
            field(&mut out, "index", m.index.to_string());
            if let Some(term) = m.conflict_term {
                field(&mut out, "conflictTerm", term.to_string());
            }
            if let Some(index) = m.conflict_index {
                field(&mut out, "conflictIndex", index.to_string());
            }
        }
    }
    out.push('}');
    out
}

/// `send FROM -> TO {json}`.
pub fn send_line(from: NodeId, to: NodeId, message: &Message) -> String {
    format!("send {from} -> {to} {}", message_json(message))
}

/// How a prompt describes a node: "a follower in term 4 that voted for 2, with log
/// `1 1 4`".
pub fn describe_node(cluster: &Cluster, id: NodeId) -> String {
    let node = cluster.node(id);
    let mut text = format!("a {} in term {}", node.role(), node.term());
    match (node.role(), node.voted_for()) {
        (Role::Follower, Some(vote)) => {
            let _ = write!(text, " that has voted for node {vote} in this term");
        }
        (Role::Follower, None) => text.push_str(" that has not voted in this term"),
        (Role::Candidate, _) => text.push_str(" (it voted for itself)"),
        (Role::Leader, _) => {}
    }
    let _ = write!(
        text,
        ", with log `{}` and commitIndex {}",
        terms(&node.log().terms()),
        node.commit_index()
    );
    text
}
