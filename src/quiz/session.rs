//! A review session as a pure state machine: which card comes next, reveal, rate, bury,
//! undo. Time comes in as an argument; the caller persists what each step returns.
//!
//! Order, as in Anki: learning cards that are due come first; then review and new cards,
//! new ones spread evenly among the reviews; when nothing else is left, learning cards due
//! within the learn-ahead window (20 minutes) are shown early. Learning cards due later
//! today end the session ("come back in 8m").

use std::collections::VecDeque;

use crate::deck::CardId;
use crate::srs::{Params, Rating, State, Timestamp};
use crate::store::{Sched, SessionCards, StoredCard, TodayCounts};

pub use super::days::Day;
use super::schedule;

/// Anki's default learn-ahead limit.
pub const LEARN_AHEAD_MS: i64 = 20 * 60 * 1000;

/// Daily limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub new_per_day: u32,
    pub reviews_per_day: u32,
    pub learn_ahead_ms: i64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            new_per_day: 20,
            reviews_per_day: 200,
            learn_ahead_ms: LEARN_AHEAD_MS,
        }
    }
}

/// Scheduling answers, or cramming (answers change nothing and are not logged).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Schedule,
    Cram,
}

/// Which side of the current card is showing. A later card kind (Raft scenarios) adds a
/// typed-answer step between the front and the back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Front,
    Back,
}

/// Where a card came from, for the counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Queue {
    New,
    Learning,
    Review,
}

/// The card on screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Current {
    /// Index into the session's cards.
    pub card: usize,
    pub queue: Queue,
    pub side: Side,
    pub shown_at: Timestamp,
}

/// Cards left, as Anki shows them above the card (the current card included).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub new: usize,
    pub learning: usize,
    pub review: usize,
}

/// What the session has done so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Answers given (including repeated learning steps).
    pub answered: u32,
    /// Answers that were Again.
    pub again: u32,
    /// Distinct new cards answered.
    pub new_seen: u32,
    /// Review-state cards answered.
    pub reviews_seen: u32,
    /// Time spent on answered cards, in ms.
    pub answer_ms: i64,
    /// Cards buried.
    pub buried: u32,
    /// Cards suspended.
    pub suspended: u32,
    /// Cards forgotten (made new again).
    pub forgotten: u32,
}

/// A learning card waiting for its due time; `order` breaks ties by arrival.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Waiting {
    due: Timestamp,
    order: u64,
    card: usize,
}

/// Everything that a rate or a card action changes, saved so undo restores it exactly.
#[derive(Clone, Debug, PartialEq)]
struct Snapshot {
    new_next: usize,
    review_next: usize,
    /// Queue lengths, so cards a top-up added go again.
    cards_len: usize,
    new_len: usize,
    review_len: usize,
    set_aside_new: usize,
    set_aside_review: usize,
    learning: Vec<Waiting>,
    requeue: VecDeque<usize>,
    current: Option<Current>,
    tally: Tally,
    order: u64,
    card: usize,
    sched: Sched,
    action: Action,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Action {
    Answer,
    SetAside(SetAside),
}

/// Taking the card showing out of the session by hand, as in Anki.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetAside {
    /// Hidden until the next study day.
    Bury,
    /// Hidden until unsuspended.
    Suspend,
    /// Made new again (shown in a later session, as a new card).
    Forget,
}

/// An answer to persist.
#[derive(Clone, Debug, PartialEq)]
pub struct Answered {
    pub card_id: CardId,
    pub rating: Rating,
    pub reviewed_at: Timestamp,
    pub before: Sched,
    pub after: Sched,
    pub duration_ms: i64,
    /// This answer made the card a leech (it is now suspended).
    pub became_leech: bool,
    /// A cram answer: nothing to persist.
    pub cram: bool,
}

/// A card action to persist (a bury hides the card until `until`).
#[derive(Clone, Debug, PartialEq)]
pub struct Buried {
    pub card_id: CardId,
    pub action: SetAside,
    pub until: Timestamp,
    pub cram: bool,
}

