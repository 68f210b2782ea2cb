//! Splits a script into statements of tokens. A statement is one line, except that a JSON
//! message (`send 1 -> 2 { ... }`) may continue over the following lines until its braces
//! balance. `#` starts a comment outside quotes and JSON.

use super::ScriptError;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// A keyword, number or bare word.
    Word(String),
    /// A double-quoted string, unescaped.
    Quoted(String),
    Arrow,
    Bar,
    Equals,
    LeftBracket,
    RightBracket,
    Star,
    /// A JSON object, verbatim.
    Json(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    /// 1-based line within the script, and 1-based column (characters).
    pub line: u32,
    pub column: u32,
}

impl Token {
    pub fn describe(&self) -> String {
        match &self.kind {
            TokenKind::Word(word) => format!("`{word}`"),
            TokenKind::Quoted(text) => format!("{text:?}"),
            TokenKind::Arrow => "`->`".to_owned(),
            TokenKind::Bar => "`|`".to_owned(),
            TokenKind::Equals => "`=`".to_owned(),
            TokenKind::LeftBracket => "`[`".to_owned(),
            TokenKind::RightBracket => "`]`".to_owned(),
            TokenKind::Star => "`*`".to_owned(),
            TokenKind::Json(_) => "a JSON message".to_owned(),
        }
    }
}

/// One statement: its tokens, and the source text it spans (for the timeline).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    pub line: u32,
    pub text: String,
    /// The statement's first line, verbatim (token columns index into it).
    pub first_line: String,
    pub tokens: Vec<Token>,
}

/// Tokenises `source`; lines are numbered from 1 (the caller adds the file offset).
pub fn lex(source: &str) -> Result<Vec<Statement>, ScriptError> {
    let lines: Vec<Vec<char>> = source.lines().map(|l| l.chars().collect()).collect();
    let mut statements = Vec::new();
    let mut row = 0;
    while row < lines.len() {
        let start_row = row;
        let mut tokens = Vec::new();
        let mut col = 0;
        let mut end_row = row;
        loop {
            let line = &lines[row];
            // Skip whitespace.
            while col < line.len() && line[col].is_whitespace() {
                col += 1;
            }
            if col >= line.len() || line[col] == '#' {
                break;
            }
            let (line_no, column) = (row as u32 + 1, col as u32 + 1);
            let token = |kind| Token {
                kind,
                line: line_no,
                column,
            };
            let c = line[col];
            match c {
                '{' => {
                    let (json, next_row, next_col) = scan_json(&lines, row, col)?;
                    tokens.push(token(TokenKind::Json(json)));
                    row = next_row;
                    col = next_col;
                    end_row = row;
                    continue;
                }
                '"' => {
                    let mut text = String::new();
                    let mut i = col + 1;
                    let mut closed = false;
                    while i < line.len() {
                        match line[i] {
                            '\\' if i + 1 < line.len() => {
                                text.push(line[i + 1]);
                                i += 2;
                            }
                            '"' => {
                                closed = true;
                                i += 1;
                                break;
                            }
                            other => {
                                text.push(other);
                                i += 1;
                            }
                        }
                    }
                    if !closed {
                        return Err(ScriptError::at(
                            line_no,
                            column,
                            "unclosed quote",
                            Some("close the string with `\"` on the same line"),
                        ));
                    }
                    tokens.push(token(TokenKind::Quoted(text)));
                    col = i;
                }
                '-' if line.get(col + 1) == Some(&'>') => {
                    tokens.push(token(TokenKind::Arrow));
                    col += 2;
                }
                '|' | '=' | '[' | ']' | '*' => {
                    tokens.push(token(match c {
                        '|' => TokenKind::Bar,
                        '=' => TokenKind::Equals,
                        '[' => TokenKind::LeftBracket,
                        ']' => TokenKind::RightBracket,
                        _ => TokenKind::Star,
                    }));
                    col += 1;
                }
                _ => {
                    let begin = col;
                    while col < line.len() && !is_boundary(line, col) {
                        col += 1;
                    }
                    let word: String = line[begin..col].iter().collect();
                    tokens.push(token(TokenKind::Word(word)));
                }
            }
        }
        if !tokens.is_empty() {
            let text = lines[start_row..=end_row]
                .iter()
                .map(|l| l.iter().collect::<String>())
                .collect::<Vec<_>>()
                .join("\n");
            statements.push(Statement {
                line: start_row as u32 + 1,
                text: strip_comment(text.trim()),
                first_line: lines[start_row].iter().collect(),
                tokens,
            });
        }
        row = end_row + 1;
    }
    Ok(statements)
}

