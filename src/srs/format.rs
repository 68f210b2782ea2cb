//! Short interval labels for the answer keys, as Anki prints them above its buttons.

const SECOND: f64 = 1000.0;
const MINUTE: f64 = 60.0 * SECOND;
const HOUR: f64 = 60.0 * MINUTE;
const DAY: f64 = 24.0 * HOUR;
/// Anki's month: 365/12 days, rounded as Anki rounds it.
const MONTH: f64 = 30.417 * DAY;
const YEAR: f64 = 365.0 * DAY;

/// "45s", "1m", "10m", "1.5h", "4d", "3.2mo", "1.5y": the largest unit the span reaches;
/// seconds, minutes and days as whole numbers, hours, months and years to one decimal
/// (dropped when it is 0). Halves round away from zero, as in Anki.
pub fn format_interval(ms: i64) -> String {
    let span = ms as f64;
    let size = span.abs();
    let (amount, unit, decimals) = if size < MINUTE {
        (span / SECOND, "s", false)
    } else if size < HOUR {
        (span / MINUTE, "m", false)
    } else if size < DAY {
        (span / HOUR, "h", true)
    } else if size < MONTH {
        (span / DAY, "d", false)
    } else if size < YEAR {
        (span / MONTH, "mo", true)
    } else {
        (span / YEAR, "y", true)
    };
    let rounded = if decimals {
        (amount * 10.0).round() / 10.0
    } else {
        amount.round()
    };
    // `{}` on f64 prints 4 for 4.0 and 1.5 for 1.5; `+ 0.0` turns -0 into 0.
    format!("{}{unit}", rounded + 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_like_anki() {
        let min = 60_000;
        let day = 86_400_000;
        assert_eq!(format_interval(0), "0s");
        assert_eq!(format_interval(30_000), "30s");
        assert_eq!(format_interval(min), "1m");
        assert_eq!(format_interval(70_000), "1m");
        assert_eq!(format_interval(330_000), "6m");
        assert_eq!(format_interval(10 * min), "10m");
        assert_eq!(format_interval(90 * min), "1.5h");
        assert_eq!(format_interval(2 * 60 * min), "2h");
        assert_eq!(format_interval(day), "1d");
        assert_eq!(format_interval(4 * day), "4d");
        assert_eq!(format_interval(30 * day), "30d");
        assert_eq!(format_interval(97 * day), "3.2mo");
        assert_eq!(format_interval(45 * day), "1.5mo");
        assert_eq!(format_interval(364 * day), "12mo");
        assert_eq!(format_interval(365 * day), "1y");
        assert_eq!(format_interval(548 * day), "1.5y");
        assert_eq!(format_interval(36500 * day), "100y");
        assert_eq!(format_interval(-2 * day), "-2d");
    }
}
