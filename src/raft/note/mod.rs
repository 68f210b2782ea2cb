//! What a node did and why: the typed record each step returns.
//!
//! Every [`Note`] names the rule of the paper that produced it ([`Note::rule`]), and its
//! `Display` is a sentence that cites the section, e.g. "refused vote to 3: candidate's last
//! log term 4 < my last log term 5 (§5.4.1)". Quiz explanations and failed `expect`s quote
//! these sentences, so they are written for a reader learning Raft.

use std::fmt;

use serde::Serialize;

use super::message::{Index, MessageKind, NodeId, Term};
use super::node::Role;

/// The rule of the Raft paper a note applies, with the section it is stated in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Rule {
    /// §5.1: a higher term in any RPC or response: adopt it, become follower.
    HigherTerm,
    /// §5.1: a request with a stale term is refused; a stale response is ignored.
    StaleTerm,
    /// §5.2: election timeout, candidates, counting votes, recognising a leader.
    Election,
    /// §5.2: at most one vote per term, first come first served.
    OneVotePerTerm,
    /// §5.4.1: vote only for a candidate whose log is at least as up to date.
    ElectionRestriction,
    /// §5.3: the AppendEntries consistency check on prevLogIndex/prevLogTerm.
    ConsistencyCheck,
    /// §5.3: append new entries, delete a conflicting suffix, keep what does not conflict.
    AppendEntries,
    /// §5.3: follower commitIndex = min(leaderCommit, index of last new entry).
    FollowerCommit,
    /// §5.3: leader's nextIndex/matchIndex bookkeeping and back-off.
    Replication,
    /// §5.3 and §5.4.2: commit N when a majority has it and log[N].term == currentTerm.
    LeaderCommit,
    /// §5.4.2 (Figure 8): entries of earlier terms are never committed by counting replicas.
    CurrentTermOnly,
    /// §5.3: client commands go to the leader's log.
    ClientRequest,
    /// §5.1/Figure 2: currentTerm, votedFor and log are persistent; the rest is volatile.
    Persistence,
    /// Figure 2, all servers: apply committed entries in log order.
    StateMachine,
}

impl Rule {
    pub fn section(self) -> &'static str {
        match self {
            Rule::HigherTerm | Rule::StaleTerm => "§5.1",
            Rule::Election | Rule::OneVotePerTerm => "§5.2",
            Rule::ElectionRestriction => "§5.4.1",
            Rule::ConsistencyCheck
            | Rule::AppendEntries
            | Rule::FollowerCommit
            | Rule::Replication
            | Rule::ClientRequest => "§5.3",
            Rule::LeaderCommit => "§5.3, §5.4.2",
            Rule::CurrentTermOnly => "§5.4.2, Figure 8",
            Rule::Persistence => "Figure 2",
            Rule::StateMachine => "§5.3",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Rule::HigherTerm => "higher term: adopt it and become follower",
            Rule::StaleTerm => "stale term: refuse requests, ignore responses",
            Rule::Election => "leader election",
            Rule::OneVotePerTerm => "one vote per term",
            Rule::ElectionRestriction => "election restriction (log at least as up to date)",
            Rule::ConsistencyCheck => "AppendEntries consistency check",
            Rule::AppendEntries => "append entries, delete only a conflicting suffix",
            Rule::FollowerCommit => "follower commitIndex = min(leaderCommit, last new entry)",
            Rule::Replication => "nextIndex and matchIndex",
            Rule::LeaderCommit => "leader commit rule",
            Rule::CurrentTermOnly => "commit only entries of the current term by counting replicas",
            Rule::ClientRequest => "client requests",
            Rule::Persistence => "persistent and volatile state",
            Rule::StateMachine => "apply committed entries",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.section(), self.name())
    }
}

