//! One Raft server, exactly as Figure 2 of the paper describes it.
//!
//! A node is driven from outside: [`Node::step`] delivers a message, [`Node::tick`] advances
//! its clock by one tick. Both append the messages to send and a [`Note`] for every change
//! (with the rule that caused it) to an [`Output`], which callers reuse so that the hot path
//! does not allocate. Where the paper leaves a choice, the conventions are those
//! ARCHITECTURE.md lists ("Raft simulator and scenarios"): majority of the full cluster,
//! stale requests refused with our term (switchable to etcd's silent drop), nextIndex backs
//! off by one (switchable to the conflict-term hint), no no-op on election (switchable), a
//! candidate stays candidate until its timer fires or a leader appears.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::log::{Appended, Entry, Log, Mismatch};
use super::message::{
    AppendEntries, AppendEntriesResponse, Envelope, Index, Message, NodeId, RequestVote,
    RequestVoteResponse, Term,
};
use super::note::Note;
use crate::rng::SplitMix64;

/// The largest cluster: votes are kept as bits of a u64.
pub const MAX_NODES: u32 = 64;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Follower,
    Candidate,
    Leader,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Follower => "follower",
            Role::Candidate => "candidate",
            Role::Leader => "leader",
        }
    }

    /// One letter, for the timeline.
    pub fn letter(self) -> char {
        match self {
            Role::Follower => 'F',
            Role::Candidate => 'C',
            Role::Leader => 'L',
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Role, String> {
        match s.to_ascii_lowercase().as_str() {
            "follower" => Ok(Role::Follower),
            "candidate" => Ok(Role::Candidate),
            "leader" => Ok(Role::Leader),
            _ => Err(format!(
                "unknown role `{s}`; expected follower, candidate or leader"
            )),
        }
    }
}

/// What a server does with a request whose term is older than its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StaleRequests {
    /// Reply with a refusal carrying the current term (the paper).
    Refuse,
    /// Drop it without a reply (etcd).
    Drop,
}

/// Per-node protocol settings.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeConfig {
    /// T: a randomised election timeout is drawn from [T, 2T) ticks on every reset.
    pub election_timeout: u64,
    /// A leader sends AppendEntries to every follower this often (ticks), even if empty.
    pub heartbeat_interval: u64,
    pub stale_requests: StaleRequests,
    /// Refusals carry the conflicting term and its first index; the leader skips the term.
    pub conflict_hint: bool,
    /// A new leader appends an empty entry of its term, so earlier entries commit sooner.
    pub noop_on_election: bool,
    /// At most this many entries per AppendEntries.
    pub max_entries_per_append: u64,
}

impl Default for NodeConfig {
    fn default() -> NodeConfig {
        NodeConfig {
            election_timeout: 10,
            heartbeat_interval: 3,
            stale_requests: StaleRequests::Refuse,
            conflict_hint: false,
            noop_on_election: false,
            max_entries_per_append: 64,
        }
    }
}

/// Messages to send and notes of what changed, appended by a step; reuse it across steps.
#[derive(Clone, Debug, Default)]
pub struct Output {
    pub messages: Vec<Envelope>,
    pub notes: Vec<Note>,
}

impl Output {
    pub fn clear(&mut self) {
        self.messages.clear();
        self.notes.clear();
    }
}

/// A node's state as a scenario declares it; everything not given takes the value a fresh
/// server would have.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeState {
    pub role: Role,
    pub term: Term,
    /// None means "the default": the node itself for a leader or candidate, else nobody.
    pub voted_for: Option<Option<NodeId>>,
    pub log: Vec<Entry>,
    pub commit_index: Index,
    /// A fixed election timeout instead of a randomised one.
    pub election_timeout: Option<u64>,
    pub election_elapsed: u64,
    pub next_index: Vec<(NodeId, Index)>,
    pub match_index: Vec<(NodeId, Index)>,
}

impl Default for NodeState {
    fn default() -> NodeState {
        NodeState {
            role: Role::Follower,
            term: 0,
            voted_for: None,
            log: Vec::new(),
            commit_index: 0,
            election_timeout: None,
            election_elapsed: 0,
            next_index: Vec::new(),
            match_index: Vec::new(),
        }
    }
}

