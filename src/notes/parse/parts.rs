//! One big file in parts that can be parsed at the same time, with the result of one parse.
//!
//! The parser stays single-threaded and pure: `plan_parts` cuts the file at `## ` lines,
//! the caller runs `parse_part` on each part however it likes (the app edge shares them
//! among the cores), and `join_parts` stitches the parts together, in order, after checking that
//! nothing one part holds would have changed what another yields in a parse of the whole:
//!
//! - a cut falls inside a fenced code or HTML block (the `## ` line is code): the part
//!   before it does not end closed (see `chunks`);
//! - a link reference one part looks up is defined in another, or both define one label;
//! - two parts hold a `# ` title (a whole parse reports the second as a duplicate);
//! - footnotes (`[^`) are global with no hook to share them: such a file is one part.
//!
//! When a check fails, `join_parts` returns `None` and the caller parses the whole file.
//! Ids need the deck, which the title decides and the title may come late: parts identify
//! their cards with the deck the plan expects (from the first `# ` line), and
//! `join_parts` identifies them again when the real deck differs.

use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::{Layout, ParsedFile, Walked, file_deck, finish, identify, walk};
use crate::notes::chunks;
use crate::notes::lines::SourceFile;
use crate::notes::markdown;

/// Below this many bytes a part is not worth a thread.
pub const MIN_PART: usize = 1 << 20;

/// How a file is cut into parts.
#[derive(Clone, Debug)]
pub struct PartPlan {
    ranges: Vec<Range<usize>>,
    layout: Layout,
    /// The deck the parts identify their cards with.
    deck: String,
    /// Room for the whole file's cards in the first part, so joining never reallocates.
    cards: usize,
}

impl PartPlan {
    /// How many parts; 1 means the file is best parsed whole (`parse_file`).
    pub fn len(&self) -> usize {
        self.ranges.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }
}

/// One part's cards and diagnostics, not yet joined.
pub struct ParsedPart {
    walked: Walked,
}

/// Cut `text` into up to `parts` parts of about equal size, but at least `MIN_PART` bytes,
/// each (but the first) starting at the first `## ` line after its share of the file.
pub fn plan_parts(path: &Path, text: &str, deck_override: Option<&str>, parts: usize) -> PartPlan {
    let layout = Layout::of(text, chunks::PIECE);
    let body = layout.body_start..text.len();
    let parts = parts.min(body.len() / MIN_PART).max(1);
    let share = body.len() / parts;
    let cuts: Vec<usize> = (1..parts)
        .filter_map(|k| chunks::card_line_from(text, body.start + k * share))
        .collect();
    plan(path, text, deck_override, layout, &cuts)
}

/// `plan_parts` with the cuts and the piece size chosen: tests cut at every `## ` line.
/// Cuts that are not at the start of a `## ` line after the front matter are ignored.
#[doc(hidden)]
pub fn plan_parts_at(
    path: &Path,
    text: &str,
    deck_override: Option<&str>,
    cuts: &[usize],
    min_piece: usize,
) -> PartPlan {
    plan(path, text, deck_override, Layout::of(text, min_piece), cuts)
}

fn plan(
    path: &Path,
    text: &str,
    deck_override: Option<&str>,
    layout: Layout,
    cuts: &[usize],
) -> PartPlan {
    let mut starts = vec![0];
    if !layout.whole() {
        for &cut in cuts {
            let after_last = starts.last().is_some_and(|&last| cut > last);
            if after_last
                && cut > layout.body_start
                && chunks::card_line_from(text, cut) == Some(cut)
            {
                starts.push(cut);
            }
        }
    }
    let ranges: Vec<Range<usize>> = starts
        .iter()
        .zip(starts.iter().skip(1).chain([&text.len()]))
        .map(|(&start, &end)| start..end)
        .collect();
    let cards = if ranges.len() > 1 {
        let body = layout.body_start;
        chunks::card_lines(text, body, &chunks::boundaries(text, body..text.len()))
    } else {
        0
    };
    let title = first_title(text, layout.body_start);
    let deck = file_deck(path, title.as_deref(), deck_override).unwrap_or_else(|fallback| fallback);
    PartPlan {
        ranges,
        layout,
        deck,
        cards,
    }
}

