//! Scheduler throughput: one `review` call on typical cards, the four-key `preview`, and a
//! whole card history replayed from new.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use mdcards::srs::{CardState, Params, Rating, Timestamp, fuzz_seed, preview, review};

const DAY: i64 = 86_400_000;

/// A card that graduated and then had `reviews` on-time Good reviews.
fn review_card(params: &Params, reviews: u32) -> CardState {
    let mut now = Timestamp(1_700_000_000_000);
    let mut card = CardState::new(now);
    for count in 0..reviews + 2 {
        card = review(params, &card, Rating::Good, now, fuzz_seed("bench", count));
        now = card.due;
    }
    card
}

fn bench_review(c: &mut Criterion) {
    let params = Params::default();
    let card = review_card(&params, 4);
    let now = Timestamp(card.due.0 + DAY);
    let new_card = CardState::new(now);
    let seed = fuzz_seed("bench", 7);

    c.bench_function("srs/review Review card (Good, fuzz on)", |b| {
        b.iter(|| {
            review(
                &params,
                black_box(&card),
                Rating::Good,
                black_box(now),
                seed,
            )
        })
    });
    c.bench_function("srs/review new card (Good)", |b| {
        b.iter(|| {
            review(
                &params,
                black_box(&new_card),
                Rating::Good,
                black_box(now),
                seed,
            )
        })
    });
    c.bench_function("srs/preview Review card (4 ratings)", |b| {
        b.iter(|| preview(&params, black_box(&card), black_box(now), seed))
    });
    c.bench_function("srs/replay 100 reviews from new", |b| {
        b.iter(|| {
            let mut at = Timestamp(black_box(1_700_000_000_000));
            let mut card = CardState::new(at);
            for count in 0..100u32 {
                let rating = Rating::ALL[(count % 7).min(3) as usize];
                card = review(&params, &card, rating, at, u64::from(count));
                at = card.due;
            }
            card
        })
    });
}

criterion_group!(benches, bench_review);
criterion_main!(benches);