#[derive(Clone, Debug)]
enum Timer {
    Randomised(SplitMix64),
    Fixed(u64),
}

#[derive(Clone, Debug)]
pub struct Node {
    id: NodeId,
    cluster: u32,
    config: NodeConfig,
    // Persistent state on all servers (Figure 2).
    term: Term,
    voted_for: Option<NodeId>,
    log: Log,
    // Volatile state on all servers.
    commit_index: Index,
    last_applied: Index,
    role: Role,
    /// The leader this node last heard from in its current term (not in Figure 2; used for
    /// display and for redirecting proposals).
    leader: Option<NodeId>,
    // Candidate state: who granted and who refused, as bits (node id i is bit i-1).
    votes_granted: u64,
    votes_refused: u64,
    // Volatile state on leaders, indexed by node id - 1.
    next_index: Vec<Index>,
    match_index: Vec<Index>,
    /// Highest index already reported as waiting for a current-term entry (Figure 8).
    figure8_noted: Index,
    election_elapsed: u64,
    election_timeout: u64,
    heartbeat_elapsed: u64,
    timer: Timer,
}

/// A declared state that no Raft server could be in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("node {node}: {message}")]
pub struct StateError {
    pub node: NodeId,
    pub message: String,
}

impl Node {
    /// A fresh server: term 0, empty log, follower. Its randomised election timeouts come
    /// from `seed`.
    pub fn new(id: NodeId, cluster: u32, config: NodeConfig, seed: u64) -> Node {
        let rng = SplitMix64::derive(seed, &format!("election-timeouts/{id}"));
        let mut node = Node {
            id,
            cluster,
            config,
            term: 0,
            voted_for: None,
            log: Log::new(),
            commit_index: 0,
            last_applied: 0,
            role: Role::Follower,
            leader: None,
            votes_granted: 0,
            votes_refused: 0,
            next_index: vec![1; cluster as usize],
            match_index: vec![0; cluster as usize],
            figure8_noted: 0,
            election_elapsed: 0,
            election_timeout: 0,
            heartbeat_elapsed: 0,
            timer: Timer::Randomised(rng),
        };
        node.reset_election_timer();
        node
    }