/// What changed in a node, and why. Each variant carries the numbers the rule compared.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(
    tag = "note",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Note {
    /// A message carried a higher term: currentTerm adopted, votedFor cleared.
    TermAdopted {
        old: Term,
        new: Term,
        from: NodeId,
        kind: MessageKind,
    },
    /// A candidate or leader discovered a higher term and became follower.
    SteppedDown {
        was: Role,
        term: Term,
    },
    /// A request with a term older than ours, answered with a refusal and our term.
    StaleRequestRefused {
        kind: MessageKind,
        from: NodeId,
        message_term: Term,
        my_term: Term,
    },
    /// A request with an older term, dropped without an answer (etcd's behaviour, a switch).
    StaleRequestDropped {
        kind: MessageKind,
        from: NodeId,
        message_term: Term,
        my_term: Term,
    },
    /// A response with an older term: ignored.
    StaleResponseIgnored {
        kind: MessageKind,
        from: NodeId,
        message_term: Term,
        my_term: Term,
    },
    /// The election timer fired (or a script forced it): candidate for a new term.
    ElectionStarted {
        term: Term,
        was: Role,
        elapsed: u64,
        timeout: u64,
        forced: bool,
    },
    VoteGranted {
        candidate: NodeId,
        term: Term,
        candidate_last_term: Term,
        candidate_last_index: Index,
        my_last_term: Term,
        my_last_index: Index,
    },
    VoteRefusedAlreadyVoted {
        candidate: NodeId,
        term: Term,
        voted_for: NodeId,
    },
    VoteRefusedLastTerm {
        candidate: NodeId,
        term: Term,
        candidate_last_term: Term,
        my_last_term: Term,
    },
    VoteRefusedShorterLog {
        candidate: NodeId,
        term: Term,
        last_term: Term,
        candidate_last_index: Index,
        my_last_index: Index,
    },
    /// A candidate counted a granted vote.
    VoteReceived {
        from: NodeId,
        term: Term,
        votes: u32,
        majority: u32,
    },
    /// A candidate counted a refusal; it stays candidate until its timer fires or a leader
    /// appears.
    VoteDenied {
        from: NodeId,
        term: Term,
        refusals: u32,
        cluster: u32,
    },
    /// A vote response in our term that no longer matters (already leader, or follower).
    VoteResponseIgnored {
        from: NodeId,
        term: Term,
        role: Role,
    },
    BecameLeader {
        term: Term,
        votes: u32,
        cluster: u32,
        majority: u32,
    },
    /// An AppendEntries of our term: its sender is the leader.
    LeaderRecognised {
        leader: NodeId,
        term: Term,
        was: Role,
    },
    /// An AppendEntries of our own term while we lead it: impossible in Raft (Election
    /// Safety), only reachable by a hand-written message.
    AppendFromRivalLeader {
        from: NodeId,
        term: Term,
    },
    AppendRefusedMissingEntry {
        from: NodeId,
        prev_log_index: Index,
        prev_log_term: Term,
        last_index: Index,
    },
    AppendRefusedTermMismatch {
        from: NodeId,
        prev_log_index: Index,
        prev_log_term: Term,
        my_term: Term,
    },
    /// Consistency check passed at prevLogIndex.
    AppendAccepted {
        from: NodeId,
        prev_log_index: Index,
        prev_log_term: Term,
        entries: u64,
    },
    ConflictTruncated {
        index: Index,
        my_term: Term,
        new_term: Term,
        removed: u64,
    },
    EntriesAppended {
        first: Index,
        last: Index,
    },
    /// Entries the request carried that the log already held with the same terms.
    DuplicatesKept {
        first: Index,
        last: Index,
    },
    /// Entries past the request's last entry that nothing in it contradicts: kept.
    SuffixKept {
        first: Index,
        last: Index,
    },
    FollowerCommitAdvanced {
        old: Index,
        new: Index,
        leader_commit: Index,
        last_new: Index,
    },
    /// leaderCommit > commitIndex, but the last new entry bounds the advance.
    FollowerCommitHeld {
        commit: Index,
        leader_commit: Index,
        last_new: Index,
    },
    Applied {
        first: Index,
        last: Index,
    },
    Proposed {
        index: Index,
        term: Term,
    },
    ProposalRefused {
        leader: Option<NodeId>,
    },
    NoopAppended {
        index: Index,
        term: Term,
    },
    MatchAdvanced {
        follower: NodeId,
        match_index: Index,
        next_index: Index,
    },
    NextIndexBackedOff {
        follower: NodeId,
        old: Index,
        new: Index,
    },
    NextIndexHinted {
        follower: NodeId,
        old: Index,
        new: Index,
        conflict_term: Option<Term>,
        conflict_index: Index,
    },
    /// A refusal that answers an older probe than the current nextIndex: ignored.
    StaleRefusalIgnored {
        follower: NodeId,
        prev_log_index: Index,
        next_index: Index,
    },
    LeaderCommitAdvanced {
        old: Index,
        new: Index,
        replicas: u32,
        cluster: u32,
        majority: u32,
    },
    /// Figure 8: entry `index` is on a majority but is of an older term.
    CommitWaitsForCurrentTerm {
        index: Index,
        entry_term: Term,
        current_term: Term,
        replicas: u32,
        cluster: u32,
    },
    Restarted {
        term: Term,
        voted_for: Option<NodeId>,
        last_index: Index,
    },
}

