//! Scenario cards in Anki packages: K notes per generator card with stable guids, one note
//! per script card, diagrams in the front, answers, explanations and timelines in the back;
//! imported by the official Anki library, and re-exported without duplicates.

mod anki;

use std::path::{Path, PathBuf};

use mdcards::deck::{Card, CardId, Location, ScenarioSource};
use mdcards::export::{MediaSet, instance_guid, scenario_notes};
use mdcards::scenario::{GeneratorKind, ScenarioCard, generate, instance_seed, scenario_card};
use serde_json::Value;

const DECK: &str = "Mohan::DeepWork::Raft";

const NOTES: &str = r#"# Raft

## What is a term?

A logical clock.

## Vote decisions, generated

```raft
generate vote-decision
```

## Would node 1 grant its vote to the seed's candidate?

```raft
cluster 5
node 1 follower term 5 log 1 1 1 4 4 5
send 3 -> 1 {"term": 5, "candidateId": 3, "lastLogIndex": 10, "lastLogTerm": 4}
ask 1 -> 3 voteGranted
ask 1 term
```

## Who leads after node 2 times out first?

Node 2, in term 1.

```raft
cluster 3
node 2 timeout 1
timeout 2
stabilize
expect leader 2
```
"#;

fn scenario(front: &str, script: &str, line: u32) -> Card {
    Card {
        id: CardId::from_front("Raft", front),
        pinned: false,
        kind: mdcards::deck::CardKind::Basic,
        deck: "Raft".to_owned(),
        front: front.to_owned(),
        back: format!("```raft\n{script}```\n"),
        tags: vec!["raft".to_owned()],
        media: Vec::new(),
        scenario: Some(ScenarioSource {
            script: script.to_owned(),
            location: Location {
                file: PathBuf::from("raft.md"),
                line: line + 2,
                col: 1,
            },
        }),
        location: Location {
            file: PathBuf::from("raft.md"),
            line,
            col: 1,
        },
    }
}

fn generator_card() -> Card {
    scenario("Vote decisions, generated", "generate vote-decision\n", 7)
}

#[test]
fn a_generator_card_becomes_k_instances_with_stable_guids() {
    let card = generator_card();
    let media = MediaSet::collect(&[]).unwrap();
    let notes = scenario_notes(&card, 3, &media).unwrap();
    assert_eq!(notes.len(), 3);
    for (i, note) in notes.iter().enumerate() {
        let n = i as u32 + 1;
        assert_eq!(note.guid, format!("{} #{n}", card.id));
        assert_eq!(note.guid, instance_guid(&card, n));
        let question = generate(
            GeneratorKind::VoteDecision,
            instance_seed(card.id.as_str(), n),
        );
        let [front, back, source] = &note.fields[..] else {
            panic!("three fields")
        };
        assert!(front.starts_with("Vote decisions, generated"), "{front}");
        assert!(front.contains("<svg "), "{front}");
        assert!(front.contains(&format!("vote-decision · instance {n}")));
        assert!(
            back.contains(&format!(
                "<strong class=\"mdc-answer\">{}</strong>",
                question.answer
            )),
            "{back}"
        );
        assert!(back.contains("<pre class=\"mdc-timeline\">"), "{back}");
        assert!(
            back.contains("mdcards sim"),
            "the script to replay it: {back}"
        );
        assert_eq!(
            source,
            &format!(
                "raft.md:7 · vote-decision #{n}, seed {}",
                instance_seed(card.id.as_str(), n)
            )
        );
        assert_eq!(note.tags, ["raft"]);
    }
    // The same export again: the same notes.
    assert_eq!(scenario_notes(&card, 3, &media).unwrap(), notes);
    // More instances keep the first ones.
    assert_eq!(scenario_notes(&card, 4, &media).unwrap()[..3], notes[..]);
}

