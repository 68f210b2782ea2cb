//! A cluster of nodes on a simulated network, driven tick by tick or message by message,
//! with every invariant checked after every step. Deterministic from its seed.

use serde::Serialize;

use super::invariants::{Checker, Violation};
use super::message::{Envelope, Index, NodeId};
use super::network::{Filter, Network, NetworkConfig, Sent};
use super::node::{MAX_NODES, Node, NodeConfig, NodeState, Output, Role, StateError};
use super::trace::{DropReason, Event, NodeStatus, Trace};
use super::view::NodeView;

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterConfig {
    pub nodes: u32,
    pub seed: u64,
    pub node: NodeConfig,
    pub network: NetworkConfig,
    /// Record a [`Trace`] (costs a copy of every message).
    pub trace: bool,
}

impl ClusterConfig {
    pub fn new(nodes: u32, seed: u64) -> ClusterConfig {
        ClusterConfig {
            nodes,
            seed,
            node: NodeConfig::default(),
            network: NetworkConfig::default(),
            trace: false,
        }
    }
}

/// Why a run stopped.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SimError {
    #[error(transparent)]
    Invariant(Box<Violation>),
    #[error("the cluster did not settle: messages were still being exchanged after {0} deliveries")]
    Unsettled(u64),
    #[error("there is no node {0} in this cluster")]
    UnknownNode(NodeId),
}

impl From<Violation> for SimError {
    fn from(violation: Violation) -> SimError {
        SimError::Invariant(Box::new(violation))
    }
}

/// A cluster configuration or state that cannot be simulated.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SetupError {
    #[error("a cluster has 1 to {MAX_NODES} nodes, not {0}")]
    Size(u32),
    #[error("expected a state for each of the {expected} nodes, got {got}")]
    States { expected: u32, got: usize },
    #[error(transparent)]
    State(#[from] StateError),
    #[error("the declared state breaks an invariant: {0}")]
    Invariant(Box<Violation>),
}

/// Counters of a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    /// Node steps: messages delivered plus node ticks.
    pub steps: u64,
    pub delivered: u64,
    pub dropped: u64,
    pub proposals_accepted: u64,
    pub proposals_refused: u64,
}

#[derive(Clone, Debug)]
pub struct Cluster {
    config: ClusterConfig,
    nodes: Vec<Node>,
    crashed: Vec<bool>,
    network: Network,
    checker: Checker,
    now: u64,
    out: Output,
    trace: Option<Trace>,
    last_statuses: Vec<NodeStatus>,
    stats: Stats,
    failure: Option<SimError>,
}

impl Cluster {
    /// A fresh cluster: every node a follower in term 0 with an empty log.
    pub fn new(config: ClusterConfig) -> Result<Cluster, SetupError> {
        let states = vec![NodeState::default(); config.nodes as usize];
        Cluster::with_states(config, &states)
    }

    /// A cluster whose nodes start in the given states (node i + 1 gets `states[i]`).
    pub fn with_states(config: ClusterConfig, states: &[NodeState]) -> Result<Cluster, SetupError> {
        let n = config.nodes;
        if n == 0 || n > MAX_NODES {
            return Err(SetupError::Size(n));
        }
        if states.len() != n as usize {
            return Err(SetupError::States {
                expected: n,
                got: states.len(),
            });
        }
        let mut nodes = Vec::with_capacity(n as usize);
        for (position, state) in states.iter().enumerate() {
            nodes.push(Node::from_state(
                position as NodeId + 1,
                n,
                config.node.clone(),
                config.seed,
                state,
            )?);
        }
        let checker =
            Checker::new(&mut nodes, 0).map_err(|v| SetupError::Invariant(Box::new(v)))?;
        let mut cluster = Cluster {
            network: Network::new(n, config.network.clone(), config.seed),
            trace: config.trace.then(|| Trace::new(config.seed, n)),
            crashed: vec![false; n as usize],
            config,
            nodes,
            checker,
            now: 0,
            out: Output::default(),
            last_statuses: Vec::new(),
            stats: Stats::default(),
            failure: None,
        };
        cluster.snapshot();
        Ok(cluster)
    }

