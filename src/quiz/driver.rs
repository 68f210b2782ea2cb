//! The review loop shared by the terminal and plain front ends: show the next card, read a
//! command, apply it to the session, and persist it — each answer committed before the next
//! card shows.

use std::io;
use std::path::PathBuf;

use crate::deck::CardId;
use crate::srs::{Rating, Timestamp};
use crate::store::{self, AnswerRecord, Store, StoredCard};

use super::session::{Counts, Mode, Session, SessionError, Side, Undone};

/// A command from the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// Space or enter: show the answer (on the answer side: rate Good, as in Anki).
    Reveal,
    Rate(Rating),
    Undo,
    Bury,
    Edit,
    Help,
    Quit,
    /// The screen needs drawing again (terminal resized).
    Redraw,
    /// Something that is not a command, as typed.
    Unknown(String),
}

/// What a front end shows for the current card.
#[derive(Clone, Debug)]
pub struct View<'a> {
    pub card: &'a StoredCard,
    pub side: Side,
    pub counts: Counts,
    /// Time until the card comes back, Again..Easy; `None` when cramming.
    pub intervals: Option<[i64; 4]>,
    pub mode: Mode,
    /// How many cards have been answered so far.
    pub answered: u32,
}

/// A terminal or line-based user interface.
pub trait Frontend {
    fn show(&mut self, view: &View<'_>) -> io::Result<()>;
    /// The session has no more cards; `can_undo` says whether `u` still means something.
    fn show_done(&mut self, can_undo: bool) -> io::Result<()>;
    /// The next command; `None` when input has ended (EOF).
    fn input(&mut self) -> io::Result<Option<Input>>;
    /// A message for the user (leech, undo, problems).
    fn notice(&mut self, text: &str) -> io::Result<()>;
    /// An answer was recorded; `due_in` is when the card comes back (`None` when cramming).
    fn answered(&mut self, rating: Rating, due_in: Option<i64>) -> io::Result<()>;
    /// Open `file` at `line` in the user's editor. `Ok(false)` when this front end cannot
    /// (no terminal): the notice then tells the user where to look.
    fn edit(&mut self, file: &std::path::Path, line: u32) -> io::Result<bool>;
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] store::Error),
    #[error("terminal: {0}")]
    Io(#[from] io::Error),
}

/// After an edit: the notes were synced again; these cards were renamed.
pub struct Refreshed {
    pub renamed: Vec<(CardId, CardId)>,
    /// One line for the user ("1 updated").
    pub summary: String,
}

/// How a session ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// No cards left.
    Finished,
    /// The user quit (q, Ctrl-C) or input ended.
    Quit,
}

/// What happened in one answer, kept so undo can take it back in the store too.
enum Receipt {
    Answer { review_id: Option<i64> },
    Bury { persisted: bool },
}

pub struct Driver<'a> {
    pub session: Session,
    pub store: &'a mut Store,
    pub clock: &'a mut dyn FnMut() -> Timestamp,
    /// Re-sync the notes after an edit.
    pub refresh: &'a mut dyn FnMut(&mut Store) -> Result<Refreshed, Error>,
    receipts: Vec<Receipt>,
    /// Leech messages, repeated in the summary.
    pub leeches: Vec<String>,
}

