//! The safety properties of Raft (Figure 3 of the paper) and a few more, checked after
//! every step, incrementally.
//!
//! The checker keeps its own shadow of every log as prefix hashes (hash of entries 1..=i),
//! updated from the log's change watermark, so each check costs O(entries changed), not
//! O(log length). Log Matching is checked in a stronger, historical form that makes this
//! possible: an entry with a given index and term always has the same prefix, on every
//! server, at every moment (true in Raft because a leader creates each (index, term) once
//! and never changes its log, and followers accept an entry only after matching the one
//! before it).

use std::fmt;

use serde::Serialize;

use super::log::Entry;
use super::message::{Index, NodeId, Term};
use super::node::{Node, Role};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Invariant {
    /// At most one leader can be elected in a given term.
    ElectionSafety,
    /// A leader never overwrites or deletes entries in its log; it only appends.
    LeaderAppendOnly,
    /// If two logs contain an entry with the same index and term, the logs are identical
    /// in all entries up through that index.
    LogMatching,
    /// A committed entry is present in the logs of the leaders of all higher terms.
    LeaderCompleteness,
    /// No two servers apply different entries at the same index; a server never rewrites
    /// or forgets (short of a restart) what it committed.
    StateMachineSafety,
    /// A server's currentTerm never decreases.
    TermsNeverDecrease,
    /// A server votes for at most one candidate per term.
    OneVotePerTerm,
    /// commitIndex (and lastApplied) never exceed the last log index.
    CommitWithinLog,
}

impl Invariant {
    pub fn name(self) -> &'static str {
        match self {
            Invariant::ElectionSafety => "Election Safety",
            Invariant::LeaderAppendOnly => "Leader Append-Only",
            Invariant::LogMatching => "Log Matching",
            Invariant::LeaderCompleteness => "Leader Completeness",
            Invariant::StateMachineSafety => "State Machine Safety",
            Invariant::TermsNeverDecrease => "terms never decrease",
            Invariant::OneVotePerTerm => "one vote per term",
            Invariant::CommitWithinLog => "commitIndex within the log",
        }
    }
}

impl fmt::Display for Invariant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A broken invariant: a simulator bug, or a scenario whose state or hand-written messages
/// no Raft cluster could produce.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{invariant} violated at tick {tick} on node {node}: {detail}")]
pub struct Violation {
    pub invariant: Invariant,
    pub node: NodeId,
    pub tick: u64,
    pub detail: String,
}

