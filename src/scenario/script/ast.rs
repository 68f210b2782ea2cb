//! A parsed scenario script. Line numbers are absolute (the file's), so everything that
//! reports on a script can point into the markdown it came from.

use crate::raft::{Envelope, Filter, Index, MessageKind, NodeId, NodeState, Role, Term};

#[derive(Clone, Debug, PartialEq)]
pub struct Script {
    /// Line of the `cluster` statement.
    pub line: u32,
    pub size: u32,
    pub options: Options,
    /// Declared node states, by node id (1-based), with the line that declared each.
    pub nodes: Vec<NodeDecl>,
    pub commands: Vec<Command>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NodeDecl {
    pub line: u32,
    pub id: NodeId,
    pub state: NodeState,
    /// Declared `crashed`: the node is down from the start (its state kept for a restart).
    pub crashed: bool,
}

/// `option` settings; the defaults are those of a fresh `Options::default()`.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    pub election_timeout: u64,
    pub heartbeat: u64,
    pub latency: (u64, u64),
    pub drop: f64,
    pub seed: u64,
    pub stale_requests_dropped: bool,
    pub conflict_hint: bool,
    pub noop: bool,
    pub max_entries: u64,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            election_timeout: 10,
            heartbeat: 3,
            latency: (1, 1),
            drop: 0.0,
            seed: 0,
            stale_requests_dropped: false,
            conflict_hint: false,
            noop: false,
            max_entries: 64,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Command {
    pub line: u32,
    /// The statement as written (for the timeline and reports).
    pub text: String,
    pub kind: CommandKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum CommandKind {
    Timeout(NodeId),
    Tick(u64),
    Deliver(Filter),
    Drop(Filter),
    Send(Envelope),
    Propose {
        node: Option<NodeId>,
        command: String,
    },
    Partition(Vec<Vec<NodeId>>),
    Isolate(NodeId),
    Heal,
    Crash(NodeId),
    Restart(NodeId),
    Stabilize,
    Expect(Expect),
    /// A question: the simulator computes the answer at this point of the run.
    Ask(Query),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Expect {
    Node {
        node: NodeId,
        property: NodeProperty,
    },
    /// The live leader with the highest term (None: no leader).
    Leader(Option<NodeId>),
    /// That leader's term.
    LeaderTerm(Term),
    /// The tick at which that leader won its election.
    LeaderTick(u64),
    /// The last message `from` sent `to` during the previous command.
    Message {
        from: NodeId,
        to: NodeId,
        field: MessageField,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub enum NodeProperty {
    Role(Role),
    Term(Term),
    VotedFor(Option<NodeId>),
    Log(Vec<Term>),
    CommitIndex(Index),
    LastApplied(Index),
    NextIndex(NodeId, Index),
    MatchIndex(NodeId, Index),
}

#[derive(Clone, Debug, PartialEq)]
pub enum MessageField {
    /// No message at all.
    Nothing,
    /// The message's kind: `expect 1 -> 2 type RequestVoteResponse`.
    Kind(MessageKind),
    /// A field of the seed JSON, compared as written: a number, `true`/`false`, or for
    /// `entries` the terms of the entries.
    Field { name: String, value: String },
    /// How many refusals (`voteGranted` or `success` false) FROM sent TO in the previous event.
    Refusals(u64),
}

/// What an `ask` asks: anything an `expect` can assert, without the value, which the
/// simulator computes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Query {
    Node {
        node: NodeId,
        property: Property,
    },
    /// Which node leads (the live leader with the highest term), or none.
    Leader,
    /// The term of that leader.
    LeaderTerm,
    /// The tick at which that leader won its election.
    LeaderTick,
    /// A field of the last message FROM sent TO in the previous event (a
    /// [`MESSAGE_FIELDS`] name), or [`REFUSALS`].
    Message {
        from: NodeId,
        to: NodeId,
        field: String,
    },
}

/// A node property an `ask` can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Property {
    Role,
    Term,
    VotedFor,
    Log,
    CommitIndex,
    LastApplied,
    NextIndex(NodeId),
    MatchIndex(NodeId),
}

/// The pseudo-field counting refusals: `ask 3 -> 1 refusals`.
pub const REFUSALS: &str = "refusals";

/// The fields `expect FROM -> TO FIELD VALUE` can name.
pub const MESSAGE_FIELDS: &[&str] = &[
    "term",
    "candidateId",
    "lastLogIndex",
    "lastLogTerm",
    "voteGranted",
    "leaderId",
    "prevLogIndex",
    "prevLogTerm",
    "entries",
    "leaderCommit",
    "success",
    "index",
    "conflictTerm",
    "conflictIndex",
];
