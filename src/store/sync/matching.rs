//! Matching cards that vanished from the notes to cards that appeared, so that editing a
//! front (which changes the id) carries the review history over instead of starting afresh.
//!
//! The rules, in order; each is deterministic and gives the reason it reports:
//!
//! 1. **Same front.** A vanished and an appeared card whose fronts are equal once
//!    normalised (case, spacing) are the same card: its deck was renamed, or a pin
//!    (`<!-- id: -->`) was added, or it is the reverse card of a reworded question (whose
//!    front is the unchanged answer). Ties prefer the same file, then the nearest position.
//! 2. **Similar.** Every remaining pair is scored: front similarity (normalised Levenshtein)
//!    weighs 0.6, back similarity (Sørensen–Dice on character bigrams) 0.4. A pair is
//!    eligible when the front is at least 50% similar and the score at least 0.6, or when a
//!    substantial back (20+ characters) is at least 90% similar (a reworded question with
//!    the same answer). Eligible pairs are taken best score first; equal scores prefer the
//!    same file, then the nearest position, then the smaller ids. Each card is used once.
//!
//! Pinned cards never rename: a vanished pinned card is retired, and an appeared pinned
//! card takes part only in rule 1. When more than `MAX_PAIRS` pairs would be scored (a
//! mass rewrite), rule 2 compares only cards in the same file.

use std::collections::HashMap;

use crate::deck::CardId;

/// Above this many vanished × appeared pairs, rule 2 stays within files.
pub const MAX_PAIRS: usize = 1_000_000;
const FRONT_WEIGHT: f64 = 0.6;
const BACK_WEIGHT: f64 = 0.4;
const MIN_FRONT: f64 = 0.5;
const MIN_SCORE: f64 = 0.6;
const MIN_BACK_ALONE: f64 = 0.9;
const SUBSTANTIAL_BACK: usize = 20;
/// Fronts longer than this are compared on their first characters only (Levenshtein is
/// quadratic).
const FRONT_CHARS: usize = 400;

/// One side of a possible rename. Front and back are normalised (`deck::normalise`); the
/// deck is as written, for the reason shown ("deck renamed "Raft" -> "Study::Raft"").
#[derive(Clone, Debug)]
pub struct Side<'a> {
    pub id: &'a CardId,
    pub deck: &'a str,
    pub front: &'a str,
    pub back: &'a str,
    pub source: &'a str,
    pub position: u32,
    pub pinned: bool,
}

/// Why two cards were matched.
#[derive(Clone, Debug, PartialEq)]
pub enum Reason {
    /// Same front; the deck changed.
    DeckRenamed { from: String, to: String },
    /// Same front; the new card has a pinned id.
    PinAdded,
    /// Similar text.
    Similar {
        front: f64,
        back: f64,
        same_file: bool,
    },
}

impl Reason {
    pub fn describe(&self) -> String {
        match self {
            Reason::DeckRenamed { from, to } => format!("deck renamed {from:?} -> {to:?}"),
            Reason::PinAdded => "id pinned".to_owned(),
            Reason::Similar {
                front,
                back,
                same_file,
            } => {
                let front = percent("front", *front);
                let back = percent("back", *back);
                let file = if *same_file {
                    ""
                } else {
                    ", moved to another file"
                };
                format!("{front}, {back}{file}")
            }
        }
    }
}

fn percent(what: &str, similarity: f64) -> String {
    if similarity >= 1.0 {
        format!("{what} unchanged")
    } else {
        // Floor, so 99.6% never reads as "100% similar".
        format!("{what} {}% similar", (similarity * 100.0).floor() as u32)
    }
}

/// A vanished card (index into `vanished`) matched to an appeared one.
#[derive(Clone, Debug, PartialEq)]
pub struct Match {
    pub vanished: usize,
    pub appeared: usize,
    pub reason: Reason,
}

/// Apply rules 1 and 2. `vanished` must not contain pinned cards.
pub fn match_renames(vanished: &[Side<'_>], appeared: &[Side<'_>]) -> Vec<Match> {
    let mut used_vanished = vec![false; vanished.len()];
    let mut used_appeared = vec![false; appeared.len()];
    let mut matches = same_front(vanished, appeared, &mut used_vanished, &mut used_appeared);
    matches.extend(similar(
        vanished,
        appeared,
        &mut used_vanished,
        &mut used_appeared,
    ));
    matches.sort_by_key(|m| m.appeared);
    matches
}