    /// A server in a declared state (scenario scripts). Rejects states Raft cannot reach
    /// locally: decreasing log terms, entries newer than the term, commitIndex past the log,
    /// a leader or candidate that did not vote for itself.
    pub fn from_state(
        id: NodeId,
        cluster: u32,
        config: NodeConfig,
        seed: u64,
        state: &NodeState,
    ) -> Result<Node, StateError> {
        let error = |message: String| StateError { node: id, message };
        let mut node = Node::new(id, cluster, config, seed);
        let mut previous = 0;
        for (position, entry) in state.log.iter().enumerate() {
            if entry.term < previous {
                return Err(error(format!(
                    "log entry {} has term {} after term {previous}: terms in a log never decrease",
                    position + 1,
                    entry.term
                )));
            }
            previous = entry.term;
        }
        if previous > state.term {
            return Err(error(format!(
                "its log holds term {previous} but its currentTerm is {}: a server adopts every term it sees",
                state.term
            )));
        }
        let last = state.log.len() as Index;
        if state.commit_index > last {
            return Err(error(format!(
                "commitIndex {} is past the end of its log ({last})",
                state.commit_index
            )));
        }
        let voted_for = match state.voted_for {
            Some(vote) => vote,
            None if state.role != Role::Follower => Some(id),
            None => None,
        };
        if state.role != Role::Follower {
            if state.term == 0 {
                return Err(error(format!(
                    "a {} has won or started an election, so its term is at least 1",
                    state.role
                )));
            }
            if voted_for != Some(id) {
                return Err(error(format!(
                    "a {} votes for itself in its term; votedFor must be {id}",
                    state.role
                )));
            }
        }
        if let Some(vote) = voted_for
            && (vote == 0 || vote > cluster)
        {
            return Err(error(format!(
                "votedFor {vote} is not a node of this {cluster}-node cluster"
            )));
        }
        if state.role != Role::Leader
            && (!state.next_index.is_empty() || !state.match_index.is_empty())
        {
            return Err(error(
                "only a leader has nextIndex and matchIndex".to_owned(),
            ));
        }
        node.term = state.term;
        node.voted_for = voted_for;
        node.log = Log::from_entries(state.log.clone());
        node.commit_index = state.commit_index;
        node.last_applied = state.commit_index;
        node.role = state.role;
        if let Some(timeout) = state.election_timeout {
            if timeout == 0 {
                return Err(error("an election timeout is at least 1 tick".to_owned()));
            }
            node.timer = Timer::Fixed(timeout);
            node.election_timeout = timeout;
        }
        node.election_elapsed = state.election_elapsed;
        match state.role {
            Role::Leader => {
                node.leader = Some(id);
                node.next_index = vec![last + 1; cluster as usize];
                node.match_index = vec![0; cluster as usize];
                for &(peer, next) in &state.next_index {
                    node.check_peer(peer)?;
                    if next == 0 || next > last + 1 {
                        return Err(error(format!(
                            "nextIndex[{peer}] = {next} must be between 1 and last index + 1 = {}",
                            last + 1
                        )));
                    }
                    node.next_index[peer as usize - 1] = next;
                }
                for &(peer, matched) in &state.match_index {
                    node.check_peer(peer)?;
                    if matched > last {
                        return Err(error(format!(
                            "matchIndex[{peer}] = {matched} is past the end of its log ({last})"
                        )));
                    }
                    node.match_index[peer as usize - 1] = matched;
                    if !state.next_index.iter().any(|&(p, _)| p == peer) {
                        node.next_index[peer as usize - 1] = matched + 1;
                    }
                }
                for peer in node.peers() {
                    let p = peer as usize - 1;
                    if node.match_index[p] >= node.next_index[p] {
                        return Err(error(format!(
                            "matchIndex[{peer}] = {} must be below nextIndex[{peer}] = {}",
                            node.match_index[p], node.next_index[p]
                        )));
                    }
                }
                node.match_index[id as usize - 1] = last;
            }
            Role::Candidate => node.votes_granted = node.bit(id),
            Role::Follower => {}
        }
        Ok(node)
    }

    fn check_peer(&self, peer: NodeId) -> Result<(), StateError> {
        if peer == 0 || peer > self.cluster || peer == self.id {
            return Err(StateError {
                node: self.id,
                message: format!(
                    "{peer} is not a follower of this {}-node cluster",
                    self.cluster
                ),
            });
        }
        Ok(())
    }

    // ---- Reading the state ----

    pub fn id(&self) -> NodeId {
        self.id
    }

    pub fn cluster_size(&self) -> u32 {
        self.cluster
    }

    pub fn config(&self) -> &NodeConfig {
        &self.config
    }

    pub fn term(&self) -> Term {
        self.term
    }

    pub fn voted_for(&self) -> Option<NodeId> {
        self.voted_for
    }

    pub fn log(&self) -> &Log {
        &self.log
    }

    /// The log, for the invariant checker's change watermark.
    pub(crate) fn log_mut(&mut self) -> &mut Log {
        &mut self.log
    }

    pub fn commit_index(&self) -> Index {
        self.commit_index
    }

    pub fn last_applied(&self) -> Index {
        self.last_applied
    }

    pub fn role(&self) -> Role {
        self.role
    }

    pub fn leader(&self) -> Option<NodeId> {
        self.leader
    }

    /// A leader's nextIndex for `peer`; None if not a leader or not a peer.
    pub fn next_index(&self, peer: NodeId) -> Option<Index> {
        (self.role == Role::Leader && peer != self.id)
            .then(|| self.next_index.get(peer as usize - 1).copied())
            .flatten()
    }

    /// A leader's matchIndex for `peer`; None if not a leader or not a peer.
    pub fn match_index(&self, peer: NodeId) -> Option<Index> {
        (self.role == Role::Leader && peer != self.id)
            .then(|| self.match_index.get(peer as usize - 1).copied())
            .flatten()
    }

    pub fn election_timeout(&self) -> u64 {
        self.election_timeout
    }

    pub fn election_elapsed(&self) -> u64 {
        self.election_elapsed
    }

