//! Code highlighting at export time: code -> static HTML spans, no JavaScript in the card.
//!
//! A small table-driven tokenizer instead of syntect: syntect's grammars took 114-146 µs
//! for one 8-line JSON block (fancy-regex and oniguruma alike, measured on this machine),
//! so the 20,000 code blocks of a 100,000-card deck would spend 2-3 s here alone, against
//! a 1 s budget for the whole export. This tokenizer needs about 2 µs per block. It knows
//! the languages study notes use (JSON, Rust, Go, Python, JavaScript/TypeScript, Java,
//! C/C++, shell, YAML, TOML, SQL and mdcards' `raft` scenario scripts) and colours what
//! a reader scans for: keywords, literals, numbers, strings, comments, keys, types and
//! calls. An unknown language is shown as plain escaped code, never mangled.

use super::html::escape_into;

/// A token class: one CSS class, coloured for light and night mode by the stylesheet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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

/// Every token class with its CSS class and its colours (light, night). The stylesheet
/// template is generated from this table, so classes and colours cannot drift apart.
pub const PALETTE: &[(Token, &str, &str, &str)] = &[
    (Token::Keyword, "tk-kw", "#a626a4", "#c678dd"),
    (Token::Literal, "tk-lit", "#0550ae", "#79c0ff"),
    (Token::Number, "tk-num", "#986801", "#d19a66"),
    (Token::String, "tk-str", "#50a14f", "#98c379"),
    (Token::Comment, "tk-com", "#6a737d", "#8b949e"),
    (Token::Key, "tk-key", "#c2410c", "#e5c07b"),
    (Token::Type, "tk-ty", "#0e7490", "#56b6c2"),
    (Token::Call, "tk-fn", "#4078f2", "#61afef"),
];

impl Token {
    pub fn class(self) -> &'static str {
        PALETTE
            .iter()
            .find(|(token, ..)| *token == self)
            .map(|(_, class, ..)| *class)
            .unwrap_or("")
    }
}

/// How one language looks to the tokenizer.
struct Language {
    names: &'static [&'static str],
    line_comments: &'static [&'static str],
    block_comment: Option<(&'static str, &'static str)>,
    quotes: &'static [u8],
    /// `"""` / `'''` strings (Python).
    triple_quotes: bool,
    keywords: &'static [&'static str],
    literals: &'static [&'static str],
    types: &'static [&'static str],
    /// Identifiers starting with an upper-case letter are types (Rust, Go, Java...).
    capitalised_types: bool,
    /// A string or bare word followed by `:` (or `=` in TOML) is a key.
    keys: KeyStyle,
    case_insensitive: bool,
    /// `'a` is a lifetime, not an unterminated character literal (Rust).
    lifetimes: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum KeyStyle {
    None,
    /// `"key":` (JSON).
    QuotedColon,
    /// `key:` or `"key":` at the start of a line, after `- ` (YAML).
    LineColon,
    /// `key =` at the start of a line (TOML).
    LineEquals,
}

const C_LIKE_LITERALS: &[&str] = &["false", "null", "nullptr", "true", "undefined", "NULL"];

