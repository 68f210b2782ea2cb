//! Two cards with one identity would share a review history and an Anki note: an error,
//! reported at the second card with the first one's place alongside.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use super::diagnostic::{Diagnostic, code};
use super::parse::one_line;
use super::split::card_ids;
use crate::deck::{Card, CardId, CardKind};

/// Every card whose id an earlier card already has. Run it over all the cards loaded
/// together (every file), since identities must be unique across files too. Cards with an
/// empty front are skipped: they are already errors of their own.
///
/// The ids of the cards a note makes (`<id>/reverse`, `<id>/c2`) count too: a pinned id
/// written like one of them would share its history.
pub fn duplicate_ids(cards: &[Card]) -> Vec<Diagnostic> {
    let mut seen: HashMap<CardId, &Card> = HashMap::with_capacity(cards.len());
    let mut diagnostics = Vec::new();
    for card in cards {
        if !card.pinned && card.front.trim().is_empty() {
            continue;
        }
        let mut derived = match card.kind {
            CardKind::Reversed | CardKind::Cloze => card_ids(card),
            _ => Vec::new(),
        };
        // A reversed note's forward card has the note's own id.
        derived.retain(|id| *id != card.id);
        let mut reported = false;
        for id in std::iter::once(card.id.clone()).chain(derived) {
            match seen.entry(id) {
                Entry::Vacant(slot) => {
                    slot.insert(card);
                }
                Entry::Occupied(first) if !reported => {
                    reported = true;
                    diagnostics.push(duplicate(first.get(), card, first.key()));
                }
                Entry::Occupied(_) => {}
            }
        }
    }
    diagnostics
}

fn duplicate(first: &Card, second: &Card, id: &CardId) -> Diagnostic {
    let (message, hint) = if first.pinned || second.pinned {
        (
            format!("the id `{id}` belongs to two cards"),
            "pinned ids must be unique across all notes: rename one `<!-- id: ... -->`",
        )
    } else {
        (
            format!(
                "two cards in deck `{}` ask \"{}\"",
                second.deck,
                one_line(&second.front)
            ),
            "a card is identified by its deck and question (case and spacing ignored): \
             reword one question, merge the two cards, or pin distinct ids with `<!-- id: NAME -->`",
        )
    };
    Diagnostic::error(code::DUPLICATE_ID, second.location.clone(), message)
        .label("same identity as another card")
        .related(first.location.clone(), 0, "first card with this identity")
        .hint(hint)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::notes::parse_file;

    #[test]
    fn same_question_twice_is_reported_at_the_second_with_the_first_related() {
        let text = "## What is a term?\nA\n\n## what is  a TERM?\nB\n";
        let cards = parse_file(Path::new("a.md"), text, Some("Raft")).cards;
        let found = duplicate_ids(&cards);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].code, code::DUPLICATE_ID);
        assert_eq!(found[0].location.line, 4);
        assert_eq!(found[0].related[0].location.line, 1);
    }

    #[test]
    fn same_question_in_two_decks_is_fine() {
        let mut cards = parse_file(Path::new("a.md"), "## Q\nA\n", Some("One")).cards;
        cards.extend(parse_file(Path::new("b.md"), "## Q\nA\n", Some("Two")).cards);
        assert!(duplicate_ids(&cards).is_empty());
    }

    #[test]
    fn pinned_ids_collide_across_files() {
        let mut cards = parse_file(Path::new("a.md"), "## Q1\n<!-- id: x -->\nA\n", None).cards;
        cards.extend(parse_file(Path::new("b.md"), "## Q2\n<!-- id: x -->\nB\n", None).cards);
        let found = duplicate_ids(&cards);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].location.file, Path::new("b.md"));
        assert_eq!(found[0].related[0].location.file, Path::new("a.md"));
        assert!(found[0].message.contains("`x`"));
    }

    #[test]
    fn a_pinned_id_may_not_be_the_id_of_another_notes_card() {
        let text = "## Q1\n<!-- id: x -->\n<!-- reverse: yes -->\nA\n\n## Q2\n<!-- id: x/reverse -->\nB\n\n## {{c1::Q3}}\n<!-- id: y -->\n\n## Q4\n<!-- id: y/c1 -->\nD\n";
        let cards = parse_file(Path::new("a.md"), text, None).cards;
        let found = duplicate_ids(&cards);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0].message.contains("`x/reverse`"),
            "{}",
            found[0].message
        );
        assert!(found[1].message.contains("`y/c1`"), "{}", found[1].message);
    }
}
