//! Rendering a long `check` report: 10,000 findings in one 4.7 MB notes file (the file
//! `scripts/gen_findings.py 10000` writes), every one in full as `check --all` shows them,
//! and the default report (a screenful in full, the rest counted).

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mdcards::app::diagnostics::{Detail, render_human};
use mdcards::app::input::Sources;
use mdcards::notes::{Diagnostic, parse_file};

const ANSWER: &str = "A leader appends the command to its log, sends AppendEntries to every \
    follower, and applies the entry once a majority has stored it; followers learn the commit \
    index from the next heartbeat and apply the entry too. Until then the entry may still be \
    overwritten by a new leader, which is why clients wait for the commit before they treat \
    the command as done and why the leader answers only after applying it.";

/// `scripts/gen_findings.py`'s file: each card's tags line has a tag without its `()`.
fn notes(cards: usize) -> String {
    let mut text = String::from("# Findings\n\n");
    for i in 0..cards {
        text.push_str(&format!(
            "## How is command {i} committed?\n\n[#raft{}] [#replication]()\n\n{ANSWER}\n\n",
            i % 7
        ));
    }
    text
}

fn report(c: &mut Criterion) {
    let path = PathBuf::from("findings.md");
    let text = notes(10_000);
    let findings: Vec<Diagnostic> = parse_file(Path::new(&path), &text, None).diagnostics;
    assert_eq!(findings.len(), 10_000);
    let mut sources = Sources::default();
    sources.insert(path, Arc::new(text));

    let mut group = c.benchmark_group("diagnostics");
    group.sample_size(10);
    group.throughput(Throughput::Elements(findings.len() as u64));
    group.bench_function("10,000 findings in a 4.7 MB file, all in full", |b| {
        b.iter(|| {
            let mut out = Vec::with_capacity(8 << 20);
            render_human(&mut out, black_box(&findings), &sources, false, Detail::All).unwrap();
            out
        })
    });
    group.bench_function("10,000 findings in a 4.7 MB file, a screenful", |b| {
        let detail = Detail::Screenful { see_all: "--all" };
        b.iter(|| {
            let mut out = Vec::new();
            render_human(&mut out, black_box(&findings), &sources, false, detail).unwrap();
            out
        })
    });
    group.finish();
}

criterion_group!(benches, report);
criterion_main!(benches);
