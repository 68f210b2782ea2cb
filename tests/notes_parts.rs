//! Parsing a file in parts (on threads, at the app edge) gives what one parse of the whole
//! gives: the same cards in the same order, the same ids, the same diagnostics. Parts that
//! could not show that are refused, and the caller parses the whole file instead.

use std::path::Path;

use mdcards::notes::{ParsedFile, join_parts, parse_file, parse_part, plan_parts_at};
use proptest::prelude::*;

/// Markdown fragments that interact across cards: fences, HTML blocks, references,
/// footnotes, titles, front matter, tags, math.
const TOKENS: &[&str] = &[
    "## ",
    "\n## ",
    "\n## Q\n",
    "# ",
    "\n# T\n",
    "### ",
    "\n",
    "\n\n",
    " ",
    "    ",
    "%",
    "\n%\n",
    "```",
    "\n```\n",
    "```raft\n",
    "~~~",
    "`",
    "[#",
    "]()",
    "[#a b]()",
    "<!--",
    "-->",
    "<!-- id: x -->",
    "<div>",
    "</div>",
    "\n<div>\n",
    "$",
    "$$",
    "[latex]",
    "[/latex]",
    "![r][ref]",
    "\n[ref]: a.png\n",
    "\n[ref]: c.png\n",
    "\n[Ref]:\n  d.png \"t\"\n",
    "\n## D\n[ref]: e.png\n![d][ref]\n",
    "[ref]",
    "[other]",
    "\n[other]: b.png\n",
    "[^1]",
    "[^1]: n\n",
    "> ",
    "- ",
    "1. ",
    "---\n",
    "|a|\n|-|\n",
    "é",
    "Q",
    "answer",
    "tags: [a]\n",
];

fn markdownish() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..80).prop_map(|tokens| tokens.concat())
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        markdownish(),
        markdownish().prop_map(|t| format!("---\ntags: [ft]\n---\n{t}")),
        markdownish().prop_map(|t| format!("# Deck\n{t}")),
        any::<String>(),
    ]
}

/// Every line start that looks like a card heading (`## `), wherever it is.
fn card_lines(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
    starts
        .into_iter()
        .filter(|&at| {
            let line = &text.as_bytes()[at..];
            line.starts_with(b"##")
                && matches!(line.get(2), None | Some(b' ' | b'\t' | b'\r' | b'\n'))
        })
        .collect()
}

fn in_parts(text: &str, cuts: &[usize], min_piece: usize) -> Option<ParsedFile> {
    let path = Path::new("notes/a.md");
    let plan = plan_parts_at(path, text, None, cuts, min_piece);
    let parts = (0..plan.len())
        .map(|i| parse_part(path, text, &plan, i))
        .collect();
    join_parts(path, text, &plan, None, parts)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn parts_never_change_the_result(
        text in any_text(),
        keep in prop::collection::vec(any::<bool>(), 0..16),
        tiny_pieces in any::<bool>(),
    ) {
        let whole = parse_file(Path::new("notes/a.md"), &text, None);
        let lines = card_lines(&text);
        // Every heading line, and a random subset of them, as cuts.
        let some: Vec<usize> = lines
            .iter()
            .zip(keep.iter().cycle())
            .filter(|(_, keep)| **keep)
            .map(|(at, _)| *at)
            .collect();
        let min_piece = if tiny_pieces { 0 } else { 64 * 1024 };
        for cuts in [&lines, &some] {
            if let Some(parts) = in_parts(&text, cuts, min_piece) {
                prop_assert_eq!(&parts.cards, &whole.cards, "cut at {:?}", cuts);
                prop_assert_eq!(&parts.diagnostics, &whole.diagnostics, "cut at {:?}", cuts);
            }
        }
    }

    /// Ordinary notes (closed fences, one title, no cross-card references) are never
    /// refused, so big files really are parsed in parts.
    #[test]
    fn ordinary_notes_join(
        cards in prop::collection::vec(
            ("[a-zA-Z ]{1,20}", prop::sample::select(&[
                "answer\n",
                "- a\n- b\n",
                "```json\n{\"term\": 1}\n## not a card\n```\n",
                "[#raft]() [#log replication]()\n\nanswer with `code`\n",
                "<!-- id: pinned -->\nanswer\n",
                "$$\nx\n%\n$$\n",
            ][..])),
            1..12,
        ),
        title in prop::option::of("[a-zA-Z]{1,10}"),
    ) {
        let mut text = title.map(|t| format!("# {t}\n\n")).unwrap_or_default();
        for (i, (front, back)) in cards.iter().enumerate() {
            text.push_str(&format!("## {i} {front}\n{back}\n"));
        }
        let lines = card_lines(&text);
        let cuts: Vec<usize> = lines
            .iter()
            .copied()
            .filter(|&at| !text[..at].ends_with("```json\n{\"term\": 1}\n"))
            .collect();
        let parts = in_parts(&text, &cuts, 0);
        prop_assert!(parts.is_some(), "refused: {:?}", text);
        let parts = parts.unwrap();
        let whole = parse_file(Path::new("notes/a.md"), &text, None);
        prop_assert_eq!(&parts.cards, &whole.cards);
        prop_assert_eq!(&parts.diagnostics, &whole.diagnostics);
    }
}

#[test]
fn a_generated_deck_in_two_parts_is_the_whole_deck() {
    let card = |i: usize| {
        format!(
            "## Question {i}: how does the leader handle terms?\n\n\
             1. A follower grants the vote when term {i} ends.\n    1. Uses `nextIndex[2]`.\n\n\
             ```json\n{{\"term\": {i}}}\n```\n\n[#raft]() [#terms]()\n\n"
        )
    };
    let text: String = std::iter::once("# Generated::Raft\n\n".to_owned())
        .chain((0..500).map(card))
        .collect();
    let middle = card_lines(&text)[250];
    let parts = in_parts(&text, &[middle], 64 * 1024).expect("joined");
    let whole = parse_file(Path::new("notes/a.md"), &text, None);
    assert_eq!(parts.cards.len(), 500);
    assert_eq!(parts.cards, whole.cards);
    assert_eq!(parts.diagnostics, whole.diagnostics);
}
