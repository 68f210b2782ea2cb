//! The pieces of a card on screen, shared by the terminal and plain front ends.

use crate::srs::format_interval;
use crate::store::StoredCard;

use super::cloze;
use super::driver::View;
use super::render::render;
use super::session::Mode;
use super::styled::{Line, Span, columns, palette};

/// "── 3 new · 1 learning · 12 review ──────── Raft": counts left and the deck.
pub fn header(view: &View<'_>, width: usize) -> Vec<Line> {
    let mut line: Line = vec![Span::new("── ", palette::DIM)];
    match view.mode {
        Mode::Schedule => {
            let c = view.counts;
            line.push(Span::new(format!("{} new", c.new), palette::NEW));
            line.push(Span::new(" · ", palette::DIM));
            line.push(Span::new(
                format!("{} learning", c.learning),
                palette::LEARNING,
            ));
            line.push(Span::new(" · ", palette::DIM));
            line.push(Span::new(format!("{} review", c.review), palette::REVIEW));
        }
        Mode::Cram => {
            let c = view.counts;
            let left = c.new + c.learning + c.review;
            line.push(Span::new(format!("cram · {left} left"), palette::BOLD));
        }
    }
    let used: usize = line.iter().map(|s| columns(&s.text)).sum();
    let deck = &view.card.deck;
    let room = width
        .min(72)
        .saturating_sub(used + columns(deck) + 2)
        .max(3);
    line.push(Span::new(format!(" {} ", "─".repeat(room)), palette::DIM));
    line.push(Span::new(deck.clone(), palette::DIM));
    vec![line]
}

/// The question, in bold (a cloze card's with its cloze hidden).
pub fn front(card: &StoredCard, width: usize) -> Vec<Line> {
    let question = cloze::question(&card.front);
    let mut lines = render(question.as_deref().unwrap_or(&card.front), width);
    for line in &mut lines {
        for span in line.iter_mut() {
            span.style = span
                .style
                .effects(span.style.get_effects() | anstyle::Effects::BOLD);
        }
    }
    lines
}

/// A rule, then the answer.
pub fn back(card: &StoredCard, width: usize) -> Vec<Line> {
    let mut lines = vec![vec![Span::new(
        format!("── answer {}", "─".repeat(width.min(72).saturating_sub(10))),
        palette::DIM,
    )]];
    // A cloze card answers with its text, the cloze revealed, then its extra.
    let answer = cloze::answer(&card.front, &card.back);
    let body = render(answer.as_deref().unwrap_or(&card.back), width);
    if body.is_empty() {
        lines.push(vec![Span::new("(no answer written)", palette::DIM)]);
    }
    lines.extend(body);
    lines
}

pub fn front_keys() -> Line {
    vec![Span::new(
        "[space] show answer   u undo   s bury   e edit   q quit",
        palette::DIM,
    )]
}

/// "1 Again 1m   2 Hard 6m   3 Good 10m   4 Easy 4d"; without intervals when cramming.
pub fn rating_keys(intervals: Option<[i64; 4]>) -> Line {
    let names = [
        ("1", "Again", palette::AGAIN),
        ("2", "Hard", palette::HARD),
        ("3", "Good", palette::GOOD),
        ("4", "Easy", palette::EASY),
    ];
    let mut line = Vec::new();
    for (i, (key, name, style)) in names.into_iter().enumerate() {
        if i > 0 {
            line.push(Span::plain("   "));
        }
        line.push(Span::new(format!("{key} {name}"), style));
        if let Some(intervals) = intervals {
            line.push(Span::plain(format!(" {}", format_interval(intervals[i]))));
        }
    }
    if intervals.is_none() {
        line.push(Span::new("   (cram: nothing is rescheduled)", palette::DIM));
    }
    line
}
