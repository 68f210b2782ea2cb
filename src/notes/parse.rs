//! One notes file -> cards and diagnostics, in a single pass over pulldown-cmark's offset
//! iterator. Cards keep their markdown as written (sliced from the source, minus tag lines
//! and id comments), so renderers see exactly what the author wrote.

use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Tag, TagEnd};

use super::chunks::{self, Definitions};
use super::deck_name::deck_path;
use super::diagnostic::{Diagnostic, code};
use super::directives;
use super::front_matter;
use super::lines::SourceFile;
use super::ranges::{RangeSet, side_text};
use super::tags::{add_unique, clean_tag};
use crate::deck::{Card, CardId, MediaRef, ScenarioSource};

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
    let mut definitions = Definitions::default();
    loop {
        let mut walker = Walker::new(&source, boundaries.len() + 1);
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
    info: Option<String>,
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
                let info = match kind {
                    CodeBlockKind::Fenced(info) => Some(info.into_string()),
                    CodeBlockKind::Indented => None,
                };
                self.code = Some(CodeBlock {
                    range,
                    info,
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
                    block.content.push_str(&text);
                }
            }
            Event::InlineMath(_) | Event::DisplayMath(_) => self.opaque(range),
            Event::InlineHtml(_) if self.text(range.clone()).starts_with("<!--") => {
                self.html(range, false);
            }
            _ => {}
        }
    }

    // ---- cards and titles ----------------------------------------------------------------

    fn start_heading(&mut self, level: HeadingLevel, range: Range<usize>) {
        let atx = self.text(range.clone()).starts_with('#');
        if self.depth == 0 && atx {
            if level <= HeadingLevel::H2 {
                self.close_card(range.start);
            } else {
                self.content(range.clone());
            }
        }
        self.heading = Some(Heading {
            level,
            atx,
            depth: self.depth,
            range,
            inner: None,
        });
    }

    fn end_heading(&mut self) {
        let Some(heading) = self.heading.take() else {
            return;
        };
        let range = heading.range.clone();
        let line_len = self.heading_line_len(&range);
        match heading {
            Heading {
                level: HeadingLevel::H2,
                atx: true,
                depth: 0,
                inner,
                ..
            } => {
                self.outside_reported = false;
                self.open = Some(OpenCard {
                    front: inner.unwrap_or(range.end..range.end),
                    body_start: range.end,
                    heading: range,
                    opaque: RangeSet::default(),
                    cuts: RangeSet::default(),
                    tags: Vec::new(),
                    media: Vec::new(),
                    scenario: None,
                    pinned: None,
                });
            }
            Heading {
                level: HeadingLevel::H1,
                atx: true,
                depth: 0,
                inner,
                ..
            } => {
                let inner = inner.unwrap_or(range.end..range.end);
                let text = self.text(inner.clone()).trim().to_owned();
                match &self.title {
                    None => self.title = Some(Title { text, range }),
                    Some(first) => {
                        let first_location = self.source.at(first.range.start);
                        let first_len = self.heading_line_len(&first.range);
                        self.diagnostics.push(
                            Diagnostic::warning(
                                code::DUPLICATE_TITLE,
                                self.source.at(range.start),
                                "a second `# ` title; only the first names the deck",
                            )
                            .spanning(line_len)
                            .label("ignored title")
                            .related(first_location, first_len, "this title names the deck")
                            .hint("split the file in two, or use `--deck` to choose the deck"),
                        );
                    }
                }
            }
            Heading {
                level: level @ (HeadingLevel::H1 | HeadingLevel::H2),
                atx: false,
                depth: 0,
                ..
            } => {
                let marks = if level == HeadingLevel::H1 { "#" } else { "##" };
                self.diagnostics.push(
                    Diagnostic::warning(
                        code::UNDERLINED_HEADING,
                        self.source.at(range.start),
                        "an underlined heading does not start a card or name a deck",
                    )
                    .spanning(line_len)
                    .label("underlined heading")
                    .hint(format!(
                        "write `{marks} ` before the text to make it a {}, or put a blank line \
                         before the `---`/`===` line to make a rule",
                        if level == HeadingLevel::H1 {
                            "title"
                        } else {
                            "card"
                        },
                    )),
                );
            }
            Heading {
                level: HeadingLevel::H2,
                atx: true,
                ..
            } => {
                self.diagnostics.push(
                    Diagnostic::warning(
                        code::NESTED_HEADING,
                        self.source.at(range.start),
                        "a `## ` heading inside a list or quote does not start a card",
                    )
                    .spanning(line_len)
                    .label("part of the answer above")
                    .hint("remove the indentation or `>` before `## ` to make it a card"),
                );
            }
            _ => {}
        }
    }

    fn heading_line_len(&self, range: &Range<usize>) -> usize {
        self.text(range.clone()).trim_end().len()
    }

    /// Content at the top level: fine inside a card, worth a warning outside one.
    fn content(&mut self, range: Range<usize>) {
        if self.open.is_some() || self.outside_reported {
            return;
        }
        self.outside_reported = true;
        let line = self.source.line_range(range.start);
        let len = self.text(range.start..line.end).trim_end().len();
        self.diagnostics.push(
            Diagnostic::warning(
                code::OUTSIDE_CARD,
                self.source.at(range.start),
                "text outside any card is not used",
            )
            .spanning(len)
            .label("not part of a card")
            .hint("cards start at `## ` headings; move this under one, or delete it"),
        );
    }

    // ---- tags lines ------------------------------------------------------------------------

    fn end_tag_link(&mut self, range: Range<usize>) {
        let Some(line) = &mut self.tag_line else {
            return;
        };
        let Some(text) = line.link.take() else {
            return;
        };
        if !text.starts_with('#') {
            line.fault
                .get_or_insert((range, "a link that is not a tag is on a tags line"));
        } else if let Some(tag) = clean_tag(&text) {
            line.tags.push(tag);
        } else {
            line.fault.get_or_insert((range, "a tag has no name"));
        }
    }

    fn end_tag_line(&mut self, line: TagLine) {
        if let Some((fault, reason)) = line.fault {
            let len = self.text(fault.clone()).trim_end().len();
            self.diagnostics.push(
                Diagnostic::error(
                    code::MALFORMED_TAGS,
                    self.source.at(fault.start),
                    format!("malformed tags line: {reason}"),
                )
                .spanning(len.max(1))
                .label(reason)
                .hint(
                    "a tags line holds only links like `[#raft]() [#leader election]()`; \
                     to start a paragraph with `[#`, write `[\\#`",
                ),
            );
            self.content(line.range);
            return;
        }
        match &mut self.open {
            Some(card) => {
                card.cuts.push(line.range);
                add_unique(&mut card.tags, line.tags);
            }
            None => {
                let len = self
                    .text(line.range.clone())
                    .lines()
                    .next()
                    .unwrap_or("")
                    .len();
                self.diagnostics.push(
                    Diagnostic::warning(
                        code::OUTSIDE_CARD,
                        self.source.at(line.range.start),
                        "a tags line outside any card tags nothing",
                    )
                    .spanning(len)
                    .label("not under a `## ` heading")
                    .hint("put it under a card's heading, or tag the whole file with front matter `tags:`"),
                );
            }
        }
    }

    // ---- code, math, HTML, images ----------------------------------------------------------

    fn opaque(&mut self, range: Range<usize>) {
        if let Some(card) = &mut self.open {
            card.opaque.push(range);
        }
    }

    fn end_code(&mut self, block: CodeBlock) {
        self.opaque(block.range.clone());
        let Some(info) = &block.info else {
            return;
        };
        let source = self.text(block.range.clone());
        if !fence_is_closed(source) {
            let opening = source.lines().next().unwrap_or("");
            let swallowed = source
                .lines()
                .skip(1)
                .filter(|line| is_card_heading(line))
                .count();
            let close = "close it with a line of the same fence (``` or ~~~)";
            let hint = match swallowed {
                0 => close.to_owned(),
                1 => format!("{close}: the `## ` heading after it is code, not a card"),
                n => format!("{close}: the {n} `## ` headings after it are code, not cards"),
            };
            self.diagnostics.push(
                Diagnostic::error(
                    code::UNCLOSED_FENCE,
                    self.source.at(block.range.start),
                    "code block is never closed",
                )
                .spanning(opening.trim_end().len())
                .label("opened here")
                .hint(hint),
            );
        }
        if info.split_whitespace().next() != Some("raft") {
            return;
        }
        let Some(card) = &mut self.open else {
            return;
        };
        let script_start = block
            .content_start
            .unwrap_or_else(|| self.source.line_range(block.range.start).end + 1);
        let scenario = ScenarioSource {
            script: block.content,
            location: self.source.at(script_start),
        };
        match &card.scenario {
            None => card.scenario = Some((scenario, block.range)),
            Some((_, first)) => {
                let first_location = self.source.at(first.start);
                let opening_len = source.lines().next().unwrap_or("").trim_end().len();
                self.diagnostics.push(
                    Diagnostic::error(
                        code::EXTRA_SCENARIO,
                        self.source.at(block.range.start),
                        "a card holds one ```raft scenario; this is its second",
                    )
                    .spanning(opening_len)
                    .label("second scenario")
                    .related(first_location, opening_len, "first scenario")
                    .hint("split the card in two, or merge the scripts into one block"),
                );
            }
        }
    }

    /// An HTML block, or an inline comment: pinned ids and other directives.
    fn html(&mut self, range: Range<usize>, top_level: bool) {
        self.opaque(range.clone());
        let html = self.text(range.clone());
        let comments = directives::comments(html);
        if top_level && !directives::only_comments(html, &comments) {
            self.content(range.clone());
        }
        for comment in comments {
            let Some(directive) = comment.directive else {
                continue;
            };
            let at = range.start + comment.range.start;
            let len = comment.range.len();
            if directive.name != "id" {
                self.diagnostics.push(
                    Diagnostic::warning(
                        code::UNKNOWN_DIRECTIVE,
                        self.source.at(at),
                        format!("unknown directive `{}`", directive.name),
                    )
                    .spanning(len)
                    .label("mdcards knows only `id:`")
                    .hint("write `<!-- id: NAME -->` to pin a card's identity; other comments are fine when they do not start with `word:`"),
                );
                continue;
            }
            self.pin(directive.value, at..at + len);
        }
    }

    fn pin(&mut self, name: &str, range: Range<usize>) {
        let location = self.source.at(range.start);
        let len = range.len();
        let Some(card) = &mut self.open else {
            self.diagnostics.push(
                Diagnostic::warning(
                    code::OUTSIDE_CARD,
                    location,
                    "an id outside any card pins nothing",
                )
                .spanning(len)
                .label("not under a `## ` heading")
                .hint("put `<!-- id: NAME -->` under the heading of the card it names"),
            );
            return;
        };
        card.cuts.push(range.clone());
        let problem = if name.is_empty() {
            Some("the id is empty")
        } else if name.chars().any(|c| c.is_whitespace() || c.is_control()) {
            Some("an id is one word: no spaces")
        } else {
            None
        };
        if let Some(problem) = problem {
            self.diagnostics.push(
                Diagnostic::error(
                    code::MALFORMED_ID,
                    location,
                    format!("bad pinned id: {problem}"),
                )
                .spanning(len)
                .label(problem)
                .hint("write `<!-- id: NAME -->` with a NAME like `vote-rule-1`"),
            );
            return;
        }
        match &card.pinned {
            None => card.pinned = Some((name.to_owned(), range)),
            Some((_, first)) => {
                let first_location = self.source.at(first.start);
                let first_len = first.len();
                self.diagnostics.push(
                    Diagnostic::error(
                        code::MALFORMED_ID,
                        location,
                        "a card has one pinned id; this is its second",
                    )
                    .spanning(len)
                    .label("second id")
                    .related(first_location, first_len, "first id")
                    .hint("keep one `<!-- id: ... -->` per card"),
                );
            }
        }
    }

    fn image(&mut self, dest: &str, range: Range<usize>) {
        let Some(card) = &mut self.open else {
            return;
        };
        let dest = dest.trim();
        if dest.is_empty() {
            return;
        }
        let location = self.source.at(range.start);
        if dest.contains("://") || dest.starts_with("data:") || dest.starts_with("//") {
            self.diagnostics.push(
                Diagnostic::warning(
                    code::REMOTE_IMAGE,
                    location,
                    format!("image `{dest}` is not a local file and is not bundled"),
                )
                .spanning(range.len())
                .label("remote image")
                .hint("download it next to the notes and link the file to have it in Anki offline"),
            );
            return;
        }
        let folder = self.source.path.parent().unwrap_or(Path::new(""));
        card.media.push(MediaRef {
            written: dest.to_owned(),
            path: folder.join(dest),
            location,
        });
    }

    // ---- closing cards ---------------------------------------------------------------------

    fn close_card(&mut self, end: usize) {
        let Some(mut card) = self.open.take() else {
            return;
        };
        let text = self.source.text;
        let body = card.body_start.min(end)..end;
        self.latex_spans(&mut card, body.clone());
        card.opaque.normalise();
        card.cuts.normalise();

        // Lines holding only `%`, found from each `%` (most cards have none).
        let mut separators: Vec<Range<usize>> = Vec::new();
        for (at, _) in text[body.clone()].match_indices('%') {
            let line = self.source.line_range(body.start + at);
            if line.start >= body.start
                && line.end <= end
                && text[line.clone()].trim() == "%"
                && !card.opaque.contains(line.start)
                && !card.cuts.contains(line.start)
            {
                separators.push(line);
            }
        }
        for extra in separators.iter().skip(1) {
            let first = self.source.at(separators[0].start);
            self.diagnostics.push(
                Diagnostic::error(
                    code::EXTRA_SEPARATOR,
                    self.source.at(extra.start),
                    "more than one `%` line in a card",
                )
                .spanning(extra.len())
                .label("second `%`: kept as part of the answer")
                .related(first, separators[0].len(), "this `%` ends the front")
                .hint("a card has one `%` between its front and back; start a new card with `## `"),
            );
        }

        let heading_text = text[card.front.clone()].trim();
        let (front, back_range) = match separators.first() {
            Some(separator) => {
                let more = side_text(
                    text,
                    body.start..separator.start,
                    &card.cuts,
                    &mut self.scratch,
                );
                let front = match (heading_text.is_empty(), more.is_empty()) {
                    (_, true) => heading_text.to_owned(),
                    (true, false) => more,
                    (false, false) => format!("{heading_text}\n\n{more}"),
                };
                (front, (separator.end + 1).min(end)..end)
            }
            None => (heading_text.to_owned(), body),
        };
        let back = side_text(text, back_range, &card.cuts, &mut self.scratch);

        let location = self.source.at(card.heading.start);
        let heading_len = self.heading_line_len(&card.heading);
        if front.is_empty() {
            self.diagnostics.push(
                Diagnostic::error(code::EMPTY_FRONT, location.clone(), "card has no question")
                    .spanning(heading_len)
                    .label("empty heading")
                    .hint("write the question after `## `"),
            );
        }
        if back.is_empty() {
            self.diagnostics.push(
                Diagnostic::error(
                    code::EMPTY_BACK,
                    location.clone(),
                    format!("card \"{}\" has no answer", one_line(&front)),
                )
                .spanning(heading_len)
                .label("no text before the next heading")
                .hint("write the answer under the heading; a heading meant as part of the previous answer should be `### `"),
            );
        }
        // Front matter comes first in a file, so the file's tags are known by now.
        let mut tags = Vec::with_capacity(self.file_tags.len() + card.tags.len());
        tags.extend_from_slice(&self.file_tags);
        add_unique(&mut tags, card.tags);
        let (id, pinned) = match card.pinned {
            Some((name, _)) => (CardId::pinned(&name), true),
            None => (CardId::from_stored(String::new()), false),
        };
        self.cards.push(Card {
            id,
            pinned,
            deck: String::new(),
            front,
            back,
            tags,
            media: card.media,
            scenario: card.scenario.map(|(scenario, _)| scenario),
            location,
        });
    }

    /// `[latex]...[/latex]` spans: `%` lines inside them are LaTeX comments, not separators.
    fn latex_spans(&mut self, card: &mut OpenCard, body: Range<usize>) {
        const OPEN: &str = "[latex]";
        const CLOSE: &str = "[/latex]";
        let text = self.source.text;
        let mut from = body.start;
        let mut spans = Vec::new();
        card.opaque.normalise();
        while let Some(open) =
            memchr::memmem::find(&text.as_bytes()[from..body.end], OPEN.as_bytes())
                .map(|i| from + i)
        {
            if card.opaque.contains(open) {
                from = open + OPEN.len();
                continue;
            }
            match text[open..body.end].find(CLOSE) {
                Some(close) => {
                    let span = open..open + close + CLOSE.len();
                    from = span.end;
                    spans.push(span);
                }
                None => {
                    self.diagnostics.push(
                        Diagnostic::warning(
                            code::UNCLOSED_LATEX,
                            self.source.at(open),
                            "`[latex]` without `[/latex]`",
                        )
                        .spanning(OPEN.len())
                        .label("opened here")
                        .hint("end the formula with `[/latex]` so Anki renders it"),
                    );
                    break;
                }
            }
        }
        for span in spans {
            card.opaque.push(span);
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

/// True when the last line of a fenced block's source is a closing fence for its opener.
pub(super) fn fence_is_closed(block: &str) -> bool {
    let opening = block.trim_start();
    let Some(fence_char) = opening.chars().next().filter(|c| matches!(c, '`' | '~')) else {
        return true;
    };
    let fence_len = opening.chars().take_while(|&c| c == fence_char).count();
    let Some((_, last)) = block.rsplit_once('\n') else {
        return false;
    };
    let last = last.trim_start_matches([' ', '\t', '>']).trim_end();
    !last.is_empty() && last.chars().all(|c| c == fence_char) && last.chars().count() >= fence_len
}

/// A line that would start a card if it were not inside a code block.
fn is_card_heading(line: &str) -> bool {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let rest = &line[indent..];
    indent <= 3 && (rest == "##" || rest.starts_with("## ") || rest.starts_with("##\t"))
}

/// The first line of a front, for messages.
pub fn one_line(front: &str) -> &str {
    front.lines().next().unwrap_or("").trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_and_unclosed_fences() {
        assert!(fence_is_closed("```json\n{}\n```"));
        assert!(fence_is_closed("````\n```\n`````"));
        assert!(fence_is_closed("```\n> x\n> ```"));
        assert!(fence_is_closed("~~~\nx\n~~~"));
        assert!(!fence_is_closed("```\nx\n"));
        assert!(!fence_is_closed("```"));
        assert!(!fence_is_closed("````\nx\n```"));
        assert!(!fence_is_closed("```\nx\n~~~"));
    }

    #[test]
    fn card_heading_lines() {
        assert!(is_card_heading("## Q"));
        assert!(is_card_heading("   ##"));
        assert!(!is_card_heading("    ## Q"));
        assert!(!is_card_heading("### Q"));
        assert!(!is_card_heading("##Q"));
    }
}
