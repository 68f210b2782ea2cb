//! Studying a part: `--deck` and `--tag` as typed, resolved against the decks and tags that
//! exist. Names match case-insensitively (`raft` is `Raft`), a deck includes its sub-decks
//! (`Raft` holds `Raft::Elections`), and what matched is kept in its stored spelling, so
//! nothing downstream ever sees (or writes back) the user's capitalisation. Pure.

use std::collections::BTreeSet;

use thiserror::Error;

use crate::notes::deck_path;

/// The decks and tags a command is narrowed to, spelled as stored. Empty lists mean "all".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Every existing deck inside one that was asked for (the asked ones and their
    /// sub-decks), exactly as stored.
    pub decks: Vec<String>,
    /// Every existing tag equal to one that was asked for, exactly as stored.
    pub tags: Vec<String>,
    /// The asked decks in their stored spelling, for headings ("Deck: Raft").
    pub deck_labels: Vec<String>,
}

impl Filter {
    /// True when nothing was asked for: every card passes.
    pub fn is_everything(&self) -> bool {
        self.decks.is_empty() && self.tags.is_empty()
    }

    /// Whether a card of `deck` with `tags` is in: in one of the decks (when any were
    /// asked for) and carrying one of the tags (when any were asked for).
    pub fn admits(&self, deck: &str, tags: &[String]) -> bool {
        (self.decks.is_empty() || self.decks.iter().any(|d| d == deck))
            && (self.tags.is_empty() || tags.iter().any(|t| self.tags.contains(t)))
    }
}

/// A deck or tag that was asked for but does not exist, with the ones that do.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum SelectError {
    #[error("no deck {asked:?} {place}; the decks are: {}", list(known))]
    UnknownDeck {
        asked: String,
        place: String,
        known: Vec<String>,
    },
    #[error("no tag {asked:?} {place}; the tags are: {}", list(known))]
    UnknownTag {
        asked: String,
        place: String,
        known: Vec<String>,
    },
    #[error("{0}")]
    BadDeckName(#[from] crate::notes::EmptyDeckPart),
}

impl SelectError {
    /// What to do about it.
    pub fn help(&self) -> &'static str {
        match self {
            SelectError::UnknownDeck { .. } => {
                "deck names match whatever their case, and a deck includes its sub-decks \
                 (`--deck raft` takes `Raft` and `Raft::Elections`)"
            }
            SelectError::UnknownTag { .. } => {
                "tags match whatever their case, written with or without `#`; a space in a \
                 tag is `_`"
            }
            SelectError::BadDeckName(_) => "write deck names like `Study::Raft`",
        }
    }
}

fn list(known: &[String]) -> String {
    if known.is_empty() {
        "(none)".to_owned()
    } else {
        known.join(", ")
    }
}

/// The canonical form of a tag as typed: no leading `#`, spaces as `_` (as in notes).
pub fn tag_name(raw: &str) -> String {
    raw.trim()
        .trim_start_matches('#')
        .replace(char::is_whitespace, "_")
}

fn folded(text: &str) -> String {
    text.chars().flat_map(char::to_lowercase).collect()
}

/// True when `deck` is `parent` or one of its sub-decks, whatever the case of either.
pub fn deck_within(parent: &str, deck: &str) -> bool {
    let mut deck_parts = deck.split("::");
    parent
        .split("::")
        .all(|part| deck_parts.next().is_some_and(|d| folded(d) == folded(part)))
}

