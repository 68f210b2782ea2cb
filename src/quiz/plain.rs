//! The line-based front end, for scripts, tests and dumb terminals: one command per input
//! line, the card on stdout, messages on stderr. Same behaviour as the terminal.
//!
//! Input lines: empty, `space` or `show` reveals (on the answer: Good); `1`-`4` (or
//! `again`, `hard`, `good`, `easy`) rate; `u` undo; `s` bury; `e` edit; `q` quit; `?` help;
//! `t` shows a scenario card's timeline. End of input ends the session like `q`.
//!
//! A scenario question prints `answer (FORM):` and reads the next line as the answer: an
//! empty line goes back to the question, and `q`, `u`, `s`, `e` or `?` (never answers) run
//! their command. On the answer side an empty line takes the preselected rating (Again
//! after a wrong answer, else Good).

use std::io::{self, BufRead, Write};
use std::path::Path;

use super::cardview;
use super::driver::{Frontend, Input, Typed, View, rating_name};
use super::scenario::Attempt;
use super::scenario_view;
use super::session::Side;
use super::styled::write_lines;
use crate::deck::CardId;
use crate::srs::{Rating, format_interval};

pub struct Plain<'a> {
    input: &'a mut dyn BufRead,
    out: &'a mut dyn Write,
    messages: &'a mut dyn Write,
    width: usize,
    /// Whether an editor can run (stdin is a terminal).
    can_edit: bool,
    /// What was printed last, so revealing prints only the answer.
    last: Option<(CardId, Side)>,
    /// The timeline of the scenario card on its answer side has been printed.
    timeline_printed: bool,
}

impl<'a> Plain<'a> {
    pub fn new(
        input: &'a mut dyn BufRead,
        out: &'a mut dyn Write,
        messages: &'a mut dyn Write,
        width: usize,
        can_edit: bool,
    ) -> Plain<'a> {
        Plain {
            input,
            out,
            messages,
            width,
            can_edit,
            last: None,
            timeline_printed: false,
        }
    }
}

/// Parse one input line.
pub fn parse(line: &str) -> Input {
    let word = line.trim().to_ascii_lowercase();
    match word.as_str() {
        "" | "enter" => Input::Enter,
        "space" | "show" | "reveal" => Input::Reveal,
        "a" | "answer" => Input::Answer,
        "1" | "again" => Input::Rate(Rating::Again),
        "2" | "hard" => Input::Rate(Rating::Hard),
        "3" | "good" => Input::Rate(Rating::Good),
        "4" | "easy" => Input::Rate(Rating::Easy),
        "u" | "undo" => Input::Undo,
        "s" | "-" | "bury" => Input::Bury,
        "!" | "@" | "suspend" => Input::Suspend,
        "f" | "forget" => Input::Forget,
        "e" | "edit" => Input::Edit,
        "q" | "quit" | "exit" => Input::Quit,
        "?" | "h" | "help" => Input::Help,
        "t" | "timeline" => Input::Timeline,
        _ => Input::Unknown(line.trim().to_owned()),
    }
}

impl Plain<'_> {
    /// A scenario card: the front once (questions and cluster), then only what changes: the
    /// prompt again after a malformed answer, the graded answers, the timeline on request.
    fn show_scenario(&mut self, view: &View<'_>, attempt: &Attempt) -> io::Result<()> {
        let id = &view.card.id;
        let printed = |side: Side| self.last.as_ref() == Some(&(id.clone(), side));
        let mut lines = Vec::new();
        let front_printed = printed(Side::Front);
        let back_printed = printed(Side::Back);
        if !front_printed && !back_printed {
            if view.answered > 0 || self.last.is_some() {
                lines.push(Vec::new());
            }
            lines.extend(cardview::header(view, self.width));
            lines.extend(cardview::front(view.card, self.width));
            lines.extend(with_gap(scenario_view::front(attempt, self.width)));
            lines.push(Vec::new());
        }
        match view.side {
            Side::Front => match scenario_view::prompt(attempt).filter(|_| attempt.answering) {
                Some(prompt) => lines.push(vec![super::styled::Span::new(
                    prompt.trim_end().to_owned(),
                    super::styled::palette::BOLD,
                )]),
                None if attempt.asks_questions() => lines.push(scenario_view::front_keys()),
                None => lines.push(cardview::front_keys()),
            },
            Side::Back if back_printed => {
                if attempt.timeline && !self.timeline_printed {
                    lines.extend(scenario_view::timeline(attempt, self.width));
                    lines.push(Vec::new());
                    self.timeline_printed = true;
                }
                lines.push(scenario_view::rating_keys(view.intervals, attempt));
            }
            Side::Back => {
                lines.extend(scenario_view::answer_side(view.card, attempt, self.width));
                lines.push(Vec::new());
                lines.push(scenario_view::rating_keys(view.intervals, attempt));
                self.timeline_printed = attempt.timeline;
            }
        }
        write_lines(self.out, &lines, "\n")?;
        self.out.flush()?;
        self.last = Some((id.clone(), view.side));
        Ok(())
    }
}

