//! The full-screen front end: single keys in raw mode on the alternate screen, the card
//! laid out by `screen` (question pinned at the top, keys at the bottom, the rest
//! scrolling with Up/Down, j/k, PgUp/PgDn, Home/End).
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
use super::scenario::Attempt;
use super::scenario_view;
use super::screen::{self, Frame, Page, ScrollBy};
use super::session::{Counts, Mode, Side};
use super::styled::{Line, Span, line_text, palette, write_line};
use crate::deck::CardId;
use crate::srs::{Rating, format_interval};
use crate::store::StoredCard;

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

/// The keys under an answer.
const COMMAND_KEYS: &str = "u undo   s bury   ! suspend   f forget   e edit   q quit";

/// The card showing, owned, so that a resize or a scroll can lay it out again.
struct Shown {
    card: StoredCard,
    side: Side,
    counts: Counts,
    intervals: Option<[i64; 4]>,
    mode: Mode,
    answered: u32,
    scenario: Option<Attempt>,
}

impl Shown {
    fn of(view: &View<'_>) -> Shown {
        Shown {
            card: view.card.clone(),
            side: view.side,
            counts: view.counts,
            intervals: view.intervals,
            mode: view.mode,
            answered: view.answered,
            scenario: view.scenario.cloned(),
        }
    }

    fn view(&self) -> View<'_> {
        View {
            card: &self.card,
            side: self.side,
            counts: self.counts,
            intervals: self.intervals,
            mode: self.mode,
            answered: self.answered,
            scenario: self.scenario.as_ref(),
        }
    }

    /// Which page this is, for keeping the scroll position: the card, its side, and how
    /// far its questions are answered.
    fn key(&self) -> (CardId, Side, usize) {
        let answered = self.scenario.as_ref().map_or(0, |a| a.verdicts.len());
        (self.card.id.clone(), self.side, answered)
    }

    fn answering(&self) -> bool {
        self.side == Side::Front && self.scenario.as_ref().is_some_and(|a| a.answering)
    }
}

/// How the last frame was laid out, to keep the position sensible across a resize.
struct Laid {
    size: (usize, usize),
    frame: Frame,
}

/// Where to scroll when a page is next laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Want {
    /// Keep the offset.
    Stay,
    /// A revealed answer: scroll to its start if it does not fit.
    Answer,
}

