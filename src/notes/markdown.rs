//! The one place that decides which markdown extensions mdcards understands, so the notes
//! parser, the Anki renderer and the terminal renderer all see the same document.

use pulldown_cmark::Options;

/// Extensions enabled everywhere: tables, strikethrough, task lists, footnotes, and `$`/`$$`
/// math (kept intact for Anki's MathJax instead of being mangled as emphasis).
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_MATH
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
}
