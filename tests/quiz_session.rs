//! Properties of the pure session machine: undo restores exactly, daily limits hold, only
//! due cards show, and a session always ends.

use std::collections::HashSet;

use mdcards::deck::CardId;
use mdcards::quiz::session::{Day, Limits, Queue, Session, Side};
use mdcards::srs::{self, CardState, Params, Rating, State, Timestamp};
use mdcards::store::{Sched, SessionCards, StoredCard, TodayCounts};
use proptest::prelude::*;

const MINUTE: i64 = 60_000;
const DAY_MS: i64 = 86_400_000;
const START: i64 = 1_000 * DAY_MS + 10 * 3_600_000; // 10:00 on some day
const DAY: Day = Day {
    start: Timestamp(1_000 * DAY_MS + 4 * 3_600_000),
    end: Timestamp(1_001 * DAY_MS + 4 * 3_600_000),
};

fn stored(n: usize, sched: Sched) -> StoredCard {
    StoredCard {
        id: CardId::pinned(&format!("card-{n}")),
        deck: "Raft".into(),
        front: format!("Question {n}?"),
        back: format!("Answer {n}."),
        tags: vec![],
        scenario: None,
        source: "a.md".into(),
        sched,
    }
}

fn new_card(n: usize) -> StoredCard {
    stored(n, Sched::new(CardState::new(Timestamp(0))))
}

/// A card that has been through the scheduler `reps` times, now in `state`, due at `due`.
fn reviewed(n: usize, state: State, due: i64) -> StoredCard {
    let params = Params::default();
    let first = Timestamp(START - 40 * DAY_MS);
    let mut card = srs::review(&params, &CardState::new(first), Rating::Good, first, 0);
    card = srs::review(
        &params,
        &card,
        Rating::Good,
        Timestamp(first.0 + 10 * MINUTE),
        0,
    );
    if state != State::Review {
        card = srs::review(&params, &card, Rating::Again, Timestamp(START - DAY_MS), 0);
        card.state = state;
    }
    card.due = Timestamp(due);
    stored(
        n,
        Sched {
            state: card,
            reps: 3,
            lapses: 0,
            suspended: false,
            leech: false,
        },
    )
}

#[derive(Clone, Debug)]
enum Action {
    Reveal,
    Rate(Rating),
    Bury,
    Undo,
    Wait(i64),
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        3 => Just(Action::Reveal),
        4 => prop_oneof![
            Just(Rating::Again),
            Just(Rating::Hard),
            Just(Rating::Good),
            Just(Rating::Easy)
        ]
        .prop_map(Action::Rate),
        1 => Just(Action::Bury),
        1 => Just(Action::Undo),
        1 => (1i64..30).prop_map(|m| Action::Wait(m * MINUTE)),
    ]
}

#[derive(Clone, Debug)]
struct Setup {
    new: usize,
    reviews: usize,
    learning: usize,
    today: TodayCounts,
    limits: Limits,
}

fn setup() -> impl Strategy<Value = Setup> {
    (
        0usize..30,
        0usize..30,
        0usize..6,
        0u32..10,
        0u32..10,
        0u32..15,
        0u32..25,
    )
        .prop_map(
            |(new, reviews, learning, new_done, reviews_done, new_per_day, reviews_per_day)| {
                Setup {
                    new,
                    reviews,
                    learning,
                    today: TodayCounts {
                        new_introduced: new_done,
                        reviews_done,
                    },
                    limits: Limits {
                        new_per_day,
                        reviews_per_day,
                        ..Limits::default()
                    },
                }
            },
        )
}

