//! Schema version 4: cards of built-in decks move to ids of their own.
//!
//! Before it, a built-in card's id was the hash of its deck and question like any other,
//! so a notes file titled `# Raft` holding the same questions (the built-in deck written
//! out to start one's own notes from) had the same ids: each sync of one "moved" the cards
//! from the other, tags flipping and histories merging. `CardId::built_in` puts built-in
//! ids in a namespace of their own; this migration renames the stored ones, their reviews
//! following, and rewrites the built-in sources' layouts to name the new ids.

use rusqlite::{Connection, params};

use super::cards::BUILT_IN_PREFIX;
use super::sync::layout;
use crate::deck::CardId;

/// Sources of built-in decks, by the prefix of their path.
const BUILT_IN_SOURCES: &str = "substr(s.path, 1, length(?1)) = ?1";

pub fn namespace(tx: &Connection) -> rusqlite::Result<()> {
    let renamed: Vec<(String, CardId)> = {
        let mut statement = tx.prepare(&format!(
            "SELECT c.id, c.deck, c.front, c.pinned FROM cards c \
             JOIN sources s ON s.id = c.source_id WHERE {BUILT_IN_SOURCES}"
        ))?;
        let rows = statement.query_map([BUILT_IN_PREFIX], |row| {
            let id: String = row.get(0)?;
            let deck: String = row.get(1)?;
            let front: String = row.get(2)?;
            let pinned: bool = row.get(3)?;
            let new = CardId::built_in(&deck, &front, pinned.then_some(id.as_str()));
            Ok((id, new))
        })?;
        rows.filter(|row| row.as_ref().map_or(true, |(old, new)| old != new.as_str()))
            .collect::<rusqlite::Result<_>>()?
    };
    let mut card = tx.prepare("UPDATE cards SET id = ?1 WHERE id = ?2")?;
    let mut reviews = tx.prepare("UPDATE reviews SET card_id = ?1 WHERE card_id = ?2")?;
    for (old, new) in &renamed {
        card.execute(params![new.as_str(), old])?;
        reviews.execute(params![new.as_str(), old])?;
    }

    let layouts: Vec<(i64, Vec<u8>)> = {
        let mut statement = tx.prepare(&format!(
            "SELECT s.id, s.layout FROM sources s WHERE {BUILT_IN_SOURCES} AND s.layout IS NOT NULL"
        ))?;
        let rows = statement.query_map([BUILT_IN_PREFIX], |row| Ok((row.get(0)?, row.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let new_ids: std::collections::HashMap<&str, &str> = renamed
        .iter()
        .map(|(old, new)| (old.as_str(), new.as_str()))
        .collect();
    let mut write = tx.prepare("UPDATE sources SET layout = ?1 WHERE id = ?2")?;
    for (source, blob) in layouts {
        let mut places: Vec<(String, layout::Place)> = layout::decode(&blob).into_iter().collect();
        places.sort_by_key(|(_, place)| place.position);
        let rewritten = layout::encode(places.iter().map(|(id, place)| {
            (
                new_ids.get(id.as_str()).copied().unwrap_or(id.as_str()),
                place.line,
            )
        }));
        write.execute(params![rewritten, source])?;
    }
    Ok(())
}
