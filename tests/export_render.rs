//! Snapshots of a rendered card: the HTML Anki stores in the Front and Back fields.

use std::path::{Path, PathBuf};

use mdcards::deck::{Card, CardId, Location, MediaRef};
use mdcards::export::{MediaSet, render_card};

/// The card of `tests/fixtures/export/render_card.md`, split as the notes parser does:
/// heading text as the front, the body below the tag line as the back.
fn fixture_card() -> Card {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/export");
    let file = dir.join("render_card.md");
    let text = std::fs::read_to_string(&file).unwrap();
    let heading = text.lines().position(|l| l.starts_with("## ")).unwrap();
    let front = text.lines().nth(heading).unwrap()[3..].to_owned();
    let back: String = text
        .lines()
        .skip(heading + 1)
        .filter(|line| !line.starts_with("[#"))
        .map(|line| format!("{line}\n"))
        .collect();
    let location = Location {
        file: PathBuf::from("tests/fixtures/export/render_card.md"),
        line: heading as u32 + 1,
        col: 1,
    };
    Card {
        id: CardId::from_front("Fixture::Rendering", &front),
        pinned: false,
        kind: mdcards::deck::CardKind::Basic,
        deck: "Fixture::Rendering".to_owned(),
        front,
        back,
        tags: vec!["raft".to_owned(), "leader_election".to_owned()],
        media: vec![MediaRef {
            written: "img/diagram.png".to_owned(),
            path: dir.join("img/diagram.png"),
            location: location.clone(),
        }],
        scenario: None,
        location,
    }
}

#[test]
fn rendered_front_and_back() {
    let card = fixture_card();
    let media = MediaSet::collect(&card.media).unwrap();
    let note = render_card(&card, &media);
    insta::assert_snapshot!("front", note.fields[0]);
    insta::assert_snapshot!("back", note.fields[1]);
    assert_eq!(note.fields[2], "tests/fixtures/export/render_card.md:3");
    assert_eq!(note.guid, card.id.as_str());
}

/// mdanki put the `## ` heading markup into the Front field; ours is the question only.
#[test]
fn front_holds_no_heading_markup() {
    let card = fixture_card();
    let note = render_card(&card, &MediaSet::collect(&card.media).unwrap());
    assert!(!note.fields[0].contains("<h"), "{}", note.fields[0]);
    assert!(!note.fields[0].starts_with("<p>"), "{}", note.fields[0]);
}

/// mdanki lost the backslashes of `\(x\)`; Anki's MathJax needs them.
#[test]
fn math_keeps_backslashes_and_dollars_become_anki_delimiters() {
    let card = fixture_card();
    let note = render_card(&card, &MediaSet::collect(&card.media).unwrap());
    assert!(
        note.fields[0].contains("term \\(t\\) when"),
        "{}",
        note.fields[0]
    );
    assert!(note.fields[0].contains("\\(t-1\\)"), "{}", note.fields[0]);
    assert!(
        note.fields[1].contains("index \\(\\ge\\) its own"),
        "{}",
        note.fields[1]
    );
    assert!(
        note.fields[1].contains("\\[\\lfloor n/2 \\rfloor + 1\\]"),
        "{}",
        note.fields[1]
    );
    assert!(
        note.fields[1].contains("[latex]\\textbf{Figure 2}[/latex]"),
        "{}",
        note.fields[1]
    );
}

/// Code is highlighted into static spans: no script, nothing to load at review time.
#[test]
fn code_is_static_html() {
    let card = fixture_card();
    let note = render_card(&card, &MediaSet::collect(&card.media).unwrap());
    let back = &note.fields[1];
    assert!(
        back.contains("<pre class=\"mdc-code\" data-lang=\"rust\">"),
        "{back}"
    );
    assert!(back.contains("<span class=\"tk-kw\">fn</span>"), "{back}");
    assert!(back.contains("<span class=\"tk-com\">// §5.4.1"), "{back}");
    assert!(!back.contains("<script"), "{back}");
    assert!(back.contains("src=\"diagram-"), "{back}");
}

/// `<img src>` in raw HTML (to size an image, say) points at the bundled file like `![]()`,
/// in the question and the answer, whatever the quoting and however the tag is wrapped.
#[test]
fn images_in_raw_html_point_at_their_media_names() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/export");
    let text = "## Which picture? <img src=img/diagram.png height=20>\n\n\
                <p align=\"center\">\n  <img width=\"300\"\n       src='img/diagram.png'>\n</p>\n\n\
                Also <IMG SRC=\"img/diagram.png\"> inline, and <img src=\"https://example.org/x.png\">.\n";
    let parsed = mdcards::notes::parse_file(&dir.join("html_images.md"), text, None);
    let card = &parsed.cards[0];
    assert_eq!(card.media.len(), 3, "{:?}", card.media);
    let media = MediaSet::collect(&card.media).unwrap();
    let name = media.files()[0].name.clone();
    let note = render_card(card, &media);
    let (front, back) = (&note.fields[0], &note.fields[1]);
    assert_eq!(
        *front,
        format!("Which picture? <img src=\"{name}\" height=20>"),
        "an unquoted source is quoted"
    );
    assert!(
        back.contains(&format!("<img width=\"300\"\n       src='{name}'>")),
        "{back}"
    );
    assert!(back.contains(&format!("<IMG SRC=\"{name}\">")), "{back}");
    assert!(back.contains("src=\"https://example.org/x.png\""), "{back}");
    assert!(!back.contains("img/diagram.png"), "{back}");
}
