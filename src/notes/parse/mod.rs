//! One notes file -> cards and diagnostics, in a single pass over pulldown-cmark's offset
//! iterator. Cards keep their markdown as written (sliced from the source, minus tag lines
//! and id comments), so renderers see exactly what the author wrote.

use std::borrow::Cow;
use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Tag, TagEnd};

mod blocks;
mod close;
mod headings;
mod parts;
mod tag_lines;

use super::chunks::{self, Definitions};
use super::cloze;
use super::deck_name::deck_path;
use super::diagnostic::{Diagnostic, code};
use super::front_matter;
use super::lines::SourceFile;
use super::ranges::RangeSet;
use super::tags::add_unique;
use crate::deck::{Card, CardId, CardKind, MediaRef, ScenarioSource};

pub(super) use blocks::fence_is_closed;
pub use close::one_line;
pub use parts::{
    MIN_PART, ParsedPart, PartPlan, join_parts, parse_part, plan_parts, plan_parts_at,
};

/// What one notes file yields.
#[derive(Debug, Default)]
pub struct ParsedFile {
    pub cards: Vec<Card>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parse one notes file. `path` names the file in cards and messages and is the folder
/// image paths are resolved against; `deck_override` (`--deck`) replaces the `# ` title.
///
/// Pure and total: any text yields cards and diagnostics, never a panic. Every `## `
/// heading at the top level becomes exactly one card, even a faulty one (its fault is
/// reported), so no card is ever dropped silently. Duplicate identities across cards are
/// found by [`super::duplicate_ids`], which callers run over all the files they load.
pub fn parse_file(path: &Path, text: &str, deck_override: Option<&str>) -> ParsedFile {
    parse_file_in_pieces(path, text, deck_override, chunks::PIECE)
}

/// `parse_file` with a chosen piece size (see `chunks`): tests parse with tiny pieces to
/// show that the pieces never change the result.
#[doc(hidden)]
pub fn parse_file_in_pieces(
    path: &Path,
    text: &str,
    deck_override: Option<&str>,
    min_piece: usize,
) -> ParsedFile {
    let source = SourceFile::new(path, text);
    let layout = Layout::of(text, min_piece);
    let walked = walk(&source, &layout, 0..text.len(), 0);
    finish(&source, walked, deck_override, None)
}

/// What every stretch of a file is parsed with.
#[derive(Clone, Debug)]
struct Layout {
    /// The front matter's content, and where the body after it starts.
    front_matter: Option<Range<usize>>,
    body_start: usize,
    min_piece: usize,
}

impl Layout {
    fn of(text: &str, min_piece: usize) -> Layout {
        let front_matter = front_matter::locate(text);
        // Footnote definitions apply to the whole document like link references, but there
        // is no hook to share them between pieces: a file that may have any is parsed in one
        // piece.
        let min_piece = if text.contains("[^") {
            usize::MAX
        } else {
            min_piece
        };
        Layout {
            body_start: front_matter.as_ref().map_or(0, |(_, end)| *end),
            front_matter: front_matter.map(|(content, _)| content),
            min_piece,
        }
    }

