//! Images in raw HTML: the `src` of each `<img>` tag, so a note that sizes an image with
//! `<img src="a.png" width="300">` gets it bundled and checked like `![](a.png)`.
//!
//! A small scanner, not an HTML parser: tags are found outside comments, attributes are read
//! as HTML reads them (`name`, `name=value`, `name='value'`, `name="value"`, any case), and
//! a `>` inside a quoted value does not end the tag.

use std::ops::Range;

/// Where an `<img>` tag's `src` value is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageSource {
    /// The value, without its quotes.
    pub value: Range<usize>,
    /// Whether the value was quoted (an unquoted replacement must be quoted if it could
    /// hold a space).
    pub quoted: bool,
}

/// The `src` of every `<img>` tag in `html`, in order.
pub fn image_sources(html: &str) -> Vec<ImageSource> {
    let bytes = html.as_bytes();
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(offset) = memchr::memchr(b'<', &bytes[at..]) {
        let open = at + offset;
        if html[open..].starts_with("<!--") {
            at = html[open + 4..]
                .find("-->")
                .map_or(bytes.len(), |end| open + 4 + end + 3);
            continue;
        }
        let name_end = open + 4;
        let is_img = bytes.len() > name_end
            && bytes[open + 1..name_end].eq_ignore_ascii_case(b"img")
            && matches!(
                bytes[name_end],
                b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'/' | b'>'
            );
        if !is_img {
            at = open + 1;
            continue;
        }
        let (source, end) = read_attributes(html, name_end);
        found.extend(source);
        at = end;
    }
    found
}

/// Read a tag's attributes from `at` to its `>`; returns the `src` (the first, as HTML
/// keeps the first of repeated attributes) and where the tag ends.
fn read_attributes(html: &str, mut at: usize) -> (Option<ImageSource>, usize) {
    let bytes = html.as_bytes();
    let mut source = None;
    let blank = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c');
    loop {
        while at < bytes.len() && (blank(bytes[at]) || bytes[at] == b'/') {
            at += 1;
        }
        if at >= bytes.len() {
            return (source, at);
        }
        if bytes[at] == b'>' {
            return (source, at + 1);
        }
        let name_start = at;
        while at < bytes.len() && !blank(bytes[at]) && !matches!(bytes[at], b'=' | b'>' | b'/') {
            at += 1;
        }
        let name = &html[name_start..at];
        let mut after_name = at;
        while after_name < bytes.len() && blank(bytes[after_name]) {
            after_name += 1;
        }
        if after_name >= bytes.len() || bytes[after_name] != b'=' {
            continue; // an attribute without a value
        }
        at = after_name + 1;
        while at < bytes.len() && blank(bytes[at]) {
            at += 1;
        }
        let (value, quoted) = match bytes.get(at) {
            Some(&quote @ (b'"' | b'\'')) => {
                let start = at + 1;
                let end = memchr::memchr(quote, &bytes[start..]).map_or(bytes.len(), |i| start + i);
                at = (end + 1).min(bytes.len());
                (start..end, true)
            }
            _ => {
                let start = at;
                while at < bytes.len() && !blank(bytes[at]) && bytes[at] != b'>' {
                    at += 1;
                }
                (start..at, false)
            }
        };
        if source.is_none() && name.eq_ignore_ascii_case("src") {
            source = Some(ImageSource { value, quoted });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(html: &str) -> Vec<&str> {
        image_sources(html)
            .into_iter()
            .map(|source| &html[source.value])
            .collect()
    }

    #[test]
    fn sources_in_every_quoting_and_case() {
        assert_eq!(values(r#"<img src="a.png">"#), ["a.png"]);
        assert_eq!(values("<IMG SRC='b c.png' width=300/>"), ["b c.png"]);
        assert_eq!(values("<img width=3 src=d.png>"), ["d.png"]);
        assert_eq!(
            values("<img\n  alt=\"x > y\"\n  src = \"e.png\"\n>"),
            ["e.png"]
        );
        assert_eq!(
            values(r#"<p><img src="f.png"><img src="g.png"></p>"#),
            ["f.png", "g.png"]
        );
    }

    #[test]
    fn other_tags_comments_and_missing_sources_give_nothing() {
        assert!(values(r#"<image src="a.png"><imgx src="b.png">"#).is_empty());
        assert!(values(r#"<!-- <img src="a.png"> --><img alt="no source">"#).is_empty());
        assert!(values("<img").is_empty());
        assert!(values(r#"<img src="unterminated"#).len() == 1);
        assert_eq!(values(r#"<img data-src="x.png" src="y.png">"#), ["y.png"]);
    }

    #[test]
    fn the_first_of_repeated_sources_counts_and_quoting_is_told() {
        let html = r#"<img src=a.png src="b.png">"#;
        let sources = image_sources(html);
        assert_eq!(sources.len(), 1);
        assert_eq!(&html[sources[0].value.clone()], "a.png");
        assert!(!sources[0].quoted);
    }
}
