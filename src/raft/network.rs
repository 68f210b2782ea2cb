//! The simulated network: messages in flight with a delivery tick, per-link latency and
//! loss, partitions, cut links. Deterministic: all randomness comes from one seeded stream.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use serde::Serialize;

use super::message::{Envelope, MessageKind, NodeId};
use crate::rng::SplitMix64;

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkConfig {
    /// Ticks a message takes, drawn uniformly from [min, max] per message; 0 delivers in
    /// the tick it was sent.
    pub latency_min: u64,
    pub latency_max: u64,
    /// Probability that a message is lost.
    pub drop: f64,
}

impl Default for NetworkConfig {
    fn default() -> NetworkConfig {
        NetworkConfig {
            latency_min: 1,
            latency_max: 1,
            drop: 0.0,
        }
    }
}

#[derive(Clone, Debug)]
pub struct InFlight {
    pub deliver_at: u64,
    pub seq: u64,
    pub envelope: Envelope,
}

// Earliest delivery first, then send order: a min-heap through reversed Ord.
impl Ord for InFlight {
    fn cmp(&self, other: &Self) -> Ordering {
        (other.deliver_at, other.seq).cmp(&(self.deliver_at, self.seq))
    }
}

impl PartialOrd for InFlight {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for InFlight {
    fn eq(&self, other: &Self) -> bool {
        (self.deliver_at, self.seq) == (other.deliver_at, other.seq)
    }
}

impl Eq for InFlight {}

#[derive(Clone, Copy, Debug, Default)]
struct Link {
    cut: bool,
    drop: Option<f64>,
    latency: Option<(u64, u64)>,
}

/// Which messages a script's `deliver` or `drop` applies to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    pub from: Option<NodeId>,
    pub to: Option<NodeId>,
    pub kind: Option<MessageKind>,
}

impl Filter {
    pub fn matches(&self, envelope: &Envelope) -> bool {
        self.from.is_none_or(|from| from == envelope.from)
            && self.to.is_none_or(|to| to == envelope.to)
            && self.kind.is_none_or(|kind| kind == envelope.kind())
    }
}

#[derive(Clone, Debug)]
pub struct Network {
    nodes: u32,
    config: NetworkConfig,
    links: Vec<Link>,
    /// Partition group of each node; nodes talk only within a group.
    groups: Vec<u32>,
    in_flight: BinaryHeap<InFlight>,
    rng: SplitMix64,
    seq: u64,
}

pub enum Sent {
    Queued { deliver_at: u64 },
    Lost,
    Partitioned,
}

impl Network {
    pub fn new(nodes: u32, config: NetworkConfig, seed: u64) -> Network {
        Network {
            nodes,
            config,
            links: vec![Link::default(); (nodes * nodes) as usize],
            groups: vec![0; nodes as usize],
            in_flight: BinaryHeap::new(),
            rng: SplitMix64::derive(seed, "network"),
            seq: 0,
        }
    }

    pub fn config(&self) -> &NetworkConfig {
        &self.config
    }

    fn link(&self, from: NodeId, to: NodeId) -> &Link {
        &self.links[((from - 1) * self.nodes + (to - 1)) as usize]
    }

    fn link_mut(&mut self, from: NodeId, to: NodeId) -> &mut Link {
        &mut self.links[((from - 1) * self.nodes + (to - 1)) as usize]
    }

    /// True if a partition or a cut separates `from` and `to`.
    pub fn blocked(&self, from: NodeId, to: NodeId) -> bool {
        self.groups[from as usize - 1] != self.groups[to as usize - 1] || self.link(from, to).cut
    }

    pub fn send(&mut self, envelope: Envelope, now: u64) -> Sent {
        let (from, to) = (envelope.from, envelope.to);
        if self.blocked(from, to) {
            return Sent::Partitioned;
        }
        let link = *self.link(from, to);
        let drop = link.drop.unwrap_or(self.config.drop);
        if drop > 0.0 && self.rng.chance(drop) {
            return Sent::Lost;
        }
        let (low, high) = link
            .latency
            .unwrap_or((self.config.latency_min, self.config.latency_max));
        let latency = if high > low {
            self.rng.range(low, high + 1)
        } else {
            low
        };
        let deliver_at = now + latency;
        self.seq += 1;
        self.in_flight.push(InFlight {
            deliver_at,
            seq: self.seq,
            envelope,
        });
        Sent::Queued { deliver_at }
    }

    /// The next message due at or before `now`.
    pub fn pop_due(&mut self, now: u64) -> Option<InFlight> {
        if self.in_flight.peek()?.deliver_at <= now {
            self.in_flight.pop()
        } else {
            None
        }
    }

    /// The next message in delivery order, whatever its delivery tick.
    pub fn pop_next(&mut self) -> Option<InFlight> {
        self.in_flight.pop()
    }

    /// Removes and returns the messages in flight that match, in send order.
    pub fn take_matching(&mut self, filter: &Filter) -> Vec<InFlight> {
        let mut taken = Vec::new();
        let mut kept = Vec::new();
        for message in std::mem::take(&mut self.in_flight).into_vec() {
            if filter.matches(&message.envelope) {
                taken.push(message);
            } else {
                kept.push(message);
            }
        }
        self.in_flight = BinaryHeap::from(kept);
        taken.sort_by_key(|message| message.seq);
        taken
    }

    pub fn in_flight(&self) -> usize {
        self.in_flight.len()
    }

    /// Messages in flight, in send order.
    pub fn pending(&self) -> Vec<&InFlight> {
        let mut pending: Vec<&InFlight> = self.in_flight.iter().collect();
        pending.sort_by_key(|message| message.seq);
        pending
    }

    /// Splits the cluster: nodes talk only within their group. Nodes in no group form one
    /// more group together.
    pub fn partition(&mut self, groups: &[Vec<NodeId>]) {
        self.groups.fill(0);
        for (number, group) in groups.iter().enumerate() {
            for &node in group {
                self.groups[node as usize - 1] = number as u32 + 1;
            }
        }
    }

    /// Both directions between `a` and `b` lose every message.
    pub fn cut(&mut self, a: NodeId, b: NodeId) {
        self.link_mut(a, b).cut = true;
        self.link_mut(b, a).cut = true;
    }

    /// Cuts every link of `node`.
    pub fn isolate(&mut self, node: NodeId) {
        for other in 1..=self.nodes {
            if other != node {
                self.cut(node, other);
            }
        }
    }

    /// Loss probability of one direction of one link.
    pub fn set_drop(&mut self, from: NodeId, to: NodeId, probability: f64) {
        self.link_mut(from, to).drop = Some(probability);
    }

    pub fn set_latency(&mut self, from: NodeId, to: NodeId, min: u64, max: u64) {
        self.link_mut(from, to).latency = Some((min, max.max(min)));
    }

    /// Removes partitions, cuts, and per-link loss overrides; latencies stay.
    pub fn heal(&mut self) {
        self.groups.fill(0);
        for link in &mut self.links {
            link.cut = false;
            link.drop = None;
        }
    }

    /// Whether every node can reach every other (no partition, no cut).
    pub fn is_whole(&self) -> bool {
        self.groups.iter().all(|&g| g == self.groups[0]) && self.links.iter().all(|l| !l.cut)
    }
}
