//! Closing a card: splitting front from back at `%`, cutting tag lines and ids out, and
//! checking that neither side is empty. A heading with no answer is not a card (as with
//! mdanki, whose sample notes end with one): a finding `check` reports, which every other
//! command shows as a warning and skips.

use std::ops::Range;

use super::{OpenCard, Walker};
use crate::deck::{Card, CardId};
use crate::notes::diagnostic::{Diagnostic, code};
use crate::notes::ranges::side_text;
use crate::notes::tags::add_unique;

impl Walker<'_, '_> {
    pub(super) fn close_card(&mut self, end: usize) {
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
        if back.is_empty() {
            let message = if front.is_empty() {
                "an empty heading with no answer is not a card".to_owned()
            } else {
                format!(
                    "heading \"{}\" has no answer, so it is not a card",
                    one_line(&front)
                )
            };
            self.diagnostics.push(
                Diagnostic::lint(code::EMPTY_BACK, location, message)
                    .spanning(heading_len)
                    .label("no text before the next heading")
                    .hint("write the answer under the heading; a heading meant as part of the previous answer should be `### `"),
            );
            return;
        }
        if front.is_empty() {
            self.diagnostics.push(
                Diagnostic::error(code::EMPTY_FRONT, location.clone(), "card has no question")
                    .spanning(heading_len)
                    .label("empty heading")
                    .hint("write the question after `## `"),
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
    pub(super) fn latex_spans(&mut self, card: &mut OpenCard, body: Range<usize>) {
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
}

/// The first line of a front with its spacing tidied, for messages.
pub fn one_line(front: &str) -> String {
    let first = front.lines().next().unwrap_or("");
    first.split_whitespace().collect::<Vec<_>>().join(" ")
}
