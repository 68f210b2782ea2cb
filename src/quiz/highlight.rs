//! Code block colouring for the terminal. JSON is re-indented (keeping key order, which
//! matters for RPC messages) and coloured by token; other languages get a small lexer that
//! knows strings, numbers, comments and common keywords.

use super::styled::{Line, Span, palette};

/// Colour a fenced code block; `language` is the info string's first word.
pub fn highlight(language: &str, code: &str) -> Vec<Line> {
    let code = code.strip_suffix('\n').unwrap_or(code);
    if language.eq_ignore_ascii_case("json")
        && let Some(lines) = json(code)
    {
        return lines;
    }
    let syntax = Syntax::for_language(language);
    code.lines()
        .map(|line| generic_line(line, &syntax))
        .collect()
}

/// Pretty-print JSON token by token; `None` when it does not tokenise (shown as written).
fn json(code: &str) -> Option<Vec<Line>> {
    let tokens = json_tokens(code)?;
    let mut lines: Vec<Line> = Vec::new();
    let mut line: Line = Vec::new();
    let mut depth: usize = 0;
    let indent = |depth: usize| Span::plain("  ".repeat(depth));
    let mut i = 0;
    while i < tokens.len() {
        let token = &tokens[i];
        let next = tokens.get(i + 1);
        match token {
            Token::Open(c) => {
                line.push(Span::plain(c.to_string()));
                let closes_at_once = matches!(next, Some(Token::Close(_)));
                if closes_at_once {
                    if let Some(Token::Close(close)) = next {
                        line.push(Span::plain(close.to_string()));
                    }
                    i += 1;
                    if depth == 0 && tokens.get(i + 1).is_some() {
                        lines.push(std::mem::take(&mut line));
                        lines.push(Vec::new());
                    }
                } else {
                    depth += 1;
                    lines.push(std::mem::take(&mut line));
                    line.push(indent(depth));
                }
            }
            Token::Close(c) => {
                depth = depth.checked_sub(1)?;
                lines.push(std::mem::take(&mut line));
                line.push(indent(depth));
                line.push(Span::plain(c.to_string()));
                if depth == 0 && next.is_some() {
                    // Another value follows (two messages in one block): a line of its own,
                    // after a blank one.
                    lines.push(std::mem::take(&mut line));
                    lines.push(Vec::new());
                }
            }
            Token::Comma => {
                line.push(Span::plain(","));
                lines.push(std::mem::take(&mut line));
                line.push(indent(depth));
            }
            Token::Colon => line.push(Span::plain(": ")),
            Token::String(text) => {
                let style = if matches!(next, Some(Token::Colon)) {
                    palette::KEY
                } else {
                    palette::STRING
                };
                line.push(Span::new(text.clone(), style));
            }
            Token::Scalar(text) => {
                let style = if text.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
                    palette::NUMBER
                } else {
                    palette::KEYWORD
                };
                line.push(Span::new(text.clone(), style));
            }
        }
        i += 1;
    }
    if depth != 0 {
        return None;
    }
    if !line.is_empty() {
        lines.push(line);
    }
    Some(lines)
}

#[derive(Debug, PartialEq)]
enum Token {
    Open(char),
    Close(char),
    Comma,
    Colon,
    String(String),
    Scalar(String),
}

fn json_tokens(code: &str) -> Option<Vec<Token>> {
    let mut tokens = Vec::new();
    let mut chars = code.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            '{' | '[' => tokens.push(Token::Open(c)),
            '}' | ']' => tokens.push(Token::Close(c)),
            ',' => tokens.push(Token::Comma),
            ':' => tokens.push(Token::Colon),
            '"' => {
                let mut text = String::from('"');
                let mut closed = false;
                while let Some(c) = chars.next() {
                    text.push(c);
                    if c == '\\' {
                        text.push(chars.next()?);
                    } else if c == '"' {
                        closed = true;
                        break;
                    }
                }
                if !closed {
                    return None;
                }
                tokens.push(Token::String(text));
            }
            c if c == '-' || c.is_ascii_alphanumeric() => {
                let mut text = String::from(c);
                while let Some(&next) = chars.peek() {
                    if next.is_ascii_alphanumeric() || matches!(next, '.' | '-' | '+') {
                        text.push(next);
                        chars.next();
                    } else {
                        break;
                    }
                }
                tokens.push(Token::Scalar(text));
            }
            _ => return None,
        }
    }
    Some(tokens)
}

struct Syntax {
    keywords: &'static [&'static str],
    line_comments: &'static [&'static str],
}

