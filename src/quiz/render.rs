//! Markdown to styled terminal lines, from pulldown-cmark events with the same options as
//! the notes parser: headings, emphasis, lists (nested, numbered, task), code blocks
//! (highlighted; JSON pretty-printed), block quotes, tables, rules; HTML comments such as
//! `<!-- id: ... -->` are dropped.

use anstyle::{Effects, Style};
use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Parser, Tag, TagEnd};

use super::cloze::{Highlight, Piece, has_marks, pieces};
use super::highlight::highlight;
use super::styled::{Line, Span, columns, palette, wrap};
use crate::notes::markdown::options;

/// Render `markdown` for a terminal `width` columns wide.
pub fn render(markdown: &str, width: usize) -> Vec<Line> {
    let mut renderer = Renderer::new(width);
    for event in Parser::new_ext(markdown, options()) {
        renderer.event(event);
    }
    renderer.finish()
}

/// One level of list nesting: the next number of an ordered list, and how far its items'
/// text is indented ("1. " or "• ").
struct List {
    next_number: Option<u64>,
    width: usize,
}

#[derive(Default)]
struct Table {
    rows: Vec<Vec<Vec<Span>>>,
    head_rows: usize,
    in_head: bool,
}

struct Renderer {
    width: usize,
    lines: Vec<Line>,
    inline: Vec<Span>,
    styles: Vec<Style>,
    lists: Vec<List>,
    /// The marker ("1. ", "• ") waiting to start the current item's first line.
    marker: Option<String>,
    quote_depth: usize,
    code: Option<(String, String)>,
    table: Option<Table>,
    links: Vec<String>,
    in_metadata: bool,
    /// Inside a cloze's highlighted part (see `quiz::cloze`).
    cloze: Highlight,
}

impl Renderer {
    fn new(width: usize) -> Renderer {
        Renderer {
            width,
            lines: Vec::new(),
            inline: Vec::new(),
            styles: Vec::new(),
            lists: Vec::new(),
            marker: None,
            quote_depth: 0,
            code: None,
            table: None,
            links: Vec::new(),
            in_metadata: false,
            cloze: Highlight::default(),
        }
    }

    fn style(&self) -> Style {
        let style = self.styles.iter().fold(Style::new(), |acc, s| {
            let mut style = acc.effects(acc.get_effects() | s.get_effects());
            if let Some(colour) = s.get_fg_color() {
                style = style.fg_color(Some(colour));
            }
            style
        });
        self.cloze.style(style)
    }

    /// Columns of indentation for text inside the current lists.
    fn indent(&self) -> usize {
        self.lists.iter().map(|l| l.width).sum()
    }

    fn quote_prefix(&self) -> Line {
        if self.quote_depth == 0 {
            Vec::new()
        } else {
            vec![Span::new("│ ".repeat(self.quote_depth), palette::DIM)]
        }
    }

    fn separate(&mut self) {
        if !self.lists.is_empty() {
            return;
        }
        if self.lines.last().is_some_and(|l| !l.is_empty()) {
            self.lines.push(Vec::new());
        }
    }

    fn push_words(&mut self, text: &str) {
        let style = self.style();
        let mut word = String::new();
        for c in text.chars() {
            if c.is_whitespace() {
                if !word.is_empty() {
                    self.inline
                        .push(Span::new(std::mem::take(&mut word), style));
                }
                self.inline.push(Span::new(" ", style));
            } else {
                word.push(c);
            }
        }
        if !word.is_empty() {
            self.inline.push(Span::new(word, style));
        }
    }

