//! Reaching cluster states by running the simulator: elections, replication to chosen
//! nodes, failed elections, all driven message by message with partitions deciding who hears
//! what. Whatever state a generator asks about was produced here, so Raft can be in it.
//!
//! Time does not pass (no ticks): elections happen because a node's timer is made to fire
//! (`time_out`), and everything in flight is delivered at once (`stabilize`). Between steps
//! the network is healed, so a message lost to a partition stays lost, as on a real network.

use crate::raft::{
    Cluster, ClusterConfig, Envelope, Filter, Index, Log, Message, MessageKind, NodeId, NodeState,
    RequestVote, Role, SimError, Term,
};
use crate::rng::SplitMix64;

/// Deliveries one `stabilize` may take; the histories here need a few hundred at most.
const SETTLE_LIMIT: u64 = 10_000;

/// Timers long enough never to fire on their own: histories do not tick.
const QUIET_TIMEOUT: u64 = 1_000_000;

#[derive(Clone, Debug)]
pub struct History {
    pub cluster: Cluster,
    proposals: u64,
}

impl History {
    /// A fresh cluster of `nodes` followers in term 0.
    pub fn new(nodes: u32) -> History {
        History::with_max_entries(nodes, 64)
    }

    /// As [`History::new`], with leaders sending at most `max_entries` entries per
    /// AppendEntries (the script option `max-entries`).
    pub fn with_max_entries(nodes: u32, max_entries: u64) -> History {
        let mut config = ClusterConfig::new(nodes, 0);
        config.trace = false;
        config.node.max_entries_per_append = max_entries.max(1);
        let state = NodeState {
            election_timeout: Some(QUIET_TIMEOUT),
            ..NodeState::default()
        };
        let states = vec![state; nodes as usize];
        // A fresh cluster of 1..=64 nodes in the default state always sets up.
        let cluster = Cluster::with_states(config, &states)
            .unwrap_or_else(|error| panic!("a fresh {nodes}-node cluster: {error}"));
        History {
            cluster,
            proposals: 0,
        }
    }

    /// A cluster of `size` nodes whose ids come back in a random order: the first was
    /// elected by all the others and replicated one or two entries to them.
    pub fn established(rng: &mut SplitMix64, size: u32) -> (History, Vec<NodeId>) {
        let mut history = History::new(size);
        let mut ids: Vec<NodeId> = (1..=size).collect();
        shuffle(rng, &mut ids);
        history.elect(ids[0], &ids[1..]);
        history.replicate(ids[0], rng.range(1, 3), &ids[1..]);
        (history, ids)
    }

    pub fn size(&self) -> u32 {
        self.cluster.size()
    }

    pub fn ids(&self) -> Vec<NodeId> {
        (1..=self.size()).collect()
    }

    pub fn term(&self, id: NodeId) -> Term {
        self.cluster.node(id).term()
    }

    pub fn role(&self, id: NodeId) -> Role {
        self.cluster.node(id).role()
    }

    pub fn log(&self, id: NodeId) -> &Log {
        self.cluster.node(id).log()
    }

    pub fn last(&self, id: NodeId) -> (Term, Index) {
        let log = self.log(id);
        (log.last_term(), log.last_index())
    }

    /// True if `a`'s log is at least as up to date as `b`'s (§5.4.1).
    pub fn up_to_date(&self, a: NodeId, b: NodeId) -> bool {
        self.last(a) >= self.last(b)
    }

    fn check(result: Result<(), SimError>) {
        // Histories only use nodes of the cluster and settle quickly; a failure is a
        // broken invariant, a bug in the simulator that must not go unnoticed.
        if let Err(error) = result {
            panic!("history step failed: {error}");
        }
    }

    /// `node`'s timer fires while it is cut off: it becomes candidate of the next term and
    /// nobody hears it. Terms grow without a leader, as after a lost election. A leader has
    /// no election timer, so nothing happens to one.
    pub fn failed_election(&mut self, node: NodeId) {
        if self.role(node) == Role::Leader {
            return;
        }
        self.cluster.isolate(node);
        Self::check(self.cluster.time_out(node));
        self.cluster.heal();
    }

    /// Failed elections until `node`'s term is at least `term`.
    pub fn raise_term(&mut self, node: NodeId, term: Term) {
        while self.term(node) < term && self.role(node) != Role::Leader {
            self.failed_election(node);
        }
    }