    /// The election timeout when it is fixed (a scenario's `timeout`) rather than drawn.
    pub fn fixed_election_timeout(&self) -> Option<u64> {
        match self.timer {
            Timer::Fixed(ticks) => Some(ticks),
            Timer::Randomised(_) => None,
        }
    }

    /// Votes granted to this candidate in its current term (itself included).
    pub fn votes(&self) -> u32 {
        self.votes_granted.count_ones()
    }

    /// floor(N/2) + 1 of the full cluster.
    pub fn majority(&self) -> u32 {
        self.cluster / 2 + 1
    }

    pub fn peers(&self) -> impl Iterator<Item = NodeId> + use<> {
        let id = self.id;
        (1..=self.cluster).filter(move |&peer| peer != id)
    }

    fn bit(&self, node: NodeId) -> u64 {
        1u64 << (node - 1)
    }

    // ---- Driving the node ----

    /// Advances the node's clock by one tick: a leader's heartbeat timer, or a follower's or
    /// candidate's election timer.
    pub fn tick(&mut self, out: &mut Output) {
        match self.role {
            Role::Leader => {
                self.heartbeat_elapsed += 1;
                if self.heartbeat_elapsed >= self.config.heartbeat_interval {
                    self.heartbeat_elapsed = 0;
                    self.broadcast_append(out);
                }
            }
            Role::Follower | Role::Candidate => {
                self.election_elapsed += 1;
                if self.election_elapsed >= self.election_timeout {
                    self.start_election(false, out);
                }
            }
        }
    }

    /// The node's timer fires now (scenario scripts): a follower or candidate starts an
    /// election, a leader sends its heartbeats.
    pub fn time_out(&mut self, out: &mut Output) {
        if self.role == Role::Leader {
            self.heartbeat_elapsed = 0;
            self.broadcast_append(out);
        } else {
            self.start_election(true, out);
        }
    }

    /// A client command. Only a leader accepts it (appends it and replicates it); the
    /// index of the new entry, or None if refused.
    pub fn propose(&mut self, command: &str, out: &mut Output) -> Option<Index> {
        if self.role != Role::Leader {
            out.notes.push(Note::ProposalRefused {
                leader: self.leader,
            });
            return None;
        }
        let index = self.log.push(Entry {
            term: self.term,
            command: Arc::from(command),
        });
        self.match_index[self.id as usize - 1] = index;
        out.notes.push(Note::Proposed {
            index,
            term: self.term,
        });
        self.broadcast_append(out);
        self.advance_commit(out);
        Some(index)
    }

    /// Restart after a crash: currentTerm, votedFor and the log survive; everything
    /// volatile is gone and commitIndex starts again from 0.
    pub fn restart(&mut self, out: &mut Output) {
        self.role = Role::Follower;
        self.commit_index = 0;
        self.last_applied = 0;
        self.leader = None;
        self.votes_granted = 0;
        self.votes_refused = 0;
        self.next_index.fill(1);
        self.match_index.fill(0);
        self.figure8_noted = 0;
        self.heartbeat_elapsed = 0;
        self.reset_election_timer();
        out.notes.push(Note::Restarted {
            term: self.term,
            voted_for: self.voted_for,
            last_index: self.log.last_index(),
        });
    }

    /// Delivers one message sent by `from`. A message claiming to come from this node or
    /// from outside the cluster is ignored.
    pub fn step(&mut self, from: NodeId, message: &Message, out: &mut Output) {
        if from == 0 || from > self.cluster || from == self.id {
            return;
        }
        let term = message.term();
        let kind = message.kind();
        // All servers: a higher term in any RPC request or response (§5.1).
        if term > self.term {
            out.notes.push(Note::TermAdopted {
                old: self.term,
                new: term,
                from,
                kind,
            });
            self.term = term;
            self.voted_for = None;
            self.leader = None;
            if self.role != Role::Follower {
                out.notes.push(Note::SteppedDown {
                    was: self.role,
                    term,
                });
                self.become_follower();
            }
        }
        if term < self.term {
            self.stale_term(from, message, out);
            return;
        }
        match message {
            Message::RequestVote(request) => self.handle_request_vote(from, request, out),
            Message::AppendEntries(request) => self.handle_append_entries(from, request, out),
            Message::RequestVoteResponse(response) => {
                self.handle_vote_response(from, response, out)
            }
            Message::AppendEntriesResponse(response) => {
                self.handle_append_response(from, response, out)
            }
        }
    }

