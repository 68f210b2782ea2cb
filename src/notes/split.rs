//! A note becomes the cards that are reviewed: a basic note is one card, a reversed note
//! its forward card (the note's own id, so asking a card both ways keeps its history) and
//! its reverse card, a cloze note one card per cloze number. Each card is scheduled on its
//! own; Anki makes the same cards from the exported note (see `export`).

use super::cloze;
use crate::deck::{Card, CardId, CardKind};

/// One card of a note.
#[derive(Clone, Debug, PartialEq)]
pub struct SplitCard {
    pub card: Card,
    /// For a cloze card, what its content fingerprint is taken of instead of its front:
    /// the note's text with its own clozes as written and the others reduced to `{{c}}`, so
    /// that editing one cloze changes that card's fingerprint only.
    pub fingerprint_front: Option<String>,
}

/// The cards of `note`, in order: the forward card before the reverse one, clozes by number.
pub fn split(note: Card) -> Vec<SplitCard> {
    let mut cards = Vec::with_capacity(1);
    split_into(note, &mut cards);
    cards
}

/// [`split`], appending to `out`.
pub fn split_into(note: Card, out: &mut Vec<SplitCard>) {
    match note.kind {
        CardKind::Reversed => {
            let reverse = Card {
                id: CardId::reverse_of(&note.id),
                kind: CardKind::Reverse,
                front: note.back.clone(),
                back: note.front.clone(),
                ..note.clone()
            };
            out.push(plain(Card {
                kind: CardKind::Basic,
                ..note
            }));
            out.push(plain(reverse));
        }
        CardKind::Cloze => {
            let scan = cloze::scan(&note.front);
            for number in scan.numbers() {
                out.push(SplitCard {
                    card: Card {
                        id: CardId::cloze_of(&note.id, number),
                        kind: CardKind::ClozeNumber(number),
                        front: cloze::keep_number(&note.front, &scan.clozes, number),
                        ..note.clone()
                    },
                    fingerprint_front: Some(cloze::fingerprint(&note.front, &scan.clozes, number)),
                });
            }
        }
        CardKind::Basic | CardKind::Reverse | CardKind::ClozeNumber(_) => out.push(plain(note)),
    }
}

fn plain(card: Card) -> SplitCard {
    SplitCard {
        card,
        fingerprint_front: None,
    }
}

/// The ids of the cards `note` makes, without building the cards.
pub fn card_ids(note: &Card) -> Vec<CardId> {
    match note.kind {
        CardKind::Reversed => vec![note.id.clone(), CardId::reverse_of(&note.id)],
        CardKind::Cloze => cloze::scan(&note.front)
            .numbers()
            .into_iter()
            .map(|number| CardId::cloze_of(&note.id, number))
            .collect(),
        _ => vec![note.id.clone()],
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::notes::parse_file;

    fn notes(text: &str) -> Vec<Card> {
        let parsed = parse_file(Path::new("a.md"), text, None);
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        parsed.cards
    }

    #[test]
    fn a_reversed_note_is_its_forward_card_and_its_reverse() {
        let note =
            notes("## What is a term?\n<!-- reverse: yes -->\n\nA logical clock.\n").remove(0);
        let id = note.id.clone();
        let cards = split(note);
        assert_eq!(cards.len(), 2);
        assert_eq!(cards[0].card.id, id, "the forward card keeps the note's id");
        assert_eq!(cards[0].card.kind, CardKind::Basic);
        assert_eq!(cards[1].card.id, CardId::reverse_of(&id));
        assert_eq!(cards[1].card.front, "A logical clock.");
        assert_eq!(cards[1].card.back, "What is a term?");
        assert_eq!(
            card_ids(&notes("---\nreverse: true\n---\n## Q\nA\n")[0]).len(),
            2
        );
    }

    #[test]
    fn a_cloze_note_is_one_card_per_number() {
        let note = notes("## A cluster of {{c1::5}} servers tolerates {{c2::2}} failures\n\nA majority must survive.\n")
            .remove(0);
        assert_eq!(note.kind, CardKind::Cloze);
        let ids = card_ids(&note);
        let cards = split(note);
        assert_eq!(cards.len(), 2);
        assert_eq!(
            cards.iter().map(|c| c.card.id.clone()).collect::<Vec<_>>(),
            ids
        );
        assert_eq!(cards[1].card.kind, CardKind::ClozeNumber(2));
        assert_eq!(
            cards[1].card.front,
            "A cluster of 5 servers tolerates {{c2::2}} failures"
        );
        assert_eq!(cards[1].card.back, "A majority must survive.");
        assert_eq!(
            cards[1].fingerprint_front.as_deref(),
            Some("A cluster of {{c}} servers tolerates {{c2::2}} failures")
        );
    }
}
