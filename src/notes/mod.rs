//! Markdown notes -> cards. Pure: callers read the files and pass their bytes in.
//!
//! The format (a superset of mdanki's) is described in GUIDE.md, "The notes format":
//! `## ` starts a card, `%` splits a multi-line front from the back, `# ` names the deck,
//! `[#tag]()` links tag a card, front matter `tags:` tags a file, `<!-- id: NAME -->` pins
//! an identity, and a ```` ```raft ```` block makes a scenario card.

mod chunks;
pub mod cloze;
mod deck_name;
mod diagnostic;
mod directives;
mod duplicates;
mod front_matter;
pub mod html;
pub mod html_images;
mod lines;
pub mod markdown;
mod parse;
mod ranges;
mod split;
mod tags;

use std::path::Path;

pub use deck_name::{EmptyDeckPart, deck_path};
pub use diagnostic::{Diagnostic, Related, Severity, code, whole_file};
pub use duplicates::duplicate_ids;
pub use lines::LineIndex;
pub use parse::{
    MIN_PART, ParsedFile, ParsedPart, PartPlan, identity_text, join_parts, parse_file,
    parse_file_in_pieces, parse_part, plan_parts, plan_parts_at,
};
pub use split::{SplitCard, card_ids, split, split_into};

/// The built-in Raft deck, used by every command given no notes.
pub const BUILTIN_DECK: &str = include_str!("../../decks/raft.md");

/// The name the built-in deck goes by in cards and messages.
pub const BUILTIN_DECK_PATH: &str = "decks/raft.md";

/// Decode a file's bytes. Invalid UTF-8 is an error at the first bad byte; the rest is
/// decoded lossily (bad bytes become U+FFFD) so that the file's cards are still found.
pub fn decode(path: &Path, bytes: Vec<u8>) -> (String, Option<Diagnostic>) {
    match String::from_utf8(bytes) {
        Ok(text) => (text, None),
        Err(error) => {
            let valid_up_to = error.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
            // The lossy text equals the original up to the first bad byte.
            let location = LineIndex::new(&text).location(path, valid_up_to);
            let diagnostic = Diagnostic::error(
                code::INVALID_UTF8,
                location,
                format!("{} is not valid UTF-8", path.display()),
            )
            .spanning(PLACEHOLDER_LEN)
            .label("first invalid byte")
            .hint("save the file as UTF-8 (your editor's \"encoding\" setting)");
            (text, Some(diagnostic))
        }
    }
}

/// U+FFFD, which replaces the invalid bytes in the decoded text, is three bytes long.
const PLACEHOLDER_LEN: usize = '\u{FFFD}'.len_utf8();

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_is_located_and_the_rest_still_parses() {
        let bytes = b"## Q\nA \xff\xfe B\n".to_vec();
        let (text, diagnostic) = decode(Path::new("a.md"), bytes);
        let diagnostic = diagnostic.expect("an error");
        assert_eq!(diagnostic.code, code::INVALID_UTF8);
        assert_eq!((diagnostic.location.line, diagnostic.location.col), (2, 3));
        let parsed = parse_file(Path::new("a.md"), &text, None);
        assert_eq!(parsed.cards.len(), 1);
    }

    #[test]
    fn valid_utf8_is_not_copied_or_reported() {
        let (text, diagnostic) = decode(Path::new("a.md"), "## É\nà\n".as_bytes().to_vec());
        assert_eq!(text, "## É\nà\n");
        assert!(diagnostic.is_none());
    }
}
