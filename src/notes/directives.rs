//! HTML comment directives: `<!-- id: NAME -->` pins a card's identity. Other comments are
//! left alone, except ones shaped like a directive (`<!-- name: value -->` with a lowercase
//! name) that mdcards does not know, which get a warning so that typos (`<!-- di: x -->`)
//! are not silently ignored. Comments starting with an uppercase word (`<!-- TODO: -->`) are
//! plain comments.

use std::ops::Range;

/// One `<!-- ... -->` comment found in a piece of HTML.
#[derive(Debug, PartialEq, Eq)]
pub struct Comment<'a> {
    /// Byte range of the whole comment, `<!--` to `-->`, relative to the scanned text.
    pub range: Range<usize>,
    pub directive: Option<Directive<'a>>,
}

#[derive(Debug, PartialEq, Eq)]
pub struct Directive<'a> {
    pub name: &'a str,
    pub value: &'a str,
}

/// Every complete comment in `html`, in order. An unterminated comment ends the scan.
pub fn comments(html: &str) -> Vec<Comment<'_>> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(open) = html[from..].find("<!--").map(|i| from + i) {
        let body_start = open + 4;
        let Some(close) = html[body_start..].find("-->").map(|i| body_start + i) else {
            break;
        };
        found.push(Comment {
            range: open..close + 3,
            directive: directive(&html[body_start..close]),
        });
        from = close + 3;
    }
    found
}

fn directive(body: &str) -> Option<Directive<'_>> {
    let (name, value) = body.trim().split_once(':')?;
    let is_name = name
        .chars()
        .next()
        .is_some_and(|first| first.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    is_name.then(|| Directive {
        name,
        value: value.trim(),
    })
}

/// True when nothing but comments and whitespace is left of `html`.
pub fn only_comments(html: &str, comments: &[Comment<'_>]) -> bool {
    let mut rest = 0;
    for comment in comments {
        if !html[rest..comment.range.start].trim().is_empty() {
            return false;
        }
        rest = comment.range.end;
    }
    html[rest..].trim().is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_directives_and_plain_comments() {
        let html = "<!-- id: vote-rule -->\n<!-- TODO: reword --><!--x-->";
        let found = comments(html);
        assert_eq!(found.len(), 3);
        assert_eq!(found[0].range, 0..22);
        assert_eq!(
            found[0].directive,
            Some(Directive {
                name: "id",
                value: "vote-rule"
            })
        );
        assert_eq!(found[1].directive, None);
        assert_eq!(found[2].directive, None);
        assert!(only_comments(html, &found));
        assert!(!only_comments(
            "<p><!-- id: a --></p>",
            &comments("<p><!-- id: a --></p>")
        ));
    }

    #[test]
    fn unterminated_comment_is_not_a_directive() {
        assert!(comments("<!-- id: a").is_empty());
    }
}