/// The text of the first `# ` line, as a title: the deck most files have. A `# ` line in a
/// code block fools it; `join_parts` then identifies the cards again.
fn first_title(text: &str, from: usize) -> Option<String> {
    let at = chunks::title_line_from(text, from)?;
    let line_end = memchr::memchr(b'\n', &text.as_bytes()[at..]).map_or(text.len(), |i| at + i);
    let line = &text[at..line_end];
    let mut inner: Option<Range<usize>> = None;
    let mut in_heading = false;
    for (event, range) in Parser::new_ext(line, markdown::options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { .. }) => in_heading = true,
            Event::End(TagEnd::Heading(_)) => break,
            _ if in_heading => {
                inner = Some(match inner {
                    Some(inner) => inner.start.min(range.start)..inner.end.max(range.end),
                    None => range,
                });
            }
            _ => {}
        }
    }
    Some(inner.map_or("", |inner| line[inner].trim()).to_owned())
}

/// Parse part `index` of the plan.
pub fn parse_part(path: &Path, text: &str, plan: &PartPlan, index: usize) -> ParsedPart {
    let source = SourceFile::new(path, text);
    let room = if index == 0 { plan.cards } else { 0 };
    let mut walked = walk(&source, &plan.layout, plan.ranges[index].clone(), room);
    identify(&mut walked.cards, &plan.deck);
    ParsedPart { walked }
}

