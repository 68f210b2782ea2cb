//! Code blocks for the terminal: the shared tokenizer's pieces ([`crate::highlight`]) as
//! styled lines. JSON is re-indented first, keeping its key order (which matters for RPC
//! messages), so a message written on one line reads as the structure it is.

use anstyle::Style;

use super::styled::{Line, Span, palette};
use crate::highlight::{self, Sink, Token};

/// Colour a fenced code block; `language` is the info string (its first word counts).
pub fn highlight(language: &str, code: &str) -> Vec<Line> {
    let language = highlight::language_of(language);
    let code = code.strip_suffix('\n').unwrap_or(code);
    let pretty;
    let code = match language
        .eq_ignore_ascii_case("json")
        .then(|| reindent_json(code))
    {
        Some(Some(reindented)) => {
            pretty = reindented;
            pretty.as_str()
        }
        _ => code,
    };
    let mut lines = Lines::default();
    highlight::tokenize(language, code, &mut lines);
    lines.finish()
}

/// The terminal style of each token class; plain code is `palette::CODE`.
pub fn style(token: Token) -> Style {
    match token {
        Token::Keyword | Token::Literal => palette::KEYWORD,
        Token::Number => palette::NUMBER,
        Token::String => palette::STRING,
        Token::Comment => palette::COMMENT,
        Token::Key => palette::KEY,
        Token::Type => palette::TYPE,
        Token::Call => palette::CALL,
    }
}

/// Pieces cut into lines of spans (a piece may span lines, a line hold many pieces). As
/// `str::lines`: a `\r` before a line end is dropped, and a last empty line is no line.
#[derive(Default)]
struct Lines {
    done: Vec<Line>,
    line: Line,
}

impl Lines {
    fn push(&mut self, text: &str, style: Style) {
        let mut pieces = text.split('\n');
        if let Some(first) = pieces.next() {
            self.push_on_line(first, style);
        }
        for piece in pieces {
            self.end_line();
            self.push_on_line(piece, style);
        }
    }

    fn push_on_line(&mut self, text: &str, style: Style) {
        if !text.is_empty() {
            self.line.push(Span::new(text, style));
        }
    }

    fn end_line(&mut self) {
        if let Some(last) = self.line.last_mut()
            && last.text.ends_with('\r')
        {
            last.text.pop();
            if last.text.is_empty() {
                self.line.pop();
            }
        }
        self.done.push(std::mem::take(&mut self.line));
    }

    fn finish(mut self) -> Vec<Line> {
        if !self.line.is_empty() {
            self.end_line();
        }
        self.done
    }
}

impl Sink for Lines {
    fn plain(&mut self, text: &str) {
        self.push(text, palette::CODE);
    }

    fn token(&mut self, token: Token, text: &str) {
        self.push(text, style(token));
    }
}

/// JSON laid out two spaces a level, one member a line, keys in their written order;
/// `None` when it does not scan as JSON (it is then shown as written).
fn reindent_json(code: &str) -> Option<String> {
    let pieces = json_pieces(code)?;
    let mut out = String::with_capacity(code.len() * 2);
    let mut depth: usize = 0;
    let new_line = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
    };
    let mut pieces = pieces.into_iter().peekable();
    while let Some(piece) = pieces.next() {
        match piece {
            JsonPiece::Open(open) => {
                out.push(open);
                if let Some(&JsonPiece::Close(close)) = pieces.peek() {
                    out.push(close);
                    pieces.next();
                } else {
                    depth += 1;
                    new_line(&mut out, depth);
                    continue;
                }
            }
            JsonPiece::Close(close) => {
                depth = depth.checked_sub(1)?;
                new_line(&mut out, depth);
                out.push(close);
            }
            JsonPiece::Comma => {
                out.push(',');
                new_line(&mut out, depth);
            }
            JsonPiece::Colon => out.push_str(": "),
            JsonPiece::Value(text) => out.push_str(text),
        }
        // Another value after a whole object or array (two messages in one block): after
        // a blank line. (An `Open` that did not close at once went on above.)
        let ended_container = matches!(piece, JsonPiece::Open(_) | JsonPiece::Close(_));
        if ended_container && depth == 0 && pieces.peek().is_some() {
            out.push_str("\n\n");
        }
    }
    (depth == 0).then_some(out)
}

/// The layout-bearing pieces of JSON; strings and scalars are kept as written.
#[derive(Debug, PartialEq)]
enum JsonPiece<'a> {
    Open(char),
    Close(char),
    Comma,
    Colon,
    Value(&'a str),
}

