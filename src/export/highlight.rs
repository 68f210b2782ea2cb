//! Code blocks for Anki: the shared tokenizer's pieces ([`crate::highlight`]) as static
//! HTML spans, one CSS class per token class, so a card needs no JavaScript.

use super::html::escape_into;
use crate::highlight::{self, Sink, Token};

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

/// The CSS class of a token class.
fn class(token: Token) -> &'static str {
    PALETTE
        .iter()
        .find(|(known, ..)| *known == token)
        .map(|(_, class, ..)| *class)
        .unwrap_or("")
}

/// Append a whole code block as `<pre class="mdc-code">` HTML to `out`.
pub fn code_block_into(out: &mut String, info: &str, code: &str) {
    let lang = highlight::language_of(info);
    out.push_str("<pre class=\"mdc-code\"");
    if !lang.is_empty() {
        out.push_str(" data-lang=\"");
        escape_into(out, lang);
        out.push('"');
    }
    out.push_str("><code>");
    highlight::tokenize(lang, code, &mut Html(out));
    out.push_str("</code></pre>\n");
}

/// Pieces as escaped HTML, classified ones in a `<span>` of their class.
struct Html<'a>(&'a mut String);

impl Sink for Html<'_> {
    fn plain(&mut self, text: &str) {
        escape_into(self.0, text);
    }

    fn token(&mut self, token: Token, text: &str) {
        self.0.push_str("<span class=\"");
        self.0.push_str(class(token));
        self.0.push_str("\">");
        escape_into(self.0, text);
        self.0.push_str("</span>");
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
        assert_eq!(highlight::language_of("rust ignore"), "rust");
        assert_eq!(highlight::language_of("python,linenos"), "python");
        assert_eq!(highlight::language_of(""), "");
        assert!(highlight("rust ignore", "fn").contains("<span class=\"tk-kw\">fn</span>"));
    }

    #[test]
    fn every_token_has_a_distinct_class() {
        let mut classes: Vec<_> = Token::ALL.iter().map(|&token| class(token)).collect();
        assert!(
            classes.iter().all(|class| class.starts_with("tk-")),
            "{classes:?}"
        );
        classes.sort();
        classes.dedup();
        assert_eq!(classes.len(), Token::ALL.len());
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