/// What an undo took back.
#[derive(Clone, Debug, PartialEq)]
pub enum Undone {
    /// Restore this schedule (and delete the answer's log row).
    Answer {
        card_id: CardId,
        restore: Sched,
        cram: bool,
    },
    /// Take back a card action: un-bury, unsuspend, or restore the forgotten schedule.
    SetAside {
        card_id: CardId,
        action: SetAside,
        restore: Sched,
        cram: bool,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    #[error("no card is showing")]
    NoCard,
    #[error("show the answer first")]
    NotRevealed,
    #[error("nothing to undo")]
    NothingToUndo,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    params: Params,
    mode: Mode,
    limits: Limits,
    day: Day,
    cards: Vec<StoredCard>,
    new: Vec<usize>,
    new_next: usize,
    review: Vec<usize>,
    review_next: usize,
    learning: Vec<Waiting>,
    /// Cram: cards answered Again come back at the end.
    requeue: VecDeque<usize>,
    current: Option<Current>,
    tally: Tally,
    order: u64,
    history: Vec<Snapshot>,
    /// New and review cards the daily limits allowed when the session started.
    new_room: usize,
    review_room: usize,
    /// New and review cards set aside (buried, suspended, forgotten) before an answer:
    /// they leave room for others, as after a restart.
    set_aside_new: usize,
    set_aside_review: usize,
}

impl Session {
    /// A scheduling session over the store's due cards; `today` is the work already done
    /// today, which the daily limits count against.
    pub fn new(
        params: Params,
        cards: SessionCards,
        today: TodayCounts,
        limits: Limits,
        day: Day,
    ) -> Session {
        let new_room = limits.new_per_day.saturating_sub(today.new_introduced) as usize;
        let review_room = limits.reviews_per_day.saturating_sub(today.reviews_done) as usize;
        let mut session = Session::empty(params, Mode::Schedule, limits, day);
        session.new_room = new_room;
        session.review_room = review_room;
        let SessionCards {
            learning,
            review,
            new,
        } = cards;
        for card in learning {
            let index = session.push_card(card);
            let due = session.cards[index].sched.state.due;
            session.wait(index, due);
        }
        for card in review.into_iter().take(review_room) {
            let index = session.push_card(card);
            session.review.push(index);
        }
        for card in new.into_iter().take(new_room) {
            let index = session.push_card(card);
            session.new.push(index);
        }
        session
    }

    /// A cram session: every card once in the given order, Again puts it back at the end;
    /// no limits and nothing rescheduled.
    pub fn cram(params: Params, cards: Vec<StoredCard>, day: Day) -> Session {
        let mut session = Session::empty(params, Mode::Cram, Limits::default(), day);
        for card in cards {
            let index = session.push_card(card);
            session.review.push(index);
        }
        session
    }

    fn empty(params: Params, mode: Mode, limits: Limits, day: Day) -> Session {
        Session {
            params,
            mode,
            limits,
            day,
            cards: Vec::new(),
            new: Vec::new(),
            new_next: 0,
            review: Vec::new(),
            review_next: 0,
            learning: Vec::new(),
            requeue: VecDeque::new(),
            current: None,
            tally: Tally::default(),
            order: 0,
            history: Vec::new(),
            new_room: 0,
            review_room: 0,
            set_aside_new: 0,
            set_aside_review: 0,
        }
    }

    fn push_card(&mut self, card: StoredCard) -> usize {
        self.cards.push(card);
        self.cards.len() - 1
    }

    fn wait(&mut self, card: usize, due: Timestamp) {
        let waiting = Waiting {
            due,
            order: self.order,
            card,
        };
        self.order += 1;
        let at = self.learning.partition_point(|w| *w < waiting);
        self.learning.insert(at, waiting);
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }

    pub fn day(&self) -> Day {
        self.day
    }

    pub fn tally(&self) -> Tally {
        self.tally
    }

    pub fn current(&self) -> Option<Current> {
        self.current
    }

    pub fn card(&self, current: &Current) -> &StoredCard {
        &self.cards[current.card]
    }

    pub fn can_undo(&self) -> bool {
        !self.history.is_empty()
    }

    /// The card to show at `now`, choosing one if none is showing; `None` when the session
    /// is over.
    pub fn next(&mut self, now: Timestamp) -> Option<Current> {
        if self.current.is_none() {
            self.current = self.choose(now).map(|(card, queue)| Current {
                card,
                queue,
                side: Side::Front,
                shown_at: now,
            });
        }
        self.current
    }

    fn choose(&mut self, now: Timestamp) -> Option<(usize, Queue)> {
        if self.mode == Mode::Cram {
            if self.review_next < self.review.len() {
                self.review_next += 1;
                return Some((self.review[self.review_next - 1], Queue::Review));
            }
            return self.requeue.pop_front().map(|card| (card, Queue::Learning));
        }
        if self.learning.first().is_some_and(|w| w.due <= now) {
            return Some((self.learning.remove(0).card, Queue::Learning));
        }
        let reviews_left = self.review_next < self.review.len();
        let new_left = self.new_next < self.new.len();
        // Spread new cards evenly: take a new one when they fall behind the reviews'
        // proportion of progress.
        let take_new = new_left
            && (!reviews_left
                || self.new_next * self.review.len() < self.review_next * self.new.len());
        if take_new {
            self.new_next += 1;
            return Some((self.new[self.new_next - 1], Queue::New));
        }
        if reviews_left {
            self.review_next += 1;
            return Some((self.review[self.review_next - 1], Queue::Review));
        }
        if self
            .learning
            .first()
            .is_some_and(|w| w.due.0 <= now.0 + self.limits.learn_ahead_ms)
        {
            return Some((self.learning.remove(0).card, Queue::Learning));
        }
        None
    }

