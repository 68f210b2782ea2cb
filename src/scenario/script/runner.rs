//! Runs a parsed script on the simulator and judges its `expect`s.

use std::fmt;

use serde::Serialize;

use super::ast::{CommandKind, Expect, MessageField, NodeProperty, Query, Script};
use super::observe::{Observation, latest_notes, observe};
use crate::raft::{
    Aspect, Cluster, ClusterConfig, Event, Index, NetworkConfig, NodeConfig, NodeId, NodeState,
    Note, SetupError, SimError, StaleRequests, Trace, Violation,
};
use crate::scenario::answer::Answer;

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

/// What the simulator says to an `ask`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "camelCase")]
pub enum AskOutcome {
    Answered {
        answer: Answer,
        /// The simulator's notes behind the answer.
        reasons: Vec<Reason>,
    },
    /// The question has no answer at this point of the run (why).
    Unanswerable { why: String },
    /// The run stopped (an error at an earlier line) before this question.
    NotRun,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AskResult {
    pub line: u32,
    pub text: String,
    #[serde(skip)]
    pub query: Query,
    pub outcome: AskOutcome,
    /// Where the trace stood when the question was asked (its timeline ends there).
    #[serde(skip)]
    pub trace_len: usize,
}

impl AskResult {
    pub fn answer(&self) -> Option<&Answer> {
        match &self.outcome {
            AskOutcome::Answered { answer, .. } => Some(answer),
            _ => None,
        }
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
    pub asks: Vec<AskResult>,
    pub trace: Trace,
    /// The cluster as declared, before the first event (None if it could not be set up).
    pub start: Option<Cluster>,
    /// The cluster at the end (None if its declared state could not be set up).
    pub cluster: Option<Cluster>,
    pub error: Option<RunError>,
}

impl ScriptRun {
    /// No error, every expect passed and every ask has an answer.
    pub fn passed(&self) -> bool {
        self.error.is_none()
            && self.expects.iter().all(ExpectResult::passed)
            && self.asks.iter().all(|ask| ask.answer().is_some())
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
/// The cluster a script declares, before its first event: declared states, `crashed`
/// nodes down. `trace` records the run (scripts' runs do; generators looking ahead don't).
pub fn start(script: &Script, trace: bool) -> Result<Cluster, RunError> {
    let mut states = vec![NodeState::default(); script.size as usize];
    for decl in &script.nodes {
        states[decl.id as usize - 1] = decl.state.clone();
    }
    let mut config = cluster_config(script);
    config.trace = trace;
    let mut cluster =
        Cluster::with_states(config, &states).map_err(|error| setup_error(script, error))?;
    for decl in script.nodes.iter().filter(|decl| decl.crashed) {
        cluster.crash(decl.id);
    }
    Ok(cluster)
}

pub fn run(script: &Script) -> ScriptRun {
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
    let asks_not_run = || {
        script
            .commands
            .iter()
            .filter_map(|command| match &command.kind {
                CommandKind::Ask(query) => Some(AskResult {
                    line: command.line,
                    text: command.text.clone(),
                    query: query.clone(),
                    outcome: AskOutcome::NotRun,
                    trace_len: 0,
                }),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    let mut cluster = match start(script, true) {
        Ok(cluster) => cluster,
        Err(error) => {
            return ScriptRun {
                expects: not_run(),
                asks: asks_not_run(),
                trace: Trace::new(script.options.seed, script.size),
                start: None,
                cluster: None,
                error: Some(error),
            };
        }
    };
    let start = cluster.clone();
    let mut expects = Vec::new();
    let mut asks = Vec::new();
    let mut error = None;
    // Where the trace of the last event command starts.
    let mut segment = 0;
    for command in &script.commands {
        if let CommandKind::Ask(query) = &command.kind {
            let trace = cluster.trace().map_or(&[][..], |t| &t.events[..]);
            let outcome = if error.is_some() {
                AskOutcome::NotRun
            } else {
                match observe(query, &cluster, trace, segment) {
                    Ok(Observation { answer, reasons }) => AskOutcome::Answered { answer, reasons },
                    Err(why) => AskOutcome::Unanswerable { why },
                }
            };
            asks.push(AskResult {
                line: command.line,
                text: command.text.clone(),
                query: query.clone(),
                outcome,
                trace_len: trace.len(),
            });
            continue;
        }
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
        asks,
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
        CommandKind::Expect(_) | CommandKind::Ask(_) => {}
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
        Expect::LeaderTerm(value) | Expect::LeaderTick(value) => {
            let query = if matches!(expect, Expect::LeaderTerm(_)) {
                Query::LeaderTerm
            } else {
                Query::LeaderTick
            };
            match observe(&query, cluster, trace, segment) {
                Ok(observation) => (
                    value.to_string(),
                    observation.answer.to_string(),
                    observation.reasons,
                ),
                Err(why) => (value.to_string(), why, Vec::new()),
            }
        }
        Expect::Message {
            from,
            to,
            field: MessageField::Refusals(count),
        } => {
            let query = Query::Message {
                from: *from,
                to: *to,
                field: super::ast::REFUSALS.to_owned(),
            };
            match observe(&query, cluster, trace, segment) {
                Ok(observation) => (
                    count.to_string(),
                    observation.answer.to_string(),
                    observation.reasons,
                ),
                Err(why) => (count.to_string(), why, Vec::new()),
            }
        }
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
                MessageField::Refusals(count) => count.to_string(),
            };
            match sent {
                None => (expected, "nothing".to_owned(), Vec::new()),
                Some((position, envelope)) => {
                    let kind = envelope.kind();
                    let actual = match field {
                        MessageField::Nothing => format!("a {kind}"),
                        MessageField::Kind(_) | MessageField::Refusals(_) => kind.name().to_owned(),
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

/// The notes `from` wrote in the step that sent the message at `position`: those about its
/// reply if there are any, else all.
fn notes_behind(trace: &[crate::raft::TraceEvent], position: usize, from: NodeId) -> Vec<Reason> {
    let reasons = super::observe::step_notes(trace, position, from);
    let replies: Vec<Reason> = reasons
        .iter()
        .filter(|r| r.note.concerns().contains(&Aspect::Reply))
        .cloned()
        .collect();
    if replies.is_empty() { reasons } else { replies }
}

#[cfg(test)]
mod tests {
    //! Runs worked out by hand from Figure 2 of the paper: what each `expect` must find.

    use super::*;
    use crate::scenario::script::parse;

    fn run_script(source: &str) -> ScriptRun {
        run(&parse(source, 1).unwrap_or_else(|error| panic!("{error}")))
    }

    fn passed(actual: &str) -> ExpectOutcome {
        ExpectOutcome::Passed {
            actual: actual.to_owned(),
        }
    }

    fn failed(expected: &str, actual: &str) -> ExpectOutcome {
        ExpectOutcome::Failed {
            expected: expected.to_owned(),
            actual: actual.to_owned(),
        }
    }

    fn outcomes(run: &ScriptRun) -> Vec<(u32, ExpectOutcome)> {
        run.expects
            .iter()
            .map(|e| (e.line, e.outcome.clone()))
            .collect()
    }

    #[test]
    fn a_timeout_starts_an_election_that_a_majority_wins() {
        // Figure 2, Candidates: on conversion, increment currentTerm, vote for self, send
        // RequestVote to all other servers; votes from a majority (2 of 3, itself included)
        // make it leader. Followers grant: no vote yet in term 1, and equal (empty) logs
        // are "at least as up to date".
        let run = run_script(
            "cluster 3\n\
             node 1 timeout 50\nnode 2 timeout 50\nnode 3 timeout 50\n\
             timeout 1\n\
             expect 1 role candidate\n\
             expect 1 term 1\n\
             expect 1 votedFor 1\n\
             expect 1 -> 2 type RequestVote\n\
             expect 1 -> 3 lastLogIndex 0\n\
             stabilize\n\
             expect leader 1\n\
             expect leader term 1\n\
             expect 2 votedFor 1\n\
             expect 3 term 1\n",
        );
        assert_eq!(run.error, None);
        let lines: Vec<u32> = run.expects.iter().map(|e| e.line).collect();
        assert_eq!(lines, [6, 7, 8, 9, 10, 12, 13, 14, 15]);
        assert!(run.passed(), "{:#?}", run.expects);
    }

    #[test]
    fn each_expectation_reports_what_the_simulator_has() {
        // A declared leader of term 2 with log 1 2: its nextIndex for every follower is its
        // last index + 1 = 3 (Figure 2, "reinitialized after election"); a follower keeps
        // no nextIndex; a crashed node is still the role it was.
        let run = run_script(
            "cluster 3\n\
             node 2 leader term 2 log 1 2 commit 1\n\
             node 1 term 2 log 1 2 commit 1\n\
             node 3 term 2 log 1\n\
             expect 1 nextIndex[2] 3\n\
             expect 2 nextIndex[3] 3\n\
             expect 3 log 1 2\n\
             expect 3 log 1\n\
             crash 3\n\
             expect 3 role follower\n\
             timeout 2\n\
             expect 2 -> 1 type AppendEntries\n\
             expect 2 -> 1 prevLogIndex 2\n\
             expect 2 -> 1 success true\n\
             expect 1 -> 2 nothing\n\
             expect 1 log empty\n",
        );
        assert_eq!(
            outcomes(&run),
            [
                (5, failed("3", "none (node 1 is not the leader)")),
                (6, passed("3")),
                (7, failed("1 2", "1")),
                (8, passed("1")),
                (10, failed("follower", "follower (crashed)")),
                (12, passed("AppendEntries")),
                (13, passed("2")),
                (14, failed("true", "(a AppendEntries has no success)")),
                (15, passed("nothing")),
                (16, failed("empty", "1 2")),
            ]
        );
        // The failure that names a note: the log node 3 has is the one it was declared with.
        assert!(run.expects[2].reasons.is_empty());
    }

    #[test]
    fn an_event_raft_cannot_do_stops_the_run_at_its_line() {
        let run = run_script("cluster 3\ncrash 2\ntimeout 2\nexpect 2 term 0\nask 2 term\n");
        let error = run.error.as_ref().expect("an error");
        assert_eq!(error.line, 3);
        assert_eq!(
            error.message,
            "node 2 is crashed, so it cannot time out; `restart 2` first"
        );
        assert_eq!(run.expects[0].outcome, ExpectOutcome::NotRun);
        assert_eq!(run.asks[0].outcome, AskOutcome::NotRun);
        assert!(run.start.is_some() && run.cluster.is_some());

        let run = run_script("cluster 3\nrestart 1\n");
        assert_eq!(
            run.error.map(|e| (e.line, e.message)),
            Some((
                2,
                "node 1 is running; `crash 1` before restarting it".to_owned()
            ))
        );
    }

    #[test]
    fn a_state_raft_cannot_be_in_is_reported_at_its_declaration() {
        // A log entry of term 2 on a server whose currentTerm is 1: it would have adopted
        // term 2 when it received the entry (§5.1).
        let run = run_script("cluster 3\nnode 1 term 1\nnode 2 term 1 log 2\nexpect 1 term 1\n");
        let error = run.error.expect("an error");
        assert_eq!(error.line, 3);
        assert!(
            error.message.contains("currentTerm is 1"),
            "{}",
            error.message
        );
        assert!(run.start.is_none() && run.cluster.is_none());
        assert_eq!(run.expects[0].outcome, ExpectOutcome::NotRun);
    }
}
