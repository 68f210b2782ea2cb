//! Simulator throughput with every invariant checked after every step.
//!
//! `cargo bench --bench raft` — figures in BENCHMARKS.md ("Raft simulator").

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mdcards::raft::schedule::{self, ScheduleConfig};
use mdcards::scenario::script;

/// A 5-node cluster on a stable network (latency 1-3 ticks), a client proposal on 30% of
/// the ticks, 2,000 ticks: heartbeats, replication and commit-index updates.
fn steady_state() -> ScheduleConfig {
    let mut config = ScheduleConfig::new(5, 7, 2_000);
    config.propose_chance = 0.3;
    config
}

fn delivered(config: &ScheduleConfig) -> u64 {
    schedule::run(config)
        .map(|run| run.cluster.stats().delivered)
        .unwrap_or(0)
}

fn messages(c: &mut Criterion) {
    let mut group = c.benchmark_group("raft");
    let config = steady_state();
    group.throughput(Throughput::Elements(delivered(&config)));
    group.bench_function("deliver_steady_5_nodes", |b| {
        b.iter(|| schedule::run(black_box(&config)).map(|run| run.cluster.stats()))
    });

    // One fuzz seed as `sim --fuzz` runs it: loss, partitions, crashes, 1,000 ticks.
    let fuzz = ScheduleConfig::fuzz(5, 3, 1_000);
    group.throughput(Throughput::Elements(delivered(&fuzz)));
    group.bench_function("fuzz_seed_5_nodes_1000_ticks", |b| {
        b.iter(|| schedule::run(black_box(&fuzz)).map(|run| run.cluster.stats()))
    });

    // A scenario script end to end: parse, set up, run with the trace on, judge.
    let source = include_str!("../tests/fixtures/raft/figure7.raft");
    group.throughput(Throughput::Elements(1));
    group.bench_function("script_figure7", |b| {
        b.iter(|| {
            let parsed = script::parse(black_box(source), 1).map(|s| script::run(&s));
            parsed.map(|run| run.passed())
        })
    });
    group.finish();
}

criterion_group!(benches, messages);
criterion_main!(benches);
