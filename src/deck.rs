//! The shared vocabulary: cards, their identity and where they came from.
//!
//! Every module speaks in these types; none of them does I/O.

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A card's stable identity. It is the review store's key and the Anki note guid, so it
/// must never change for an unchanged card, across versions of mdcards.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CardId(String);

impl CardId {
    /// An identity the author pinned with `<!-- id: NAME -->`; used verbatim.
    pub fn pinned(name: &str) -> CardId {
        CardId(name.trim().to_owned())
    }

    /// The identity of an unpinned card: the first 64 bits of
    /// SHA-256(normalise(deck) ++ 0x1F ++ normalise(front)), as 16 lowercase hex digits.
    ///
    /// FROZEN: changing this function, `normalise`, or the separator would orphan every
    /// review history and duplicate every note re-imported into Anki. Tests pin its values.
    pub fn from_front(deck: &str, front: &str) -> CardId {
        let mut hasher = Sha256::new();
        hash_normalised(&mut hasher, deck);
        hasher.update([0x1F]);
        hash_normalised(&mut hasher, front);
        CardId::from_digest(hasher)
    }

    /// The identity of a card of a deck built into mdcards: the hash of `from_front` with
    /// `BUILT_IN_NAMESPACE` and 0x1E first, so it never equals the id of a card in the
    /// user's notes. A user file titled `# Raft` with the same questions (the built-in deck
    /// written out to start one's own notes from) is then a deck of its own, never
    /// exchanging cards, tags or histories with the built-in one. A pinned name gets the
    /// namespace as a prefix.
    ///
    /// FROZEN, like `from_front`: stores were migrated to these ids (schema version 4).
    pub fn built_in(deck: &str, front: &str, pinned: Option<&str>) -> CardId {
        if let Some(name) = pinned {
            return CardId(format!("{BUILT_IN_NAMESPACE}:{}", name.trim()));
        }
        let mut hasher = Sha256::new();
        hasher.update(BUILT_IN_NAMESPACE.as_bytes());
        hasher.update([0x1E]);
        hash_normalised(&mut hasher, deck);
        hasher.update([0x1F]);
        hash_normalised(&mut hasher, front);
        CardId::from_digest(hasher)
    }

    /// The first 64 bits of the digest, as 16 lowercase hex digits.
    fn from_digest(hasher: Sha256) -> CardId {
        let digest = hasher.finalize();
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut hex = String::with_capacity(16);
        for byte in &digest[..8] {
            hex.push(char::from(HEX[usize::from(byte >> 4)]));
            hex.push(char::from(HEX[usize::from(byte & 0x0F)]));
        }
        CardId(hex)
    }

    /// The id of a reversed note's reverse card: `<note id>/reverse`. The forward card keeps
    /// the note's id, so asking an existing card both ways keeps its history.
    ///
    /// FROZEN, like `from_front`: stored review histories are keyed by it.
    pub fn reverse_of(note: &CardId) -> CardId {
        CardId(format!("{}/reverse", note.0))
    }

    /// The id of cloze number `number` of a cloze note: `<note id>/c<number>`.
    ///
    /// FROZEN, like `from_front`: stored review histories are keyed by it.
    pub fn cloze_of(note: &CardId, number: u16) -> CardId {
        CardId(format!("{}/c{number}", note.0))
    }

    /// Rebuild an id read back from storage or JSON.
    pub fn from_stored(text: impl Into<String>) -> CardId {
        CardId(text.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CardId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What sets the ids of built-in decks apart (see `CardId::built_in`).
pub const BUILT_IN_NAMESPACE: &str = "mdcards-built-in";

/// Whitespace runs collapse to one space, ends are trimmed, and letters are case-folded
/// (Unicode lowercase), so reflowing or recapitalising a question keeps its identity.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

/// Feeds `normalise(text)` to the hasher without building it: identifying every card of a
/// 100,000-card deck is on the path of `list`, `sync` and `export`. A test checks it agrees
/// with `normalise` byte for byte.
fn hash_normalised(hasher: &mut Sha256, text: &str) {
    let mut lowered = [0u8; 64];
    for (n, word) in text.split_whitespace().enumerate() {
        if n > 0 {
            hasher.update(b" ");
        }
        if word.is_ascii() {
            for chunk in word.as_bytes().chunks(lowered.len()) {
                let lowered = &mut lowered[..chunk.len()];
                for (to, from) in lowered.iter_mut().zip(chunk) {
                    *to = from.to_ascii_lowercase();
                }
                hasher.update(&*lowered);
            }
        } else {
            let mut utf8 = [0u8; 4];
            for c in word.chars().flat_map(char::to_lowercase) {
                hasher.update(c.encode_utf8(&mut utf8).as_bytes());
            }
        }
    }
}

/// A place in a notes file; line and column are 1-based, column counts characters.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Location {
    pub file: PathBuf,
    pub line: u32,
    pub col: u32,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.col)
    }
}

