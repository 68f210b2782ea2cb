//! One test per rule of the notes format (GUIDE.md, "The notes format").

use std::path::{Path, PathBuf};

use mdcards::deck::Card;
use mdcards::notes::{Diagnostic, ParsedFile, Severity, code, duplicate_ids, parse_file};

fn parse(text: &str) -> ParsedFile {
    parse_file(Path::new("notes/raft.md"), text, None)
}

fn fronts(parsed: &ParsedFile) -> Vec<&str> {
    parsed.cards.iter().map(|c| c.front.as_str()).collect()
}

fn codes(parsed: &ParsedFile) -> Vec<&'static str> {
    parsed.diagnostics.iter().map(|d| d.code).collect()
}

fn only_card(parsed: &ParsedFile) -> &Card {
    assert_eq!(parsed.cards.len(), 1, "{:#?}", parsed.cards);
    &parsed.cards[0]
}

/// Each image of the card: as written, resolved, and where (line, column).
fn media(card: &Card) -> Vec<(&str, &Path, u32, u32)> {
    card.media
        .iter()
        .map(|m| {
            (
                m.written.as_str(),
                m.path.as_path(),
                m.location.line,
                m.location.col,
            )
        })
        .collect()
}

fn at(diagnostic: &Diagnostic) -> (u32, u32) {
    (diagnostic.location.line, diagnostic.location.col)
}

// ---- cards -------------------------------------------------------------------------------

#[test]
fn a_card_is_a_level_two_heading_and_the_text_up_to_the_next_one() {
    let parsed =
        parse("## What is a term?\n\nA logical clock.\n\n### Detail\nMore.\n\n## Next?\nYes.\n");
    assert_eq!(fronts(&parsed), ["What is a term?", "Next?"]);
    assert_eq!(
        parsed.cards[0].back,
        "A logical clock.\n\n### Detail\nMore."
    );
    assert_eq!(parsed.cards[1].back, "Yes.");
    assert_eq!(parsed.diagnostics, []);
}

#[test]
fn a_title_ends_the_card_before_it() {
    let parsed = parse("# Deck\n## Q\nA\n# Deck again\ntext\n");
    assert_eq!(parsed.cards[0].back, "A");
    assert_eq!(codes(&parsed), [code::DUPLICATE_TITLE, code::OUTSIDE_CARD]);
}

#[test]
fn cards_keep_file_and_line() {
    let parsed = parse("# T\n\n## One\na\n\n  ## Two\nb\n");
    let places: Vec<(PathBuf, u32, u32)> = parsed
        .cards
        .iter()
        .map(|c| (c.location.file.clone(), c.location.line, c.location.col))
        .collect();
    assert_eq!(
        places,
        [
            (PathBuf::from("notes/raft.md"), 3, 1),
            (PathBuf::from("notes/raft.md"), 6, 3)
        ]
    );
}

#[test]
fn closing_hashes_and_inline_markdown_in_fronts() {
    let parsed =
        parse("## What does `commitIndex` mean? ##\nIndex of the highest committed entry.\n");
    assert_eq!(fronts(&parsed), ["What does `commitIndex` mean?"]);
}

#[test]
fn a_heading_inside_a_code_block_is_not_a_card() {
    let parsed = parse("## Q\n```md\n## not a card\n```\n");
    let card = only_card(&parsed);
    assert_eq!(card.back, "```md\n## not a card\n```");
    assert_eq!(parsed.diagnostics, []);
}

#[test]
fn text_before_the_first_card_is_not_a_card_but_a_warning() {
    let parsed = parse("Some intro.\n\nMore intro.\n\n## Q\nA\n");
    assert_eq!(fronts(&parsed), ["Q"]);
    assert_eq!(codes(&parsed), [code::OUTSIDE_CARD]);
    assert_eq!(parsed.diagnostics[0].severity, Severity::Warning);
    assert_eq!(at(&parsed.diagnostics[0]), (1, 1));
}

#[test]
fn deeper_headings_are_part_of_the_answer() {
    let card = only_card(&parse("## Q\n### Part 1\nx\n#### Part 2\ny\n")).clone();
    assert_eq!(card.back, "### Part 1\nx\n#### Part 2\ny");
}