fn build(setup: &Setup) -> Session {
    let mut n = 0;
    let mut next = || {
        n += 1;
        n
    };
    let cards = SessionCards {
        learning: (0..setup.learning)
            .map(|i| reviewed(next(), State::Relearning, START + (i as i64) * 7 * MINUTE))
            .collect(),
        review: (0..setup.reviews)
            .map(|i| reviewed(next(), State::Review, START - (i as i64 + 1) * DAY_MS))
            .collect(),
        new: (0..setup.new).map(|_| new_card(next())).collect(),
    };
    Session::new(Params::default(), cards, setup.today, setup.limits, DAY)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn undo_restores_the_session_exactly(setup in setup(), actions in prop::collection::vec(action(), 0..60)) {
        let mut session = build(&setup);
        let mut now = START;
        for action in actions {
            session.next(Timestamp(now));
            match action {
                Action::Reveal => { let _ = session.reveal(); }
                Action::Rate(rating) => {
                    let before = session.clone();
                    if session.rate(rating, Timestamp(now)).is_ok() {
                        let mut undone = session.clone();
                        undone.undo().unwrap();
                        // The card comes back as it was, on its question side.
                        let mut expected = before.clone();
                        expected.show_question();
                        prop_assert_eq!(&undone, &expected);
                    }
                }
                Action::Bury => {
                    let before = session.clone();
                    if session.bury().is_ok() {
                        let mut undone = session.clone();
                        undone.undo().unwrap();
                        // The card comes back as it was, on its question side.
                        let mut expected = before.clone();
                        expected.show_question();
                        prop_assert_eq!(&undone, &expected);
                    }
                }
                Action::Undo => { let _ = session.undo(); }
                Action::Wait(ms) => now += ms,
            }
        }
    }

    #[test]
    fn daily_limits_hold_and_only_due_cards_show(setup in setup(), actions in prop::collection::vec(action(), 0..120)) {
        let mut session = build(&setup);
        let mut now = START;
        let mut new_shown = HashSet::new();
        let mut reviews_shown = HashSet::new();
        for action in actions {
            if let Some(current) = session.next(Timestamp(now)) {
                let card = session.card(&current).clone();
                match current.queue {
                    Queue::New => { new_shown.insert(card.id.clone()); }
                    Queue::Review => {
                        prop_assert!(card.sched.state.due < DAY.end);
                        reviews_shown.insert(card.id.clone());
                    }
                    Queue::Learning => {
                        prop_assert!(
                            card.sched.state.due.0 <= now + setup.limits.learn_ahead_ms,
                            "learning card shown {} ms early", card.sched.state.due.0 - now
                        );
                    }
                }
            }
            match action {
                Action::Reveal => { let _ = session.reveal(); }
                Action::Rate(rating) => { let _ = session.rate(rating, Timestamp(now)); }
                Action::Bury => { let _ = session.bury(); }
                // Undo would let the same card be "shown" twice; it is covered above.
                Action::Undo => {}
                Action::Wait(ms) => now += ms,
            }
        }
        let new_room = setup.limits.new_per_day.saturating_sub(setup.today.new_introduced) as usize;
        let review_room = setup.limits.reviews_per_day.saturating_sub(setup.today.reviews_done) as usize;
        prop_assert!(new_shown.len() <= new_room, "{} new shown, room {}", new_shown.len(), new_room);
        prop_assert!(reviews_shown.len() <= review_room);
    }

    #[test]
    fn a_session_of_good_answers_ends(setup in setup()) {
        let mut session = build(&setup);
        let mut now = START;
        let mut steps = 0;
        while session.next(Timestamp(now)).is_some() {
            session.reveal().unwrap();
            session.rate(Rating::Good, Timestamp(now)).unwrap();
            now += 5 * MINUTE;
            steps += 1;
            prop_assert!(steps < 500, "runaway session");
        }
        let counts = session.counts();
        prop_assert_eq!(counts.new + counts.review, 0);
    }
}

#[test]
fn learning_cards_come_first_then_reviews_and_new_cards_interleave() {
    let cards = SessionCards {
        learning: vec![reviewed(1, State::Learning, START - MINUTE)],
        review: (2..6)
            .map(|n| reviewed(n, State::Review, START - DAY_MS))
            .collect(),
        new: (6..8).map(new_card).collect(),
    };
    let mut session = Session::new(
        Params::default(),
        cards,
        TodayCounts::default(),
        Limits::default(),
        DAY,
    );
    let mut order = Vec::new();
    let now = Timestamp(START);
    while let Some(current) = session.next(now) {
        order.push((current.queue, session.card(&current).id.to_string()));
        session.reveal().unwrap();
        session.rate(Rating::Easy, now).unwrap();
    }
    let queues: Vec<Queue> = order.iter().map(|(q, _)| *q).collect();
    assert_eq!(
        queues,
        [
            Queue::Learning,
            Queue::Review,
            Queue::New,
            Queue::Review,
            Queue::Review,
            Queue::New,
            Queue::Review
        ]
    );
}

