//! Deck names: `::` nests decks (`Mohan::DeepWork::Raft`), as in Anki.

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("deck name {0:?} has an empty part; write names like `Study::Raft`")]
pub struct EmptyDeckPart(pub String);

/// The canonical form of a deck path: parts trimmed, joined by `::` with no spaces around.
/// Every part must have a name (`A::::B`, `::A` and `A::` are errors).
pub fn deck_path(raw: &str) -> Result<String, EmptyDeckPart> {
    let parts: Vec<&str> = raw.split("::").map(str::trim).collect();
    if parts.iter().any(|part| part.is_empty()) {
        return Err(EmptyDeckPart(raw.to_owned()));
    }
    Ok(parts.join("::"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_trimmed_and_joined() {
        assert_eq!(
            deck_path(" Mohan :: DeepWork::Raft ").unwrap(),
            "Mohan::DeepWork::Raft"
        );
        assert_eq!(deck_path("Raft").unwrap(), "Raft");
    }

    #[test]
    fn empty_parts_are_rejected() {
        for bad in ["", "  ", "A::", "::A", "A:: ::B"] {
            assert!(deck_path(bad).is_err(), "{bad:?}");
        }
    }
}
