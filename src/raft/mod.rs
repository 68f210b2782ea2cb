//! The Raft simulator: pure and deterministic, driven by messages and ticks.
//!
//! - [`node`]: one server, exactly Figure 2 of the paper; every step returns the messages to
//!   send and typed [`note::Note`]s saying what changed and which rule (§) made it so.
//! - [`message`]: the four RPCs, with the seed notes' JSON field names.
//! - [`cluster`] and [`network`]: nodes on a simulated network with latency, loss,
//!   partitions, crashes and restarts, deterministic from a seed.
//! - [`invariants`]: Election Safety, Leader Append-Only, Log Matching, Leader Completeness,
//!   State Machine Safety and more, checked incrementally after every step.
//! - [`trace`]: the record of a run; [`view`]: a node as pictures of a cluster show it.
//!   Both are drawn by `raft_render`, outside this pure core.
//! - [`schedule`]: seeded random schedules with faults, and the fuzz loop.
//!
//! Nothing here reads the clock, files or environment, spawns threads or uses global
//! randomness: time is ticks and every random choice comes from a seed.

pub mod cluster;
pub mod invariants;
pub mod log;
pub mod message;
pub mod network;
pub mod node;
pub mod note;
pub mod schedule;
pub mod trace;
pub mod view;

pub use cluster::{Cluster, ClusterConfig, SetupError, SimError, Stats};
pub use invariants::{Invariant, Violation};
pub use log::{Appended, Conflict, Entry, Log, Mismatch};
pub use message::{
    AppendEntries, AppendEntriesResponse, Envelope, Index, Message, MessageKind, NodeId,
    RequestVote, RequestVoteResponse, Term, WireEntry,
};
pub use network::{Filter, NetworkConfig};
pub use node::{Node, NodeConfig, NodeState, Output, Role, StaleRequests};
pub use note::{Aspect, Note, Rule};
pub use trace::{DropReason, Event, NodeStatus, Trace, TraceEvent};
pub use view::{ElectionTimer, NodeView};