    /// True when the file must be parsed in one piece, so in one part.
    fn whole(&self) -> bool {
        self.min_piece == usize::MAX
    }
}

/// What walking a stretch of a file yields, before its cards are identified.
struct Walked {
    /// Finished cards; their deck and (unpinned) id are filled in by `identify`.
    cards: Vec<Card>,
    diagnostics: Vec<Diagnostic>,
    title: Option<Title>,
    definitions: Definitions,
    /// False when the stretch stops inside a block the text after it may continue.
    closed: bool,
}

/// Walk the events of `stretch` (the whole file, or a part that starts at a `## ` line),
/// with room for at least `room` cards.
fn walk(source: &SourceFile<'_>, layout: &Layout, stretch: Range<usize>, room: usize) -> Walked {
    let text = source.text;
    let first = stretch.start == 0;
    let stretch = if first {
        layout.body_start.min(stretch.end)..stretch.end
    } else {
        stretch
    };
    let boundaries = chunks::boundaries(text, stretch.clone());
    let expected_cards = room.max(chunks::card_lines(text, stretch.start, &boundaries));
    let mut definitions = Definitions::default();
    let mut min_piece = layout.min_piece;
    loop {
        let mut walker = Walker::new(source, expected_cards);
        if let Some(content) = &layout.front_matter {
            walker.front_matter(content.clone());
            if !first {
                // The front matter's tags apply to every part; its problems are the first
                // part's to report.
                walker.diagnostics.clear();
            }
        }
        let closed = chunks::parse_in_pieces(
            text,
            stretch.clone(),
            &boundaries,
            min_piece,
            &mut definitions,
            |event, range| walker.event(event, range),
        );
        if definitions.redefined() {
            min_piece = usize::MAX;
            definitions = Definitions::default();
            continue;
        }
        // A reference defined further down than its use: every definition is known now.
        if definitions.need_another_pass() {
            definitions.forget_missing();
            continue;
        }
        walker.close_card(stretch.end);
        return Walked {
            cards: walker.cards,
            diagnostics: walker.diagnostics,
            title: walker.title,
            definitions,
            closed,
        };
    }
}

/// The deck, the cards' ids, the "no cards" warning, and the diagnostics in line order.
/// `identified_with` is the deck the cards' ids were already computed with, if any.
fn finish(
    source: &SourceFile<'_>,
    walked: Walked,
    deck_override: Option<&str>,
    identified_with: Option<&str>,
) -> ParsedFile {
    let Walked {
        mut cards,
        mut diagnostics,
        title,
        ..
    } = walked;
    let deck = match file_deck(
        source.path,
        title.as_ref().map(|t| t.text.as_str()),
        deck_override,
    ) {
        Ok(deck) => deck,
        Err(fallback) => {
            let title = title.as_ref().expect("only a title can be malformed");
            let line_len = source.text[title.range.clone()].trim_end().len();
            diagnostics.push(
                Diagnostic::error(
                    code::MALFORMED_DECK,
                    source.at(title.range.start),
                    format!("the title {:?} is not a deck name", title.text),
                )
                .spanning(line_len)
                .label("empty deck name or part")
                .hint(format!(
                    "write `# Name` or `# Parent::Child`; until then the deck is {fallback:?}"
                )),
            );
            fallback
        }
    };
    // Headings without answers, and cards refused for a malformed cloze, already say why
    // they are not cards.
    let explained = [
        code::EMPTY_BACK,
        code::MALFORMED_CLOZE,
        code::MISPLACED_CLOZE,
    ];
    if cards.is_empty() && !diagnostics.iter().any(|d| explained.contains(&d.code)) {
        diagnostics.push(
            Diagnostic::warning(
                code::NO_CARDS,
                super::diagnostic::whole_file(source.path),
                format!("{} has no cards", source.path.display()),
            )
            .hint("a card starts at a `## ` heading; the text under it is the answer"),
        );
    }
    if identified_with != Some(deck.as_str()) {
        identify(&mut cards, &deck);
    }
    diagnostics.sort_by_key(|d| (d.location.line, d.location.col));
    ParsedFile { cards, diagnostics }
}

/// `--deck`, else the `# ` title, else the file's name. `Err` holds the file's name when
/// the title is not a deck name.
fn file_deck(
    path: &Path,
    title: Option<&str>,
    deck_override: Option<&str>,
) -> Result<String, String> {
    if let Some(deck) = deck_override {
        return Ok(deck_path(deck).unwrap_or_else(|_| deck.trim().to_owned()));
    }
    let fallback = || {
        path.file_stem()
            .map(|stem| stem.to_string_lossy().into_owned())
            .filter(|stem| !stem.is_empty())
            .unwrap_or_else(|| "Default".to_owned())
    };
    match title {
        None => Ok(fallback()),
        Some(title) => deck_path(title).map_err(|_| fallback()),
    }
}

/// Give every card its deck, and the unpinned ones their id: a hash of the deck and the
/// front, a cloze note's front with every cloze reduced to `{{c}}` (so that editing what a
/// cloze hides keeps the note's identity).
fn identify(cards: &mut [Card], deck: &str) {
    for card in cards {
        if !card.pinned {
            card.id = CardId::from_front(deck, &identity_text(card));
        }
        card.deck.clear();
        card.deck.push_str(deck);
    }
}

/// What a card's identity is a hash of, with its deck: its front, or for a cloze note its
/// text with every cloze reduced to `{{c}}`.
pub fn identity_text(card: &Card) -> Cow<'_, str> {
    match card.kind {
        CardKind::Cloze => {
            let clozes = cloze::scan(&card.front).clozes;
            Cow::Owned(cloze::masked(&card.front, &clozes))
        }
        _ => Cow::Borrowed(&card.front),
    }
}