    fn stale_term(&mut self, from: NodeId, message: &Message, out: &mut Output) {
        let kind = message.kind();
        let (message_term, my_term) = (message.term(), self.term);
        if !kind.is_request() {
            out.notes.push(Note::StaleResponseIgnored {
                kind,
                from,
                message_term,
                my_term,
            });
            return;
        }
        if self.config.stale_requests == StaleRequests::Drop {
            out.notes.push(Note::StaleRequestDropped {
                kind,
                from,
                message_term,
                my_term,
            });
            return;
        }
        out.notes.push(Note::StaleRequestRefused {
            kind,
            from,
            message_term,
            my_term,
        });
        let reply = match message {
            Message::AppendEntries(request) => {
                Message::AppendEntriesResponse(AppendEntriesResponse {
                    term: self.term,
                    success: false,
                    index: request.prev_log_index,
                    conflict_term: None,
                    conflict_index: None,
                })
            }
            _ => Message::RequestVoteResponse(RequestVoteResponse {
                term: self.term,
                vote_granted: false,
            }),
        };
        self.send(from, reply, out);
    }

    fn send(&self, to: NodeId, message: Message, out: &mut Output) {
        out.messages.push(Envelope {
            from: self.id,
            to,
            message,
        });
    }

    fn reset_election_timer(&mut self) {
        self.election_elapsed = 0;
        self.election_timeout = match &mut self.timer {
            Timer::Fixed(ticks) => *ticks,
            Timer::Randomised(rng) => {
                let base = self.config.election_timeout.max(1);
                rng.range(base, 2 * base)
            }
        };
    }

    fn become_follower(&mut self) {
        if self.role == Role::Leader {
            // A leader has no election timer running; it starts now.
            self.reset_election_timer();
        }
        self.role = Role::Follower;
        self.votes_granted = 0;
        self.votes_refused = 0;
    }

    // ---- Elections (§5.2, §5.4.1) ----

    fn start_election(&mut self, forced: bool, out: &mut Output) {
        let (was, elapsed, timeout) = (self.role, self.election_elapsed, self.election_timeout);
        self.term += 1;
        self.voted_for = Some(self.id);
        self.role = Role::Candidate;
        self.leader = None;
        self.votes_granted = self.bit(self.id);
        self.votes_refused = 0;
        self.reset_election_timer();
        out.notes.push(Note::ElectionStarted {
            term: self.term,
            was,
            elapsed,
            timeout,
            forced,
        });
        if self.votes() >= self.majority() {
            self.become_leader(out);
            return;
        }
        let request = RequestVote {
            term: self.term,
            candidate_id: self.id,
            last_log_index: self.log.last_index(),
            last_log_term: self.log.last_term(),
        };
        for peer in self.peers() {
            self.send(peer, Message::RequestVote(request.clone()), out);
        }
    }

    fn handle_request_vote(&mut self, from: NodeId, request: &RequestVote, out: &mut Output) {
        let candidate = request.candidate_id;
        let (my_last_term, my_last_index) = (self.log.last_term(), self.log.last_index());
        let note = match self.voted_for {
            Some(voted_for) if voted_for != candidate => Note::VoteRefusedAlreadyVoted {
                candidate,
                term: self.term,
                voted_for,
            },
            _ if request.last_log_term < my_last_term => Note::VoteRefusedLastTerm {
                candidate,
                term: self.term,
                candidate_last_term: request.last_log_term,
                my_last_term,
            },
            _ if request.last_log_term == my_last_term
                && request.last_log_index < my_last_index =>
            {
                Note::VoteRefusedShorterLog {
                    candidate,
                    term: self.term,
                    last_term: my_last_term,
                    candidate_last_index: request.last_log_index,
                    my_last_index,
                }
            }
            _ => Note::VoteGranted {
                candidate,
                term: self.term,
                candidate_last_term: request.last_log_term,
                candidate_last_index: request.last_log_index,
                my_last_term,
                my_last_index,
            },
        };
        let granted = matches!(note, Note::VoteGranted { .. });
        if granted {
            self.voted_for = Some(candidate);
            // Granting a vote resets the election timer (Figure 2, Followers).
            self.reset_election_timer();
        }
        out.notes.push(note);
        let reply = RequestVoteResponse {
            term: self.term,
            vote_granted: granted,
        };
        self.send(from, Message::RequestVoteResponse(reply), out);
    }

