//! Notes parsing throughput (bytes of markdown per second), on a deck in the style of
//! `scripts/gen_deck.py`: tag lines, numbered and nested lists, inline code, JSON blocks.
//! The end-to-end figure (`mdcards list --json` on 100,000 cards, time and peak memory) is
//! measured on the release binary; see BENCHMARKS.md, "Notes parsing".

use std::fmt::Write;
use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mdcards::notes::{self, parse_file, parse_file_in_pieces};

/// `n` cards shaped like gen_deck.py's (deterministic, no randomness needed).
fn deck(n: usize) -> String {
    let topics = [
        "leader election",
        "log replication",
        "terms",
        "heartbeats",
        "safety",
    ];
    let mut text = String::from("# Generated::Raft\n\n");
    for i in 0..n {
        let topic = topics[i % topics.len()];
        let t = i % 9 + 1;
        writeln!(
            text,
            "## Question {i}: how does a follower handle {topic}?\n"
        )
        .unwrap();
        writeln!(text, "[#raft]() [#{topic}]()\n").unwrap();
        if i % 5 == 0 {
            writeln!(
                text,
                "The leader replicates the log when term {t} ends at index {i}.\n\n```json\n{{\n  \
                 \"term\": {t},\n  \"leaderId\": 1,\n  \"prevLogIndex\": {i},\n  \"prevLogTerm\": \
                 {t},\n  \"entries\": [{{\"index\": {i}, \"term\": {t}, \"command\": \"set x = 1\"}}],\n  \
                 \"leaderCommit\": {i}\n}}\n```\n"
            )
            .unwrap();
        } else {
            writeln!(
                text,
                "1. A follower grants the candidate when term {t} ends at index {i}.\n    1. Uses \
                 `nextIndex[2]` and `matchIndex`.\n2. The cluster commits a majority at index {i}.\n"
            )
            .unwrap();
        }
    }
    text
}

fn parse(c: &mut Criterion) {
    let text = deck(10_000);
    let path = Path::new("bench.md");
    let mut group = c.benchmark_group("notes");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.sample_size(20);
    group.bench_function("parse_file, 10k cards", |b| {
        b.iter(|| parse_file(path, black_box(&text), None))
    });
    group.bench_function("parse_file in one piece, 10k cards", |b| {
        b.iter(|| parse_file_in_pieces(path, black_box(&text), None, usize::MAX))
    });
    let cards = parse_file(path, &text, None).cards;
    group.bench_function("duplicate_ids, 10k cards", |b| {
        b.iter(|| notes::duplicate_ids(black_box(&cards)))
    });
    group.bench_function("html::render every back, 10k cards", |b| {
        b.iter(|| {
            cards
                .iter()
                .map(|card| notes::html::render(black_box(&card.back)).len())
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
