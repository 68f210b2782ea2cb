//! Cloze cards in the quiz. A cloze card's stored front is its note's text with its own
//! number's clozes as written (`notes::split`): the question shows each as `[...]` (or
//! `[hint]`), the answer reveals it, and both are highlighted. The markdown carries the
//! highlighted parts between `notes::cloze::MARK_START` and `MARK_END`; the renderer turns
//! them into a style with [`Highlight`].

use anstyle::{AnsiColor, Effects, Style};

use super::styled::Span;
use crate::notes::cloze::{self, Form, MARK_END, MARK_START, Side};

/// A hidden or revealed cloze: bold, underlined and blue, as Anki shows it in bold blue.
pub const CLOZE: Style = Style::new()
    .effects(Effects::BOLD.insert(Effects::UNDERLINE))
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Blue)));

/// The question of a cloze card as marked markdown, or `None` for another card.
pub fn question(front: &str) -> Option<String> {
    own(front, Side::Question)
}

/// The answer of a cloze card as marked markdown: the text with its clozes revealed, then
/// the extra (the card's back), if any. `None` for another card.
pub fn answer(front: &str, back: &str) -> Option<String> {
    let mut revealed = own(front, Side::Answer)?;
    if !back.trim().is_empty() {
        revealed.push_str("\n\n");
        revealed.push_str(back);
    }
    Some(revealed)
}

/// A cloze card's front keeps one number's clozes: the lowest there is.
fn own(front: &str, side: Side) -> Option<String> {
    let number = cloze::scan(front).numbers().first().copied()?;
    cloze::reveal(front, number, side, Form::Marked)
}

/// A stretch of marked text: text, or the start or end of a highlighted part.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece<'t> {
    Text(&'t str),
    Start,
    End,
}

/// `text` cut at its marks.
pub fn pieces(text: &str) -> impl Iterator<Item = Piece<'_>> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let piece = match first {
            MARK_START => Piece::Start,
            MARK_END => Piece::End,
            _ => {
                let end = rest.find([MARK_START, MARK_END]).unwrap_or(rest.len());
                let (text, after) = rest.split_at(end);
                rest = after;
                return Some(Piece::Text(text));
            }
        };
        rest = &rest[first.len_utf8()..];
        Some(piece)
    })
}

/// Whether the renderer is inside a highlighted part.
#[derive(Clone, Copy, Debug, Default)]
pub struct Highlight {
    depth: usize,
}

impl Highlight {
    pub fn enter(&mut self) {
        self.depth += 1;
    }

    pub fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// `style`, highlighted while inside a marked part.
    pub fn style(&self, style: Style) -> Style {
        if self.depth == 0 {
            return style;
        }
        style
            .effects(style.get_effects() | CLOZE.get_effects())
            .fg_color(CLOZE.get_fg_color())
    }

    /// Spans already styled (a highlighted code line), cut at their marks and highlighted.
    pub fn spans(&mut self, spans: Vec<Span>) -> Vec<Span> {
        let mut out = Vec::with_capacity(spans.len());
        for span in spans {
            for piece in pieces(&span.text) {
                match piece {
                    Piece::Text(text) => out.push(Span::new(text, self.style(span.style))),
                    Piece::Start => self.enter(),
                    Piece::End => self.leave(),
                }
            }
        }
        out
    }
}

/// True when `text` holds a mark, so that the common case costs one scan.
pub fn has_marks(text: &str) -> bool {
    text.contains([MARK_START, MARK_END])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quiz::render::render;
    use crate::quiz::styled::line_text;

    fn shown(markdown: &str) -> Vec<(String, bool)> {
        render(markdown, 80)
            .into_iter()
            .flatten()
            .filter(|span| !span.text.trim().is_empty())
            .map(|span| (span.text, span.style.get_fg_color() == CLOZE.get_fg_color()))
            .collect()
    }

    #[test]
    fn the_question_hides_the_cloze_and_highlights_the_gap() {
        let question = question("A cluster of {{c1::5}} servers tolerates 2 failures").unwrap();
        let text: Vec<String> = render(&question, 80).iter().map(line_text).collect();
        assert_eq!(text, ["A cluster of [...] servers tolerates 2 failures"]);
        let highlighted: String = shown(&question)
            .into_iter()
            .filter(|(_, h)| *h)
            .map(|(t, _)| t)
            .collect();
        assert_eq!(highlighted, "[...]");
    }

    #[test]
    fn the_answer_reveals_and_highlights_then_shows_the_extra() {
        let answer = answer(
            "A cluster of {{c1::**five**}} servers tolerates 2 failures",
            "A majority of 5 is 3.",
        )
        .unwrap();
        let text: Vec<String> = render(&answer, 80).iter().map(line_text).collect();
        assert_eq!(
            text,
            [
                "A cluster of five servers tolerates 2 failures",
                "",
                "A majority of 5 is 3."
            ]
        );
        let highlighted: Vec<(String, bool)> = shown(&answer);
        assert!(highlighted.contains(&("five".to_owned(), true)));
        assert!(highlighted.contains(&("servers".to_owned(), false)));
    }

    #[test]
    fn clozes_in_code_and_math_are_highlighted_where_they_stand() {
        let code = question("```rust\nlet n = {{c1::42}};\n```").unwrap();
        let lines: Vec<String> = render(&code, 80).iter().map(line_text).collect();
        assert_eq!(lines, ["  let n = [...];"]);
        assert!(shown(&code).contains(&("[...]".to_owned(), true)));
        let math = answer("Quorum: $q = {{c1::\\lfloor n/2 \\rfloor + 1}}$", "").unwrap();
        let lines: Vec<String> = render(&math, 80).iter().map(line_text).collect();
        assert_eq!(lines, ["Quorum: $q = \\lfloor n/2 \\rfloor + 1$"]);
        assert!(
            shown(&math)
                .iter()
                .any(|(t, h)| *h && t.contains("rfloor + 1"))
        );
    }

    #[test]
    fn a_hint_shows_in_the_gap_and_other_cards_are_untouched() {
        let question = question("Raft elects a {{c2::leader::who?}}").unwrap();
        let text: Vec<String> = render(&question, 80).iter().map(line_text).collect();
        assert_eq!(text, ["Raft elects a [who?]"]);
        assert_eq!(super::question("What is a term?"), None);
        assert_eq!(super::answer("What is a term?", "A clock."), None);
    }
}