    /// `candidate` runs for election, heard only by `voters`; returns whether it won. Its
    /// term is first raised (by failed elections) past every voter's, so that voters judge
    /// it on its log. A winner's first AppendEntries repair the voters' logs to its own.
    pub fn elect(&mut self, candidate: NodeId, voters: &[NodeId]) -> bool {
        if self.role(candidate) == Role::Leader {
            return false;
        }
        let highest = voters.iter().map(|&v| self.term(v)).max().unwrap_or(0);
        self.raise_term(candidate, highest);
        self.within(candidate, voters, |cluster| cluster.time_out(candidate));
        self.role(candidate) == Role::Leader
    }

    /// `leader` steps down (if it leads) and is elected again by the nodes that would vote
    /// for it, except `absent`, so it knows nothing of `absent`'s log. Returns the voters,
    /// or None if they do not make it leader.
    pub fn reelect_without(&mut self, leader: NodeId, absent: NodeId) -> Option<Vec<NodeId>> {
        self.step_down(leader);
        let voters: Vec<NodeId> = self
            .possible_voters(leader)
            .into_iter()
            .filter(|&v| v != absent)
            .collect();
        self.elect(leader, &voters).then_some(voters)
    }

    /// Nodes whose logs `candidate`'s is at least as up to date as (its possible voters).
    pub fn possible_voters(&self, candidate: NodeId) -> Vec<NodeId> {
        self.ids()
            .into_iter()
            .filter(|&v| v != candidate && self.up_to_date(candidate, v))
            .collect()
    }

    /// Elects `candidate` with a random majority of the nodes that would vote for it;
    /// false (and nothing happens) if too few would.
    pub fn elect_with_majority(&mut self, rng: &mut SplitMix64, candidate: NodeId) -> bool {
        let mut voters = self.possible_voters(candidate);
        let needed = (self.size() / 2) as usize; // the candidate votes for itself
        if voters.len() < needed {
            return false;
        }
        shuffle(rng, &mut voters);
        let extra = rng.range(0, (voters.len() - needed) as u64 + 1) as usize;
        voters.truncate(needed + extra);
        self.elect(candidate, &voters)
    }

    /// The leader proposes `count` commands, heard only by `reach`; they repair their logs
    /// to the leader's, append, acknowledge, and learn the new commitIndex.
    pub fn replicate(&mut self, leader: NodeId, count: u64, reach: &[NodeId]) {
        self.within(leader, reach, |cluster| {
            for _ in 0..count {
                cluster.propose(Some(leader), "")?;
            }
            Ok(())
        });
    }

    /// The leader's heartbeat, heard only by `reach` (it spreads commitIndex and repairs).
    pub fn heartbeat(&mut self, leader: NodeId, reach: &[NodeId]) {
        self.within(leader, reach, |cluster| cluster.time_out(leader));
    }

    /// Runs `step` with only `node` and `group` connected, delivers everything, heals.
    fn within(
        &mut self,
        node: NodeId,
        group: &[NodeId],
        step: impl FnOnce(&mut Cluster) -> Result<(), SimError>,
    ) {
        let mut members = vec![node];
        members.extend(group.iter().copied().filter(|&id| id != node));
        self.cluster.partition(&[members]);
        Self::check(step(&mut self.cluster));
        Self::check(self.cluster.stabilize(SETTLE_LIMIT).map(|_| ()));
        self.cluster.heal();
    }

    /// Runs `body` with only `starter` and `other` connected, just after `starter`'s timer
    /// fires (a candidate's RequestVote, a leader's heartbeat); then whatever is still in
    /// flight is lost and the network heals.
    fn exchange<T>(
        &mut self,
        starter: NodeId,
        other: NodeId,
        body: impl FnOnce(&mut History) -> T,
    ) -> T {
        self.cluster.partition(&[vec![starter, other]]);
        Self::check(self.cluster.time_out(starter));
        let result = body(self);
        self.lose(&Filter::default());
        self.cluster.heal();
        result
    }

    fn deliver(&mut self, filter: &Filter) {
        Self::check(self.cluster.deliver_pending(filter).map(|_| ()));
    }

    fn lose(&mut self, filter: &Filter) {
        Self::check(self.cluster.drop_pending(filter).map(|_| ()));
    }

    /// The last message in flight that matches `filter`.
    fn newest(&self, filter: &Filter) -> Option<Envelope> {
        self.cluster
            .network()
            .pending()
            .into_iter()
            .rev()
            .find(|m| filter.matches(&m.envelope))
            .map(|m| m.envelope.clone())
    }

    /// The last message in flight that matches `filter`, removed from the network with
    /// everything else that matches.
    fn take(&mut self, filter: Filter) -> Option<Envelope> {
        let taken = self.newest(&filter);
        self.lose(&filter);
        taken
    }

