//! A Raft log: 1-based entries, each with the term it was created in and a command.
//!
//! Every change goes through this type, which remembers the lowest index changed since the
//! invariant checker last looked. That is what lets the checker verify Log Matching,
//! Leader Append-Only and State Machine Safety incrementally, after every step, without
//! rescanning whole logs (and without trusting the node's own account of what it did).

use std::sync::Arc;

use serde::Serialize;

use super::message::{Command, Index, Term, WireEntry};

/// One log entry; its index is its position.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub term: Term,
    pub command: Command,
}

impl Entry {
    pub fn new(term: Term, command: &str) -> Entry {
        Entry {
            term,
            command: Arc::from(command),
        }
    }
}

/// Why an AppendEntries fails the consistency check (Figure 2, receiver step 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mismatch {
    /// The log has no entry at prevLogIndex: it ends at `last_index`.
    Missing { last_index: Index },
    /// The entry at prevLogIndex has term `my_term`, not prevLogTerm.
    Term { my_term: Term },
}

/// What [`Log::maybe_append`] did with entries that passed the consistency check; every
/// range is of indexes, first and last included.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Appended {
    /// Entries the request carried that the log already held with the same terms.
    pub duplicates: Option<(Index, Index)>,
    /// The first entry whose term differed from the request's, and what it cost: that entry
    /// and every one after it were deleted.
    pub conflict: Option<Conflict>,
    /// Entries written at the end of the log.
    pub appended: Option<(Index, Index)>,
    /// Entries after the request's last one that nothing in it contradicts: kept.
    pub kept: Option<(Index, Index)>,
    /// The index of the last entry the request carried (prevLogIndex + its entries): what
    /// the follower's commitIndex may advance to, and what its reply confirms.
    pub last_new: Index,
}

/// The conflicting suffix [`Log::maybe_append`] deleted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Conflict {
    pub index: Index,
    /// The term the log held at `index`, and the one the request carries there.
    pub my_term: Term,
    pub new_term: Term,
    /// How many entries were deleted (`index` to the old end).
    pub removed: u64,
}

#[derive(Clone, Debug, Default)]
pub struct Log {
    entries: Vec<Entry>,
    /// Lowest index written or removed since [`Log::take_changed_from`]; `Index::MAX` if none.
    changed_from: Index,
}

impl PartialEq for Log {
    fn eq(&self, other: &Log) -> bool {
        self.entries == other.entries
    }
}

impl Eq for Log {}

impl Log {
    pub fn new() -> Log {
        Log {
            entries: Vec::new(),
            changed_from: Index::MAX,
        }
    }

    pub fn from_entries(entries: Vec<Entry>) -> Log {
        Log {
            changed_from: if entries.is_empty() { Index::MAX } else { 1 },
            entries,
        }
    }

    /// A log of the given terms with empty commands, as scenario scripts write logs.
    pub fn from_terms(terms: &[Term]) -> Log {
        let empty: Command = Arc::from("");
        Log::from_entries(
            terms
                .iter()
                .map(|&term| Entry {
                    term,
                    command: empty.clone(),
                })
                .collect(),
        )
    }

    pub fn last_index(&self) -> Index {
        self.entries.len() as Index
    }

    /// Term of the last entry; 0 for an empty log.
    pub fn last_term(&self) -> Term {
        self.entries.last().map_or(0, |entry| entry.term)
    }

    /// Term of entry `index`; 0 for index 0 (the empty prefix); None past the end.
    pub fn term_at(&self, index: Index) -> Option<Term> {
        if index == 0 {
            return Some(0);
        }
        self.entry(index).map(|entry| entry.term)
    }

