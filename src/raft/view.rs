//! A node as every picture of a cluster shows it: plain data read from a [`Node`], drawn by
//! the terminal's log grid (`raft_render`), the quiz and the export's SVG diagrams alike.
//! (The trace records something smaller at every step, [`NodeStatus`](super::NodeStatus).)

use serde::Serialize;

use super::message::{Index, NodeId, Term};
use super::node::{Node, Role};

/// One node: role, term, vote, the terms of its log, commitIndex, whether it is down, a
/// leader's progress per follower, and a fixed election timer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeView {
    pub id: NodeId,
    pub role: Role,
    pub term: Term,
    pub voted_for: Option<NodeId>,
    /// The terms of its log entries, entry 1 first.
    pub log: Vec<Term>,
    pub commit_index: Index,
    pub crashed: bool,
    /// A leader's nextIndex per follower (None for other roles).
    pub next_index: Option<Vec<(NodeId, Index)>>,
    /// A leader's matchIndex per follower (None for other roles).
    pub match_index: Option<Vec<(NodeId, Index)>>,
    /// When the node's election timeout is fixed (a scenario's `timeout`): the timeout and
    /// the ticks already elapsed (it fires after `timeout - elapsed` more ticks without
    /// hearing from a leader or granting a vote). A drawn timeout is not shown: a reader
    /// could not reason from it.
    pub timer: Option<ElectionTimer>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ElectionTimer {
    pub timeout: u64,
    pub elapsed: u64,
}

impl NodeView {
    /// `node` as it stands; `crashed` is its cluster's to say.
    pub fn of(node: &Node, crashed: bool) -> NodeView {
        let leader = node.role() == Role::Leader;
        let progress = |index: fn(&Node, NodeId) -> Option<Index>| {
            leader.then(|| {
                node.peers()
                    .filter_map(|peer| index(node, peer).map(|value| (peer, value)))
                    .collect()
            })
        };
        NodeView {
            id: node.id(),
            role: node.role(),
            term: node.term(),
            voted_for: node.voted_for(),
            log: node.log().terms(),
            commit_index: node.commit_index(),
            crashed,
            next_index: progress(Node::next_index),
            match_index: progress(Node::match_index),
            timer: node.fixed_election_timeout().map(|timeout| ElectionTimer {
                timeout,
                elapsed: node.election_elapsed(),
            }),
        }
    }

    /// A live node with nothing but its role, term, log and commitIndex, for the
    /// renderers' tests.
    #[cfg(test)]
    pub(crate) fn sample(id: NodeId, role: Role, term: Term, log: &[Term], commit: Index) -> Self {
        NodeView {
            id,
            role,
            term,
            voted_for: None,
            log: log.to_vec(),
            commit_index: commit,
            crashed: false,
            next_index: None,
            match_index: None,
            timer: None,
        }
    }
}
