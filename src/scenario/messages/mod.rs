//! `check` on ```` ```json ```` blocks that hold Raft messages, as the seed notes write them:
//! RequestVote, AppendEntries and their responses, one or several objects in a block (a
//! sequence, in order). Each is checked for what no Raft server could send (entries not
//! contiguous from prevLogIndex + 1, an entry newer than the message's term, ...), with the
//! problem at the line of the offending field.
//!
//! A block can state a follower's state in its info string, in the words of a script's
//! `node` line:
//!
//! ````text
//! ```json follower term 5 log 1 1 1 4 4 5 commit 3
//! ````
//!
//! (`follower ID ...` picks the follower's id; otherwise it is the lowest id no message
//! comes from). `check` then delivers each request to that follower, in order, on the
//! simulator, and says what the follower does with it, as a note.

mod consistency;
mod fields;
mod follower;
mod json;
mod keys;
#[cfg(test)]
mod tests;

use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};

use crate::notes::{Diagnostic, LineIndex, markdown};
use json::{MARKERS, read_objects, token_len};

/// Diagnostic codes.
pub mod code {
    /// A message block that is not valid JSON.
    pub const SYNTAX: &str = "message-syntax";
    /// A message with missing, unknown or mistyped fields.
    pub const FIELDS: &str = "message-fields";
    /// A message no Raft server could send, or a sequence no leader could send.
    pub const INCONSISTENT: &str = "message-inconsistent";
    /// The follower state of a block's info string cannot be read.
    pub const FOLLOWER: &str = "message-follower";
    /// What the stated follower does with a message (a note).
    pub const OUTCOME: &str = "message-outcome";
}

/// A ```` ```json ```` block: its info string and content, with where they are.
struct Block {
    pub(super) info: String,
    /// Offset of the info string in the file.
    pub(super) info_at: usize,
    pub(super) content: String,
    /// (offset in `content`, offset in the file) at the start of each piece of content.
    pub(super) pieces: Vec<(usize, usize)>,
}

impl Block {
    /// The file offset of a content offset.
    fn source(&self, offset: usize) -> usize {
        let piece = self.pieces.partition_point(|&(at, _)| at <= offset).max(1) - 1;
        let (at, source) = self.pieces.get(piece).copied().unwrap_or((0, self.info_at));
        source + (offset - at)
    }
}

/// Every problem (and every stated follower's reaction) in the message blocks of `text`,
/// read as one markdown document.
pub fn check_file(path: &Path, text: &str) -> Vec<Diagnostic> {
    if !text.contains("json") {
        return Vec::new();
    }
    check_in(path, &LineIndex::new(text), std::iter::once(0..text.len()))
}

/// `check_file` for a notes file whose cards start at `card_lines` (1-based, in order): only
/// the blocks inside cards are read, each card on its own. A card starts at a column-0 `## `
/// line, so its blocks are the ones a parse of the whole file finds, and a big file costs
/// only its cards that mention `json`, never a markdown tree of the whole file.
pub fn check_cards(path: &Path, text: &str, card_lines: &[u32]) -> Vec<Diagnostic> {
    if !text.contains("json") {
        return Vec::new();
    }
    check_card_run(path, &LineIndex::new(text), card_lines, text.len())
}

/// `check_cards` for a run of a file's cards (`lines` indexes the whole file) whose last
/// card ends at `end`: runs of one file can be checked on separate threads.
pub fn check_card_run(
    path: &Path,
    lines: &LineIndex<'_>,
    card_lines: &[u32],
    end: usize,
) -> Vec<Diagnostic> {
    let starts: Vec<usize> = card_lines
        .iter()
        .filter_map(|&line| lines.offset(line, 1))
        .collect();
    let ends = starts.iter().skip(1).copied().chain([end]);
    let stretches = starts.iter().zip(ends).map(|(&start, end)| start..end);
    check_in(path, lines, stretches)
}

fn check_in(
    path: &Path,
    lines: &LineIndex<'_>,
    stretches: impl Iterator<Item = Range<usize>>,
) -> Vec<Diagnostic> {
    let text = lines.text();
    let finder = memchr::memmem::Finder::new("json");
    let mut diagnostics = Vec::new();
    for stretch in stretches {
        if finder.find(&text.as_bytes()[stretch.clone()]).is_none() {
            continue;
        }
        for block in json_blocks(text, stretch) {
            check_block(path, lines, &block, &mut diagnostics);
        }
    }
    diagnostics
}

