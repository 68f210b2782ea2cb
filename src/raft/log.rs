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

    #[test]
    fn term_runs() {
        let log = Log::from_terms(&[1, 1, 1, 4, 4, 5]);
        assert_eq!(log.last_index_of_term(4), Some(5));
        assert_eq!(log.last_index_of_term(2), None);
        assert_eq!(log.first_index_of_run(5), 4);
        assert_eq!(log.first_index_of_run(3), 1);
    }
}
