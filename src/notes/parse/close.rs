//! Closing a card: splitting front from back at `%`, cutting tag lines and ids out, and
//! checking that neither side is empty. A heading with no answer is not a card (as with
//! mdanki, whose sample notes end with one): a finding `check` reports, which every other
//! command shows as a warning and skips.

use std::ops::Range;

use super::{OpenCard, Walker};
use crate::deck::{Card, CardId, CardKind};
use crate::notes::cloze;
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

        let whole = card.heading.start..end;
        if cloze::may_hold_cloze(&text[whole.clone()]) {
            let located = cloze::locate(&text[whole]);
            if !located.scan.clozes.is_empty() || !located.scan.faults.is_empty() {
                self.close_cloze(card, located, separators.first().cloned(), body);
                return;
            }
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
        let reverse = match &card.reverse {
            Some((true, range)) if card.scenario.is_some() => {
                self.misplaced_reverse(range.clone(), "a scenario card is asked one way");
                false
            }
            Some((yes, _)) => *yes,
            None => self.file_reverse && card.scenario.is_none(),
        };
        self.cards.push(Card {
            id,
            kind: if reverse {
                CardKind::Reversed
            } else {
                CardKind::Basic
            },
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

    /// Close a card holding clozes (`located` was read from its heading on): a cloze note,
    /// or no card at all when a cloze is malformed, since no renderer could show it.
    ///
    /// Its front (Anki's Text field) runs from the heading to the `%` line, or without one,
    /// to the end of the last top-level block holding a cloze; the rest is its back (Anki's
    /// Back Extra), shown with the answer, and may be empty.
    fn close_cloze(
        &mut self,
        card: OpenCard,
        located: cloze::Located,
        separator: Option<Range<usize>>,
        body: Range<usize>,
    ) {
        let text = self.source.text;
        let base = card.heading.start;
        let location = self.source.at(base);
        let heading_len = self.heading_line_len(&card.heading);
        let mut refused = false;
        for fault in &located.scan.faults {
            refused = true;
            self.diagnostics.push(
                Diagnostic::error(
                    code::MALFORMED_CLOZE,
                    self.source.at(base + fault.range.start),
                    fault.kind.message(),
                )
                .spanning(fault.range.len())
                .label(fault.kind.label())
                .related(
                    location.clone(),
                    heading_len,
                    "this card is left out until it is fixed",
                )
                .hint(fault.kind.hint()),
            );
        }
        let clozes = &located.scan.clozes;
        let mut misplaced = |walker: &mut Self, cloze: &cloze::Cloze, message, label, hint| {
            refused = true;
            walker.diagnostics.push(
                Diagnostic::error(
                    code::MISPLACED_CLOZE,
                    walker.source.at(base + cloze.range.start),
                    message,
                )
                .spanning(cloze.range.len())
                .label(label)
                .related(
                    location.clone(),
                    heading_len,
                    "this card is left out until it is fixed",
                )
                .hint(hint),
            );
        };
        if let (Some(first), Some(_)) = (clozes.first(), &card.scenario) {
            misplaced(
                self,
                first,
                "a scenario card cannot hold clozes",
                "cloze in a scenario card",
                "the simulator answers a scenario card; put the cloze in a card of its own",
            );
        }
        if let Some(separator) = &separator
            && let Some(below) = clozes
                .iter()
                .find(|c| base + c.range.start > separator.start)
        {
            misplaced(
                self,
                below,
                "a cloze below `%` is never asked",
                "below `%`",
                "the text below `%` is shown with the answer as written (Anki's Back Extra); move the cloze above `%`, or remove the `%` line",
            );
        }
        if refused || clozes.is_empty() {
            return;
        }
        if let Some((true, range)) = &card.reverse {
            self.misplaced_reverse(
                range.clone(),
                "a cloze card has no reverse: each cloze number is a card",
            );
        }

        let heading_text = text[card.front.clone()].trim();
        let (front_end, back_range) = match &separator {
            Some(separator) => (separator.start, (separator.end + 1).min(body.end)..body.end),
            None => {
                let last = located
                    .blocks
                    .iter()
                    .map(|block| base + block.end)
                    .max()
                    .unwrap_or(body.start)
                    .clamp(body.start, body.end);
                (last, last..body.end)
            }
        };
        let more = side_text(text, body.start..front_end, &card.cuts, &mut self.scratch);
        let front = match (heading_text.is_empty(), more.is_empty()) {
            (_, true) => heading_text.to_owned(),
            (true, false) => more,
            (false, false) => format!("{heading_text}\n\n{more}"),
        };
        let back = side_text(text, back_range, &card.cuts, &mut self.scratch);
        let mut tags = Vec::with_capacity(self.file_tags.len() + card.tags.len());
        tags.extend_from_slice(&self.file_tags);
        add_unique(&mut tags, card.tags);
        let (id, pinned) = match card.pinned {
            Some((name, _)) => (CardId::pinned(&name), true),
            None => (CardId::from_stored(String::new()), false),
        };
        self.cards.push(Card {
            id,
            kind: CardKind::Cloze,
            pinned,
            deck: String::new(),
            front,
            back,
            tags,
            media: card.media,
            scenario: None,
            location,
        });
    }

    fn misplaced_reverse(&mut self, range: Range<usize>, why: &str) {
        self.diagnostics.push(
            Diagnostic::error(
                code::MISPLACED_REVERSE,
                self.source.at(range.start),
                format!("this card cannot be reversed: {why}"),
            )
            .spanning(range.len())
            .label("not for this kind of card")
            .hint("remove `<!-- reverse: yes -->`; reversing applies to question/answer cards"),
        );
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
