//! A scenario question: the state shown, the question, the answer the simulator computed,
//! the explanation and the trace of the run that decided it. Generators and `ask` lines
//! both produce [`Question`]s; the quiz grades typed answers with [`grade`] and the export
//! renders them.

use serde::Serialize;

use super::answer::{Answer, AnswerParseError};
use super::generate::GeneratorKind;
use super::script::{CommandKind, Options, Script, ScriptRun};
use crate::raft::{Cluster, Message, NodeId, NodeView, Trace};
use crate::rng::SplitMix64;

/// Where a question came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "from", rename_all = "camelCase")]
pub enum Origin {
    /// A generator's instance for this seed (the same seed gives the same question).
    Generator { kind: GeneratorKind, seed: u64 },
    /// An `ask` line of a hand-written script, by its line in the notes file.
    Script { line: u32 },
}

/// The state shown with a question: every node, the message about to arrive (if the
/// question is about one), and the partition in force (if any).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Situation {
    pub nodes: Vec<NodeView>,
    /// (from, to, message): the message the question is about, about to be delivered.
    pub message: Option<(NodeId, NodeId, Message)>,
    /// Groups of nodes that can talk only among themselves; empty when the network is whole.
    pub partition: Vec<Vec<NodeId>>,
    /// Protocol options that differ from the defaults, as a script writes them
    /// (`conflict-hint on`, `noop on`, `election-timeout 20`, ...).
    pub options: Vec<String>,
}

impl Situation {
    /// The state a script starts from: its declared nodes (crashed ones marked), the
    /// partition its leading `partition`/`isolate` lines set up, and the message of the
    /// first `send` if the script's first event is one.
    pub fn of_script(script: &Script, start: &Cluster) -> Situation {
        let mut partition = Vec::new();
        let mut message = None;
        for command in &script.commands {
            match &command.kind {
                CommandKind::Partition(groups) => {
                    partition = groups.clone();
                    let rest: Vec<NodeId> = (1..=script.size)
                        .filter(|id| !groups.iter().any(|g| g.contains(id)))
                        .collect();
                    if !rest.is_empty() {
                        partition.push(rest);
                    }
                }
                CommandKind::Isolate(node) => {
                    partition = vec![
                        vec![*node],
                        (1..=script.size).filter(|id| id != node).collect(),
                    ];
                }
                CommandKind::Send(envelope) => {
                    message = Some((envelope.from, envelope.to, envelope.message.clone()));
                    break;
                }
                _ => break,
            }
        }
        Situation {
            nodes: start.views(),
            message,
            partition,
            options: options_of(&script.options),
        }
    }

    pub fn node(&self, id: NodeId) -> Option<&NodeView> {
        self.nodes.iter().find(|node| node.id == id)
    }

    /// A recall card's two pictures: the cluster the script declares (with its partition and
    /// the message about to arrive), and the cluster at the end of the run, as a state alone
    /// (the leading partition and message belong to the start).
    pub fn start_and_end(
        script: &Script,
        run: &ScriptRun,
    ) -> (Option<Situation>, Option<Situation>) {
        let start = run
            .start
            .as_ref()
            .map(|cluster| Situation::of_script(script, cluster));
        let end = run.cluster.as_ref().map(|cluster| {
            let mut end = Situation::of_script(script, cluster);
            end.message = None;
            end.partition.clear();
            end
        });
        (start, end)
    }

    /// Three nodes for the renderers' tests: a leader of term 3 with its indexes, a
    /// follower with a running timer and an AppendEntries of `command` arriving from the
    /// leader, and a crashed node of term 2, split from the other two; `option` set.
    #[cfg(test)]
    pub(crate) fn sample(command: &str, option: &str) -> Situation {
        use crate::raft::{ElectionTimer, Role};
        let node = NodeView::sample;
        let mut leader = node(1, Role::Leader, 3, &[1, 1, 3], 2);
        leader.next_index = Some(vec![(2, 3), (3, 4)]);
        leader.match_index = Some(vec![(2, 2), (3, 3)]);
        let mut follower = node(2, Role::Follower, 3, &[1, 1], 2);
        follower.voted_for = Some(1);
        follower.timer = Some(ElectionTimer {
            timeout: 12,
            elapsed: 3,
        });
        let mut down = node(3, Role::Follower, 2, &[1, 1, 3], 0);
        down.crashed = true;
        let message = Message::from_json(&format!(
            r#"{{"term": 3, "leaderId": 1, "prevLogIndex": 2, "prevLogTerm": 1, "entries": [{{"index": 3, "term": 3, "command": {}}}], "leaderCommit": 2}}"#,
            serde_json::Value::from(command)
        ))
        .expect("a well-formed AppendEntries");
        Situation {
            nodes: vec![leader, follower, down],
            message: Some((1, 2, message)),
            partition: vec![vec![1, 2], vec![3]],
            options: vec![option.to_owned()],
        }
    }
}

/// The options a script sets that differ from the defaults, as `option` lines write them.
fn options_of(options: &Options) -> Vec<String> {
    let default = Options::default();
    let mut lines = Vec::new();
    if options.election_timeout != default.election_timeout {
        lines.push(format!("election-timeout {}", options.election_timeout));
    }
    if options.heartbeat != default.heartbeat {
        lines.push(format!("heartbeat {}", options.heartbeat));
    }
    if options.latency != default.latency {
        lines.push(format!(
            "latency {} {}",
            options.latency.0, options.latency.1
        ));
    }
    if options.drop != default.drop {
        lines.push(format!("drop {}", options.drop));
    }
    if options.seed != default.seed {
        lines.push(format!("seed {}", options.seed));
    }
    if options.stale_requests_dropped {
        lines.push("stale-requests drop".to_owned());
    }
    if options.conflict_hint {
        lines.push("conflict-hint on".to_owned());
    }
    if options.noop {
        lines.push("noop on".to_owned());
    }
    if options.max_entries != default.max_entries {
        lines.push(format!("max-entries {}", options.max_entries));
    }
    lines
}

/// A question with its computed answer.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Question {
    pub origin: Origin,
    /// The question, in markdown; a generator's prompt is self-contained (it states what
    /// the diagram shows), an `ask`'s completes the card's front.
    pub prompt: String,
    /// The state shown with the question.
    pub situation: Situation,
    /// Computed by the simulator, never written by hand.
    pub answer: Answer,
    /// Why: the rules that decided it, each citing the paper's section.
    pub explanation: String,
    /// The run that decided it, up to the question (`raft_render` draws its timeline).
    pub trace: Trace,
    /// A script that reproduces the question (`mdcards sim` runs it).
    pub script: String,
}

/// The result of grading one typed answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub correct: bool,
    pub given: Answer,
}

/// Grades typed input against the question's answer: exact, after reading the input in the
/// answer's form. Input that is not of that form (a word for a number) is an error saying
/// what is expected, not a wrong answer.
pub fn grade(question: &Question, input: &str) -> Result<Verdict, AnswerParseError> {
    let given = Answer::parse(question.answer.kind(), input)?;
    Ok(Verdict {
        correct: given == question.answer,
        given,
    })
}

/// The seed of a generator card's `n`-th instance: per review (n = the review count) in
/// the quiz, per instance number in the export.
///
/// FROZEN: stored review histories and exported notes name instances by these seeds;
/// changing this function would change every question a user has seen. Tests pin values.
pub fn instance_seed(card_id: &str, n: u32) -> u64 {
    SplitMix64::derive(0x6d64_6361_7264_7321, &format!("instance/{card_id}/{n}")).next_u64()
}