#[test]
fn underlined_and_nested_headings_are_warned_about_not_cards() {
    let parsed = parse("## Q\nA\n\nSection\n-------\n\n- item\n\n   ## indented into the list\n");
    assert_eq!(fronts(&parsed), ["Q"]);
    assert_eq!(
        codes(&parsed),
        [code::UNDERLINED_HEADING, code::NESTED_HEADING]
    );
    assert_eq!(at(&parsed.diagnostics[0]), (4, 1));
    assert_eq!(parsed.diagnostics[1].location.line, 9);
}

#[test]
fn crlf_line_endings_work() {
    let parsed = parse("# Deck\r\n## Q\r\nfront more\r\n%\r\nA\r\n");
    let card = only_card(&parsed);
    assert_eq!(card.front, "Q\n\nfront more");
    assert_eq!(card.back, "A");
}

#[test]
fn a_file_without_cards_is_a_warning() {
    let parsed = parse("# Just a title\n\nSome notes.\n");
    assert!(parsed.cards.is_empty());
    // Whole-file diagnostics (line 0) come first.
    assert_eq!(codes(&parsed), [code::NO_CARDS, code::OUTSIDE_CARD]);
}

// ---- front / back separator ------------------------------------------------------------

#[test]
fn a_percent_line_splits_a_multi_line_front_from_the_back() {
    let card = only_card(&parse(
        "## YAGNI\n\nDescribe this acronym.\n\n%\n\nYou aren't gonna need it.\n",
    ))
    .clone();
    assert_eq!(card.front, "YAGNI\n\nDescribe this acronym.");
    assert_eq!(card.back, "You aren't gonna need it.");
}

#[test]
fn a_percent_line_inside_a_paragraph_still_splits() {
    let card = only_card(&parse("## Q\nline one\n%\nanswer\n")).clone();
    assert_eq!(card.front, "Q\n\nline one");
    assert_eq!(card.back, "answer");
}

#[test]
fn percent_in_code_math_or_latex_does_not_split() {
    let text = "## Q\n```tex\n%\n```\n$$\na\n%\nb\n$$\n[latex]\n%\n[/latex]\n";
    let parsed = parse(text);
    let card = only_card(&parsed);
    assert_eq!(card.front, "Q");
    assert!(card.back.starts_with("```tex\n%\n```"));
    assert_eq!(parsed.diagnostics, []);
}

#[test]
fn a_second_percent_is_an_error_and_stays_in_the_back() {
    let parsed = parse("## Q\nmore\n%\nA\n%\nB\n");
    let card = only_card(&parsed);
    assert_eq!(card.back, "A\n%\nB");
    assert_eq!(codes(&parsed), [code::EXTRA_SEPARATOR]);
    assert_eq!(at(&parsed.diagnostics[0]), (5, 1));
    assert_eq!(parsed.diagnostics[0].related[0].location.line, 3);
}

// ---- decks -----------------------------------------------------------------------------

#[test]
fn the_title_names_the_deck_and_nests_with_double_colons() {
    let parsed = parse("# Mohan :: DeepWork::Raft\n## Q\nA\n");
    assert_eq!(only_card(&parsed).deck, "Mohan::DeepWork::Raft");
}

#[test]
fn deck_override_beats_the_title() {
    let parsed = parse_file(Path::new("a.md"), "# Title\n## Q\nA\n", Some("A::B"));
    assert_eq!(only_card(&parsed).deck, "A::B");
}

#[test]
fn without_a_title_the_file_name_is_the_deck() {
    assert_eq!(only_card(&parse("## Q\nA\n")).deck, "raft");
}

#[test]
fn the_deck_is_part_of_the_identity() {
    let one = parse_file(Path::new("a.md"), "## Q\nA\n", Some("One"));
    let two = parse_file(Path::new("a.md"), "## Q\nA\n", Some("Two"));
    assert_ne!(one.cards[0].id, two.cards[0].id);
}

