//! Study days: like Anki, a day runs from 4 AM local time to the next 4 AM, so a late
//! session still counts as "today". Pure: the time zone is an argument.

use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::srs::Timestamp;
use crate::store::stats::StudyDay;

/// A study day: from the last rollover (4 AM local) to the next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Day {
    pub start: Timestamp,
    pub end: Timestamp,
}

/// The hour (local time) at which a new study day starts.
pub const ROLLOVER_HOUR: i8 = 4;

fn to_jiff(now: Timestamp) -> jiff::Timestamp {
    jiff::Timestamp::from_millisecond(now.0).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}

/// The study date `now` belongs to.
fn study_date(now: Timestamp, tz: &TimeZone) -> Date {
    let local = to_jiff(now).to_zoned_datetime(tz.clone());
    let date = local.date();
    if local.hour() < ROLLOVER_HOUR {
        date.yesterday().unwrap_or(date)
    } else {
        date
    }
}

/// When the study date `date` starts. Where 4 AM does not exist or happens twice (a daylight
/// saving change), jiff's "compatible" rule picks the instant, as Anki's local clock would.
fn start_of(date: Date, tz: &TimeZone) -> Timestamp {
    let start = date
        .at(ROLLOVER_HOUR, 0, 0, 0)
        .to_zoned_datetime(tz.clone())
        .map(|z| z.timestamp())
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    Timestamp(start.as_millisecond())
}

fn day_of(date: Date, tz: &TimeZone) -> StudyDay {
    let next = date.tomorrow().unwrap_or(date);
    StudyDay {
        date: date.to_string(),
        start: start_of(date, tz),
        end: start_of(next, tz),
    }
}

/// Today's study day.
pub fn today(now: Timestamp, tz: &TimeZone) -> Day {
    let day = day_of(study_date(now, tz), tz);
    Day {
        start: day.start,
        end: day.end,
    }
}

/// The last `count` study days, oldest first, ending with today.
pub fn past(now: Timestamp, tz: &TimeZone, count: usize) -> Vec<StudyDay> {
    let mut date = study_date(now, tz);
    let mut days = Vec::with_capacity(count);
    for _ in 0..count {
        days.push(day_of(date, tz));
        date = date.yesterday().unwrap_or(date);
    }
    days.reverse();
    days
}

/// The next `count` study days, today first.
pub fn ahead(now: Timestamp, tz: &TimeZone, count: usize) -> Vec<StudyDay> {
    let mut date = study_date(now, tz);
    let mut days = Vec::with_capacity(count);
    for _ in 0..count {
        days.push(day_of(date, tz));
        date = date.tomorrow().unwrap_or(date);
    }
    days
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        Timestamp(text.parse::<jiff::Timestamp>().unwrap().as_millisecond())
    }

    #[test]
    fn the_day_rolls_over_at_four_in_the_morning() {
        let tz = TimeZone::UTC;
        let late = today(at("2026-03-10T23:30:00Z"), &tz);
        let small_hours = today(at("2026-03-11T03:59:59Z"), &tz);
        assert_eq!(late, small_hours, "3:59 AM still belongs to the day before");
        assert_eq!(late.start, at("2026-03-10T04:00:00Z"));
        assert_eq!(late.end, at("2026-03-11T04:00:00Z"));
        let morning = today(at("2026-03-11T04:00:00Z"), &tz);
        assert_eq!(morning.start, at("2026-03-11T04:00:00Z"));
    }

    #[test]
    fn the_rollover_follows_the_local_zone_and_daylight_saving() {
        // US Eastern rules as a POSIX string, so the test needs no tz database.
        let tz = TimeZone::posix("EST5EDT,M3.2.0,M11.1.0").unwrap();
        // Clocks spring forward at 2 AM on 2026-03-08: the study day that starts at 4 AM
        // on the 7th (EST) ends at 4 AM on the 8th (EDT), 23 hours later.
        let day = today(at("2026-03-07T12:00:00Z"), &tz);
        assert_eq!(day.start, at("2026-03-07T09:00:00Z"));
        assert_eq!(day.end, at("2026-03-08T08:00:00Z"));
        assert_eq!(day.end.0 - day.start.0, 23 * 3_600_000);
    }

    #[test]
    fn past_and_ahead_days_line_up() {
        let tz = TimeZone::UTC;
        let now = at("2026-03-11T10:00:00Z");
        let past = past(now, &tz, 30);
        assert_eq!(past.len(), 30);
        assert_eq!(past.last().unwrap().date, "2026-03-11");
        assert_eq!(past[0].date, "2026-02-10");
        for pair in past.windows(2) {
            assert_eq!(pair[0].end, pair[1].start);
        }
        let ahead = ahead(now, &tz, 7);
        assert_eq!(ahead[0], *past.last().unwrap());
        assert_eq!(ahead[6].date, "2026-03-17");
    }
}
