//! The plain text Anki derives from a note's first field for its sort field (`sfld`) and
//! checksum (`csum`), computed here so that a package holds the values Anki itself computes
//! when it stores the note (`strip_html_preserving_media_filenames` in Anki's
//! rslib/src/text.rs, called by `Note::prepare_for_update`):
//!
//! 1. a media tag (`<img>`, `<audio>`, `<video>`, `<object>`, `<source>`) with a `src` or
//!    `data` attribute becomes its file name between two spaces;
//! 2. comments, `<style>` and `<script>` elements with their content, and every other tag
//!    go, leaving nothing in their place (`a</p><p>b` reads `ab`);
//! 3. when the text holds a `&`, character references are decoded (HTML 4's named ones,
//!    decimal and `&#x` hexadecimal ones), all or nothing: a single one that does not decode
//!    leaves the whole text as it is; after a decode, no-break spaces become spaces.
//!
//! Whitespace is kept as it is. Tag and attribute names match in any ASCII case, as in
//! Anki's patterns. Each step follows the pattern's own matching order (leftmost match,
//! alternatives and lazy repeats tried in order), so unusual markup gives Anki's result too.

mod entities;

/// The text Anki sorts on and checksums for a field of HTML.
pub fn sort_text(html: &str) -> String {
    let stripped = strip_tags(&media_names(html));
    if !stripped.contains('&') {
        return stripped;
    }
    match decode_references(&stripped) {
        Some(decoded) => decoded.replace('\u{a0}', " "),
        None => stripped,
    }
}

/// Step 1: each media tag replaced by ` NAME `.
fn media_names(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut copied = 0;
    let mut search = 0;
    while let Some(offset) = html[search..].find('<') {
        let open = search + offset;
        match media_tag(html, open) {
            Some((name, end)) => {
                out.push_str(&html[copied..open]);
                out.push(' ');
                out.push_str(name);
                out.push(' ');
                copied = end;
                search = end;
            }
            None => search = open + 1,
        }
    }
    out.push_str(&html[copied..]);
    out
}

/// The media tag starting at the `<` at `open`: its file name and where the tag ends.
///
/// After the element's name comes at least one step, a step being one character other
/// than `>` or a whole quoted run (which may hold a `>`); after each step the attribute is
/// looked for first, and the alternatives are tried in that order, depth first.
fn media_tag(html: &str, open: usize) -> Option<(&str, usize)> {
    let bytes = html.as_bytes();
    let name_end = ["img", "audio", "video", "object", "source"]
        .iter()
        .find(|name| starts_with_ignore_case(&bytes[open + 1..], name.as_bytes()))
        .map(|name| open + 1 + name.len())?;
    if html[name_end..].chars().next().is_some_and(is_word_char) {
        return None;
    }
    let mut tried = vec![false; bytes.len() + 1];
    // Positions after one more step, the one to try first on top.
    let mut stack = steps_from(bytes, name_end);
    while let Some(at) = stack.pop() {
        if std::mem::replace(&mut tried[at], true) {
            continue;
        }
        if let Some(found) = media_attribute(html, at) {
            return Some(found);
        }
        stack.extend(steps_from(bytes, at));
    }
    None
}

/// Where one step from `at` can end, the first alternative last (for a stack).
fn steps_from(bytes: &[u8], at: usize) -> Vec<usize> {
    let mut ends = Vec::with_capacity(3);
    for quote in [b'\'', b'"'] {
        if bytes.get(at) == Some(&quote)
            && let Some(close) = find_byte(bytes, at + 2, quote)
        {
            ends.push(close + 1);
        }
    }
    if bytes.get(at).is_some_and(|&b| b != b'>') {
        ends.push(at + 1);
    }
    ends
}

