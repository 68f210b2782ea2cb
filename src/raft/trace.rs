//! The record of a run: every message sent, delivered or lost, every note with its rule,
//! every fault, and a snapshot of the nodes whenever one of them changes role, term, log or
//! commitIndex. `raft_render` draws its timelines; `sim --json` prints it.

use serde::Serialize;

use super::message::{Envelope, Index, NodeId, Term};
use super::node::Role;
use super::note::Note;

/// Why a message did not arrive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum DropReason {
    /// The network lost it (drop probability).
    Lost,
    /// Sender and receiver are on different sides of a partition or a cut link.
    Partitioned,
    /// The receiver is crashed.
    Crashed,
    /// A scenario script dropped it.
    Script,
}

impl DropReason {
    pub fn describe(self) -> &'static str {
        match self {
            DropReason::Lost => "lost",
            DropReason::Partitioned => "partitioned",
            DropReason::Crashed => "receiver crashed",
            DropReason::Script => "dropped by the script",
        }
    }
}

/// A node's role, term, vote, commitIndex and last entry, as the trace records them at
/// every change: small enough to record after every step of a long run. (Pictures of a
/// cluster draw a [`NodeView`](super::NodeView), which holds whole logs.)
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeStatus {
    pub id: NodeId,
    pub role: Role,
    pub term: Term,
    pub voted_for: Option<NodeId>,
    pub commit_index: Index,
    pub last_index: Index,
    pub last_term: Term,
    pub crashed: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(
    tag = "event",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Event {
    /// A scenario script command starts here.
    Script {
        line: u32,
        text: String,
    },
    /// Every message a node sends; `deliver_at` is None when it was lost on the way out
    /// (a `Dropped` event follows).
    Sent {
        message: Envelope,
        deliver_at: Option<u64>,
    },
    Delivered {
        message: Envelope,
    },
    Dropped {
        message: Envelope,
        reason: DropReason,
    },
    /// What a node did and why; `why` is the note's sentence, citing the paper.
    Note {
        node: NodeId,
        note: Note,
        why: String,
    },
    Proposal {
        node: Option<NodeId>,
        command: String,
        index: Option<Index>,
    },
    Crash {
        node: NodeId,
    },
    Restart {
        node: NodeId,
    },
    Partition {
        groups: Vec<Vec<NodeId>>,
    },
    Cut {
        a: NodeId,
        b: NodeId,
    },
    LinkDrop {
        from: NodeId,
        to: NodeId,
        probability: f64,
    },
    Heal,
    State {
        nodes: Vec<NodeStatus>,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TraceEvent {
    pub tick: u64,
    #[serde(flatten)]
    pub event: Event,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Trace {
    pub seed: u64,
    pub nodes: u32,
    pub events: Vec<TraceEvent>,
}

impl Trace {
    pub fn new(seed: u64, nodes: u32) -> Trace {
        Trace {
            seed,
            nodes,
            events: Vec::new(),
        }
    }

    pub fn push(&mut self, tick: u64, event: Event) {
        self.events.push(TraceEvent { tick, event });
    }

    /// The first `len` events (a run up to a point, e.g. where a question was asked).
    pub fn prefix(&self, len: usize) -> Trace {
        Trace {
            seed: self.seed,
            nodes: self.nodes,
            events: self.events[..len.min(self.events.len())].to_vec(),
        }
    }

    /// Notes in order, with the node that wrote them.
    pub fn notes(&self) -> impl Iterator<Item = (u64, NodeId, &Note)> {
        self.events.iter().filter_map(|e| match &e.event {
            Event::Note { node, note, .. } => Some((e.tick, *node, note)),
            _ => None,
        })
    }
}
