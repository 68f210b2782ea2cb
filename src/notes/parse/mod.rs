//! One notes file -> cards and diagnostics, in a single pass over pulldown-cmark's offset
//! iterator. Cards keep their markdown as written (sliced from the source, minus tag lines
//! and id comments), so renderers see exactly what the author wrote.

use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Tag, TagEnd};

mod blocks;
mod close;
mod headings;
mod tag_lines;

use super::chunks::{self, Definitions};
use super::deck_name::deck_path;
use super::diagnostic::{Diagnostic, code};
use super::front_matter;
use super::lines::SourceFile;
use super::ranges::RangeSet;
use super::tags::add_unique;
use crate::deck::{Card, CardId, MediaRef, ScenarioSource};

pub(super) use blocks::fence_is_closed;
pub use close::one_line;

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
    let front_matter = front_matter::locate(text);
    let body_start = front_matter.as_ref().map_or(0, |(_, end)| *end);
    // Footnote definitions apply to the whole document like link references, but there is
    // no hook to share them between pieces: a file that may have any is parsed in one piece.
    let min_piece = if text.contains("[^") {
        usize::MAX
    } else {
        min_piece
    };
    let boundaries = chunks::boundaries(text, body_start);
    // Room for every `## ` line: each is a card, unless it is inside a code block.
    let expected_cards = boundaries
        .iter()
        .filter(|&&at| text.as_bytes().get(at + 1) == Some(&b'#'))
        .count()
        + usize::from(text.starts_with("##"));
    let mut definitions = Definitions::default();
    loop {
        let mut walker = Walker::new(&source, expected_cards);
        if let Some((content, _)) = &front_matter {
            walker.front_matter(content.clone());
        }
        chunks::parse_in_pieces(
            text,
            body_start,
            &boundaries,
            min_piece,
            &mut definitions,
            |event, range| walker.event(event, range),
        );
        // A reference defined further down than its use: every definition is known now.
        if definitions.need_another_pass() {
            definitions.forget_missing();
            continue;
        }
        return walker.finish(deck_override);
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
}

struct Heading {
    level: HeadingLevel,
    /// `## Front` rather than an underlined (setext) heading.
    atx: bool,
    depth: usize,
    range: Range<usize>,
    inner: Option<Range<usize>>,
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
        let tags = front_matter::parse(self.source, text, content.start, &mut self.diagnostics);
        add_unique(&mut self.file_tags, tags);
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
            _ => {}
        }
    }

    fn finish(mut self, deck_override: Option<&str>) -> ParsedFile {
        self.close_card(self.source.text.len());
        let deck = self.deck(deck_override);
        if self.cards.is_empty() {
            self.diagnostics.push(
                Diagnostic::warning(
                    code::NO_CARDS,
                    super::diagnostic::whole_file(self.source.path),
                    format!("{} has no cards", self.source.path.display()),
                )
                .hint("a card starts at a `## ` heading; the text under it is the answer"),
            );
        }
        for card in &mut self.cards {
            if !card.pinned {
                card.id = CardId::from_front(&deck, &card.front);
            }
            card.deck.clone_from(&deck);
        }
        self.diagnostics.sort_by(|a, b| {
            (a.location.line, a.location.col).cmp(&(b.location.line, b.location.col))
        });
        ParsedFile {
            cards: self.cards,
            diagnostics: self.diagnostics,
        }
    }

    /// `--deck`, else the `# ` title, else the file's name.
    fn deck(&mut self, deck_override: Option<&str>) -> String {
        if let Some(deck) = deck_override {
            return deck_path(deck).unwrap_or_else(|_| deck.trim().to_owned());
        }
        let fallback = self
            .source
            .path
            .file_stem()
            .map(|stem| stem.to_string_lossy().into_owned())
            .filter(|stem| !stem.is_empty())
            .unwrap_or_else(|| "Default".to_owned());
        let Some(title) = &self.title else {
            return fallback;
        };
        match deck_path(&title.text) {
            Ok(deck) => deck,
            Err(_) => {
                self.diagnostics.push(
                    Diagnostic::error(
                        code::MALFORMED_DECK,
                        self.source.at(title.range.start),
                        format!("the title {:?} is not a deck name", title.text),
                    )
                    .spanning(self.heading_line_len(&title.range))
                    .label("empty deck name or part")
                    .hint(format!(
                        "write `# Name` or `# Parent::Child`; until then the deck is {fallback:?}"
                    )),
                );
                fallback
            }
        }
    }
}