    /// `candidate` times out and only `voter` hears its RequestVote; the answer is lost, so
    /// the candidate stays candidate. The voter adopts the new term (a leader steps down)
    /// and grants or refuses; its log is untouched.
    pub fn heard_campaign(&mut self, candidate: NodeId, voter: NodeId) {
        if self.role(candidate) == Role::Leader || candidate == voter {
            return;
        }
        self.exchange(candidate, voter, |h| {
            h.deliver(&link(candidate, voter, MessageKind::RequestVote))
        });
    }

    /// The leader's heartbeat reaches `follower` (and no one else); refusals go back so the
    /// leader backs off and retries, until the follower accepts. Returns that acceptance,
    /// which is left undelivered (in flight, as far as Raft can tell), or None if the leader
    /// is not a leader or the follower never accepts.
    pub fn held_acceptance(&mut self, leader: NodeId, follower: NodeId) -> Option<Envelope> {
        if self.role(leader) != Role::Leader || leader == follower {
            return None;
        }
        self.exchange(leader, follower, |h| {
            h.back_off_to_acceptance(leader, follower)?;
            h.deliver(&link(leader, follower, MessageKind::AppendEntries));
            h.newest(&link(follower, leader, MessageKind::AppendEntriesResponse))
        })
    }

    /// `candidate` times out with only `to` connected; returns its RequestVote to `to`,
    /// undelivered.
    pub fn capture_request_vote(&mut self, candidate: NodeId, to: NodeId) -> Option<Envelope> {
        if self.role(candidate) == Role::Leader || candidate == to {
            return None;
        }
        self.exchange(candidate, to, |h| {
            h.take(link(candidate, to, MessageKind::RequestVote))
        })
    }

    /// The leader's heartbeat to `to`, undelivered.
    pub fn capture_heartbeat(&mut self, leader: NodeId, to: NodeId) -> Option<Envelope> {
        if self.role(leader) != Role::Leader || leader == to {
            return None;
        }
        self.exchange(leader, to, |h| {
            h.take(link(leader, to, MessageKind::AppendEntries))
        })
    }

    /// `candidate` runs for election heard by `from` and `others`; `from`'s answer is
    /// returned undelivered, the others' are delivered (the candidate may win).
    pub fn capture_vote_response(
        &mut self,
        candidate: NodeId,
        from: NodeId,
        others: &[NodeId],
    ) -> Option<Envelope> {
        if self.role(candidate) == Role::Leader || candidate == from {
            return None;
        }
        let others: Vec<NodeId> = others
            .iter()
            .copied()
            .filter(|&o| o != candidate && o != from)
            .collect();
        let members = [&[candidate, from][..], &others].concat();
        self.cluster.partition(&[members]);
        Self::check(self.cluster.time_out(candidate));
        self.deliver(&Filter {
            from: Some(candidate),
            to: None,
            kind: Some(MessageKind::RequestVote),
        });
        let taken = self.take(link(from, candidate, MessageKind::RequestVoteResponse));
        // The answer is delayed and `from` out of reach while the election finishes.
        self.cluster
            .partition(&[[&[candidate][..], &others].concat()]);
        Self::check(self.cluster.stabilize(SETTLE_LIMIT).map(|_| ()));
        self.cluster.heal();
        taken
    }

    /// The leader's heartbeat reaches `from`; `from`'s answer is returned undelivered.
    pub fn capture_append_response(&mut self, leader: NodeId, from: NodeId) -> Option<Envelope> {
        if self.role(leader) != Role::Leader || leader == from {
            return None;
        }
        self.exchange(leader, from, |h| {
            h.deliver(&link(leader, from, MessageKind::AppendEntries));
            h.take(link(from, leader, MessageKind::AppendEntriesResponse))
        })
    }

    /// The leader's AppendEntries to `follower` that the follower will accept: refusals
    /// are delivered back (the leader backs off) until the next request passes the
    /// consistency check; that one is returned undelivered.
    pub fn capture_first_accepted(&mut self, leader: NodeId, follower: NodeId) -> Option<Envelope> {
        if self.role(leader) != Role::Leader || leader == follower {
            return None;
        }
        self.exchange(leader, follower, |h| {
            h.back_off_to_acceptance(leader, follower)
        })
    }