    fn handle_vote_response(
        &mut self,
        from: NodeId,
        response: &RequestVoteResponse,
        out: &mut Output,
    ) {
        if self.role != Role::Candidate {
            out.notes.push(Note::VoteResponseIgnored {
                from,
                term: response.term,
                role: self.role,
            });
            return;
        }
        let bit = self.bit(from);
        if response.vote_granted {
            if self.votes_granted & bit != 0 {
                return; // a duplicate: each voter counts once
            }
            self.votes_granted |= bit;
            out.notes.push(Note::VoteReceived {
                from,
                term: self.term,
                votes: self.votes(),
                majority: self.majority(),
            });
            if self.votes() >= self.majority() {
                self.become_leader(out);
            }
        } else {
            if self.votes_refused & bit != 0 {
                return;
            }
            self.votes_refused |= bit;
            out.notes.push(Note::VoteDenied {
                from,
                term: self.term,
                refusals: self.votes_refused.count_ones(),
                cluster: self.cluster,
            });
        }
    }

    fn become_leader(&mut self, out: &mut Output) {
        self.role = Role::Leader;
        self.leader = Some(self.id);
        self.heartbeat_elapsed = 0;
        self.figure8_noted = 0;
        out.notes.push(Note::BecameLeader {
            term: self.term,
            votes: self.votes(),
            cluster: self.cluster,
            majority: self.majority(),
        });
        if self.config.noop_on_election {
            let index = self.log.push(Entry {
                term: self.term,
                command: Arc::from(""),
            });
            out.notes.push(Note::NoopAppended {
                index,
                term: self.term,
            });
        }
        let next = self.log.last_index() + 1;
        self.next_index.fill(next);
        self.match_index.fill(0);
        self.match_index[self.id as usize - 1] = self.log.last_index();
        // Upon election: initial AppendEntries (heartbeats) to each server.
        self.broadcast_append(out);
        self.advance_commit(out);
    }

    // ---- Log replication (§5.3, §5.4.2) ----

    /// Figure 2, AppendEntries receiver: a rival leader refuses; otherwise the sender leads
    /// this term, the log takes the entries if the consistency check passes, the commitIndex
    /// follows the leader's, and the reply says how far the log now matches.
    fn handle_append_entries(&mut self, from: NodeId, request: &AppendEntries, out: &mut Output) {
        if self.role == Role::Leader {
            out.notes.push(Note::AppendFromRivalLeader {
                from,
                term: self.term,
            });
            self.refuse_append(from, request.prev_log_index, (None, None), out);
            return;
        }
        self.follow(request.leader_id, out);
        let appended = self.log.maybe_append(
            request.prev_log_index,
            request.prev_log_term,
            &request.entries,
        );
        match appended {
            Err(mismatch) => self.refuse_mismatch(from, request, mismatch, out),
            Ok(appended) => {
                note_appended(from, request, &appended, out);
                self.follow_leader_commit(request.leader_commit, appended.last_new, out);
                let reply = AppendEntriesResponse {
                    term: self.term,
                    success: true,
                    index: appended.last_new,
                    conflict_term: None,
                    conflict_index: None,
                };
                self.send(from, Message::AppendEntriesResponse(reply), out);
            }
        }
    }

    /// An AppendEntries of our term: its sender leads it. A candidate steps down; the
    /// election timer restarts whether or not the consistency check passes.
    fn follow(&mut self, leader: NodeId, out: &mut Output) {
        if self.role == Role::Candidate {
            out.notes.push(Note::LeaderRecognised {
                leader,
                term: self.term,
                was: Role::Candidate,
            });
            self.become_follower();
        } else if self.leader != Some(leader) {
            out.notes.push(Note::LeaderRecognised {
                leader,
                term: self.term,
                was: Role::Follower,
            });
        }
        self.leader = Some(leader);
        self.reset_election_timer();
    }