    /// Show the back of the current card.
    pub fn reveal(&mut self) -> Result<(), SessionError> {
        let current = self.current.as_mut().ok_or(SessionError::NoCard)?;
        current.side = Side::Back;
        Ok(())
    }

    /// Turn the current card back to its question side.
    pub fn show_question(&mut self) {
        if let Some(current) = self.current.as_mut() {
            current.side = Side::Front;
        }
    }

    /// Cards left, counting the one showing.
    pub fn counts(&self) -> Counts {
        let mut counts = Counts {
            new: self.new.len() - self.new_next,
            learning: self.learning.len() + self.requeue.len(),
            review: self.review.len() - self.review_next,
        };
        if let Some(current) = self.current {
            match current.queue {
                Queue::New => counts.new += 1,
                Queue::Learning => counts.learning += 1,
                Queue::Review => counts.review += 1,
            }
        }
        counts
    }

    /// Learning cards due later today (the one showing included): how many, and the
    /// earliest due time.
    pub fn waiting(&self) -> Option<(usize, Timestamp)> {
        let showing = self
            .current
            .map(|c| &self.cards[c.card].sched)
            .filter(|sched| {
                !sched.is_new()
                    && matches!(sched.state.state, State::Learning | State::Relearning)
                    && sched.state.due < self.day.end
            });
        let dues = self
            .learning
            .iter()
            .map(|w| w.due)
            .chain(showing.map(|s| s.state.due));
        let count = self.learning.len() + usize::from(showing.is_some());
        dues.min().map(|first| (count, first))
    }

    /// Time until the card comes back for each rating, Again..Easy; `None` when cramming.
    pub fn intervals(&self, now: Timestamp) -> Option<[i64; 4]> {
        let current = self.current?;
        if self.mode == Mode::Cram {
            return None;
        }
        let card = &self.cards[current.card];
        Some(schedule::intervals(
            &self.params,
            &card.id,
            &card.sched,
            now,
        ))
    }

    fn snapshot(&self, card: usize, action: Action) -> Snapshot {
        Snapshot {
            new_next: self.new_next,
            review_next: self.review_next,
            cards_len: self.cards.len(),
            new_len: self.new.len(),
            review_len: self.review.len(),
            set_aside_new: self.set_aside_new,
            set_aside_review: self.set_aside_review,
            learning: self.learning.clone(),
            requeue: self.requeue.clone(),
            current: self.current,
            tally: self.tally,
            order: self.order,
            card,
            sched: self.cards[card].sched,
            action,
        }
    }

    /// Answer the current card (its back must be showing).
    pub fn rate(&mut self, rating: Rating, now: Timestamp) -> Result<Answered, SessionError> {
        let current = self.current.ok_or(SessionError::NoCard)?;
        if current.side != Side::Back {
            return Err(SessionError::NotRevealed);
        }
        self.history
            .push(self.snapshot(current.card, Action::Answer));
        self.current = None;
        let before = self.cards[current.card].sched;
        let duration_ms = (now.0 - current.shown_at.0).max(0);
        self.tally.answered += 1;
        self.tally.answer_ms += duration_ms;
        if rating == Rating::Again {
            self.tally.again += 1;
        }
        if current.queue == Queue::New {
            self.tally.new_seen += 1;
        }
        if !before.is_new() && before.state.state == State::Review {
            self.tally.reviews_seen += 1;
        }
        let card_id = self.cards[current.card].id.clone();
        if self.mode == Mode::Cram {
            if rating == Rating::Again {
                self.requeue.push_back(current.card);
            }
            return Ok(Answered {
                card_id,
                rating,
                reviewed_at: now,
                before,
                after: before,
                duration_ms,
                became_leech: false,
                cram: true,
            });
        }
        let scheduled = schedule::answer(&self.params, &card_id, &before, rating, now);
        self.settle(current.card, scheduled.sched);
        Ok(Answered {
            card_id,
            rating,
            reviewed_at: now,
            before,
            after: scheduled.sched,
            duration_ms,
            became_leech: scheduled.became_leech,
            cram: false,
        })
    }

    /// Give a card its new schedule and, if it is still learning today, queue it again.
    fn settle(&mut self, card: usize, after: Sched) {
        self.cards[card].sched = after;
        let learning = matches!(after.state.state, State::Learning | State::Relearning);
        if learning && !after.suspended && after.state.due < self.day.end {
            self.wait(card, after.state.due);
        }
    }

