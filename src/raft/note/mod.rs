//! What a node did and why: the typed record each step returns.
//!
//! Every [`Note`] names the rule of the paper that produced it ([`Note::rule`]), and its
//! `Display` is a sentence that cites the section, e.g. "refused vote to 3: candidate's last
//! log term 4 < my last log term 5 (§5.4.1)". Quiz explanations and failed `expect`s quote
//! these sentences, so they are written for a reader learning Raft.

mod sentence;

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

#[cfg(test)]
mod tests {
    use super::*;

    /// One note of every kind, with the numbers of a worked example.
    fn one_of_each() -> Vec<Note> {
        use MessageKind::*;
        vec![
            Note::TermAdopted {
                old: 2,
                new: 5,
                from: 3,
                kind: RequestVote,
            },
            Note::SteppedDown {
                was: Role::Leader,
                term: 5,
            },
            Note::StaleRequestRefused {
                kind: AppendEntries,
                from: 2,
                message_term: 3,
                my_term: 4,
            },
            Note::StaleRequestDropped {
                kind: RequestVote,
                from: 2,
                message_term: 3,
                my_term: 4,
            },
            Note::StaleResponseIgnored {
                kind: AppendEntriesResponse,
                from: 2,
                message_term: 3,
                my_term: 4,
            },
            Note::ElectionStarted {
                term: 3,
                was: Role::Follower,
                elapsed: 12,
                timeout: 12,
                forced: false,
            },
            Note::ElectionStarted {
                term: 3,
                was: Role::Candidate,
                elapsed: 4,
                timeout: 12,
                forced: true,
            },
            Note::VoteGranted {
                candidate: 2,
                term: 3,
                candidate_last_term: 2,
                candidate_last_index: 4,
                my_last_term: 2,
                my_last_index: 3,
            },
            Note::VoteRefusedAlreadyVoted {
                candidate: 2,
                term: 3,
                voted_for: 1,
            },
            Note::VoteRefusedLastTerm {
                candidate: 3,
                term: 6,
                candidate_last_term: 4,
                my_last_term: 5,
            },
            Note::VoteRefusedShorterLog {
                candidate: 3,
                term: 6,
                last_term: 5,
                candidate_last_index: 4,
                my_last_index: 6,
            },
            Note::VoteReceived {
                from: 2,
                term: 3,
                votes: 2,
                majority: 3,
            },
            Note::VoteDenied {
                from: 4,
                term: 3,
                refusals: 1,
                cluster: 5,
            },
            Note::VoteResponseIgnored {
                from: 5,
                term: 3,
                role: Role::Leader,
            },
            Note::BecameLeader {
                term: 3,
                votes: 3,
                cluster: 5,
                majority: 3,
            },
            Note::LeaderRecognised {
                leader: 1,
                term: 3,
                was: Role::Candidate,
            },
            Note::LeaderRecognised {
                leader: 1,
                term: 3,
                was: Role::Follower,
            },
            Note::AppendFromRivalLeader { from: 2, term: 3 },
            Note::AppendRefusedMissingEntry {
                from: 1,
                prev_log_index: 7,
                prev_log_term: 3,
                last_index: 5,
            },
            Note::AppendRefusedTermMismatch {
                from: 1,
                prev_log_index: 5,
                prev_log_term: 3,
                my_term: 2,
            },
            Note::AppendAccepted {
                from: 1,
                prev_log_index: 0,
                prev_log_term: 0,
                entries: 1,
            },
            Note::AppendAccepted {
                from: 1,
                prev_log_index: 4,
                prev_log_term: 2,
                entries: 0,
            },
            Note::AppendAccepted {
                from: 1,
                prev_log_index: 4,
                prev_log_term: 2,
                entries: 3,
            },
            Note::ConflictTruncated {
                index: 4,
                my_term: 2,
                new_term: 4,
                removed: 8,
            },
            Note::ConflictTruncated {
                index: 3,
                my_term: 2,
                new_term: 3,
                removed: 1,
            },
            Note::EntriesAppended { first: 4, last: 10 },
            Note::DuplicatesKept { first: 2, last: 2 },
            Note::SuffixKept { first: 4, last: 5 },
            Note::FollowerCommitAdvanced {
                old: 5,
                new: 7,
                leader_commit: 9,
                last_new: 7,
            },
            Note::FollowerCommitHeld {
                commit: 7,
                leader_commit: 9,
                last_new: 6,
            },
            Note::Applied { first: 6, last: 7 },
            Note::Proposed { index: 8, term: 3 },
            Note::ProposalRefused { leader: Some(1) },
            Note::ProposalRefused { leader: None },
            Note::NoopAppended { index: 4, term: 3 },
            Note::MatchAdvanced {
                follower: 2,
                match_index: 6,
                next_index: 7,
            },
            Note::NextIndexBackedOff {
                follower: 2,
                old: 7,
                new: 6,
            },
            Note::NextIndexHinted {
                follower: 2,
                old: 11,
                new: 4,
                conflict_term: Some(2),
                conflict_index: 4,
            },
            Note::NextIndexHinted {
                follower: 2,
                old: 11,
                new: 6,
                conflict_term: None,
                conflict_index: 6,
            },
            Note::StaleRefusalIgnored {
                follower: 2,
                prev_log_index: 8,
                next_index: 6,
            },
            Note::LeaderCommitAdvanced {
                old: 5,
                new: 7,
                replicas: 3,
                cluster: 5,
                majority: 3,
            },
            Note::CommitWaitsForCurrentTerm {
                index: 2,
                entry_term: 2,
                current_term: 4,
                replicas: 3,
                cluster: 5,
            },
            Note::Restarted {
                term: 4,
                voted_for: Some(2),
                last_index: 6,
            },
            Note::Restarted {
                term: 4,
                voted_for: None,
                last_index: 0,
            },
        ]
    }

