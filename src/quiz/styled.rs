//! Styled text for the terminal: lines of spans, word wrapping, and writing with ANSI
//! escapes (which `anstream` strips when colour is off).

use std::io::{self, Write};

use anstyle::{AnsiColor, Effects, Style};

pub use crate::spans::{Line, Span, line_text};

/// The styles the renderer uses, in one place.
pub mod palette {
    use super::*;

    pub const BOLD: Style = Style::new().effects(Effects::BOLD);
    pub const ITALIC: Style = Style::new().effects(Effects::ITALIC);
    pub const DIM: Style = Style::new().effects(Effects::DIMMED);
    pub const HEADING: Style = Style::new()
        .effects(Effects::BOLD.insert(Effects::UNDERLINE))
        .fg_color(Some(anstyle::Color::Ansi(AnsiColor::BrightWhite)));
    pub const CODE: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Cyan)));
    pub const KEY: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Blue)));
    pub const STRING: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Green)));
    pub const NUMBER: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Yellow)));
    pub const KEYWORD: Style = Style::new()
        .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Magenta)))
        .effects(Effects::BOLD);
    pub const TYPE: Style =
        Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::BrightCyan)));
    pub const CALL: Style =
        Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::BrightBlue)));
    pub const COMMENT: Style = Style::new()
        .fg_color(Some(anstyle::Color::Ansi(AnsiColor::BrightBlack)))
        .effects(Effects::ITALIC);
    pub const AGAIN: Style = Style::new()
        .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red)))
        .effects(Effects::BOLD);
    pub const HARD: Style = Style::new()
        .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Yellow)))
        .effects(Effects::BOLD);
    pub const GOOD: Style = Style::new()
        .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Green)))
        .effects(Effects::BOLD);
    pub const EASY: Style = Style::new()
        .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Blue)))
        .effects(Effects::BOLD);
    pub const NEW: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Blue)));
    pub const LEARNING: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red)));
    pub const REVIEW: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Green)));
}

/// Write lines with their styles, each ended by `eol` ("\n", or "\r\n" in raw mode).
/// Through an `anstream` stream, styles are dropped when colour is off.
pub fn write_lines(out: &mut dyn Write, lines: &[Line], eol: &str) -> io::Result<()> {
    write_lines_coloured(out, lines, eol, true)
}

/// `write_lines`, deciding about colour here (for raw terminal output, which must not go
/// through a stream that strips escape sequences).
pub fn write_lines_coloured(
    out: &mut dyn Write,
    lines: &[Line],
    eol: &str,
    colour: bool,
) -> io::Result<()> {
    for line in lines {
        write_line(out, line, colour)?;
        out.write_all(eol.as_bytes())?;
    }
    Ok(())
}

/// Write one line's spans, without a line end. Neighbouring spans of the same style are
/// written as one, so a styled paragraph is not an escape sequence per word.
pub fn write_line(out: &mut dyn Write, line: &Line, colour: bool) -> io::Result<()> {
    let mut index = 0;
    while index < line.len() {
        let style = line[index].style;
        let mut text = String::new();
        while index < line.len() && (line[index].style == style || !colour) {
            text.push_str(&line[index].text);
            index += 1;
        }
        if !colour || style == Style::new() {
            out.write_all(text.as_bytes())?;
        } else {
            write!(out, "{}{text}{}", style.render(), style.render_reset())?;
        }
    }
    Ok(())
}

/// Display columns of `text`: CJK and emoji take two, combining marks none.
pub fn columns(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
}

/// Word-wrap a line of styled words to `width` display columns: continuation lines start
/// with `indent` spaces. Words longer than the width are split between characters (never
/// inside one: a letter keeps its combining marks), which is also how CJK text wraps.
pub fn wrap(words: &[Span], first_prefix: Line, indent: usize, width: usize) -> Vec<Line> {
    let width = width.max(indent + 10);
    let mut lines = Vec::new();
    let mut line: Line = first_prefix;
    let mut used: usize = line.iter().map(|s| columns(&s.text)).sum();
    let mut line_has_word = false;
    for word in words {
        if word.text == "\n" {
            lines.push(std::mem::take(&mut line));
            line.push(Span::plain(" ".repeat(indent)));
            used = indent;
            line_has_word = false;
            continue;
        }
        let is_space = word.text.chars().all(char::is_whitespace);
        if is_space {
            if line_has_word {
                line.push(word.clone());
                used += columns(&word.text);
            }
            continue;
        }
        let mut text: &str = &word.text;
        loop {
            let len = columns(text);
            if used + len <= width {
                line.push(Span::new(text, word.style));
                used += len;
                line_has_word = true;
                break;
            }
            if line_has_word {
                trim_trailing_space(&mut line);
                lines.push(std::mem::take(&mut line));
                line.push(Span::plain(" ".repeat(indent)));
                used = indent;
                line_has_word = false;
                continue;
            }
            // A word longer than the line: split it where the room ends (at least one
            // character, so a wide one on a narrow line still moves on).
            let room = width.saturating_sub(used);
            let mut cut = 0;
            let mut taken = 0;
            for (at, grapheme) in
                unicode_segmentation::UnicodeSegmentation::grapheme_indices(text, true)
            {
                let w = columns(grapheme);
                if taken + w > room && cut > 0 {
                    break;
                }
                taken += w;
                cut = at + grapheme.len();
            }
            line.push(Span::new(&text[..cut], word.style));
            lines.push(std::mem::take(&mut line));
            line.push(Span::plain(" ".repeat(indent)));
            used = indent;
            text = &text[cut..];
            if text.is_empty() {
                break;
            }
        }
    }
    trim_trailing_space(&mut line);
    lines.push(line);
    lines
}

fn trim_trailing_space(line: &mut Line) {
    while line
        .last()
        .is_some_and(|s| s.text.chars().all(char::is_whitespace) && !s.text.is_empty())
        && line.len() > 1
    {
        line.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<Span> {
        let mut out = Vec::new();
        for (i, w) in text.split(' ').enumerate() {
            if i > 0 {
                out.push(Span::plain(" "));
            }
            out.push(Span::plain(w));
        }
        out
    }

    fn texts(lines: &[Line]) -> Vec<String> {
        lines.iter().map(line_text).collect()
    }

    #[test]
    fn wraps_at_word_boundaries_with_a_hanging_indent() {
        let lines = wrap(
            &words("the leader sends heartbeats to every follower"),
            vec![Span::plain("1. ")],
            3,
            20,
        );
        assert_eq!(
            texts(&lines),
            [
                "1. the leader sends",
                "   heartbeats to",
                "   every follower"
            ]
        );
    }

    #[test]
    fn wraps_by_display_columns_cjk_emoji_and_combining_marks() {
        // Ten CJK characters are twenty columns.
        let lines = wrap(
            &words("日本語の文章を折り返す 🎉🎉 cafe\u{301} ok"),
            vec![],
            0,
            12,
        );
        let widths: Vec<usize> = lines.iter().map(|l| columns(&line_text(l))).collect();
        assert!(widths.iter().all(|w| *w <= 12), "{:?}", texts(&lines));
        assert_eq!(
            texts(&lines),
            ["日本語の文章", "を折り返す", "🎉🎉 cafe\u{301} ok"]
        );
    }

    #[test]
    fn splits_words_longer_than_the_line() {
        let lines = wrap(&words("abcdefghijklmnopqrstuvwxyz"), vec![], 0, 10);
        assert_eq!(texts(&lines), ["abcdefghij", "klmnopqrst", "uvwxyz"]);
    }
}
