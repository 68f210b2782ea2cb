//! Front matter: a `---` block at the very top of a file. mdcards reads two keys: `tags:`,
//! whose tags apply to every card of the file, and `reverse:`, which asks every basic card
//! of the file both ways. It understands the YAML forms people write for a list of tags and
//! for a yes/no value, without a YAML library:
//!
//! ```text
//! tags: [raft, "leader election"]
//! tags: raft, consensus
//! tags:
//!   - raft
//!   - leader election
//! reverse: true
//! ```

use std::ops::Range;

use super::diagnostic::{Diagnostic, code};
use super::lines::SourceFile;
use super::tags::{add_unique, clean_tag};

/// The front matter at the very top of `text`: the range of its content, and where the block
/// (with its closing line) ends. It opens with a `---` line, is not blank on its first line,
/// and closes with a `---` or `...` line; without a closing line there is no front matter.
pub fn locate(text: &str) -> Option<(Range<usize>, usize)> {
    let mut lines = text.split_inclusive('\n');
    let opening = lines.next().filter(|line| line.trim_end() == "---")?;
    let content_start = opening.len();
    let mut offset = content_start;
    for (i, line) in lines.enumerate() {
        let trimmed = line.trim_end();
        if i == 0 && trimmed.is_empty() {
            return None;
        }
        if i > 0 && matches!(trimmed, "---" | "...") {
            return Some((content_start..offset, offset + line.len()));
        }
        offset += line.len();
    }
    None
}

/// What a file's front matter says about its cards.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FrontMatter {
    pub tags: Vec<String>,
    /// `reverse: true`: every basic card of the file is asked both ways.
    pub reverse: bool,
}

