//! The one place that decides which markdown extensions mdcards understands, so the notes
//! parser, the Anki renderer and the terminal renderer all see the same document.

use pulldown_cmark::Options;

/// Extensions enabled everywhere: tables, strikethrough, task lists, footnotes, and `$`/`$$`
/// math (kept intact for Anki's MathJax instead of being mangled as emphasis).
///
/// Not YAML metadata blocks: pulldown-cmark 0.13 starts one at any `---` line followed, later,
/// by another `---`, anywhere in a document, so two rules between cards would swallow the
/// cards between them. Front matter is read by `notes` itself, at the top of a file only.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_MATH
}