    /// Within an [`exchange`](Self::exchange) the leader started: delivers its requests to
    /// `follower` and the refusals back (the leader backs off by one each time) until the
    /// request in flight is one the follower accepts, and returns it, undelivered. None if
    /// the leader steps down or the follower never accepts.
    fn back_off_to_acceptance(&mut self, leader: NodeId, follower: NodeId) -> Option<Envelope> {
        let request = link(leader, follower, MessageKind::AppendEntries);
        let response = link(follower, leader, MessageKind::AppendEntriesResponse);
        for _ in 0..=self.log(leader).last_index() + 1 {
            let next = self.newest(&request)?;
            // What the follower would answer, asked of a copy of it.
            let mut copy = self.cluster.node(follower).clone();
            let mut out = crate::raft::Output::default();
            copy.step(leader, &next.message, &mut out);
            let passes = out.messages.iter().any(
                |reply| matches!(&reply.message, Message::AppendEntriesResponse(r) if r.success),
            );
            if passes {
                return Some(next);
            }
            self.deliver(&request);
            self.deliver(&response);
            if self.role(leader) != Role::Leader {
                return None;
            }
        }
        None
    }

    /// Makes `node` a follower in exactly term `term` (above its own): another node's
    /// election in that term reaches it. False if no node can run for that term.
    pub fn follower_at(&mut self, node: NodeId, term: Term, avoid: &[NodeId]) -> bool {
        if self.term(node) >= term {
            return self.term(node) == term && self.role(node) == Role::Follower;
        }
        let runner = self.ids().into_iter().find(|&id| {
            id != node
                && !avoid.contains(&id)
                && self.role(id) != Role::Leader
                && self.term(id) < term
        });
        let Some(runner) = runner else {
            return false;
        };
        self.raise_term(runner, term - 1);
        self.heard_campaign(runner, node);
        self.term(node) == term && self.role(node) == Role::Follower
    }

    /// Makes `node` a candidate in exactly term `term` (above its own).
    pub fn candidate_at(&mut self, node: NodeId, term: Term) -> bool {
        self.step_down(node);
        self.raise_term(node, term);
        self.term(node) == term && self.role(node) == Role::Candidate
    }

    /// Makes `node` the leader of exactly term `term` (above its own), elected by nodes of
    /// lower terms whose logs its log is at least as up to date as.
    pub fn leader_at(&mut self, node: NodeId, term: Term, avoid: &[NodeId]) -> bool {
        self.step_down(node);
        if self.term(node) >= term {
            return false;
        }
        let voters: Vec<NodeId> = self
            .possible_voters(node)
            .into_iter()
            .filter(|&v| !avoid.contains(&v) && self.term(v) < term)
            .take((self.size() / 2) as usize)
            .collect();
        if voters.len() < (self.size() / 2) as usize {
            return false;
        }
        self.raise_term(node, term - 1);
        self.elect(node, &voters) && self.term(node) == term
    }

    /// A leader of an old term learns a newer one and becomes follower, its log untouched:
    /// another node's election reaches it (and only it). Nothing happens to a non-leader.
    pub fn step_down(&mut self, leader: NodeId) {
        if self.role(leader) != Role::Leader {
            return;
        }
        let other = self
            .ids()
            .into_iter()
            .find(|&id| id != leader && self.role(id) != Role::Leader);
        if let Some(other) = other {
            self.raise_term(other, self.term(leader));
            self.heard_campaign(other, leader);
        }
    }

    /// `node` times out while isolated and returns the RequestVote it sent (lost on the way);
    /// a leader cannot, so it must not be one.
    pub fn campaign_alone(&mut self, node: NodeId) -> Message {
        self.failed_election(node);
        let log = self.log(node);
        Message::RequestVote(RequestVote {
            term: self.term(node),
            candidate_id: node,
            last_log_index: log.last_index(),
            last_log_term: log.last_term(),
        })
    }

    /// Makes `long` end with more entries than `short`, of an older last term: a leader puts
    /// entries on `long` (and no majority), then a later leader, elected without `long`,
    /// puts fewer entries on `short`. Returns that later leader; `others` are the nodes besides
    /// `long` and `short` (one for three nodes, three for five).
    pub fn diverge(
        &mut self,
        rng: &mut SplitMix64,
        long: NodeId,
        short: NodeId,
        others: &[NodeId],
    ) -> Option<NodeId> {
        let many = rng.range(2, 5);
        let few = rng.range(1, many);
        if self.size() == 3 {
            // With three nodes, entries on two would be on a majority: `long` leads alone.
            let third = others[0];
            self.step_down(third);
            if self.role(long) != Role::Leader && !self.elect(long, &[third]) {
                return None;
            }
            self.replicate(long, many, &[]);
            if !self.elect(third, &[short]) {
                return None;
            }
            self.replicate(third, few, &[short]);
            Some(third)
        } else {
            let (first, second) = (others[0], others[1]);
            let electors: Vec<NodeId> = all_but(others, first);
            if self.role(first) != Role::Leader && !self.elect(first, &electors) {
                return None;
            }
            self.replicate(first, many, &[long]);
            let voters: Vec<NodeId> = self
                .ids()
                .into_iter()
                .filter(|&id| id != first && id != long && id != second)
                .collect();
            self.step_down(second);
            if !self.elect(second, &voters) {
                return None;
            }
            self.replicate(second, few, &[short]);
            Some(second)
        }
    }

