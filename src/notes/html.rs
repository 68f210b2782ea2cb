//! A card side as plain HTML, on demand (cards store markdown only, to keep memory small).
//!
//! Math passes through for MathJax, which Anki runs: `$x$` becomes `\(x\)` and `$$x$$`
//! becomes `\[x\]`, and `[latex]...[/latex]` (Anki's own LaTeX) is copied verbatim instead of
//! being read as markdown, where `_` and `*` would turn into emphasis. Code blocks keep their
//! language as `class="language-..."`. The Anki exporter builds a richer rendering on the same
//! event stream.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Parser, Tag};

use super::markdown;

/// Stands in for a `[latex]` span while markdown is parsed. A private-use character, so no
/// markdown rule touches it; notes that already contain it render their LaTeX as markdown.
const PLACEHOLDER: char = '\u{E000}';
const LATEX_OPEN: &str = "[latex]";
const LATEX_CLOSE: &str = "[/latex]";

/// Render markdown to HTML.
pub fn render(markdown: &str) -> String {
    let (protected, latex) = protect_latex(markdown);
    let events = Parser::new_ext(&protected, markdown::options()).map(|event| match event {
        Event::InlineMath(tex) => Event::InlineHtml(CowStr::from(format!(
            "<span class=\"math math-inline\">\\({}\\)</span>",
            escape(&tex)
        ))),
        Event::DisplayMath(tex) => Event::InlineHtml(CowStr::from(format!(
            "<span class=\"math math-display\">\\[{}\\]</span>",
            escape(&tex)
        ))),
        other => other,
    });
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    if latex.is_empty() {
        return html;
    }
    restore_latex(&html, &latex)
}

/// Replace each `[latex]...[/latex]` outside code with `PLACEHOLDER n PLACEHOLDER`.
fn protect_latex(markdown: &str) -> (String, Vec<&str>) {
    if !markdown.contains(LATEX_OPEN) || markdown.contains(PLACEHOLDER) {
        return (markdown.to_owned(), Vec::new());
    }
    let code: Vec<Range<usize>> = Parser::new_ext(markdown, markdown::options())
        .into_offset_iter()
        .filter(|(event, _)| matches!(event, Event::Code(_) | Event::Start(Tag::CodeBlock(_))))
        .map(|(_, range)| range)
        .collect();
    let in_code = |offset: usize| code.iter().any(|r| r.contains(&offset));
    let mut protected = String::with_capacity(markdown.len());
    let mut spans = Vec::new();
    let mut from = 0;
    let mut search = 0;
    while let Some(open) = markdown[search..].find(LATEX_OPEN).map(|i| search + i) {
        let Some(close) = markdown[open..].find(LATEX_CLOSE).map(|i| open + i) else {
            break;
        };
        let end = close + LATEX_CLOSE.len();
        if in_code(open) {
            search = open + LATEX_OPEN.len();
            continue;
        }
        protected.push_str(&markdown[from..open]);
        protected.push(PLACEHOLDER);
        protected.push_str(&spans.len().to_string());
        protected.push(PLACEHOLDER);
        spans.push(&markdown[open..end]);
        from = end;
        search = end;
    }
    protected.push_str(&markdown[from..]);
    (protected, spans)
}

fn restore_latex(html: &str, latex: &[&str]) -> String {
    let mut out = String::with_capacity(html.len());
    let mut parts = html.split(PLACEHOLDER);
    out.push_str(parts.next().unwrap_or(""));
    while let Some(number) = parts.next() {
        match number.parse::<usize>().ok().and_then(|n| latex.get(n)) {
            Some(span) => out.push_str(&escape(span)),
            None => {
                out.push(PLACEHOLDER);
                out.push_str(number);
                out.push(PLACEHOLDER);
            }
        }
        out.push_str(parts.next().unwrap_or(""));
    }
    out
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_blocks_keep_their_language() {
        let html = render("```json\n{\"term\": 5}\n```\n");
        assert_eq!(
            html,
            "<pre><code class=\"language-json\">{\"term\": 5}\n</code></pre>\n"
        );
    }

    #[test]
    fn dollar_math_becomes_mathjax_delimiters_untouched() {
        assert_eq!(
            render("Quorum $\\lfloor n/2 \\rfloor + 1$ and $a_1 * b_2 < c$\n"),
            "<p>Quorum <span class=\"math math-inline\">\\(\\lfloor n/2 \\rfloor + 1\\)</span> \
             and <span class=\"math math-inline\">\\(a_1 * b_2 &lt; c\\)</span></p>\n"
        );
        assert_eq!(
            render("$$x_1^2$$\n"),
            "<p><span class=\"math math-display\">\\[x_1^2\\]</span></p>\n"
        );
    }

    #[test]
    fn latex_tags_pass_through_verbatim() {
        assert_eq!(
            render("See [latex]$a_1 *b* c_2$[/latex] here\n"),
            "<p>See [latex]$a_1 *b* c_2$[/latex] here</p>\n"
        );
        // Not inside code, where it is code.
        assert_eq!(
            render("`[latex]x[/latex]` [latex]y_1 *z*[/latex]\n"),
            "<p><code>[latex]x[/latex]</code> [latex]y_1 *z*[/latex]</p>\n"
        );
    }

    #[test]
    fn unclosed_latex_is_plain_markdown() {
        assert_eq!(render("[latex] *a*\n"), "<p>[latex] <em>a</em></p>\n");
    }
}