#[test]
fn a_second_title_is_a_warning_and_the_first_wins() {
    let parsed = parse("# First\n## Q\nA\n# Second\n## R\nB\n");
    assert!(parsed.cards.iter().all(|c| c.deck == "First"));
    assert_eq!(codes(&parsed), [code::DUPLICATE_TITLE]);
    assert_eq!(at(&parsed.diagnostics[0]), (4, 1));
    assert_eq!(parsed.diagnostics[0].related[0].location.line, 1);
}

#[test]
fn a_title_with_an_empty_part_is_an_error() {
    let parsed = parse("# Raft::\n## Q\nA\n");
    assert_eq!(codes(&parsed), [code::MALFORMED_DECK]);
    assert_eq!(only_card(&parsed).deck, "raft");
}

// ---- tags ------------------------------------------------------------------------------

#[test]
fn tag_links_tag_the_card_and_leave_the_back() {
    let parsed = parse("## Q\n[#raft]() [#leader election](./x.md)\n\nThe answer.\n\n[#terms]()\n");
    let card = only_card(&parsed);
    assert_eq!(card.tags, ["raft", "leader_election", "terms"]);
    assert_eq!(card.back, "The answer.");
    assert_eq!(parsed.diagnostics, []);
}

#[test]
fn front_matter_tags_apply_to_every_card_first() {
    let parsed =
        parse("---\ntags: [raft, consensus]\n---\n## Q\n[#terms]() [#raft]()\n\nA\n## R\nB\n");
    assert_eq!(parsed.cards[0].tags, ["raft", "consensus", "terms"]);
    assert_eq!(parsed.cards[1].tags, ["raft", "consensus"]);
    assert_eq!(parsed.diagnostics, []);
}

#[test]
fn unknown_front_matter_key_is_an_error() {
    let parsed = parse("---\ntags: [a]\ndeck: X\n---\n## Q\nA\n");
    assert_eq!(codes(&parsed), [code::UNKNOWN_FRONT_MATTER_KEY]);
    assert_eq!(at(&parsed.diagnostics[0]), (3, 1));
    assert_eq!(only_card(&parsed).tags, ["a"]);
}

#[test]
fn malformed_tags_lines_are_errors() {
    for (text, col) in [
        ("## Q\n[#raft]() and words\n\nA\n", 10),
        ("## Q\n[#raft]() [docs](http://x)\n\nA\n", 11),
        ("## Q\n[#raft] [#terms]\n\nA\n", 1),
        ("## Q\n[#]()\n\nA\n", 1),
        ("## Q\n[#raft]() ![x](y.png)\n\nA\n", 11),
    ] {
        let parsed = parse(text);
        assert_eq!(codes(&parsed), [code::MALFORMED_TAGS], "{text:?}");
        assert_eq!(at(&parsed.diagnostics[0]), (2, col), "{text:?}");
        // The line stays in the answer: nothing the author wrote disappears.
        assert!(only_card(&parsed).back.starts_with("[#"), "{text:?}");
    }
}

#[test]
fn a_tag_without_parentheses_is_named_as_such() {
    let parsed = parse("## Q\n[#raft]() [#elections]\n\nA\n");
    assert_eq!(codes(&parsed), [code::MALFORMED_TAGS]);
    let diagnostic = &parsed.diagnostics[0];
    assert_eq!(at(diagnostic), (2, 11));
    assert_eq!(diagnostic.len, "[#elections]".len());
    assert!(
        diagnostic.message.contains("`[#elections]` needs `()`"),
        "{diagnostic:?}"
    );
}

#[test]
fn an_escaped_hash_is_not_a_tags_line() {
    let parsed = parse("## Q\n[\\#1 issue](http://x) is the answer\n");
    assert_eq!(parsed.diagnostics, []);
    assert!(only_card(&parsed).tags.is_empty());
}

#[test]
fn a_tags_line_outside_a_card_is_a_warning() {
    let parsed = parse("[#raft]()\n\n## Q\nA\n");
    assert_eq!(codes(&parsed), [code::OUTSIDE_CARD]);
    assert!(only_card(&parsed).tags.is_empty());
}

