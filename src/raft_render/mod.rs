//! The one renderer of Raft clusters and runs for the terminal, in the spirit of RaftScope:
//! a log grid per node with entries coloured by term and committed ones bracketed, a
//! question's situation around it, the timeline of a script or of a long random run, and a
//! run's summary. `mdcards sim`, the quiz and the plain timelines of scenario questions all
//! draw through it, from the simulator's data ([`NodeView`](crate::raft::NodeView),
//! [`Trace`](crate::raft::Trace), [`Situation`](crate::scenario::Situation)).
//!
//! Pure: every function returns lines of styled spans ([`crate::spans`]); the caller writes
//! them (through `anstream`, which drops the styles when colour is off) or takes their
//! text. Widths are display columns, so wide characters in a command line up. The cores
//! below it (`raft`, `scenario`) never call it.

mod grid;
mod message;
mod situation;
mod style;
mod summary;
mod timeline;

pub use grid::{Columns, Details, Layout, log_grid};
pub use message::describe_message;
pub use situation::situation_lines;
pub use style::term_style;
pub use summary::summary;
pub use timeline::{schedule_timeline, script_timeline, state_row};

use crate::scenario::Question;
use crate::spans::{Line, line_text};

/// The plain timeline of the run that decided `questions` (each holds the run up to its
/// question, so the longest shows them all); None when there is nothing to show.
pub fn questions_timeline(questions: &[Question]) -> Option<String> {
    let longest = questions
        .iter()
        .map(|q| &q.trace)
        .max_by_key(|t| t.events.len())?;
    let text = plain_text(&script_timeline(longest));
    let text = text.trim_end();
    (!text.is_empty()).then(|| text.to_owned())
}

/// The lines' text without styles, one line each, each ended by a newline.
pub fn plain_text(lines: &[Line]) -> String {
    let mut text = String::new();
    for line in lines {
        text.push_str(&line_text(line));
        text.push('\n');
    }
    text
}

/// Display columns of `text` (a CJK character or an emoji takes two).
fn columns(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
}