/// A yes/no value as YAML writes it; `None` for anything else.
pub fn yes_no(value: &str) -> Option<bool> {
    match unquote(value.trim()).to_ascii_lowercase().as_str() {
        "true" | "yes" | "on" => Some(true),
        "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// The front matter block whose text starts at byte `base` of the file.
pub fn parse(
    source: &SourceFile<'_>,
    content: &str,
    base: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> FrontMatter {
    let mut tags = Vec::new();
    let mut reverse = false;
    // True while the lines under a `tags:` key may be `- item` entries.
    let mut in_tag_list = false;
    let mut offset = base;
    for raw_line in content.split_inclusive('\n') {
        let line_start = offset;
        offset += raw_line.len();
        let line = raw_line.trim_end();
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if let Some(item) = trimmed.strip_prefix('-').filter(|_| in_tag_list) {
            if let Some(tag) = clean_tag(unquote(item.trim())) {
                add_unique(&mut tags, [tag]);
            }
            continue;
        }
        in_tag_list = false;
        let Some((key, value)) = line.split_once(':').filter(|_| indent == 0) else {
            diagnostics.push(
                Diagnostic::error(
                    code::MALFORMED_FRONT_MATTER,
                    source.at(line_start + indent),
                    "front matter line is not `key: value`",
                )
                .spanning(trimmed.len())
                .label("expected `tags: ...`")
                .hint("write `tags: [a, b]`, or `tags:` followed by `  - a` lines"),
            );
            continue;
        };
        let key = key.trim();
        if key == "reverse" {
            match yes_no(value) {
                Some(yes) => reverse = yes,
                None => diagnostics.push(
                    Diagnostic::error(
                        code::MALFORMED_FRONT_MATTER,
                        source.at(line_start),
                        format!("`reverse:` is yes or no, not {:?}", value.trim()),
                    )
                    .spanning(line.len())
                    .label("expected `true` or `false`")
                    .hint("write `reverse: true` to ask every basic card of the file both ways"),
                ),
            }
            continue;
        }
        if key != "tags" {
            diagnostics.push(
                Diagnostic::error(
                    code::UNKNOWN_FRONT_MATTER_KEY,
                    source.at(line_start),
                    format!("unknown front matter key `{key}`"),
                )
                .spanning(key.len())
                .label("mdcards does not use this key")
                .hint(
                    "mdcards reads only `tags:` and `reverse:` from front matter; remove this key",
                ),
            );
            continue;
        }
        let value = value.trim();
        let value_start = line_start + line.len() - value.len();
        if value.is_empty() {
            in_tag_list = true;
        } else if let Some(list) = value.strip_prefix('[') {
            let Some(list) = list.strip_suffix(']') else {
                diagnostics.push(
                    Diagnostic::error(
                        code::MALFORMED_FRONT_MATTER,
                        source.at(value_start),
                        "the list of tags is not closed",
                    )
                    .spanning(value.len())
                    .label("missing `]`")
                    .hint("write the tags as `[a, b]` on one line"),
                );
                continue;
            };
            add_unique(&mut tags, split_scalars(list));
        } else {
            add_unique(&mut tags, split_scalars(value));
        }
    }
    FrontMatter { tags, reverse }
}

/// Comma-separated tags, each possibly quoted.
fn split_scalars(list: &str) -> impl Iterator<Item = String> + '_ {
    list.split(',')
        .filter_map(|item| clean_tag(unquote(item.trim())))
}

fn unquote(item: &str) -> &str {
    for quote in ['"', '\''] {
        if let Some(inner) = item
            .strip_prefix(quote)
            .and_then(|rest| rest.strip_suffix(quote))
        {
            return inner;
        }
    }
    item
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn tags_of(content: &str) -> (Vec<String>, Vec<Diagnostic>) {
        let source = SourceFile::new(Path::new("a.md"), content);
        let mut diagnostics = Vec::new();
        let tags = parse(&source, content, 0, &mut diagnostics).tags;
        (tags, diagnostics)
    }

    #[test]
    fn front_matter_is_at_the_top_and_closed() {
        let text = "---\ntags: [a]\n---\n# T\n";
        assert_eq!(locate(text), Some((4..14, 18)));
        assert_eq!(locate("---\r\ntags: [a]\r\n...\r\nx"), Some((5..16, 21)));
        assert_eq!(locate("---\ntags: [a]\n"), None, "not closed");
        assert_eq!(locate("---\n\ntags: [a]\n---\n"), None, "blank first line");
        assert_eq!(
            locate("\n---\ntags: [a]\n---\n"),
            None,
            "not on the first line"
        );
        assert_eq!(locate("---\n---\n"), None, "empty");
    }

    #[test]
    fn inline_list_comma_list_and_block_list() {
        assert_eq!(
            tags_of("tags: [raft, \"leader election\"]\n").0,
            ["raft", "leader_election"]
        );
        assert_eq!(tags_of("tags: raft, #consensus\n").0, ["raft", "consensus"]);
        assert_eq!(
            tags_of("# a comment\ntags:\n  - raft\n  - 'log replication'\n").0,
            ["raft", "log_replication"]
        );
    }

    #[test]
    fn unknown_key_is_an_error_at_the_key() {
        let (tags, diagnostics) = tags_of("tags: [a]\ntitle: Raft\n");
        assert_eq!(tags, ["a"]);
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].code, code::UNKNOWN_FRONT_MATTER_KEY);
        assert_eq!(
            (diagnostics[0].location.line, diagnostics[0].location.col),
            (2, 1)
        );
        assert!(diagnostics[0].message.contains("`title`"));
    }

    #[test]
    fn reverse_is_a_yes_or_no() {
        let read = |content: &str| {
            let source = SourceFile::new(Path::new("a.md"), content);
            let mut diagnostics = Vec::new();
            let parsed = parse(&source, content, 0, &mut diagnostics);
            (parsed.reverse, diagnostics)
        };
        assert!(read("reverse: true\n").0);
        assert!(read("tags: [a]\nreverse: yes\n").0);
        assert!(!read("reverse: false\n").0);
        let (reverse, diagnostics) = read("reverse: both\n");
        assert!(!reverse);
        assert_eq!(diagnostics[0].code, code::MALFORMED_FRONT_MATTER);
        assert!(
            diagnostics[0].message.contains("\"both\""),
            "{:?}",
            diagnostics[0]
        );
    }

    #[test]
    fn lines_that_are_not_keys_and_unclosed_lists_are_errors() {
        let (_, diagnostics) = tags_of("just words\ntags: [a, b\n");
        let codes: Vec<_> = diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            [code::MALFORMED_FRONT_MATTER, code::MALFORMED_FRONT_MATTER]
        );
        assert_eq!(diagnostics[1].location.line, 2);
        assert_eq!(diagnostics[1].location.col, 7);
    }

    #[test]
    fn list_items_belong_only_to_tags() {
        let (tags, diagnostics) = tags_of("tags: [a]\n  - b\n");
        assert_eq!(tags, ["a"]);
        assert_eq!(diagnostics[0].code, code::MALFORMED_FRONT_MATTER);
    }
}
