//! Code highlighting: one tokenizer for every place that colours code, with an output per
//! medium (`export::highlight` writes HTML spans for Anki, `quiz::highlight` styled
//! terminal lines). Pure: code in, classified pieces out.
//!
//! A small table-driven tokenizer instead of syntect: syntect's grammars took 114-146 µs
//! for one 8-line JSON block (fancy-regex and oniguruma alike, measured on this machine),
//! so the 20,000 code blocks of a 100,000-card deck would spend 2-3 s in them alone,
//! against a 1 s budget for the whole export. This tokenizer needs about 2 µs per block.
//! It knows the languages study notes use ([`languages`]) and classifies what a reader
//! scans for: keywords, literals, numbers, strings, comments, keys, types and calls. Code
//! in a language it does not know is all plain text, never mangled.

mod languages;

use languages::{KeyStyle, Language};

/// What a piece of code is, for colouring.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Token {
    Keyword,
    Literal,
    Number,
    String,
    Comment,
    Key,
    Type,
    Call,
}

impl Token {
    /// Every class, for outputs that must colour each one.
    pub const ALL: [Token; 8] = [
        Token::Keyword,
        Token::Literal,
        Token::Number,
        Token::String,
        Token::Comment,
        Token::Key,
        Token::Type,
        Token::Call,
    ];
}

/// Where the tokenizer's pieces go, in order; together they are the code exactly.
pub trait Sink {
    /// Text that is none of the classes (spaces, punctuation, plain names).
    fn plain(&mut self, text: &str);
    /// One classified piece; it may span lines (block comments, multi-line strings).
    fn token(&mut self, token: Token, text: &str);
}

/// The first word of a fence's info string (```` ```rust ignore ```` -> `rust`).
pub fn language_of(info: &str) -> &str {
    info.split(|c: char| c.is_whitespace() || c == ',' || c == '{')
        .next()
        .unwrap_or("")
}

/// Whether the tokenizer knows `language` (a fence's first word, any case).
pub fn knows(language: &str) -> bool {
    languages::find(language).is_some()
}

/// Cut `code`, written in `language`, into pieces for `sink`. Code in a language the
/// tokenizer does not know goes to the sink as one plain piece.
pub fn tokenize(language: &str, code: &str, sink: &mut impl Sink) {
    match languages::find(language) {
        Some(language) => Tokenizer::new(language, code, sink).run(),
        None if code.is_empty() => {}
        None => sink.plain(code),
    }
}

struct Tokenizer<'a, S: Sink> {
    language: &'static Language,
    code: &'a str,
    bytes: &'a [u8],
    sink: &'a mut S,
    /// Start of the plain text not yet written.
    plain_from: usize,
    pos: usize,
}

impl<'a, S: Sink> Tokenizer<'a, S> {
    fn new(language: &'static Language, code: &'a str, sink: &'a mut S) -> Self {
        Tokenizer {
            language,
            code,
            bytes: code.as_bytes(),
            sink,
            plain_from: 0,
            pos: 0,
        }
    }

    fn run(mut self) {
        while self.pos < self.bytes.len() {
            let start = self.pos;
            let byte = self.bytes[start];
            if let Some(end) = self.comment_end(start) {
                self.emit(start, end, Token::Comment);
            } else if self.language.quotes.contains(&byte) {
                self.string(start);
            } else if (byte.is_ascii_digit() && !self.follows_word(start))
                || self.is_negative_number(start)
            {
                let end = self.number_end(start);
                self.emit(start, end, Token::Number);
            } else if (byte.is_ascii_alphabetic() || byte == b'_' || byte == b'~')
                && !self.follows_word(start)
            {
                self.word(start);
            } else {
                // Plain text, including every non-ASCII byte: advance to the next char boundary.
                self.pos += 1;
                while self.pos < self.bytes.len() && !self.code.is_char_boundary(self.pos) {
                    self.pos += 1;
                }
            }
        }
        self.flush_plain(self.bytes.len());
    }

    /// A `-` that is a number's sign rather than an operator: a digit follows, and before
    /// it (spaces aside) comes the start of a line or one of `( [ { , : =`, as in
    /// `{"delta": -1}` or `f(-2)`, not `a - 1` or `x-1`.
    fn is_negative_number(&self, at: usize) -> bool {
        self.bytes[at] == b'-'
            && self.bytes.get(at + 1).is_some_and(u8::is_ascii_digit)
            && self.bytes[..at]
                .iter()
                .rev()
                .find(|&&b| b != b' ' && b != b'\t')
                .is_none_or(|b| b"\n([{,:=".contains(b))
    }