fn json_pieces(code: &str) -> Option<Vec<JsonPiece<'_>>> {
    let mut pieces = Vec::new();
    let mut chars = code.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            '{' | '[' => pieces.push(JsonPiece::Open(c)),
            '}' | ']' => pieces.push(JsonPiece::Close(c)),
            ',' => pieces.push(JsonPiece::Comma),
            ':' => pieces.push(JsonPiece::Colon),
            '"' => {
                let mut end = None;
                while let Some((at, c)) = chars.next() {
                    if c == '\\' {
                        chars.next()?;
                    } else if c == '"' {
                        end = Some(at + 1);
                        break;
                    }
                }
                pieces.push(JsonPiece::Value(&code[start..end?]));
            }
            c if c == '-' || c.is_ascii_alphanumeric() => {
                let mut end = start + 1;
                while let Some(&(at, next)) = chars.peek() {
                    if next.is_ascii_alphanumeric() || matches!(next, '.' | '-' | '+') {
                        end = at + 1;
                        chars.next();
                    } else {
                        break;
                    }
                }
                pieces.push(JsonPiece::Value(&code[start..end]));
            }
            _ => return None,
        }
    }
    Some(pieces)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quiz::styled::line_text;

    fn text(lines: &[Line]) -> String {
        lines.iter().map(line_text).collect::<Vec<_>>().join("\n")
    }

    fn styled(line: &Line) -> Vec<(&str, Style)> {
        line.iter().map(|s| (s.text.as_str(), s.style)).collect()
    }

    #[test]
    fn json_is_pretty_printed_in_its_own_key_order() {
        let lines = highlight(
            "json",
            r#"{"term": 5, "candidateId": 2, "entries": [{"index": 1}], "ok": true, "x": []}"#,
        );
        assert_eq!(
            text(&lines),
            "{\n  \"term\": 5,\n  \"candidateId\": 2,\n  \"entries\": [\n    {\n      \"index\": 1\n    }\n  ],\n  \"ok\": true,\n  \"x\": []\n}"
        );
        let key = lines[1].iter().find(|s| s.text == "\"term\"").unwrap();
        assert_eq!(key.style, palette::KEY);
        let number = lines[1].iter().find(|s| s.text == "5").unwrap();
        assert_eq!(number.style, palette::NUMBER);
        let literal = lines[8].iter().find(|s| s.text == "true").unwrap();
        assert_eq!(literal.style, palette::KEYWORD);
    }

    #[test]
    fn two_json_values_in_one_block_stay_two() {
        let two = highlight("json", "{\"term\": 5}\n{\"term\": 6}\n");
        assert_eq!(text(&two), "{\n  \"term\": 5\n}\n\n{\n  \"term\": 6\n}");
        assert_eq!(text(&highlight("json", "{}{}")), "{}\n\n{}");
        // Scalars at the top stay on their line.
        assert_eq!(text(&highlight("json", "\"a\": 1")), "\"a\": 1");
    }

    #[test]
    fn broken_json_is_shown_as_written() {
        let lines = highlight("json", "{\"term\": 5,\n oops");
        assert_eq!(text(&lines), "{\"term\": 5,\n oops");
        // Still coloured where it can be.
        assert_eq!(lines[0][1].style, palette::KEY, "{:?}", lines[0]);
    }

    #[test]
    fn json_with_comments_keeps_its_layout_and_colours_them() {
        let lines = highlight("json", "{\n  // the term\n  \"term\": 5\n}");
        assert_eq!(text(&lines), "{\n  // the term\n  \"term\": 5\n}");
        assert!(
            styled(&lines[1]).contains(&("// the term", palette::COMMENT)),
            "{:?}",
            lines[1]
        );
    }

    #[test]
    fn other_code_gets_keywords_strings_comments_types_and_calls() {
        let lines = highlight("rust", "let x: u64 = f(\"hi\"); // note");
        assert_eq!(
            styled(&lines[0]),
            [
                ("let", palette::KEYWORD),
                (" x: ", palette::CODE),
                ("u64", palette::TYPE),
                (" = ", palette::CODE),
                ("f", palette::CALL),
                ("(", palette::CODE),
                ("\"hi\"", palette::STRING),
                ("); ", palette::CODE),
                ("// note", palette::COMMENT),
            ]
        );
        // The rest of the info string does not hide the language.
        assert_eq!(
            highlight("rust,ignore", "let")[0][0].style,
            palette::KEYWORD
        );
    }

    #[test]
    fn a_piece_over_several_lines_is_styled_on_each() {
        let lines = highlight("c", "/* one\ntwo */ int x;");
        assert_eq!(styled(&lines[0]), [("/* one", palette::COMMENT)]);
        assert_eq!(styled(&lines[1])[0], ("two */", palette::COMMENT));
        assert!(styled(&lines[1]).contains(&("int", palette::TYPE)));
    }

    #[test]
    fn lines_are_those_of_the_code() {
        assert!(highlight("rust", "").is_empty());
        assert!(highlight("rust", "\n").is_empty());
        assert_eq!(text(&highlight("python", "a\n\nb\n")), "a\n\nb");
        assert_eq!(text(&highlight("python", "a\r\nb\r\n")), "a\nb");
        assert_eq!(text(&highlight("unknown", "x\n  y")), "x\n  y");
        // An unknown language is plain code, not guessed at.
        assert_eq!(
            styled(&highlight("prose", "if you go in case")[0]),
            [("if you go in case", palette::CODE)]
        );
    }

    #[test]
    fn every_token_class_has_its_own_terminal_style_but_literals() {
        let mut styles: Vec<_> = Token::ALL
            .iter()
            .filter(|&&token| token != Token::Literal)
            .map(|&token| format!("{:?}", style(token)))
            .collect();
        styles.push(format!("{:?}", palette::CODE));
        let count = styles.len();
        styles.sort();
        styles.dedup();
        assert_eq!(styles.len(), count, "{styles:?}");
    }
}