#[test]
fn again_on_a_new_card_brings_it_back_within_the_learn_ahead_window() {
    let cards = SessionCards {
        new: vec![new_card(1)],
        ..SessionCards::default()
    };
    let mut session = Session::new(
        Params::default(),
        cards,
        TodayCounts::default(),
        Limits::default(),
        DAY,
    );
    let now = Timestamp(START);
    session.next(now).unwrap();
    session.reveal().unwrap();
    let answered = session.rate(Rating::Again, now).unwrap();
    assert_eq!(answered.after.state.due, Timestamp(START + MINUTE));
    assert_eq!(session.counts().learning, 1);
    // Nothing else to do: the 1-minute step shows early (learn-ahead), as in Anki.
    let again = session.next(now).unwrap();
    assert_eq!(again.queue, Queue::Learning);
    assert_eq!(again.side, Side::Front);
}

#[test]
fn a_rating_needs_the_answer_shown_first() {
    let mut session = Session::new(
        Params::default(),
        SessionCards {
            new: vec![new_card(1)],
            ..SessionCards::default()
        },
        TodayCounts::default(),
        Limits::default(),
        DAY,
    );
    session.next(Timestamp(START)).unwrap();
    assert!(session.rate(Rating::Good, Timestamp(START)).is_err());
    session.reveal().unwrap();
    assert!(session.rate(Rating::Good, Timestamp(START)).is_ok());
}

#[test]
fn cram_reschedules_nothing_and_repeats_again_cards() {
    let cards: Vec<StoredCard> = (1..=3)
        .map(|n| reviewed(n, State::Review, START + 9 * DAY_MS))
        .collect();
    let mut session = Session::cram(Params::default(), cards.clone(), DAY);
    let now = Timestamp(START);
    let mut shown = Vec::new();
    while let Some(current) = session.next(now) {
        let id = session.card(&current).id.clone();
        session.reveal().unwrap();
        let rating = if shown.is_empty() {
            Rating::Again
        } else {
            Rating::Good
        };
        let answered = session.rate(rating, now).unwrap();
        assert!(answered.cram);
        assert_eq!(answered.after, answered.before, "nothing rescheduled");
        shown.push(id);
    }
    let ids: Vec<String> = shown.iter().map(|id| id.to_string()).collect();
    assert_eq!(ids, ["card-1", "card-2", "card-3", "card-1"]);
    assert!(session.intervals(now).is_none());
}

#[test]
fn the_eighth_lapse_suspends_and_the_card_leaves_the_session() {
    let mut card = reviewed(1, State::Review, START - DAY_MS);
    card.sched.lapses = 7;
    let mut session = Session::new(
        Params::default(),
        SessionCards {
            review: vec![card],
            ..SessionCards::default()
        },
        TodayCounts::default(),
        Limits::default(),
        DAY,
    );
    let now = Timestamp(START);
    session.next(now).unwrap();
    session.reveal().unwrap();
    let answered = session.rate(Rating::Again, now).unwrap();
    assert!(answered.became_leech);
    assert!(answered.after.suspended && answered.after.leech);
    assert_eq!(answered.after.lapses, 8);
    assert!(session.next(Timestamp(START + 30 * MINUTE)).is_none());
}

#[test]
fn a_set_aside_card_leaves_room_that_a_top_up_fills_and_undo_takes_back() {
    let cards = SessionCards {
        learning: vec![],
        review: vec![],
        new: (0..3).map(new_card).collect(),
    };
    let limits = Limits {
        new_per_day: 3,
        ..Limits::default()
    };
    let mut session = Session::new(
        Params::default(),
        cards,
        TodayCounts::default(),
        limits,
        DAY,
    );
    let now = Timestamp(START);
    session.next(now);
    let before = session.clone();
    session.bury().unwrap();
    assert_eq!(session.counts().new, 2);
    // The store now has cards 1..=4 new (0 is buried): the fourth fills the room.
    session.top_up(SessionCards {
        learning: vec![],
        review: vec![],
        new: (1..5).map(new_card).collect(),
    });
    assert_eq!(session.counts().new, 3, "as a restart would count");
    session.top_up(SessionCards {
        learning: vec![],
        review: vec![],
        new: (1..6).map(new_card).collect(),
    });
    assert_eq!(session.counts().new, 3, "never past the daily limit");
    session.undo().unwrap();
    let mut expected = before;
    expected.show_question();
    assert_eq!(session, expected, "the top-up goes with the bury");
}