const LANGUAGES: &[Language] = &[
    Language {
        names: &["json", "jsonc", "json5"],
        line_comments: &["//"],
        block_comment: Some(("/*", "*/")),
        quotes: b"\"",
        triple_quotes: false,
        keywords: &[],
        literals: &["false", "null", "true"],
        types: &[],
        capitalised_types: false,
        keys: KeyStyle::QuotedColon,
        case_insensitive: false,
        lifetimes: false,
    },
    Language {
        names: &["rust", "rs"],
        line_comments: &["//"],
        block_comment: Some(("/*", "*/")),
        quotes: b"\"'",
        triple_quotes: false,
        keywords: &[
            "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum",
            "extern", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move",
            "mut", "pub", "ref", "return", "self", "static", "struct", "super", "trait", "type",
            "unsafe", "use", "where", "while",
        ],
        literals: &["false", "true", "None", "Some", "Ok", "Err"],
        types: &[
            "bool", "char", "f32", "f64", "i8", "i16", "i32", "i64", "i128", "isize", "str", "u8",
            "u16", "u32", "u64", "u128", "usize",
        ],
        capitalised_types: true,
        keys: KeyStyle::None,
        case_insensitive: false,
        lifetimes: true,
    },
    Language {
        names: &["go", "golang"],
        line_comments: &["//"],
        block_comment: Some(("/*", "*/")),
        quotes: b"\"'`",
        triple_quotes: false,
        keywords: &[
            "break",
            "case",
            "chan",
            "const",
            "continue",
            "default",
            "defer",
            "else",
            "fallthrough",
            "for",
            "func",
            "go",
            "goto",
            "if",
            "import",
            "interface",
            "map",
            "package",
            "range",
            "return",
            "select",
            "struct",
            "switch",
            "type",
            "var",
        ],
        literals: &["false", "iota", "nil", "true"],
        types: &[
            "bool", "byte", "error", "float32", "float64", "int", "int32", "int64", "rune",
            "string", "uint", "uint32", "uint64",
        ],
        capitalised_types: true,
        keys: KeyStyle::None,
        case_insensitive: false,
        lifetimes: false,
    },
    Language {
        names: &["python", "py", "python3"],
        line_comments: &["#"],
        block_comment: None,
        quotes: b"\"'",
        triple_quotes: true,
        keywords: &[
            "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
            "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in",
            "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
            "with", "yield",
        ],
        literals: &["False", "None", "True", "self"],
        types: &[
            "bool", "bytes", "dict", "float", "int", "list", "set", "str", "tuple",
        ],
        capitalised_types: true,
        keys: KeyStyle::None,
        case_insensitive: false,
        lifetimes: false,
    },
    Language {
        names: &["javascript", "js", "typescript", "ts", "jsx", "tsx", "mjs"],
        line_comments: &["//"],
        block_comment: Some(("/*", "*/")),
        quotes: b"\"'`",
        triple_quotes: false,
        keywords: &[
            "async",
            "await",
            "break",
            "case",
            "catch",
            "class",
            "const",
            "continue",
            "default",
            "delete",
            "do",
            "else",
            "export",
            "extends",
            "finally",
            "for",
            "from",
            "function",
            "if",
            "import",
            "in",
            "instanceof",
            "interface",
            "let",
            "new",
            "of",
            "return",
            "switch",
            "this",
            "throw",
            "try",
            "type",
            "typeof",
            "var",
            "void",
            "while",
            "yield",
        ],
        literals: C_LIKE_LITERALS,
        types: &["any", "boolean", "number", "string", "unknown"],
        capitalised_types: true,
        keys: KeyStyle::None,
        case_insensitive: false,
        lifetimes: false,
    },
    Language {
        names: &["java", "kotlin", "kt", "scala", "csharp", "cs", "c#"],
        line_comments: &["//"],
        block_comment: Some(("/*", "*/")),
        quotes: b"\"'",
        triple_quotes: false,
        keywords: &[
            "abstract",
            "break",
            "case",
            "catch",
            "class",
            "continue",
            "default",
            "do",
            "else",
            "enum",
            "extends",
            "final",
            "finally",
            "for",
            "fun",
            "if",
            "implements",
            "import",
            "interface",
            "new",
            "override",
            "package",
            "private",
            "protected",
            "public",
            "return",
            "static",
            "switch",
            "synchronized",
            "this",
            "throw",
            "throws",
            "try",
            "val",
            "var",
            "void",
            "while",
        ],
        literals: C_LIKE_LITERALS,
        types: &[
            "boolean", "byte", "char", "double", "float", "int", "long", "short",
        ],
        capitalised_types: true,
        keys: KeyStyle::None,
        case_insensitive: false,
        lifetimes: false,
    },
    Language {
        names: &["c", "cpp", "c++", "cc", "h", "hpp", "cxx"],
        line_comments: &["//"],
        block_comment: Some(("/*", "*/")),
        quotes: b"\"'",
        triple_quotes: false,
        keywords: &[
            "auto",
            "break",
            "case",
            "class",
            "const",
            "continue",
            "default",
            "delete",
            "do",
            "else",
            "enum",
            "extern",
            "for",
            "goto",
            "if",
            "inline",
            "namespace",
            "new",
            "private",
            "public",
            "return",
            "sizeof",
            "static",
            "struct",
            "switch",
            "template",
            "this",
            "typedef",
            "typename",
            "union",
            "using",
            "virtual",
            "volatile",
            "while",
        ],
        literals: C_LIKE_LITERALS,
        types: &[
            "bool", "char", "double", "float", "int", "int64_t", "long", "short", "size_t",
            "uint32_t", "uint64_t", "unsigned", "void",
        ],
        capitalised_types: false,
        keys: KeyStyle::None,
        case_insensitive: false,
        lifetimes: false,
    },
    Language {
        names: &["sh", "bash", "shell", "zsh", "console", "shellsession"],
        line_comments: &["#"],
        block_comment: None,
        quotes: b"\"'",
        triple_quotes: false,
        keywords: &[
            "case", "do", "done", "elif", "else", "esac", "export", "fi", "for", "function", "if",
            "in", "local", "return", "then", "until", "while",
        ],
        literals: &["false", "true"],
        types: &[],
        capitalised_types: false,
        keys: KeyStyle::None,
        case_insensitive: false,
        lifetimes: false,
    },
    Language {
        names: &["yaml", "yml"],
        line_comments: &["#"],
        block_comment: None,
        quotes: b"\"'",
        triple_quotes: false,
        keywords: &[],
        literals: &["false", "no", "null", "true", "yes", "~"],
        types: &[],
        capitalised_types: false,
        keys: KeyStyle::LineColon,
        case_insensitive: false,
        lifetimes: false,
    },
    Language {
        names: &["toml", "ini"],
        line_comments: &["#", ";"],
        block_comment: None,
        quotes: b"\"'",
        triple_quotes: true,
        keywords: &[],
        literals: &["false", "true"],
        types: &[],
        capitalised_types: false,
        keys: KeyStyle::LineEquals,
        case_insensitive: false,
        lifetimes: false,
    },
    Language {
        names: &["sql", "sqlite", "postgresql", "mysql"],
        line_comments: &["--"],
        block_comment: Some(("/*", "*/")),
        quotes: b"'\"",
        triple_quotes: false,
        keywords: &[
            "and", "as", "asc", "begin", "by", "commit", "create", "delete", "desc", "distinct",
            "drop", "from", "group", "having", "index", "insert", "into", "join", "key", "left",
            "limit", "not", "on", "or", "order", "primary", "select", "set", "table", "update",
            "values", "where",
        ],
        literals: &["false", "null", "true"],
        types: &["blob", "integer", "real", "text", "varchar"],
        capitalised_types: false,
        keys: KeyStyle::None,
        case_insensitive: true,
        lifetimes: false,
    },
    Language {
        names: &["raft"],
        line_comments: &["#"],
        block_comment: None,
        quotes: b"\"",
        triple_quotes: false,
        // The scenario statements, from the script language's one table.
        keywords: &crate::scenario::script::statements::KEYWORDS,
        literals: &["candidate", "false", "follower", "leader", "null", "true"],
        types: &[],
        capitalised_types: false,
        keys: KeyStyle::QuotedColon,
        case_insensitive: false,
        lifetimes: false,
    },
];