impl<'a> Driver<'a> {
    pub fn new(
        session: Session,
        store: &'a mut Store,
        clock: &'a mut dyn FnMut() -> Timestamp,
        refresh: &'a mut dyn FnMut(&mut Store) -> Result<Refreshed, Error>,
    ) -> Driver<'a> {
        Driver {
            session,
            store,
            clock,
            refresh,
            receipts: Vec::new(),
            leeches: Vec::new(),
        }
    }

    /// Run until the cards run out and the user leaves, or the user quits.
    pub fn run(&mut self, ui: &mut dyn Frontend) -> Result<Ending, Error> {
        loop {
            let now = (self.clock)();
            let Some(current) = self.session.next(now) else {
                if !self.session.can_undo() {
                    return Ok(Ending::Finished);
                }
                ui.show_done(true)?;
                match ui.input()? {
                    Some(Input::Undo) => {
                        self.undo(ui)?;
                        continue;
                    }
                    Some(Input::Redraw) | Some(Input::Help) | Some(Input::Unknown(_)) => continue,
                    _ => return Ok(Ending::Finished),
                }
            };
            let view = View {
                card: self.session.card(&current),
                side: current.side,
                counts: self.session.counts(),
                intervals: match current.side {
                    Side::Back => self.session.intervals(now),
                    Side::Front => None,
                },
                mode: self.session.mode(),
                answered: self.session.tally().answered,
            };
            ui.show(&view)?;
            let Some(input) = ui.input()? else {
                return Ok(Ending::Quit);
            };
            match input {
                Input::Quit => return Ok(Ending::Quit),
                Input::Reveal if current.side == Side::Front => {
                    self.session.reveal().expect("a card is showing");
                }
                Input::Reveal => self.rate(Rating::Good, ui)?,
                Input::Rate(rating) => self.rate(rating, ui)?,
                Input::Undo => self.undo(ui)?,
                Input::Bury => self.bury(ui)?,
                Input::Edit => self.edit(ui)?,
                Input::Help => ui.notice(HELP)?,
                Input::Redraw => {}
                Input::Unknown(text) => {
                    ui.notice(&format!("{text:?} is not a command; {}", HELP))?
                }
            }
        }
    }

    fn rate(&mut self, rating: Rating, ui: &mut dyn Frontend) -> Result<(), Error> {
        let now = (self.clock)();
        let answered = match self.session.rate(rating, now) {
            Ok(answered) => answered,
            Err(SessionError::NotRevealed) => {
                return Ok(ui.notice("show the answer first (space or enter), then rate 1-4")?);
            }
            Err(other) => return Ok(ui.notice(&other.to_string())?),
        };
        if answered.cram {
            self.receipts.push(Receipt::Answer { review_id: None });
            return Ok(ui.answered(rating, None)?);
        }
        let record = AnswerRecord {
            card_id: answered.card_id.clone(),
            reviewed_at: answered.reviewed_at,
            rating,
            before: answered.before,
            after: answered.after,
            duration_ms: answered.duration_ms,
        };
        let session = &self.session;
        let recorded = self.store.record_answer(&record, |fresh| {
            session.reschedule(&answered.card_id, fresh, rating, now)
        });
        let recorded = match recorded {
            Ok(recorded) => recorded,
            Err(error) => {
                // Not written: take the answer back in the session too, so what the user
                // sees matches the store.
                let _ = self.session.undo();
                return Err(error.into());
            }
        };
        if recorded.before != answered.before {
            self.session
                .correct_last_answer(recorded.before, recorded.after);
            ui.notice("another session answered this card meanwhile; rescheduled from its answer")?;
        }
        self.receipts.push(Receipt::Answer {
            review_id: Some(recorded.review_id),
        });
        ui.answered(rating, Some(recorded.after.state.due.0 - now.0))?;
        if answered.became_leech {
            let card = self
                .store
                .card(&answered.card_id)?
                .map(|c| c.front)
                .unwrap_or_default();
            let message = format!(
                "leech: {:?} has lapsed {} times; it is tagged and suspended. \
                 Rewrite its note — editing it unsuspends it.",
                first_line(&card),
                recorded.after.lapses
            );
            ui.notice(&message)?;
            self.leeches.push(message);
        }
        Ok(())
    }

    fn undo(&mut self, ui: &mut dyn Frontend) -> Result<(), Error> {
        let undone = match self.session.undo() {
            Ok(undone) => undone,
            Err(error) => return Ok(ui.notice(&error.to_string())?),
        };
        let receipt = self.receipts.pop();
        let now = (self.clock)();
        match (undone, receipt) {
            (
                Undone::Answer {
                    card_id, restore, ..
                },
                Some(Receipt::Answer {
                    review_id: Some(review_id),
                }),
            ) => {
                self.store.undo_answer(review_id, &card_id, &restore, now)?;
                ui.notice("undone: the answer is taken back")?;
            }
            (Undone::Bury { card_id, .. }, Some(Receipt::Bury { persisted: true })) => {
                self.store.bury(&card_id, None)?;
                ui.notice("undone: the card is no longer buried")?;
            }
            _ => ui.notice("undone")?,
        }
        Ok(())
    }

    fn bury(&mut self, ui: &mut dyn Frontend) -> Result<(), Error> {
        let buried = match self.session.bury() {
            Ok(buried) => buried,
            Err(error) => return Ok(ui.notice(&error.to_string())?),
        };
        if !buried.cram {
            self.store.bury(&buried.card_id, Some(buried.until))?;
        }
        self.receipts.push(Receipt::Bury {
            persisted: !buried.cram,
        });
        ui.notice("buried until tomorrow")?;
        Ok(())
    }

    fn edit(&mut self, ui: &mut dyn Frontend) -> Result<(), Error> {
        let Some(current) = self.session.current() else {
            return Ok(());
        };
        let card = self.session.card(&current);
        let Some(file) = card.editable_file() else {
            return Ok(ui.notice(
                "this card is from the built-in Raft deck, which has no file to edit; \
                 copy the deck (`mdcards list --json` shows its cards) into your own notes \
                 to change it",
            )?);
        };
        let line = self.store.card_line(&card.id)?.unwrap_or(1);
        if !ui.edit(&file, line)? {
            return Ok(ui.notice(&format!(
                "no terminal to run an editor in; the card is at {}:{line}",
                display(&file)
            ))?);
        }
        let refreshed = (self.refresh)(self.store)?;
        for (old, new) in &refreshed.renamed {
            if let Some(card) = self.store.card(new)? {
                self.session.replace_card(old, card);
            }
        }
        for id in self.session.card_ids() {
            if let Some(card) = self.store.card(&id)? {
                self.session.replace_card(&id, card);
            }
        }
        ui.notice(&format!("notes synced: {}", refreshed.summary))?;
        Ok(())
    }
}

fn display(path: &std::path::Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    path.strip_prefix(&cwd)
        .map(PathBuf::from)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string()
}

/// "Good", "Again": the name on the answer button.
pub fn rating_name(rating: Rating) -> &'static str {
    match rating {
        Rating::Again => "Again",
        Rating::Hard => "Hard",
        Rating::Good => "Good",
        Rating::Easy => "Easy",
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

pub const HELP: &str = "keys: space/enter show answer (then: Good), 1 again, 2 hard, 3 good, 4 easy, \
     u undo, s bury until tomorrow, e edit the note, q quit";
