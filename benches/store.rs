//! The review store with 100,000 cards in a file-backed WAL database, as users have it:
//! committing one answer, loading a session's queue, and syncing 100,000 notes cards (already
//! parsed) with one edit — the store's share of `mdcards sync`.
//!
//! `cargo bench --bench store`; whole-command timings are in scripts/bench_store.sh.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use mdcards::deck::{Card, CardId, Location};
use mdcards::quiz::session::{Day, Limits, Session};
use mdcards::select::Filter;
use mdcards::srs::{Params, Rating, Timestamp};
use mdcards::store::sync::{NoteCard, Scope, SourceFile, SyncInput};
use mdcards::store::{AnswerRecord, QueueQuery, Store};

const CARDS: usize = 100_000;
const DAY_MS: i64 = 86_400_000;
const NOW: Timestamp = Timestamp(1_773_136_800_000); // 2026-03-10T10:00Z
const SOURCE: &str = "/bench/deck.md";

fn notes() -> Vec<NoteCard> {
    (0..CARDS)
        .map(|i| {
            let front = format!("Question {i}: how does the leader handle log replication?");
            NoteCard {
                card: Card {
                    id: CardId::from_front("Generated::Raft", &front),
                    pinned: false,
                    kind: mdcards::deck::CardKind::Basic,
                    deck: "Generated::Raft".into(),
                    front,
                    back: format!(
                        "1. The leader replicates the log when term {} ends at index {}.\n\
                         2. A follower rejects a stale leader.\n",
                        i % 9,
                        i % 97
                    ),
                    tags: vec!["raft".into(), "log_replication".into()],
                    media: vec![],
                    scenario: None,
                    location: Location {
                        file: PathBuf::from(SOURCE),
                        line: (i * 9 + 3) as u32,
                        col: 1,
                    },
                },
                source: SOURCE.into(),
                position: i as u32,
                hash: 0,
                note: i as u32,
            }
        })
        .map(|note| NoteCard {
            hash: mdcards::store::sync::content_hash(&note.card),
            ..note
        })
        .collect()
}

fn scope() -> Scope {
    Scope {
        files: vec![SOURCE.into()],
        folders: vec![],
    }
}

fn sync(store: &mut Store, cards: &[NoteCard], now: Timestamp) {
    let files = [SourceFile {
        path: SOURCE.into(),
        size: Some(1),
        mtime_ns: Some(1),
        fingerprint: "bench".into(),
    }];
    store
        .sync(&SyncInput {
            cards,
            files: &files,
            scope: &scope(),
            now,
            dry_run: false,
        })
        .unwrap();
}

/// A database of 100,000 cards, a fifth of them reviewed and due over the coming weeks.
fn populated(dir: &tempfile::TempDir, cards: &[NoteCard]) -> Store {
    let mut store = Store::open(&dir.path().join("reviews.sqlite3")).unwrap();
    sync(&mut store, cards, NOW);
    let params = Params::default();
    for (i, note) in cards.iter().enumerate().step_by(5) {
        let before = store.card(&note.card.id).unwrap().unwrap().sched;
        let at = Timestamp(NOW.0 - 30 * DAY_MS + (i as i64 % 29) * DAY_MS);
        let after =
            mdcards::quiz::schedule::answer(&params, &note.card.id, &before, Rating::Easy, at);
        store
            .record_answer(
                &AnswerRecord {
                    card_id: note.card.id.clone(),
                    reviewed_at: at,
                    rating: Rating::Easy,
                    before,
                    after: after.sched,
                    duration_ms: 3_000,
                },
                |_| unreachable!(),
            )
            .unwrap();
    }
    store
}

fn bench_store(c: &mut Criterion) {
    let cards = notes();
    let dir = tempfile::tempdir().unwrap();
    let mut store = populated(&dir, &cards);
    let sources = store.source_ids(&[SOURCE.into()], &[]).unwrap();
    let day = Day {
        start: Timestamp(NOW.0 - 6 * 3_600_000),
        end: Timestamp(NOW.0 + 18 * 3_600_000),
    };

    let mut group = c.benchmark_group("store (100,000 cards)");
    group.sample_size(30);

    group.bench_function("load a session queue (limits 20 new / 200 reviews)", |b| {
        b.iter(|| {
            let today = store
                .today_counts(&sources, &Filter::default(), day.start)
                .unwrap();
            let due = store
                .session_cards(&QueueQuery {
                    sources: sources.clone(),
                    filter: Filter::default(),
                    now: NOW,
                    day_end: day.end,
                    new_limit: 20,
                    review_limit: 200,
                })
                .unwrap();
            black_box(Session::new(
                Params::default(),
                due,
                today,
                Limits::default(),
                day,
            ))
        })
    });

    // Answers to cards never reviewed before (each commit inserts a log row and updates a
    // card); past the prepared ones, the store reschedules from the stored state.
    let params = Params::default();
    let answers: Vec<AnswerRecord> = cards
        .iter()
        .skip(1)
        .step_by(5)
        .map(|note| {
            let id = note.card.id.clone();
            let before = store.card(&id).unwrap().unwrap().sched;
            let after = mdcards::quiz::schedule::answer(&params, &id, &before, Rating::Good, NOW);
            AnswerRecord {
                card_id: id,
                reviewed_at: NOW,
                rating: Rating::Good,
                before,
                after: after.sched,
                duration_ms: 2_000,
            }
        })
        .collect();
    let mut next = 0;
    group.bench_function("commit one answer (one transaction, WAL)", |b| {
        b.iter(|| {
            let answer = &answers[next % answers.len()];
            next += 1;
            store
                .record_answer(answer, |fresh| {
                    mdcards::quiz::schedule::answer(
                        &params,
                        &answer.card_id,
                        fresh,
                        Rating::Good,
                        NOW,
                    )
                    .sched
                })
                .unwrap()
        })
    });

    // One back edited in place, and one card inserted at the top (every line shifts).
    let mut edited = cards.clone();
    edited[50_000].card.back.push_str("3. Edited.\n");
    let mut shifted = cards.clone();
    for note in &mut shifted {
        note.card.location.line += 4;
        note.position += 1;
    }
    let mut first = cards[0].clone();
    first.card.front = "A brand new first question?".into();
    first.card.id = CardId::from_front("Generated::Raft", &first.card.front);
    first.position = 0;
    first.card.location.line = 3;
    shifted.insert(0, first);
    let mut toggle = false;
    group.bench_function("sync 100,000 parsed cards, one back edited", |b| {
        b.iter(|| {
            toggle = !toggle;
            sync(&mut store, if toggle { &edited } else { &cards }, NOW);
        })
    });
    group.bench_function(
        "sync 100,000 parsed cards, one card added at the top",
        |b| {
            b.iter(|| {
                toggle = !toggle;
                sync(&mut store, if toggle { &shifted } else { &cards }, NOW);
            })
        },
    );
    group.finish();
}

criterion_group!(benches, bench_store);
criterion_main!(benches);