fn is_boundary(line: &[char], col: usize) -> bool {
    let c = line[col];
    c.is_whitespace()
        || matches!(c, '#' | '"' | '|' | '=' | '[' | ']' | '{' | '*')
        || (c == '-' && line.get(col + 1) == Some(&'>'))
}

pub fn strip_comment(text: &str) -> String {
    // Only for display: the first line's trailing comment, outside quotes.
    let first_line_end = text.find('\n').unwrap_or(text.len());
    let (first, rest) = text.split_at(first_line_end);
    let mut quoted = false;
    for (i, c) in first.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '#' if !quoted => return format!("{}{rest}", first[..i].trim_end()),
            '{' => break,
            _ => {}
        }
    }
    text.to_owned()
}

/// Reads a JSON object starting at `lines[row][col] == '{'` until its braces balance,
/// possibly over several lines. Returns the text and the position just after it.
fn scan_json(
    lines: &[Vec<char>],
    row: usize,
    col: usize,
) -> Result<(String, usize, usize), ScriptError> {
    let mut depth = 0u32;
    let mut in_string = false;
    let mut escaped = false;
    let mut text = String::new();
    let (mut r, mut c) = (row, col);
    loop {
        let line = &lines[r];
        while c < line.len() {
            let ch = line[c];
            text.push(ch);
            c += 1;
            if in_string {
                if escaped {
                    escaped = false;
                } else if ch == '\\' {
                    escaped = true;
                } else if ch == '"' {
                    in_string = false;
                }
                continue;
            }
            match ch {
                '"' => in_string = true,
                '{' | '[' => depth += 1,
                '}' | ']' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return Ok((text, r, c));
                    }
                }
                _ => {}
            }
        }
        r += 1;
        c = 0;
        if r >= lines.len() {
            return Err(ScriptError::at(
                row as u32 + 1,
                col as u32 + 1,
                "this JSON message is never closed",
                Some("balance its `{` with a `}`"),
            ));
        }
        text.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(statement: &Statement) -> Vec<String> {
        statement
            .tokens
            .iter()
            .map(|t| match &t.kind {
                TokenKind::Word(w) => w.clone(),
                TokenKind::Json(_) => "{json}".to_owned(),
                other => format!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn lines_comments_and_symbols() {
        let statements =
            lex("cluster 3  # three nodes\n\n  deliver 1->2\nexpect 1 nextIndex[2] 5").unwrap();
        assert_eq!(statements.len(), 3);
        assert_eq!(words(&statements[0]), ["cluster", "3"]);
        assert_eq!(statements[0].text, "cluster 3");
        assert_eq!(words(&statements[1]), ["deliver", "1", "Arrow", "2"]);
        assert_eq!(statements[1].line, 3);
        assert_eq!(statements[1].tokens[1].column, 11);
        assert_eq!(
            words(&statements[2]),
            [
                "expect",
                "1",
                "nextIndex",
                "LeftBracket",
                "2",
                "RightBracket",
                "5"
            ]
        );
    }

    #[test]
    fn json_spans_lines() {
        let source =
            "send 1 -> 2 {\n  \"term\": 5,\n  \"entries\": [{\"command\": \"a } b\"}]\n}\ntick";
        let statements = lex(source).unwrap();
        assert_eq!(statements.len(), 2);
        let TokenKind::Json(json) = &statements[0].tokens[4].kind else {
            panic!("no json")
        };
        assert!(json.starts_with('{') && json.ends_with('}'));
        assert_eq!(statements[1].line, 5);
    }

    #[test]
    fn unclosed_json_points_at_its_start() {
        let error = lex("cluster 3\nsend 1 -> 2 {\n \"term\": 1").unwrap_err();
        assert_eq!((error.line, error.column), (2, 13));
    }

    #[test]
    fn quoted_commands() {
        let statements = lex("propose 1 \"set x = 1 # not a comment\"").unwrap();
        assert_eq!(
            statements[0].tokens[2].kind,
            TokenKind::Quoted("set x = 1 # not a comment".to_owned())
        );
    }
}
