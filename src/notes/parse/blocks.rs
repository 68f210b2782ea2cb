//! Code blocks (fences, scenarios), HTML (pinned ids, directives), math and images.

use std::ops::Range;
use std::path::Path;

use super::{CodeBlock, Walker};
use crate::deck::{MediaRef, ScenarioSource};
use crate::notes::diagnostic::{Diagnostic, code};
use crate::notes::{directives, front_matter, html_images};

impl Walker<'_, '_> {
    pub(super) fn opaque(&mut self, range: Range<usize>) {
        if let Some(card) = &mut self.open {
            card.opaque.push(range);
        }
    }

    pub(super) fn end_code(&mut self, block: CodeBlock) {
        self.opaque(block.range.clone());
        if !block.fenced {
            return;
        }
        let source = self.text(block.range.clone());
        if !fence_is_closed(source) {
            let opening = source.lines().next().unwrap_or("");
            let swallowed = source
                .lines()
                .skip(1)
                .filter(|line| is_card_heading(line))
                .count();
            let close = "close it with a line of the same fence (``` or ~~~)";
            let hint = match swallowed {
                0 => close.to_owned(),
                1 => format!("{close}: the `## ` heading after it is code, not a card"),
                n => format!("{close}: the {n} `## ` headings after it are code, not cards"),
            };
            self.diagnostics.push(
                Diagnostic::error(
                    code::UNCLOSED_FENCE,
                    self.source.at(block.range.start),
                    "code block is never closed",
                )
                .spanning(opening.trim_end().len())
                .label("opened here")
                .hint(hint),
            );
        }
        if !block.scenario {
            return;
        }
        let Some(card) = &mut self.open else {
            return;
        };
        let script_start = block
            .content_start
            .unwrap_or_else(|| self.source.line_range(block.range.start).end + 1);
        let scenario = ScenarioSource {
            script: block.content,
            location: self.source.at(script_start),
        };
        match &card.scenario {
            None => card.scenario = Some((scenario, block.range)),
            Some((_, first)) => {
                let first_location = self.source.at(first.start);
                let opening_len = source.lines().next().unwrap_or("").trim_end().len();
                self.diagnostics.push(
                    Diagnostic::error(
                        code::EXTRA_SCENARIO,
                        self.source.at(block.range.start),
                        "a card holds one ```raft scenario; this is its second",
                    )
                    .spanning(opening_len)
                    .label("second scenario")
                    .related(first_location, opening_len, "first scenario")
                    .hint("split the card in two, or merge the scripts into one block"),
                );
            }
        }
    }

    /// An HTML block, or an inline comment: pinned ids and other directives.
    pub(super) fn html(&mut self, range: Range<usize>, top_level: bool) {
        self.opaque(range.clone());
        self.html_images(range.clone());
        let html = self.text(range.clone());
        let comments = directives::comments(html);
        if top_level && !directives::only_comments(html, &comments) {
            self.content(range.clone());
        }
        for comment in comments {
            let Some(directive) = comment.directive else {
                continue;
            };
            let at = range.start + comment.range.start;
            let len = comment.range.len();
            if directive.name == "reverse" {
                self.reverse(directive.value, at..at + len);
                continue;
            }
            if directive.name != "id" {
                self.diagnostics.push(
                    Diagnostic::warning(
                        code::UNKNOWN_DIRECTIVE,
                        self.source.at(at),
                        format!("unknown directive `{}`", directive.name),
                    )
                    .spanning(len)
                    .label("mdcards knows only `id:` and `reverse:`")
                    .hint("write `<!-- id: NAME -->` to pin a card's identity, `<!-- reverse: yes -->` to ask it both ways; other comments are fine when they do not start with `word:`"),
                );
                continue;
            }
            self.pin(directive.value, at..at + len);
        }
    }

    pub(super) fn pin(&mut self, name: &str, range: Range<usize>) {
        let location = self.source.at(range.start);
        let len = range.len();
        let Some(card) = &mut self.open else {
            self.diagnostics.push(
                Diagnostic::warning(
                    code::OUTSIDE_CARD,
                    location,
                    "an id outside any card pins nothing",
                )
                .spanning(len)
                .label("not under a `## ` heading")
                .hint("put `<!-- id: NAME -->` under the heading of the card it names"),
            );
            return;
        };
        card.cuts.push(range.clone());
        let problem = if name.is_empty() {
            Some("the id is empty")
        } else if name.chars().any(|c| c.is_whitespace() || c.is_control()) {
            Some("an id is one word: no spaces")
        } else {
            None
        };
        if let Some(problem) = problem {
            self.diagnostics.push(
                Diagnostic::error(
                    code::MALFORMED_ID,
                    location,
                    format!("bad pinned id: {problem}"),
                )
                .spanning(len)
                .label(problem)
                .hint("write `<!-- id: NAME -->` with a NAME like `vote-rule-1`"),
            );
            return;
        }
        match &card.pinned {
            None => card.pinned = Some((name.to_owned(), range)),
            Some((_, first)) => {
                let first_location = self.source.at(first.start);
                let first_len = first.len();
                self.diagnostics.push(
                    Diagnostic::error(
                        code::MALFORMED_ID,
                        location,
                        "a card has one pinned id; this is its second",
                    )
                    .spanning(len)
                    .label("second id")
                    .related(first_location, first_len, "first id")
                    .hint("keep one `<!-- id: ... -->` per card"),
                );
            }
        }
    }

