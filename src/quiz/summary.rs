//! The end-of-session summary: reviewed, again, time, and when to come back.

use serde::Serialize;

use crate::srs::{Timestamp, format_interval};

use super::session::Tally;
use super::styled::{Line, Span, palette};

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    pub answered: u32,
    pub again: u32,
    pub new: u32,
    pub buried: u32,
    /// Wall-clock time of the session.
    pub elapsed_ms: i64,
    /// Learning cards due later today, and the first of them.
    pub learning_later: Option<(usize, Timestamp)>,
    /// The next time any reviewed card falls due.
    pub next_due: Option<Timestamp>,
    pub cram: bool,
    /// The user quit before the cards ran out.
    pub quit_early: bool,
    pub leeches: Vec<String>,
    /// Raft scenario questions answered, and how many of them wrongly.
    pub scenario_answered: usize,
    pub scenario_wrong: usize,
}

impl Summary {
    pub fn new(tally: Tally, elapsed_ms: i64, cram: bool) -> Summary {
        Summary {
            answered: tally.answered,
            again: tally.again,
            new: tally.new_seen,
            buried: tally.buried,
            elapsed_ms,
            learning_later: None,
            next_due: None,
            cram,
            quit_early: false,
            leeches: Vec::new(),
            scenario_answered: 0,
            scenario_wrong: 0,
        }
    }

    /// "Reviewed 12 cards (3 new, 2 again) in 4m." and what comes next, relative to `now`.
    pub fn lines(&self, now: Timestamp) -> Vec<Line> {
        let mut lines = Vec::new();
        let cards = if self.answered == 1 { "card" } else { "cards" };
        let mut first = vec![Span::new(
            format!("Reviewed {} {cards}", self.answered),
            palette::BOLD,
        )];
        first.push(Span::plain(format!(
            " ({} new, {} again) in {}.",
            self.new,
            self.again,
            format_interval(self.elapsed_ms)
        )));
        if self.cram {
            first.push(Span::new(" Cram: nothing was rescheduled.", palette::DIM));
        }
        lines.push(first);
        if self.scenario_answered > 0 {
            let questions = if self.scenario_answered == 1 {
                "question"
            } else {
                "questions"
            };
            let right = self.scenario_answered - self.scenario_wrong;
            let style = if self.scenario_wrong > 0 {
                palette::AGAIN
            } else {
                palette::GOOD
            };
            lines.push(vec![
                Span::plain(format!(
                    "Raft scenarios: {} {questions}, ",
                    self.scenario_answered
                )),
                Span::new(
                    format!("{right} right, {} wrong", self.scenario_wrong),
                    style,
                ),
                Span::plain("."),
            ]);
        }
        if self.buried > 0 {
            lines.push(vec![Span::plain(format!(
                "{} buried until tomorrow.",
                self.buried
            ))]);
        }
        for leech in &self.leeches {
            lines.push(vec![Span::new(leech.clone(), palette::HARD)]);
        }
        if let Some((count, due)) = self.learning_later {
            let noun = if count == 1 { "card" } else { "cards" };
            lines.push(vec![Span::plain(format!(
                "{count} learning {noun} due later today (next in {}).",
                format_interval((due.0 - now.0).max(0))
            ))]);
        }
        match self.next_due {
            // The learning line above already says when to come back.
            Some(_) if self.learning_later.is_some() => {}
            Some(due) if due.0 > now.0 => lines.push(vec![Span::plain(format!(
                "Next review due in {}.",
                format_interval(due.0 - now.0)
            ))]),
            Some(_) if self.quit_early => {
                lines.push(vec![Span::plain("More cards are due now.")]);
            }
            Some(_) => lines.push(vec![Span::plain(
                "More reviews are due, over today's review limit (--reviews N to raise it).",
            )]),
            None => {}
        }
        lines
    }
}
