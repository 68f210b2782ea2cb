//! HTML escaping for what mdcards writes into a note's fields itself (highlighted code,
//! math, the source line), with the escaper pulldown-cmark uses for the rest of the card.

/// Append `text` to `out` with `& < > " '` escaped (safe in element content and in quoted
/// attributes).
pub fn escape_into(out: &mut String, text: &str) {
    pulldown_cmark_escape::escape_html(out, text).expect("writing to a String cannot fail");
}

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
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
}
