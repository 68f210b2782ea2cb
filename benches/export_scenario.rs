//! Scenario notes for Anki: what one generator instance and one hand-written script cost to
//! render (generate or run, SVG diagram, HTML), so an export's scenario part can be judged
//! against its plain cards (BENCHMARKS.md, "Anki export").

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use mdcards::deck::{Card, CardId, Location, ScenarioSource};
use mdcards::export::{MediaSet, scenario_notes};
use mdcards::scenario::GeneratorKind;

fn card(front: &str, script: &str) -> Card {
    let location = Location {
        file: PathBuf::from("bench.md"),
        line: 1,
        col: 1,
    };
    Card {
        id: CardId::from_front("Bench", front),
        pinned: false,
        kind: mdcards::deck::CardKind::Basic,
        deck: "Bench".to_owned(),
        front: front.to_owned(),
        back: format!("```raft\n{script}```\n"),
        tags: Vec::new(),
        media: Vec::new(),
        scenario: Some(ScenarioSource {
            script: script.to_owned(),
            location: Location {
                line: 3,
                ..location.clone()
            },
        }),
        location,
    }
}

fn scenario_notes_bench(c: &mut Criterion) {
    let media = MediaSet::default();
    let mut group = c.benchmark_group("scenario notes");
    for kind in GeneratorKind::ALL {
        let generator = card(kind.title(), &format!("generate {kind}\n"));
        group.bench_function(format!("{kind}: 5 instances"), |b| {
            b.iter(|| black_box(scenario_notes(black_box(&generator), 5, &media).unwrap()))
        });
    }
    let asks = card(
        "Would node 1 vote?",
        "cluster 5\nnode 1 follower term 5 log 1 1 1 4 4 5\n\
         send 3 -> 1 {\"term\": 5, \"candidateId\": 3, \"lastLogIndex\": 10, \"lastLogTerm\": 4}\n\
         ask 1 -> 3 voteGranted\nask 1 term\n",
    );
    group.bench_function("script with 2 asks", |b| {
        b.iter(|| black_box(scenario_notes(black_box(&asks), 5, &media).unwrap()))
    });
    group.finish();
}

criterion_group!(benches, scenario_notes_bench);
criterion_main!(benches);