pub struct Terminal {
    colour: bool,
    notice: Option<String>,
    /// The "no more cards" screen is showing (and whether `u` can undo): any key but `u`
    /// finishes.
    done: Option<bool>,
    shown: Option<Shown>,
    /// The answer box's text.
    editor: LineEditor,
    offset: usize,
    want: Want,
    laid: Option<Laid>,
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
            done: None,
            shown: None,
            editor: LineEditor::default(),
            offset: 0,
            want: Want::Stay,
            laid: None,
        })
    }

    fn size() -> (usize, usize) {
        terminal::size().map_or((80, 24), |(w, h)| (usize::from(w), usize::from(h)))
    }

    /// The page for what is showing, at `width` columns.
    fn page(&self, width: usize) -> Page {
        let mut page = Page::default();
        if let Some(notice) = &self.notice {
            page.notice = wrap_text(notice, width)
                .into_iter()
                .map(|text| vec![Span::new(text, palette::HARD)])
                .collect();
        }
        if let Some(can_undo) = self.done {
            page.question = vec![vec![Span::new("No more cards for now.", palette::BOLD)]];
            let keys = if can_undo {
                "u undo the last answer   any other key: finish"
            } else {
                "any key: finish"
            };
            page.footer = screen::wrap_keys(&vec![Span::new(keys, palette::DIM)], width);
            return page;
        }
        let Some(shown) = &self.shown else {
            return page;
        };
        let view = shown.view();
        page.header = cardview::header(&view, width);
        page.question = cardview::front(&shown.card, width);
        let keys: Vec<Line> = match &shown.scenario {
            Some(attempt) => {
                page.body = scenario_view::front(attempt, width);
                match shown.side {
                    Side::Front => {
                        match scenario_view::prompt(attempt).filter(|_| attempt.answering) {
                            Some(label) => {
                                page.footer.push(vec![
                                    Span::new(label, palette::BOLD),
                                    Span::plain(self.editor.text().to_owned()),
                                    Span::new("█", palette::DIM),
                                ]);
                                vec![vec![Span::new(
                                    "enter submit   esc back to the question   ctrl-c quit",
                                    palette::DIM,
                                )]]
                            }
                            None if attempt.asks_questions() => vec![scenario_view::front_keys()],
                            None => vec![cardview::front_keys()],
                        }
                    }
                    Side::Back => {
                        if !page.body.is_empty() {
                            page.body.push(Vec::new());
                        }
                        page.answer_at = Some(page.body.len());
                        let answer = scenario_view::answer_side(&shown.card, attempt, width);
                        page.verdict = verdict(&answer, attempt)
                            .map(|(at, line)| (page.body.len() + at, line));
                        page.body.extend(answer);
                        vec![
                            scenario_view::rating_keys(shown.intervals, attempt),
                            vec![Span::new(COMMAND_KEYS, palette::DIM)],
                        ]
                    }
                }
            }
            None => match shown.side {
                Side::Front => vec![cardview::front_keys()],
                Side::Back => {
                    page.answer_at = Some(0);
                    page.body = cardview::back(&shown.card, width);
                    vec![
                        cardview::rating_keys(shown.intervals),
                        vec![Span::new(COMMAND_KEYS, palette::DIM)],
                    ]
                }
            },
        };
        page.footer
            .extend(keys.iter().flat_map(|line| screen::wrap_keys(line, width)));
        page
    }

    /// Lay out what is showing at the terminal's size and draw it.
    fn draw(&mut self) -> io::Result<()> {
        let (width, height) = Terminal::size();
        let page = self.page(width);
        let mut offset = self.offset;
        if let Some(laid) = &self.laid
            && laid.size != (width, height)
        {
            // Resized: the same place, as far as the new layout allows.
            let probe = screen::layout(&page, 0, width, height);
            let old = &laid.frame;
            offset = if old.offset == 0 {
                0
            } else if old.offset >= old.max_offset {
                usize::MAX
            } else if old.answer_at == Some(old.offset) {
                probe.answer_at.unwrap_or(0)
            } else {
                old.offset * probe.max_offset / old.max_offset.max(1)
            };
        }
        if self.want == Want::Answer {
            let probe = screen::layout(&page, 0, width, height);
            offset = if probe.max_offset > 0 {
                probe.answer_at.unwrap_or(0)
            } else {
                0
            };
            self.want = Want::Stay;
        }
        let frame = screen::layout(&page, offset, width, height);
        self.offset = frame.offset;
        let mut out = io::stdout().lock();
        for (row, line) in frame.rows.iter().enumerate() {
            queue!(out, MoveTo(0, row as u16))?;
            write_line(&mut out, line, self.colour)?;
            // Clearing after a full row would erase its last character (the cursor waits
            // on it to wrap).
            if screen::line_columns(line) < width {
                queue!(out, Clear(ClearType::UntilNewLine))?;
            }
        }
        out.flush()?;
        self.laid = Some(Laid {
            size: (width, height),
            frame,
        });
        Ok(())
    }

    /// Scroll by `by` and draw again.
    fn scroll(&mut self, by: ScrollBy) -> io::Result<()> {
        if let Some(laid) = &self.laid {
            self.offset = screen::scrolled(&laid.frame, by);
        }
        self.draw()
    }
}

/// The verdict in a scenario card's answer side: the index of its first graded line, and
/// the line that stands for all of them in the footer.
fn verdict(answer: &[Line], attempt: &Attempt) -> Option<(usize, Line)> {
    let is_verdict = |line: &Line| {
        let text = line_text(line);
        let text = text.trim_start();
        let text = text
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .trim_start_matches(". ");
        text.starts_with("✓ right")
            || text.starts_with("✗ wrong")
            || text.starts_with("not answered")
    };
    let at = answer.iter().position(is_verdict)?;
    let count = attempt.questions().len();
    let line = if count == 1 {
        answer[at].clone()
    } else {
        let wrong = attempt.wrong();
        let right = attempt.verdicts.len() - wrong;
        vec![
            Span::new(format!("✓ {right} right"), palette::GOOD),
            Span::plain("   "),
            Span::new(format!("✗ {wrong} wrong"), palette::AGAIN),
            Span::new(
                format!("   of {count} questions (scroll up for each)"),
                palette::DIM,
            ),
        ]
    };
    Some((at, line))
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
        KeyCode::Char('s') | KeyCode::Char('-') => Some(Input::Bury),
        KeyCode::Char('!') | KeyCode::Char('@') => Some(Input::Suspend),
        KeyCode::Char('f') => Some(Input::Forget),
        KeyCode::Char('e') => Some(Input::Edit),
        KeyCode::Char('q') | KeyCode::Esc => Some(Input::Quit),
        KeyCode::Char('?') | KeyCode::Char('h') => Some(Input::Help),
        KeyCode::Char('t') => Some(Input::Timeline),
        _ => None,
    }
}

