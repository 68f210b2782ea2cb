//! Card markdown -> the HTML fields of an Anki note.
//!
//! pulldown-cmark's event stream with mdcards' shared options, rewritten on the way to
//! HTML: code blocks become highlighted static HTML, `$…$`/`$$…$$` become Anki's `\( \)` /
//! `\[ \]`, protected `\( \)`/`[latex]` spans come back verbatim, and local images point at
//! their bundled media names.

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Parser, Tag, TagEnd};

use super::highlight;
use super::html::{escape, escape_into};
use super::math;
use super::media::MediaSet;
use super::model::BASIC_MODEL_ID;
use crate::deck::Card;
use crate::notes::html_images::image_sources;
use crate::notes::markdown;

/// A note ready for the package: what the collection writer stores. Renderers for other
/// kinds of notes (e.g. scenario instances with diagrams) produce the same type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderedNote {
    /// Anki's note guid: the card id, so re-imports update instead of duplicating.
    pub guid: String,
    /// `::`-separated deck path.
    pub deck: String,
    /// The note type id; `fields` must match its field list.
    pub model: i64,
    pub fields: Vec<String>,
    /// Anki tags: no spaces inside a tag.
    pub tags: Vec<String>,
}

/// Render one card as an "mdcards Basic" note: Front, Back, Source (file:line).
pub fn render_card(card: &Card, media: &MediaSet) -> RenderedNote {
    let resolve = |written: &str| -> Option<String> {
        let reference = card.media.iter().find(|m| m.written == written)?;
        media.name_of(&reference.path).map(str::to_owned)
    };
    let front = inline_html(&markdown_to_html(&card.front, &resolve));
    let back = markdown_to_html(&card.back, &resolve);
    let source = escape(&format!(
        "{}:{}",
        card.location.file.display(),
        card.location.line
    ));
    RenderedNote {
        guid: card.id.as_str().to_owned(),
        deck: card.deck.clone(),
        model: BASIC_MODEL_ID,
        fields: vec![front, back, source],
        tags: anki_tags(&card.tags),
    }
}

/// Tags as Anki stores them: whitespace inside a tag becomes `_`, empty and repeated tags go.
pub fn anki_tags(tags: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(tags.len());
    for tag in tags {
        let tag = tag.split_whitespace().collect::<Vec<_>>().join("_");
        if !tag.is_empty() && !out.iter().any(|seen| seen.eq_ignore_ascii_case(&tag)) {
            out.push(tag);
        }
    }
    out
}

/// A front that is one paragraph needs no `<p>` around it (and never a heading tag).
pub(super) fn inline_html(html: &str) -> String {
    let trimmed = html.trim_end();
    if let Some(inner) = trimmed
        .strip_prefix("<p>")
        .and_then(|rest| rest.strip_suffix("</p>"))
        && !inner.contains("<p>")
    {
        return inner.to_owned();
    }
    trimmed.to_owned()
}