/// A blank line before `lines`, unless there are none.
fn with_gap(lines: Vec<super::styled::Line>) -> Vec<super::styled::Line> {
    if lines.is_empty() {
        return lines;
    }
    std::iter::once(Vec::new()).chain(lines).collect()
}

impl Frontend for Plain<'_> {
    fn show(&mut self, view: &View<'_>) -> io::Result<()> {
        if let Some(attempt) = view.scenario {
            return self.show_scenario(view, attempt);
        }
        let same_card = self
            .last
            .as_ref()
            .is_some_and(|(id, side)| id == &view.card.id && *side == Side::Front);
        let mut lines = Vec::new();
        if view.side == Side::Front || !same_card {
            if view.answered > 0 || self.last.is_some() {
                lines.push(Vec::new());
            }
            lines.extend(cardview::header(view, self.width));
            lines.extend(cardview::front(view.card, self.width));
            lines.push(Vec::new());
        }
        match view.side {
            Side::Front => lines.push(cardview::front_keys()),
            Side::Back => {
                lines.extend(cardview::back(view.card, self.width));
                lines.push(Vec::new());
                lines.push(cardview::rating_keys(view.intervals));
            }
        }
        write_lines(self.out, &lines, "\n")?;
        self.out.flush()?;
        self.last = Some((view.card.id.clone(), view.side));
        Ok(())
    }

    fn show_done(&mut self, can_undo: bool) -> io::Result<()> {
        self.last = None;
        let hint = if can_undo { " (u undo, q quit)" } else { "" };
        writeln!(self.out, "No more cards for now.{hint}")?;
        self.out.flush()
    }

    fn input(&mut self) -> io::Result<Option<Input>> {
        let mut line = String::new();
        if self.input.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let input = parse(&line);
        if matches!(input, Input::Undo | Input::Edit) {
            // The card shows again in full afterwards.
            self.last = None;
        }
        Ok(Some(input))
    }

    fn read_answer(&mut self) -> io::Result<Option<Typed>> {
        let mut line = String::new();
        if self.input.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let text = line.trim();
        if text.is_empty() {
            return Ok(Some(Typed::Cancel));
        }
        if matches!(parse(text), Input::Undo | Input::Edit) {
            // If it turns out to be the command, the card shows again in full afterwards.
            self.last = None;
        }
        Ok(Some(Typed::Answer(text.to_owned())))
    }

    fn notice(&mut self, text: &str) -> io::Result<()> {
        writeln!(self.messages, "{text}")?;
        self.messages.flush()
    }

    fn answered(&mut self, rating: Rating, due_in: Option<i64>) -> io::Result<()> {
        let next = match due_in {
            Some(ms) => format!("next in {}", format_interval(ms)),
            None => "cram: not rescheduled".to_owned(),
        };
        writeln!(self.out, "→ {}, {next}", rating_name(rating))?;
        // The card may come back in this session (a learning step): in full, then.
        self.last = None;
        self.out.flush()
    }

    fn edit(&mut self, file: &Path, line: u32) -> io::Result<bool> {
        if !self.can_edit {
            return Ok(false);
        }
        super::editor::open(file, line)?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_lines_map_to_commands() {
        assert_eq!(parse("\n"), Input::Enter);
        assert_eq!(parse("a"), Input::Answer);
        assert_eq!(parse("space\n"), Input::Reveal);
        assert_eq!(parse(" 3 "), Input::Rate(Rating::Good));
        assert_eq!(parse("Again"), Input::Rate(Rating::Again));
        assert_eq!(parse("u"), Input::Undo);
        assert_eq!(parse("s"), Input::Bury);
        assert_eq!(parse("q"), Input::Quit);
        assert_eq!(parse("t"), Input::Timeline);
        assert_eq!(parse("5"), Input::Unknown("5".into()));
    }
}