impl Note {
    pub fn rule(&self) -> Rule {
        match self {
            Note::TermAdopted { .. } | Note::SteppedDown { .. } => Rule::HigherTerm,
            Note::StaleRequestRefused { .. }
            | Note::StaleRequestDropped { .. }
            | Note::StaleResponseIgnored { .. } => Rule::StaleTerm,
            Note::ElectionStarted { .. }
            | Note::VoteReceived { .. }
            | Note::VoteDenied { .. }
            | Note::VoteResponseIgnored { .. }
            | Note::BecameLeader { .. }
            | Note::LeaderRecognised { .. }
            | Note::AppendFromRivalLeader { .. } => Rule::Election,
            Note::VoteRefusedAlreadyVoted { .. } => Rule::OneVotePerTerm,
            Note::VoteGranted { .. }
            | Note::VoteRefusedLastTerm { .. }
            | Note::VoteRefusedShorterLog { .. } => Rule::ElectionRestriction,
            Note::AppendRefusedMissingEntry { .. }
            | Note::AppendRefusedTermMismatch { .. }
            | Note::AppendAccepted { .. } => Rule::ConsistencyCheck,
            Note::ConflictTruncated { .. }
            | Note::EntriesAppended { .. }
            | Note::DuplicatesKept { .. }
            | Note::SuffixKept { .. } => Rule::AppendEntries,
            Note::FollowerCommitAdvanced { .. } | Note::FollowerCommitHeld { .. } => {
                Rule::FollowerCommit
            }
            Note::Applied { .. } => Rule::StateMachine,
            Note::Proposed { .. } | Note::ProposalRefused { .. } | Note::NoopAppended { .. } => {
                Rule::ClientRequest
            }
            Note::MatchAdvanced { .. }
            | Note::NextIndexBackedOff { .. }
            | Note::NextIndexHinted { .. }
            | Note::StaleRefusalIgnored { .. } => Rule::Replication,
            Note::LeaderCommitAdvanced { .. } => Rule::LeaderCommit,
            Note::CommitWaitsForCurrentTerm { .. } => Rule::CurrentTermOnly,
            Note::Restarted { .. } => Rule::Persistence,
        }
    }

