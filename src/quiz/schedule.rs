//! What an answer does to a card's schedule: the FSRS step plus what Anki tracks around it
//! (review count, lapses, leeches). Pure.

use crate::deck::CardId;
use crate::srs::{self, Params, Rating, State, Timestamp};
use crate::store::Sched;

/// Anki's leech threshold: a card becomes a leech at 8 lapses, and again every 4 more.
pub const LEECH_THRESHOLD: u32 = 8;
const LEECH_REPEAT: u32 = LEECH_THRESHOLD / 2;

/// The schedule after answering, and whether the answer just made the card a leech
/// (it is then tagged and suspended).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scheduled {
    pub sched: Sched,
    pub became_leech: bool,
}

/// Answer `sched` with `rating` at `now`. The fuzz is seeded from the card id and its
/// review count, so the same answer always gives the same interval.
pub fn answer(
    params: &Params,
    id: &CardId,
    sched: &Sched,
    rating: Rating,
    now: Timestamp,
) -> Scheduled {
    let seed = srs::fuzz_seed(id.as_str(), sched.reps);
    let state = srs::review(params, &sched.state, rating, now, seed);
    let lapse = rating == Rating::Again && !sched.is_new() && sched.state.state == State::Review;
    let lapses = sched.lapses + u32::from(lapse);
    let became_leech = lapse
        && lapses >= LEECH_THRESHOLD
        && (lapses - LEECH_THRESHOLD).is_multiple_of(LEECH_REPEAT);
    Scheduled {
        sched: Sched {
            state,
            reps: sched.reps + 1,
            lapses,
            suspended: sched.suspended || became_leech,
            leech: sched.leech || became_leech,
        },
        became_leech,
    }
}

/// The time until each rating would bring the card back, Again..Easy (for the key labels).
pub fn intervals(params: &Params, id: &CardId, sched: &Sched, now: Timestamp) -> [i64; 4] {
    let seed = srs::fuzz_seed(id.as_str(), sched.reps);
    srs::preview(params, &sched.state, now, seed).map(|next| next.due.0 - now.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::srs::CardState;

    fn review_card(lapses: u32) -> Sched {
        let now = Timestamp(0);
        let mut sched = Sched::new(CardState::new(now));
        sched.state = srs::review(&Params::default(), &sched.state, Rating::Easy, now, 0);
        assert_eq!(sched.state.state, State::Review);
        sched.reps = 5;
        sched.lapses = lapses;
        sched
    }

    #[test]
    fn a_lapse_is_again_on_a_review_card() {
        let id = CardId::pinned("x");
        let later = Timestamp(30 * 86_400_000);
        let again = answer(
            &Params::default(),
            &id,
            &review_card(0),
            Rating::Again,
            later,
        );
        assert_eq!(again.sched.lapses, 1);
        assert_eq!(again.sched.reps, 6);
        let good = answer(
            &Params::default(),
            &id,
            &review_card(0),
            Rating::Good,
            later,
        );
        assert_eq!(good.sched.lapses, 0);
        // Again on a new card is not a lapse.
        let new = Sched::new(CardState::new(Timestamp(0)));
        let first = answer(&Params::default(), &id, &new, Rating::Again, Timestamp(0));
        assert_eq!((first.sched.lapses, first.sched.reps), (0, 1));
    }

    #[test]
    fn the_eighth_lapse_makes_a_leech_and_suspends_it() {
        let id = CardId::pinned("x");
        let later = Timestamp(30 * 86_400_000);
        let seventh = answer(
            &Params::default(),
            &id,
            &review_card(6),
            Rating::Again,
            later,
        );
        assert!(!seventh.became_leech && !seventh.sched.suspended);
        let eighth = answer(
            &Params::default(),
            &id,
            &review_card(7),
            Rating::Again,
            later,
        );
        assert!(eighth.became_leech && eighth.sched.suspended && eighth.sched.leech);
        let ninth = answer(
            &Params::default(),
            &id,
            &review_card(8),
            Rating::Again,
            later,
        );
        assert!(!ninth.became_leech);
        let twelfth = answer(
            &Params::default(),
            &id,
            &review_card(11),
            Rating::Again,
            later,
        );
        assert!(twelfth.became_leech);
    }

    #[test]
    fn intervals_match_what_answering_does() {
        let id = CardId::pinned("x");
        let sched = Sched::new(CardState::new(Timestamp(1_000)));
        let shown = intervals(&Params::default(), &id, &sched, Timestamp(1_000));
        for (i, rating) in [Rating::Again, Rating::Hard, Rating::Good, Rating::Easy]
            .into_iter()
            .enumerate()
        {
            let done = answer(&Params::default(), &id, &sched, rating, Timestamp(1_000));
            assert_eq!(done.sched.state.due.0 - 1_000, shown[i]);
        }
        // New card: 1m, 5.5m (shown "6m"), 10m, and days for Easy.
        assert_eq!(&shown[..3], &[60_000, 330_000, 600_000]);
        assert!(shown[3] >= 86_400_000);
    }
}
