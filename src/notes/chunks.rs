//! Parsing a file piece by piece, with the same events as parsing it whole.
//!
//! pulldown-cmark builds a tree of the whole text before it yields the first event, about
//! five times the text's size; a 30 MB deck would need 150 MB for the tree alone. Parsing
//! one card at a time keeps that to one card's worth and is faster too (the tree stays in
//! cache).
//!
//! A piece may end only before a line that starts, at column 0, with `# ` or `## `. Such a
//! line is an ATX heading that closes every open block (it is never a lazy continuation and
//! never indented enough to continue a list item), except when it sits inside a fenced code
//! block or an HTML block. So a piece whose parse ends inside one of those (its last fenced
//! block is unclosed, or its last HTML block runs to the piece's end) is parsed again
//! together with the next pieces, doubling each time, so that a fence left open in a big
//! file costs O(n log n), not O(n²).
//!
//! Link reference definitions (`[ref]: img.png`) apply to the whole document, wherever they
//! are. Each piece resolves references against the definitions of the pieces before it; if
//! a reference is still undefined at the end but a later piece defines it, the file is
//! parsed a second time with every definition known. When two pieces define one label, the
//! first definition wins, as CommonMark says, except inside the piece holding the second.
//! Footnote definitions are global too, with no such hook: `parse_file` parses a file that
//! may hold footnotes (`[^`) in one piece.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use pulldown_cmark::{BrokenLink, CodeBlockKind, CowStr, Event, Parser, Tag};

use super::markdown;
use crate::deck::normalise;

/// Link reference definitions seen so far, and references nobody had defined yet.
#[derive(Debug, Default)]
pub struct Definitions {
    known: HashMap<String, (String, String)>,
    missing: HashSet<String>,
    /// Every label looked up in `known`, in any pass: the references whose meaning depends
    /// on other pieces (parts parsed apart must not define them for each other).
    asked: HashSet<String>,
    /// Labels the pieces of this pass defined.
    defined: HashSet<String>,
    /// A piece defined a label an earlier piece had defined: inside that piece its uses
    /// resolve to the second definition, not to the first as in one parse of the whole.
    redefined: bool,
}

impl Definitions {
    /// True when a reference looked up here is defined in `other`, or the other way round,
    /// or both define one label (a use next to the second definition resolves to it inside
    /// its piece, to the first in one parse of the whole): then two stretches of a file
    /// parsed apart do not resolve their references as one parse of the whole would.
    pub fn entangled_with(&self, other: &Definitions) -> bool {
        self.asked
            .iter()
            .any(|label| other.known.contains_key(label))
            || other
                .asked
                .iter()
                .any(|label| self.known.contains_key(label))
            || self
                .known
                .keys()
                .any(|label| other.known.contains_key(label))
    }

    /// True when a reference that was missing during the pass is defined after all.
    pub fn need_another_pass(&self) -> bool {
        self.missing
            .iter()
            .any(|label| self.known.contains_key(label))
    }

    /// Before another pass over the same text.
    pub fn forget_missing(&mut self) {
        self.missing.clear();
        self.defined.clear();
    }

    /// True when two pieces defined one label: parse in one piece instead.
    pub fn redefined(&self) -> bool {
        self.redefined
    }
}

/// Offsets of the lines inside `within` (after its first byte) that start with `# ` or `## `
/// (or a bare `#`/`##`): where a piece may end.
pub fn boundaries(text: &str, within: Range<usize>) -> Vec<usize> {
    let bytes = text.as_bytes();
    let from = within.start;
    let searched = from.saturating_sub(1).min(within.end)..within.end;
    memchr::memmem::find_iter(&bytes[searched.clone()], b"\n#")
        .map(|newline| searched.start + newline + 1)
        .filter(|&line_start| line_start > from && is_boundary(&bytes[line_start..]))
        .collect()
}

/// How many `## ` lines a stretch starting at `from` holds, given its `boundaries`: room
/// for every card, unless some of those lines are inside code blocks.
pub fn card_lines(text: &str, from: usize, boundaries: &[usize]) -> usize {
    let bytes = text.as_bytes();
    boundaries
        .iter()
        .filter(|&&at| bytes.get(at + 1) == Some(&b'#'))
        .count()
        + usize::from(text[from..].starts_with("##"))
}