#[test]
fn a_script_card_asks_its_questions_in_one_note() {
    let script = "cluster 5\nnode 1 follower term 5 log 1 1 1 4 4 5\n\
        send 3 -> 1 {\"term\": 5, \"candidateId\": 3, \"lastLogIndex\": 10, \"lastLogTerm\": 4}\n\
        ask 1 -> 3 voteGranted\nask 1 term\n";
    let card = scenario("Would node 1 grant its vote?", script, 12);
    let ScenarioCard::Script { questions, .. } =
        scenario_card(card.scenario.as_ref().unwrap()).unwrap()
    else {
        panic!("a script")
    };
    let notes = scenario_notes(&card, 5, &MediaSet::collect(&[]).unwrap()).unwrap();
    assert_eq!(notes.len(), 1, "K applies to generators only");
    let note = &notes[0];
    assert_eq!(note.guid, card.id.as_str());
    let (front, back) = (&note.fields[0], &note.fields[1]);
    for (n, question) in questions.iter().enumerate() {
        assert!(front.contains(&format!("<span class=\"mdc-num\">{}.</span>", n + 1)));
        assert!(front.contains(&question.prompt), "{front}");
        assert!(
            back.contains(&format!(
                "<strong class=\"mdc-answer\">{}</strong>",
                question.answer
            )),
            "{back}"
        );
    }
    assert!(
        back.contains("§5.4.1"),
        "the explanation cites the rule: {back}"
    );
    // The card's own back (the script) follows.
    assert!(back.contains("data-lang=\"raft\""), "{back}");
    // The rendered note, as Anki stores it (a hand-written script, so the snapshot changes
    // only when the simulator's explanations or the rendering do).
    insta::assert_snapshot!("scenario_front", front);
    insta::assert_snapshot!("scenario_back", back);
}

#[test]
fn a_script_without_questions_is_a_recall_note_with_the_run() {
    let card = scenario(
        "Who leads after node 2 times out first?",
        "cluster 3\nnode 2 timeout 1\ntimeout 2\nstabilize\nexpect leader 2\n",
        20,
    );
    let notes = scenario_notes(&card, 5, &MediaSet::collect(&[]).unwrap()).unwrap();
    let (front, back) = (&notes[0].fields[0], &notes[0].fields[1]);
    assert!(front.contains("<svg "), "the declared cluster: {front}");
    assert!(back.contains("✓ <code>expect leader 2</code>"), "{back}");
    assert!(back.contains("At the end of the run"), "{back}");
    assert_eq!(back.matches("<svg ").count(), 1);
}