    /// Receiver step 2: reply false, with the conflict-term hint when it is on.
    fn refuse_mismatch(
        &self,
        from: NodeId,
        request: &AppendEntries,
        mismatch: Mismatch,
        out: &mut Output,
    ) {
        let prev = request.prev_log_index;
        let hinted = self.config.conflict_hint;
        let hint = match mismatch {
            Mismatch::Missing { last_index } => {
                out.notes.push(Note::AppendRefusedMissingEntry {
                    from,
                    prev_log_index: prev,
                    prev_log_term: request.prev_log_term,
                    last_index,
                });
                (None, hinted.then_some(last_index + 1))
            }
            Mismatch::Term { my_term } => {
                out.notes.push(Note::AppendRefusedTermMismatch {
                    from,
                    prev_log_index: prev,
                    prev_log_term: request.prev_log_term,
                    my_term,
                });
                if hinted {
                    (Some(my_term), Some(self.log.first_index_of_run(prev)))
                } else {
                    (None, None)
                }
            }
        };
        self.refuse_append(from, prev, hint, out);
    }

    /// `success: false` for the request at `prev`, with the (conflictTerm, conflictIndex)
    /// hint.
    fn refuse_append(
        &self,
        from: NodeId,
        prev: Index,
        hint: (Option<Term>, Option<Index>),
        out: &mut Output,
    ) {
        let reply = AppendEntriesResponse {
            term: self.term,
            success: false,
            index: prev,
            conflict_term: hint.0,
            conflict_index: hint.1,
        };
        self.send(from, Message::AppendEntriesResponse(reply), out);
    }

    /// Receiver step 5: if leaderCommit > commitIndex, commitIndex = min(leaderCommit,
    /// index of the last new entry).
    fn follow_leader_commit(&mut self, leader_commit: Index, last_new: Index, out: &mut Output) {
        if leader_commit <= self.commit_index {
            return;
        }
        let new = leader_commit.min(last_new);
        if new > self.commit_index {
            out.notes.push(Note::FollowerCommitAdvanced {
                old: self.commit_index,
                new,
                leader_commit,
                last_new,
            });
            self.commit_index = new;
            self.apply(out);
        } else {
            out.notes.push(Note::FollowerCommitHeld {
                commit: self.commit_index,
                leader_commit,
                last_new,
            });
        }
    }

    fn handle_append_response(
        &mut self,
        from: NodeId,
        response: &AppendEntriesResponse,
        out: &mut Output,
    ) {
        if self.role != Role::Leader || from == self.id {
            return;
        }
        let peer = from as usize - 1;
        if response.success {
            // A success past our log cannot answer any request of ours.
            if response.index > self.log.last_index() {
                return;
            }
            if response.index > self.match_index[peer] {
                self.match_index[peer] = response.index;
                self.next_index[peer] = self.next_index[peer].max(response.index + 1);
                out.notes.push(Note::MatchAdvanced {
                    follower: from,
                    match_index: response.index,
                    next_index: self.next_index[peer],
                });
                if self.advance_commit(out) {
                    return; // the commit broadcast already sent `from` what it lacks
                }
            }
            if self.next_index[peer] <= self.log.last_index() {
                self.send_append(from, out);
            }
            return;
        }
        let old = self.next_index[peer];
        if response.index + 1 != old {
            out.notes.push(Note::StaleRefusalIgnored {
                follower: from,
                prev_log_index: response.index,
                next_index: old,
            });
            return;
        }
        let floor = self.match_index[peer] + 1;
        if old <= floor {
            // The follower refused an entry it had confirmed: only a hand-written message
            // can say that. Nothing to back off to.
            return;
        }
        let hinted = match (self.config.conflict_hint, response.conflict_index) {
            (true, Some(conflict_index)) => Some(
                response
                    .conflict_term
                    .and_then(|term| self.log.last_index_of_term(term))
                    .map_or(conflict_index, |last| last + 1),
            ),
            _ => None,
        };
        match hinted {
            Some(target) => {
                let new = target.clamp(floor, old - 1);
                self.next_index[peer] = new;
                out.notes.push(Note::NextIndexHinted {
                    follower: from,
                    old,
                    new,
                    conflict_term: response.conflict_term,
                    conflict_index: response.conflict_index.unwrap_or(target),
                });
            }
            None => {
                let new = old - 1;
                self.next_index[peer] = new;
                out.notes.push(Note::NextIndexBackedOff {
                    follower: from,
                    old,
                    new,
                });
            }
        }
        self.send_append(from, out);
    }