    /// Wrap the pending inline text into lines.
    fn flush(&mut self) {
        let marker = self.marker.take();
        if self.inline.is_empty() && marker.is_none() {
            return;
        }
        let indent = self.indent();
        let mut prefix = self.quote_prefix();
        let quote_width: usize = prefix.iter().map(|s| columns(&s.text)).sum();
        match marker {
            Some(marker) => {
                let marker_width = columns(&marker);
                let pad = indent.saturating_sub(marker_width);
                if pad > 0 {
                    prefix.push(Span::plain(" ".repeat(pad)));
                }
                prefix.push(Span::new(marker, palette::DIM));
            }
            None if indent > 0 => prefix.push(Span::plain(" ".repeat(indent))),
            None => {}
        }
        let words = std::mem::take(&mut self.inline);
        let mut wrapped = wrap(&words, prefix, indent + quote_width, self.width);
        if self.quote_depth > 0 {
            for line in wrapped.iter_mut().skip(1) {
                // Continuation lines carry the quote bar too.
                if let Some(first) = line.first_mut() {
                    let rest: String = first.text.chars().skip(quote_width).collect();
                    *first = Span::plain(rest);
                }
                line.insert(0, Span::new("│ ".repeat(self.quote_depth), palette::DIM));
            }
        }
        self.lines.extend(wrapped);
    }