/// Resolve what was asked (`asked_decks` as typed, `asked_tags` as typed) against what
/// exists. `place` says where the names were looked for ("in the review database",
/// "in these notes"), for the error.
pub fn resolve<'a>(
    asked_decks: &[String],
    asked_tags: &[String],
    known_decks: impl IntoIterator<Item = &'a str>,
    known_tags: impl IntoIterator<Item = &'a str>,
    place: &str,
) -> Result<Filter, SelectError> {
    let mut filter = Filter::default();
    if !asked_decks.is_empty() {
        let known: BTreeSet<&str> = known_decks.into_iter().collect();
        let mut decks = BTreeSet::new();
        for asked in asked_decks {
            let asked = deck_path(asked)?;
            let inside: Vec<&str> = known
                .iter()
                .copied()
                .filter(|deck| deck_within(&asked, deck))
                .collect();
            let Some(first) = inside.first() else {
                return Err(SelectError::UnknownDeck {
                    asked,
                    place: place.to_owned(),
                    known: known.iter().map(|d| (*d).to_owned()).collect(),
                });
            };
            // The asked deck's own spelling: the first parts of a deck inside it.
            let parts = asked.split("::").count();
            let label: Vec<&str> = first.split("::").take(parts).collect();
            filter.deck_labels.push(label.join("::"));
            decks.extend(inside.into_iter().map(str::to_owned));
        }
        filter.decks = decks.into_iter().collect();
    }
    if !asked_tags.is_empty() {
        let known: BTreeSet<&str> = known_tags.into_iter().collect();
        let mut tags = BTreeSet::new();
        for asked in asked_tags {
            let asked = tag_name(asked);
            let folded_asked = folded(&asked);
            let same: Vec<&str> = known
                .iter()
                .copied()
                .filter(|tag| folded(tag) == folded_asked)
                .collect();
            if same.is_empty() {
                return Err(SelectError::UnknownTag {
                    asked,
                    place: place.to_owned(),
                    known: known.iter().map(|t| (*t).to_owned()).collect(),
                });
            }
            tags.extend(same.into_iter().map(str::to_owned));
        }
        filter.tags = tags.into_iter().collect();
    }
    Ok(filter)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DECKS: [&str; 4] = ["Consensus::Paxos", "Raft", "Raft::Elections", "Rafting"];
    const TAGS: [&str; 3] = ["leader_election", "Safety", "safety"];

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    fn pick(decks: &[&str], tags: &[&str]) -> Result<Filter, SelectError> {
        resolve(&strings(decks), &strings(tags), DECKS, TAGS, "here")
    }

    #[test]
    fn a_deck_is_matched_whatever_its_case_with_its_sub_decks_only() {
        let filter = pick(&["raft"], &[]).unwrap();
        assert_eq!(filter.decks, ["Raft", "Raft::Elections"]);
        assert_eq!(filter.deck_labels, ["Raft"]);
        let filter = pick(&[" consensus "], &[]).unwrap();
        assert_eq!(filter.decks, ["Consensus::Paxos"]);
        assert_eq!(filter.deck_labels, ["Consensus"]);
        assert!(filter.admits("Consensus::Paxos", &[]));
        assert!(!filter.admits("Raft", &[]));
    }

    #[test]
    fn an_unknown_deck_lists_the_known_ones() {
        let error = pick(&["Cons"], &[]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "no deck \"Cons\" here; the decks are: Consensus::Paxos, Raft, Raft::Elections, Rafting"
        );
        assert!(matches!(
            pick(&["A::::B"], &[]),
            Err(SelectError::BadDeckName(_))
        ));
    }

    #[test]
    fn tags_match_whatever_their_case_and_spelling() {
        let filter = pick(&[], &["#SAFETY", "leader election"]).unwrap();
        assert_eq!(filter.tags, ["Safety", "leader_election", "safety"]);
        assert!(filter.admits("Raft", &strings(&["safety"])));
        assert!(!filter.admits("Raft", &strings(&["other"])));
        let error = pick(&[], &["liveness"]).unwrap_err();
        assert!(
            error
                .to_string()
                .ends_with("the tags are: Safety, leader_election, safety"),
            "{error}"
        );
    }

    #[test]
    fn decks_and_tags_together_narrow_both_ways() {
        let filter = pick(&["raft::elections"], &["safety"]).unwrap();
        assert!(filter.admits("Raft::Elections", &strings(&["safety"])));
        assert!(!filter.admits("Raft::Elections", &[]));
        assert!(!filter.admits("Raft", &strings(&["safety"])));
        assert!(Filter::default().is_everything());
    }
}
