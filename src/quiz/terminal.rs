//! The full-screen front end: single keys in raw mode on the alternate screen.
//!
//! The terminal is always given back: on drop, on a panic (a hook restores it before the
//! message prints), and around the editor. Ctrl-C arrives as a key in raw mode and quits
//! like `q`; answers are already committed by then.

use std::io::{self, Write};
use std::path::Path;
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::cursor::{Hide, MoveTo, Show};
use crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use crossterm::terminal::{
    self, Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode,
    enable_raw_mode,
};
use crossterm::{execute, queue};

use super::cardview;
use super::driver::{Frontend, HELP, Input, Typed, View, rating_name};
use super::line_editor::LineEditor;
use super::scenario_view;
use super::session::Side;
use super::styled::{Line, Span, palette, write_lines_coloured};
use crate::srs::{Rating, format_interval};

/// Whether this process has the terminal in raw mode, for the panic hook.
static ACTIVE: AtomicBool = AtomicBool::new(false);
static HOOK: Once = Once::new();

fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let _ = disable_raw_mode();
        let _ = execute!(io::stdout(), LeaveAlternateScreen, Show);
    }
}

fn enter() -> io::Result<()> {
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    execute!(io::stdout(), EnterAlternateScreen, Hide)
}

pub struct Terminal {
    colour: bool,
    notice: Option<String>,
    /// The "no more cards" screen is showing: any key but `u` finishes.
    done: bool,
    /// A scenario question's prompt: the screen above it, and its label.
    prompt: Option<(Vec<Line>, String)>,
}

impl Terminal {
    /// Take over the terminal; it is given back when this is dropped.
    pub fn new(colour: bool) -> io::Result<Terminal> {
        HOOK.call_once(|| {
            let previous = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                restore();
                previous(info);
            }));
        });
        enter()?;
        Ok(Terminal {
            colour,
            notice: None,
            done: false,
            prompt: None,
        })
    }

    fn draw(&mut self, lines: &[Line]) -> io::Result<()> {
        let mut out = io::stdout().lock();
        queue!(out, MoveTo(0, 0), Clear(ClearType::All))?;
        write_lines_coloured(&mut out, lines, "\r\n", self.colour)?;
        if let Some(notice) = &self.notice {
            let (width, _) = terminal::size().unwrap_or((80, 24));
            let wrapped = textwrap_plain(notice, usize::from(width));
            let lines: Vec<Line> = std::iter::once(Vec::new())
                .chain(
                    wrapped
                        .into_iter()
                        .map(|text| vec![Span::new(text, palette::HARD)]),
                )
                .collect();
            write_lines_coloured(&mut out, &lines, "\r\n", self.colour)?;
        }
        out.flush()
    }

    fn width() -> usize {
        terminal::size().map_or(80, |(w, _)| usize::from(w)).max(20)
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        restore();
    }
}

/// Map a key to a command; `None` for keys that mean nothing.
pub fn key_input(key: KeyEvent) -> Option<Input> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let control = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Char('c') | KeyCode::Char('d') if control => Some(Input::Quit),
        _ if control => None,
        KeyCode::Char(' ') => Some(Input::Reveal),
        KeyCode::Enter => Some(Input::Enter),
        KeyCode::Char('a') => Some(Input::Answer),
        KeyCode::Char('1') => Some(Input::Rate(Rating::Again)),
        KeyCode::Char('2') => Some(Input::Rate(Rating::Hard)),
        KeyCode::Char('3') => Some(Input::Rate(Rating::Good)),
        KeyCode::Char('4') => Some(Input::Rate(Rating::Easy)),
        KeyCode::Char('u') => Some(Input::Undo),
        KeyCode::Char('s') => Some(Input::Bury),
        KeyCode::Char('e') => Some(Input::Edit),
        KeyCode::Char('q') | KeyCode::Esc => Some(Input::Quit),
        KeyCode::Char('?') | KeyCode::Char('h') => Some(Input::Help),
        KeyCode::Char('t') => Some(Input::Timeline),
        _ => None,
    }
}

impl Frontend for Terminal {
    fn show(&mut self, view: &View<'_>) -> io::Result<()> {
        self.done = false;
        self.prompt = None;
        let width = Terminal::width();
        let mut lines = cardview::header(view, width);
        lines.push(Vec::new());
        lines.extend(cardview::front(view.card, width));
        lines.push(Vec::new());
        if let Some(attempt) = view.scenario {
            let front = scenario_view::front(attempt, width);
            if !front.is_empty() {
                lines.extend(front);
                lines.push(Vec::new());
            }
            match view.side {
                Side::Front => match scenario_view::prompt(attempt).filter(|_| attempt.answering) {
                    Some(prompt) => {
                        self.prompt = Some((lines, prompt));
                        return self.draw_prompt("");
                    }
                    None if attempt.asks_questions() => lines.push(scenario_view::front_keys()),
                    None => lines.push(cardview::front_keys()),
                },
                Side::Back => {
                    lines.extend(scenario_view::answer_side(view.card, attempt, width));
                    lines.push(Vec::new());
                    lines.push(scenario_view::rating_keys(view.intervals, attempt));
                    lines.push(vec![Span::new(
                        "u undo   s bury   e edit   q quit",
                        palette::DIM,
                    )]);
                }
            }
            return self.draw(&lines);
        }
        match view.side {
            Side::Front => lines.push(cardview::front_keys()),
            Side::Back => {
                lines.extend(cardview::back(view.card, width));
                lines.push(Vec::new());
                lines.push(cardview::rating_keys(view.intervals));
                lines.push(vec![Span::new(
                    "u undo   s bury   e edit   q quit",
                    palette::DIM,
                )]);
            }
        }
        self.draw(&lines)
    }

