//! Where each card sits in its notes file, stored as one blob per file.
//!
//! Lines shift whenever a line is added above a card. Keeping line and position in every
//! card's row would turn "I added a card at the top" into 100,000 row updates; one blob per
//! file is rewritten instead. Position is the index in the blob; new cards are quizzed in
//! the order they were added, as in Anki, so no query needs it.
//!
//! Format: for each card, the line (u32 LE), the id's length (u32 LE) and the id's bytes.

use std::collections::HashMap;

/// A card's place in its file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Place {
    /// 0-based index among the file's cards.
    pub position: u32,
    /// 1-based line of the card's heading.
    pub line: u32,
}

/// Encode `(id, line)` pairs in file order.
pub fn encode<'a>(cards: impl Iterator<Item = (&'a str, u32)>) -> Vec<u8> {
    let mut bytes = Vec::new();
    for (id, line) in cards {
        bytes.extend_from_slice(&line.to_le_bytes());
        bytes.extend_from_slice(&(id.len() as u32).to_le_bytes());
        bytes.extend_from_slice(id.as_bytes());
    }
    bytes
}

/// Decode a layout into places by id; a damaged blob yields what could be read.
pub fn decode(bytes: &[u8]) -> HashMap<String, Place> {
    let mut places = HashMap::new();
    let mut rest = bytes;
    let mut position = 0;
    while rest.len() >= 8 {
        let line = u32::from_le_bytes(rest[0..4].try_into().expect("4 bytes"));
        let len = u32::from_le_bytes(rest[4..8].try_into().expect("4 bytes")) as usize;
        let Some(id) = rest.get(8..8 + len) else {
            break;
        };
        places
            .entry(String::from_utf8_lossy(id).into_owned())
            .or_insert(Place { position, line });
        position += 1;
        rest = &rest[8 + len..];
    }
    places
}

/// The place of one card, without building the whole map.
pub fn find(bytes: &[u8], wanted: &str) -> Option<Place> {
    let mut rest = bytes;
    let mut position = 0;
    while rest.len() >= 8 {
        let line = u32::from_le_bytes(rest[0..4].try_into().expect("4 bytes"));
        let len = u32::from_le_bytes(rest[4..8].try_into().expect("4 bytes")) as usize;
        let id = rest.get(8..8 + len)?;
        if id == wanted.as_bytes() {
            return Some(Place { position, line });
        }
        position += 1;
        rest = &rest[8 + len..];
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_round_trip() {
        let bytes = encode([("c110738a0d0ea95c", 3), ("term", 9), ("ünïcode", 40)].into_iter());
        let places = decode(&bytes);
        assert_eq!(
            places["term"],
            Place {
                position: 1,
                line: 9
            }
        );
        assert_eq!(
            places["ünïcode"],
            Place {
                position: 2,
                line: 40
            }
        );
        assert_eq!(
            find(&bytes, "c110738a0d0ea95c"),
            Some(Place {
                position: 0,
                line: 3
            })
        );
        assert_eq!(find(&bytes, "missing"), None);
        // Truncated: what can be read is kept.
        assert_eq!(decode(&bytes[..bytes.len() - 2]).len(), 2);
        assert!(decode(&[]).is_empty());
    }
}
