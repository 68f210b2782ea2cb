//! Runs a parsed script on the simulator and judges its `expect`s.

use std::fmt;

use serde::Serialize;

use super::ast::{CommandKind, Expect, MessageField, NodeProperty, Script};
use crate::raft::{
    Aspect, Cluster, ClusterConfig, Event, Index, NetworkConfig, NodeConfig, NodeId, NodeState,
    Note, SetupError, SimError, StaleRequests, Trace, Violation,
};

/// Deliveries `stabilize` allows before it declares the cluster unsettled.
const STABILIZE_LIMIT: u64 = 100_000;

/// A note of the simulator that explains an expectation's outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub node: NodeId,
    pub tick: u64,
    pub note: Note,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "node {}: {}", self.node, self.note)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "camelCase")]
pub enum ExpectOutcome {
    Passed {
        actual: String,
    },
    Failed {
        expected: String,
        actual: String,
    },
    /// The run stopped (an error at an earlier line) before this expect.
    NotRun,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExpectResult {
    pub line: u32,
    pub text: String,
    pub outcome: ExpectOutcome,
    /// The simulator's notes behind the actual value, most recent last.
    pub reasons: Vec<Reason>,
}

impl ExpectResult {
    pub fn passed(&self) -> bool {
        matches!(self.outcome, ExpectOutcome::Passed { .. })
    }
}

/// A script that parsed but could not run to the end.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct RunError {
    pub line: u32,
    pub message: String,
    /// The broken invariant, if that is what stopped the run.
    pub violation: Option<Violation>,
}

/// Everything a script run produced.
#[derive(Clone, Debug)]
pub struct ScriptRun {
    pub expects: Vec<ExpectResult>,
    pub trace: Trace,
    /// The cluster as declared, before the first event (None if it could not be set up).
    pub start: Option<Cluster>,
    /// The cluster at the end (None if its declared state could not be set up).
    pub cluster: Option<Cluster>,
    pub error: Option<RunError>,
}

impl ScriptRun {
    /// No error and every expect passed.
    pub fn passed(&self) -> bool {
        self.error.is_none() && self.expects.iter().all(ExpectResult::passed)
    }

    pub fn failures(&self) -> impl Iterator<Item = &ExpectResult> {
        self.expects.iter().filter(|e| !e.passed())
    }
}

/// The simulator configuration a script's options describe.
pub fn cluster_config(script: &Script) -> ClusterConfig {
    let options = &script.options;
    ClusterConfig {
        nodes: script.size,
        seed: options.seed,
        node: NodeConfig {
            election_timeout: options.election_timeout,
            heartbeat_interval: options.heartbeat,
            stale_requests: if options.stale_requests_dropped {
                StaleRequests::Drop
            } else {
                StaleRequests::Refuse
            },
            conflict_hint: options.conflict_hint,
            noop_on_election: options.noop,
            max_entries_per_append: options.max_entries,
        },
        network: NetworkConfig {
            latency_min: options.latency.0,
            latency_max: options.latency.1,
            drop: options.drop,
        },
        trace: true,
    }
}