fn language(name: &str) -> Option<&'static Language> {
    let name = name.trim();
    LANGUAGES.iter().find(|language| {
        language
            .names
            .iter()
            .any(|known| known.eq_ignore_ascii_case(name))
    })
}

/// The first word of a fence's info string (```` ```rust ignore ```` -> `rust`).
pub fn language_of(info: &str) -> &str {
    info.split(|c: char| c.is_whitespace() || c == ',' || c == '{')
        .next()
        .unwrap_or("")
}

/// Append a whole code block as `<pre class="mdc-code">` HTML to `out`.
pub fn code_block_into(out: &mut String, info: &str, code: &str) {
    let lang = language_of(info);
    out.push_str("<pre class=\"mdc-code\"");
    if !lang.is_empty() {
        out.push_str(" data-lang=\"");
        escape_into(out, lang);
        out.push('"');
    }
    out.push_str("><code>");
    match language(lang) {
        Some(language) => Tokenizer::new(language, code, out).run(),
        None => escape_into(out, code),
    }
    out.push_str("</code></pre>\n");
}

struct Tokenizer<'a> {
    language: &'static Language,
    code: &'a str,
    bytes: &'a [u8],
    out: &'a mut String,
    /// Start of the plain text not yet written.
    plain_from: usize,
    pos: usize,
}