/// The first line at or after `from` that starts with `## ` (or is a bare `##`): a card's
/// heading, unless it is inside a code or HTML block.
pub fn card_line_from(text: &str, from: usize) -> Option<usize> {
    heading_line_from(text, from, 2)
}

/// The first line at or after `from` that starts with `# ` (or is a bare `#`): the title,
/// unless it is inside a code or HTML block.
pub fn title_line_from(text: &str, from: usize) -> Option<usize> {
    heading_line_from(text, from, 1)
}

fn heading_line_from(text: &str, from: usize, level: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let is_heading = |line: &[u8]| {
        line.iter().take(3).take_while(|&&b| b == b'#').count() == level && is_boundary(line)
    };
    if from == 0 && is_heading(bytes) {
        return Some(0);
    }
    let searched = from.saturating_sub(1).min(bytes.len());
    memchr::memmem::find_iter(&bytes[searched..], b"\n#")
        .map(|newline| searched + newline + 1)
        .find(|&line_start| line_start >= from && is_heading(&bytes[line_start..]))
}

fn is_boundary(line: &[u8]) -> bool {
    let hashes = line.iter().take(3).take_while(|&&b| b == b'#').count();
    (hashes == 1 || hashes == 2)
        && matches!(line.get(hashes), None | Some(b' ' | b'\t' | b'\r' | b'\n'))
}

/// How big a piece is at least, so that setting up a parser (a few allocations) is paid
/// once per many cards, while the tree of a piece stays small.
pub const PIECE: usize = 64 * 1024;

/// Feed every event of `text[stretch]` to `sink`, with ranges into `text`, parsing piece by
/// piece; a piece spans at least `min_piece` bytes (up to the next boundary) unless it is
/// the last. `boundaries` are those inside `stretch`.
///
/// Returns false when the stretch ends before the end of the text inside a block that the
/// text after it might continue (see `is_closed`): its last events may then differ from
/// those of a parse that goes on.
pub fn parse_in_pieces<'a>(
    text: &'a str,
    stretch: Range<usize>,
    boundaries: &[usize],
    min_piece: usize,
    definitions: &mut Definitions,
    mut sink: impl FnMut(Event<'a>, Range<usize>),
) -> bool {
    let until = stretch.end;
    let mut events: Vec<(Event<'a>, Range<usize>)> = Vec::new();
    let mut start = stretch.start;
    let mut closed = true;
    while start < until {
        // The first boundary far enough from `start`.
        let first =
            boundaries.partition_point(|&b| b < start.saturating_add(min_piece).max(start + 1));
        let mut take = 1;
        loop {
            let last = first + take - 1;
            let end = boundaries.get(last).copied().unwrap_or(until);
            let piece = &text[start..end];
            events.clear();
            let defined = parse_piece(piece, definitions, &mut events);
            let piece_closed = is_closed(piece, &events);
            if end == until || piece_closed {
                closed = until == text.len() || piece_closed;
                for (label, definition) in defined {
                    if !definitions.defined.insert(label.clone()) {
                        definitions.redefined = true;
                    }
                    definitions.known.entry(label).or_insert(definition);
                }
                for (event, range) in events.drain(..) {
                    sink(event, range.start + start..range.end + start);
                }
                start = end;
                break;
            }
            take *= 2;
        }
    }
    closed
}

type Defined = Vec<(String, (String, String))>;

fn parse_piece<'a>(
    piece: &'a str,
    definitions: &mut Definitions,
    events: &mut Vec<(Event<'a>, Range<usize>)>,
) -> Defined {
    let known = &definitions.known;
    let missing = &mut definitions.missing;
    let asked = &mut definitions.asked;
    let resolve = |link: BrokenLink<'a>| {
        let label = normalise(&link.reference);
        if !asked.contains(&label) {
            asked.insert(label.clone());
        }
        match known.get(&label) {
            Some((dest, title)) => Some((CowStr::from(dest.clone()), CowStr::from(title.clone()))),
            None => {
                missing.insert(label);
                None
            }
        }
    };
    let mut parser =
        Parser::new_with_broken_link_callback(piece, markdown::options(), Some(resolve))
            .into_offset_iter();
    events.extend(&mut parser);
    parser
        .reference_definitions()
        .iter()
        .map(|(label, definition)| {
            let title = definition.title.as_deref().unwrap_or("").to_owned();
            (normalise(label), (definition.dest.to_string(), title))
        })
        .collect()
}

