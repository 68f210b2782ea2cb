//! Scenario work as `check` and the quiz do it: validating every scenario of the built-in
//! deck (target: under 100 ms), and drawing 10,000 instances of each generator (target:
//! under 5 s each).
//!
//! `cargo bench --bench scenario -- --warm-up-time 1 --measurement-time 3` — figures in
//! BENCHMARKS.md ("Scenarios").

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use mdcards::notes::{BUILTIN_DECK, BUILTIN_DECK_PATH, parse_file};
use mdcards::scenario::{GeneratorKind, generate, messages, validate};

/// How many instances each generator draws per measured iteration.
const INSTANCES: u64 = 10_000;

fn builtin_deck(c: &mut Criterion) {
    let mut group = c.benchmark_group("scenario");
    let path = Path::new(BUILTIN_DECK_PATH);
    let deck = parse_file(path, BUILTIN_DECK, None);
    let scenarios = deck.cards.iter().filter(|c| c.scenario.is_some()).count();
    group.throughput(Throughput::Elements(scenarios as u64));
    // Every ```raft block run on the simulator and judged.
    group.bench_function("validate_builtin_scenarios", |b| {
        b.iter(|| black_box(&deck.cards).iter().flat_map(validate).count())
    });
    // What `check` adds to reading the notes: the scenarios and the message blocks.
    group.bench_function("check_builtin_deck", |b| {
        b.iter(|| {
            let deck = parse_file(path, black_box(BUILTIN_DECK), None);
            let scenarios = deck.cards.iter().flat_map(validate).count();
            // As `check` reads them: card by card.
            let card_lines: Vec<u32> = deck.cards.iter().map(|c| c.location.line).collect();
            scenarios + messages::check_cards(path, BUILTIN_DECK, &card_lines).len()
        })
    });
    group.finish();
}

fn generators(c: &mut Criterion) {
    let mut group = c.benchmark_group("generate_10000");
    // One iteration draws 10,000 instances (a fraction of a second to seconds): few samples
    // of one iteration each, not criterion's default 100 samples of growing iteration counts.
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group.warm_up_time(Duration::from_secs(1));
    group.throughput(Throughput::Elements(INSTANCES));
    for kind in GeneratorKind::ALL {
        group.bench_function(kind.name(), |b| {
            b.iter(|| {
                for seed in 0..INSTANCES {
                    black_box(generate(kind, black_box(seed)));
                }
            })
        });
    }
    group.finish();
}

criterion_group!(benches, builtin_deck, generators);
criterion_main!(benches);