    /// `<!-- reverse: yes -->` or `<!-- reverse: no -->` under a heading: ask the card both
    /// ways, or not (overriding the file's front matter).
    pub(super) fn reverse(&mut self, value: &str, range: Range<usize>) {
        let location = self.source.at(range.start);
        let len = range.len();
        let Some(card) = &mut self.open else {
            self.diagnostics.push(
                Diagnostic::warning(
                    code::OUTSIDE_CARD,
                    location,
                    "a `reverse:` outside any card reverses nothing",
                )
                .spanning(len)
                .label("not under a `## ` heading")
                .hint("put `<!-- reverse: yes -->` under the heading of the card to ask both ways, or `reverse: true` in the front matter for every card of the file"),
            );
            return;
        };
        card.cuts.push(range.clone());
        let Some(yes) = front_matter::yes_no(value) else {
            self.diagnostics.push(
                Diagnostic::error(
                    code::MALFORMED_REVERSE,
                    location,
                    format!("`reverse:` is yes or no, not {value:?}"),
                )
                .spanning(len)
                .label("expected `yes` or `no`")
                .hint("write `<!-- reverse: yes -->` to ask this card both ways, `<!-- reverse: no -->` to ask it one way"),
            );
            return;
        };
        match &card.reverse {
            None => card.reverse = Some((yes, range)),
            Some((_, first)) => {
                let first_location = self.source.at(first.start);
                let first_len = first.len();
                self.diagnostics.push(
                    Diagnostic::error(
                        code::MALFORMED_REVERSE,
                        location,
                        "a card has one `reverse:`; this is its second",
                    )
                    .spanning(len)
                    .label("second `reverse:`")
                    .related(first_location, first_len, "first `reverse:`")
                    .hint("keep one `<!-- reverse: ... -->` per card"),
                );
            }
        }
    }

    /// Each `<img src>` in raw HTML is an image of the card, like `![](src)`.
    pub(super) fn html_images(&mut self, range: Range<usize>) {
        let html = self.text(range.clone());
        for source in html_images::image_sources(html) {
            let value = range.start + source.value.start..range.start + source.value.end;
            self.image(self.text(value.clone()), value);
        }
    }

    pub(super) fn image(&mut self, dest: &str, range: Range<usize>) {
        if self.open.is_none()
            && let Some(heading) = &mut self.heading
            && heading.opens_card()
        {
            heading.images.push((dest.to_owned(), range));
            return;
        }
        let Some(card) = &mut self.open else {
            return;
        };
        let dest = dest.trim();
        if dest.is_empty() {
            return;
        }
        let location = self.source.at(range.start);
        if dest.contains("://") || dest.starts_with("data:") || dest.starts_with("//") {
            self.diagnostics.push(
                Diagnostic::warning(
                    code::REMOTE_IMAGE,
                    location,
                    format!("image `{dest}` is not a local file and is not bundled"),
                )
                .spanning(range.len())
                .label("remote image")
                .hint("download it next to the notes and link the file to have it in Anki offline"),
            );
            return;
        }
        let folder = self.source.path.parent().unwrap_or(Path::new(""));
        card.media.push(MediaRef {
            written: dest.to_owned(),
            path: folder.join(dest),
            location,
        });
    }
}

/// True when the last line of a fenced block's source is a closing fence for its opener.
pub(crate) fn fence_is_closed(block: &str) -> bool {
    let opening = block.trim_start();
    let Some(fence_char) = opening.chars().next().filter(|c| matches!(c, '`' | '~')) else {
        return true;
    };
    let fence_len = opening.chars().take_while(|&c| c == fence_char).count();
    let Some((_, last)) = block.rsplit_once('\n') else {
        return false;
    };
    let last = last.trim_start_matches([' ', '\t', '>']).trim_end();
    !last.is_empty() && last.chars().all(|c| c == fence_char) && last.chars().count() >= fence_len
}

/// A line that would start a card if it were not inside a code block.
fn is_card_heading(line: &str) -> bool {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let rest = &line[indent..];
    indent <= 3 && (rest == "##" || rest.starts_with("## ") || rest.starts_with("##\t"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_and_unclosed_fences() {
        assert!(fence_is_closed("```json\n{}\n```"));
        assert!(fence_is_closed("````\n```\n`````"));
        assert!(fence_is_closed("```\n> x\n> ```"));
        assert!(fence_is_closed("~~~\nx\n~~~"));
        assert!(!fence_is_closed("```\nx\n"));
        assert!(!fence_is_closed("```"));
        assert!(!fence_is_closed("````\nx\n```"));
        assert!(!fence_is_closed("```\nx\n~~~"));
    }

    #[test]
    fn card_heading_lines() {
        assert!(is_card_heading("## Q"));
        assert!(is_card_heading("   ##"));
        assert!(!is_card_heading("    ## Q"));
        assert!(!is_card_heading("### Q"));
        assert!(!is_card_heading("##Q"));
    }
}