/// Runs the script. Never panics; every problem is in the returned [`ScriptRun`].
pub fn run(script: &Script) -> ScriptRun {
    let mut states = vec![NodeState::default(); script.size as usize];
    for decl in &script.nodes {
        states[decl.id as usize - 1] = decl.state.clone();
    }
    let not_run = || {
        script
            .commands
            .iter()
            .filter_map(|command| match &command.kind {
                CommandKind::Expect(_) => Some(ExpectResult {
                    line: command.line,
                    text: command.text.clone(),
                    outcome: ExpectOutcome::NotRun,
                    reasons: Vec::new(),
                }),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    let mut cluster = match Cluster::with_states(cluster_config(script), &states) {
        Ok(cluster) => cluster,
        Err(error) => {
            return ScriptRun {
                expects: not_run(),
                trace: Trace::new(script.options.seed, script.size),
                start: None,
                cluster: None,
                error: Some(setup_error(script, error)),
            };
        }
    };
    let start = cluster.clone();
    let mut expects = Vec::new();
    let mut error = None;
    // Where the trace of the last event command starts.
    let mut segment = 0;
    for command in &script.commands {
        if let CommandKind::Expect(expect) = &command.kind {
            if error.is_some() {
                expects.push(ExpectResult {
                    line: command.line,
                    text: command.text.clone(),
                    outcome: ExpectOutcome::NotRun,
                    reasons: Vec::new(),
                });
                continue;
            }
            let trace = cluster.trace().map_or(&[][..], |t| &t.events[..]);
            let (outcome, reasons) = judge(expect, &cluster, trace, segment);
            expects.push(ExpectResult {
                line: command.line,
                text: command.text.clone(),
                outcome,
                reasons,
            });
            continue;
        }
        if error.is_some() {
            continue;
        }
        segment = cluster.trace().map_or(0, |t| t.events.len());
        cluster.mark(command.line, &command.text);
        if let Err(problem) = execute(&mut cluster, &command.kind) {
            error = Some(match problem {
                Problem::Sim(SimError::Invariant(violation)) => RunError {
                    line: command.line,
                    message: format!(
                        "{violation}. The state or messages this script describes cannot happen in Raft; if they can, this is a bug in the simulator"
                    ),
                    violation: Some(*violation),
                },
                Problem::Sim(other) => RunError {
                    line: command.line,
                    message: other.to_string(),
                    violation: None,
                },
                Problem::Usage(message) => RunError {
                    line: command.line,
                    message,
                    violation: None,
                },
            });
        }
    }
    let trace = cluster
        .take_trace()
        .unwrap_or_else(|| Trace::new(script.options.seed, script.size));
    ScriptRun {
        expects,
        trace,
        start: Some(start),
        cluster: Some(cluster),
        error,
    }
}

fn setup_error(script: &Script, error: SetupError) -> RunError {
    let line_of = |node: NodeId| {
        script
            .nodes
            .iter()
            .find(|decl| decl.id == node)
            .map_or(script.line, |decl| decl.line)
    };
    match error {
        SetupError::State(state) => RunError {
            line: line_of(state.node),
            message: state.to_string(),
            violation: None,
        },
        SetupError::Invariant(violation) => RunError {
            line: line_of(violation.node),
            message: format!(
                "the declared state breaks {}: {}",
                violation.invariant, violation.detail
            ),
            violation: Some(*violation),
        },
        other => RunError {
            line: script.line,
            message: other.to_string(),
            violation: None,
        },
    }
}

enum Problem {
    Sim(SimError),
    Usage(String),
}

impl From<SimError> for Problem {
    fn from(error: SimError) -> Problem {
        Problem::Sim(error)
    }
}

fn running(cluster: &Cluster, node: NodeId, what: &str) -> Result<(), Problem> {
    if cluster.is_crashed(node) {
        return Err(Problem::Usage(format!(
            "node {node} is crashed, so it cannot {what}; `restart {node}` first"
        )));
    }
    Ok(())
}

fn execute(cluster: &mut Cluster, kind: &CommandKind) -> Result<(), Problem> {
    match kind {
        CommandKind::Timeout(node) => {
            running(cluster, *node, "time out")?;
            cluster.time_out(*node)?;
        }
        CommandKind::Tick(ticks) => cluster.run_ticks(*ticks)?,
        CommandKind::Deliver(filter) => {
            cluster.deliver_pending(filter)?;
        }
        CommandKind::Drop(filter) => {
            cluster.drop_pending(filter)?;
        }
        CommandKind::Send(envelope) => {
            running(cluster, envelope.to, "receive a message")?;
            cluster.inject(envelope.clone())?;
        }
        CommandKind::Propose { node, command } => {
            if let Some(node) = node {
                running(cluster, *node, "take a proposal")?;
            }
            cluster.propose(*node, command)?;
        }
        CommandKind::Partition(groups) => cluster.partition(groups),
        CommandKind::Isolate(node) => cluster.isolate(*node),
        CommandKind::Heal => cluster.heal(),
        CommandKind::Crash(node) => {
            running(cluster, *node, "crash again")?;
            cluster.crash(*node);
        }
        CommandKind::Restart(node) => {
            if !cluster.is_crashed(*node) {
                return Err(Problem::Usage(format!(
                    "node {node} is running; `crash {node}` before restarting it"
                )));
            }
            cluster.restart(*node)?;
        }
        CommandKind::Stabilize => {
            cluster.stabilize(STABILIZE_LIMIT)?;
        }
        CommandKind::Expect(_) => {}
    }
    Ok(())
}

fn index_text(value: Option<Index>, node: NodeId) -> String {
    value.map_or(format!("none (node {node} is not the leader)"), |v| {
        v.to_string()
    })
}

fn terms_text(terms: &[u64]) -> String {
    if terms.is_empty() {
        "empty".to_owned()
    } else {
        terms
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn vote_text(vote: Option<NodeId>) -> String {
    vote.map_or("none".to_owned(), |v| v.to_string())
}

fn judge(
    expect: &Expect,
    cluster: &Cluster,
    trace: &[crate::raft::TraceEvent],
    segment: usize,
) -> (ExpectOutcome, Vec<Reason>) {
    let (expected, actual, reasons) = match expect {
        Expect::Node { node, property } => {
            let n = cluster.node(*node);
            let (expected, actual, aspect) = match property {
                NodeProperty::Role(role) => (
                    role.name().to_owned(),
                    if cluster.is_crashed(*node) {
                        format!("{} (crashed)", n.role())
                    } else {
                        n.role().name().to_owned()
                    },
                    Aspect::Role,
                ),
                NodeProperty::Term(term) => (term.to_string(), n.term().to_string(), Aspect::Term),
                NodeProperty::VotedFor(vote) => {
                    (vote_text(*vote), vote_text(n.voted_for()), Aspect::Vote)
                }
                NodeProperty::Log(terms) => {
                    (terms_text(terms), terms_text(&n.log().terms()), Aspect::Log)
                }
                NodeProperty::CommitIndex(index) => (
                    index.to_string(),
                    n.commit_index().to_string(),
                    Aspect::Commit,
                ),
                NodeProperty::LastApplied(index) => (
                    index.to_string(),
                    n.last_applied().to_string(),
                    Aspect::Commit,
                ),
                NodeProperty::NextIndex(peer, index) => (
                    index.to_string(),
                    index_text(n.next_index(*peer), *node),
                    Aspect::Progress,
                ),
                NodeProperty::MatchIndex(peer, index) => (
                    index.to_string(),
                    index_text(n.match_index(*peer), *node),
                    Aspect::Progress,
                ),
            };
            (expected, actual, latest_notes(trace, Some(*node), aspect))
        }
        Expect::Leader(leader) => (
            vote_text(*leader),
            vote_text(cluster.leader()),
            latest_notes(trace, None, Aspect::Role),
        ),
        Expect::Message { from, to, field } => {
            let sent = trace[segment.min(trace.len())..]
                .iter()
                .enumerate()
                .rev()
                .find_map(|(offset, event)| match &event.event {
                    Event::Sent { message, .. } if message.from == *from && message.to == *to => {
                        Some((segment + offset, message))
                    }
                    _ => None,
                });
            let expected = match field {
                MessageField::Nothing => "nothing".to_owned(),
                MessageField::Kind(kind) => kind.name().to_owned(),
                MessageField::Field { value, .. } => value.clone(),
            };
            match sent {
                None => (expected, "nothing".to_owned(), Vec::new()),
                Some((position, envelope)) => {
                    let kind = envelope.kind();
                    let actual = match field {
                        MessageField::Nothing => format!("a {kind}"),
                        MessageField::Kind(_) => kind.name().to_owned(),
                        MessageField::Field { name, .. } => {
                            let json = envelope.message.to_json_value();
                            match (name.as_str(), json.get(name)) {
                                ("entries", Some(serde_json::Value::Array(entries))) => {
                                    let terms: Vec<u64> = entries
                                        .iter()
                                        .filter_map(|e| e.get("term").and_then(|t| t.as_u64()))
                                        .collect();
                                    terms_text(&terms)
                                }
                                (_, Some(value)) => value.to_string(),
                                (_, None) => format!("(a {kind} has no {name})"),
                            }
                        }
                    };
                    (expected, actual, notes_behind(trace, position, *from))
                }
            }
        }
    };
    let outcome = if expected == actual || (expected == "empty" && actual.is_empty()) {
        ExpectOutcome::Passed { actual }
    } else {
        ExpectOutcome::Failed { expected, actual }
    };
    (outcome, reasons)
}

/// The notes about `aspect` (of `node`, or of any node) written by the most recent command
/// that wrote any.
fn latest_notes(
    trace: &[crate::raft::TraceEvent],
    node: Option<NodeId>,
    aspect: Aspect,
) -> Vec<Reason> {
    let relevant = |event: &crate::raft::TraceEvent| match &event.event {
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

/// The notes `from` wrote in the step that sent the message at `position`.
fn notes_behind(trace: &[crate::raft::TraceEvent], position: usize, from: NodeId) -> Vec<Reason> {
    let mut reasons = Vec::new();
    for event in trace[..position].iter().rev() {
        match &event.event {
            Event::Note { node, note, .. } if *node == from => reasons.push(Reason {
                node: *node,
                tick: event.tick,
                note: note.clone(),
            }),
            Event::Sent { message, .. } if message.from == from => {}
            Event::Dropped { message, .. } if message.from == from => {}
            _ => break,
        }
    }
    reasons.reverse();
    let replies: Vec<Reason> = reasons
        .iter()
        .filter(|r| r.note.concerns().contains(&Aspect::Reply))
        .cloned()
        .collect();
    if replies.is_empty() { reasons } else { replies }
}