    /// Every sentence, checked against the rule it states: the numbers are those of
    /// [`one_of_each`], the wording that of Figure 2 and §5 of the paper.
    #[test]
    fn every_note_reads_as_its_rule_with_its_numbers() {
        let expected = [
            "term 2 → 5: a RequestVote from 3 carried the higher term 5; votedFor cleared (§5.1)",
            "leader → follower: term 5 is newer than the term I was leader in (§5.1)",
            "refused AppendEntries from 2: its term 3 < my term 4; the reply carries term 4 (§5.1)",
            "dropped RequestVote from 2 without a reply: its term 3 < my term 4 (§5.1)",
            "ignored an AppendEntries response from 2: its term 3 < my term 4 (§5.1)",
            "election timeout (12 of 12 ticks without a leader's AppendEntries or granting a vote): follower → candidate for term 3, voted for itself, RequestVote to all (§5.2)",
            "election timeout (forced by the script): candidate → candidate for term 3, voted for itself, RequestVote to all (§5.2)",
            "granted vote to 2 in term 3: no vote for another candidate this term, and its log (last term 2, index 4) is at least as up to date as mine (last term 2, index 3) (§5.2, §5.4.1)",
            "refused vote to 2: already voted for 1 in term 3 (§5.2)",
            "refused vote to 3: candidate's last log term 4 < my last log term 5 (§5.4.1)",
            "refused vote to 3: same last log term 5, but its log is shorter (last index 4 < my 6) (§5.4.1)",
            "vote from 2 in term 3: 2 of the 3 needed (§5.2)",
            "vote refused by 4 in term 3 (1 of 5 refused); still a candidate until a leader appears or the timer fires (§5.2)",
            "ignored vote response from 5 for term 3: no longer a candidate (leader) (§5.2)",
            "won the election for term 3 with 3 of 5 votes (majority 3): leader; heartbeats to all (§5.2)",
            "AppendEntries from 1 in my term 3: 1 won the election; candidate → follower (§5.2)",
            "1 is the leader of term 3 (§5.2)",
            "refused AppendEntries from 2: I am the leader of term 3, and a term has at most one leader (§5.2)",
            "refused AppendEntries from 1: no entry at prevLogIndex 7 (term 3); my log ends at 5 (§5.3)",
            "refused AppendEntries from 1: my entry 5 has term 2, not prevLogTerm 3 (§5.3)",
            "accepted AppendEntries from 1 (1 entry): prevLogIndex 0 always matches (§5.3)",
            "accepted AppendEntries from 1 (no entries): my entry 4 has term 2, as prevLogTerm says (§5.3)",
            "accepted AppendEntries from 1 (3 entries): my entry 4 has term 2, as prevLogTerm says (§5.3)",
            "deleted entries 4..11: entry 4 has term 2 but the leader's has term 4 (§5.3)",
            "deleted entry 3: entry 3 has term 2 but the leader's has term 3 (§5.3)",
            "appended entries 4..10 (§5.3)",
            "entry 2 already present with the same terms: kept (§5.3)",
            "kept entries 4..5 after the request's last entry: nothing in the request contradicts them (§5.3)",
            "commitIndex 5 → 7 = min(leaderCommit 9, index of last new entry 7) (§5.3)",
            "commitIndex stays 7: min(leaderCommit 9, index of last new entry 6) is not above it (§5.3)",
            "applied entries 6..7 to the state machine (§5.3)",
            "client command appended as entry 8 (term 3) (§5.3)",
            "not the leader: proposal refused (leader is 1) (§5.3)",
            "not the leader: proposal refused (no leader known) (§5.3)",
            "appended a no-op as entry 4 (term 3) to commit earlier entries (§5.3)",
            "2 matches up to 6: matchIndex[2] = 6, nextIndex[2] = 7 (§5.3)",
            "2 refused prevLogIndex 6: nextIndex[2] 7 → 6, retry (§5.3)",
            "2 refused with conflict term 2 from index 4: nextIndex[2] 11 → 4, retry (§5.3)",
            "2 refused: its log ends before 6; nextIndex[2] 11 → 6, retry (§5.3)",
            "ignored 2's refusal of prevLogIndex 8: it answers an older request (nextIndex[2] is 6) (§5.3)",
            "commitIndex 5 → 7: entry 7 is of my term and on 3 of 5 servers (majority 3) (§5.3, §5.4.2)",
            "entry 2 is on 3 of 5 servers but has term 2, not my term 4: an entry of an earlier term is not committed by counting replicas (§5.4.2, Figure 8)",
            "restarted as follower: kept term 4, votedFor 2 and 6 log entries; commitIndex and lastApplied reset to 0 (Figure 2)",
            "restarted as follower: kept term 4, votedFor none and 0 log entries; commitIndex and lastApplied reset to 0 (Figure 2)",
        ];
        let written: Vec<String> = one_of_each().iter().map(Note::to_string).collect();
        assert_eq!(written, expected);
    }

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
