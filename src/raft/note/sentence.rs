//! A note as the sentence readers see: what the node did, with the numbers the rule
//! compared, then the section of the paper that states the rule. The sentences are grouped
//! as the paper's rules are: terms, elections, the follower's log, the leader's
//! replication, and the server as a whole.

use std::fmt::{self, Formatter, Result};

use super::{Note, Rule};
use crate::raft::message::Index;
use crate::raft::node::Role;

impl fmt::Display for Note {
    fn fmt(&self, f: &mut Formatter<'_>) -> Result {
        match self.rule() {
            Rule::HigherTerm | Rule::StaleTerm => terms(self, f),
            Rule::Election | Rule::OneVotePerTerm | Rule::ElectionRestriction => election(self, f),
            Rule::ConsistencyCheck | Rule::AppendEntries | Rule::FollowerCommit => {
                follower_log(self, f)
            }
            Rule::Replication
            | Rule::LeaderCommit
            | Rule::CurrentTermOnly
            | Rule::ClientRequest => leader(self, f),
            Rule::StateMachine | Rule::Persistence => server(self, f),
        }?;
        write!(f, " ({})", citation(self))
    }
}

/// The section a sentence cites: its rule's, except that a granted vote passed two rules.
fn citation(note: &Note) -> &'static str {
    match note {
        Note::VoteGranted { .. } => "§5.2, §5.4.1",
        _ => note.rule().section(),
    }
}

/// Each family below writes the notes whose [`Rule`] routes them there; a note of another
/// rule cannot reach it.
fn not_in_family(note: &Note, family: &str) -> ! {
    unreachable!(
        "{note:?} (rule {:?}) is not a note about {family}",
        note.rule()
    )
}

/// §5.1: higher terms are adopted, stale ones refused or ignored.
fn terms(note: &Note, f: &mut Formatter<'_>) -> Result {
    match note {
        Note::TermAdopted {
            old,
            new,
            from,
            kind,
        } => write!(
            f,
            "term {old} → {new}: {} from {from} carried the higher term {new}; votedFor cleared",
            kind.phrase()
        ),
        Note::SteppedDown { was, term } => write!(
            f,
            "{was} → follower: term {term} is newer than the term I was {was} in"
        ),
        Note::StaleRequestRefused {
            kind,
            from,
            message_term,
            my_term,
        } => write!(
            f,
            "refused {kind} from {from}: its term {message_term} < my term {my_term}; the reply carries term {my_term}"
        ),
        Note::StaleRequestDropped {
            kind,
            from,
            message_term,
            my_term,
        } => write!(
            f,
            "dropped {kind} from {from} without a reply: its term {message_term} < my term {my_term}"
        ),
        Note::StaleResponseIgnored {
            kind,
            from,
            message_term,
            my_term,
        } => write!(
            f,
            "ignored {} from {from}: its term {message_term} < my term {my_term}",
            kind.phrase()
        ),
        other => not_in_family(other, "terms"),
    }
}

