//! Tags: the text of `[#tag]()` links and of front matter `tags:` entries.

/// Turn a tag as written into an Anki-safe tag: a leading `#` and surrounding space go,
/// inner whitespace runs become `_` (Anki separates tags by spaces). `None` if nothing is left.
pub fn clean_tag(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let raw = raw.strip_prefix('#').unwrap_or(raw);
    let mut tag = String::with_capacity(raw.len());
    for word in raw.split_whitespace() {
        if !tag.is_empty() {
            tag.push('_');
        }
        tag.push_str(word);
    }
    Some(tag).filter(|tag| !tag.is_empty())
}

/// Append tags keeping the first occurrence of each, in order.
pub fn add_unique(tags: &mut Vec<String>, new: impl IntoIterator<Item = String>) {
    for tag in new {
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_become_underscores_and_the_hash_goes() {
        assert_eq!(
            clean_tag("#leader election").as_deref(),
            Some("leader_election")
        );
        assert_eq!(clean_tag("  raft ").as_deref(), Some("raft"));
        assert_eq!(clean_tag("#a \t b\nc").as_deref(), Some("a_b_c"));
        assert_eq!(clean_tag("#"), None);
        assert_eq!(clean_tag("   "), None);
    }

    #[test]
    fn duplicates_keep_their_first_place() {
        let mut tags = vec!["raft".to_owned()];
        add_unique(
            &mut tags,
            ["terms".to_owned(), "raft".to_owned(), "terms".to_owned()],
        );
        assert_eq!(tags, ["raft", "terms"]);
    }
}
