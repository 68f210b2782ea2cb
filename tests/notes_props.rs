//! Properties of the notes parser on arbitrary input: it never panics, never drops a card
//! silently, locates everything inside the file, and parsing in pieces changes nothing.

use std::path::Path;

use mdcards::notes::{LineIndex, ParsedFile, markdown, parse_file, parse_file_in_pieces};
use proptest::prelude::*;
use pulldown_cmark::{Event, HeadingLevel, Parser, Tag};

/// Pieces of markdown syntax that interact: headings, fences, tags, comments, math...
const TOKENS: &[&str] = &[
    "## ",
    "# ",
    "### ",
    "##",
    "\n",
    "\n\n",
    "\r\n",
    " ",
    "   ",
    "    ",
    "\t",
    "%",
    "\n%\n",
    "```",
    "```raft\n",
    "```json\n",
    "~~~",
    "`",
    "[#",
    "]()",
    "](x.md)",
    "[#a b]()",
    "<!--",
    "-->",
    "<!-- id: x -->",
    "<!-- di: y -->",
    "id:",
    "$",
    "$$",
    "[latex]",
    "[/latex]",
    "![i](",
    "img.png)",
    "![r][ref]",
    "\n[ref]: a.png\n",
    "[ref]",
    "> ",
    "- ",
    "1. ",
    "---\n",
    "===",
    "<div>",
    "</div>",
    "|a|\n|-|\n",
    "*",
    "_",
    "[^1]",
    "[^1]: n\n",
    "\\",
    "é",
    "→",
    "\u{0}",
    "Q",
    "answer",
    "tags: [a]\n",
    "reverse: true\n",
    "<!-- reverse: yes -->",
    "{{c1::",
    "{{c2::",
    "{{c0::",
    "::",
    "}}",
];

fn markdownish() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..60).prop_map(|tokens| tokens.concat())
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        markdownish(),
        markdownish().prop_map(|t| format!("---\n{t}"))
    ]
}

/// Where front matter ends (0 without): `---`, a non-blank line, ..., `---` or `...`.
fn front_matter_end(text: &str) -> usize {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    if lines.first().map(|l| l.trim_end()) != Some("---")
        || lines.get(1).is_none_or(|l| l.trim().is_empty())
    {
        return 0;
    }
    let closing = lines
        .iter()
        .skip(2)
        .position(|l| matches!(l.trim_end(), "---" | "..."));
    closing.map_or(0, |i| lines[..i + 3].concat().len())
}

/// Lines (1-based) of every `## ` heading a whole-document parse finds, at any depth, after
/// any front matter (where `#` starts a YAML comment).
fn card_heading_lines(text: &str) -> Vec<u32> {
    let index = LineIndex::new(text);
    let from = front_matter_end(text);
    Parser::new_ext(&text[from..], markdown::options())
        .into_offset_iter()
        .map(|(event, range)| (event, range.start + from..range.end + from))
        .filter(|(event, range)| {
            matches!(
                event,
                Event::Start(Tag::Heading {
                    level: HeadingLevel::H2,
                    ..
                })
            ) && text[range.clone()].starts_with('#')
        })
        .map(|(_, range)| index.line_col(range.start).0)
        .collect()
}

