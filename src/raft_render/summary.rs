//! A long run in a few lines: the leader of each term, terms that had none, commit progress
//! by tenths of the run, proposals, messages and faults, and the final state.

use super::style::term_style;
use super::timeline::{describe_fault, state_row};
use crate::raft::{Cluster, Event, NodeId, Note, Term, Trace};
use crate::spans::{Line, Span};

/// The summary of the run `trace` recorded, ending with `cluster` as it stands.
pub fn summary(trace: &Trace, cluster: &Cluster) -> Vec<Line> {
    let record = Record::of(trace);
    let text = |text: String| vec![Span::plain(text)];
    let mut lines = vec![
        text(format!(
            "{} nodes · seed {} · {} ticks",
            cluster.size(),
            trace.seed,
            cluster.now()
        )),
        text("leaders:".to_owned()),
    ];
    for (term, node, tick) in &record.leaders {
        lines.push(vec![
            Span::plain("  term "),
            Span::new(format!("{term:<4}"), term_style(*term)),
            Span::plain(format!("  node {node}  elected at tick {tick}")),
        ]);
    }
    if record.leaders.is_empty() {
        lines.push(text("  none elected".to_owned()));
    }
    let leaderless = record.leaderless();
    if !leaderless.is_empty() {
        lines.push(text(format!(
            "terms without a leader: {}",
            leaderless.join(", ")
        )));
    }
    lines.push(text("commit progress (highest commitIndex):".to_owned()));
    let ticks = cluster.now();
    let mut shown = None;
    for tenth in 1..=10 {
        let at = ticks * tenth / 10;
        if shown == Some(at) {
            continue;
        }
        shown = Some(at);
        lines.push(text(format!("  tick {at:>6}  {}", record.commit_at(at))));
    }
    let stats = cluster.stats();
    lines.push(text(format!(
        "proposals: {} taken by a leader (a stale one may lose them), {} refused (no leader)",
        stats.proposals_accepted, stats.proposals_refused
    )));
    lines.push(text(format!(
        "messages: {} delivered, {} dropped; {} faults",
        stats.delivered, stats.dropped, record.faults
    )));
    let mut last = vec![Span::plain("final: ")];
    last.extend(state_row(&cluster.statuses()));
    lines.push(last);
    lines
}

/// What the summary reads from a trace.
struct Record {
    /// (term, leader, tick it was elected), in the order they won.
    leaders: Vec<(Term, NodeId, u64)>,
    /// Every term an election was started for.
    elections: Vec<Term>,
    /// (tick, highest commitIndex) each time the highest commitIndex rose.
    commit_marks: Vec<(u64, u64)>,
    faults: usize,
}

impl Record {
    fn of(trace: &Trace) -> Record {
        let mut record = Record {
            leaders: Vec::new(),
            elections: Vec::new(),
            commit_marks: Vec::new(),
            faults: 0,
        };
        let mut highest_commit = 0;
        for event in &trace.events {
            match &event.event {
                Event::Note { node, note, .. } => match note {
                    Note::BecameLeader { term, .. } => {
                        record.leaders.push((*term, *node, event.tick))
                    }
                    Note::ElectionStarted { term, .. } => record.elections.push(*term),
                    _ => {}
                },
                Event::State { nodes } => {
                    let commit = nodes.iter().map(|n| n.commit_index).max().unwrap_or(0);
                    if commit > highest_commit {
                        highest_commit = commit;
                        record.commit_marks.push((event.tick, commit));
                    }
                }
                other => {
                    if describe_fault(other).is_some() {
                        record.faults += 1;
                    }
                }
            }
        }
        record.elections.sort_unstable();
        record.elections.dedup();
        record
    }

    /// The terms an election was held for that no node won.
    fn leaderless(&self) -> Vec<String> {
        self.elections
            .iter()
            .filter(|term| !self.leaders.iter().any(|(t, _, _)| t == *term))
            .map(Term::to_string)
            .collect()
    }

    /// The highest commitIndex reached by tick `at`.
    fn commit_at(&self, at: u64) -> u64 {
        self.commit_marks
            .iter()
            .take_while(|(tick, _)| *tick <= at)
            .last()
            .map_or(0, |(_, commit)| *commit)
    }
}