// ---- identity --------------------------------------------------------------------------

#[test]
fn an_id_comment_pins_the_identity_and_leaves_the_back() {
    let parsed = parse("## Q\n<!-- id: vote-rule -->\nA <!-- TODO: reword -->\n");
    let card = only_card(&parsed);
    assert!(card.pinned);
    assert_eq!(card.id.as_str(), "vote-rule");
    assert_eq!(card.back, "A <!-- TODO: reword -->");
    assert_eq!(parsed.diagnostics, []);
}

#[test]
fn a_pinned_id_survives_editing_the_front() {
    let before = parse("## Q\n<!-- id: q1 -->\nA\n");
    let after = parse("## Question, reworded\n<!-- id: q1 -->\nA\n");
    assert_eq!(before.cards[0].id, after.cards[0].id);
    let unpinned_before = parse("## Q\nA\n");
    let unpinned_after = parse("## q\n\nA, edited\n");
    assert_eq!(unpinned_before.cards[0].id, unpinned_after.cards[0].id);
}

#[test]
fn bad_pinned_ids_are_errors() {
    for text in [
        "## Q\n<!-- id: -->\nA\n",
        "## Q\n<!-- id: two words -->\nA\n",
        "## Q\n<!-- id: a -->\n<!-- id: b -->\nA\n",
    ] {
        let parsed = parse(text);
        assert_eq!(codes(&parsed), [code::MALFORMED_ID], "{text:?}");
    }
}

#[test]
fn unknown_directives_and_stray_ids_are_warnings() {
    let parsed = parse("<!-- id: nowhere -->\n## Q\n<!-- di: typo -->\nA\n");
    assert_eq!(
        codes(&parsed),
        [code::OUTSIDE_CARD, code::UNKNOWN_DIRECTIVE]
    );
    assert!(!only_card(&parsed).pinned);
}

#[test]
fn two_cards_with_one_identity_are_reported_with_both_places() {
    let parsed = parse("## What is a term?\nA\n## What is a  Term?\nB\n");
    assert_eq!(parsed.cards.len(), 2, "both cards are kept");
    let found = duplicate_ids(&parsed.cards);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].code, code::DUPLICATE_ID);
    assert_eq!(found[0].location.line, 3);
    assert_eq!(found[0].related[0].location.line, 1);
}

// ---- empty sides -----------------------------------------------------------------------

/// As with mdanki, a heading with no answer is not a card; unlike mdanki, it is not dropped
/// silently: a finding that `check` reports as an error and every other command as a warning.
#[test]
fn a_heading_with_no_body_is_skipped_with_a_finding() {
    let parsed = parse("## Section title\n## Q\nA\n");
    assert_eq!(fronts(&parsed), ["Q"]);
    assert_eq!(codes(&parsed), [code::EMPTY_BACK]);
    let finding = &parsed.diagnostics[0];
    assert_eq!(at(finding), (1, 1));
    assert_eq!(
        finding.message,
        "heading \"Section title\" has no answer, so it is not a card"
    );
    assert!(finding.lint && !finding.is_error());
}

#[test]
fn a_back_of_only_tags_is_empty() {
    let parsed = parse("## Q\n[#raft]()\n");
    assert!(parsed.cards.is_empty());
    assert_eq!(codes(&parsed), [code::EMPTY_BACK]);
}

#[test]
fn an_empty_heading_with_no_answer_is_one_finding() {
    let parsed = parse("## Q\nA\n##\n");
    assert_eq!(fronts(&parsed), ["Q"]);
    assert_eq!(codes(&parsed), [code::EMPTY_BACK]);
    assert_eq!(
        parsed.diagnostics[0].message,
        "an empty heading with no answer is not a card"
    );
}

#[test]
fn an_empty_heading_is_an_error() {
    let parsed = parse("## \nA\n##\nB\n");
    assert_eq!(parsed.cards.len(), 2);
    assert_eq!(codes(&parsed), [code::EMPTY_FRONT, code::EMPTY_FRONT]);
    // Empty fronts are errors already, not also duplicates of each other.
    assert!(duplicate_ids(&parsed.cards).is_empty());
}