/// The card being read: from its heading to the next `# `/`## ` heading.
struct OpenCard {
    heading: Range<usize>,
    front: Range<usize>,
    body_start: usize,
    /// Text `%` lines cannot split: code, math, HTML.
    opaque: RangeSet,
    /// Text that is not part of the card's sides: tag lines, directive comments.
    cuts: RangeSet,
    tags: Vec<String>,
    media: Vec<MediaRef>,
    scenario: Option<(ScenarioSource, Range<usize>)>,
    pinned: Option<(String, Range<usize>)>,
    /// `<!-- reverse: yes|no -->`: whether to ask the card both ways, and where it says so.
    reverse: Option<(bool, Range<usize>)>,
}

struct Heading {
    level: HeadingLevel,
    /// `## Front` rather than an underlined (setext) heading.
    atx: bool,
    depth: usize,
    range: Range<usize>,
    inner: Option<Range<usize>>,
    /// Images in a card's `## ` line (destination as written, where): they belong to the
    /// card, which opens when the line ends.
    images: Vec<(String, Range<usize>)>,
}

impl Heading {
    /// A `## ` line at the top level: a card's front.
    fn opens_card(&self) -> bool {
        self.level == HeadingLevel::H2 && self.atx && self.depth == 0
    }
}

/// A top-level paragraph that starts with `[#`: a tags line, if it holds only tag links.
struct TagLine {
    range: Range<usize>,
    tags: Vec<String>,
    link: Option<String>,
    /// The first thing that is not a tag link, and why.
    fault: Option<(Range<usize>, &'static str)>,
}

struct CodeBlock {
    range: Range<usize>,
    /// Fenced (``` or ~~~) rather than indented.
    fenced: bool,
    /// A ```` ```raft ```` block: its text is collected (only then, to spare allocations).
    scenario: bool,
    content: String,
    content_start: Option<usize>,
}

struct Title {
    text: String,
    range: Range<usize>,
}

struct Walker<'s, 'a> {
    source: &'s SourceFile<'a>,
    diagnostics: Vec<Diagnostic>,
    /// Finished cards; their deck and (unpinned) id are filled in by `finish`.
    cards: Vec<Card>,
    open: Option<OpenCard>,
    file_tags: Vec<String>,
    /// Front matter `reverse: true`: basic cards are asked both ways unless they say not.
    file_reverse: bool,
    title: Option<Title>,
    /// Nesting depth of the event being handled (0: a top-level block).
    depth: usize,
    heading: Option<Heading>,
    tag_line: Option<TagLine>,
    code: Option<CodeBlock>,
    /// Content outside any card was already reported for the current stretch.
    outside_reported: bool,
    /// Reused buffer for assembling card sides.
    scratch: String,
}

impl<'s, 'a> Walker<'s, 'a> {
    fn new(source: &'s SourceFile<'a>, expected_cards: usize) -> Self {
        Walker {
            source,
            diagnostics: Vec::new(),
            cards: Vec::with_capacity(expected_cards),
            open: None,
            file_tags: Vec::new(),
            file_reverse: false,
            title: None,
            depth: 0,
            heading: None,
            tag_line: None,
            code: None,
            outside_reported: false,
            scratch: String::new(),
        }
    }

    /// The file's front matter, before any event.
    fn front_matter(&mut self, content: Range<usize>) {
        let text = self.text(content.clone());
        let parsed = front_matter::parse(self.source, text, content.start, &mut self.diagnostics);
        add_unique(&mut self.file_tags, parsed.tags);
        self.file_reverse = parsed.reverse;
    }