/// §5.2 and §5.4.1: timers firing, votes given and counted, leaders recognised.
fn election(note: &Note, f: &mut Formatter<'_>) -> Result {
    match note {
        Note::ElectionStarted {
            term,
            was,
            elapsed,
            timeout,
            forced,
        } => {
            if *forced {
                f.write_str("election timeout (forced by the script)")?;
            } else {
                write!(
                    f,
                    "election timeout ({elapsed} of {timeout} ticks without a leader's AppendEntries or granting a vote)"
                )?;
            }
            write!(
                f,
                ": {was} → candidate for term {term}, voted for itself, RequestVote to all"
            )
        }
        Note::VoteGranted {
            candidate,
            term,
            candidate_last_term,
            candidate_last_index,
            my_last_term,
            my_last_index,
        } => write!(
            f,
            "granted vote to {candidate} in term {term}: no vote for another candidate this term, and its log (last term {candidate_last_term}, index {candidate_last_index}) is at least as up to date as mine (last term {my_last_term}, index {my_last_index})"
        ),
        Note::VoteRefusedAlreadyVoted {
            candidate,
            term,
            voted_for,
        } => write!(
            f,
            "refused vote to {candidate}: already voted for {voted_for} in term {term}"
        ),
        Note::VoteRefusedLastTerm {
            candidate,
            candidate_last_term,
            my_last_term,
            ..
        } => write!(
            f,
            "refused vote to {candidate}: candidate's last log term {candidate_last_term} < my last log term {my_last_term}"
        ),
        Note::VoteRefusedShorterLog {
            candidate,
            last_term,
            candidate_last_index,
            my_last_index,
            ..
        } => write!(
            f,
            "refused vote to {candidate}: same last log term {last_term}, but its log is shorter (last index {candidate_last_index} < my {my_last_index})"
        ),
        Note::VoteReceived {
            from,
            term,
            votes,
            majority,
        } => write!(
            f,
            "vote from {from} in term {term}: {votes} of the {majority} needed"
        ),
        Note::VoteDenied {
            from,
            term,
            refusals,
            cluster,
        } => write!(
            f,
            "vote refused by {from} in term {term} ({refusals} of {cluster} refused); still a candidate until a leader appears or the timer fires"
        ),
        Note::VoteResponseIgnored { from, term, role } => write!(
            f,
            "ignored vote response from {from} for term {term}: no longer a candidate ({role})"
        ),
        Note::BecameLeader {
            term,
            votes,
            cluster,
            majority,
        } => write!(
            f,
            "won the election for term {term} with {votes} of {cluster} votes (majority {majority}): leader; heartbeats to all"
        ),
        Note::LeaderRecognised {
            leader,
            term,
            was: Role::Candidate,
        } => write!(
            f,
            "AppendEntries from {leader} in my term {term}: {leader} won the election; candidate → follower"
        ),
        Note::LeaderRecognised { leader, term, .. } => {
            write!(f, "{leader} is the leader of term {term}")
        }
        Note::AppendFromRivalLeader { from, term } => write!(
            f,
            "refused AppendEntries from {from}: I am the leader of term {term}, and a term has at most one leader"
        ),
        other => not_in_family(other, "elections"),
    }
}

/// §5.3, the AppendEntries receiver: the consistency check, what the log keeps, deletes and
/// appends, and how far commitIndex follows the leader's.
fn follower_log(note: &Note, f: &mut Formatter<'_>) -> Result {
    match note {
        Note::AppendRefusedMissingEntry {
            from,
            prev_log_index,
            prev_log_term,
            last_index,
        } => write!(
            f,
            "refused AppendEntries from {from}: no entry at prevLogIndex {prev_log_index} (term {prev_log_term}); my log ends at {last_index}"
        ),
        Note::AppendRefusedTermMismatch {
            from,
            prev_log_index,
            prev_log_term,
            my_term,
        } => write!(
            f,
            "refused AppendEntries from {from}: my entry {prev_log_index} has term {my_term}, not prevLogTerm {prev_log_term}"
        ),
        Note::AppendAccepted {
            from,
            prev_log_index: 0,
            entries,
            ..
        } => write!(
            f,
            "accepted AppendEntries from {from} ({}): prevLogIndex 0 always matches",
            count(*entries)
        ),
        Note::AppendAccepted {
            from,
            prev_log_index,
            prev_log_term,
            entries,
        } => write!(
            f,
            "accepted AppendEntries from {from} ({}): my entry {prev_log_index} has term {prev_log_term}, as prevLogTerm says",
            count(*entries)
        ),
        Note::ConflictTruncated {
            index,
            my_term,
            new_term,
            removed,
        } => write!(
            f,
            "deleted {}: entry {index} has term {my_term} but the leader's has term {new_term}",
            range(*index, index + removed - 1)
        ),
        Note::EntriesAppended { first, last } => write!(f, "appended {}", range(*first, *last)),
        Note::DuplicatesKept { first, last } => write!(
            f,
            "{} already present with the same terms: kept",
            range(*first, *last)
        ),
        Note::SuffixKept { first, last } => write!(
            f,
            "kept {} after the request's last entry: nothing in the request contradicts them",
            range(*first, *last)
        ),
        Note::FollowerCommitAdvanced {
            old,
            new,
            leader_commit,
            last_new,
        } => write!(
            f,
            "commitIndex {old} → {new} = min(leaderCommit {leader_commit}, index of last new entry {last_new})"
        ),
        Note::FollowerCommitHeld {
            commit,
            leader_commit,
            last_new,
        } => write!(
            f,
            "commitIndex stays {commit}: min(leaderCommit {leader_commit}, index of last new entry {last_new}) is not above it"
        ),
        other => not_in_family(other, "the follower's log"),
    }
}