/// Hash of entries 1..=i from the hash of 1..=i-1 and entry i.
fn chain(previous: u64, entry: &Entry) -> u64 {
    let mut h = previous ^ entry.term.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let bytes = entry.command.as_bytes();
    for chunk in bytes.chunks(8) {
        let mut word = [0u8; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        h = mix(h ^ u64::from_le_bytes(word));
    }
    mix(h ^ (bytes.len() as u64).rotate_left(32))
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[derive(Clone, Debug)]
struct Shadow {
    /// prefix[i - 1] = hash of entries 1..=i.
    prefix: Vec<u64>,
    terms: Vec<Term>,
    term: Term,
    voted_for: Option<NodeId>,
    role: Role,
    commit: Index,
}

impl Shadow {
    fn hash_at(&self, index: Index) -> Option<u64> {
        if index == 0 {
            return Some(0);
        }
        self.prefix.get(index as usize - 1).copied()
    }
}

/// Every (term, prefix hash) seen at one index; almost always exactly one.
#[derive(Clone, Debug, Default)]
struct SeenAt {
    first: Option<(Term, u64)>,
    more: Vec<(Term, u64)>,
}

impl SeenAt {
    fn hash_for(&self, term: Term) -> Option<u64> {
        match self.first {
            Some((t, h)) if t == term => Some(h),
            _ => self.more.iter().find(|(t, _)| *t == term).map(|(_, h)| *h),
        }
    }

    fn insert(&mut self, term: Term, hash: u64) {
        if self.first.is_none() {
            self.first = Some((term, hash));
        } else {
            self.more.push((term, hash));
        }
    }
}

#[derive(Clone, Debug)]
struct Committed {
    hash: u64,
    /// The term of the server that first committed it; leaders of this term or later must
    /// hold it.
    commit_term: Term,
}

#[derive(Clone, Debug)]
pub struct Checker {
    shadows: Vec<Shadow>,
    seen: Vec<SeenAt>,
    committed: Vec<Committed>,
    /// leaders[t] = the leader of term t, once one is seen.
    leaders: Vec<Option<NodeId>>,
}

impl Checker {
    /// Starts checking a cluster in the given state; the state itself must satisfy the
    /// invariants (scenario scripts declare arbitrary states).
    pub fn new(nodes: &mut [Node], tick: u64) -> Result<Checker, Violation> {
        let mut checker = Checker {
            shadows: nodes
                .iter()
                .map(|node| Shadow {
                    prefix: Vec::new(),
                    terms: Vec::new(),
                    term: node.term(),
                    voted_for: node.voted_for(),
                    role: Role::Follower,
                    commit: 0,
                })
                .collect(),
            seen: Vec::new(),
            committed: Vec::new(),
            leaders: Vec::new(),
        };
        // Logs and leaders first, commit indexes after: committing checks leaders' logs.
        for node in nodes.iter_mut() {
            checker.check_log(node, tick)?;
        }
        for node in nodes.iter() {
            checker.check_role(node, tick)?;
        }
        for node in nodes.iter() {
            checker.check_commit(node, tick, false)?;
        }
        Ok(checker)
    }

    /// Checks one node after it stepped, ticked, proposed or restarted.
    pub fn after_step(
        &mut self,
        node: &mut Node,
        tick: u64,
        restarted: bool,
    ) -> Result<(), Violation> {
        let id = node.id();
        let shadow = &self.shadows[id as usize - 1];
        let violation = |invariant, detail: String| Violation {
            invariant,
            node: id,
            tick,
            detail,
        };
        if node.term() < shadow.term {
            return Err(violation(
                Invariant::TermsNeverDecrease,
                format!("currentTerm went from {} to {}", shadow.term, node.term()),
            ));
        }
        if node.term() == shadow.term
            && shadow.voted_for.is_some()
            && node.voted_for() != shadow.voted_for
        {
            return Err(violation(
                Invariant::OneVotePerTerm,
                format!(
                    "votedFor changed from {:?} to {:?} within term {}",
                    shadow.voted_for,
                    node.voted_for(),
                    node.term()
                ),
            ));
        }
        self.check_log(node, tick)?;
        self.check_role(node, tick)?;
        self.check_commit(node, tick, restarted)
    }

    fn check_log(&mut self, node: &mut Node, tick: u64) -> Result<(), Violation> {
        let id = node.id();
        let Some(changed) = node.log_mut().take_changed_from() else {
            return Ok(());
        };
        let violation = |invariant, detail: String| Violation {
            invariant,
            node: id,
            tick,
            detail,
        };
        let shadow = &mut self.shadows[id as usize - 1];
        let old_last = shadow.prefix.len() as Index;
        if changed <= old_last {
            if shadow.role == Role::Leader
                && node.role() == Role::Leader
                && shadow.term == node.term()
            {
                return Err(violation(
                    Invariant::LeaderAppendOnly,
                    format!(
                        "the leader of term {} changed entry {changed} of its log (it had {old_last})",
                        node.term()
                    ),
                ));
            }
            if changed <= shadow.commit {
                return Err(violation(
                    Invariant::StateMachineSafety,
                    format!(
                        "entry {changed} was committed (commitIndex {}) but was deleted or overwritten",
                        shadow.commit
                    ),
                ));
            }
        }
        let keep = (changed - 1).min(old_last) as usize;
        shadow.prefix.truncate(keep);
        shadow.terms.truncate(keep);
        let log = node.log();
        for index in keep as Index + 1..=log.last_index() {
            let Some(entry) = log.entry(index) else { break };
            let previous = shadow.prefix.last().copied().unwrap_or(0);
            if let Some(&before) = shadow.terms.last()
                && entry.term < before
            {
                return Err(violation(
                    Invariant::LogMatching,
                    format!(
                        "entry {index} has term {} after term {before}: terms in a log never decrease",
                        entry.term
                    ),
                ));
            }
            let hash = chain(previous, entry);
            shadow.prefix.push(hash);
            shadow.terms.push(entry.term);
            if self.seen.len() < index as usize {
                self.seen.resize_with(index as usize, SeenAt::default);
            }
            let seen = &mut self.seen[index as usize - 1];
            match seen.hash_for(entry.term) {
                Some(known) if known != hash => {
                    return Err(violation(
                        Invariant::LogMatching,
                        format!(
                            "entry {index} of term {} differs, in itself or in an earlier entry, from an entry {index} of term {} another server held",
                            entry.term, entry.term
                        ),
                    ));
                }
                Some(_) => {}
                None => seen.insert(entry.term, hash),
            }
        }
        if log.last_term() > node.term() {
            return Err(violation(
                Invariant::TermsNeverDecrease,
                format!(
                    "its log holds term {} but its currentTerm is only {}",
                    log.last_term(),
                    node.term()
                ),
            ));
        }
        Ok(())
    }

    fn check_role(&mut self, node: &Node, tick: u64) -> Result<(), Violation> {
        let id = node.id();
        let (term, role) = (node.term(), node.role());
        let shadow = &mut self.shadows[id as usize - 1];
        let newly_leader =
            role == Role::Leader && (shadow.role != Role::Leader || shadow.term != term);
        shadow.term = term;
        shadow.voted_for = node.voted_for();
        shadow.role = role;
        if !newly_leader {
            return Ok(());
        }
        let violation = |invariant, detail: String| Violation {
            invariant,
            node: id,
            tick,
            detail,
        };
        if self.leaders.len() <= term as usize {
            self.leaders.resize(term as usize + 1, None);
        }
        match self.leaders[term as usize] {
            Some(other) if other != id => {
                return Err(violation(
                    Invariant::ElectionSafety,
                    format!("{id} and {other} are both leaders of term {term}"),
                ));
            }
            _ => self.leaders[term as usize] = Some(id),
        }
        // Leader Completeness: everything committed in a term up to ours is in our log.
        let required = self
            .committed
            .iter()
            .rposition(|entry| entry.commit_term <= term)
            .map_or(0, |position| position as Index + 1);
        if required > 0 {
            let shadow = &self.shadows[id as usize - 1];
            if shadow.hash_at(required) != Some(self.committed[required as usize - 1].hash) {
                return Err(violation(
                    Invariant::LeaderCompleteness,
                    format!(
                        "leader of term {term} lacks committed entries up to {required} (its log has {})",
                        shadow.prefix.len()
                    ),
                ));
            }
        }
        Ok(())
    }

    fn check_commit(&mut self, node: &Node, tick: u64, restarted: bool) -> Result<(), Violation> {
        let id = node.id();
        let violation = |invariant, detail: String| Violation {
            invariant,
            node: id,
            tick,
            detail,
        };
        let commit = node.commit_index();
        let last = node.log().last_index();
        if commit > last || node.last_applied() > commit {
            return Err(violation(
                Invariant::CommitWithinLog,
                format!(
                    "commitIndex {commit}, lastApplied {}, last log index {last}",
                    node.last_applied()
                ),
            ));
        }
        let shadow = &self.shadows[id as usize - 1];
        let old = if restarted { 0 } else { shadow.commit };
        if commit < old {
            return Err(violation(
                Invariant::StateMachineSafety,
                format!("commitIndex went back from {old} to {commit} without a restart"),
            ));
        }
        self.shadows[id as usize - 1].commit = commit;
        if commit == old {
            return Ok(());
        }
        let known = self.committed.len() as Index;
        let shadow = &self.shadows[id as usize - 1];
        let agreed = commit.min(known);
        if agreed > 0 && shadow.hash_at(agreed) != Some(self.committed[agreed as usize - 1].hash) {
            return Err(violation(
                Invariant::StateMachineSafety,
                format!(
                    "it committed entries up to {commit} that differ from entries another server committed (up to {known})"
                ),
            ));
        }
        if commit <= known {
            return Ok(());
        }
        for index in known + 1..=commit {
            let hash = shadow.prefix[index as usize - 1];
            self.committed.push(Committed {
                hash,
                commit_term: node.term(),
            });
        }
        // Leaders of this term or a later one must hold the newly committed entries.
        let hash = self.committed[commit as usize - 1].hash;
        for (position, other) in self.shadows.iter().enumerate() {
            if other.role == Role::Leader
                && other.term >= node.term()
                && other.hash_at(commit) != Some(hash)
            {
                return Err(violation(
                    Invariant::LeaderCompleteness,
                    format!(
                        "entries up to {commit} committed in term {} are missing from the log of {}, leader of term {}",
                        node.term(),
                        position + 1,
                        other.term
                    ),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::log::Entry;
    use crate::raft::node::{NodeConfig, NodeState};

    fn node(id: NodeId, role: Role, term: Term, log: &[Term], commit: Index) -> Node {
        let state = NodeState {
            role,
            term,
            log: log.iter().map(|&t| Entry::new(t, "")).collect(),
            commit_index: commit,
            ..NodeState::default()
        };
        Node::from_state(id, 3, NodeConfig::default(), 0, &state).unwrap()
    }

    fn checked(nodes: &mut [Node]) -> Result<Checker, Violation> {
        Checker::new(nodes, 0)
    }

    #[test]
    fn two_leaders_in_one_term_break_election_safety() {
        let mut nodes = [
            node(1, Role::Leader, 2, &[1], 0),
            node(2, Role::Leader, 2, &[1], 0),
            node(3, Role::Follower, 2, &[1], 0),
        ];
        let violation = checked(&mut nodes).unwrap_err();
        assert_eq!(violation.invariant, Invariant::ElectionSafety);
    }

    #[test]
    fn same_index_and_term_with_different_prefixes_break_log_matching() {
        let mut nodes = [
            node(1, Role::Follower, 3, &[1, 3], 0),
            node(2, Role::Follower, 3, &[2, 3], 0),
            node(3, Role::Follower, 3, &[], 0),
        ];
        assert_eq!(
            checked(&mut nodes).unwrap_err().invariant,
            Invariant::LogMatching
        );
    }

    #[test]
    fn leader_without_a_committed_entry_breaks_leader_completeness() {
        let mut nodes = [
            node(1, Role::Leader, 4, &[1, 2], 0),
            node(2, Role::Follower, 3, &[1, 3], 2),
            node(3, Role::Follower, 3, &[1, 3], 2),
        ];
        assert_eq!(
            checked(&mut nodes).unwrap_err().invariant,
            Invariant::LeaderCompleteness
        );
        // A stale leader (of an older term than the commit) is not bound by it.
        let mut nodes = [
            node(1, Role::Leader, 2, &[1, 2], 0),
            node(2, Role::Follower, 3, &[1, 3], 2),
            node(3, Role::Follower, 3, &[1, 3], 2),
        ];
        assert!(checked(&mut nodes).is_ok());
    }

    #[test]
    fn differing_committed_entries_break_state_machine_safety() {
        let mut nodes = [
            node(1, Role::Follower, 3, &[1, 2], 2),
            node(2, Role::Follower, 3, &[1, 3], 2),
            node(3, Role::Follower, 3, &[], 0),
        ];
        // Log Matching allows both (different terms at index 2); committing both does not.
        assert_eq!(
            checked(&mut nodes).unwrap_err().invariant,
            Invariant::StateMachineSafety
        );
    }

    #[test]
    fn a_leader_rewriting_its_log_breaks_leader_append_only() {
        let mut nodes = [
            node(1, Role::Leader, 2, &[1, 2, 2], 0),
            node(2, Role::Follower, 2, &[1], 0),
            node(3, Role::Follower, 2, &[1], 0),
        ];
        let mut checker = checked(&mut nodes).unwrap();
        nodes[0].log_mut().truncate_from(3);
        let violation = checker.after_step(&mut nodes[0], 1, false).unwrap_err();
        assert_eq!(violation.invariant, Invariant::LeaderAppendOnly);
    }

    #[test]
    fn deleting_a_committed_entry_breaks_state_machine_safety() {
        let mut nodes = [
            node(1, Role::Follower, 2, &[1, 2, 2], 2),
            node(2, Role::Follower, 2, &[1], 0),
            node(3, Role::Follower, 2, &[1], 0),
        ];
        let mut checker = checked(&mut nodes).unwrap();
        nodes[0].log_mut().truncate_from(2);
        let violation = checker.after_step(&mut nodes[0], 1, false).unwrap_err();
        assert_eq!(violation.invariant, Invariant::StateMachineSafety);
    }

    #[test]
    fn term_going_back_or_a_second_vote_is_caught() {
        let mut nodes = [
            node(1, Role::Follower, 5, &[1], 0),
            node(2, Role::Follower, 5, &[1], 0),
            node(3, Role::Follower, 5, &[1], 0),
        ];
        let mut checker = checked(&mut nodes).unwrap();
        let mut older = node(1, Role::Follower, 4, &[1], 0);
        let violation = checker.after_step(&mut older, 1, false).unwrap_err();
        assert_eq!(violation.invariant, Invariant::TermsNeverDecrease);

        let voted = |vote| {
            let state = NodeState {
                term: 5,
                voted_for: Some(Some(vote)),
                log: vec![Entry::new(1, "")],
                ..NodeState::default()
            };
            Node::from_state(2, 3, NodeConfig::default(), 0, &state).unwrap()
        };
        checker.after_step(&mut voted(1), 1, false).unwrap();
        let violation = checker.after_step(&mut voted(3), 2, false).unwrap_err();
        assert_eq!(violation.invariant, Invariant::OneVotePerTerm);
    }

    #[test]
    fn commit_index_going_back_without_a_restart_is_caught() {
        let mut nodes = [
            node(1, Role::Follower, 2, &[1, 2], 2),
            node(2, Role::Follower, 2, &[1, 2], 0),
            node(3, Role::Follower, 2, &[1], 0),
        ];
        let mut checker = checked(&mut nodes).unwrap();
        let mut lower = node(1, Role::Follower, 2, &[1, 2], 1);
        lower.log_mut().take_changed_from();
        assert_eq!(
            checker
                .clone()
                .after_step(&mut lower, 1, false)
                .unwrap_err()
                .invariant,
            Invariant::StateMachineSafety
        );
        assert!(checker.after_step(&mut lower, 1, true).is_ok());
    }
}
