//! What a user does to a card by hand, as in Anki: suspend and unsuspend (the quiz skips a
//! suspended card until then), bury until a time and unbury, and forget (back to new; its
//! review history stays in the log). Each change is one statement, so it is whole or not
//! at all; undo writes back the schedule it replaced.

use super::Store;
use super::cards::{CARD_COLUMNS, Sched, StoredCard, read_card, write_sched};
use super::error::Error;
use crate::deck::CardId;
use crate::srs::{CardState, Timestamp};

/// A card as the card commands see it: its text and schedule, and whether it is buried.
#[derive(Clone, Debug, PartialEq)]
pub struct ActedCard {
    pub card: StoredCard,
    /// Hidden from the quiz until then.
    pub buried_until: Option<Timestamp>,
}

impl Store {
    /// The cards `query` names, retired ones left out: the card whose id it is, else the
    /// card whose whole question it is, else every card whose question contains it (all
    /// ignoring case), in note order.
    pub fn find_cards(&self, query: &str) -> Result<Vec<ActedCard>, Error> {
        let by_id = format!(
            "SELECT {CARD_COLUMNS}, c.buried_until FROM cards c JOIN sources s ON s.id = c.source_id \
             WHERE c.retired_at IS NULL AND c.id = ?1"
        );
        let found = self.acted_cards(&by_id, query)?;
        if !found.is_empty() {
            return Ok(found);
        }
        let by_text = format!(
            "SELECT {CARD_COLUMNS}, c.buried_until FROM cards c JOIN sources s ON s.id = c.source_id \
             WHERE c.retired_at IS NULL AND instr(lower(c.front), lower(?1)) > 0 \
             ORDER BY c.source_id, c.rowid"
        );
        let mut found = self.acted_cards(&by_text, query.trim())?;
        let whole = |acted: &ActedCard| {
            acted.card.front.trim().to_lowercase() == query.trim().to_lowercase()
        };
        if found.len() > 1 && found.iter().filter(|a| whole(a)).count() == 1 {
            found.retain(whole);
        }
        Ok(found)
    }

    /// Whether any card is stored (retired ones aside).
    pub fn has_cards(&self) -> Result<bool, Error> {
        self.conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM cards WHERE retired_at IS NULL)",
                [],
                |row| row.get(0),
            )
            .map_err(|e| self.err(e))
    }

    fn acted_cards(&self, sql: &str, query: &str) -> Result<Vec<ActedCard>, Error> {
        let mut statement = self.conn.prepare_cached(sql).map_err(|e| self.err(e))?;
        let rows = statement
            .query_map([query], |row| {
                Ok(ActedCard {
                    card: read_card(row)?,
                    buried_until: row.get::<_, Option<i64>>(17)?.map(Timestamp),
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// Suspend a card (the quiz skips it) or take the suspension off.
    pub fn set_suspended(
        &mut self,
        id: &CardId,
        suspended: bool,
        now: Timestamp,
    ) -> Result<(), Error> {
        self.conn
            .execute(
                "UPDATE cards SET suspended = ?, modified_at = ? WHERE id = ?",
                rusqlite::params![suspended, now.0, id.as_str()],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Make a card new again at `now`: no state, no review count, no lapses, not a leech,
    /// not buried; a suspension stays. The review log keeps its history. Returns the
    /// schedule it had, for an undo.
    pub fn forget(&mut self, card: &StoredCard, now: Timestamp) -> Result<Sched, Error> {
        let fresh = forgotten(&card.sched, now);
        let path = self.path.clone();
        let sqlite = |e| Error::sqlite(&path, e);
        let tx = self.conn.transaction().map_err(sqlite)?;
        write_sched(&tx, &card.id, &fresh, now).map_err(sqlite)?;
        tx.execute(
            "UPDATE cards SET buried_until = NULL WHERE id = ?",
            [card.id.as_str()],
        )
        .map_err(sqlite)?;
        tx.commit().map_err(sqlite)?;
        Ok(card.sched)
    }

    /// Write back a schedule an action replaced (undo of a forget or a suspension).
    pub fn restore_sched(
        &mut self,
        id: &CardId,
        sched: &Sched,
        now: Timestamp,
    ) -> Result<(), Error> {
        write_sched(&self.conn, id, sched, now).map_err(|e| self.err(e))?;
        Ok(())
    }
}

/// The schedule of a forgotten card.
pub fn forgotten(sched: &Sched, now: Timestamp) -> Sched {
    Sched {
        state: CardState::new(now),
        reps: 0,
        lapses: 0,
        suspended: sched.suspended,
        leech: false,
    }
}
