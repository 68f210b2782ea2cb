//! The review loop shared by the terminal and plain front ends: show the next card, read a
//! command, apply it to the session, and persist it — each answer committed before the next
//! card shows.

use std::io;
use std::path::PathBuf;

use crate::deck::CardId;
use crate::srs::{Rating, Timestamp};
use crate::store::{self, AnswerRecord, QueueQuery, Store, StoredCard};

use super::scenario::Attempt;
use super::session::{Counts, Mode, Session, SessionError, SetAside, Side, Undone};

/// A command from the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// Space: show the answer (on the answer side: rate the preselected rating, as in Anki).
    Reveal,
    /// Enter: as space, except that on a scenario card's question it opens the answer box.
    Enter,
    /// `a`: open a scenario card's answer box.
    Answer,
    Rate(Rating),
    Undo,
    Bury,
    /// Suspend the card (`!`).
    Suspend,
    /// Make the card new again (`f`).
    Forget,
    Edit,
    Help,
    /// Show or hide the timeline of a scenario card's run (answer side).
    Timeline,
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
    /// A scenario card's questions and the answers typed so far.
    pub scenario: Option<&'a Attempt>,
}

/// What the answer prompt of a scenario question read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Typed {
    /// Text submitted as the answer (or, if it is not an answer, perhaps a command).
    Answer(String),
    /// Back to the question, with the prompt closed (Esc; an empty line in plain mode).
    Cancel,
    /// Quit the session (Ctrl-C).
    Quit,
    /// A command key pressed while nothing was typed (the box closes, the command runs).
    Command(Input),
}

/// A terminal or line-based user interface.
pub trait Frontend {
    fn show(&mut self, view: &View<'_>) -> io::Result<()>;
    /// The session has no more cards; `can_undo` says whether `u` still means something.
    fn show_done(&mut self, can_undo: bool) -> io::Result<()>;
    /// The next command; `None` when input has ended (EOF).
    fn input(&mut self) -> io::Result<Option<Input>>;
    /// Read a typed answer at the prompt the last `show` displayed; `None` at EOF.
    fn read_answer(&mut self) -> io::Result<Option<Typed>>;
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
    /// One line for the user ("1 updated"; or, when the notes could not be synced, why).
    pub summary: String,
    /// The notes were synced (not refused for an error).
    pub synced: bool,
}

/// How a session ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// No cards left.
    Finished,
    /// The user quit (q, Ctrl-C) or input ended.
    Quit,
}

/// What happened in one answer, kept so undo can take it back in the store too, and show
/// a scenario card as it was (its typed answers graded).
struct Receipt {
    action: Action,
    attempt: Option<Attempt>,
}

enum Action {
    Answer { review_id: Option<i64> },
    SetAside { persisted: bool },
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
    /// The scenario questions of the card showing, and which session card they are for.
    attempt: Option<Attempt>,
    attempt_for: Option<usize>,
    /// The query the session's cards came from, to fill the room set-aside cards leave.
    queue: Option<QueueQuery>,
}

