//! Styled text for the terminal as lines of spans, each span a text and an
//! `anstyle::Style`: what the quiz's renderers and the cluster renderer
//! ([`crate::raft_render`]) produce. `quiz::styled` wraps and writes them; `anstream` drops
//! the styles when colour is off.

use anstyle::Style;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    pub text: String,
    pub style: Style,
}

impl Span {
    pub fn new(text: impl Into<String>, style: Style) -> Span {
        Span {
            text: text.into(),
            style,
        }
    }

    pub fn plain(text: impl Into<String>) -> Span {
        Span::new(text, Style::new())
    }
}

/// One output line.
pub type Line = Vec<Span>;

/// The text of a line without styles.
pub fn line_text(line: &Line) -> String {
    line.iter().map(|s| s.text.as_str()).collect()
}
