//! Math that must reach Anki byte for byte: `\( \)`, `\[ \]`, `[latex]…[/latex]`, `[$]…[/$]`
//! and `[$$]…[/$$]`.
//!
//! CommonMark reads `\(` as an escaped `(` and would drop the backslash (mdanki's bug), and
//! `_`/`*` inside the formula would become emphasis. So before parsing, each such span
//! outside code is swapped for a placeholder of private-use characters, which the markdown
//! parser passes through as text; the renderer swaps the original back, HTML-escaped.
//! `$…$` and `$$…$$` need no protection: pulldown-cmark's math extension already keeps them
//! verbatim, and the renderer writes them as `\( \)` and `\[ \]` for Anki's MathJax.

use std::borrow::Cow;
use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag};

use super::html::escape_into;
use crate::notes::markdown;

const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';

/// Markdown with its math spans replaced by placeholders, and the spans themselves.
#[derive(Debug)]
pub struct Protected<'a> {
    pub markdown: Cow<'a, str>,
    spans: Vec<&'a str>,
}

/// (opening, closing, may contain a blank line)
const DELIMITERS: &[(&str, &str, bool)] = &[
    ("\\(", "\\)", false),
    ("\\[", "\\]", false),
    ("[latex]", "[/latex]", true),
    ("[$$]", "[/$$]", true),
    ("[$]", "[/$]", true),
];

pub fn protect(source: &str) -> Protected<'_> {
    let unchanged = Protected {
        markdown: Cow::Borrowed(source),
        spans: Vec::new(),
    };
    if !(source.contains("\\(")
        || source.contains("\\[")
        || source.contains("[latex]")
        || source.contains("[$"))
    {
        return unchanged;
    }
    let code = code_ranges(source);
    let in_code = |at: usize| code.iter().any(|range| range.contains(&at));
    let mut out = String::with_capacity(source.len());
    let mut spans = Vec::new();
    let mut copied = 0;
    let mut at = 0;
    let bytes = source.as_bytes();
    while at < bytes.len() {
        if bytes[at] == b'\\' && bytes.get(at + 1) == Some(&b'\\') {
            // An escaped backslash: `\\(` is a backslash and a parenthesis, not math.
            at += 2;
            continue;
        }
        let found = DELIMITERS.iter().find_map(|&(open, close, blank_lines)| {
            if !bytes[at..].starts_with(open.as_bytes()) || in_code(at) {
                return None;
            }
            let body_start = at + open.len();
            let body_len = source[body_start..].find(close)?;
            let end = body_start + body_len + close.len();
            let body = &source[body_start..body_start + body_len];
            let crosses_paragraph = !blank_lines && has_blank_line(body);
            (!crosses_paragraph && !in_code(end - 1)).then_some(end)
        });
        match found {
            Some(end) => {
                out.push_str(&source[copied..at]);
                out.push(OPEN);
                out.push_str(&spans.len().to_string());
                out.push(CLOSE);
                spans.push(&source[at..end]);
                copied = end;
                at = end;
            }
            None => at += 1,
        }
    }
    if spans.is_empty() {
        return unchanged;
    }
    out.push_str(&source[copied..]);
    Protected {
        markdown: Cow::Owned(out),
        spans,
    }
}

/// A whitespace-only line strictly inside the span: markdown would end the paragraph there.
fn has_blank_line(text: &str) -> bool {
    let pieces: Vec<&str> = text.split('\n').collect();
    pieces.len() > 2
        && pieces[1..pieces.len() - 1]
            .iter()
            .any(|line| line.trim().is_empty())
}

fn code_ranges(source: &str) -> Vec<Range<usize>> {
    Parser::new_ext(source, markdown::options())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Code(_) | Event::Start(Tag::CodeBlock(_)) | Event::Html(_) => Some(range),
            _ => None,
        })
        .collect()
}

impl Protected<'_> {
    /// Append `text` (a text event of the protected markdown) to `out` as HTML, with the
    /// math spans put back.
    pub fn restore_into(&self, out: &mut String, text: &str) {
        if self.spans.is_empty() {
            escape_into(out, text);
            return;
        }
        let mut rest = text;
        while let Some(open) = rest.find(OPEN) {
            let after = &rest[open + OPEN.len_utf8()..];
            let span = after.find(CLOSE).and_then(|close| {
                let index: usize = after[..close].parse().ok()?;
                Some((self.spans.get(index)?, close))
            });
            match span {
                Some((span, close)) => {
                    escape_into(out, &rest[..open]);
                    escape_into(out, span);
                    rest = &after[close + CLOSE.len_utf8()..];
                }
                None => {
                    escape_into(out, &rest[..open + OPEN.len_utf8()]);
                    rest = after;
                }
            }
        }
        escape_into(out, rest);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(source: &str) -> String {
        let protected = protect(source);
        let mut out = String::new();
        protected.restore_into(&mut out, &protected.markdown);
        out
    }

    #[test]
    fn latex_delimiters_survive_verbatim() {
        let source = r"inline \(a_1 * b_2\), display \[x^2\] and [latex]\frac{a}{b}[/latex]";
        let protected = protect(source);
        assert!(!protected.markdown.contains('\\'), "{}", protected.markdown);
        assert_eq!(round_trip(source), source);
    }

    #[test]
    fn code_is_left_alone() {
        let source = "`\\(c\\)` and\n\n```\n\\[x\\]\n```\n";
        let protected = protect(source);
        assert_eq!(protected.markdown, source);
    }

    #[test]
    fn escaped_backslash_is_not_math() {
        let source = r"a \\(b\\) c";
        assert_eq!(protect(source).markdown, source);
    }

    #[test]
    fn unclosed_or_paragraph_crossing_spans_are_not_math() {
        assert_eq!(protect(r"\(open").markdown, r"\(open");
        let crossing = "\\(a\n\nb\\)";
        assert_eq!(protect(crossing).markdown, crossing);
    }

    #[test]
    fn non_ascii_text_around_math_is_fine() {
        let source = "§5.4 ≥ é \\(x ≥ y\\) ü";
        assert_eq!(round_trip(source), source);
        assert_eq!(round_trip("≥ \\(a\\) ≥"), "≥ \\(a\\) ≥");
    }

    #[test]
    fn math_is_html_escaped_on_restore() {
        assert_eq!(round_trip(r"\(a<b\)"), r"\(a&lt;b\)");
    }

    proptest::proptest! {
        /// Protecting and restoring gives back exactly the input (escaped), whatever it is.
        #[test]
        fn protect_then_restore_is_identity(source in "(\\\\|\\\\[()\\[\\]]|\\[/?latex\\]|[a-z ≥§\n`$*_])*") {
            let protected = protect(&source);
            let mut out = String::new();
            protected.restore_into(&mut out, &protected.markdown);
            proptest::prop_assert_eq!(out, crate::export::html::escape(&source));
        }
    }
}
