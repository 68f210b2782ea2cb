//! Tags lines: a paragraph of `[#tag]()` links tags its card; anything else on it is an error.

use std::ops::Range;

use super::{TagLine, Walker};
use crate::notes::diagnostic::{Diagnostic, code};
use crate::notes::tags::{add_unique, clean_tag};

impl Walker<'_, '_> {
    pub(super) fn end_tag_link(&mut self, range: Range<usize>) {
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

    /// The length of `[#tag]` at `at` when no `(` follows it (mdanki accepted that form).
    pub(super) fn unlinked_tag(&self, at: usize) -> Option<usize> {
        let rest = &self.source.text[at..];
        if !rest.starts_with("[#") {
            return None;
        }
        let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
        let close = line.find(']')?;
        (!line[close + 1..].starts_with('(')).then_some(close + 1)
    }

    pub(super) fn end_tag_line(&mut self, line: TagLine) {
        if let Some((fault, reason)) = line.fault {
            let (message, label, len) = match self.unlinked_tag(fault.start) {
                Some(len) => (
                    format!(
                        "malformed tags line: `{}` needs `()` after it",
                        self.text(fault.start..fault.start + len)
                    ),
                    "missing `()`",
                    len,
                ),
                None => (
                    format!("malformed tags line: {reason}"),
                    reason,
                    self.text(fault.clone()).trim_end().len(),
                ),
            };
            self.diagnostics.push(
                Diagnostic::error(code::MALFORMED_TAGS, self.source.at(fault.start), message)
                    .spanning(len.max(1))
                    .label(label)
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
}
