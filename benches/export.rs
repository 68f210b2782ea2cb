//! Export throughput: rendering one card, and a whole 10,000-card package.
//! Side-by-side figures against genanki come from `scripts/bench_export.py`.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mdcards::deck::{Card, CardId, Location};
use mdcards::export::{MediaSet, code_block_into, export_cards, render_card};

/// Cards shaped like `scripts/gen_deck.py`'s: lists, inline code, and one in five with a
/// JSON message block.
fn cards(n: usize) -> Vec<Card> {
    (0..n)
        .map(|i| {
            let front = format!("Question {i}: how does the leader handle log replication?");
            let back = if i % 5 == 0 {
                format!(
                    "The leader replicates the log when term {t} ends.\n\n```json\n{{\n  \"term\": {t},\n  \
                     \"leaderId\": 1,\n  \"prevLogIndex\": {i},\n  \"entries\": [{{\"index\": {i}, \
                     \"command\": \"set x = 1\"}}],\n  \"leaderCommit\": {i}\n}}\n```\n",
                    t = i % 9
                )
            } else {
                format!(
                    "1. A follower grants the candidate when term {} ends.\n    1. Uses `nextIndex[2]` and `matchIndex`.\n\
                     2. The cluster commits a majority at index {i}.\n",
                    i % 9
                )
            };
            Card {
                id: CardId::from_front("Bench", &front),
                pinned: false,
                kind: mdcards::deck::CardKind::Basic,
                deck: "Generated::Raft".to_owned(),
                front,
                back,
                tags: vec!["raft".to_owned(), "log_replication".to_owned()],
                media: Vec::new(),
                scenario: None,
                location: Location {
                    file: PathBuf::from("bench.md"),
                    line: i as u32 * 8 + 1,
                    col: 1,
                },
            }
        })
        .collect()
}

fn render(c: &mut Criterion) {
    let cards = cards(1000);
    let media = MediaSet::default();
    let mut group = c.benchmark_group("render");
    group.throughput(Throughput::Elements(cards.len() as u64));
    group.bench_function("1000 cards to HTML", |b| {
        b.iter(|| {
            for card in &cards {
                black_box(render_card(black_box(card), &media));
            }
        })
    });
    group.finish();
}

/// The block syntect needed 114-146 µs for (see BENCHMARKS.md).
fn highlight(c: &mut Criterion) {
    let code = "{\n  \"term\": 5,\n  \"leaderId\": 1,\n  \"prevLogIndex\": 8,\n  \"prevLogTerm\": 4,\n  \
                \"entries\": [{\"index\": 9, \"term\": 5, \"command\": \"set x = 10\"}],\n  \"leaderCommit\": 10\n}\n";
    c.bench_function("highlight 8-line JSON block", |b| {
        b.iter(|| {
            let mut out = String::with_capacity(1024);
            code_block_into(&mut out, "json", black_box(code));
            out
        })
    });
}

fn package(c: &mut Criterion) {
    let cards = cards(10_000);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bench.apkg");
    let mut group = c.benchmark_group("package");
    group.sample_size(10);
    group.throughput(Throughput::Elements(cards.len() as u64));
    group.bench_function("10000 cards to .apkg", |b| {
        b.iter(|| export_cards(&cards, &out, 1_767_323_045_000, &|_| {}).unwrap())
    });
    group.finish();
}

criterion_group!(benches, highlight, render, package);
criterion_main!(benches);