const COMMON_KEYWORDS: &[&str] = &[
    "fn",
    "let",
    "mut",
    "if",
    "else",
    "for",
    "while",
    "loop",
    "return",
    "match",
    "struct",
    "enum",
    "impl",
    "use",
    "pub",
    "def",
    "class",
    "import",
    "from",
    "func",
    "package",
    "var",
    "const",
    "type",
    "interface",
    "true",
    "false",
    "null",
    "nil",
    "None",
    "True",
    "False",
    "self",
    "in",
    "switch",
    "case",
    "break",
    "continue",
    "async",
    "await",
    "go",
    "defer",
    "select",
    "chan",
    "function",
    "new",
    "public",
    "private",
    "static",
    "void",
    "int",
];

/// The scenario script language (```raft blocks): its statements, from the language's one
/// table.
const RAFT_KEYWORDS: &[&str] = &crate::scenario::script::statements::KEYWORDS;

impl Syntax {
    fn for_language(language: &str) -> Syntax {
        let lower = language.to_ascii_lowercase();
        match lower.as_str() {
            "raft" => Syntax {
                keywords: RAFT_KEYWORDS,
                line_comments: &["#"],
            },
            "sh" | "bash" | "shell" | "zsh" | "python" | "py" | "yaml" | "yml" | "toml"
            | "ruby" | "rb" => Syntax {
                keywords: COMMON_KEYWORDS,
                line_comments: &["#"],
            },
            "sql" | "lua" | "haskell" => Syntax {
                keywords: COMMON_KEYWORDS,
                line_comments: &["--"],
            },
            _ => Syntax {
                keywords: COMMON_KEYWORDS,
                line_comments: &["//"],
            },
        }
    }
}

fn generic_line(line: &str, syntax: &Syntax) -> Line {
    let mut spans: Line = Vec::new();
    let mut plain = String::new();
    let flush = |plain: &mut String, spans: &mut Line| {
        if !plain.is_empty() {
            spans.push(Span::new(std::mem::take(plain), palette::CODE));
        }
    };
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if syntax.line_comments.iter().any(|m| rest.starts_with(m)) {
            flush(&mut plain, &mut spans);
            spans.push(Span::new(rest, palette::COMMENT));
            return spans;
        }
        if c == '"' || c == '\'' || c == '`' {
            let end = rest[1..].find(c).map_or(rest.len(), |i| i + 2);
            flush(&mut plain, &mut spans);
            spans.push(Span::new(&rest[..end], palette::STRING));
            rest = &rest[end..];
            continue;
        }
        if c.is_alphanumeric() || c == '_' {
            let end = rest
                .find(|ch: char| !(ch.is_alphanumeric() || ch == '_' || ch == '.'))
                .unwrap_or(rest.len());
            let word = &rest[..end];
            let word = word.trim_end_matches('.');
            let end = word.len();
            if word.chars().next().is_some_and(|f| f.is_ascii_digit()) {
                flush(&mut plain, &mut spans);
                spans.push(Span::new(word, palette::NUMBER));
            } else if syntax.keywords.contains(&word) {
                flush(&mut plain, &mut spans);
                spans.push(Span::new(word, palette::KEYWORD));
            } else {
                plain.push_str(word);
            }
            rest = &rest[end.max(1)..];
            continue;
        }
        plain.push(c);
        rest = &rest[c.len_utf8()..];
    }
    flush(&mut plain, &mut spans);
    spans
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quiz::styled::line_text;

    fn text(lines: &[Line]) -> String {
        lines.iter().map(line_text).collect::<Vec<_>>().join("\n")
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
    }

    #[test]
    fn two_json_values_in_one_block_stay_two() {
        let two = highlight("json", "{\"term\": 5}\n{\"term\": 6}\n");
        assert_eq!(text(&two), "{\n  \"term\": 5\n}\n\n{\n  \"term\": 6\n}");
        assert_eq!(text(&highlight("json", "{}{}")), "{}\n\n{}");
    }

    #[test]
    fn broken_json_is_shown_as_written() {
        let lines = highlight("json", "{\"term\": 5,\n oops");
        assert_eq!(text(&lines), "{\"term\": 5,\n oops");
    }

    #[test]
    fn other_code_gets_keywords_strings_and_comments() {
        let lines = highlight("rust", "let x = \"hi\"; // note");
        let styles: Vec<_> = lines[0]
            .iter()
            .map(|s| (s.text.as_str(), s.style))
            .collect();
        assert_eq!(styles[0], ("let", palette::KEYWORD));
        assert!(styles.contains(&("\"hi\"", palette::STRING)));
        assert_eq!(styles.last().unwrap(), &("// note", palette::COMMENT));
        assert_eq!(text(&lines), "let x = \"hi\"; // note");
    }
}