    fn text(&self, range: Range<usize>) -> &'a str {
        &self.source.text[range]
    }

    fn event(&mut self, event: Event<'_>, range: Range<usize>) {
        if let Some(heading) = &mut self.heading
            && !matches!(event, Event::End(TagEnd::Heading(_)))
        {
            heading.inner = Some(match heading.inner.take() {
                Some(inner) => inner.start.min(range.start)..inner.end.max(range.end),
                None => range.clone(),
            });
        }
        match event {
            Event::Start(tag) => {
                self.start(tag, range);
                self.depth += 1;
            }
            Event::End(tag) => {
                self.depth = self.depth.saturating_sub(1);
                self.end(tag, range);
            }
            leaf => self.leaf(leaf, range),
        }
    }

    fn start(&mut self, tag: Tag<'_>, range: Range<usize>) {
        if let Some(line) = &mut self.tag_line
            && self.depth == 1
            && !matches!(tag, Tag::Link { .. })
        {
            line.fault
                .get_or_insert((range.clone(), "only tag links may be on a tags line"));
        }
        match tag {
            Tag::Heading { level, .. } => self.start_heading(level, range),
            Tag::Paragraph if self.depth == 0 => {
                if self.text(range.clone()).trim_start().starts_with("[#") {
                    self.tag_line = Some(TagLine {
                        range,
                        tags: Vec::new(),
                        link: None,
                        fault: None,
                    });
                } else {
                    self.content(range);
                }
            }
            Tag::CodeBlock(kind) => {
                if self.depth == 0 {
                    self.content(range.clone());
                }
                let (fenced, scenario) = match &kind {
                    CodeBlockKind::Fenced(info) => {
                        (true, info.split_whitespace().next() == Some("raft"))
                    }
                    CodeBlockKind::Indented => (false, false),
                };
                self.code = Some(CodeBlock {
                    range,
                    fenced,
                    scenario,
                    content: String::new(),
                    content_start: None,
                });
            }
            Tag::HtmlBlock => self.html(range, self.depth == 0),
            Tag::Image { dest_url, .. } => self.image(&dest_url, range),
            Tag::Link { .. } => {
                if let Some(line) = &mut self.tag_line
                    && self.depth == 1
                {
                    line.link = Some(String::new());
                }
            }
            _ if self.depth == 0 => self.content(range),
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd, range: Range<usize>) {
        match tag {
            TagEnd::Heading(_) => self.end_heading(),
            TagEnd::Paragraph if self.depth == 0 => {
                if let Some(line) = self.tag_line.take() {
                    self.end_tag_line(line);
                }
            }
            TagEnd::Link if self.depth == 1 => self.end_tag_link(range),
            TagEnd::CodeBlock => {
                if let Some(block) = self.code.take() {
                    self.end_code(block);
                }
            }
            _ => {}
        }
    }

    fn leaf(&mut self, event: Event<'_>, range: Range<usize>) {
        if let Some(line) = &mut self.tag_line {
            match (&event, self.depth) {
                (Event::Text(text) | Event::Code(text), 2..) => {
                    if let Some(link) = &mut line.link {
                        link.push_str(text);
                    }
                }
                (Event::Text(text), 1) if text.trim().is_empty() => {}
                (Event::SoftBreak | Event::HardBreak, _) => {}
                _ => {
                    line.fault
                        .get_or_insert((range.clone(), "only tag links may be on a tags line"));
                }
            }
        }
        match event {
            Event::Text(text) => {
                if let Some(block) = &mut self.code {
                    block.content_start.get_or_insert(range.start);
                    if block.scenario {
                        block.content.push_str(&text);
                    }
                }
            }
            Event::InlineMath(_) | Event::DisplayMath(_) => self.opaque(range),
            Event::InlineHtml(_) if self.text(range.clone()).starts_with("<!--") => {
                self.html(range, false);
            }
            Event::InlineHtml(_) => self.html_images(range),
            _ => {}
        }
    }
}