fn check_invariants(text: &str, parsed: &ParsedFile) -> Result<(), TestCaseError> {
    let index = LineIndex::new(text);
    let line_count = u32::try_from(text.split('\n').count()).unwrap();
    // Every `## ` heading outside code is a card, or a diagnostic says why not (at the
    // heading, or at the fault with the heading alongside, like a malformed cloze).
    for line in card_heading_lines(text) {
        let is_card = parsed.cards.iter().any(|c| c.location.line == line);
        let is_reported = parsed
            .diagnostics
            .iter()
            .any(|d| d.location.line == line || d.related.iter().any(|r| r.location.line == line));
        prop_assert!(is_card || is_reported, "heading on line {line} vanished");
    }
    for card in &parsed.cards {
        let offset = index.offset(card.location.line, card.location.col);
        prop_assert!(
            offset.is_some(),
            "card outside the file: {:?}",
            card.location
        );
        let rest = &text[offset.unwrap()..];
        prop_assert!(rest.starts_with('#'), "card not at a heading: {rest:?}");
        prop_assert!(!card.id.as_str().is_empty());
        prop_assert_eq!(&card.deck, card.deck.trim());
    }
    for diagnostic in &parsed.diagnostics {
        let location = &diagnostic.location;
        if location.line == 0 {
            continue;
        }
        prop_assert!(location.line <= line_count, "{diagnostic:?}");
        let offset = index.offset(location.line, location.col);
        prop_assert!(
            offset.is_some(),
            "diagnostic outside the file: {diagnostic:?}"
        );
        prop_assert!(
            offset.unwrap() + diagnostic.len <= text.len(),
            "{diagnostic:?}"
        );
        prop_assert!(!diagnostic.message.is_empty() && !diagnostic.hint.is_empty());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_text_parses_without_losing_a_heading(text in any_text()) {
        let parsed = parse_file(Path::new("notes/a.md"), &text, None);
        check_invariants(&text, &parsed)?;
    }

    #[test]
    fn pieces_never_change_the_result(text in any_text()) {
        let path = Path::new("notes/a.md");
        let tiny = parse_file_in_pieces(path, &text, None, 0);
        let whole = parse_file_in_pieces(path, &text, None, usize::MAX);
        prop_assert_eq!(&tiny.cards, &whole.cards);
        prop_assert_eq!(&tiny.diagnostics, &whole.diagnostics);
    }
}

// ---- well-formed notes built from fragments ----------------------------------------------

#[derive(Debug, Clone)]
enum Block {
    Paragraph(String),
    Code {
        language: &'static str,
        lines: Vec<String>,
    },
    Tags(Vec<String>),
    Quote(String),
    List(Vec<String>),
    Math(String),
    Comment(String),
}

fn word() -> impl Strategy<Value = String> {
    "[a-zA-Z][a-zA-Z0-9]{0,8}"
}

fn words() -> impl Strategy<Value = String> {
    prop::collection::vec(word(), 1..6).prop_map(|w| w.join(" "))
}

fn block() -> impl Strategy<Value = Block> {
    prop_oneof![
        words().prop_map(Block::Paragraph),
        (
            prop::sample::select(&["", "json", "raft", "rust"][..]),
            prop::collection::vec(
                prop_oneof![
                    words(),
                    words().prop_map(|w| format!("## {w}")),
                    Just("%".to_owned())
                ],
                0..4
            )
        )
            .prop_map(|(language, lines)| Block::Code { language, lines }),
        prop::collection::vec(
            prop::collection::vec(word(), 1..3).prop_map(|w| w.join(" ")),
            1..4
        )
        .prop_map(Block::Tags),
        words().prop_map(Block::Quote),
        prop::collection::vec(words(), 1..4).prop_map(Block::List),
        words().prop_map(Block::Math),
        words().prop_map(Block::Comment),
    ]
}

fn render(block: &Block) -> String {
    match block {
        Block::Paragraph(text) => format!("{text}\n"),
        Block::Code { language, lines } => {
            let body: String = lines.iter().map(|l| format!("{l}\n")).collect();
            format!("```{language}\n{body}```\n")
        }
        Block::Tags(tags) => {
            let links: Vec<String> = tags.iter().map(|t| format!("[#{t}]()")).collect();
            format!("{}\n", links.join(" "))
        }
        Block::Quote(text) => format!("> ## {text}\n"),
        Block::List(items) => items.iter().map(|i| format!("- {i}\n")).collect(),
        Block::Math(text) => format!("$$\n{text}\n%\n$$\n"),
        Block::Comment(text) => format!("<!-- {text} -->\n"),
    }
}

#[derive(Debug, Clone)]
struct Note {
    front: String,
    blocks: Vec<Block>,
}

fn note() -> impl Strategy<Value = Note> {
    (words(), prop::collection::vec(block(), 1..5))
        .prop_map(|(front, blocks)| Note { front, blocks })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn every_heading_of_well_formed_notes_is_a_card(
        title in prop::option::of(words()),
        notes in prop::collection::vec(note(), 0..8),
    ) {
        let mut text = String::new();
        if let Some(title) = &title {
            text.push_str(&format!("# {title}\n\n"));
        }
        for (i, note) in notes.iter().enumerate() {
            text.push_str(&format!("## Q{i} {}\n\n", note.front));
            for block in &note.blocks {
                text.push_str(&render(block));
                text.push('\n');
            }
        }
        let parsed = parse_file(Path::new("notes/a.md"), &text, None);
        // A note whose back is nothing but tags lines has no answer: it is not a card, and a
        // finding (a warning outside `check`) says so.
        let answered = |note: &&Note| !note.blocks.iter().all(|b| matches!(b, Block::Tags(_)));
        let fronts: Vec<String> = parsed.cards.iter().map(|c| c.front.clone()).collect();
        let expected: Vec<String> = notes
            .iter()
            .enumerate()
            .filter(|(_, n)| answered(n))
            .map(|(i, n)| format!("Q{i} {}", n.front))
            .collect();
        prop_assert_eq!(fronts, expected);
        let skipped: Vec<&str> = parsed
            .diagnostics
            .iter()
            .filter(|d| d.lint)
            .map(|d| d.code)
            .collect();
        let unanswered = notes.iter().filter(|n| !answered(n)).count();
        prop_assert_eq!(skipped, vec!["empty-back"; unanswered]);
        // The only error well-formed fragments can make: a second ```raft block in one card.
        let mut expected_errors = Vec::new();
        for note in notes.iter().filter(answered) {
            let rafts = note
                .blocks
                .iter()
                .filter(|b| matches!(b, Block::Code { language: "raft", .. }))
                .count();
            expected_errors.extend(std::iter::repeat_n("extra-scenario", rafts.saturating_sub(1)));
        }
        let errors: Vec<&str> =
            parsed.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.code).collect();
        prop_assert_eq!(errors, expected_errors);
        for (card, note) in parsed.cards.iter().zip(notes.iter().filter(answered)) {
            let tags: Vec<String> = note
                .blocks
                .iter()
                .filter_map(|b| match b { Block::Tags(t) => Some(t.clone()), _ => None })
                .flatten()
                .map(|t| t.replace(' ', "_"))
                .fold(Vec::new(), |mut all, t| { if !all.contains(&t) { all.push(t) } all });
            prop_assert_eq!(&card.tags, &tags);
            prop_assert!(!card.back.contains("[#"));
            let raft = note.blocks.iter().any(|b| matches!(b, Block::Code { language: "raft", .. }));
            prop_assert_eq!(card.scenario.is_some(), raft);
        }
        check_invariants(&text, &parsed)?;
    }
}

