//! Headings: `## ` opens a card, `# ` names the deck, and the other kinds get warnings;
//! and text outside any card.

use std::ops::Range;

use pulldown_cmark::HeadingLevel;

use super::{Heading, OpenCard, Title, Walker};
use crate::notes::diagnostic::{Diagnostic, code};
use crate::notes::ranges::RangeSet;

impl Walker<'_, '_> {
    pub(super) fn start_heading(&mut self, level: HeadingLevel, range: Range<usize>) {
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
            images: Vec::new(),
        });
    }

    pub(super) fn end_heading(&mut self) {
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
                images,
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
                    reverse: None,
                });
                for (dest, range) in images {
                    self.image(&dest, range);
                }
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

    pub(super) fn heading_line_len(&self, range: &Range<usize>) -> usize {
        self.text(range.clone()).trim_end().len()
    }

    /// Content at the top level: fine inside a card, worth a warning outside one.
    pub(super) fn content(&mut self, range: Range<usize>) {
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
}