    /// The aspects of a node's state this note explains, so an `expect` on, say, the log can
    /// quote the notes that shaped the log.
    pub fn concerns(&self) -> &'static [Aspect] {
        use Aspect::*;
        match self {
            Note::TermAdopted { .. } => &[Term, Vote, Role],
            Note::SteppedDown { .. } => &[Role],
            Note::StaleRequestRefused { .. } | Note::StaleRequestDropped { .. } => {
                &[Term, Vote, Log, Reply]
            }
            Note::StaleResponseIgnored { .. } => &[Term],
            Note::ElectionStarted { .. } => &[Term, Vote, Role],
            Note::VoteGranted { .. }
            | Note::VoteRefusedAlreadyVoted { .. }
            | Note::VoteRefusedLastTerm { .. }
            | Note::VoteRefusedShorterLog { .. } => &[Vote, Reply],
            Note::VoteReceived { .. }
            | Note::VoteDenied { .. }
            | Note::VoteResponseIgnored { .. }
            | Note::BecameLeader { .. }
            | Note::LeaderRecognised { .. } => &[Role],
            Note::AppendFromRivalLeader { .. } => &[Role, Reply],
            Note::AppendRefusedMissingEntry { .. } | Note::AppendRefusedTermMismatch { .. } => {
                &[Log, Reply]
            }
            Note::AppendAccepted { .. } => &[Reply],
            Note::ConflictTruncated { .. }
            | Note::EntriesAppended { .. }
            | Note::DuplicatesKept { .. }
            | Note::SuffixKept { .. } => &[Log],
            Note::FollowerCommitAdvanced { .. } | Note::FollowerCommitHeld { .. } => &[Commit],
            Note::Applied { .. } => &[Commit],
            Note::Proposed { .. } | Note::ProposalRefused { .. } | Note::NoopAppended { .. } => {
                &[Log]
            }
            Note::MatchAdvanced { .. }
            | Note::NextIndexBackedOff { .. }
            | Note::NextIndexHinted { .. }
            | Note::StaleRefusalIgnored { .. } => &[Progress],
            Note::LeaderCommitAdvanced { .. } | Note::CommitWaitsForCurrentTerm { .. } => &[Commit],
            Note::Restarted { .. } => &[Role, Commit, Progress],
        }
    }
}

/// A part of a node's state that notes explain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Aspect {
    Term,
    Vote,
    Role,
    Log,
    Commit,
    /// The leader's nextIndex/matchIndex.
    Progress,
    /// The response the node sent.
    Reply,
}