fn mdcards_export(notes: &Path, out: &Path, now: &str, instances: &str) -> String {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_mdcards"))
        .arg("export")
        .arg(notes)
        .arg(out)
        .args(["--deck", DECK, "--instances", instances])
        .env("MDCARDS_NOW", now)
        .env("MDCARDS_DB", out.with_file_name("reviews.sqlite3"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stderr}");
    stderr
}

fn notes_of(state: &Value) -> &Vec<Value> {
    state["notes"].as_array().unwrap()
}

#[test]
fn scenario_notes_import_into_anki_and_reexports_update_them() {
    let Some(python) = anki::python() else { return };
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("raft.md");
    std::fs::write(&notes, NOTES).unwrap();
    let out = dir.path().join("raft.apkg");
    let collection = dir.path().join("col.anki2");
    let stderr = mdcards_export(&notes, &out, "2026-01-02T03:04:05Z", "3");
    assert!(
        stderr.contains("Exported 6 cards (6 notes, 3 of them scenario instances"),
        "{stderr}"
    );
    let result = anki::import(&python, &collection, &out);
    anki::assert_clean(&result);
    // 1 plain card, 3 instances, the asking card and the recall card.
    assert_eq!(result["log"]["new"], 6, "{:#}", result["log"]);
    let state = &result["state"];
    assert_eq!(state["card_count"], 6);
    let generator = CardId::from_front(DECK, "Vote decisions, generated");
    for n in 1..=3 {
        let note = anki::note(state, &format!("{generator} #{n}"));
        let front = note["fields"]["Front"].as_str().unwrap();
        assert!(front.contains("<svg "), "Anki keeps the SVG: {front}");
        assert!(front.contains("mdc-t1"), "{front}");
        let question = generate(
            GeneratorKind::VoteDecision,
            instance_seed(generator.as_str(), n),
        );
        assert!(note["fields"]["Back"].as_str().unwrap().contains(&format!(
            "<strong class=\"mdc-answer\">{}</strong>",
            question.answer
        )));
        assert_eq!(note["notetype"], "mdcards Basic");
    }
    let asks = CardId::from_front(DECK, "Would node 1 grant its vote to the seed's candidate?");
    assert!(
        anki::note(state, asks.as_str())["fields"]["Front"]
            .as_str()
            .unwrap()
            .contains("<svg ")
    );
    // The note type's CSS styles the diagram in night mode.
    let notetype = state["notetypes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|nt| nt["name"] == "mdcards Basic")
        .unwrap();
    assert!(
        notetype["css"]
            .as_str()
            .unwrap()
            .contains(".nightMode .mdc-t1"),
        "{notetype:#}"
    );

    // Study one instance, then export again later: every note updates, none duplicates,
    // the review stays.
    anki::anki(
        &python,
        &[
            "review",
            collection.to_str().unwrap(),
            &format!("{generator} #2"),
        ],
    );
    mdcards_export(&notes, &out, "2026-01-03T03:04:05Z", "3");
    let result = anki::import(&python, &collection, &out);
    anki::assert_clean(&result);
    assert_eq!(result["log"]["new"], 0, "{:#}", result["log"]);
    assert_eq!(result["log"]["updated"], 6, "{:#}", result["log"]);
    assert_eq!(notes_of(&result["state"]).len(), 6);
    assert_eq!(
        anki::note(&result["state"], &format!("{generator} #2"))["reviews"],
        1
    );

    // One more instance: one new note, the others unchanged.
    mdcards_export(&notes, &out, "2026-01-04T03:04:05Z", "4");
    let result = anki::import(&python, &collection, &out);
    anki::assert_clean(&result);
    assert_eq!(result["log"]["new"], 1, "{:#}", result["log"]);
    assert_eq!(notes_of(&result["state"]).len(), 7);
    anki::note(&result["state"], &format!("{generator} #4"));
}

/// The built-in deck, with its scenario and generator cards, exported with K instances.
#[test]
fn builtin_deck_exports_its_scenarios_and_imports_cleanly() {
    let Some(python) = anki::python() else { return };
    let builtin = Path::new(env!("CARGO_MANIFEST_DIR")).join("decks/raft.md");
    let cards = mdcards::notes::parse_file(
        &builtin,
        &std::fs::read_to_string(&builtin).unwrap(),
        Some(DECK),
    )
    .cards;
    let generators = cards
        .iter()
        .filter(|card| {
            card.scenario
                .as_ref()
                .is_some_and(|s| matches!(scenario_card(s), Ok(ScenarioCard::Generator(_))))
        })
        .count();
    let k = 2;
    let expected = cards.len() - generators + generators * k;

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("raft.apkg");
    let collection = dir.path().join("col.anki2");
    mdcards_export(&builtin, &out, "2026-01-02T03:04:05Z", &k.to_string());
    let result = anki::import(&python, &collection, &out);
    anki::assert_clean(&result);
    assert_eq!(result["log"]["new"], expected, "{:#}", result["log"]);
    let state = &result["state"];
    assert_eq!(notes_of(state).len(), expected);
    for card in cards.iter().filter(|c| c.scenario.is_some()) {
        let guids: Vec<String> = match scenario_card(card.scenario.as_ref().unwrap()).unwrap() {
            ScenarioCard::Generator(_) => (1..=k as u32).map(|n| instance_guid(card, n)).collect(),
            ScenarioCard::Script { .. } => vec![card.id.to_string()],
        };
        for guid in guids {
            let note = anki::note(state, &guid);
            let front = note["fields"]["Front"].as_str().unwrap();
            assert!(front.contains("<svg "), "{guid}: {front}");
        }
    }
    // Exported again later: updates only.
    mdcards_export(&builtin, &out, "2026-01-03T03:04:05Z", &k.to_string());
    let result = anki::import(&python, &collection, &out);
    anki::assert_clean(&result);
    assert_eq!(result["log"]["new"], 0);
    assert_eq!(result["log"]["updated"], expected);
    assert_eq!(notes_of(&result["state"]).len(), expected);
}