/// §5.3 and §5.4.2, the leader: client commands, nextIndex and matchIndex, and commitment.
fn leader(note: &Note, f: &mut Formatter<'_>) -> Result {
    match note {
        Note::Proposed { index, term } => {
            write!(f, "client command appended as entry {index} (term {term})")
        }
        Note::ProposalRefused {
            leader: Some(leader),
        } => write!(f, "not the leader: proposal refused (leader is {leader})"),
        Note::ProposalRefused { leader: None } => {
            f.write_str("not the leader: proposal refused (no leader known)")
        }
        Note::NoopAppended { index, term } => write!(
            f,
            "appended a no-op as entry {index} (term {term}) to commit earlier entries"
        ),
        Note::MatchAdvanced {
            follower,
            match_index,
            next_index,
        } => write!(
            f,
            "{follower} matches up to {match_index}: matchIndex[{follower}] = {match_index}, nextIndex[{follower}] = {next_index}"
        ),
        Note::NextIndexBackedOff { follower, old, new } => write!(
            f,
            "{follower} refused prevLogIndex {}: nextIndex[{follower}] {old} → {new}, retry",
            old - 1
        ),
        Note::NextIndexHinted {
            follower,
            old,
            new,
            conflict_term: Some(term),
            conflict_index,
        } => write!(
            f,
            "{follower} refused with conflict term {term} from index {conflict_index}: nextIndex[{follower}] {old} → {new}, retry"
        ),
        Note::NextIndexHinted {
            follower,
            old,
            new,
            conflict_term: None,
            conflict_index,
        } => write!(
            f,
            "{follower} refused: its log ends before {conflict_index}; nextIndex[{follower}] {old} → {new}, retry"
        ),
        Note::StaleRefusalIgnored {
            follower,
            prev_log_index,
            next_index,
        } => write!(
            f,
            "ignored {follower}'s refusal of prevLogIndex {prev_log_index}: it answers an older request (nextIndex[{follower}] is {next_index})"
        ),
        Note::LeaderCommitAdvanced {
            old,
            new,
            replicas,
            cluster,
            majority,
        } => write!(
            f,
            "commitIndex {old} → {new}: entry {new} is of my term and on {replicas} of {cluster} servers (majority {majority})"
        ),
        Note::CommitWaitsForCurrentTerm {
            index,
            entry_term,
            current_term,
            replicas,
            cluster,
        } => write!(
            f,
            "entry {index} is on {replicas} of {cluster} servers but has term {entry_term}, not my term {current_term}: an entry of an earlier term is not committed by counting replicas"
        ),
        other => not_in_family(other, "the leader"),
    }
}

/// Figure 2, every server: applying committed entries, and what a restart keeps.
fn server(note: &Note, f: &mut Formatter<'_>) -> Result {
    match note {
        Note::Applied { first, last } => {
            write!(f, "applied {} to the state machine", range(*first, *last))
        }
        Note::Restarted {
            term,
            voted_for,
            last_index,
        } => {
            let vote = voted_for.map_or("none".to_owned(), |v| v.to_string());
            write!(
                f,
                "restarted as follower: kept term {term}, votedFor {vote} and {last_index} log entries; commitIndex and lastApplied reset to 0"
            )
        }
        other => not_in_family(other, "the server"),
    }
}

/// `entry 4` or `entries 4..7`.
fn range(first: Index, last: Index) -> String {
    if first == last {
        format!("entry {first}")
    } else {
        format!("entries {first}..{last}")
    }
}

/// `no entries`, `1 entry`, `3 entries`.
fn count(entries: u64) -> String {
    match entries {
        0 => "no entries".to_owned(),
        1 => "1 entry".to_owned(),
        n => format!("{n} entries"),
    }
}