/// `src=` or `data=` at `at` (after a non-word character) and a value Anki's pattern
/// accepts: the file name and the end of the tag.
fn media_attribute(html: &str, at: usize) -> Option<(&str, usize)> {
    let bytes = html.as_bytes();
    if html[..at].chars().next_back().is_some_and(is_word_char) {
        return None;
    }
    let value = ["src=", "data="]
        .iter()
        .find(|name| starts_with_ignore_case(&bytes[at..], name.as_bytes()))
        .map(|name| at + name.len())?;
    for quote in [b'"', b'\''] {
        if bytes.get(value) == Some(&quote)
            && let Some(close) = find_byte(bytes, value + 2, quote)
            && let Some(end) = find_byte(bytes, close + 1, b'>')
        {
            return Some((&html[value + 1..close], end + 1));
        }
    }
    // Unquoted: up to the first space or `>`; a space must be followed by a `>` somewhere.
    let run_end = value
        + bytes[value..]
            .iter()
            .position(|&b| b == b' ' || b == b'>')?;
    if run_end == value {
        return None;
    }
    let end = match bytes[run_end] {
        b'>' => run_end + 1,
        _ => find_byte(bytes, run_end + 1, b'>')? + 1,
    };
    Some((&html[value..run_end], end))
}

/// Step 2: comments, `<style>` and `<script>` elements, and tags removed.
fn strip_tags(html: &str) -> String {
    let bytes = html.as_bytes();
    let mut out = String::with_capacity(html.len());
    let mut copied = 0;
    let mut search = 0;
    while let Some(offset) = html[search..].find('<') {
        let open = search + offset;
        match markup_end(bytes, open) {
            Some(end) => {
                out.push_str(&html[copied..open]);
                copied = end;
                search = end;
            }
            None => search = open + 1,
        }
    }
    out.push_str(&html[copied..]);
    out
}

/// The end of the markup starting at the `<` at `open`, trying Anki's alternatives in
/// order: a comment, a style element, a script element, any tag.
fn markup_end(bytes: &[u8], open: usize) -> Option<usize> {
    let rest = &bytes[open..];
    if rest.starts_with(b"<!--")
        && let Some(close) = find(bytes, open + 4, b"-->")
    {
        return Some(close + 3);
    }
    for element in ["style", "script"] {
        if starts_with_ignore_case(&rest[1..], element.as_bytes())
            && let Some(tag_end) = find_byte(bytes, open + 1 + element.len(), b'>')
            && let Some(close) = find_ignore_case(bytes, tag_end + 1, &format!("</{element}>"))
        {
            return Some(close + element.len() + 3);
        }
    }
    find_byte(bytes, open + 1, b'>').map(|close| close + 1)
}