/// The parts, in plan order, as one `ParsedFile`: exactly what `parse_file` gives, or
/// `None` when the parts cannot show it (see the module documentation).
pub fn join_parts(
    path: &Path,
    text: &str,
    plan: &PartPlan,
    deck_override: Option<&str>,
    parts: Vec<ParsedPart>,
) -> Option<ParsedFile> {
    if parts.len() != plan.ranges.len() {
        return None;
    }
    let before_last = &parts[..parts.len().saturating_sub(1)];
    if before_last.iter().any(|part| !part.walked.closed) {
        return None;
    }
    if parts
        .iter()
        .filter(|part| part.walked.title.is_some())
        .count()
        > 1
    {
        return None;
    }
    for (i, part) in parts.iter().enumerate() {
        let definitions = &part.walked.definitions;
        if parts[i + 1..]
            .iter()
            .any(|later| definitions.entangled_with(&later.walked.definitions))
        {
            return None;
        }
    }
    let mut parts = parts.into_iter();
    let mut joined = parts.next()?.walked;
    for part in parts {
        let Walked {
            cards,
            diagnostics,
            title,
            ..
        } = part.walked;
        joined.cards.extend(cards);
        joined.diagnostics.extend(diagnostics);
        if joined.title.is_none() {
            joined.title = title;
        }
    }
    let source = SourceFile::new(path, text);
    Some(finish(&source, joined, deck_override, Some(&plan.deck)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notes::parse_file;

    fn in_parts(text: &str, cuts: &[usize], deck: Option<&str>) -> Option<ParsedFile> {
        let path = Path::new("notes/a.md");
        let plan = plan_parts_at(path, text, deck, cuts, 0);
        let parts = (0..plan.len())
            .map(|i| parse_part(path, text, &plan, i))
            .collect();
        join_parts(path, text, &plan, deck, parts)
    }

    fn assert_same(text: &str, cuts: &[usize], deck: Option<&str>) {
        let whole = parse_file(Path::new("notes/a.md"), text, deck);
        let parts = in_parts(text, cuts, deck).expect("the parts join");
        assert_eq!(parts.cards, whole.cards, "{text:?} cut at {cuts:?}");
        assert_eq!(
            parts.diagnostics, whole.diagnostics,
            "{text:?} cut at {cuts:?}"
        );
    }

    #[test]
    fn parts_give_the_cards_and_diagnostics_of_the_whole() {
        let text = "---\ntags: [t]\nbad: 1\n---\n# Deck\n## A\na\n## B\n\n## C\nc [#x]()\n";
        let b = text.find("## B").unwrap();
        let c = text.find("## C").unwrap();
        assert_same(text, &[b], None);
        assert_same(text, &[b, c], None);
        assert_same(text, &[c], Some("Other::Deck"));
    }

    #[test]
    fn a_title_after_the_cut_decides_every_card_id() {
        let text = "## A\na\n## B\nb\n# Late title\n## C\nc\n";
        let b = text.find("## B").unwrap();
        assert_same(text, &[b], None);
        let whole = parse_file(Path::new("a.md"), text, None);
        assert!(whole.cards.iter().all(|card| card.deck == "Late title"));
    }

    /// Cut at the line starting `cut`: parts that would not give the whole file's result.
    #[test]
    fn parts_that_interact_are_refused() {
        for (text, cut) in [
            // The cut is a `## ` line inside a code block.
            ("## A\n```\n## in code\n```\n## B\nb\n", "## in code"),
            // A reference in one part, its definition in the other.
            ("## A\n![x][ref]\n## B\n[ref]: a.png\nb\n", "## B"),
            // One label defined in both parts.
            (
                "## A\n[ref]: a.png\n## B\n[ref]: c.png\n![x][ref]\n",
                "## B",
            ),
            // A title in each part: a whole parse reports the second.
            ("# One\n## A\na\n## B\nb\n# Two\n## C\nc\n", "## B"),
        ] {
            let at = text.find(cut).unwrap();
            assert!(
                in_parts(text, &[at], None).is_none(),
                "{text:?} cut at {cut:?}"
            );
        }
    }

    /// The same files cut elsewhere: what stays inside one part is fine.
    #[test]
    fn interactions_inside_one_part_are_fine() {
        for (text, cut) in [
            ("## A\n```\n## in code\n```\n## B\nb\n", "## B"),
            ("## A\n![x][ref]\n[ref]: a.png\n## B\nb [y]\n", "## B"),
            ("# One\n## A\na\n## B\nb\n# Two\n## C\nc\n", "## C"),
        ] {
            assert_same(text, &[text.find(cut).unwrap()], None);
        }
    }

    #[test]
    fn a_label_defined_twice_means_its_first_definition_whatever_the_pieces() {
        let text = "[ref]: a.png\n## A\na\n## B\n[ref]: b.png\n![x][ref]\n";
        let path = Path::new("notes/a.md");
        for min_piece in [0, usize::MAX] {
            let parsed = crate::notes::parse_file_in_pieces(path, text, None, min_piece);
            let media: Vec<&str> = parsed.cards[1]
                .media
                .iter()
                .map(|m| m.written.as_str())
                .collect();
            assert_eq!(media, ["a.png"], "pieces of at least {min_piece} bytes");
        }
    }

    #[test]
    fn footnoted_files_stay_whole() {
        let text = "## A\nsee[^1]\n## B\n[^1]: note\n";
        let plan = plan_parts_at(
            Path::new("a.md"),
            text,
            None,
            &[text.find("## B").unwrap()],
            0,
        );
        assert_eq!(plan.len(), 1);
    }

    #[test]
    fn small_files_are_one_part_and_big_ones_are_cut_at_cards() {
        let card = "## Question?\nAnswer line one.\n\n";
        let small = card.repeat(10);
        assert_eq!(plan_parts(Path::new("a.md"), &small, None, 2).len(), 1);
        let big = format!("# Deck\n{}", card.repeat(3 * MIN_PART / card.len()));
        let plan = plan_parts(Path::new("a.md"), &big, None, 2);
        assert_eq!(plan.len(), 2);
        assert_eq!(plan_parts(Path::new("a.md"), &big, None, 8).len(), 3);
        assert!(big[plan.ranges[1].start..].starts_with("## "));
        assert_eq!(plan.deck, "Deck");
    }

    #[test]
    fn the_first_title_is_read_as_the_walker_reads_it() {
        assert_eq!(first_title("# A::B #\n", 0).as_deref(), Some("A::B"));
        assert_eq!(
            first_title("x\n#   Raft *notes*  \n", 0).as_deref(),
            Some("Raft *notes*")
        );
        assert_eq!(first_title("#\n", 0).as_deref(), Some(""));
        assert_eq!(first_title("## A\n", 0), None);
    }
}