impl<'a> Tokenizer<'a> {
    fn new(language: &'static Language, code: &'a str, out: &'a mut String) -> Self {
        Tokenizer {
            language,
            code,
            bytes: code.as_bytes(),
            out,
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
            } else if byte.is_ascii_digit() && !self.follows_word(start) {
                let end = self.scan_while(start, |b| {
                    b.is_ascii_alphanumeric() || b == b'_' || b == b'.'
                });
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
        if let Some((open, close)) = self.language.block_comment
            && rest.starts_with(open)
        {
            let end = rest[open.len()..]
                .find(close)
                .map_or(self.bytes.len(), |offset| {
                    start + open.len() + offset + close.len()
                });
            return Some(end);
        }
        for prefix in self.language.line_comments {
            if rest.starts_with(prefix) {
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
            escape_into(self.out, &self.code[self.plain_from..upto]);
        }
        self.plain_from = upto;
    }

    fn emit(&mut self, start: usize, end: usize, token: Token) {
        self.flush_plain(start);
        self.out.push_str("<span class=\"");
        self.out.push_str(token.class());
        self.out.push_str("\">");
        escape_into(self.out, &self.code[start..end]);
        self.out.push_str("</span>");
        self.plain_from = end;
        self.pos = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn highlight(info: &str, code: &str) -> String {
        let mut out = String::new();
        code_block_into(&mut out, info, code);
        out
    }

    #[test]
    fn json_keys_strings_numbers_and_literals_get_classes() {
        let html = highlight("json", "{\"term\": 5, \"ok\": true, \"cmd\": \"set x\"}");
        assert_eq!(
            html,
            "<pre class=\"mdc-code\" data-lang=\"json\"><code>{<span class=\"tk-key\">&quot;term&quot;</span>: \
             <span class=\"tk-num\">5</span>, <span class=\"tk-key\">&quot;ok&quot;</span>: \
             <span class=\"tk-lit\">true</span>, <span class=\"tk-key\">&quot;cmd&quot;</span>: \
             <span class=\"tk-str\">&quot;set x&quot;</span>}</code></pre>\n"
        );
    }

    #[test]
    fn unknown_language_is_escaped_verbatim() {
        assert_eq!(
            highlight("brainfuck", "<a> & ++"),
            "<pre class=\"mdc-code\" data-lang=\"brainfuck\"><code>&lt;a&gt; &amp; ++</code></pre>\n"
        );
        assert_eq!(
            highlight("", "x"),
            "<pre class=\"mdc-code\"><code>x</code></pre>\n"
        );
    }

    #[test]
    fn rust_lifetimes_are_not_strings_but_chars_are() {
        let html = highlight("rust", "fn f<'a>(x: &'a str) -> char { 'x' } // done");
        assert!(html.contains("<span class=\"tk-kw\">fn</span>"), "{html}");
        assert!(html.contains("&lt;&#39;a&gt;"), "{html}");
        assert!(
            html.contains("<span class=\"tk-str\">&#39;x&#39;</span>"),
            "{html}"
        );
        assert!(
            html.contains("<span class=\"tk-com\">// done</span>"),
            "{html}"
        );
        assert!(html.contains("<span class=\"tk-ty\">str</span>"), "{html}");
    }

    #[test]
    fn comments_and_strings_do_not_leak_keywords() {
        let html = highlight(
            "python",
            "# if return\nx = \"\"\"if\nwhile\"\"\"\ndef f(): pass",
        );
        assert!(
            html.contains("<span class=\"tk-com\"># if return</span>"),
            "{html}"
        );
        assert!(
            html.contains(
                "<span class=\"tk-str\">&quot;&quot;&quot;if\nwhile&quot;&quot;&quot;</span>"
            ),
            "{html}"
        );
        assert!(
            html.contains("<span class=\"tk-kw\">def</span> <span class=\"tk-fn\">f</span>"),
            "{html}"
        );
    }

    #[test]
    fn shell_hash_inside_a_word_is_not_a_comment() {
        let html = highlight("bash", "echo $# a#b # real");
        assert!(
            html.contains("<span class=\"tk-com\"># real</span>"),
            "{html}"
        );
        assert!(!html.contains("<span class=\"tk-com\">#b"), "{html}");
    }

    #[test]
    fn unterminated_string_stops_at_the_line_end() {
        let html = highlight("json", "\"open\n\"k\": 1");
        assert!(
            html.contains("<span class=\"tk-str\">&quot;open</span>\n"),
            "{html}"
        );
        assert!(
            html.contains("<span class=\"tk-key\">&quot;k&quot;</span>"),
            "{html}"
        );
    }

    #[test]
    fn non_ascii_text_survives() {
        let html = highlight("python", "s = \"été\" # ünïcode\nλ = 1");
        assert!(html.contains("été"));
        assert!(html.contains("ünïcode"));
        assert!(
            html.contains("λ = <span class=\"tk-num\">1</span>"),
            "{html}"
        );
    }

    #[test]
    fn yaml_and_toml_keys() {
        let yaml = highlight("yaml", "name: raft\n- id: 3\n");
        assert!(
            yaml.contains("<span class=\"tk-key\">name</span>:"),
            "{yaml}"
        );
        assert!(
            yaml.contains("- <span class=\"tk-key\">id</span>:"),
            "{yaml}"
        );
        let toml = highlight("toml", "[deps]\nzip = \"9\"\n");
        assert!(
            toml.contains("<span class=\"tk-key\">zip</span> ="),
            "{toml}"
        );
    }

    #[test]
    fn sql_keywords_ignore_case() {
        let html = highlight("sql", "SELECT id FROM notes -- all");
        assert!(
            html.contains("<span class=\"tk-kw\">SELECT</span>"),
            "{html}"
        );
        assert!(
            html.contains("<span class=\"tk-com\">-- all</span>"),
            "{html}"
        );
    }

    #[test]
    fn info_string_extras_are_ignored() {
        assert_eq!(language_of("rust ignore"), "rust");
        assert_eq!(language_of("python,linenos"), "python");
        assert_eq!(language_of(""), "");
    }

    #[test]
    fn every_token_has_a_distinct_class() {
        let mut classes: Vec<_> = PALETTE.iter().map(|(_, class, ..)| *class).collect();
        classes.sort();
        classes.dedup();
        assert_eq!(classes.len(), PALETTE.len());
    }

    proptest::proptest! {
        /// Highlighting only adds markup: stripped of tags and unescaped, the text is the code.
        #[test]
        fn highlighting_never_changes_the_text(
            code in "[a-zA-Z0-9 _'\"`#/*\n:=(){}<>&$λé-]{0,80}",
            lang in "(json|rust|go|python|js|java|c|bash|yaml|toml|sql|raft|none)",
        ) {
            let mut out = String::new();
            code_block_into(&mut out, &lang, &code);
            let inner = out
                .split_once("<code>").unwrap().1
                .rsplit_once("</code>").unwrap().0;
            let mut text = String::new();
            let mut rest = inner;
            while let Some(open) = rest.find('<') {
                text.push_str(&rest[..open]);
                rest = &rest[open + rest[open..].find('>').unwrap() + 1..];
            }
            text.push_str(rest);
            let text = text
                .replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replace("&#39;", "'").replace("&amp;", "&");
            proptest::prop_assert_eq!(text, code);
        }
    }
}