    /// The end of the number starting at `start`: digits, letters (`0x1F`, `10u64`), `_`,
    /// `.`, and an exponent's sign (`1.5e-3`) in a decimal number.
    fn number_end(&self, start: usize) -> usize {
        let decimal =
            !(self.bytes[start] == b'0' && matches!(self.bytes.get(start + 1), Some(b'x' | b'X')));
        let mut end = start + 1;
        while let Some(&b) = self.bytes.get(end) {
            let exponent_sign = decimal
                && (b == b'+' || b == b'-')
                && matches!(self.bytes[end - 1], b'e' | b'E')
                && self.bytes.get(end + 1).is_some_and(u8::is_ascii_digit);
            if b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || exponent_sign {
                end += 1;
            } else {
                break;
            }
        }
        end
    }

    fn follows_word(&self, at: usize) -> bool {
        at > 0 && {
            let before = self.bytes[at - 1];
            before.is_ascii_alphanumeric() || before == b'_' || before >= 0x80
        }
    }

    fn scan_while(&self, from: usize, keep: impl Fn(u8) -> bool) -> usize {
        let mut end = from;
        while end < self.bytes.len() && keep(self.bytes[end]) {
            end += 1;
        }
        end
    }

    fn line_end(&self, from: usize) -> usize {
        self.bytes[from..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(self.bytes.len(), |offset| from + offset)
    }

    fn comment_end(&self, start: usize) -> Option<usize> {
        let rest = &self.code[start..];
        // Most bytes start no marker: comparing one byte first spares a `memcmp` call at
        // every position (a sixth of the time on a JSON block).
        let opens = |marker: &str| {
            rest.as_bytes().first() == marker.as_bytes().first() && rest.starts_with(marker)
        };
        if let Some((open, close)) = self.language.block_comment
            && opens(open)
        {
            let end = rest[open.len()..]
                .find(close)
                .map_or(self.bytes.len(), |offset| {
                    start + open.len() + offset + close.len()
                });
            return Some(end);
        }
        for prefix in self.language.line_comments {
            if opens(prefix) {
                // `#` starts a comment only at a word boundary (`$#`, `a#b` in shell are not).
                let boundary =
                    *prefix != "#" || start == 0 || self.bytes[start - 1].is_ascii_whitespace();
                if boundary {
                    return Some(self.line_end(start));
                }
            }
        }
        None
    }

    fn string(&mut self, start: usize) {
        let quote = self.bytes[start];
        if self.language.lifetimes && quote == b'\'' && !self.is_char_literal(start) {
            self.pos = start + 1;
            return;
        }
        let triple = self.language.triple_quotes
            && self.bytes.get(start + 1) == Some(&quote)
            && self.bytes.get(start + 2) == Some(&quote);
        let end = if triple {
            let close = [quote; 3];
            self.bytes[start + 3..]
                .windows(3)
                .position(|window| window == close)
                .map_or(self.bytes.len(), |offset| start + 3 + offset + 3)
        } else {
            let mut end = start + 1;
            loop {
                match self.bytes.get(end) {
                    None => break,
                    Some(b'\\') => end += 2,
                    // Unterminated: a string never runs past its line, except backticks.
                    Some(b'\n') if quote != b'`' => break,
                    Some(&b) if b == quote => {
                        end += 1;
                        break;
                    }
                    Some(_) => end += 1,
                }
            }
            end.min(self.bytes.len())
        };
        let token = if self.is_key(start, end) {
            Token::Key
        } else {
            Token::String
        };
        self.emit(start, end, token);
    }

    /// `'x'`, `'\n'`, `'\u{1F600}'` rather than the lifetime `'a`.
    fn is_char_literal(&self, start: usize) -> bool {
        let rest = &self.code[start + 1..];
        let mut chars = rest.char_indices();
        match chars.next() {
            Some((_, '\\')) => true,
            Some((_, _)) => chars.next().is_some_and(|(_, c)| c == '\''),
            None => false,
        }
    }

    fn next_non_space(&self, from: usize) -> Option<u8> {
        self.bytes[from..]
            .iter()
            .copied()
            .find(|&b| b != b' ' && b != b'\t')
    }

    fn at_line_start(&self, start: usize) -> bool {
        let line_start = self.bytes[..start]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |newline| newline + 1);
        self.bytes[line_start..start]
            .iter()
            .all(|&b| b == b' ' || b == b'\t' || b == b'-')
    }

    fn is_key(&self, start: usize, end: usize) -> bool {
        match self.language.keys {
            KeyStyle::None => false,
            KeyStyle::QuotedColon => {
                self.bytes[start] == b'"' && self.next_non_space(end) == Some(b':')
            }
            KeyStyle::LineColon => {
                self.next_non_space(end) == Some(b':') && self.at_line_start(start)
            }
            KeyStyle::LineEquals => {
                self.next_non_space(end) == Some(b'=') && self.at_line_start(start)
            }
        }
    }