fn range(first: Index, last: Index) -> String {
    if first == last {
        format!("entry {first}")
    } else {
        format!("entries {first}..{last}")
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let section = self.rule().section();
        match self {
            Note::TermAdopted {
                old,
                new,
                from,
                kind,
            } => write!(
                f,
                "term {old} → {new}: {} from {from} carried the higher term {new}; votedFor cleared",
                kind.phrase()
            )?,
            Note::SteppedDown { was, term } => write!(
                f,
                "{was} → follower: term {term} is newer than the term I was {was} in"
            )?,
            Note::StaleRequestRefused {
                kind,
                from,
                message_term,
                my_term,
            } => write!(
                f,
                "refused {kind} from {from}: its term {message_term} < my term {my_term}; the reply carries term {my_term}"
            )?,
            Note::StaleRequestDropped {
                kind,
                from,
                message_term,
                my_term,
            } => write!(
                f,
                "dropped {kind} from {from} without a reply: its term {message_term} < my term {my_term}"
            )?,
            Note::StaleResponseIgnored {
                kind,
                from,
                message_term,
                my_term,
            } => write!(
                f,
                "ignored {} from {from}: its term {message_term} < my term {my_term}",
                kind.phrase()
            )?,
            Note::ElectionStarted {
                term,
                was,
                elapsed,
                timeout,
                forced,
            } => {
                if *forced {
                    write!(f, "election timeout (forced by the script)")?;
                } else {
                    write!(
                        f,
                        "election timeout ({elapsed} of {timeout} ticks without a leader's AppendEntries or granting a vote)"
                    )?;
                }
                write!(
                    f,
                    ": {was} → candidate for term {term}, voted for itself, RequestVote to all"
                )?
            }
            Note::VoteGranted {
                candidate,
                term,
                candidate_last_term,
                candidate_last_index,
                my_last_term,
                my_last_index,
            } => {
                write!(
                    f,
                    "granted vote to {candidate} in term {term}: no vote for another candidate this term, and its log (last term {candidate_last_term}, index {candidate_last_index}) is at least as up to date as mine (last term {my_last_term}, index {my_last_index}) ("
                )?;
                return write!(f, "§5.2, §5.4.1)");
            }
            Note::VoteRefusedAlreadyVoted {
                candidate,
                term,
                voted_for,
            } => write!(
                f,
                "refused vote to {candidate}: already voted for {voted_for} in term {term}"
            )?,
            Note::VoteRefusedLastTerm {
                candidate,
                term: _,
                candidate_last_term,
                my_last_term,
            } => write!(
                f,
                "refused vote to {candidate}: candidate's last log term {candidate_last_term} < my last log term {my_last_term}"
            )?,
            Note::VoteRefusedShorterLog {
                candidate,
                term: _,
                last_term,
                candidate_last_index,
                my_last_index,
            } => write!(
                f,
                "refused vote to {candidate}: same last log term {last_term}, but its log is shorter (last index {candidate_last_index} < my {my_last_index})"
            )?,
            Note::VoteReceived {
                from,
                term,
                votes,
                majority,
            } => write!(
                f,
                "vote from {from} in term {term}: {votes} of the {majority} needed"
            )?,
            Note::VoteDenied {
                from,
                term,
                refusals,
                cluster,
            } => write!(
                f,
                "vote refused by {from} in term {term} ({refusals} of {cluster} refused); still a candidate until a leader appears or the timer fires"
            )?,
            Note::VoteResponseIgnored { from, term, role } => write!(
                f,
                "ignored vote response from {from} for term {term}: no longer a candidate ({role})"
            )?,
            Note::BecameLeader {
                term,
                votes,
                cluster,
                majority,
            } => write!(
                f,
                "won the election for term {term} with {votes} of {cluster} votes (majority {majority}): leader; heartbeats to all"
            )?,
            Note::LeaderRecognised { leader, term, was } => {
                if *was == Role::Candidate {
                    write!(
                        f,
                        "AppendEntries from {leader} in my term {term}: {leader} won the election; candidate → follower"
                    )?
                } else {
                    write!(f, "{leader} is the leader of term {term}")?
                }
            }
            Note::AppendFromRivalLeader { from, term } => write!(
                f,
                "refused AppendEntries from {from}: I am the leader of term {term}, and a term has at most one leader"
            )?,
            Note::AppendRefusedMissingEntry {
                from,
                prev_log_index,
                prev_log_term,
                last_index,
            } => write!(
                f,
                "refused AppendEntries from {from}: no entry at prevLogIndex {prev_log_index} (term {prev_log_term}); my log ends at {last_index}"
            )?,
            Note::AppendRefusedTermMismatch {
                from,
                prev_log_index,
                prev_log_term,
                my_term,
            } => write!(
                f,
                "refused AppendEntries from {from}: my entry {prev_log_index} has term {my_term}, not prevLogTerm {prev_log_term}"
            )?,
            Note::AppendAccepted {
                from,
                prev_log_index,
                prev_log_term,
                entries,
            } => {
                let carried = match entries {
                    0 => "no entries".to_owned(),
                    1 => "1 entry".to_owned(),
                    n => format!("{n} entries"),
                };
                if *prev_log_index == 0 {
                    write!(
                        f,
                        "accepted AppendEntries from {from} ({carried}): prevLogIndex 0 always matches"
                    )?
                } else {
                    write!(
                        f,
                        "accepted AppendEntries from {from} ({carried}): my entry {prev_log_index} has term {prev_log_term}, as prevLogTerm says"
                    )?
                }
            }
            Note::ConflictTruncated {
                index,
                my_term,
                new_term,
                removed,
            } => write!(
                f,
                "deleted {}: entry {index} has term {my_term} but the leader's has term {new_term}",
                range(*index, index + removed - 1)
            )?,
            Note::EntriesAppended { first, last } => {
                write!(f, "appended {}", range(*first, *last))?
            }
            Note::DuplicatesKept { first, last } => write!(
                f,
                "{} already present with the same terms: kept",
                range(*first, *last)
            )?,
            Note::SuffixKept { first, last } => write!(
                f,
                "kept {} after the request's last entry: nothing in the request contradicts them",
                range(*first, *last)
            )?,
            Note::FollowerCommitAdvanced {
                old,
                new,
                leader_commit,
                last_new,
            } => write!(
                f,
                "commitIndex {old} → {new} = min(leaderCommit {leader_commit}, index of last new entry {last_new})"
            )?,
            Note::FollowerCommitHeld {
                commit,
                leader_commit,
                last_new,
            } => write!(
                f,
                "commitIndex stays {commit}: min(leaderCommit {leader_commit}, index of last new entry {last_new}) is not above it"
            )?,
            Note::Applied { first, last } => {
                write!(f, "applied {} to the state machine", range(*first, *last))?
            }
            Note::Proposed { index, term } => {
                write!(f, "client command appended as entry {index} (term {term})")?
            }
            Note::ProposalRefused { leader } => match leader {
                Some(leader) => write!(f, "not the leader: proposal refused (leader is {leader})")?,
                None => write!(f, "not the leader: proposal refused (no leader known)")?,
            },
            Note::NoopAppended { index, term } => write!(
                f,
                "appended a no-op as entry {index} (term {term}) to commit earlier entries"
            )?,
            Note::MatchAdvanced {
                follower,
                match_index,
                next_index,
            } => write!(
                f,
                "{follower} matches up to {match_index}: matchIndex[{follower}] = {match_index}, nextIndex[{follower}] = {next_index}"
            )?,
            Note::NextIndexBackedOff { follower, old, new } => write!(
                f,
                "{follower} refused prevLogIndex {}: nextIndex[{follower}] {old} → {new}, retry",
                old - 1
            )?,
            Note::NextIndexHinted {
                follower,
                old,
                new,
                conflict_term,
                conflict_index,
            } => match conflict_term {
                Some(term) => write!(
                    f,
                    "{follower} refused with conflict term {term} from index {conflict_index}: nextIndex[{follower}] {old} → {new}, retry"
                )?,
                None => write!(
                    f,
                    "{follower} refused: its log ends before {conflict_index}; nextIndex[{follower}] {old} → {new}, retry"
                )?,
            },
            Note::StaleRefusalIgnored {
                follower,
                prev_log_index,
                next_index,
            } => write!(
                f,
                "ignored {follower}'s refusal of prevLogIndex {prev_log_index}: it answers an older request (nextIndex[{follower}] is {next_index})"
            )?,
            Note::LeaderCommitAdvanced {
                old,
                new,
                replicas,
                cluster,
                majority,
            } => write!(
                f,
                "commitIndex {old} → {new}: entry {new} is of my term and on {replicas} of {cluster} servers (majority {majority})"
            )?,
            Note::CommitWaitsForCurrentTerm {
                index,
                entry_term,
                current_term,
                replicas,
                cluster,
            } => write!(
                f,
                "entry {index} is on {replicas} of {cluster} servers but has term {entry_term}, not my term {current_term}: an entry of an earlier term is not committed by counting replicas"
            )?,
            Note::Restarted {
                term,
                voted_for,
                last_index,
            } => {
                let vote = voted_for.map_or("none".to_owned(), |v| v.to_string());
                write!(
                    f,
                    "restarted as follower: kept term {term}, votedFor {vote} and {last_index} log entries; commitIndex and lastApplied reset to 0"
                )?
            }
        }
        write!(f, " ({section})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_cite_their_section() {
        let note = Note::VoteRefusedLastTerm {
            candidate: 3,
            term: 6,
            candidate_last_term: 4,
            my_last_term: 5,
        };
        assert_eq!(
            note.to_string(),
            "refused vote to 3: candidate's last log term 4 < my last log term 5 (§5.4.1)"
        );
        let figure8 = Note::CommitWaitsForCurrentTerm {
            index: 2,
            entry_term: 2,
            current_term: 4,
            replicas: 3,
            cluster: 5,
        };
        assert!(
            figure8.to_string().ends_with("(§5.4.2, Figure 8)"),
            "{figure8}"
        );
    }

    #[test]
    fn notes_serialize_with_their_data() {
        let note = Note::FollowerCommitAdvanced {
            old: 5,
            new: 7,
            leader_commit: 9,
            last_new: 7,
        };
        let json = serde_json::to_value(&note).unwrap();
        assert_eq!(json["note"], "followerCommitAdvanced");
        assert_eq!(json["leaderCommit"], 9);
    }
}