// ---- code, math, images ----------------------------------------------------------------

#[test]
fn code_blocks_keep_their_language() {
    let card = only_card(&parse("## Q\n```json\n{\"term\": 5}\n```\n")).clone();
    assert_eq!(card.back, "```json\n{\"term\": 5}\n```");
    assert!(mdcards::notes::html::render(&card.back).contains("class=\"language-json\""));
}

#[test]
fn an_unclosed_fence_is_an_error_that_counts_the_headings_it_swallows() {
    let parsed = parse("## Q\n```json\n{}\n## R\nB\n## S\nC\n");
    assert_eq!(fronts(&parsed), ["Q"]);
    assert_eq!(codes(&parsed), [code::UNCLOSED_FENCE]);
    assert_eq!(at(&parsed.diagnostics[0]), (2, 1));
    assert!(parsed.diagnostics[0].hint.contains("2 `## ` headings"));
}

#[test]
fn math_and_latex_are_kept_intact() {
    let text =
        "## Quorum?\n$\\lfloor n/2 \\rfloor + 1$, $$a_1 * b_2$$ and [latex]x_1 *y*[/latex]\n";
    let card = only_card(&parse(text)).clone();
    assert_eq!(
        card.back,
        "$\\lfloor n/2 \\rfloor + 1$, $$a_1 * b_2$$ and [latex]x_1 *y*[/latex]"
    );
    let html = mdcards::notes::html::render(&card.back);
    assert!(html.contains("\\(\\lfloor n/2 \\rfloor + 1\\)"), "{html}");
    assert!(html.contains("\\[a_1 * b_2\\]"), "{html}");
    assert!(html.contains("[latex]x_1 *y*[/latex]"), "{html}");
}

#[test]
fn an_unclosed_latex_tag_is_a_warning() {
    let parsed = parse("## Q\n[latex]x_1\n");
    assert_eq!(codes(&parsed), [code::UNCLOSED_LATEX]);
}

#[test]
fn inline_and_reference_images_are_media_resolved_against_the_file() {
    let text = "## Q\n![one](img/a.png) and ![two][ref]\n\n[ref]: ../shared/b.png \"B\"\n";
    let parsed = parse(text);
    let card = only_card(&parsed);
    assert_eq!(
        media(card),
        [
            ("img/a.png", Path::new("notes/img/a.png"), 2, 1),
            ("../shared/b.png", Path::new("notes/../shared/b.png"), 2, 23),
        ]
    );
    assert_eq!(parsed.diagnostics, []);
}

/// The card opens when its `## ` line ends; an image on that line is still its image (and
/// a missing one is reported like any other).
#[test]
fn an_image_in_the_question_belongs_to_the_card() {
    let parsed = parse("## Which one? ![a](a.png)\nanswer\n");
    let card = only_card(&parsed);
    assert_eq!(media(card), [("a.png", Path::new("notes/a.png"), 1, 15)]);
    let title = parse("# Deck ![logo](logo.png)\n## Q\nA\n");
    assert!(
        only_card(&title).media.is_empty(),
        "a title's image is no card's"
    );
}

#[test]
fn images_in_raw_html_are_media_like_markdown_images() {
    let text = "## Q <img src=\"q.png\" height=20>\n\n<p align=\"center\">\n  <img width=\"300\"\n       src='img/wide one.png'>\n</p>\n\nInline <IMG SRC=c.png> too. <!-- <img src=\"gone.png\"> -->\n\n```html\n<img src=\"code.png\">\n```\n";
    let parsed = parse(text);
    let card = only_card(&parsed);
    assert_eq!(
        media(card),
        [
            ("q.png", Path::new("notes/q.png"), 1, 16),
            (
                "img/wide one.png",
                Path::new("notes/img/wide one.png"),
                5,
                13
            ),
            ("c.png", Path::new("notes/c.png"), 8, 17),
        ],
        "commented-out and code-block images are not images"
    );
    assert_eq!(parsed.diagnostics, []);
    let remote = parse("## Q\n<img src=\"https://example.org/x.png\">\n");
    assert!(only_card(&remote).media.is_empty());
    assert_eq!(codes(&remote), [code::REMOTE_IMAGE]);
}