    fn word(&mut self, start: usize) {
        let end = self.scan_while(start, |b| b.is_ascii_alphanumeric() || b == b'_');
        let end = if end == start { start + 1 } else { end };
        let word = &self.code[start..end];
        let language = self.language;
        let is = |list: &[&str]| {
            if language.case_insensitive {
                list.iter().any(|known| known.eq_ignore_ascii_case(word))
            } else {
                list.contains(&word)
            }
        };
        let token = if matches!(language.keys, KeyStyle::LineColon | KeyStyle::LineEquals)
            && self.is_key(start, end)
        {
            Some(Token::Key)
        } else if is(language.literals) {
            Some(Token::Literal)
        } else if is(language.keywords) {
            Some(Token::Keyword)
        } else if is(language.types)
            || (language.capitalised_types && word.as_bytes()[0].is_ascii_uppercase())
        {
            Some(Token::Type)
        } else if !language.keywords.is_empty() && matches!(self.bytes.get(end), Some(b'(' | b'!'))
        {
            Some(Token::Call)
        } else {
            None
        };
        match token {
            Some(token) => self.emit(start, end, token),
            None => self.pos = end,
        }
    }

    fn flush_plain(&mut self, upto: usize) {
        if self.plain_from < upto {
            self.sink.plain(&self.code[self.plain_from..upto]);
        }
        self.plain_from = upto;
    }

    fn emit(&mut self, start: usize, end: usize, token: Token) {
        self.flush_plain(start);
        self.sink.token(token, &self.code[start..end]);
        self.plain_from = end;
        self.pos = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pieces as `[class:text]` and plain text, for readable expectations.
    #[derive(Default)]
    struct Marked(String);

    impl Sink for Marked {
        fn plain(&mut self, text: &str) {
            self.0.push_str(text);
        }

        fn token(&mut self, token: Token, text: &str) {
            self.0.push_str(&format!("[{token:?}:{text}]"));
        }
    }

    fn marked(language: &str, code: &str) -> String {
        let mut out = Marked::default();
        tokenize(language, code, &mut out);
        out.0
    }

    #[test]
    fn json_keys_strings_numbers_and_literals() {
        assert_eq!(
            marked("json", r#"{"term": 5, "ok": true, "cmd": "set x"}"#),
            r#"{[Key:"term"]: [Number:5], [Key:"ok"]: [Literal:true], [Key:"cmd"]: [String:"set x"]}"#
        );
    }

    #[test]
    fn an_unknown_language_is_one_plain_piece() {
        assert_eq!(marked("brainfuck", "if <a> 1"), "if <a> 1");
        assert_eq!(marked("", "let x = 1"), "let x = 1");
        assert!(!knows("brainfuck") && knows("RUST") && knows(" json "));
    }

    #[test]
    fn languages_named_in_any_case_and_by_alias() {
        assert_eq!(marked("Py", "def f"), "[Keyword:def] f");
        assert_eq!(
            marked("golang", "func main()"),
            "[Keyword:func] [Call:main]()"
        );
    }

    #[test]
    fn ruby_lua_and_haskell_comments_and_keywords() {
        assert_eq!(marked("rb", "def x # no"), "[Keyword:def] x [Comment:# no]");
        assert_eq!(
            marked("lua", "local x = nil -- no"),
            "[Keyword:local] x = [Literal:nil] [Comment:-- no]"
        );
        assert_eq!(
            marked("hs", "let x' = Just 1 {- no -}"),
            "[Keyword:let] x' = [Literal:Just] [Number:1] [Comment:{- no -}]"
        );
    }

    #[test]
    fn signs_and_exponents_belong_to_their_numbers() {
        assert_eq!(
            marked("json", r#"{"a": -1, "b": [-2.5e-3, 1E+9]}"#),
            r#"{[Key:"a"]: [Number:-1], [Key:"b"]: [[Number:-2.5e-3], [Number:1E+9]]}"#
        );
        assert_eq!(
            marked("c", "x = a - 1 + b-2 + f(-3) + 0x1e-4;"),
            "x = a - [Number:1] + b-[Number:2] + [Call:f]([Number:-3]) + [Number:0x1e]-[Number:4];"
        );
    }

    #[test]
    fn raft_scripts_colour_the_statement_words() {
        assert_eq!(
            marked("raft", "timeout 1 # fire\nexpect leader 1"),
            "[Keyword:timeout] [Number:1] [Comment:# fire]\n[Keyword:expect] [Literal:leader] [Number:1]"
        );
    }

    proptest::proptest! {
        /// The pieces, put together, are the code: nothing lost, added or reordered.
        #[test]
        fn the_pieces_are_the_code(
            code in "[a-zA-Z0-9 _'\"`#/*\n:=(){}<>&$λé-]{0,80}",
            lang in "(json|rust|go|python|js|java|c|bash|yaml|toml|sql|raft|rb|lua|hs|none)",
        ) {
            struct Joined(String);
            impl Sink for Joined {
                fn plain(&mut self, text: &str) {
                    self.0.push_str(text);
                }
                fn token(&mut self, _: Token, text: &str) {
                    assert!(!text.is_empty(), "an empty token");
                    self.0.push_str(text);
                }
            }
            let mut joined = Joined(String::new());
            tokenize(&lang, &code, &mut joined);
            proptest::prop_assert_eq!(joined.0, code);
        }
    }
}
