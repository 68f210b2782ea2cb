//! Reversed cards in the notes format (GUIDE.md, "Reversed cards"): asking a card both
//! ways, per card and per file, and what it does to identity.

use std::path::Path;

use mdcards::deck::{CardId, CardKind};
use mdcards::notes::{ParsedFile, code, parse_file, split};

fn parse(text: &str) -> ParsedFile {
    parse_file(Path::new("notes/raft.md"), text, Some("Raft"))
}

fn kinds(parsed: &ParsedFile) -> Vec<CardKind> {
    parsed.cards.iter().map(|c| c.kind).collect()
}

#[test]
fn a_comment_under_the_heading_asks_a_card_both_ways() {
    let parsed = parse(
        "## What is a term?\n<!-- reverse: yes -->\n\nA logical clock.\n\n## Who votes?\nEveryone.\n",
    );
    assert_eq!(parsed.diagnostics, []);
    assert_eq!(kinds(&parsed), [CardKind::Reversed, CardKind::Basic]);
    // The comment is not part of either side.
    assert_eq!(parsed.cards[0].back, "A logical clock.");
}

#[test]
fn front_matter_asks_every_basic_card_of_the_file_and_a_card_may_say_no() {
    let parsed = parse(
        "---\nreverse: true\n---\n## Term?\nA clock.\n\n## Index?\n<!-- reverse: no -->\nA position.\n\n## Quorum of {{c1::5}}?\n\n```raft\ncluster 3\n```\n\n## Who {{c1::votes}}\n",
    );
    // The scenario card (refused here for its cloze) and the cloze card are never reversed.
    assert_eq!(
        kinds(&parsed),
        [CardKind::Reversed, CardKind::Basic, CardKind::Cloze]
    );
}

#[test]
fn a_scenario_card_in_a_reversed_file_is_asked_one_way() {
    let parsed = parse("---\nreverse: true\n---\n## Vote?\n\n```raft\ncluster 3\n```\n");
    assert_eq!(parsed.diagnostics, []);
    assert_eq!(kinds(&parsed), [CardKind::Basic]);
}

#[test]
fn adding_reversal_keeps_the_forward_cards_identity() {
    let plain = parse("## What is a term?\nA logical clock.\n");
    let reversed = parse("## What is a term?\n<!-- reverse: yes -->\nA logical clock.\n");
    let id = plain.cards[0].id.clone();
    assert_eq!(reversed.cards[0].id, id);
    let cards = split(reversed.cards[0].clone());
    let ids: Vec<&CardId> = cards.iter().map(|c| &c.card.id).collect();
    assert_eq!(ids, [&id, &CardId::reverse_of(&id)]);
    assert_eq!(cards[1].card.front, "A logical clock.");
    assert_eq!(cards[1].card.back, "What is a term?");
    assert_eq!(cards[1].card.kind, CardKind::Reverse);
}

#[test]
fn a_bad_value_two_comments_or_reversing_a_cloze_or_scenario_are_errors() {
    let parsed = parse(
        "## A?\n<!-- reverse: both -->\nx\n\n## B?\n<!-- reverse: yes -->\n<!-- reverse: no -->\ny\n\n## C {{c1::z}}\n<!-- reverse: yes -->\n\n## D?\n<!-- reverse: yes -->\n\n```raft\ncluster 3\n```\n",
    );
    let found: Vec<(&str, u32, u32)> = parsed
        .diagnostics
        .iter()
        .map(|d| (d.code, d.location.line, d.location.col))
        .collect();
    assert_eq!(
        found,
        [
            (code::MALFORMED_REVERSE, 2, 1),
            (code::MALFORMED_REVERSE, 7, 1),
            (code::MISPLACED_REVERSE, 11, 1),
            (code::MISPLACED_REVERSE, 14, 1),
        ]
    );
    assert!(parsed.diagnostics.iter().all(|d| d.is_error()));
    assert!(parsed.diagnostics[0].message.contains("\"both\""));
}

#[test]
fn a_reverse_comment_outside_a_card_is_a_warning_and_front_matter_values_are_checked() {
    let parsed = parse("<!-- reverse: yes -->\n\n## Q\nA\n");
    assert_eq!(parsed.diagnostics[0].code, code::OUTSIDE_CARD);
    assert!(!parsed.diagnostics[0].is_error());
    assert_eq!(kinds(&parsed), [CardKind::Basic]);

    let parsed = parse("---\nreverse: sometimes\n---\n## Q\nA\n");
    assert_eq!(parsed.diagnostics[0].code, code::MALFORMED_FRONT_MATTER);
    assert_eq!(parsed.diagnostics[0].location.line, 2);
}