    fn show_done(&mut self, can_undo: bool) -> io::Result<()> {
        self.done = true;
        let mut lines = vec![vec![Span::new("No more cards for now.", palette::BOLD)]];
        let keys = if can_undo {
            "u undo the last answer   any other key: finish"
        } else {
            "any key: finish"
        };
        lines.push(Vec::new());
        lines.push(vec![Span::new(keys, palette::DIM)]);
        self.draw(&lines)
    }

    fn input(&mut self) -> io::Result<Option<Input>> {
        loop {
            match event::read()? {
                Event::Key(key) if self.done && key.kind != KeyEventKind::Release => {
                    return Ok(Some(match key_input(key) {
                        Some(Input::Undo) => Input::Undo,
                        _ => Input::Quit,
                    }));
                }
                Event::Key(key) => {
                    if let Some(input) = key_input(key) {
                        self.notice = None;
                        return Ok(Some(input));
                    }
                    if key.kind != KeyEventKind::Release {
                        self.notice = Some(HELP.to_owned());
                        return Ok(Some(Input::Redraw));
                    }
                }
                Event::Resize(_, _) => return Ok(Some(Input::Redraw)),
                _ => {}
            }
        }
    }

    fn read_answer(&mut self) -> io::Result<Option<Typed>> {
        let mut editor = LineEditor::default();
        loop {
            match event::read()? {
                Event::Key(key) => {
                    if key.kind == KeyEventKind::Release {
                        continue;
                    }
                    if let Some(typed) = editor.key(key) {
                        self.notice = None;
                        return Ok(Some(typed));
                    }
                    self.draw_prompt(editor.text())?;
                }
                Event::Resize(_, _) => self.draw_prompt(editor.text())?,
                _ => {}
            }
        }
    }

    fn notice(&mut self, text: &str) -> io::Result<()> {
        self.notice = Some(text.to_owned());
        Ok(())
    }

    fn answered(&mut self, rating: Rating, due_in: Option<i64>) -> io::Result<()> {
        self.notice = Some(match due_in {
            Some(ms) => format!("{}: next in {}", rating_name(rating), format_interval(ms)),
            None => format!("{}: not rescheduled (cram)", rating_name(rating)),
        });
        Ok(())
    }

    fn edit(&mut self, file: &Path, line: u32) -> io::Result<bool> {
        restore();
        let outcome = super::editor::open(file, line);
        enter()?;
        outcome.map(|()| true)
    }
}

impl Terminal {
    /// The screen of the last `show` with the answer prompt and the text typed so far.
    fn draw_prompt(&mut self, typed: &str) -> io::Result<()> {
        let Some((screen, label)) = &self.prompt else {
            return Ok(());
        };
        let mut lines = screen.clone();
        lines.push(vec![
            Span::new(label.clone(), palette::BOLD),
            Span::plain(typed.to_owned()),
            Span::new("█", palette::DIM),
        ]);
        lines.push(vec![Span::new(
            "enter submit   esc back to the question   ctrl-c quit",
            palette::DIM,
        )]);
        self.draw(&lines)
    }
}

/// Wrap a plain message to the width.
fn textwrap_plain(text: &str, width: usize) -> Vec<String> {
    let words: Vec<Span> = text
        .split(' ')
        .enumerate()
        .flat_map(|(i, w)| {
            let space = (i > 0).then(|| Span::plain(" "));
            space.into_iter().chain(std::iter::once(Span::plain(w)))
        })
        .collect();
    super::styled::wrap(&words, Vec::new(), 0, width)
        .iter()
        .map(super::styled::line_text)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn keys_map_like_anki() {
        let none = KeyModifiers::NONE;
        assert_eq!(
            key_input(key(KeyCode::Char(' '), none)),
            Some(Input::Reveal)
        );
        assert_eq!(key_input(key(KeyCode::Enter, none)), Some(Input::Enter));
        assert_eq!(
            key_input(key(KeyCode::Char('1'), none)),
            Some(Input::Rate(Rating::Again))
        );
        assert_eq!(
            key_input(key(KeyCode::Char('4'), none)),
            Some(Input::Rate(Rating::Easy))
        );
        assert_eq!(key_input(key(KeyCode::Char('u'), none)), Some(Input::Undo));
        assert_eq!(key_input(key(KeyCode::Char('s'), none)), Some(Input::Bury));
        assert_eq!(key_input(key(KeyCode::Char('e'), none)), Some(Input::Edit));
        assert_eq!(key_input(key(KeyCode::Char('q'), none)), Some(Input::Quit));
        assert_eq!(key_input(key(KeyCode::Char('x'), none)), None);
    }

    #[test]
    fn control_c_quits_in_raw_mode() {
        assert_eq!(
            key_input(key(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Input::Quit)
        );
        // Ctrl-U is not undo.
        assert_eq!(
            key_input(key(KeyCode::Char('u'), KeyModifiers::CONTROL)),
            None
        );
    }
}