    // ---- Reading ----

    pub fn config(&self) -> &ClusterConfig {
        &self.config
    }

    pub fn size(&self) -> u32 {
        self.config.nodes
    }

    pub fn now(&self) -> u64 {
        self.now
    }

    /// Node `id` (1..=N; panics outside the cluster, like slice indexing).
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id as usize - 1]
    }

    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    pub fn is_crashed(&self, id: NodeId) -> bool {
        self.is_node(id) && self.crashed[id as usize - 1]
    }

    pub fn network(&self) -> &Network {
        &self.network
    }

    pub fn stats(&self) -> Stats {
        self.stats
    }

    pub fn trace(&self) -> Option<&Trace> {
        self.trace.as_ref()
    }

    pub fn take_trace(&mut self) -> Option<Trace> {
        self.trace.take()
    }

    /// The error that stopped the run, if any; every later call returns it again.
    pub fn failure(&self) -> Option<&SimError> {
        self.failure.as_ref()
    }

    /// The live leader with the highest term, if any.
    pub fn leader(&self) -> Option<NodeId> {
        self.nodes
            .iter()
            .filter(|node| node.role() == Role::Leader && !self.is_crashed(node.id()))
            .max_by_key(|node| node.term())
            .map(Node::id)
    }

    /// Every node as the pictures of a cluster draw it.
    pub fn views(&self) -> Vec<NodeView> {
        self.nodes
            .iter()
            .map(|node| NodeView::of(node, self.is_crashed(node.id())))
            .collect()
    }

    /// Every node's role, term, vote, commitIndex and last entry, as the trace records them.
    pub fn statuses(&self) -> Vec<NodeStatus> {
        self.nodes
            .iter()
            .map(|node| NodeStatus {
                id: node.id(),
                role: node.role(),
                term: node.term(),
                voted_for: node.voted_for(),
                commit_index: node.commit_index(),
                last_index: node.log().last_index(),
                last_term: node.log().last_term(),
                crashed: self.is_crashed(node.id()),
            })
            .collect()
    }

    // ---- Driving ----

    /// Advances time by one tick: every live node ticks, then every message due arrives.
    pub fn tick(&mut self) -> Result<(), SimError> {
        self.ensure_running()?;
        self.now += 1;
        for index in 0..self.nodes.len() {
            if self.crashed[index] {
                continue;
            }
            self.out.clear();
            self.nodes[index].tick(&mut self.out);
            self.finish_step(index as NodeId + 1, false)?;
        }
        while let Some(message) = self.network.pop_due(self.now) {
            self.deliver(message.envelope)?;
        }
        self.snapshot();
        Ok(())
    }

    pub fn run_ticks(&mut self, ticks: u64) -> Result<(), SimError> {
        for _ in 0..ticks {
            self.tick()?;
        }
        Ok(())
    }

    /// Delivers `envelope` to its receiver now, bypassing the network (a scenario's `send`).
    pub fn inject(&mut self, envelope: Envelope) -> Result<(), SimError> {
        self.ensure_running()?;
        self.known(envelope.from)?;
        self.known(envelope.to)?;
        self.deliver_to_node(envelope)
    }

    /// Delivers the messages now in flight that match `filter`, in send order, whatever
    /// their delivery tick. Replies they cause stay in flight. Returns how many arrived.
    pub fn deliver_pending(&mut self, filter: &Filter) -> Result<u64, SimError> {
        self.ensure_running()?;
        let before = self.stats.delivered;
        for message in self.network.take_matching(filter) {
            self.deliver(message.envelope)?;
        }
        Ok(self.stats.delivered - before)
    }

    /// Discards the messages in flight that match `filter`.
    pub fn drop_pending(&mut self, filter: &Filter) -> Result<u64, SimError> {
        self.ensure_running()?;
        let dropped = self.network.take_matching(filter);
        let count = dropped.len() as u64;
        for message in dropped {
            self.record_drop(message.envelope, DropReason::Script);
        }
        Ok(count)
    }

    /// Delivers messages, replies included, until none is in flight, without ticking.
    pub fn stabilize(&mut self, max_deliveries: u64) -> Result<u64, SimError> {
        self.ensure_running()?;
        let mut count = 0;
        while let Some(message) = self.network.pop_next() {
            if count == max_deliveries {
                let error = SimError::Unsettled(count);
                self.failure = Some(error.clone());
                return Err(error);
            }
            count += 1;
            self.deliver(message.envelope)?;
        }
        Ok(count)
    }

    /// The node's timer fires now: election for a follower or candidate, heartbeats for
    /// a leader. Ignored for a crashed node.
    pub fn time_out(&mut self, id: NodeId) -> Result<(), SimError> {
        self.ensure_running()?;
        self.known(id)?;
        if self.is_crashed(id) {
            return Ok(());
        }
        self.out.clear();
        self.nodes[id as usize - 1].time_out(&mut self.out);
        self.finish_step(id, false)?;
        self.snapshot();
        Ok(())
    }

    /// A client command sent to `to`, or to the current leader. Returns the new entry's
    /// index, or None if the node is not the leader (or there is none).
    pub fn propose(
        &mut self,
        to: Option<NodeId>,
        command: &str,
    ) -> Result<Option<Index>, SimError> {
        self.ensure_running()?;
        if let Some(id) = to {
            self.known(id)?;
        }
        let target = to.or_else(|| self.leader());
        let mut index = None;
        let live = target.filter(|&id| !self.is_crashed(id));
        if let Some(id) = live {
            self.out.clear();
            index = self.nodes[id as usize - 1].propose(command, &mut self.out);
        }
        if index.is_some() {
            self.stats.proposals_accepted += 1;
        } else {
            self.stats.proposals_refused += 1;
        }
        self.record(Event::Proposal {
            node: target,
            command: command.to_owned(),
            index,
        });
        if let Some(id) = live {
            self.finish_step(id, false)?;
        }
        self.snapshot();
        Ok(index)
    }

    /// The node stops: it neither ticks nor receives until restarted. Its state stays.
    pub fn crash(&mut self, id: NodeId) {
        if !self.is_node(id) {
            return;
        }
        self.crashed[id as usize - 1] = true;
        self.record(Event::Crash { node: id });
        self.snapshot();
    }

    /// A crashed node comes back with its persistent state (term, vote, log) only.
    pub fn restart(&mut self, id: NodeId) -> Result<(), SimError> {
        self.ensure_running()?;
        self.known(id)?;
        self.crashed[id as usize - 1] = false;
        self.record(Event::Restart { node: id });
        self.out.clear();
        self.nodes[id as usize - 1].restart(&mut self.out);
        self.finish_step(id, true)?;
        self.snapshot();
        Ok(())
    }

    /// Nodes talk only within their group; nodes in no group form one more group. Ids
    /// outside the cluster are ignored here and in the other network faults.
    pub fn partition(&mut self, groups: &[Vec<NodeId>]) {
        let groups: Vec<Vec<NodeId>> = groups
            .iter()
            .map(|group| {
                group
                    .iter()
                    .copied()
                    .filter(|&id| self.is_node(id))
                    .collect()
            })
            .collect();
        let groups = groups.as_slice();
        self.network.partition(groups);
        let mut listed: Vec<Vec<NodeId>> = groups.to_vec();
        let rest: Vec<NodeId> = (1..=self.size())
            .filter(|id| !groups.iter().any(|group| group.contains(id)))
            .collect();
        if !rest.is_empty() {
            listed.push(rest);
        }
        self.record(Event::Partition { groups: listed });
    }

    /// Both directions between `a` and `b` lose every message.
    pub fn cut(&mut self, a: NodeId, b: NodeId) {
        if !self.is_node(a) || !self.is_node(b) {
            return;
        }
        self.network.cut(a, b);
        self.record(Event::Cut { a, b });
    }

    /// Cuts every link of `id`.
    pub fn isolate(&mut self, id: NodeId) {
        if !self.is_node(id) {
            return;
        }
        self.network.isolate(id);
        let rest = (1..=self.size()).filter(|&other| other != id).collect();
        self.record(Event::Partition {
            groups: vec![vec![id], rest],
        });
    }

    /// Messages from `from` to `to` are lost with this probability.
    pub fn drop_link(&mut self, from: NodeId, to: NodeId, probability: f64) {
        if !self.is_node(from) || !self.is_node(to) {
            return;
        }
        self.network.set_drop(from, to, probability);
        self.record(Event::LinkDrop {
            from,
            to,
            probability,
        });
    }

    pub fn set_latency(&mut self, from: NodeId, to: NodeId, min: u64, max: u64) {
        if !self.is_node(from) || !self.is_node(to) {
            return;
        }
        self.network.set_latency(from, to, min, max);
    }

    /// Removes partitions, cut links and per-link loss.
    pub fn heal(&mut self) {
        self.network.heal();
        self.record(Event::Heal);
    }

    /// Adds a marker to the trace (scenario scripts mark each command).
    pub fn mark(&mut self, line: u32, text: &str) {
        self.record(Event::Script {
            line,
            text: text.to_owned(),
        });
    }

    // ---- Internals ----

    fn known(&self, id: NodeId) -> Result<(), SimError> {
        if id == 0 || id > self.size() {
            return Err(SimError::UnknownNode(id));
        }
        Ok(())
    }

    fn is_node(&self, id: NodeId) -> bool {
        id >= 1 && id <= self.size()
    }

    fn ensure_running(&self) -> Result<(), SimError> {
        match &self.failure {
            Some(error) => Err(error.clone()),
            None => Ok(()),
        }
    }

    fn record(&mut self, event: Event) {
        if let Some(trace) = &mut self.trace {
            trace.push(self.now, event);
        }
    }

    fn record_drop(&mut self, message: Envelope, reason: DropReason) {
        self.stats.dropped += 1;
        self.record(Event::Dropped { message, reason });
    }

    fn deliver(&mut self, envelope: Envelope) -> Result<(), SimError> {
        if self.is_crashed(envelope.to) {
            self.record_drop(envelope, DropReason::Crashed);
            return Ok(());
        }
        if self.network.blocked(envelope.from, envelope.to) {
            self.record_drop(envelope, DropReason::Partitioned);
            return Ok(());
        }
        self.deliver_to_node(envelope)
    }

    fn deliver_to_node(&mut self, envelope: Envelope) -> Result<(), SimError> {
        let to = envelope.to;
        self.stats.delivered += 1;
        self.out.clear();
        self.nodes[to as usize - 1].step(envelope.from, &envelope.message, &mut self.out);
        if self.trace.is_some() {
            self.record(Event::Delivered { message: envelope });
        }
        self.finish_step(to, false)?;
        if self.trace.is_some() {
            self.snapshot();
        }
        Ok(())
    }

    /// Records the step's notes, checks the invariants, and sends its messages.
    fn finish_step(&mut self, id: NodeId, restarted: bool) -> Result<(), SimError> {
        self.stats.steps += 1;
        if let Some(trace) = &mut self.trace {
            for note in self.out.notes.drain(..) {
                let why = note.to_string();
                trace.push(
                    self.now,
                    Event::Note {
                        node: id,
                        note,
                        why,
                    },
                );
            }
        }
        if let Err(violation) =
            self.checker
                .after_step(&mut self.nodes[id as usize - 1], self.now, restarted)
        {
            let error = SimError::from(violation);
            self.failure = Some(error.clone());
            self.snapshot();
            return Err(error);
        }
        let mut messages = std::mem::take(&mut self.out.messages);
        for envelope in messages.drain(..) {
            let copy = self.trace.is_some().then(|| envelope.clone());
            let sent = self.network.send(envelope, self.now);
            let Some(message) = copy else {
                if !matches!(sent, Sent::Queued { .. }) {
                    self.stats.dropped += 1;
                }
                continue;
            };
            match sent {
                Sent::Queued { deliver_at } => self.record(Event::Sent {
                    message,
                    deliver_at: Some(deliver_at),
                }),
                Sent::Lost | Sent::Partitioned => {
                    let reason = if matches!(sent, Sent::Lost) {
                        DropReason::Lost
                    } else {
                        DropReason::Partitioned
                    };
                    self.record(Event::Sent {
                        message: message.clone(),
                        deliver_at: None,
                    });
                    self.record_drop(message, reason);
                }
            }
        }
        self.out.messages = messages;
        Ok(())
    }

    /// Records the nodes' views if they changed since the last snapshot.
    fn snapshot(&mut self) {
        if self.trace.is_none() {
            return;
        }
        let statuses = self.statuses();
        if statuses != self.last_statuses {
            self.last_statuses = statuses.clone();
            self.record(Event::State { nodes: statuses });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::message::{Message, RequestVote};

    #[test]
    fn unknown_nodes_are_errors_or_ignored_never_panics() {
        let mut cluster = Cluster::new(ClusterConfig::new(3, 1)).unwrap();
        let message = Message::RequestVote(RequestVote {
            term: 1,
            candidate_id: 9,
            last_log_index: 0,
            last_log_term: 0,
        });
        let envelope = Envelope {
            from: 9,
            to: 1,
            message,
        };
        assert_eq!(cluster.inject(envelope), Err(SimError::UnknownNode(9)));
        assert_eq!(cluster.time_out(0), Err(SimError::UnknownNode(0)));
        assert_eq!(cluster.propose(Some(4), "x"), Err(SimError::UnknownNode(4)));
        cluster.crash(7);
        cluster.isolate(0);
        cluster.partition(&[vec![1, 8]]);
        assert!(!cluster.is_crashed(7));
        cluster.run_ticks(40).unwrap();
        assert!(cluster.leader().is_some(), "the cluster still works");
    }

    #[test]
    fn messages_claiming_to_come_from_the_receiver_are_ignored() {
        let mut cluster = Cluster::new(ClusterConfig::new(3, 1)).unwrap();
        let message = Message::RequestVote(RequestVote {
            term: 5,
            candidate_id: 1,
            last_log_index: 0,
            last_log_term: 0,
        });
        cluster
            .inject(Envelope {
                from: 1,
                to: 1,
                message,
            })
            .unwrap();
        assert_eq!(cluster.node(1).term(), 0);
    }

    fn elected(nodes: u32, seed: u64) -> Cluster {
        let mut cluster = Cluster::new(ClusterConfig::new(nodes, seed)).unwrap();
        while cluster.leader().is_none() {
            cluster.tick().unwrap();
        }
        cluster
    }

    #[test]
    fn a_cut_link_and_a_lossy_link_lose_messages_until_healed() {
        let mut cluster = elected(3, 4);
        let leader = cluster.leader().unwrap();
        let follower = if leader == 1 { 2 } else { 1 };
        cluster.cut(leader, follower);
        cluster.propose(None, "a").unwrap();
        cluster.run_ticks(5).unwrap();
        assert_eq!(cluster.node(follower).log().last_index(), 0);
        cluster.heal();
        cluster.drop_link(leader, follower, 1.0);
        cluster.run_ticks(5).unwrap();
        assert_eq!(cluster.node(follower).log().last_index(), 0);
        cluster.heal();
        cluster.run_ticks(5).unwrap();
        assert_eq!(cluster.node(follower).log().last_index(), 1);
    }

    #[test]
    fn per_link_latency_delays_delivery() {
        let mut cluster = elected(3, 4);
        let leader = cluster.leader().unwrap();
        let follower = if leader == 1 { 2 } else { 1 };
        cluster.set_latency(leader, follower, 6, 6);
        cluster.propose(None, "a").unwrap();
        cluster.run_ticks(5).unwrap();
        assert_eq!(cluster.node(follower).log().last_index(), 0);
        cluster.tick().unwrap();
        assert_eq!(cluster.node(follower).log().last_index(), 1);
    }
}