    fn event(&mut self, event: Event<'_>) {
        if self.in_metadata {
            if matches!(event, Event::End(TagEnd::MetadataBlock(_))) {
                self.in_metadata = false;
            }
            return;
        }
        if let Some((_, code)) = &mut self.code {
            match event {
                Event::Text(text) => code.push_str(&text),
                Event::End(TagEnd::CodeBlock) => self.end_code(),
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => self.text(&text),
            Event::Code(text) => self.atom(&text, palette::CODE),
            Event::InlineMath(text) => self.atom(&format!("${text}$"), palette::CODE),
            Event::DisplayMath(text) => self.atom(&format!("$${text}$$"), palette::CODE),
            Event::Html(html) | Event::InlineHtml(html) => {
                let trimmed = html.trim();
                if !trimmed.is_empty() && !trimmed.starts_with("<!--") {
                    self.atom(trimmed, palette::DIM);
                }
            }
            Event::FootnoteReference(label) => self.atom(&format!("[^{label}]"), palette::DIM),
            Event::SoftBreak => self.push_words(" "),
            Event::HardBreak => self.inline.push(Span::plain("\n")),
            Event::Rule => {
                self.flush();
                self.separate();
                self.lines.push(vec![Span::new(
                    "─".repeat(self.width.min(40)),
                    palette::DIM,
                )]);
            }
            Event::TaskListMarker(done) => {
                self.atom(if done { "[x]" } else { "[ ]" }, palette::DIM);
                self.push_words(" ");
            }
        }
    }

    fn text(&mut self, text: &str) {
        if has_marks(text) {
            for piece in pieces(text) {
                match piece {
                    Piece::Text(text) => self.text(text),
                    Piece::Start => self.cloze.enter(),
                    Piece::End => self.cloze.leave(),
                }
            }
            return;
        }
        let style = self.style();
        if let Some(table) = &mut self.table {
            if let Some(cell) = table.rows.last_mut().and_then(|row| row.last_mut()) {
                cell.push(Span::new(text, style));
            }
            return;
        }
        self.push_words(text);
    }

    /// Text that wraps as one word (inline code, math).
    fn atom(&mut self, text: &str, style: Style) {
        if has_marks(text) {
            for piece in pieces(text) {
                match piece {
                    Piece::Text(text) => self.atom(text, style),
                    Piece::Start => self.cloze.enter(),
                    Piece::End => self.cloze.leave(),
                }
            }
            return;
        }
        let style = self.cloze.style(style);
        if let Some(table) = &mut self.table {
            if let Some(cell) = table.rows.last_mut().and_then(|row| row.last_mut()) {
                cell.push(Span::new(text, style));
            }
            return;
        }
        self.inline.push(Span::new(text, style));
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => self.separate(),
            Tag::Heading { level, .. } => {
                self.flush();
                self.separate();
                self.styles.push(match level {
                    HeadingLevel::H1 | HeadingLevel::H2 => palette::HEADING,
                    _ => palette::BOLD,
                });
            }
            Tag::BlockQuote(_) => {
                self.flush();
                self.separate();
                self.quote_depth += 1;
            }
            Tag::CodeBlock(kind) => {
                self.flush();
                self.separate();
                let language = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().unwrap_or("").to_owned()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                self.code = Some((language, String::new()));
            }
            Tag::List(start) => {
                self.flush();
                self.separate();
                let width = match start {
                    Some(n) => n.to_string().len() + 2,
                    None => 2,
                };
                self.lists.push(List {
                    next_number: start,
                    width,
                });
            }
            Tag::Item => {
                self.flush();
                let marker = match self.lists.last_mut() {
                    Some(List {
                        next_number: Some(n),
                        ..
                    }) => {
                        let marker = format!("{n}. ");
                        *n += 1;
                        marker
                    }
                    _ => "• ".to_owned(),
                };
                self.marker = Some(marker);
            }
            Tag::FootnoteDefinition(label) => {
                self.flush();
                self.separate();
                self.atom(&format!("[^{label}]:"), palette::DIM);
                self.push_words(" ");
            }
            Tag::Table(_) => {
                self.flush();
                self.separate();
                self.table = Some(Table::default());
            }
            Tag::TableHead => {
                if let Some(table) = &mut self.table {
                    table.in_head = true;
                    table.rows.push(Vec::new());
                }
            }
            Tag::TableRow => {
                if let Some(table) = &mut self.table {
                    table.rows.push(Vec::new());
                }
            }
            Tag::TableCell => {
                if let Some(row) = self.table.as_mut().and_then(|t| t.rows.last_mut()) {
                    row.push(Vec::new());
                }
            }
            Tag::Emphasis => self.styles.push(palette::ITALIC),
            Tag::Strong => self.styles.push(palette::BOLD),
            Tag::Strikethrough => self
                .styles
                .push(Style::new().effects(Effects::STRIKETHROUGH)),
            Tag::Link { dest_url, .. } => {
                self.links.push(dest_url.to_string());
                self.styles.push(if dest_url.is_empty() {
                    // `[#tag]()`: a tag line.
                    palette::DIM
                } else {
                    Style::new().effects(Effects::UNDERLINE)
                });
            }
            Tag::Image { .. } => {
                self.styles.push(palette::DIM);
                self.text("[image: ");
            }
            Tag::MetadataBlock(_) => self.in_metadata = true,
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => self.flush(),
            TagEnd::Heading(_) => {
                self.flush();
                self.styles.pop();
            }
            TagEnd::BlockQuote(_) => {
                self.flush();
                self.quote_depth = self.quote_depth.saturating_sub(1);
            }
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
            }
            TagEnd::Item => self.flush(),
            TagEnd::FootnoteDefinition => self.flush(),
            TagEnd::Table => self.end_table(),
            TagEnd::TableHead => {
                if let Some(table) = &mut self.table {
                    table.in_head = false;
                    table.head_rows = table.rows.len();
                }
            }
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough => {
                self.styles.pop();
            }
            TagEnd::Link => {
                self.styles.pop();
                if let Some(url) = self.links.pop()
                    && !url.is_empty()
                {
                    self.push_words(" ");
                    self.atom(&format!("({url})"), palette::DIM);
                }
            }
            TagEnd::Image => {
                self.text("]");
                self.styles.pop();
            }
            _ => {}
        }
    }

    fn end_code(&mut self) {
        let Some((language, code)) = self.code.take() else {
            return;
        };
        let indent = self.indent() + 2;
        let marked = has_marks(&code);
        for line in highlight(&language, &code) {
            let mut out = self.quote_prefix();
            out.push(Span::plain(" ".repeat(indent)));
            out.extend(if marked { self.cloze.spans(line) } else { line });
            self.lines.push(out);
        }
    }

    fn end_table(&mut self) {
        let Some(table) = self.table.take() else {
            return;
        };
        let column_count = table.rows.iter().map(Vec::len).max().unwrap_or(0);
        let cell_width =
            |cell: &Vec<Span>| -> usize { cell.iter().map(|s| columns(&s.text)).sum() };
        let mut widths = vec![0; column_count];
        for row in &table.rows {
            for (i, cell) in row.iter().enumerate() {
                widths[i] = widths[i].max(cell_width(cell));
            }
        }
        for (r, row) in table.rows.iter().enumerate() {
            let mut line: Line = vec![Span::plain(" ".repeat(self.indent()))];
            for (i, width) in widths.iter().enumerate() {
                if i > 0 {
                    line.push(Span::new(" │ ", palette::DIM));
                }
                let empty = Vec::new();
                let cell = row.get(i).unwrap_or(&empty);
                for span in cell {
                    let style = if r < table.head_rows {
                        palette::BOLD
                    } else {
                        span.style
                    };
                    line.push(Span::new(span.text.clone(), style));
                }
                line.push(Span::plain(" ".repeat(width - cell_width(cell))));
            }
            self.lines.push(line);
            if r + 1 == table.head_rows {
                let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
                self.lines.push(vec![
                    Span::plain(" ".repeat(self.indent())),
                    Span::new(rule.join("─┼─"), palette::DIM),
                ]);
            }
        }
    }

    fn finish(mut self) -> Vec<Line> {
        self.flush();
        while self.lines.last().is_some_and(Vec::is_empty) {
            self.lines.pop();
        }
        for line in &mut self.lines {
            while line.last().is_some_and(|s| s.text.trim().is_empty()) && !line.is_empty() {
                line.pop();
            }
        }
        self.lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quiz::styled::line_text;

    fn text(markdown: &str, width: usize) -> String {
        render(markdown, width)
            .iter()
            .map(line_text)
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn nested_numbered_lists_indent_and_wrap() {
        let md = "1. Voting Process: Other nodes respond to the candidate.\n    1. The candidate's log is at least as complete as its own.\n    1. The node has not voted.\n2. Winning\n";
        assert_eq!(
            text(md, 40),
            "1. Voting Process: Other nodes respond\n   to the candidate.\n   1. The candidate's log is at least as\n      complete as its own.\n   2. The node has not voted.\n2. Winning"
        );
    }

    #[test]
    fn headings_and_emphasis_are_styled() {
        let lines = render("### Safety\n\nA **leader** never *overwrites*.", 80);
        assert_eq!(line_text(&lines[0]), "Safety");
        assert_eq!(lines[0][0].style, palette::BOLD);
        let bold = lines[2].iter().find(|s| s.text == "leader").unwrap();
        assert_eq!(bold.style, palette::BOLD);
        let italic = lines[2].iter().find(|s| s.text == "overwrites").unwrap();
        assert_eq!(italic.style, palette::ITALIC);
    }

    #[test]
    fn json_blocks_are_pretty_printed_under_their_item() {
        let md = "1. Request:\n\n    ```json\n    {\"term\": 2, \"candidateId\": 1}\n    ```\n";
        assert_eq!(
            text(md, 80),
            "1. Request:\n     {\n       \"term\": 2,\n       \"candidateId\": 1\n     }"
        );
    }

    #[test]
    fn id_comments_and_tag_links_are_quiet() {
        let lines = render("<!-- id: term -->\n\n[#raft]() [#terms]()\n\nA clock.", 80);
        let all = lines.iter().map(line_text).collect::<Vec<_>>().join("\n");
        assert_eq!(all, "#raft #terms\n\nA clock.");
        assert_eq!(lines[0][0].style, palette::DIM);
    }

    #[test]
    fn tables_align_their_columns() {
        let md = "| node | term |\n|---|---|\n| S1 | 3 |\n| S22 | 14 |\n";
        assert_eq!(
            text(md, 80),
            "node │ term\n─────┼─────\nS1   │ 3\nS22  │ 14"
        );
    }

    #[test]
    fn tables_align_wide_characters_by_display_columns() {
        let md = "| 名前 | term |\n|---|---|\n| S1 | 3 |\n| 🎉 | 14 |\n";
        assert_eq!(
            text(md, 80),
            "名前 │ term\n─────┼─────\nS1   │ 3\n🎉   │ 14"
        );
    }

    #[test]
    fn quotes_rules_and_tasks() {
        assert_eq!(text("> quoted text", 80), "│ quoted text");
        assert_eq!(
            text("a\n\n---\n\nb", 80),
            "a\n\n────────────────────────────────────────\n\nb"
        );
        assert_eq!(text("- [x] done\n- [ ] todo", 80), "• [x] done\n• [ ] todo");
    }
}