fn same_front(
    vanished: &[Side<'_>],
    appeared: &[Side<'_>],
    used_vanished: &mut [bool],
    used_appeared: &mut [bool],
) -> Vec<Match> {
    let mut by_front: HashMap<&str, Vec<usize>> = HashMap::new();
    for (index, side) in vanished.iter().enumerate() {
        by_front.entry(side.front).or_default().push(index);
    }
    let mut matches = Vec::new();
    for (a_index, new) in appeared.iter().enumerate() {
        let Some(candidates) = by_front.get(new.front) else {
            continue;
        };
        let best = candidates
            .iter()
            .copied()
            .filter(|&v| !used_vanished[v])
            .min_by_key(|&v| tie_break(&vanished[v], new));
        if let Some(v_index) = best {
            used_vanished[v_index] = true;
            used_appeared[a_index] = true;
            let old = &vanished[v_index];
            let reason = if new.pinned {
                Reason::PinAdded
            } else if old.deck != new.deck {
                Reason::DeckRenamed {
                    from: old.deck.to_owned(),
                    to: new.deck.to_owned(),
                }
            } else {
                // Same deck and front, another id: the reverse card of a note whose
                // question was reworded (its front is the note's answer).
                Reason::Similar {
                    front: 1.0,
                    back: dice(old.back, new.back, &bigrams(old.back), &bigrams(new.back)),
                    same_file: old.source == new.source,
                }
            };
            matches.push(Match {
                vanished: v_index,
                appeared: a_index,
                reason,
            });
        }
    }
    matches
}

/// Smaller is better: same file first, then nearest position, then ids.
fn tie_break<'a>(old: &Side<'a>, new: &Side<'a>) -> (bool, u32, &'a CardId, &'a CardId) {
    (
        old.source != new.source,
        old.position.abs_diff(new.position),
        old.id,
        new.id,
    )
}

struct Candidate {
    /// Score in millionths, so ordering is exact and platform-independent.
    score: u64,
    vanished: usize,
    appeared: usize,
    front: f64,
    back: f64,
}

fn similar(
    vanished: &[Side<'_>],
    appeared: &[Side<'_>],
    used_vanished: &mut [bool],
    used_appeared: &mut [bool],
) -> Vec<Match> {
    let open_vanished: Vec<usize> = (0..vanished.len()).filter(|&v| !used_vanished[v]).collect();
    let open_appeared: Vec<usize> = (0..appeared.len())
        .filter(|&a| !used_appeared[a] && !appeared[a].pinned)
        .collect();
    let same_file_only = open_vanished.len().saturating_mul(open_appeared.len()) > MAX_PAIRS;
    let back_bigrams: Vec<Vec<u64>> = vanished.iter().map(|s| bigrams(s.back)).collect();
    let new_back_bigrams: Vec<Vec<u64>> = appeared.iter().map(|s| bigrams(s.back)).collect();

    let mut candidates = Vec::new();
    for &v in &open_vanished {
        for &a in &open_appeared {
            let (old, new) = (&vanished[v], &appeared[a]);
            if same_file_only && old.source != new.source {
                continue;
            }
            let back = dice(old.back, new.back, &back_bigrams[v], &new_back_bigrams[a]);
            let front = front_similarity(old.front, new.front);
            let score = FRONT_WEIGHT * front + BACK_WEIGHT * back;
            let by_front = front >= MIN_FRONT && score >= MIN_SCORE;
            let by_back = back >= MIN_BACK_ALONE && old.back.chars().count() >= SUBSTANTIAL_BACK;
            if by_front || by_back {
                candidates.push(Candidate {
                    score: (score * 1e6).round() as u64,
                    vanished: v,
                    appeared: a,
                    front,
                    back,
                });
            }
        }
    }
    candidates.sort_by(|x, y| {
        y.score.cmp(&x.score).then_with(|| {
            tie_break(&vanished[x.vanished], &appeared[x.appeared])
                .cmp(&tie_break(&vanished[y.vanished], &appeared[y.appeared]))
        })
    });
    let mut matches = Vec::new();
    for candidate in candidates {
        if used_vanished[candidate.vanished] || used_appeared[candidate.appeared] {
            continue;
        }
        used_vanished[candidate.vanished] = true;
        used_appeared[candidate.appeared] = true;
        matches.push(Match {
            vanished: candidate.vanished,
            appeared: candidate.appeared,
            reason: Reason::Similar {
                front: candidate.front,
                back: candidate.back,
                same_file: vanished[candidate.vanished].source
                    == appeared[candidate.appeared].source,
            },
        });
    }
    matches
}

fn front_similarity(a: &str, b: &str) -> f64 {
    let cut = |s: &str| -> String { s.chars().take(FRONT_CHARS).collect() };
    strsim::normalized_levenshtein(&cut(a), &cut(b))
}

/// Character bigrams packed into integers, sorted, so Dice is a merge of two lists.
fn bigrams(text: &str) -> Vec<u64> {
    let chars: Vec<char> = text.chars().collect();
    let mut grams: Vec<u64> = chars
        .windows(2)
        .map(|w| (u64::from(w[0]) << 32) | u64::from(w[1]))
        .collect();
    grams.sort_unstable();
    grams
}

/// Sørensen–Dice coefficient of two multisets of bigrams; texts too short for bigrams
/// compare by equality.
fn dice(a_text: &str, b_text: &str, a: &[u64], b: &[u64]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return if a_text == b_text { 1.0 } else { 0.0 };
    }
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    (2 * common) as f64 / (a.len() + b.len()) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Owned {
        id: CardId,
        deck: String,
        front: String,
        back: String,
        source: String,
        position: u32,
        pinned: bool,
    }

    fn owned(deck: &str, front: &str, back: &str, source: &str, position: u32) -> Owned {
        Owned {
            id: CardId::from_front(deck, front),
            deck: deck.into(),
            front: crate::deck::normalise(front),
            back: crate::deck::normalise(back),
            source: source.into(),
            position,
            pinned: false,
        }
    }

    fn sides(cards: &[Owned]) -> Vec<Side<'_>> {
        cards
            .iter()
            .map(|c| Side {
                id: &c.id,
                deck: &c.deck,
                front: &c.front,
                back: &c.back,
                source: &c.source,
                position: c.position,
                pinned: c.pinned,
            })
            .collect()
    }

    fn pairs(old: &[Owned], new: &[Owned]) -> Vec<(usize, usize)> {
        match_renames(&sides(old), &sides(new))
            .into_iter()
            .map(|m| (m.vanished, m.appeared))
            .collect()
    }

    #[test]
    fn an_edited_front_is_matched_with_its_reason() {
        let old = [owned(
            "Raft",
            "What is Term?",
            "A logical clock.",
            "a.md",
            3,
        )];
        let new = [owned(
            "Raft",
            "What is a Term?",
            "A logical clock.",
            "a.md",
            3,
        )];
        let found = match_renames(&sides(&old), &sides(&new));
        assert_eq!(found.len(), 1);
        let Reason::Similar {
            front,
            back,
            same_file,
        } = found[0].reason
        else {
            panic!("{:?}", found[0].reason)
        };
        assert!(front > 0.85 && front < 1.0, "{front}");
        assert_eq!(back, 1.0);
        assert!(same_file);
        assert_eq!(
            found[0].reason.describe(),
            "front 86% similar, back unchanged"
        );
    }

    #[test]
    fn unrelated_cards_are_not_matched() {
        let old = [owned(
            "Raft",
            "What is Term?",
            "A logical clock.",
            "a.md",
            0,
        )];
        let new = [owned(
            "Raft",
            "How are snapshots sent?",
            "InstallSnapshot RPC in chunks.",
            "a.md",
            0,
        )];
        assert!(pairs(&old, &new).is_empty());
    }

    #[test]
    fn two_similar_fronts_edited_at_once_follow_their_backs() {
        // The cross pairs have similar fronts too; the backs decide.
        let old = [
            owned(
                "Raft",
                "What is the election timeout?",
                "150-300 ms, randomised per server.",
                "a.md",
                0,
            ),
            owned(
                "Raft",
                "What is the heartbeat timeout?",
                "Shorter than the election timeout, e.g. 50 ms.",
                "a.md",
                1,
            ),
        ];
        let new = [
            owned(
                "Raft",
                "What is the heartbeat timeout in Raft?",
                "Shorter than the election timeout, e.g. 50 ms.",
                "a.md",
                0,
            ),
            owned(
                "Raft",
                "What is the election timeout in Raft?",
                "150-300 ms, randomised per server.",
                "a.md",
                1,
            ),
        ];
        assert_eq!(pairs(&old, &new), [(1, 0), (0, 1)]);
    }

    #[test]
    fn equal_scores_are_split_by_position_never_by_input_order() {
        // Two old cards, in two decks, with the same text: an edited copy scores the same
        // against both, so the nearer position decides.
        let back = "The index and term of an entry in the log.";
        let old = [
            owned("Raft", "What is a log entry?", back, "a.md", 0),
            owned("Paxos", "What is a log entry?", back, "a.md", 9),
        ];
        let new = [owned(
            "Raft",
            "What is a log entry, exactly?",
            back,
            "a.md",
            8,
        )];
        assert_eq!(pairs(&old, &new), [(1, 0)]);
        let reversed = [
            owned("Paxos", "What is a log entry?", back, "a.md", 9),
            owned("Raft", "What is a log entry?", back, "a.md", 0),
        ];
        assert_eq!(pairs(&reversed, &new), [(0, 0)]);
    }

    #[test]
    fn a_renamed_deck_matches_by_front() {
        let old = [
            owned("Raft", "What is Term?", "A logical clock.", "a.md", 0),
            owned("Raft", "Who votes?", "Every server.", "a.md", 1),
        ];
        let new = [
            owned("Consensus", "Who votes?", "Every server.", "a.md", 1),
            owned("Consensus", "What is Term?", "A logical clock.", "a.md", 0),
        ];
        let found = match_renames(&sides(&old), &sides(&new));
        assert_eq!(
            found
                .iter()
                .map(|m| (m.vanished, m.appeared))
                .collect::<Vec<_>>(),
            [(1, 0), (0, 1)]
        );
        assert_eq!(
            found[0].reason.describe(),
            "deck renamed \"Raft\" -> \"Consensus\""
        );
    }

    #[test]
    fn a_moved_and_edited_card_is_found_in_another_file() {
        let old = [owned(
            "Raft",
            "What is Term?",
            "A logical clock for the cluster.",
            "a.md",
            7,
        )];
        let new = [owned(
            "Raft",
            "What is a term?",
            "A logical clock for the cluster.",
            "b.md",
            0,
        )];
        let found = match_renames(&sides(&old), &sides(&new));
        assert_eq!(found.len(), 1);
        assert!(
            found[0]
                .reason
                .describe()
                .ends_with("moved to another file")
        );
    }

    #[test]
    fn a_reworded_question_with_the_same_long_answer_is_matched() {
        let old = [owned(
            "Raft",
            "Why randomise timeouts?",
            "So that split votes are rare and resolve quickly.",
            "a.md",
            0,
        )];
        let new = [owned(
            "Raft",
            "Purpose of random election delays",
            "So that split votes are rare and resolve quickly.",
            "a.md",
            0,
        )];
        assert_eq!(pairs(&old, &new), [(0, 0)]);
        // ...but a short shared answer is not evidence enough.
        let old = [owned(
            "Raft",
            "Why randomise timeouts?",
            "Split votes.",
            "a.md",
            0,
        )];
        let new = [owned(
            "Raft",
            "Purpose of random election delays",
            "Split votes.",
            "a.md",
            0,
        )];
        assert!(pairs(&old, &new).is_empty());
    }

    #[test]
    fn pinned_new_cards_only_match_the_same_front() {
        let old = [owned(
            "Raft",
            "What is Term?",
            "A logical clock for the cluster.",
            "a.md",
            0,
        )];
        let mut pinned_same = owned(
            "Raft",
            "What is Term?",
            "A logical clock for the cluster.",
            "a.md",
            0,
        );
        pinned_same.id = CardId::pinned("term");
        pinned_same.pinned = true;
        let found = match_renames(&sides(&old), &sides(std::slice::from_ref(&pinned_same)));
        assert_eq!(found[0].reason, Reason::PinAdded);

        let mut pinned_edited = owned(
            "Raft",
            "What is a Term?",
            "A logical clock for the cluster.",
            "a.md",
            0,
        );
        pinned_edited.id = CardId::pinned("term");
        pinned_edited.pinned = true;
        assert!(pairs(&old, &[pinned_edited]).is_empty());
    }

    #[test]
    fn dice_counts_shared_bigrams() {
        let d = |a: &str, b: &str| dice(a, b, &bigrams(a), &bigrams(b));
        assert_eq!(d("night", "night"), 1.0);
        assert_eq!(d("night", "nacht"), 0.25);
        assert_eq!(d("", ""), 1.0);
        assert_eq!(d("a", "b"), 0.0);
    }
}