// ---- regressions the properties found ------------------------------------------------------

fn same_in_pieces_and_whole(text: &str) {
    let path = Path::new("notes/a.md");
    let tiny = parse_file_in_pieces(path, text, None, 0);
    let whole = parse_file_in_pieces(path, text, None, usize::MAX);
    assert_eq!(tiny.cards, whole.cards, "{text:?}");
    assert_eq!(tiny.diagnostics, whole.diagnostics, "{text:?}");
}

#[test]
fn rules_around_a_card_are_not_front_matter_in_any_piece() {
    // pulldown-cmark read `---` ... `---` anywhere as a metadata block: whole, the card was
    // swallowed; in pieces, it was not.
    same_in_pieces_and_whole("\n---\n## \n[ref]: a.png\n---\n");
    let parsed = parse_file(Path::new("a.md"), "\n---\n## Q\nA\n---\n", None);
    assert_eq!(parsed.cards.len(), 1);
}

#[test]
fn footnotes_defined_in_a_later_card_resolve_as_in_a_whole_parse() {
    // A footnote reference inside a tags line is not a tag when the footnote is defined,
    // even by a later card.
    same_in_pieces_and_whole("---\n    ## \n[#[^1]: n\n ]()\n## ## ## \n[ref]: a.png\n[^1]: n\n");
    let parsed = parse_file(
        Path::new("a.md"),
        "## Q\n[#a[^1]]()\n\nA\n## R\n[^1]: note\n",
        None,
    );
    assert_eq!(parsed.diagnostics[0].code, "malformed-tags");
}