/// Map a scrolling key; j and k only where keys are not typed text.
pub fn scroll_key(key: KeyEvent, letters: bool) -> Option<ScrollBy> {
    if key.kind == KeyEventKind::Release || key.modifiers.contains(KeyModifiers::CONTROL) {
        return None;
    }
    match key.code {
        KeyCode::Up => Some(ScrollBy::Up),
        KeyCode::Down => Some(ScrollBy::Down),
        KeyCode::PageUp => Some(ScrollBy::PageUp),
        KeyCode::PageDown => Some(ScrollBy::PageDown),
        KeyCode::Home => Some(ScrollBy::Home),
        KeyCode::End => Some(ScrollBy::End),
        KeyCode::Char('k') if letters => Some(ScrollBy::Up),
        KeyCode::Char('j') if letters => Some(ScrollBy::Down),
        _ => None,
    }
}

impl Frontend for Terminal {
    fn show(&mut self, view: &View<'_>) -> io::Result<()> {
        self.done = None;
        let shown = Shown::of(view);
        let previous = self.shown.as_ref().map(Shown::key);
        let key = shown.key();
        match previous {
            Some(previous) if previous == key => {}
            Some((card, Side::Front, _)) if card == key.0 && key.1 == Side::Back => {
                self.want = Want::Answer;
            }
            Some((card, side, _)) if card == key.0 && side == key.1 => {}
            _ => {
                self.offset = 0;
                self.want = Want::Stay;
            }
        }
        if !shown.answering() {
            self.editor = LineEditor::default();
        }
        self.shown = Some(shown);
        self.draw()
    }

    fn show_done(&mut self, can_undo: bool) -> io::Result<()> {
        self.done = Some(can_undo);
        self.offset = 0;
        self.draw()
    }

    fn input(&mut self) -> io::Result<Option<Input>> {
        loop {
            match event::read()? {
                Event::Key(key) if self.done.is_some() && key.kind != KeyEventKind::Release => {
                    return Ok(Some(match key_input(key) {
                        Some(Input::Undo) => Input::Undo,
                        _ => Input::Quit,
                    }));
                }
                Event::Key(key) => {
                    if let Some(by) = scroll_key(key, true) {
                        self.scroll(by)?;
                        continue;
                    }
                    if let Some(input) = key_input(key) {
                        self.notice = None;
                        return Ok(Some(input));
                    }
                    if key.kind != KeyEventKind::Release {
                        self.notice = Some(HELP.to_owned());
                        self.draw()?;
                    }
                }
                Event::Resize(_, _) => self.draw()?,
                _ => {}
            }
        }
    }

    fn read_answer(&mut self) -> io::Result<Option<Typed>> {
        loop {
            match event::read()? {
                Event::Key(key) => {
                    if key.kind == KeyEventKind::Release {
                        continue;
                    }
                    if let Some(by) = scroll_key(key, false) {
                        self.scroll(by)?;
                        continue;
                    }
                    if let Some(typed) = self.editor.key(key) {
                        self.notice = None;
                        return Ok(Some(typed));
                    }
                    self.draw()?;
                }
                Event::Resize(_, _) => self.draw()?,
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
        // The alternate screen is new: draw everything again.
        execute!(io::stdout(), Clear(ClearType::All))?;
        self.laid = None;
        outcome.map(|()| true)
    }
}

/// Wrap a plain message to the width.
fn wrap_text(text: &str, width: usize) -> Vec<String> {
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
        .map(line_text)
        .collect()
}