    /// A leader that has been elected and, perhaps, replicated: the highest-term leader.
    pub fn leader(&self) -> Option<NodeId> {
        self.cluster.leader()
    }

    /// How many commands have been proposed (a history's length, for variety checks).
    pub fn proposals(&self) -> u64 {
        self.proposals
    }

    /// A random history of `rounds` leaderships: each elects a node that can win (after,
    /// perhaps, some failed elections elsewhere) and replicates a few entries to a random
    /// subset, often a minority, so logs diverge as in Figure 7 of the paper.
    pub fn random(rng: &mut SplitMix64, nodes: u32, rounds: u32) -> History {
        let mut history = History::new(nodes);
        for _ in 0..rounds {
            history.random_round(rng);
        }
        history
    }

    pub fn random_round(&mut self, rng: &mut SplitMix64) {
        let ids = self.ids();
        if rng.chance(0.3) {
            let node = ids[rng.range(0, ids.len() as u64) as usize];
            self.failed_election(node);
        }
        let mut candidates: Vec<NodeId> = ids
            .iter()
            .copied()
            .filter(|&c| {
                self.role(c) != Role::Leader
                    && self.possible_voters(c).len() >= (self.size() / 2) as usize
            })
            .collect();
        shuffle(rng, &mut candidates);
        let Some(&leader) = candidates.first() else {
            return;
        };
        if !self.elect_with_majority(rng, leader) {
            return;
        }
        let count = rng.range(0, 4);
        let mut reach: Vec<NodeId> = all_but(&ids, leader);
        shuffle(rng, &mut reach);
        let size = rng.range(0, reach.len() as u64 + 1) as usize;
        reach.truncate(size);
        self.replicate(leader, count, &reach);
        self.proposals += count;
    }
}

/// Messages of `kind` from `from` to `to`.
fn link(from: NodeId, to: NodeId, kind: MessageKind) -> Filter {
    Filter {
        from: Some(from),
        to: Some(to),
        kind: Some(kind),
    }
}

/// Fisher-Yates with our seeded generator.
pub fn shuffle<T>(rng: &mut SplitMix64, items: &mut [T]) {
    for i in (1..items.len()).rev() {
        let j = rng.range(0, i as u64 + 1) as usize;
        items.swap(i, j);
    }
}

/// `ids` without `left_out`, in order.
pub fn all_but(ids: &[NodeId], left_out: NodeId) -> Vec<NodeId> {
    ids.iter().copied().filter(|&id| id != left_out).collect()
}

/// One of `items`, uniformly.
pub fn pick<T: Copy>(rng: &mut SplitMix64, items: &[T]) -> T {
    items[rng.range(0, items.len() as u64) as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elections_and_replication_shape_logs() {
        let mut history = History::new(5);
        assert!(history.elect(1, &[2, 3]));
        history.replicate(1, 2, &[2]);
        assert_eq!(history.log(2).terms(), vec![1, 1]);
        assert!(history.log(3).is_empty());
        // Node 3's vote goes to whoever is at least as up to date; 2 wins with 3 and 4.
        assert!(history.elect(2, &[3, 4]));
        assert_eq!(history.term(2), 2);
        // Its first AppendEntries repaired 3 and 4 to its log.
        assert_eq!(history.log(4).terms(), vec![1, 1]);
        // A node whose log is behind cannot win.
        assert!(!history.elect(5, &[3, 4]));
    }

    #[test]
    fn failed_elections_raise_terms_without_leaders() {
        let mut history = History::new(3);
        history.raise_term(2, 4);
        assert_eq!(history.term(2), 4);
        assert_eq!(history.role(2), Role::Candidate);
        assert_eq!(history.leader(), None);
    }

    #[test]
    fn random_histories_are_deterministic() {
        let a = History::random(&mut SplitMix64::new(5), 5, 4);
        let b = History::random(&mut SplitMix64::new(5), 5, 4);
        for id in 1..=5 {
            assert_eq!(a.log(id).terms(), b.log(id).terms());
            assert_eq!(a.term(id), b.term(id));
        }
    }
}