    pub fn entry(&self, index: Index) -> Option<&Entry> {
        if index == 0 {
            return None;
        }
        self.entries.get(index as usize - 1)
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn terms(&self) -> Vec<Term> {
        self.entries.iter().map(|entry| entry.term).collect()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Appends one entry and returns its index.
    pub fn push(&mut self, entry: Entry) -> Index {
        self.entries.push(entry);
        let index = self.last_index();
        self.changed_from = self.changed_from.min(index);
        index
    }

    /// Deletes entry `index` and all that follow it.
    pub fn truncate_from(&mut self, index: Index) {
        if index == 0 || index > self.last_index() {
            return;
        }
        self.entries.truncate(index as usize - 1);
        self.changed_from = self.changed_from.min(index);
    }

    /// Figure 2's AppendEntries receiver, steps 2 to 4, on the log. The consistency check
    /// first: the entry at `prev` must have term `prev_term`. Then the request's `entries`,
    /// which follow `prev`, are compared with the log one by one: those it already holds
    /// with the same term are skipped, the first whose term differs deletes the log from
    /// there on, and the rest are appended. Nothing is deleted that the request does not
    /// contradict, so a late duplicate of an older, shorter request never removes entries a
    /// newer one added (§5.3). etcd-io/raft's `raftLog.maybeAppend` is the same step.
    pub fn maybe_append(
        &mut self,
        prev: Index,
        prev_term: Term,
        entries: &[WireEntry],
    ) -> Result<Appended, Mismatch> {
        match self.term_at(prev) {
            None => {
                return Err(Mismatch::Missing {
                    last_index: self.last_index(),
                });
            }
            Some(my_term) if my_term != prev_term => return Err(Mismatch::Term { my_term }),
            Some(_) => {}
        }
        let last_new = prev + entries.len() as Index;
        let mut appended = Appended {
            last_new,
            ..Appended::default()
        };
        let held = entries
            .iter()
            .zip(prev + 1..)
            .take_while(|(entry, index)| self.term_at(*index) == Some(entry.term))
            .count();
        if held > 0 {
            appended.duplicates = Some((prev + 1, prev + held as Index));
        }
        if let Some(first_new) = entries.get(held) {
            let index = prev + 1 + held as Index;
            if let Some(my_term) = self.term_at(index) {
                appended.conflict = Some(Conflict {
                    index,
                    my_term,
                    new_term: first_new.term,
                    removed: self.last_index() - index + 1,
                });
                self.truncate_from(index);
            }
            for entry in &entries[held..] {
                self.push(Entry {
                    term: entry.term,
                    command: entry.command.clone(),
                });
            }
            appended.appended = Some((index, self.last_index()));
        }
        if !entries.is_empty() && self.last_index() > last_new {
            appended.kept = Some((last_new + 1, self.last_index()));
        }
        Ok(appended)
    }

    /// Entries `from..=to` as an AppendEntries RPC carries them.
    pub fn wire_entries(&self, from: Index, to: Index) -> Vec<WireEntry> {
        if from == 0 || from > to {
            return Vec::new();
        }
        let to = to.min(self.last_index());
        (from..=to)
            .filter_map(|index| {
                self.entry(index).map(|entry| WireEntry {
                    index,
                    term: entry.term,
                    command: entry.command.clone(),
                })
            })
            .collect()
    }

    /// The lowest index changed since the last call, if any; resets the watermark.
    pub fn take_changed_from(&mut self) -> Option<Index> {
        let changed = self.changed_from;
        self.changed_from = Index::MAX;
        (changed != Index::MAX).then_some(changed)
    }

    /// The last index of the given term, if the log has one (for the conflict-term hint).
    pub fn last_index_of_term(&self, term: Term) -> Option<Index> {
        self.entries
            .iter()
            .rposition(|entry| entry.term == term)
            .map(|position| position as Index + 1)
    }

    /// The first index of the run of `term` that ends at `index`.
    pub fn first_index_of_run(&self, index: Index) -> Index {
        let Some(term) = self.term_at(index) else {
            return index;
        };
        let mut first = index;
        while first > 1 && self.term_at(first - 1) == Some(term) {
            first -= 1;
        }
        first
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_are_one_based_and_zero_is_the_empty_prefix() {
        let log = Log::from_terms(&[1, 1, 2]);
        assert_eq!(log.last_index(), 3);
        assert_eq!(log.last_term(), 2);
        assert_eq!(log.term_at(0), Some(0));
        assert_eq!(log.term_at(1), Some(1));
        assert_eq!(log.term_at(3), Some(2));
        assert_eq!(log.term_at(4), None);
    }

    #[test]
    fn watermark_tracks_the_lowest_change() {
        let mut log = Log::from_terms(&[1, 1, 2, 2]);
        assert_eq!(log.take_changed_from(), Some(1));
        assert_eq!(log.take_changed_from(), None);
        log.push(Entry::new(3, "x"));
        log.truncate_from(3);
        assert_eq!(log.terms(), vec![1, 1]);
        assert_eq!(log.take_changed_from(), Some(3));
    }

    #[test]
    fn wire_entries_carry_their_indexes() {
        let log = Log::from_terms(&[1, 2, 2]);
        let wire = log.wire_entries(2, 9);
        assert_eq!(
            wire.iter().map(|e| (e.index, e.term)).collect::<Vec<_>>(),
            vec![(2, 2), (3, 2)]
        );
        assert!(log.wire_entries(4, 3).is_empty());
    }

    /// The entries a leader sends after `prev`, as `(index, term)` pairs.
    fn wire(prev: Index, terms: &[Term]) -> Vec<WireEntry> {
        terms
            .iter()
            .zip(prev + 1..)
            .map(|(&term, index)| WireEntry {
                index,
                term,
                command: Arc::from(format!("c{index}").as_str()),
            })
            .collect()
    }

    #[test]
    fn an_empty_log_takes_everything_after_index_zero() {
        let mut log = Log::new();
        let appended = log.maybe_append(0, 0, &wire(0, &[1, 1])).unwrap();
        assert_eq!(log.terms(), vec![1, 1]);
        assert_eq!(
            appended,
            Appended {
                appended: Some((1, 2)),
                last_new: 2,
                ..Appended::default()
            }
        );
        assert_eq!(&*log.entry(2).unwrap().command, "c2");
    }

    #[test]
    fn the_consistency_check_refuses_a_missing_or_different_entry() {
        // Step 2: "Reply false if log doesn't contain an entry at prevLogIndex whose term
        // matches prevLogTerm". Nothing in the log changes either way.
        let mut log = Log::from_terms(&[1, 1, 2]);
        log.take_changed_from();
        assert_eq!(
            log.maybe_append(4, 2, &wire(4, &[3])),
            Err(Mismatch::Missing { last_index: 3 })
        );
        assert_eq!(
            log.maybe_append(3, 3, &wire(3, &[3])),
            Err(Mismatch::Term { my_term: 2 })
        );
        assert_eq!(log.terms(), vec![1, 1, 2]);
        assert_eq!(log.take_changed_from(), None);
    }

    #[test]
    fn a_heartbeat_changes_nothing_and_confirms_prev() {
        let mut log = Log::from_terms(&[1, 1, 2]);
        log.take_changed_from();
        let appended = log.maybe_append(2, 1, &[]).unwrap();
        assert_eq!(
            appended,
            Appended {
                last_new: 2,
                ..Appended::default()
            }
        );
        // A heartbeat contradicts nothing after prev: entry 3 is not "kept", it is untouched.
        assert_eq!(log.terms(), vec![1, 1, 2]);
        assert_eq!(log.take_changed_from(), None);
    }

    #[test]
    fn entries_already_held_are_skipped_and_the_rest_appended() {
        let mut log = Log::from_terms(&[1, 1, 2]);
        log.take_changed_from();
        let appended = log.maybe_append(1, 1, &wire(1, &[1, 2, 2, 3])).unwrap();
        assert_eq!(log.terms(), vec![1, 1, 2, 2, 3]);
        assert_eq!(
            appended,
            Appended {
                duplicates: Some((2, 3)),
                appended: Some((4, 5)),
                last_new: 5,
                ..Appended::default()
            }
        );
        assert_eq!(
            log.take_changed_from(),
            Some(4),
            "entries 1..3 were not rewritten"
        );
    }

    #[test]
    fn a_late_duplicate_keeps_the_entries_after_it() {
        // §5.3: "If an existing entry conflicts with a new one (same index but different
        // terms), delete the existing entry and all that follow it": a request for entries
        // 2..3 arriving after one for 2..5 contradicts nothing, so 4 and 5 stay.
        let mut log = Log::from_terms(&[1, 1, 1, 1, 1]);
        log.take_changed_from();
        let appended = log.maybe_append(1, 1, &wire(1, &[1, 1])).unwrap();
        assert_eq!(log.terms(), vec![1, 1, 1, 1, 1]);
        assert_eq!(
            appended,
            Appended {
                duplicates: Some((2, 3)),
                kept: Some((4, 5)),
                last_new: 3,
                ..Appended::default()
            }
        );
        assert_eq!(log.take_changed_from(), None);
    }

    #[test]
    fn figure_7_follower_f_loses_its_terms_2_and_3() {
        // Figure 7 of the paper: follower (f) holds 1 1 1 2 2 2 3 3 3 3 3; the leader of
        // term 8 has 1 1 1 4 4 5 5 6 6 6. Once nextIndex has backed off to 4 (prevLogIndex 3,
        // prevLogTerm 1 matches), the leader's entries 4..10 replace f's 4..11.
        let mut log = Log::from_terms(&[1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3]);
        log.take_changed_from();
        let appended = log
            .maybe_append(3, 1, &wire(3, &[4, 4, 5, 5, 6, 6, 6]))
            .unwrap();
        assert_eq!(log.terms(), vec![1, 1, 1, 4, 4, 5, 5, 6, 6, 6]);
        assert_eq!(
            appended,
            Appended {
                conflict: Some(Conflict {
                    index: 4,
                    my_term: 2,
                    new_term: 4,
                    removed: 8,
                }),
                appended: Some((4, 10)),
                last_new: 10,
                ..Appended::default()
            }
        );
        assert_eq!(log.take_changed_from(), Some(4));
    }

    #[test]
    fn a_conflict_after_duplicates_deletes_from_the_first_difference() {
        // Log 1 1 2 2; the request after 1 carries 1 3: entry 2 is held, entry 3 conflicts
        // (2 against 3), so entries 3 and 4 go and the request's 3 takes their place.
        let mut log = Log::from_terms(&[1, 1, 2, 2]);
        log.take_changed_from();
        let appended = log.maybe_append(1, 1, &wire(1, &[1, 3])).unwrap();
        assert_eq!(log.terms(), vec![1, 1, 3]);
        assert_eq!(
            appended,
            Appended {
                duplicates: Some((2, 2)),
                conflict: Some(Conflict {
                    index: 3,
                    my_term: 2,
                    new_term: 3,
                    removed: 2,
                }),
                appended: Some((3, 3)),
                last_new: 3,
                ..Appended::default()
            }
        );
        assert_eq!(log.take_changed_from(), Some(3));
    }

    #[test]
    fn term_runs() {
        let log = Log::from_terms(&[1, 1, 1, 4, 4, 5]);
        assert_eq!(log.last_index_of_term(4), Some(5));
        assert_eq!(log.last_index_of_term(2), None);
        assert_eq!(log.first_index_of_run(5), 4);
        assert_eq!(log.first_index_of_run(3), 1);
    }
}
