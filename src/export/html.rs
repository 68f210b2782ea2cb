//! Small HTML helpers: escaping, and the tag stripping Anki applies to the sort field.

/// Append `text` to `out` with `& < > " '` escaped (safe in element content and attributes).
pub fn escape_into(out: &mut String, text: &str) {
    let mut from = 0;
    for (at, byte) in text.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&text[from..at]);
        out.push_str(entity);
        from = at + 1;
    }
    out.push_str(&text[from..]);
}

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

/// The field as plain text: tags removed, the common entities decoded, whitespace runs
/// collapsed. Anki sorts and checks duplicates (`sfld`, `csum`) on this form of the first field.
pub fn strip_html(html: &str) -> String {
    let mut text = PlainText {
        out: String::with_capacity(html.len()),
        space: false,
    };
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push(&rest[..open]);
        match rest[open..].find('>') {
            Some(close) => {
                // Block-level breaks become spaces, so "a</p><p>b" does not read "ab".
                if is_block_tag(&rest[open + 1..open + close]) {
                    text.space = true;
                }
                rest = &rest[open + close + 1..];
            }
            None => {
                text.push(&rest[open..]);
                rest = "";
            }
        }
    }
    text.push(rest);
    text.out
}

/// Text with whitespace runs collapsed to one space and no space at either end.
struct PlainText {
    out: String,
    /// A space is owed before the next visible character.
    space: bool,
}

impl PlainText {
    fn push(&mut self, text: &str) {
        if text.contains('&') {
            self.push_chars(&decode_entities(text));
        } else {
            self.push_chars(text);
        }
    }

    fn push_chars(&mut self, text: &str) {
        for c in text.chars() {
            if c.is_whitespace() {
                self.space = true;
            } else {
                if self.space && !self.out.is_empty() {
                    self.out.push(' ');
                }
                self.space = false;
                self.out.push(c);
            }
        }
    }
}

fn is_block_tag(tag: &str) -> bool {
    let name = tag.trim_start_matches('/');
    let name = name
        .split(|c: char| c.is_whitespace() || c == '/')
        .next()
        .unwrap_or("");
    [
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "pre",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "td",
        "th",
        "hr",
        "blockquote",
        "table",
    ]
    .iter()
    .any(|block| block.eq_ignore_ascii_case(name))
}

fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let tail = &rest[amp..];
        let decoded = [
            ("&amp;", '&'),
            ("&lt;", '<'),
            ("&gt;", '>'),
            ("&quot;", '"'),
            ("&#39;", '\''),
            ("&nbsp;", ' '),
        ]
        .iter()
        .find(|(entity, _)| tail.starts_with(entity));
        match decoded {
            Some((entity, ch)) => {
                out.push(*ch);
                rest = &tail[entity.len()..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_the_five_specials() {
        assert_eq!(escape(r#"a<b>&"c'"#), "a&lt;b&gt;&amp;&quot;c&#39;");
        assert_eq!(escape("plain ünï"), "plain ünï");
    }

    #[test]
    fn strip_removes_tags_and_decodes() {
        assert_eq!(
            strip_html("<b>What</b> is <code>a &lt; b</code>?"),
            "What is a < b?"
        );
        assert_eq!(strip_html("x &unknown; <"), "x &unknown; <");
        assert_eq!(strip_html("<p>a</p><p>b</p>"), "a b");
        assert_eq!(strip_html("  <p> a \n\t b </p>  "), "a b");
        assert_eq!(strip_html("a&nbsp;&amp;&nbsp;b"), "a & b");
    }
}