    fn broadcast_append(&mut self, out: &mut Output) {
        for peer in 1..=self.cluster {
            if peer != self.id {
                self.send_append(peer, out);
            }
        }
    }

    /// AppendEntries to `peer` with the entries from its nextIndex (Figure 2, Leaders).
    fn send_append(&self, peer: NodeId, out: &mut Output) {
        let next = self.next_index[peer as usize - 1];
        let prev = next - 1;
        let last = self
            .log
            .last_index()
            .min(prev.saturating_add(self.config.max_entries_per_append.max(1)));
        let request = AppendEntries {
            term: self.term,
            leader_id: self.id,
            prev_log_index: prev,
            prev_log_term: self.log.term_at(prev).unwrap_or(0),
            entries: self.log.wire_entries(next, last),
            leader_commit: self.commit_index,
        };
        self.send(peer, Message::AppendEntries(request), out);
    }

    /// If there is an N > commitIndex with a majority of matchIndex[i] >= N and
    /// log[N].term == currentTerm: commitIndex = N. True if it advanced (and told everyone).
    fn advance_commit(&mut self, out: &mut Output) -> bool {
        if self.role != Role::Leader {
            return false;
        }
        let n = self.cluster as usize;
        let majority = self.majority() as usize;
        let mut matched = [0 as Index; MAX_NODES as usize];
        matched[..n].copy_from_slice(&self.match_index[..n]);
        matched[self.id as usize - 1] = self.log.last_index();
        let matched = &mut matched[..n];
        matched.sort_unstable_by(|a, b| b.cmp(a));
        // The highest index that a majority holds.
        let candidate = matched[majority - 1];
        if candidate <= self.commit_index {
            return false;
        }
        let replicas = matched.iter().filter(|&&m| m >= candidate).count() as u32;
        let entry_term = self.log.term_at(candidate).unwrap_or(0);
        if entry_term == self.term {
            let old = self.commit_index;
            self.commit_index = candidate;
            out.notes.push(Note::LeaderCommitAdvanced {
                old,
                new: candidate,
                replicas,
                cluster: self.cluster,
                majority: self.majority(),
            });
            self.apply(out);
            // Tell the followers now rather than at the next heartbeat.
            self.broadcast_append(out);
            return true;
        } else if candidate > self.figure8_noted {
            // Terms in a log never decrease, so no entry at or below `candidate` is of the
            // current term: nothing can commit until one of ours reaches a majority.
            self.figure8_noted = candidate;
            out.notes.push(Note::CommitWaitsForCurrentTerm {
                index: candidate,
                entry_term,
                current_term: self.term,
                replicas,
                cluster: self.cluster,
            });
        }
        false
    }

    fn apply(&mut self, out: &mut Output) {
        if self.commit_index > self.last_applied {
            out.notes.push(Note::Applied {
                first: self.last_applied + 1,
                last: self.commit_index,
            });
            self.last_applied = self.commit_index;
        }
    }
}

/// The notes of an AppendEntries the log took: the check passed, then what it skipped,
/// deleted, appended and kept, in that order.
fn note_appended(from: NodeId, request: &AppendEntries, appended: &Appended, out: &mut Output) {
    out.notes.push(Note::AppendAccepted {
        from,
        prev_log_index: request.prev_log_index,
        prev_log_term: request.prev_log_term,
        entries: request.entries.len() as u64,
    });
    if let Some((first, last)) = appended.duplicates {
        out.notes.push(Note::DuplicatesKept { first, last });
    }
    if let Some(conflict) = appended.conflict {
        out.notes.push(Note::ConflictTruncated {
            index: conflict.index,
            my_term: conflict.my_term,
            new_term: conflict.new_term,
            removed: conflict.removed,
        });
    }
    if let Some((first, last)) = appended.appended {
        out.notes.push(Note::EntriesAppended { first, last });
    }
    if let Some((first, last)) = appended.kept {
        out.notes.push(Note::SuffixKept { first, last });
    }
}
