//! Statistics: due forecast, counts by state, reviews per day, true retention, per-deck
//! totals. The store answers queries; `build` turns them into a report, given the study
//! days' boundaries (computed by the caller in the local time zone).

use rusqlite::types::Value;
use serde::Serialize;

use super::Store;
use super::cards::filter_sql;
use super::columns::rating_from;
use super::error::Error;
use super::reviews::ReviewKind;
use crate::select::Filter;
use crate::srs::{Rating, State, Timestamp};

/// One study day: its label (local date) and when it starts and ends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StudyDay {
    pub date: String,
    pub start: Timestamp,
    pub end: Timestamp,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct StateCounts {
    pub new: u64,
    pub learning: u64,
    pub review: u64,
    pub relearning: u64,
    pub suspended: u64,
    pub retired: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DeckTotals {
    pub deck: String,
    /// Cards not retired.
    pub cards: u64,
    pub new: u64,
    pub due_today: u64,
    pub suspended: u64,
    pub reviews_30_days: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReviewRow {
    pub reviewed_at: Timestamp,
    pub rating: Rating,
    pub kind: ReviewKind,
    pub duration_ms: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DayReviews {
    pub date: String,
    pub reviews: u64,
    pub again: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DayDue {
    pub date: String,
    pub due: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Retention {
    /// Review-state answers that were not Again.
    pub passed: u64,
    pub total: u64,
    /// passed / total; `None` without reviews.
    pub rate: Option<f64>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Today {
    pub reviews: u64,
    pub again: u64,
    pub new: u64,
    pub time_ms: i64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DueCounts {
    /// Learning and review cards due before the next rollover (overdue included).
    pub today: u64,
    /// ... before the rollover 7 days from now (today included).
    pub next_7_days: u64,
    /// ... before the rollover 30 days from now (today included).
    pub next_30_days: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StatsReport {
    /// The decks asked for (`--deck`), spelled as stored; empty: every deck.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub selected_decks: Vec<String>,
    /// The tags asked for (`--tag`), spelled as stored; empty: every card.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub selected_tags: Vec<String>,
    pub due: DueCounts,
    pub counts: StateCounts,
    pub today: Today,
    /// The last 30 study days, oldest first, today last.
    pub reviews_per_day: Vec<DayReviews>,
    /// The next 7 study days, today first.
    pub forecast: Vec<DayDue>,
    /// Over the last 30 days.
    pub retention: Retention,
    pub decks: Vec<DeckTotals>,
}

fn count(row: &rusqlite::Row<'_>, index: usize) -> rusqlite::Result<u64> {
    row.get::<_, i64>(index).map(|n| n.max(0) as u64)
}

impl Store {
    /// Cards by state; retired and suspended cards are counted only there.
    pub fn state_counts(&self, filter: &Filter) -> Result<StateCounts, Error> {
        let (filter, values) = filter_sql(filter);
        let sql = format!(
            "SELECT \
               count(*) FILTER (WHERE retired_at IS NULL AND suspended = 0 AND reps = 0), \
               count(*) FILTER (WHERE retired_at IS NULL AND suspended = 0 AND reps > 0 AND state = {l}), \
               count(*) FILTER (WHERE retired_at IS NULL AND suspended = 0 AND reps > 0 AND state = {r}), \
               count(*) FILTER (WHERE retired_at IS NULL AND suspended = 0 AND reps > 0 AND state = {rl}), \
               count(*) FILTER (WHERE retired_at IS NULL AND suspended = 1), \
               count(*) FILTER (WHERE retired_at IS NOT NULL) \
             FROM cards c WHERE {filter}",
            l = State::Learning as i64,
            r = State::Review as i64,
            rl = State::Relearning as i64,
        );
        self.conn
            .query_row(&sql, rusqlite::params_from_iter(values), |row| {
                Ok(StateCounts {
                    new: count(row, 0)?,
                    learning: count(row, 1)?,
                    review: count(row, 2)?,
                    relearning: count(row, 3)?,
                    suspended: count(row, 4)?,
                    retired: count(row, 5)?,
                })
            })
            .map_err(|e| self.err(e))
    }

    /// Due times of reviewed, visible cards due before `until`, in order.
    pub fn due_times(&self, filter: &Filter, until: Timestamp) -> Result<Vec<Timestamp>, Error> {
        let (filter, mut values) = filter_sql(filter);
        let sql = format!(
            "SELECT due FROM cards c WHERE reps > 0 AND retired_at IS NULL AND suspended = 0 \
             AND due < ? AND {filter} ORDER BY due"
        );
        values.insert(0, Value::Integer(until.0));
        let mut statement = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let rows = statement
            .query_map(rusqlite::params_from_iter(values), |row| {
                row.get::<_, i64>(0).map(Timestamp)
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// Reviews logged since `since`, of cards the filter admits.
    pub fn reviews_since(
        &self,
        filter: &Filter,
        since: Timestamp,
    ) -> Result<Vec<ReviewRow>, Error> {
        let (filter, mut values) = filter_sql(filter);
        let sql = format!(
            "SELECT r.reviewed_at, r.rating, r.state_before, r.duration_ms FROM reviews r \
             CROSS JOIN cards c ON c.id = r.card_id WHERE r.reviewed_at >= ? AND {filter} \
             ORDER BY r.reviewed_at"
        );
        values.insert(0, Value::Integer(since.0));
        let mut statement = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let rows = statement
            .query_map(rusqlite::params_from_iter(values), |row| {
                let kind = match row.get::<_, i64>(2)? {
                    0 => ReviewKind::New,
                    1 => ReviewKind::Learning,
                    2 => ReviewKind::Review,
                    _ => ReviewKind::Relearning,
                };
                Ok(ReviewRow {
                    reviewed_at: Timestamp(row.get(0)?),
                    rating: rating_from(row.get(1)?, 1)?,
                    kind,
                    duration_ms: row.get(3)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// Totals per deck, alphabetically.
    pub fn deck_totals(
        &self,
        filter: &Filter,
        day_end: Timestamp,
        since: Timestamp,
    ) -> Result<Vec<DeckTotals>, Error> {
        let (filter, filter_values) = filter_sql(filter);
        let sql = format!(
            "SELECT c.deck, \
               count(*) FILTER (WHERE c.retired_at IS NULL), \
               count(*) FILTER (WHERE c.retired_at IS NULL AND c.suspended = 0 AND c.reps = 0), \
               count(*) FILTER (WHERE c.retired_at IS NULL AND c.suspended = 0 AND c.reps > 0 AND c.due < ?), \
               count(*) FILTER (WHERE c.retired_at IS NULL AND c.suspended = 1) \
             FROM cards c WHERE {filter} GROUP BY c.deck ORDER BY c.deck"
        );
        let mut values = vec![Value::Integer(day_end.0)];
        values.extend(filter_values.iter().cloned());
        let mut statement = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let rows = statement
            .query_map(rusqlite::params_from_iter(values), |row| {
                Ok(DeckTotals {
                    deck: row.get(0)?,
                    cards: count(row, 1)?,
                    new: count(row, 2)?,
                    due_today: count(row, 3)?,
                    suspended: count(row, 4)?,
                    reviews_30_days: 0,
                })
            })
            .map_err(|e| self.err(e))?;
        let mut totals: Vec<DeckTotals> =
            rows.collect::<Result<_, _>>().map_err(|e| self.err(e))?;
        // Reviews per deck from the recent log (small), not per card (large).
        let sql = format!(
            "SELECT c.deck, count(*) FROM reviews r CROSS JOIN cards c ON c.id = r.card_id \
             WHERE r.reviewed_at >= ? AND {filter} GROUP BY c.deck"
        );
        let mut values = vec![Value::Integer(since.0)];
        values.extend(filter_values);
        let mut statement = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let rows = statement
            .query_map(rusqlite::params_from_iter(values), |row| {
                Ok((row.get::<_, String>(0)?, count(row, 1)?))
            })
            .map_err(|e| self.err(e))?;
        for row in rows {
            let (deck, reviews) = row.map_err(|e| self.err(e))?;
            if let Some(total) = totals.iter_mut().find(|t| t.deck == deck) {
                total.reviews_30_days = reviews;
            }
        }
        Ok(totals)
    }

    /// Everything `mdcards stats` shows. `days` are the last 30 study days, oldest first,
    /// ending with today; `ahead` the next study days from today, at least 30.
    pub fn stats(
        &self,
        filter: &Filter,
        past: &[StudyDay],
        ahead: &[StudyDay],
    ) -> Result<StatsReport, Error> {
        let today = past.last().expect("today is among the past days");
        let since = past.first().expect("at least one day").start;
        let horizon = ahead.last().map_or(today.end, |d| d.end);
        let reviews = self.reviews_since(filter, since)?;
        let dues = self.due_times(filter, horizon)?;
        Ok(StatsReport {
            selected_decks: filter.deck_labels.clone(),
            selected_tags: filter.tags.clone(),
            due: due_counts(&dues, ahead),
            counts: self.state_counts(filter)?,
            today: today_totals(&reviews, today),
            reviews_per_day: per_day(&reviews, past),
            forecast: forecast(&dues, &ahead[..ahead.len().min(7)]),
            retention: retention(&reviews),
            decks: self.deck_totals(filter, today.end, since)?,
        })
    }
}

fn before(dues: &[Timestamp], end: Timestamp) -> u64 {
    dues.partition_point(|due| *due < end) as u64
}

fn due_counts(dues: &[Timestamp], ahead: &[StudyDay]) -> DueCounts {
    let end_of = |n: usize| {
        ahead
            .get(n.min(ahead.len()).saturating_sub(1))
            .map(|d| d.end)
    };
    let count = |n: usize| end_of(n).map_or(0, |end| before(dues, end));
    DueCounts {
        today: count(1),
        next_7_days: count(7),
        next_30_days: count(30),
    }
}

fn forecast(dues: &[Timestamp], days: &[StudyDay]) -> Vec<DayDue> {
    days.iter()
        .enumerate()
        .map(|(i, day)| {
            // Today's column includes overdue cards.
            let from = if i == 0 { 0 } else { before(dues, day.start) };
            DayDue {
                date: day.date.clone(),
                due: before(dues, day.end) - from,
            }
        })
        .collect()
}

fn per_day(reviews: &[ReviewRow], days: &[StudyDay]) -> Vec<DayReviews> {
    days.iter()
        .map(|day| {
            let on_day = reviews
                .iter()
                .filter(|r| r.reviewed_at >= day.start && r.reviewed_at < day.end);
            let (mut count, mut again) = (0, 0);
            for review in on_day {
                count += 1;
                again += u64::from(review.rating == Rating::Again);
            }
            DayReviews {
                date: day.date.clone(),
                reviews: count,
                again,
            }
        })
        .collect()
}

fn today_totals(reviews: &[ReviewRow], today: &StudyDay) -> Today {
    let mut totals = Today::default();
    for review in reviews
        .iter()
        .filter(|r| r.reviewed_at >= today.start && r.reviewed_at < today.end)
    {
        totals.reviews += 1;
        totals.again += u64::from(review.rating == Rating::Again);
        totals.new += u64::from(review.kind == ReviewKind::New);
        totals.time_ms += review.duration_ms;
    }
    totals
}

/// True retention: of answers to cards in Review state, the share that were not Again.
fn retention(reviews: &[ReviewRow]) -> Retention {
    let in_review = reviews.iter().filter(|r| r.kind == ReviewKind::Review);
    let (mut passed, mut total) = (0, 0);
    for review in in_review {
        total += 1;
        passed += u64::from(review.rating != Rating::Again);
    }
    Retention {
        passed,
        total,
        rate: (total > 0).then(|| passed as f64 / total as f64),
    }
}
