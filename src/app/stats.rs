//! `mdcards stats`: due forecast, counts by state, reviews per day, true retention and
//! per-deck totals, with small unicode charts.

use std::io::Write;

use jiff::tz::TimeZone;
use miette::{IntoDiagnostic, Result};

use super::paths::{open_store, store_error};
use super::{Outcome, clock, selection};
use crate::cli::StatsArgs;
use crate::quiz::days;
use crate::quiz::styled::{Line, Span, palette, write_lines};
use crate::srs::format_interval;
use crate::store::stats::StatsReport;

/// Days of review history shown.
const PAST_DAYS: usize = 30;
/// Days of forecast counted.
const AHEAD_DAYS: usize = 30;

pub fn stats(args: &StatsArgs) -> Result<Outcome> {
    let now = clock::now()?;
    let tz = TimeZone::system();
    let store = open_store(&args.db)?;
    let filter = selection::from_store(&store, None, &args.select)?;
    let past = days::past(now, &tz, PAST_DAYS);
    let ahead = days::ahead(now, &tz, AHEAD_DAYS);
    let report = store.stats(&filter, &past, &ahead).map_err(store_error)?;
    let mut out = anstream::stdout();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report).into_diagnostic()?;
        writeln!(out).into_diagnostic()?;
    } else {
        write_lines(&mut out, &lines(&report), "\n").into_diagnostic()?;
    }
    Ok(Outcome::Success)
}

fn label(text: &str) -> Span {
    Span::new(text, palette::BOLD)
}

/// The human-readable report.
pub fn lines(report: &StatsReport) -> Vec<Line> {
    let mut lines: Vec<Line> = Vec::new();
    if !report.selected_decks.is_empty() {
        lines.push(vec![
            label("Deck:      "),
            Span::plain(report.selected_decks.join(", ")),
        ]);
    }
    if !report.selected_tags.is_empty() {
        let tags: Vec<String> = report
            .selected_tags
            .iter()
            .map(|t| format!("#{t}"))
            .collect();
        lines.push(vec![label("Tag:       "), Span::plain(tags.join(" "))]);
    }
    let due = report.due;
    lines.push(vec![
        label("Due:       "),
        Span::plain(format!(
            "{} today, {} within 7 days, {} within 30 days",
            due.today, due.next_7_days, due.next_30_days
        )),
    ]);
    let c = report.counts;
    lines.push(vec![
        label("Cards:     "),
        Span::new(format!("{} new", c.new), palette::NEW),
        Span::plain(", "),
        Span::new(format!("{} learning", c.learning), palette::LEARNING),
        Span::plain(", "),
        Span::new(format!("{} review", c.review), palette::REVIEW),
        Span::plain(format!(
            ", {} relearning, {} suspended, {} retired",
            c.relearning, c.suspended, c.retired
        )),
    ]);
    let t = report.today;
    lines.push(vec![
        label("Today:     "),
        Span::plain(format!(
            "{} reviews ({} again, {} new) in {}",
            t.reviews,
            t.again,
            t.new,
            format_interval(t.time_ms)
        )),
    ]);
    let r = report.retention;
    let retention = match r.rate {
        Some(rate) => format!(
            "{:.1}% ({} of {} answers to review cards passed, last 30 days)",
            rate * 100.0,
            r.passed,
            r.total
        ),
        None => "no review-card answers in the last 30 days".to_owned(),
    };
    lines.push(vec![label("Retention: "), Span::plain(retention)]);

    lines.push(Vec::new());
    let counts: Vec<u64> = report.reviews_per_day.iter().map(|d| d.reviews).collect();
    let total: u64 = counts.iter().sum();
    let max = counts.iter().copied().max().unwrap_or(0);
    lines.push(vec![label(&format!(
        "Reviews per day, last {} days ({total} in all, at most {max} a day)",
        counts.len()
    ))]);
    if let (Some(first), Some(last)) = (
        report.reviews_per_day.first(),
        report.reviews_per_day.last(),
    ) {
        lines.push(vec![
            Span::new(sparkline(&counts), palette::REVIEW),
            Span::new(format!("  {} .. {}", first.date, last.date), palette::DIM),
        ]);
    }

    lines.push(Vec::new());
    lines.push(vec![label("Due in the next 7 days")]);
    let most = report.forecast.iter().map(|d| d.due).max().unwrap_or(0);
    for day in &report.forecast {
        lines.push(vec![
            Span::plain(format!("{}  ", day.date)),
            Span::new(bar(day.due, most, 40), palette::NEW),
            Span::plain(format!(" {}", day.due)),
        ]);
    }

    if !report.decks.is_empty() {
        lines.push(Vec::new());
        lines.push(vec![label("Decks")]);
        let width = report
            .decks
            .iter()
            .map(|d| d.deck.chars().count())
            .max()
            .unwrap_or(0);
        for deck in &report.decks {
            lines.push(vec![Span::plain(format!(
                "  {:<width$}  {:>6} cards  {:>5} new  {:>5} due today  {:>4} suspended  {:>6} reviews in 30 days",
                deck.deck, deck.cards, deck.new, deck.due_today, deck.suspended, deck.reviews_30_days
            ))]);
        }
    }
    lines
}

/// One block per value, ▁ to █ scaled to the largest; days without reviews are `·`.
pub fn sparkline(values: &[u64]) -> String {
    const BLOCKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let max = values.iter().copied().max().unwrap_or(0);
    values
        .iter()
        .map(|&v| {
            if v == 0 || max == 0 {
                '·'
            } else {
                let level = ((v * 8).div_ceil(max)).clamp(1, 8) as usize;
                BLOCKS[level - 1]
            }
        })
        .collect()
}

/// A horizontal bar of `value` out of `max` in `width` cells, with eighth-cell precision.
pub fn bar(value: u64, max: u64, width: usize) -> String {
    const PARTS: [char; 8] = ['▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'];
    if value == 0 || max == 0 {
        return String::new();
    }
    let eighths = ((value as u128 * width as u128 * 8).div_ceil(max as u128)) as usize;
    let mut text = "█".repeat(eighths / 8);
    if !eighths.is_multiple_of(8) {
        text.push(PARTS[eighths % 8 - 1]);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparklines_scale_to_the_busiest_day() {
        assert_eq!(sparkline(&[0, 1, 4, 8]), "·▁▄█");
        assert_eq!(sparkline(&[0, 0]), "··");
    }

    #[test]
    fn bars_have_eighth_precision() {
        assert_eq!(bar(10, 10, 4), "████");
        assert_eq!(bar(5, 10, 4), "██");
        assert_eq!(bar(1, 10, 4), "▌");
        assert_eq!(bar(0, 10, 4), "");
    }
}