/// Step 3: character references decoded, or `None` when one does not decode (the rules
/// of the decoder Anki uses: a name runs to the next `;`, case matters in names, `&#x`
/// takes a lowercase `x`, and a reference the text ends in does not decode).
fn decode_references(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let end = after.find(';')?;
        let reference = &after[..end];
        let decoded = match reference.strip_prefix('#') {
            Some(number) => numeric_reference(number)?,
            None => named_reference(reference)?,
        };
        out.push(decoded);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

fn numeric_reference(number: &str) -> Option<char> {
    let (digits, radix) = match number.strip_prefix('x') {
        Some(hex) => (hex, 16),
        None => (number, 10),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    char::from_u32(u32::from_str_radix(digits, radix).ok()?)
}

fn named_reference(name: &str) -> Option<char> {
    entities::NAMED
        .binary_search_by(|(known, _)| known.as_bytes().cmp(name.as_bytes()))
        .ok()
        .map(|index| entities::NAMED[index].1)
}

/// A character of `\w` in Anki's patterns (Unicode letters, digits and `_`).
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn starts_with_ignore_case(bytes: &[u8], prefix: &[u8]) -> bool {
    bytes.len() >= prefix.len() && bytes[..prefix.len()].eq_ignore_ascii_case(prefix)
}

fn find_byte(bytes: &[u8], from: usize, wanted: u8) -> Option<usize> {
    let tail = bytes.get(from..)?;
    memchr::memchr(wanted, tail).map(|offset| from + offset)
}

fn find(bytes: &[u8], from: usize, wanted: &[u8]) -> Option<usize> {
    let tail = bytes.get(from..)?;
    memchr::memmem::find(tail, wanted).map(|offset| from + offset)
}

fn find_ignore_case(bytes: &[u8], from: usize, wanted: &str) -> Option<usize> {
    let tail = bytes.get(from..)?;
    tail.windows(wanted.len())
        .position(|window| window.eq_ignore_ascii_case(wanted.as_bytes()))
        .map(|offset| from + offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_go_and_leave_nothing_in_their_place() {
        // Worked from Anki's rules: a tag is removed outright, so paragraphs run together
        // and whitespace stays as written.
        assert_eq!(sort_text("<b>What</b> is <i>Raft</i>?"), "What is Raft?");
        assert_eq!(sort_text("<p>a</p><p>b</p>"), "ab");
        assert_eq!(sort_text("  a \n\t b  "), "  a \n\t b  ");
        assert_eq!(sort_text("a <> b"), "a  b");
        assert_eq!(sort_text("1 < 2"), "1 < 2");
    }

    #[test]
    fn comments_styles_and_scripts_go_with_their_content() {
        assert_eq!(sort_text("a<!-- id: x -->b"), "ab");
        assert_eq!(sort_text("a<style>p { color: red }</style>b"), "ab");
        assert_eq!(sort_text("a<SCRIPT type=x>if (1 > 0) {}</Script>b"), "ab");
        // Unclosed: only the opening tag is a tag.
        assert_eq!(sort_text("a<style>b"), "ab");
        assert_eq!(sort_text("a<!-- b > c"), "a c");
        // `<!-->`: the comment needs its own `-->`, so this is a plain tag.
        assert_eq!(sort_text("a<!-->b"), "ab");
    }

    #[test]
    fn media_tags_keep_their_file_names() {
        assert_eq!(sort_text("x<img src=\"a.png\">y"), "x a.png y");
        assert_eq!(
            sort_text("<IMG alt='1 > 0' SRC='b c.png' width=3>"),
            " b c.png "
        );
        assert_eq!(sort_text("<audio src=s.mp3 controls>"), " s.mp3 ");
        assert_eq!(sort_text("<object data=d.svg>"), " d.svg ");
        // `data-src` has `src` after a `-`: a word boundary, so it counts.
        assert_eq!(sort_text("<img data-src=\"l.png\">"), " l.png ");
        // No file name, or a name that only starts like a media element: a plain tag.
        assert_eq!(sort_text("<img alt=\"x\">"), "");
        assert_eq!(sort_text("<imgx src=\"a.png\">"), "");
        assert_eq!(sort_text("<img src=\"\">"), " \"\" ");
    }

    #[test]
    fn references_decode_all_or_nothing() {
        assert_eq!(sort_text("a &lt; b &amp;&#65;&#x42;"), "a < b &AB");
        assert_eq!(sort_text("a&nbsp;b"), "a b");
        assert_eq!(sort_text("&eacute;&Eacute;"), "éÉ");
        // One bad reference: nothing is decoded, no-break spaces included.
        assert_eq!(sort_text("a &lt; b & c"), "a &lt; b & c");
        assert_eq!(sort_text("&lt;&bogus;"), "&lt;&bogus;");
        assert_eq!(sort_text("&#X41; &lt;"), "&#X41; &lt;");
        assert_eq!(sort_text("&lt"), "&lt");
        assert_eq!(sort_text("&apos;"), "&apos;");
        // A no-break space written as a character stays when there is nothing to decode.
        assert_eq!(sort_text("a\u{a0}b"), "a\u{a0}b");
        assert_eq!(sort_text("a\u{a0}b&amp;"), "a b&");
    }

    #[test]
    fn the_entity_table_is_sorted_for_its_search() {
        assert!(
            entities::NAMED
                .windows(2)
                .all(|pair| pair[0].0.as_bytes() < pair[1].0.as_bytes())
        );
        assert_eq!(entities::NAMED.len(), 252, "HTML 4.01 names 252 entities");
    }
}