/// The ```` ```json ```` blocks of `text[stretch]`, parsed as a document of its own.
fn json_blocks(text: &str, stretch: Range<usize>) -> Vec<Block> {
    let base = stretch.start;
    let text = &text[stretch];
    let mut blocks = Vec::new();
    let mut open: Option<Block> = None;
    for (event, range) in Parser::new_ext(text, markdown::options()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                if info.split_whitespace().next() == Some("json") =>
            {
                let fence = &text[range.clone()];
                let info_at = base
                    + range.start
                    + fence
                        .find(|c: char| !matches!(c, '`' | '~' | ' ' | '\t'))
                        .unwrap_or(0);
                open = Some(Block {
                    info: info.into_string(),
                    info_at,
                    content: String::new(),
                    pieces: Vec::new(),
                });
            }
            Event::Text(piece) => {
                if let Some(block) = &mut open {
                    block.pieces.push((block.content.len(), base + range.start));
                    block.content.push_str(&piece);
                }
            }
            Event::End(TagEnd::CodeBlock) => blocks.extend(open.take()),
            _ => {}
        }
    }
    blocks
}

fn check_block(path: &Path, lines: &LineIndex<'_>, block: &Block, out: &mut Vec<Diagnostic>) {
    let place = |content_offset: usize| lines.location(path, block.source(content_offset));
    let looks_like_messages = MARKERS
        .iter()
        .any(|(marker, _)| block.content.contains(&format!("\"{marker}\"")));
    if !looks_like_messages {
        return;
    }
    let already = out.len();
    let (objects, syntax_error) = read_objects(block, &place, out);
    let report = |problem: Problem| {
        let diagnostic = Diagnostic::error(problem.code, place(problem.at), problem.message)
            .spanning(token_len(&block.content, problem.at))
            .label(problem.label);
        match problem.hint {
            hint if hint.is_empty() => diagnostic,
            hint => diagnostic.hint(hint),
        }
    };
    // Fields first: the numbers of a message with missing or mistyped fields mean little.
    let mut found: Vec<Problem> = objects
        .iter()
        .flat_map(|object| {
            let wrong_fields = fields::problems(object);
            if wrong_fields.is_empty() {
                consistency::problems(object)
            } else {
                wrong_fields
            }
        })
        .collect();
    if found.is_empty() {
        found = consistency::sequence_problems(&objects);
    }
    let sound = found.is_empty()
        && syntax_error.is_none()
        && !out[already..].iter().any(Diagnostic::is_error);
    out.extend(found.into_iter().map(report));
    out.extend(syntax_error);
    let follower = block.info.split_whitespace().skip(1).collect::<Vec<_>>();
    let info_place =
        |word: &str| lines.location(path, block.info_at + block.info.find(word).unwrap_or(0));
    match follower.first() {
        None => {}
        // Messages that no server could send have no reaction to show.
        Some(&"follower") if !sound => {}
        Some(&"follower") => {
            follower::simulate(&follower[1..], block, &objects, &place, &info_place, out)
        }
        Some(word) => out.push(
            Diagnostic::warning(
                code::FOLLOWER,
                info_place(word),
                format!("`{word}` after ```json is not understood"),
            )
            .spanning(word.len())
            .label("ignored")
            .hint(
                "state a follower as ```json follower term 5 log 1 1 1 4 4 5 \
                commit 3, and `check` says what it does with each message",
            ),
        ),
    }
}

/// A problem in a block's messages, at a content offset; [`check_block`] places it.
struct Problem {
    code: &'static str,
    at: usize,
    message: String,
    label: &'static str,
    hint: String,
}

impl Problem {
    fn new(code: &'static str, at: usize, message: impl Into<String>) -> Self {
        Problem {
            code,
            at,
            message: message.into(),
            label: "",
            hint: String::new(),
        }
    }

    fn label(mut self, label: &'static str) -> Self {
        self.label = label;
        self
    }

    fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = hint.into();
        self
    }
}
