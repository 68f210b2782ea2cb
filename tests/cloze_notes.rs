//! Cloze deletions in the notes format (GUIDE.md, "Cloze deletions"): what makes a cloze
//! note, where its front (Anki's Text) ends, which faults refuse the card, and what keeps
//! its identity.

use std::path::Path;

use mdcards::deck::{Card, CardId, CardKind};
use mdcards::notes::{ParsedFile, code, duplicate_ids, parse_file, split};

fn parse(text: &str) -> ParsedFile {
    parse_file(Path::new("notes/raft.md"), text, Some("Raft"))
}

fn only_card(parsed: &ParsedFile) -> &Card {
    assert_eq!(parsed.diagnostics, [], "{:#?}", parsed.diagnostics);
    assert_eq!(parsed.cards.len(), 1, "{:#?}", parsed.cards);
    &parsed.cards[0]
}

/// (code, line, column, message) of each diagnostic.
fn faults(parsed: &ParsedFile) -> Vec<(&'static str, u32, u32, String)> {
    parsed
        .diagnostics
        .iter()
        .map(|d| (d.code, d.location.line, d.location.col, d.message.clone()))
        .collect()
}

#[test]
fn a_cloze_in_the_heading_makes_the_heading_the_text_and_the_body_the_extra() {
    let parsed = parse(
        "## A cluster of {{c1::5}} servers tolerates {{c2::2}} failures\n\nA majority (3) must stay up.\n",
    );
    let card = only_card(&parsed);
    assert_eq!(card.kind, CardKind::Cloze);
    assert_eq!(
        card.front,
        "A cluster of {{c1::5}} servers tolerates {{c2::2}} failures"
    );
    assert_eq!(card.back, "A majority (3) must stay up.");
}

#[test]
fn without_a_separator_the_text_ends_with_the_last_block_holding_a_cloze() {
    let parsed = parse(
        "## Quorums\n\nIn Raft, a {{c1::majority}} of servers decides.\n\n- {{c2::Votes}} need one\n- so do commits\n\nWhy: two majorities always overlap.\n",
    );
    let card = only_card(&parsed);
    assert_eq!(
        card.front,
        "Quorums\n\nIn Raft, a {{c1::majority}} of servers decides.\n\n- {{c2::Votes}} need one\n- so do commits"
    );
    assert_eq!(card.back, "Why: two majorities always overlap.");
}

#[test]
fn a_separator_ends_the_text_and_a_cloze_below_it_refuses_the_card() {
    let card = parse("## Quorums\n\nA {{c1::majority}} decides.\n%\nAnd {{c2::why}}?\n");
    assert!(card.cards.is_empty());
    assert_eq!(
        faults(&card),
        [(
            code::MISPLACED_CLOZE,
            5,
            5,
            "a cloze below `%` is never asked".to_owned()
        )]
    );
    assert_eq!(card.diagnostics[0].related[0].location.line, 1);

    let parsed = parse("## Quorums\n\nA {{c1::majority}} decides.\n\nMore text.\n%\nExtra.\n");
    let card = only_card(&parsed);
    assert_eq!(
        card.front,
        "Quorums\n\nA {{c1::majority}} decides.\n\nMore text."
    );
    assert_eq!(card.back, "Extra.");
}

#[test]
fn a_cloze_card_needs_no_extra() {
    let parsed = parse("## The leader is elected by a {{c1::majority}} vote\n\n## Next?\nYes\n");
    assert_eq!(parsed.cards.len(), 2);
    assert_eq!(parsed.cards[0].back, "");
    assert_eq!(parsed.diagnostics, []);
}

#[test]
fn malformed_clozes_are_errors_at_their_place_and_refuse_the_card() {
    let parsed = parse(
        "## One\n\nA {{c1::majority decides.\n\n## Two\n\nNumber {{c0::zero}}.\n\n## Three\n\nEmpty {{c1::}} here.\n\n## Four\nFine {{c1::yes}}.\n",
    );
    assert_eq!(
        faults(&parsed),
        [
            (
                code::MALFORMED_CLOZE,
                3,
                3,
                "cloze is never closed".to_owned()
            ),
            (
                code::MALFORMED_CLOZE,
                7,
                8,
                "cloze number 0 makes no card".to_owned()
            ),
            (
                code::MALFORMED_CLOZE,
                11,
                7,
                "cloze hides nothing".to_owned()
            ),
        ]
    );
    // Each names its card, which is left out.
    let related: Vec<u32> = parsed
        .diagnostics
        .iter()
        .map(|d| d.related[0].location.line)
        .collect();
    assert_eq!(related, [1, 5, 9]);
    assert!(parsed.diagnostics.iter().all(|d| d.is_error()));
    assert_eq!(parsed.cards.len(), 1);
    assert_eq!(parsed.cards[0].front, "Four\n\nFine {{c1::yes}}.");
}