/// Markdown to Anki-ready HTML. `resolve` maps an image destination as written to its
/// media name, or `None` to leave it alone (remote images, data URIs).
pub fn markdown_to_html(source: &str, resolve: &dyn Fn(&str) -> Option<String>) -> String {
    let protected = math::protect(source);
    let mut events: Vec<Event> = Vec::new();
    let mut code: Option<(String, String)> = None;
    let mut html_block: Option<String> = None;
    for event in Parser::new_ext(&protected.markdown, markdown::options()) {
        if let Some((info, text)) = code.as_mut() {
            match event {
                Event::Text(chunk) => text.push_str(&chunk),
                Event::End(TagEnd::CodeBlock) => {
                    let mut html = String::with_capacity(text.len() * 2);
                    // The fence's last newline is not a line of code.
                    let text = text.strip_suffix('\n').unwrap_or(text);
                    highlight::code_block_into(&mut html, info, text);
                    events.push(Event::Html(CowStr::from(html)));
                    code = None;
                }
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info.into_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((info, String::new()));
            }
            Event::InlineMath(tex) => {
                events.push(Event::InlineHtml(CowStr::from(format!(
                    "\\({}\\)",
                    escape(&tex)
                ))));
            }
            Event::DisplayMath(tex) => {
                events.push(Event::InlineHtml(CowStr::from(format!(
                    "\\[{}\\]",
                    escape(&tex)
                ))));
            }
            Event::Text(text) if text.contains('\u{E000}') => {
                let mut html = String::with_capacity(text.len() + 16);
                protected.restore_into(&mut html, &text);
                events.push(Event::InlineHtml(CowStr::from(html)));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = resolve(&dest_url).map_or(dest_url, CowStr::from);
                events.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            // Front matter belongs to the file, not the card.
            Event::Start(Tag::MetadataBlock(_)) | Event::End(TagEnd::MetadataBlock(_)) => {}
            // An HTML block comes a line at a time; a tag may span lines, so the block's
            // images are found in it whole.
            Event::Start(Tag::HtmlBlock) => html_block = Some(String::new()),
            Event::Html(line) if html_block.is_some() => {
                html_block.get_or_insert_default().push_str(&line);
            }
            Event::End(TagEnd::HtmlBlock) => {
                let block = html_block.take().unwrap_or_default();
                events.push(Event::Html(with_media_names(block.into(), resolve)));
            }
            Event::InlineHtml(html) => {
                events.push(Event::InlineHtml(with_media_names(html, resolve)));
            }
            other => events.push(other),
        }
    }
    let mut html = String::with_capacity(source.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html
}

/// `html` with each `<img src>` that names a bundled file pointing at the file's media name.
fn with_media_names<'a>(html: CowStr<'a>, resolve: &dyn Fn(&str) -> Option<String>) -> CowStr<'a> {
    let sources = image_sources(&html);
    let mut out = String::new();
    let mut from = 0;
    for source in sources {
        let Some(name) = resolve(html[source.value.clone()].trim()) else {
            continue;
        };
        out.push_str(&html[from..source.value.start]);
        // An unquoted value ends at a blank: quote the name, whatever it holds.
        if !source.quoted {
            out.push('"');
        }
        escape_into(&mut out, &name);
        if !source.quoted {
            out.push('"');
        }
        from = source.value.end;
    }
    if from == 0 {
        return html;
    }
    out.push_str(&html[from..]);
    CowStr::from(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(source: &str) -> String {
        markdown_to_html(source, &|_| None)
    }

    #[test]
    fn dollar_math_becomes_anki_delimiters() {
        assert_eq!(html("area $\\pi r^2$"), "<p>area \\(\\pi r^2\\)</p>\n");
        assert_eq!(html("$$a<b$$"), "<p>\\[a&lt;b\\]</p>\n");
    }

    #[test]
    fn backslash_math_keeps_its_backslashes() {
        assert_eq!(html("see \\(x_1\\) here"), "<p>see \\(x_1\\) here</p>\n");
        assert_eq!(html("\\[a*b*c\\]"), "<p>\\[a*b*c\\]</p>\n");
        assert_eq!(
            html("[latex]\\frac{1}{2}[/latex]"),
            "<p>[latex]\\frac{1}{2}[/latex]</p>\n"
        );
    }

    #[test]
    fn a_heading_inside_a_code_block_stays_code() {
        let out = html("```md\n## not a card\n```\n");
        assert!(out.contains("## not a card"), "{out}");
        assert!(!out.contains("<h2>"), "{out}");
    }

    #[test]
    fn images_are_rewritten_only_when_resolved() {
        let resolve = |written: &str| (written == "a.png").then(|| "a-00ff.png".to_owned());
        let out = markdown_to_html("![x](a.png) ![y](https://e.org/b.png)", &resolve);
        assert!(out.contains("src=\"a-00ff.png\""), "{out}");
        assert!(out.contains("src=\"https://e.org/b.png\""), "{out}");
    }

    #[test]
    fn single_paragraph_front_loses_its_p() {
        assert_eq!(
            inline_html("<p>What is <code>x</code>?</p>\n"),
            "What is <code>x</code>?"
        );
        assert_eq!(inline_html("<p>a</p>\n<p>b</p>\n"), "<p>a</p>\n<p>b</p>");
    }

    #[test]
    fn tags_never_contain_spaces() {
        let tags = [
            "raft".to_owned(),
            "leader election".to_owned(),
            "Raft".to_owned(),
            " ".to_owned(),
        ];
        assert_eq!(anki_tags(&tags), ["raft", "leader_election"]);
    }
}