    /// What `rating` does to `sched` (for rescheduling from a state another session wrote).
    pub fn reschedule(&self, id: &CardId, sched: &Sched, rating: Rating, now: Timestamp) -> Sched {
        schedule::answer(&self.params, id, sched, rating, now).sched
    }

    /// The cards of the session, for refreshing their text after an edit.
    pub fn card_ids(&self) -> Vec<CardId> {
        self.cards.iter().map(|c| c.id.clone()).collect()
    }

    /// Another session answered the card first and the store rescheduled this answer from
    /// that state: adopt what was actually written.
    pub fn correct_last_answer(&mut self, before: Sched, after: Sched) {
        let Some(snapshot) = self.history.last() else {
            return;
        };
        let card = snapshot.card;
        self.learning = snapshot.learning.clone();
        self.order = snapshot.order;
        self.history.last_mut().expect("checked above").sched = before;
        self.settle(card, after);
    }

    /// Hide the current card until the next day.
    pub fn bury(&mut self) -> Result<Buried, SessionError> {
        self.set_aside(SetAside::Bury)
    }

    /// Take the current card out of the session: buried, suspended or forgotten.
    pub fn set_aside(&mut self, action: SetAside) -> Result<Buried, SessionError> {
        let current = self.current.ok_or(SessionError::NoCard)?;
        self.history
            .push(self.snapshot(current.card, Action::SetAside(action)));
        self.current = None;
        match action {
            SetAside::Bury => self.tally.buried += 1,
            SetAside::Suspend => self.tally.suspended += 1,
            SetAside::Forget => self.tally.forgotten += 1,
        }
        // A card taken from the new or review queue leaves its place to another (one that
        // came back as learning never held one).
        match current.queue {
            Queue::New => self.set_aside_new += 1,
            Queue::Review => self.set_aside_review += 1,
            Queue::Learning => {}
        }
        let card = &self.cards[current.card];
        Ok(Buried {
            card_id: card.id.clone(),
            action,
            until: self.day.end,
            cram: self.mode == Mode::Cram,
        })
    }

    /// Cards the store has due now, after cards were set aside: new and review cards join
    /// the session in the room the set-aside ones left, as a restart would show them.
    pub fn top_up(&mut self, cards: SessionCards) {
        if self.mode == Mode::Cram {
            return;
        }
        let SessionCards { review, new, .. } = cards;
        let mut new_held = self.new.len() - self.set_aside_new;
        for card in new {
            if new_held >= self.new_room {
                break;
            }
            if self.cards.iter().any(|c| c.id == card.id) {
                continue;
            }
            let index = self.push_card(card);
            self.new.push(index);
            new_held += 1;
        }
        let mut review_held = self.review.len() - self.set_aside_review;
        for card in review {
            if review_held >= self.review_room {
                break;
            }
            if self.cards.iter().any(|c| c.id == card.id) {
                continue;
            }
            let index = self.push_card(card);
            self.review.push(index);
            review_held += 1;
        }
    }

    /// Cards set aside so far (buried, suspended or forgotten).
    pub fn set_aside_count(&self) -> usize {
        (self.tally.buried + self.tally.suspended + self.tally.forgotten) as usize
    }

    /// Take back the last answer or bury; the card shows again, on its question side (as
    /// in Anki: a card brought back is asked again, so the next key cannot rate it blind).
    pub fn undo(&mut self) -> Result<Undone, SessionError> {
        let snapshot = self.history.pop().ok_or(SessionError::NothingToUndo)?;
        let card_id = self.cards[snapshot.card].id.clone();
        self.cards[snapshot.card].sched = snapshot.sched;
        self.cards.truncate(snapshot.cards_len);
        self.new.truncate(snapshot.new_len);
        self.review.truncate(snapshot.review_len);
        self.set_aside_new = snapshot.set_aside_new;
        self.set_aside_review = snapshot.set_aside_review;
        self.new_next = snapshot.new_next;
        self.review_next = snapshot.review_next;
        self.learning = snapshot.learning;
        self.requeue = snapshot.requeue;
        self.current = snapshot.current;
        self.show_question();
        self.tally = snapshot.tally;
        self.order = snapshot.order;
        let cram = self.mode == Mode::Cram;
        Ok(match snapshot.action {
            Action::Answer => Undone::Answer {
                card_id,
                restore: snapshot.sched,
                cram,
            },
            Action::SetAside(action) => Undone::SetAside {
                card_id,
                action,
                restore: snapshot.sched,
                cram,
            },
        })
    }

    /// New text for a card after its note was edited mid-session (and possibly renamed).
    pub fn replace_card(&mut self, old_id: &CardId, card: StoredCard) {
        if let Some(slot) = self.cards.iter_mut().find(|c| &c.id == old_id) {
            let sched = slot.sched;
            *slot = card;
            slot.sched = sched;
        }
    }
}