#[test]
fn remote_images_are_warned_about_not_bundled() {
    let parsed = parse("## Q\n![x](https://example.org/x.png)\n");
    assert!(only_card(&parsed).media.is_empty());
    assert_eq!(codes(&parsed), [code::REMOTE_IMAGE]);
}

// ---- scenarios -------------------------------------------------------------------------

#[test]
fn a_raft_block_is_the_cards_scenario_and_stays_in_the_back() {
    let text = "## Who wins?\n\nThree nodes.\n\n```raft\ncluster 3\ntimeout n1\n```\n";
    let card = only_card(&parse(text)).clone();
    let scenario = card.scenario.expect("a scenario");
    assert_eq!(scenario.script, "cluster 3\ntimeout n1\n");
    assert_eq!(
        (scenario.location.line, scenario.location.col),
        (6, 1),
        "the script's first line"
    );
    assert!(card.back.contains("```raft\ncluster 3"));
}

#[test]
fn a_card_of_only_a_scenario_has_a_back() {
    let parsed = parse("## Who wins?\n```raft\ncluster 3\n```\n");
    assert!(only_card(&parsed).scenario.is_some());
    assert_eq!(parsed.diagnostics, []);
}

#[test]
fn two_scenarios_in_one_card_are_an_error() {
    let parsed = parse("## Q\n```raft\na\n```\n\n```raft\nb\n```\n");
    assert_eq!(codes(&parsed), [code::EXTRA_SCENARIO]);
    assert_eq!(only_card(&parsed).scenario.as_ref().unwrap().script, "a\n");
}

#[test]
fn other_languages_are_not_scenarios() {
    assert!(
        only_card(&parse("## Q\n```rafting\nx\n```\n"))
            .scenario
            .is_none()
    );
}

#[test]
fn rules_between_cards_do_not_swallow_cards() {
    // pulldown-cmark reads `---` ... `---` anywhere as YAML front matter; mdcards reads front
    // matter only at the top of a file, so the card between the rules stays a card.
    let parsed = parse("## Q1\nA\n\n---\n## Q2\nB\n---\n\n## Q3\nC\n");
    assert_eq!(fronts(&parsed), ["Q1", "Q2", "Q3"]);
    assert_eq!(parsed.cards[1].back, "B\n---");
}

#[test]
fn front_matter_is_read_only_at_the_top() {
    let parsed = parse("# T\n---\ntags: [a]\n---\n## Q\nA\n");
    assert!(only_card(&parsed).tags.is_empty());
    // Read as markdown instead: a rule, then an underlined heading.
    assert_eq!(codes(&parsed), [code::UNDERLINED_HEADING]);
}

#[test]
fn the_guide_example_makes_the_cards_it_describes() {
    let guide = include_str!("../GUIDE.md");
    let section = &guide[guide.find("## The notes format").expect("the section")..];
    let start = section.find("~~~markdown\n").expect("the example") + "~~~markdown\n".len();
    let end = start + section[start..].find("\n~~~\n").expect("its end") + 1;
    let parsed = parse(&section[start..end]);
    assert_eq!(parsed.diagnostics, []);
    assert_eq!(
        fronts(&parsed),
        [
            "What is a term?",
            "Describe a RequestVote message.\n\nName its four fields."
        ]
    );
    let term = &parsed.cards[0];
    assert_eq!(term.deck, "Study::Raft");
    assert_eq!(term.id.as_str(), "raft-term");
    assert_eq!(term.tags, ["raft", "terms", "logical_clock"]);
    assert_eq!(term.media[0].written, "img/terms.png");
    assert!(term.back.starts_with("A logical clock.") && term.back.ends_with("(img/terms.png)"));
    let vote = &parsed.cards[1];
    assert_eq!(vote.tags, ["raft"]);
    assert!(vote.back.starts_with("```json\n{ \"term\": 5"));
}