/// False when the piece ends inside a fenced code block or an HTML block, which the line
/// after it might continue.
fn is_closed(piece: &str, events: &[(Event<'_>, Range<usize>)]) -> bool {
    events.iter().all(|(event, range)| match event {
        Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(_))) => {
            range.end < piece.len() || super::parse::fence_is_closed(&piece[range.clone()])
        }
        Event::Start(Tag::HtmlBlock) => range.end < piece.len(),
        _ => true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An event as text, without how its strings are stored.
    fn show(event: &Event<'_>) -> String {
        format!("{event:?}")
            .replace("Unknown", "")
            .replace("Borrowed(", "(")
            .replace("Boxed(", "(")
            .replace("Inlined(", "(")
    }

    fn events_whole(text: &str) -> Vec<(String, Range<usize>)> {
        Parser::new_ext(text, markdown::options())
            .into_offset_iter()
            .map(|(e, r)| (show(&e), r))
            .collect()
    }

    /// Two passes when needed, as `parse_file` does. References resolved through the
    /// callback say "...Unknown" in their link type, which `show` leaves out.
    fn events_in_pieces(text: &str) -> Vec<(String, Range<usize>)> {
        let mut definitions = Definitions::default();
        let mut out = Vec::new();
        for _pass in 0..2 {
            out.clear();
            definitions.forget_missing();
            parse_in_pieces(
                text,
                0..text.len(),
                &boundaries(text, 0..text.len()),
                0,
                &mut definitions,
                |e, r| out.push((show(&e), r)),
            );
            if !definitions.need_another_pass() {
                break;
            }
        }
        out
    }

    #[test]
    fn boundaries_are_column_zero_titles_and_cards() {
        let text = "# T\n## A\n### no\n  ## no\n#no\n##\n##\tx\n";
        assert_eq!(boundaries(text, 0..text.len()), [4, 28, 31]);
        assert_eq!(boundaries(text, 28..text.len()), [31]);
        assert_eq!(boundaries(text, 0..28), [4]);
        assert_eq!(boundaries(text, 4..29), [28]);
        assert_eq!(card_line_from(text, 0), Some(4));
        assert_eq!(card_line_from(text, 5), Some(28));
        assert_eq!(card_line_from(text, 29), Some(31));
        assert_eq!(card_line_from(text, 32), None);
        assert_eq!(card_line_from("## A\n", 0), Some(0));
        assert_eq!(title_line_from(text, 0), Some(0));
        assert_eq!(title_line_from(text, 1), None);
        assert_eq!(title_line_from("x\n#\n", 0), Some(2));
    }

    #[test]
    fn pieces_give_the_same_events_as_the_whole() {
        for text in [
            "## A\n```\n## in code\n```\n## B\nb\n",
            "## A\n```\n## in code\n## more\n",
            "## A\n<div>\n## in html\n</div>\n\n## B\n",
            "## A\n<!--\n\n## in comment\n-->\n## B\n",
            "## A\n- item\n  ```\n## B\n```\n## C\n```\n",
            "- item\n\n  ```\n  code\n```\n## inside the real fence\n```\n## D\n",
            "# T\n## A\n![x][ref]\n## B\n[ref]: a.png\n",
            "## A\n\n---\n## B\nb\n---\n\n## C\n",
            "## A\n| a |\n|---|\n## B\n> q\n## C\n",
        ] {
            assert_eq!(events_in_pieces(text), events_whole(text), "{text:?}");
        }
    }

    #[test]
    fn references_defined_in_a_later_piece_need_a_second_pass() {
        let text = "## A\n![x][ref]\n## B\n[ref]: a.png\n";
        let mut definitions = Definitions::default();
        parse_in_pieces(
            text,
            0..text.len(),
            &boundaries(text, 0..text.len()),
            0,
            &mut definitions,
            |_, _| {},
        );
        assert!(definitions.need_another_pass());
        definitions.forget_missing();
        let mut images = Vec::new();
        parse_in_pieces(
            text,
            0..text.len(),
            &boundaries(text, 0..text.len()),
            0,
            &mut definitions,
            |e, _| {
                if let Event::Start(Tag::Image { dest_url, .. }) = e {
                    images.push(dest_url.to_string());
                }
            },
        );
        assert_eq!(images, ["a.png"]);
        assert!(!definitions.need_another_pass());
    }
}