/// An image a card refers to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaRef {
    /// The destination as written in the markdown (`img/a.png`), which renderers replace.
    pub written: String,
    /// The destination resolved against the note file's folder.
    pub path: PathBuf,
    pub location: Location,
}

/// The source of a ```` ```raft ```` block: a scenario script, run by `scenario`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioSource {
    pub script: String,
    /// Where the script's first line is, so script errors point into the notes file.
    pub location: Location,
}

/// What a card asks. A note as the notes parser gives it is `Basic`, `Reversed` or `Cloze`;
/// `notes::split` turns it into the cards that are reviewed, whose kinds are `Basic` (a
/// basic note's card, or the forward card of a reversed note, which keeps the note's id),
/// `Reverse` and `ClozeNumber`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CardKind {
    /// The front asks, the back answers.
    #[default]
    Basic,
    /// A note asked both ways: its forward card, and its `Reverse` card.
    Reversed,
    /// The reverse card of a reversed note: its back asks, its front answers.
    Reverse,
    /// A note holding cloze deletions (`{{c1::answer}}`): one card per number.
    Cloze,
    /// The card of one cloze number: its front keeps only that number's clozes.
    ClozeNumber(u16),
}

/// One flashcard, as the notes describe it. Front and back are markdown; renderers (HTML
/// for Anki, ANSI for the terminal) work from the markdown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Card {
    pub id: CardId,
    /// What the card asks (see [`CardKind`]).
    #[serde(default)]
    pub kind: CardKind,
    /// True when the id came from `<!-- id: ... -->`.
    pub pinned: bool,
    /// Deck path, `::`-separated (`Mohan::DeepWork::Raft`).
    pub deck: String,
    pub front: String,
    pub back: String,
    pub tags: Vec<String>,
    pub media: Vec<MediaRef>,
    pub scenario: Option<ScenarioSource>,
    /// The heading that starts the card.
    pub location: Location,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_collapses_whitespace_and_folds_case() {
        assert_eq!(normalise("  What is\n\tTerm?  "), "what is term?");
        assert_eq!(normalise("ÉTÉ"), "été");
    }

    #[test]
    fn id_ignores_layout_but_not_words() {
        let a = CardId::from_front("Raft", "What is Term?");
        assert_eq!(a, CardId::from_front("raft", "what  is\nterm?"));
        assert_ne!(a, CardId::from_front("Raft", "What is a Term?"));
        assert_ne!(a, CardId::from_front("Paxos", "What is Term?"));
        assert_eq!(a.as_str().len(), 16);
    }

    proptest::proptest! {
        #[test]
        fn streaming_hash_agrees_with_normalise(text in "\\PC*", deck in "[ a-zA-Zé:]*") {
            let mut direct = Sha256::new();
            direct.update(normalise(&deck).as_bytes());
            direct.update([0x1F]);
            direct.update(normalise(&text).as_bytes());
            let mut streamed = Sha256::new();
            hash_normalised(&mut streamed, &deck);
            streamed.update([0x1F]);
            hash_normalised(&mut streamed, &text);
            proptest::prop_assert_eq!(direct.finalize(), streamed.finalize());
        }
    }

    #[test]
    fn built_in_ids_never_equal_note_ids() {
        let note = CardId::from_front("Raft", "What is Term?");
        let built_in = CardId::built_in("Raft", "What is Term?", None);
        assert_ne!(note, built_in);
        // Layout and case still do not matter, inside the namespace.
        assert_eq!(built_in, CardId::built_in("raft", " what is\nterm? ", None));
        assert_eq!(
            CardId::built_in("Raft", "Q", Some(" term ")).as_str(),
            "mdcards-built-in:term"
        );
        // Pinned value, computed independently (Python hashlib over
        // b"mdcards-built-in\x1eraft\x1fwhat is term?").
        assert_eq!(built_in.as_str(), "7b061e5f21c6a576");
    }

    #[test]
    fn derived_ids_are_frozen() {
        let note = CardId::from_stored("c110738a0d0ea95c");
        assert_eq!(
            CardId::reverse_of(&note).as_str(),
            "c110738a0d0ea95c/reverse"
        );
        assert_eq!(CardId::cloze_of(&note, 12).as_str(), "c110738a0d0ea95c/c12");
    }

    #[test]
    fn id_function_is_frozen() {
        // Pinned value, computed independently (Python hashlib): if this changes, every
        // user's review history is orphaned and every Anki re-import duplicates.
        assert_eq!(
            CardId::from_front("Raft", "What is  Term?").as_str(),
            "c110738a0d0ea95c"
        );
    }
}