#[test]
fn mistyped_openers_and_crossed_boundaries_are_errors() {
    let parsed = parse(
        "## A\n{{c1:x}}\n\n## B\n{{C2::x}}\n\n## C\n{{c1::one\n\ntwo}}\n\n## D\n`{{c1::x` y}}\n",
    );
    let messages: Vec<String> = faults(&parsed).into_iter().map(|f| f.3).collect();
    assert_eq!(
        messages,
        [
            "cloze with one colon after its number",
            "cloze written with a capital C",
            "cloze starts and ends in different paragraphs",
            "cloze starts and ends in different code spans",
        ]
    );
    assert!(parsed.cards.is_empty());
}

#[test]
fn clozes_in_code_and_math_are_clozes_and_plain_templates_are_not() {
    let parsed = parse(
        "## Complete the loop\n\n```rust\nfor i in {{c1::0..n}} {}\n```\n\nand $x = {{c2::2}}$\n\n## Handlebars\n\n`{{config}}` and {{name}} are not clozes.\n",
    );
    assert_eq!(parsed.diagnostics, []);
    assert_eq!(parsed.cards[0].kind, CardKind::Cloze);
    assert_eq!(parsed.cards[1].kind, CardKind::Basic);
    let cards = split(parsed.cards[0].clone());
    assert_eq!(cards.len(), 2);
}

#[test]
fn a_scenario_card_cannot_hold_clozes() {
    let parsed = parse("## Vote {{c1::yes}}?\n\n```raft\ncluster 3\n```\n");
    assert!(parsed.cards.is_empty());
    assert_eq!(parsed.diagnostics[0].code, code::MISPLACED_CLOZE);
    assert_eq!(
        (
            parsed.diagnostics[0].location.line,
            parsed.diagnostics[0].location.col
        ),
        (1, 9)
    );
}

#[test]
fn editing_or_renumbering_a_cloze_keeps_the_note_and_editing_the_text_does_not() {
    let id = |text: &str| only_card(&parse(text)).id.clone();
    let original = id("## A cluster of {{c1::5}} servers tolerates {{c2::2}} failures\nx\n");
    assert_eq!(
        original,
        id("## A cluster of {{c1::7}} servers tolerates {{c2::3::how many?}} failures\nx\n")
    );
    assert_eq!(
        original,
        id("## A cluster of {{c2::5}} servers tolerates {{c3::2}} failures\nx\n")
    );
    assert_ne!(
        original,
        id("## A cluster of {{c1::5}} machines tolerates {{c2::2}} failures\nx\n")
    );
    // The note's identity: its deck and its text with every cloze reduced to `{{c}}`.
    assert_eq!(
        original,
        CardId::from_front(
            "Raft",
            "A cluster of {{c}} servers tolerates {{c}} failures"
        )
    );
    assert_ne!(
        original,
        id("## A cluster of 5 servers tolerates 2 failures\nx\n")
    );
}

#[test]
fn two_cloze_notes_that_read_the_same_with_their_clozes_hidden_are_one_identity() {
    let parsed = parse(
        "## {{c1::Five}} servers tolerate {{c2::two}} failures\n\n## {{c1::Seven}} servers tolerate {{c2::three}} failures\n",
    );
    let found = duplicate_ids(&parsed.cards);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].code, code::DUPLICATE_ID);
    assert_eq!(found[0].location.line, 3);
}

#[test]
fn the_cards_of_a_cloze_note_follow_its_numbers() {
    let parsed = parse("## {{c2::Raft}} and {{c1::Paxos}} and {{c2::Zab}}\nx\n");
    let note = only_card(&parsed).clone();
    let cards: Vec<(String, String)> = split(note.clone())
        .into_iter()
        .map(|c| (c.card.id.to_string(), c.card.front))
        .collect();
    assert_eq!(
        cards,
        [
            (
                format!("{}/c1", note.id),
                "Raft and {{c1::Paxos}} and Zab".to_owned()
            ),
            (
                format!("{}/c2", note.id),
                "{{c2::Raft}} and Paxos and {{c2::Zab}}".to_owned()
            ),
        ]
    );
}