/// Scenario questions answered in a session (undone answers not counted).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ScenarioTally {
    pub answered: usize,
    pub wrong: usize,
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
            attempt: None,
            attempt_for: None,
            queue: None,
        }
    }

    /// Refill the session from the store with `query` after a card is set aside, so that
    /// the counts are what a restart would show.
    pub fn refill_from(&mut self, query: QueueQuery) {
        self.queue = Some(query);
    }

    /// Scenario questions answered so far, and how many wrongly.
    pub fn scenario_tally(&self) -> ScenarioTally {
        let mut tally = ScenarioTally::default();
        for attempt in self.receipts.iter().filter_map(|r| r.attempt.as_ref()) {
            tally.answered += attempt.verdicts.len();
            tally.wrong += attempt.wrong();
        }
        tally
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
                    Some(Input::Redraw)
                    | Some(Input::Help)
                    | Some(Input::Timeline)
                    | Some(Input::Unknown(_)) => continue,
                    _ => return Ok(Ending::Finished),
                }
            };
            if self.attempt_for != Some(current.card) {
                // A card coming up (not one brought back by undo): a new attempt, and for
                // a generator card a new instance.
                self.attempt = Attempt::for_card(self.session.card(&current));
                self.attempt_for = Some(current.card);
            }
            let answering =
                current.side == Side::Front && self.attempt.as_ref().is_some_and(|a| a.answering);
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
                scenario: self.attempt.as_ref(),
            };
            ui.show(&view)?;
            let input = if answering {
                match ui.read_answer()? {
                    None | Some(Typed::Quit) => return self.quit(ui),
                    Some(Typed::Cancel) => {
                        self.close_answer_box();
                        continue;
                    }
                    Some(Typed::Command(command)) => {
                        self.close_answer_box();
                        command
                    }
                    Some(Typed::Answer(text)) => match self.answer(&text, ui)? {
                        Some(command) => command,
                        None => continue,
                    },
                }
            } else {
                match ui.input()? {
                    Some(input) => input,
                    None => return self.quit(ui),
                }
            };
            let asking =
                current.side == Side::Front && self.attempt.as_ref().is_some_and(|a| !a.finished());
            match input {
                Input::Quit => return self.quit(ui),
                Input::Enter | Input::Answer if asking => {
                    if let Some(attempt) = &mut self.attempt {
                        attempt.answering = true;
                    }
                }
                Input::Reveal if asking => {
                    ui.notice("enter (or a) opens the answer box: type the answer, then enter")?
                }
                Input::Answer => {
                    ui.notice("this card takes no typed answer; space shows the answer")?
                }
                Input::Reveal | Input::Enter if current.side == Side::Front => {
                    self.session.reveal().expect("a card is showing")
                }
                Input::Reveal | Input::Enter => {
                    let rating = self
                        .attempt
                        .as_ref()
                        .map_or(Rating::Good, Attempt::preselected);
                    self.rate(rating, ui)?
                }
                Input::Timeline => self.toggle_timeline(current.side, ui)?,
                Input::Rate(rating) => self.rate(rating, ui)?,
                Input::Undo => self.undo(ui)?,
                Input::Bury => self.set_aside(SetAside::Bury, ui)?,
                Input::Suspend => self.set_aside(SetAside::Suspend, ui)?,
                Input::Forget => self.set_aside(SetAside::Forget, ui)?,
                Input::Edit => self.edit(ui)?,
                Input::Help => ui.notice(HELP)?,
                Input::Redraw => {}
                Input::Unknown(text) => {
                    ui.notice(&format!("{text:?} is not a command; {}", HELP))?
                }
            }
        }
    }

    fn close_answer_box(&mut self) {
        if let Some(attempt) = &mut self.attempt {
            attempt.answering = false;
        }
    }

    /// End the session at the user's request. A scenario answer already graded is never
    /// lost: if its verdict is showing, the review is recorded with the rating the verdict
    /// preselected, typed answers included (as if enter had been pressed).
    fn quit(&mut self, ui: &mut dyn Frontend) -> Result<Ending, Error> {
        let graded = self.session.current().is_some_and(|c| c.side == Side::Back)
            && self
                .attempt
                .as_ref()
                .is_some_and(|a| a.finished() && !a.verdicts.is_empty());
        if graded {
            let rating = self
                .attempt
                .as_ref()
                .map_or(Rating::Good, Attempt::preselected);
            self.rate(rating, ui)?;
        }
        Ok(Ending::Quit)
    }

    /// Grade a typed answer. Text that is not an answer but a command word (q, u, s, e, ?)
    /// closes the prompt and is returned as that command; other malformed text re-prompts
    /// with the expected form, at no cost.
    fn answer(&mut self, text: &str, ui: &mut dyn Frontend) -> Result<Option<Input>, Error> {
        let Some(attempt) = &mut self.attempt else {
            return Ok(None);
        };
        match attempt.submit(text) {
            Ok(_) => {
                if attempt.finished() {
                    self.session.reveal().expect("a card is showing");
                }
                Ok(None)
            }
            Err(error) => {
                let command = super::plain::parse(text);
                if matches!(
                    command,
                    Input::Quit | Input::Undo | Input::Bury | Input::Edit | Input::Help
                ) {
                    attempt.answering = false;
                    return Ok(Some(command));
                }
                ui.notice(&format!("{error}; try again (no penalty)"))?;
                Ok(None)
            }
        }
    }

    fn toggle_timeline(&mut self, side: Side, ui: &mut dyn Frontend) -> Result<(), Error> {
        match &mut self.attempt {
            Some(attempt) if side == Side::Back && attempt.timeline_text().is_some() => {
                attempt.timeline = !attempt.timeline;
                Ok(())
            }
            Some(attempt) if attempt.timeline_text().is_some() => {
                Ok(ui.notice("answer first; the timeline shows with the answer")?)
            }
            _ => Ok(ui.notice("this card has no timeline to show")?),
        }
    }

    fn rate(&mut self, rating: Rating, ui: &mut dyn Frontend) -> Result<(), Error> {
        let now = (self.clock)();
        let answered = match self.session.rate(rating, now) {
            Ok(answered) => answered,
            Err(SessionError::NotRevealed)
                if self.attempt.as_ref().is_some_and(|a| !a.finished()) =>
            {
                return Ok(ui.notice(
                    "answer the question first (enter opens the prompt), then rate 1-4",
                )?);
            }
            Err(SessionError::NotRevealed) => {
                return Ok(ui.notice("show the answer first (space or enter), then rate 1-4")?);
            }
            Err(other) => return Ok(ui.notice(&other.to_string())?),
        };
        let attempt = self.attempt.take();
        self.attempt_for = None;
        if answered.cram {
            self.receipts.push(Receipt {
                action: Action::Answer { review_id: None },
                attempt,
            });
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
        let reschedule =
            |fresh: &crate::store::Sched| session.reschedule(&answered.card_id, fresh, rating, now);
        let typed = attempt.as_ref().map(Attempt::logged).unwrap_or_default();
        let recorded = if typed.is_empty() {
            self.store.record_answer(&record, reschedule)
        } else {
            self.store
                .record_scenario_answer(&record, &typed, reschedule)
        };
        let recorded = match recorded {
            Ok(recorded) => recorded,
            Err(error) => {
                // Not written: take the answer back in the session too, so what the user
                // sees matches the store.
                if self.session.undo().is_ok() {
                    self.attempt_for = self.session.current().map(|c| c.card);
                    self.attempt = attempt;
                }
                return Err(error.into());
            }
        };
        if recorded.before != answered.before {
            self.session
                .correct_last_answer(recorded.before, recorded.after);
            ui.notice("another session answered this card meanwhile; rescheduled from its answer")?;
        }
        self.receipts.push(Receipt {
            action: Action::Answer {
                review_id: Some(recorded.review_id),
            },
            attempt,
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
        let action = self.receipts.pop().map(|receipt| receipt.action);
        // The card is asked again: a scenario card with the same questions (its instance is
        // drawn from the review count, which the undo restored), nothing typed yet.
        self.attempt = self
            .session
            .current()
            .and_then(|c| Attempt::for_card(self.session.card(&c)));
        self.attempt_for = self.session.current().map(|c| c.card);
        let now = (self.clock)();
        match (undone, action) {
            (
                Undone::Answer {
                    card_id, restore, ..
                },
                Some(Action::Answer {
                    review_id: Some(review_id),
                }),
            ) => {
                self.store.undo_answer(review_id, &card_id, &restore, now)?;
                ui.notice("undone: the answer is taken back")?;
            }
            (
                Undone::SetAside {
                    card_id,
                    action,
                    restore,
                    ..
                },
                Some(Action::SetAside { persisted: true }),
            ) => {
                let what = match action {
                    SetAside::Bury => {
                        self.store.bury(&card_id, None)?;
                        "no longer buried"
                    }
                    SetAside::Suspend => {
                        self.store.set_suspended(&card_id, false, now)?;
                        "no longer suspended"
                    }
                    SetAside::Forget => {
                        self.store.restore_sched(&card_id, &restore, now)?;
                        "not forgotten: its schedule is back"
                    }
                };
                ui.notice(&format!("undone: the card is {what}"))?;
            }
            _ => ui.notice("undone")?,
        }
        Ok(())
    }

    /// Bury, suspend or forget the card showing; undo takes it back. A bury in a cram
    /// session only skips the card (nothing is scheduled there); the others always persist.
    fn set_aside(&mut self, action: SetAside, ui: &mut dyn Frontend) -> Result<(), Error> {
        let Some(current) = self.session.current() else {
            return Ok(());
        };
        let card = self.session.card(&current).clone();
        let now = (self.clock)();
        let set = match self.session.set_aside(action) {
            Ok(set) => set,
            Err(error) => return Ok(ui.notice(&error.to_string())?),
        };
        let persisted = !(set.cram && action == SetAside::Bury);
        let written = if !persisted {
            Ok(())
        } else {
            match action {
                SetAside::Bury => self.store.bury(&set.card_id, Some(set.until)),
                SetAside::Suspend => self.store.set_suspended(&set.card_id, true, now),
                SetAside::Forget => self.store.forget(&card, now).map(|_| ()),
            }
        };
        if let Err(error) = written {
            // Not written: the card stays, as the store has it.
            let _ = self.session.undo();
            return Err(error.into());
        }
        let attempt = self.attempt.take();
        self.attempt_for = None;
        self.receipts.push(Receipt {
            action: Action::SetAside { persisted },
            attempt,
        });
        self.top_up()?;
        ui.notice(match action {
            SetAside::Bury => "buried until tomorrow (u undoes)",
            SetAside::Suspend => {
                "suspended: it stays out of reviews until `mdcards unsuspend` (u undoes)"
            }
            SetAside::Forget => "forgotten: it is a new card again, its history kept (u undoes)",
        })?;
        Ok(())
    }

    /// Fill the room set-aside cards left, from the store.
    fn top_up(&mut self) -> Result<(), Error> {
        let Some(query) = &self.queue else {
            return Ok(());
        };
        let query = QueueQuery {
            now: (self.clock)(),
            ..query.clone()
        };
        let cards = self.store.session_cards(&query)?;
        self.session.top_up(cards);
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
        if let Some(current) = self.session.current()
            && current.side == Side::Front
        {
            // Ask the questions as the edited note now has them.
            self.attempt = Attempt::for_card(self.session.card(&current));
            self.attempt_for = Some(current.card);
        }
        if refreshed.synced {
            ui.notice(&format!("notes synced: {}", refreshed.summary))?;
        } else {
            ui.notice(&refreshed.summary)?;
        }
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

pub const HELP: &str = "keys: space/enter show answer (then: Good, or Again after a wrong scenario answer), \
     enter or a opens a scenario card's answer box, 1 again, 2 hard, 3 good, 4 easy, \
     t timeline (scenario cards), u undo, s bury until tomorrow, ! suspend, f forget (new again), \
     e edit the note, ↑↓ j k PgUp PgDn Home End scroll, q quit";
